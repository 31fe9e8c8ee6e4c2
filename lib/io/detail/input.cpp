#include "io/detail/input.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

namespace pgm::io::detail {
namespace {

std::string human_bytes(std::uint64_t bytes) {
  char buffer[64];
  const double gib = static_cast<double>(bytes) / static_cast<double>(std::uint64_t{1} << 30);
  if (gib >= 1.0) {
    std::snprintf(buffer, sizeof buffer, "%.1f GiB (%llu bytes)", gib, static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buffer, sizeof buffer, "%llu bytes", static_cast<unsigned long long>(bytes));
  }
  return buffer;
}

[[noreturn]] void too_large(const std::string& path, const std::string& size) {
  throw LimitError("'" + path + "' is " + size + "; model and evidence files larger than " +
                   human_bytes(kMaxInputBytes) + " are refused");
}

std::string hex_bytes(std::string_view bytes) {
  std::string out;
  char buffer[8];
  for (const char c : bytes) {
    std::snprintf(buffer, sizeof buffer, "%s0x%02X", out.empty() ? "" : " ", static_cast<unsigned char>(c));
    out += buffer;
  }
  return out;
}

// Up to 20 bytes of the line before `offset`, cut at a character boundary (all of it is valid UTF-8,
// since `offset` is the first bad byte).
std::string_view preceding(std::string_view text, std::size_t offset) {
  const std::size_t line_start = offset == 0 ? 0 : text.rfind('\n', offset - 1) + 1;  // npos + 1 == 0
  std::size_t start = offset - std::min<std::size_t>(offset - line_start, 20);
  while (start < offset && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) ++start;
  return text.substr(start, offset - start);
}

// Length of the byte sequence starting at a lead byte that is not valid: the lead byte and the
// continuation bytes after it (at most 4), for the message.
std::size_t bad_sequence_length(std::string_view text, std::size_t offset) {
  std::size_t end = offset + 1;
  while (end < text.size() && end < offset + 4 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
  return end - offset;
}

}  // namespace

void require_readable_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (st.type() == fs::file_type::not_found) throw IoError("'" + path + "' does not exist");
  if (ec) throw IoError("cannot read '" + path + "': " + ec.message());
  if (st.type() == fs::file_type::directory) throw IoError("'" + path + "' is a directory, not a file");
}

std::string read_text_file(const std::string& path) {
  namespace fs = std::filesystem;
  require_readable_file(path);
  std::error_code ec;
  const bool regular = fs::is_regular_file(path, ec);
  std::uint64_t expected = 0;
  if (regular) {
    expected = fs::file_size(path, ec);
    if (!ec && expected > kMaxInputBytes) too_large(path, human_bytes(expected));
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    throw IoError("cannot open '" + path + "' for reading" + (err ? std::string(": ") + std::strerror(err) : ""));
  }
  std::string text;
  if (regular && !ec) text.reserve(static_cast<std::size_t>(expected));
  // A pipe or device may never end: read it in chunks up to the bound, and stop at a NUL byte (no text
  // file has one; checked_text names it), so /dev/zero costs one chunk, not all memory.
  std::vector<char> chunk(std::size_t{1} << 16);
  for (;;) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (text.size() + got > kMaxInputBytes) {
      too_large(path, regular ? "larger than " + human_bytes(kMaxInputBytes)
                              : "not a regular file and gave more than " + human_bytes(kMaxInputBytes));
    }
    text.append(chunk.data(), got);
    if (!regular && std::memchr(chunk.data(), '\0', got) != nullptr) break;
    if (!in) break;
  }
  if (in.bad()) throw IoError("error while reading '" + path + "'");
  return text;
}

