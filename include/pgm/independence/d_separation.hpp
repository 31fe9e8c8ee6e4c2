#pragma once
// Conditional-independence queries by name on Bayesian networks, and the resolution of named
// X, Y, Z sets to checked ids. The structural algorithms on a bare DAG (d-separation with its
// witness trail, reachable, d_separated_from, requisite, local_independencies) are in the graph
// layer, <pgm/graph/reachability.hpp>, included here so callers of either header compile.
#include <pgm/core/variable.hpp>
#include <pgm/graph/dag.hpp>
#include <pgm/graph/reachability.hpp>

#include <span>
#include <string>
#include <vector>

namespace pgm {

class BayesianNetwork;

// Name-based convenience for Bayesian networks. QueryError for unknown names (listing the valid
// ones), a name in two sets, or an empty X or Y.
[[nodiscard]] StructuralIndependence d_separation(const BayesianNetwork& bn, std::span<const std::string> x,
                                                  std::span<const std::string> y, std::span<const std::string> z);

// X, Y and Z resolved to ids and checked as above; each set sorted without repeats.
struct IndependenceQuery {
  std::vector<VariableId> x, y, z;
};
[[nodiscard]] IndependenceQuery resolve_independence_query(const VariableSet& vars, std::span<const std::string> x,
                                                           std::span<const std::string> y,
                                                           std::span<const std::string> z);
// The same for a model whose variables are only names (continuous models): `names` in id order.
[[nodiscard]] IndependenceQuery resolve_independence_query(std::span<const std::string> names,
                                                           std::span<const std::string> x,
                                                           std::span<const std::string> y,
                                                           std::span<const std::string> z);

}  // namespace pgm
