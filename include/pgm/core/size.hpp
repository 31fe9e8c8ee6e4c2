#pragma once
// Table sizes without wrap-around, and the library's limit on the bytes of one table.
//
// Every product of cardinalities that sizes a table goes through table_size() or
// checked_table_size(): a scope of 64 binary variables has 2^64 entries, which does not fit in a
// size_t, and a silently wrapped count (0) would be allocated and then read past its end.
#include <cstddef>
#include <optional>
#include <span>
#include <string>

namespace pgm {

// The number of entries of a table over variables with these cardinalities (1 for none), or
// nullopt when the product does not fit in a size_t. A zero cardinality gives 0.
[[nodiscard]] std::optional<std::size_t> table_size(std::span<const std::size_t> cards) noexcept;

// The true number of entries as text, also when it overflows: "1048576", "2^64", "3^41",
// "2^63 × 3^2", or "about 1.2e+30" for mixed cardinalities beyond size_t.
[[nodiscard]] std::string describe_table_size(std::span<const std::size_t> cards);

// table_size(), refused with LimitError when it overflows or when its doubles would take more than
// max_table_bytes(). The message gives the true size ("a table of 2^64 entries ...") prefixed by
// `what` (e.g. "the CPT of 'X'"; default "a factor table").
[[nodiscard]] std::size_t checked_table_size(std::span<const std::size_t> cards, const std::string& what = {});

// LimitError unless `entries` doubles fit within max_table_bytes(); `what` as above.
void check_table_entries(std::size_t entries, const std::string& what = {});

// Graphs built from factor scopes join every pair of variables in a scope. Only variables of one
// state keep a large scope's table small, so a file of 10^5 such variables in one scope would ask
// for 5e9 edges: refuse more than this many pairs in all (LimitError naming the figure).
// Ordering work grows with the cube of a scope's length, so one scope may name at most
// kMaxScopeVariables variables (a table over 2^25 entries is refused already; only one-state
// variables can make a scope longer than 25).
inline constexpr std::size_t kMaxScopePairs = std::size_t{1} << 26;
inline constexpr std::size_t kMaxScopeVariables = 256;
// LimitError when a scope (given by its size) is longer than kMaxScopeVariables or all of them
// together join more than kMaxScopePairs pairs.
void check_scope_pairs(std::span<const std::size_t> scope_sizes);

// The most bytes one factor table may take; tables are refused (LimitError) before allocating.
// Default: half of the machine's physical memory (4 GiB when it cannot be determined). Process-wide;
// the CLI sets it from its memory option; 0 restores the default. Thread-safe (an atomic).
void set_max_table_bytes(std::size_t bytes) noexcept;
[[nodiscard]] std::size_t max_table_bytes() noexcept;

}  // namespace pgm