std::size_t first_bad_byte(std::string_view text) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  std::size_t i = 0;
  while (i < n) {
    // Fast path: eight ASCII bytes, none of them NUL.
    if (i + 8 <= n) {
      std::uint64_t w = 0;
      std::memcpy(&w, p + i, 8);
      if (((w | ((w - kOnes) & ~w)) & kHighs) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned c = p[i];
    if (c == 0) return i;
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;  // a continuation byte without a lead, C0/C1 (overlong) or F5..FF
    }
    if (i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k) {
      const unsigned b = p[i + k];
      if ((b & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return i;
    if (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

SourceLocation location_of(std::string_view text, std::size_t offset, const std::string& file) {
  offset = std::min(offset, text.size());
  const auto head = text.substr(0, offset);
  const auto line = std::count(head.begin(), head.end(), '\n') + 1;
  const std::size_t nl = head.rfind('\n');
  const std::size_t line_start = nl == std::string_view::npos ? 0 : nl + 1;
  return {file, static_cast<int>(line), static_cast<int>(offset - line_start) + 1};
}

std::string_view checked_text(std::string_view text, const std::string& file) {
  const auto starts = [&](std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; };
  using namespace std::string_view_literals;
  const char* wide = nullptr;
  if (starts("\xEF\xBB\xBF"sv)) {
    text.remove_prefix(3);
  } else if (starts("\x00\x00\xFE\xFF"sv)) {
    wide = "UTF-32 (big-endian byte-order mark 00 00 FE FF)";
  } else if (starts("\xFF\xFE\x00\x00"sv)) {
    wide = "UTF-32 (little-endian byte-order mark FF FE 00 00)";
  } else if (starts("\xFE\xFF"sv)) {
    wide = "UTF-16 (big-endian byte-order mark FE FF)";
  } else if (starts("\xFF\xFE"sv)) {
    wide = "UTF-16 (little-endian byte-order mark FF FE)";
  }
  if (wide) {
    throw ParseError({file, 1, 1}, std::string("the file is ") + wide +
                                       "; pgm reads UTF-8 text: convert it first, e.g. iconv -f UTF-16 -t UTF-8");
  }
  const std::size_t bad = first_bad_byte(text);
  if (bad == std::string_view::npos) return text;
  const SourceLocation where = location_of(text, bad, file);
  if (text[bad] == '\0') {
    // ASCII saved as UTF-16 without a mark has a NUL in every other byte from the start.
    const bool utf16 = text.size() >= 4 && bad <= 1 && (text[0] == '\0') != (text[1] == '\0') &&
                       (text[2] == '\0') != (text[3] == '\0');
    throw ParseError(where, "NUL byte at line " + std::to_string(where.line) + ", column " +
                                std::to_string(where.column) +
                                (utf16 ? ": the file looks like UTF-16 without a byte-order mark; pgm reads UTF-8 text"
                                       : ": this is not a text file"));
  }
  const std::string_view before = preceding(text, bad);
  throw ParseError(where, "invalid UTF-8 (byte" + std::string(bad_sequence_length(text, bad) > 1 ? "s " : " ") +
                              hex_bytes(text.substr(bad, bad_sequence_length(text, bad))) + ")" +
                              (before.empty() ? std::string() : " after '" + std::string(before) + "'") +
                              " at line " + std::to_string(where.line) +
                              "; pgm reads UTF-8 text: convert the file first, e.g. iconv -f LATIN1 -t UTF-8");
}

void check_name(std::string_view name, const SourceLocation& where, const std::string& what) {
  const std::size_t bad = first_bad_byte(name);
  if (bad == std::string_view::npos) return;
  if (name[bad] == '\0') throw ParseError(where, what + " contains a NUL byte");
  throw ParseError(where, what + " is not valid UTF-8 (byte " + hex_bytes(name.substr(bad, 1)) + " after '" +
                              std::string(name.substr(0, std::min<std::size_t>(bad, 20))) + "')");
}

TableSize& TableSize::times(std::size_t cardinality) noexcept {
  if (zero_) return *this;
  if (cardinality == 0) {
    zero_ = true;
    value_ = 0;
    overflow_ = false;
    return *this;
  }
  power_of_two_ = power_of_two_ && (cardinality & (cardinality - 1)) == 0;
  log2_ += std::log2(static_cast<double>(cardinality));
  if (!overflow_) {
    std::uint64_t product = 0;
    if (__builtin_mul_overflow(value_, static_cast<std::uint64_t>(cardinality), &product)) {
      overflow_ = true;
    } else {
      value_ = product;
    }
  }
  return *this;
}

std::string TableSize::str() const {
  if (zero_) return "0";
  if (power_of_two_ && log2_ >= 20) return "2^" + std::to_string(static_cast<long long>(std::llround(log2_)));
  if (!overflow_) return std::to_string(value_);
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "about 2^%.1f", log2_);
  return buffer;
}

std::string table_limit_text() { return "2^25 = " + std::to_string(kMaxTableEntries); }

std::size_t checked_entries(const TableSize& size, const SourceLocation& where, const std::string& what) {
  if (size.exceeds(kMaxTableEntries)) {
    throw LimitError(where.str() + ": " + what + " would have " + size.str() + " entries, more than the limit of " +
                     table_limit_text());
  }
  return static_cast<std::size_t>(size.value());
}

namespace {

// For a decimal that std::from_chars found out of range: is its magnitude below 1 (so it underflowed)?
// The decimal exponent of the first significant digit plus the explicit exponent, without overflow.
bool magnitude_below_one(std::string_view t) noexcept {
  std::size_t i = 0;
  if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
  long long m = 0;
  bool found = false;
  bool point = false;
  long long after = 0;
  for (; i < t.size() && ((t[i] >= '0' && t[i] <= '9') || t[i] == '.'); ++i) {
    if (t[i] == '.') {
      point = true;
      continue;
    }
    if (point) ++after;
    if (!found && t[i] != '0') {
      found = true;
      m = point ? -after : 0;
    } else if (found && !point && m < (1LL << 40)) {
      ++m;
    }
  }
  long long e = 0;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    bool negative = false;
    if (i < t.size() && (t[i] == '-' || t[i] == '+')) negative = t[i++] == '-';
    for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i) {
      if (e < (1LL << 40)) e = e * 10 + (t[i] - '0');
    }
    if (negative) e = -e;
  }
  return m + e < 0;
}

}  // namespace

NumberStatus parse_number(std::string_view token, double& out) noexcept {
  if (!token.empty() && token.front() == '+') token.remove_prefix(1);
  if (token.empty()) return NumberStatus::not_a_number;
  const char* first = token.data();
  const char* last = first + token.size();
  double value = 0.0;
  const auto [ptr, ec] = std::from_chars(first, last, value, std::chars_format::general);
  if (ec == std::errc::result_out_of_range && ptr == last) {
    return magnitude_below_one(token) ? NumberStatus::underflow : NumberStatus::overflow;
  }
  if (ec != std::errc{} || ptr != last) return NumberStatus::not_a_number;
  if (std::isnan(value)) return NumberStatus::nan;
  if (std::isinf(value)) return NumberStatus::infinite;
  out = value;
  return NumberStatus::ok;
}

std::string number_problem(NumberStatus status) {
  switch (status) {
    case NumberStatus::ok: break;
    case NumberStatus::not_a_number: return "not a number";
    case NumberStatus::nan: return "NaN (not a number)";
    case NumberStatus::infinite: return "infinite (expected a finite number)";
    case NumberStatus::underflow:
      return "too small to represent as a double (underflow: below 4.9e-324; write 0 if zero is meant)";
    case NumberStatus::overflow: return "too large to represent as a double (overflow: above 1.8e308)";
  }
  return "a number";
}

}  // namespace pgm::io::detail
