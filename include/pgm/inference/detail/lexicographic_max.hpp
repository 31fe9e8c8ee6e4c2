#pragma once
// Max-product elimination under the documented tie rule of most probable explanations
// (<pgm/query/explanation.hpp>): among the assignments whose value is within a relative
// `tolerance` of the maximum, the lexicographically smallest by state index in variable id order.
//
// One max-product pass (bucket elimination, the buckets kept as a clique tree) and a traceback.
// When no traceback step saw two states within the tolerance, the optimum is unique and that is
// the answer. Otherwise, with M the maximum and T the assignments within the tolerance of it:
//  * a prefix of states (in id order) extends to a member of T iff the max over its completions is
//    at least M (1 - tolerance); so fixing each variable in turn at its lowest state keeping that
//    true gives min T, the documented rule, exactly;
//  * the tree is max-calibrated once (Hugin): each bucket holds the max-marginal of its variables.
//    A variable with one state within the tolerance takes it in all of T (decided, nothing to
//    enter); the others get a lower bound, their lowest such state (conditioning only lowers
//    max-marginals);
//  * a candidate x, an optimal assignment consistent with everything decided, bounds each answer
//    from above. Going through the undecided variables in id order, v is decided at once when
//    x[v] is its lower bound (its evidence deferred); otherwise the deferred evidence is entered,
//    the tree collected towards v's bucket (the messages on the paths from where evidence entered),
//    v's exact lowest state read there and, when below x[v], x read again from the tree.
// Scales: every table's scale is kept in log space beside it, so nothing underflows.
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
