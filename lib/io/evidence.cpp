#include <pgm/io/evidence.hpp>

#include "io/detail/text_cursor.hpp"

#include <pgm/core/error.hpp>

#include <string_view>

namespace pgm::io {
namespace {

using detail::quote_token;
using detail::TextCursor;

struct Number {
  std::size_t value = 0;
  std::string_view text;
  int line = 0;
  int column = 0;
};

[[nodiscard]] bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

[[nodiscard]] std::string_view trim(std::string_view s) {
  while (!s.empty() && TextCursor::is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && TextCursor::is_space(s.back())) s.remove_suffix(1);
  return s;
}

// UAI .evid: `N v1 s1 ... vN sN` (2014) or `1` then `N v1 s1 ...` (older, one sample).
Assignments read_uai_evidence(std::string_view text, const std::string& file) {
  TextCursor cursor(text, file, {});
  std::vector<Number> numbers;
  for (;;) {
    cursor.skip_space();
    if (cursor.at_end()) break;
    Number n{0, {}, cursor.line(), cursor.column()};
    n.text = cursor.take_while([](char c) { return !TextCursor::is_space(c); });
    if (!detail::parse_size(n.text, n.value, std::size_t{1} << 32)) {
      throw ParseError({file, n.line, n.column}, "expected a non-negative integer in a UAI evidence file, found " +
                                                     quote_token(n.text));
    }
    numbers.push_back(n);
  }
  Assignments out;
  if (numbers.empty()) return out;
  const std::size_t total = numbers.size();
  const auto pairs_from = [&](std::size_t first) {
    for (std::size_t i = first; i + 1 < total; i += 2) {
      out.emplace_back(std::string(numbers[i].text), std::string(numbers[i + 1].text));
    }
    return out;
  };
  if (total == 1 + 2 * numbers[0].value) return pairs_from(1);
  if (total >= 2 && total == 2 + 2 * numbers[1].value) {
    if (numbers[0].value != 1) {
      throw ParseError({file, numbers[0].line, numbers[0].column},
                       "the evidence file holds " + std::string(numbers[0].text) +
                           " evidence samples; only one is supported");
    }
    return pairs_from(2);
  }
  throw ParseError({file, numbers[0].line, numbers[0].column},
                   "malformed UAI evidence: the first number is " + std::string(numbers[0].text) +
                       ", so the file should hold " + std::to_string(2 * numbers[0].value) +
                       " more numbers (variable/state pairs), but it holds " + std::to_string(total - 1) +
                       " (nor does it match the older form: '1', then a count and its pairs)");
}

// `name=state` per line (several per line separated by commas), `#` comments.
Assignments read_assignment_lines(std::string_view text, const std::string& file) {
  Assignments out;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    ++line_no;
    std::string_view line = text.substr(pos, end - pos);
    if (const std::size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    std::size_t item_start = 0;
    while (item_start <= line.size()) {
      std::size_t item_end = line.find(',', item_start);
      if (item_end == std::string_view::npos) item_end = line.size();
      const std::string_view raw = line.substr(item_start, item_end - item_start);
      const std::string_view item = trim(raw);
      const int column = static_cast<int>(item_start + (item.empty() ? 0 : item.data() - raw.data())) + 1;
      if (!item.empty()) {
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos) {
          throw ParseError({file, line_no, column}, "expected 'variable=state', found " + quote_token(item));
        }
        const std::string_view name = trim(item.substr(0, eq));
        const std::string_view state = trim(item.substr(eq + 1));
        if (name.empty() || state.empty()) {
          throw ParseError({file, line_no, column}, "expected 'variable=state' with both sides non-empty, found " +
                                                        quote_token(item));
        }
        out.emplace_back(std::string(name), std::string(state));
      } else if (item_end < line.size()) {
        throw ParseError({file, line_no, column}, "empty item before ',' (expected 'variable=state')");
      }
      item_start = item_end + 1;
    }
    pos = end + 1;
  }
  return out;
}

}  // namespace

Assignments read_evidence_string(const std::string& file_text, const std::string& filename) {
  const std::string_view text = detail::checked_text(file_text, filename);  // no BOM, no NUL, UTF-8
  // UAI files start with a count and have no '='; `A=a` files need one on every item.
  TextCursor probe(text, filename, {.hash_comments = true});
  probe.skip_space();
  const std::string_view first = probe.take_while([](char c) { return !TextCursor::is_space(c) && c != '#'; });
  if (first.empty()) return {};
  if (all_digits(first) && text.find('=') == std::string_view::npos) return read_uai_evidence(text, filename);
  return read_assignment_lines(text, filename);
}

Assignments read_evidence_file(const std::string& path) {
  const std::string text = detail::read_text_file(path);
  return read_evidence_string(text, path);
}

}  // namespace pgm::io
