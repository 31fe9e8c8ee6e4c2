#pragma once
// Private helpers for graph walks and the checks every structural query makes on its id sets:
// membership masks, ids in range, sets disjoint. Shared by the graph and independence sources.
#include <pgm/core/error.hpp>
#include <pgm/core/variable.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace pgm::detail {

// uint8_t rather than vector<bool>: the hot loops read and write single bytes.
using Mask = std::vector<std::uint8_t>;

// ids must be in range (check_ids first).
inline Mask mask_of(std::size_t n, std::span<const VariableId> ids) {
  Mask m(n, 0);
  for (VariableId v : ids) m[v] = 1;
  return m;
}

inline void check_ids(std::size_t n, std::span<const VariableId> ids, const char* label) {
  for (VariableId v : ids) {
    if (v >= n) {
      throw QueryError(std::string(label) + " contains variable id " + std::to_string(v) + ", but the graph has " +
                       std::to_string(n) + " nodes (ids 0.." + (n == 0 ? std::string("none") : std::to_string(n - 1)) +
                       ")");
    }
  }
}

inline void check_disjoint(std::size_t n, std::span<const VariableId> a, const char* a_label,
                           std::span<const VariableId> b, const char* b_label) {
  if (a.empty() || b.empty()) return;
  const Mask in_a = mask_of(n, a);
  for (VariableId v : b) {
    if (in_a[v]) {
      throw QueryError("variable id " + std::to_string(v) + " is in both " + a_label + " and " + b_label +
                       "; the sets must be disjoint");
    }
  }
}

}  // namespace pgm::detail
