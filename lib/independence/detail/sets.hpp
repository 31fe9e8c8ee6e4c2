#pragma once
// Private helpers shared by the independence sources: the graph layer's masks and id checks, and
// the name-based disjointness check of queries resolved from names.
#include <pgm/core/error.hpp>
#include <pgm/core/variable.hpp>

#include "graph/detail/sets.hpp"

#include <algorithm>
#include <iterator>
#include <span>
#include <string>
#include <vector>

namespace pgm::detail {

// a and b sorted; name_of(VariableId) gives the name for the message.
template <class NameOf>
void check_disjoint_names(std::span<const VariableId> a, const char* a_label, std::span<const VariableId> b,
                          const char* b_label, const NameOf& name_of) {
  std::vector<VariableId> common;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(common));
  if (common.empty()) return;
  std::vector<std::string> names;
  for (VariableId v : common) names.push_back(name_of(v));
  throw QueryError((names.size() == 1 ? "variable " : "variables ") + join_names(names) + " " +
                   (names.size() == 1 ? "is" : "are") + " in both " + a_label + " and " + b_label +
                   "; the sets must be disjoint");
}

}  // namespace pgm::detail
