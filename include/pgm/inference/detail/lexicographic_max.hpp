#pragma once
// Max-product elimination under the documented tie rule of most probable explanations
// (<pgm/query/explanation.hpp>): among the assignments whose value is within a relative
// `tolerance` of the maximum, the lexicographically smallest by state index in variable id order.
//
// One max-product pass (bucket elimination, the buckets kept as a clique tree) and a traceback.
// When no traceback step saw two states within the tolerance, the optimum is unique and that is
// the answer. Otherwise the tree is max-calibrated once (Hugin: the buckets' tables become
// max-marginals) and the variables are fixed in id order, each at its lowest state whose
// max-marginal given the states fixed so far is within the tolerance of the maximum M:
//  * that is the lexicographic rule exactly: with T the assignments within the tolerance of M, a
//    prefix extends to a member of T iff the max over its completions is >= M (1 - tolerance),
//    so the smallest state keeping that true at each position, in order, gives min T;
//  * a variable whose calibrated max-marginal has one state within the tolerance takes it in every
//    member of T, so fixing it changes none of the later tests: it is read off, not visited;
//  * the others are visited in id order by moving the tree's focus: fixing a variable only
//    multiplies its bucket's table by an indicator, so only the separators on the path from the
//    previous visit to the next need updating (messages pointing towards the focus stay valid),
//    the cost of a few buckets rather than a pass.
// Scales: every table has largest entry 1 with its log kept apart, so nothing underflows.
#include <pgm/inference/detail/elimination.hpp>

#include <cstddef>
#include <span>
#include <vector>

namespace pgm::detail {

struct LexicographicMax {
  // ln of the product of the pool's factors (with pool.log_scale) at the chosen assignment; -inf
  // when every assignment has value zero (the assignment is then not written).
  double log_value = 0.0;
  // Whether the first traceback saw a tie (and the calibrated pass ran), and how many variables
  // the second pass had to visit: for tests and benchmarks.
  bool tied = false;
  std::size_t visited = 0;
};

// Maximises the product of the pool's factors over the variables of `order`, which must be every
// variable in the pool's scopes, given as an elimination order for them (the pool is consumed).
// Writes the chosen state of each variable of `order` into `assignment` (indexed by variable id,
// of size at least num_variables; other entries untouched).
[[nodiscard]] LexicographicMax lexicographic_max(Pool pool, std::span<const VariableId> order,
                                                 std::size_t num_variables, double tolerance,
                                                 std::vector<std::size_t>& assignment);

}  // namespace pgm::detail
