#include "pgm/output.hpp"

#include <pgm/core/error.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <ostream>

namespace pgm::cli {

std::string bar(double p, std::size_t width) {
  // Index k holds the block k/8 wide; U+2588 is the full block.
  static constexpr std::array<const char*, 8> kEighths = {"", "\u258F", "\u258E", "\u258D",
                                                          "\u258C", "\u258B", "\u258A", "\u2589"};
  if (!(p > 0)) return {};  // also NaN
  p = std::min(p, 1.0);
  const auto units = static_cast<std::size_t>(std::lround(p * static_cast<double>(width) * 8.0));
  std::string out;
  for (std::size_t i = 0; i < units / 8; ++i) out += "\u2588";
  out += kEighths[units % 8];
  return out;
}

std::string format_probability(double p) {
  if (std::isnan(p)) return "nan";
  if (std::isinf(p)) return p > 0 ? "inf" : "-inf";
  std::array<char, 64> buf{};
  if (p != 0 && std::fabs(p) < 0.00005) {
    std::snprintf(buf.data(), buf.size(), "%.2e", p);
  } else {
    std::snprintf(buf.data(), buf.size(), "%.4f", p);
  }
  return buf.data();
}

std::string format_number(double x, int digits) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "%.*g", digits, x);
  return buf.data();
}

std::size_t display_width(std::string_view s) {
  // Count bytes that do not continue a UTF-8 sequence (continuation bytes are 10xxxxxx).
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

std::string pad(std::string_view s, std::size_t width, bool right_align) {
  const std::size_t w = display_width(s);
  const std::string fill(w < width ? width - w : 0, ' ');
  return right_align ? fill + std::string(s) : std::string(s) + fill;
}

std::string format_assignments(const std::vector<std::pair<std::string, std::string>>& given) {
  std::string out;
  for (const auto& [name, state] : given) {
    if (!out.empty()) out += ", ";
    out += name + "=" + state;
  }
  return out;
}

void TextTable::right_align(std::size_t column) {
  if (right_.size() <= column) right_.resize(column + 1, false);
  right_[column] = true;
}

void TextTable::print(std::ostream& out) const {
  std::vector<std::size_t> widths;
  for (const auto& row : rows_) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], display_width(row[c]));
  }
  for (const auto& row : rows_) {
    std::string line(indent_, ' ');
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool right = c < right_.size() && right_[c];
      const bool last = c + 1 == row.size();
      if (c > 0) line += "  ";
      line += (last && !right) ? row[c] : pad(row[c], widths[c], right);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
}

void append(Json& object, std::string key, Json value) {
  if (object.is_null()) object = Json::object();
  auto& entries = static_cast<Json::object_t::Container&>(object.get_ref<Json::object_t&>());
  entries.emplace_back(std::move(key), std::move(value));
}

Json evidence_json(const std::vector<std::pair<std::string, std::string>>& given) {
  Json e = Json::object();
  for (const auto& [name, state] : given) append(e, name, state);  // names are distinct
  return e;
}

Json number_json(double x) {
  if (!std::isfinite(x)) return nullptr;
  return x;
}

void print_json(const Json& json, std::ostream& out) {
  // nlohmann writes doubles with a shortest round-trip algorithm (Grisu2), so no precision is lost.
  std::string text;
  try {
    text = json.dump(2);
  } catch (const Json::exception&) {  // type_error 316: invalid UTF-8
    throw ModelError(
        "the output holds text that is not valid UTF-8 (a variable or state name in the model file?), which JSON "
        "cannot carry; fix the file's encoding, or leave out --json to see the names as they are");
  }
  out << text << '\n';
}

}  // namespace pgm::cli
