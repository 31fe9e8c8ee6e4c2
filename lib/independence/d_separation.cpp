#include <pgm/independence/d_separation.hpp>

#include <pgm/core/error.hpp>
#include <pgm/model/bayesian_network.hpp>

#include "independence/detail/sets.hpp"

#include <algorithm>

namespace pgm {
namespace {

// Sorts and dedupes each set, then checks it as check_independence_query() does, naming names.
template <class NameOf>
IndependenceQuery finish_query(IndependenceQuery q, const NameOf& name_of) {
  for (auto* set : {&q.x, &q.y, &q.z}) {
    std::sort(set->begin(), set->end());
    set->erase(std::unique(set->begin(), set->end()), set->end());
  }
  if (q.x.empty()) throw QueryError("X is empty: name at least one variable on each side of the test");
  if (q.y.empty()) throw QueryError("Y is empty: name at least one variable on each side of the test");
  detail::check_disjoint_names(q.x, "X", q.y, "Y", name_of);
  detail::check_disjoint_names(q.x, "X", q.z, "the conditioning set Z", name_of);
  detail::check_disjoint_names(q.y, "Y", q.z, "the conditioning set Z", name_of);
  return q;
}

}  // namespace

IndependenceQuery resolve_independence_query(const VariableSet& vars, std::span<const std::string> x,
                                             std::span<const std::string> y, std::span<const std::string> z) {
  return finish_query({vars.ids(x), vars.ids(y), vars.ids(z)},
                      [&](VariableId v) -> const std::string& { return vars[v].name; });
}

IndependenceQuery resolve_independence_query(std::span<const std::string> names, std::span<const std::string> x,
                                             std::span<const std::string> y, std::span<const std::string> z) {
  auto ids = [&](std::span<const std::string> wanted) {
    std::vector<VariableId> result;
    for (const std::string& w : wanted) {
      const auto it = std::find(names.begin(), names.end(), w);
      if (it == names.end()) {
        throw QueryError("unknown variable '" + w + "'; the model's variables are: " + join_names(names));
      }
      result.push_back(static_cast<VariableId>(it - names.begin()));
    }
    return result;
  };
  return finish_query({ids(x), ids(y), ids(z)}, [&](VariableId v) -> const std::string& { return names[v]; });
}

StructuralIndependence d_separation(const BayesianNetwork& bn, std::span<const std::string> x,
                                    std::span<const std::string> y, std::span<const std::string> z) {
  const IndependenceQuery q = resolve_independence_query(bn.variables(), x, y, z);
  return d_separation(bn.graph(), q.x, q.y, q.z);
}

}  // namespace pgm
