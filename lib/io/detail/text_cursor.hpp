#pragma once
// PRIVATE: a forward cursor over a whole file held in memory, with 1-based line/column tracking, for the
// hand-written BIF, UAI and evidence readers. Lines are counted as whitespace is skipped, so reading a
// multi-megabyte file costs one pass and no per-token allocation. Also the exact number conversions
// (std::from_chars / std::to_chars) every reader and writer of ours shares, so numbers round-trip bit-exactly.
#include <pgm/core/error.hpp>

#include "io/detail/input.hpp"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

namespace pgm::io::detail {

// Writes text to a file; IoError naming the path on failure.
inline void write_text_file(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw IoError("cannot open '" + path + "' for writing");
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.flush();
  if (!out) throw IoError("error while writing '" + path + "'");
}

// Exact decimal -> double (see parse_number); false for anything but a finite number.
[[nodiscard]] inline bool parse_double(std::string_view token, double& out) noexcept {
  return parse_number(token, out) == NumberStatus::ok;
}

// Non-negative decimal integer that fits `max`; false otherwise.
[[nodiscard]] inline bool parse_size(std::string_view token, std::size_t& out,
                                     std::size_t max = std::size_t{1} << 40) noexcept {
  if (token.empty()) return false;
  std::uint64_t value = 0;
  const char* last = token.data() + token.size();
  const auto [ptr, ec] = std::from_chars(token.data(), last, value, 10);
  if (ec != std::errc{} || ptr != last || value > max) return false;
  out = static_cast<std::size_t>(value);
  return true;
}

// Shortest text that reads back to exactly the same double (std::to_chars round-trip guarantee).
[[nodiscard]] inline std::string format_double(double value) {
  char buffer[32];
  const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;  // 32 bytes always suffice for the shortest form of a double
  return std::string(buffer, ptr);
}
inline void append_double(std::string& out, double value) {
  char buffer[32];
  const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;
  out.append(buffer, ptr);
}

// Shortens a token for an error message, so a corrupt file does not produce a megabyte message.
[[nodiscard]] inline std::string quote_token(std::string_view token) {
  constexpr std::size_t kMax = 40;
  std::string out = "'";
  out += token.size() <= kMax ? token : token.substr(0, kMax);
  if (token.size() > kMax) out += "...";
  out += "'";
  return out;
}

class TextCursor {
 public:
  struct Options {
    bool slash_comments = false;  // "// ..." and "/* ... */"
    bool hash_comments = false;   // "# ..."
  };

  TextCursor(std::string_view text, std::string file, Options options)
      : text_(text), file_(std::move(file)), options_(options) {}

  [[nodiscard]] const std::string& file() const noexcept { return file_; }
  [[nodiscard]] std::string_view text() const noexcept { return text_; }
  [[nodiscard]] bool at_end() const noexcept { return pos_ >= text_.size(); }
  [[nodiscard]] std::size_t offset() const noexcept { return pos_; }
  [[nodiscard]] char peek() const noexcept { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  [[nodiscard]] char peek(std::size_t ahead) const noexcept {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  [[nodiscard]] int line() const noexcept { return line_; }
  [[nodiscard]] int column() const noexcept { return static_cast<int>(pos_ - line_start_) + 1; }
  [[nodiscard]] SourceLocation location() const { return {file_, line_, column()}; }
  [[nodiscard]] SourceLocation location(int line, int column) const { return {file_, line, column}; }

  // Moves over one character (keeping line count).
  void advance() noexcept {
    if (pos_ >= text_.size()) return;
    if (text_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }

  // Skips whitespace and the enabled comment kinds. ParseError on an unterminated block comment.
  void skip_space() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\n') {
        ++line_;
        line_start_ = ++pos_;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
        ++pos_;
      } else if (options_.hash_comments && c == '#') {
        skip_to_line_end();
      } else if (options_.slash_comments && c == '/' && peek(1) == '/') {
        skip_to_line_end();
      } else if (options_.slash_comments && c == '/' && peek(1) == '*') {
        const SourceLocation start = location();
        pos_ += 2;
        for (;;) {
          if (pos_ >= text_.size()) throw ParseError(start, "unterminated comment '/* ...': no closing '*/'");
          if (text_[pos_] == '*' && peek(1) == '/') {
            pos_ += 2;
            break;
          }
          advance();
        }
      } else {
        return;
      }
    }
  }

  // Takes characters while pred(c) holds; the characters must not include '\n'.
  template <class Pred>
  [[nodiscard]] std::string_view take_while(Pred pred) noexcept {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && pred(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  // Next whitespace-separated token (no comment handling inside the token); empty at the end.
  [[nodiscard]] std::string_view next_token() {
    skip_space();
    return take_while([](char c) { return !is_space(c); });
  }

  [[noreturn]] void fail(const std::string& message) const { throw ParseError(location(), message); }
  [[noreturn]] void fail_at(int line, int column, const std::string& message) const {
    throw ParseError(location(line, column), message);
  }

  [[nodiscard]] static bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  }

 private:
  void skip_to_line_end() noexcept {
    while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
  }

  std::string_view text_;
  std::string file_;
  Options options_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::size_t line_start_ = 0;
};

}  // namespace pgm::io::detail
