#include <pgm/core/error.hpp>
#include <pgm/core/size.hpp>

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

namespace pgm {
namespace {

std::size_t default_max_table_bytes() noexcept {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGE_SIZE);
  if (pages > 0 && page > 0) return static_cast<std::size_t>(pages) / 2 * static_cast<std::size_t>(page);
  return std::size_t{4} << 30;
}

// 0 = not set yet (the default is computed on first use).
std::atomic<std::size_t> g_max_table_bytes{0};

std::string mib(double bytes) {
  char buf[64];
  if (bytes >= double(1ull << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / double(1ull << 30));
  else std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / double(1ull << 20));
  return buf;
}

std::string subject(const std::string& what) { return what.empty() ? "a factor table" : what; }

}  // namespace

std::optional<std::size_t> table_size(std::span<const std::size_t> cards) noexcept {
  std::size_t n = 1;
  for (const std::size_t c : cards) {
    if (c == 0) return 0;
  }
  for (const std::size_t c : cards) {
    if (n > std::numeric_limits<std::size_t>::max() / c) return std::nullopt;
    n *= c;
  }
  return n;
}

std::string describe_table_size(std::span<const std::size_t> cards) {
  if (const auto n = table_size(cards)) return std::to_string(*n);
  // Beyond size_t: group equal cardinalities, which is exact and short for the usual cases.
  std::map<std::size_t, std::size_t> powers;  // cardinality -> count
  double log10 = 0;
  for (const std::size_t c : cards) {
    if (c > 1) ++powers[c];
    log10 += std::log10(static_cast<double>(c));
  }
  if (powers.size() <= 3) {
    std::string s;
    for (auto it = powers.begin(); it != powers.end(); ++it) {
      if (!s.empty()) s += " × ";
      s += std::to_string(it->first);
      if (it->second > 1) s += "^" + std::to_string(it->second);
    }
    return s;
  }
  const double e = std::floor(log10);
  char buf[64];
  std::snprintf(buf, sizeof buf, "about %.1fe+%.0f", std::pow(10.0, log10 - e), e);
  return buf;
}

void check_table_entries(std::size_t entries, const std::string& what) {
  const std::size_t limit = max_table_bytes();
  if (entries > limit / sizeof(double))
    throw LimitError(subject(what) + " of " + std::to_string(entries) + " entries would take " +
                     mib(static_cast<double>(entries) * sizeof(double)) + ", over the limit of " +
                     mib(static_cast<double>(limit)) + " per table");
}

std::size_t checked_table_size(std::span<const std::size_t> cards, const std::string& what) {
  const auto n = table_size(cards);
  if (!n)
    throw LimitError(subject(what) + " over " + std::to_string(cards.size()) + " variables would have " +
                     describe_table_size(cards) + " entries, more than can be addressed");
  check_table_entries(*n, what);
  return *n;
}

void set_max_table_bytes(std::size_t bytes) noexcept { g_max_table_bytes.store(bytes, std::memory_order_relaxed); }

std::size_t max_table_bytes() noexcept {
  std::size_t v = g_max_table_bytes.load(std::memory_order_relaxed);
  if (v == 0) {
    std::size_t expected = 0;
    v = default_max_table_bytes();
    if (!g_max_table_bytes.compare_exchange_strong(expected, v, std::memory_order_relaxed)) v = expected;
  }
  return v;
}

void check_scope_pairs(std::span<const std::size_t> scope_sizes) {
  std::size_t pairs = 0;
  for (std::size_t k : scope_sizes) {
    if (k > kMaxScopeVariables)
      throw LimitError("a factor scope of " + std::to_string(k) + " variables is longer than the limit of " +
                       std::to_string(kMaxScopeVariables));
    pairs += k * (k - (k > 0)) / 2;
    if (pairs > kMaxScopePairs)
      throw LimitError("the factors' scopes join more than " + std::to_string(kMaxScopePairs) +
                       " pairs of variables; the model's graph would not fit");
  }
}

}  // namespace pgm
