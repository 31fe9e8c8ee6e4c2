#pragma once
// Rendering shared by the commands: aligned text tables with probability bars, and JSON (nlohmann,
// ordered so variables and states keep their declared order and evidence its given order).
#include <nlohmann/json.hpp>

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgm::cli {

using Json = nlohmann::ordered_json;

// Width of the bar drawn for probability 1.
inline constexpr std::size_t kBarWidth = 30;

// A bar of p * width character cells drawn with Unicode eighth blocks; p is clamped to [0, 1].
[[nodiscard]] std::string bar(double p, std::size_t width = kBarWidth);

// A probability for people: fixed 4 decimals, scientific when non-zero but below 0.00005 (so small
// values never print as 0.0000), "nan"/"inf" spelled out.
[[nodiscard]] std::string format_probability(double p);
// A general number with up to `digits` significant digits.
[[nodiscard]] std::string format_number(double x, int digits = 6);

// Number of terminal cells a UTF-8 string takes (one per code point; no wide characters assumed).
[[nodiscard]] std::size_t display_width(std::string_view s);
// s padded with spaces on the right (or left when `right_align`) to `width` cells.
[[nodiscard]] std::string pad(std::string_view s, std::size_t width, bool right_align = false);

// "A=a, B=b", or "" for none.
[[nodiscard]] std::string format_assignments(const std::vector<std::pair<std::string, std::string>>& given);

// Rows of cells printed with each column padded to its widest cell; columns are separated by two
// spaces and every line starts with `indent` spaces. Cells of columns marked right-aligned are
// padded on the left. The last column is never padded (no trailing spaces).
class TextTable {
 public:
  explicit TextTable(std::size_t indent = 0) : indent_(indent) {}
  void add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  void right_align(std::size_t column);
  void print(std::ostream& out) const;

 private:
  std::size_t indent_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<bool> right_;
};

// Appends "key": value to a JSON object (null becomes an object) without looking the key up:
// ordered_json's operator[] scans every key, which made a 10^5-state marginal quadratic (18 s).
// The caller guarantees the key is not there yet (names in a variable set are distinct).
void append(Json& object, std::string key, Json value);

// {"A": "a", ...} in the order given.
[[nodiscard]] Json evidence_json(const std::vector<std::pair<std::string, std::string>>& given);
// A double as JSON: the number, or null when not finite (JSON has no inf or NaN).
[[nodiscard]] Json number_json(double x);
// Pretty-printed with two-space indentation and a final newline. Doubles are written as the
// shortest decimal that reads back as the same double (at most 17 significant digits). Text that
// is not valid UTF-8 (JSON cannot carry it) is a ModelError naming the problem, before anything is
// written; the JSON library's own exception never reaches the user.
void print_json(const Json& json, std::ostream& out);

}  // namespace pgm::cli
