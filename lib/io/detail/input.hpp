#pragma once
// PRIVATE: what every reader (YAML, BIF, XMLBIF, UAI, evidence) does to hostile input before and while
// parsing it, in one place so the formats cannot drift apart:
//  - read_text_file: a missing file, a directory, a device or pipe that never ends, or a file beyond
//    kMaxInputBytes is refused by name instead of being read until memory runs out;
//  - checked_text: the bytes must be UTF-8 text (a UTF-8 byte-order mark is skipped; UTF-16/32, a NUL
//    byte and invalid UTF-8 are refused at file:line:column);
//  - TableSize: the product of cardinalities, computed without wrapping, so a declared table of 2^64
//    entries is refused with its true size instead of being taken for 0;
//  - parse_number: a decimal that does not fit a double says whether it is too small or too large.
#include <pgm/core/error.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace pgm::io::detail {

// Larger files are refused (LimitError): no model or evidence file of ours comes near it, and reading
// one costs that much memory before a single check can run.
inline constexpr std::uint64_t kMaxInputBytes = std::uint64_t{1} << 30;  // 1 GiB

// Tables larger than this are refused (a short file can declare an astronomically large CPT).
inline constexpr std::size_t kMaxTableEntries = std::size_t{1} << 25;

// Reads a whole file. IoError naming the path when it does not exist, is a directory or cannot be read;
// LimitError when it is larger than kMaxInputBytes (a pipe or device is read up to that bound, and only
// until its first NUL byte, which checked_text then reports: /dev/zero costs one read).
[[nodiscard]] std::string read_text_file(const std::string& path);

// IoError when `path` does not exist or is a directory (so a model path is refused for that, before
// its format is guessed from an extension it may not have).
void require_readable_file(const std::string& path);

// The text without a leading UTF-8 byte-order mark, after checking that it is UTF-8 with no NUL byte.
// ParseError at the first offending byte otherwise (UTF-16 and UTF-32 are recognised by their
// byte-order marks and refused by name).
[[nodiscard]] std::string_view checked_text(std::string_view text, const std::string& file);

// Offset of the first byte that is NUL or not part of well-formed UTF-8 (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or npos.
[[nodiscard]] std::size_t first_bad_byte(std::string_view text) noexcept;

// ParseError at `where` when `name` (a variable or state name, after unescaping) is not valid UTF-8
// or holds a NUL: escapes such as XML's &#xD800; can make one from a valid file.
void check_name(std::string_view name, const SourceLocation& where, const std::string& what);

// Line and column (1-based, bytes) of `offset` in `text`.
[[nodiscard]] SourceLocation location_of(std::string_view text, std::size_t offset, const std::string& file);

// The number of entries of a table, multiplied in one cardinality at a time without ever wrapping:
// past 2^64 it keeps only log2 of the size, which is all a message needs.
class TableSize {
 public:
  TableSize& times(std::size_t cardinality) noexcept;
  [[nodiscard]] bool exceeds(std::size_t limit) const noexcept { return overflow_ || value_ > limit; }
  [[nodiscard]] bool overflows() const noexcept { return overflow_; }
  // The exact size; only meaningful when !overflows().
  [[nodiscard]] std::uint64_t value() const noexcept { return value_; }
  // "24", "2^63" (large powers of two), "about 2^70.3" (beyond 64 bits).
  [[nodiscard]] std::string str() const;

 private:
  std::uint64_t value_ = 1;
  double log2_ = 0.0;
  bool overflow_ = false;
  bool power_of_two_ = true;
  bool zero_ = false;
};

// "2^25 = 33554432": the table limit as messages show it.
[[nodiscard]] std::string table_limit_text();

// The size as a size_t, or LimitError "<where>: <what> would have <size> entries, more than the limit
// of 2^25 = 33554432" when it exceeds kMaxTableEntries.
std::size_t checked_entries(const TableSize& size, const SourceLocation& where, const std::string& what);

enum class NumberStatus { ok, not_a_number, nan, infinite, underflow, overflow };

// Exact decimal -> double: the whole token must be a finite number (an optional leading '+' is allowed,
// as some writers emit it). A number whose magnitude is beyond a double is `underflow` (1e-400) or
// `overflow` (1e400), never silently 0 or inf.
[[nodiscard]] NumberStatus parse_number(std::string_view token, double& out) noexcept;

// What is wrong with a number parse_number refused, as a phrase for a message ("'x' is <phrase>"):
// "not a number", "too small to represent as a double (underflow: ...)", ...
[[nodiscard]] std::string number_problem(NumberStatus status);

// State (or variable) name -> index, for lookups that would otherwise scan a list per row.
class NameIndex {
 public:
  NameIndex() = default;
  template <class Names>
  explicit NameIndex(const Names& names) {
    index_.reserve(names.size());
    std::size_t i = 0;
    for (const auto& n : names) index_.emplace(std::string_view(n), i++);
  }
  // Adds a name; false (and no change) when it is already there.
  bool add(std::string_view name, std::size_t index) { return index_.emplace(name, index).second; }
  [[nodiscard]] const std::size_t* find(std::string_view name) const {
    const auto it = index_.find(name);
    return it == index_.end() ? nullptr : &it->second;
  }

 private:
  std::unordered_map<std::string_view, std::size_t> index_;  // views into names that outlive the index
};

}  // namespace pgm::io::detail
