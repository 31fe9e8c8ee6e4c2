#pragma once
// What a model builder found wrong, as fields rather than only text: the builders
// (BayesianNetworkBuilder, MarkovNetworkBuilder) are the one place models are checked, and each file
// reader catches this and reports it at the position it kept for that variable, table or entry.
// what() is the builder's own message, for models built through the C++ API.
#include <pgm/core/error.hpp>
#include <pgm/core/variable.hpp>

#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace pgm {

enum class ModelProblem {
  no_variables,             // the model has no variables
  unknown_id,               // `variable` (or parents[`position`] of it) is not a declared id
  duplicate_cpt,            // `variable` is given a second CPT
  self_parent,              // parents[`position`] of `variable` is `variable` itself
  repeated_parent,          // parents[`position`] of `variable` (`parent`) appears earlier in the list
  table_size,               // the table of `variable` (or of `factor`) has `entries` values, `expected` needed
  not_a_probability,        // P(`variable`=`state` | `configuration`) = `value` is not a finite number in [0, 1]
  column_sum,               // the column of `variable` for parent configuration `configuration` sums to `value`
  missing_cpt,              // `variable` has no CPT
  cycle,                    // the parents form the directed cycle `cycle`
  repeated_scope_variable,  // scope[`position`] of `factor` (`variable`) appears earlier in the scope
  negative_factor_value,    // value `position` of `factor` is `value`: negative or not finite
};

class ModelValidationError : public ModelError {
 public:
  static constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

  ModelValidationError(ModelProblem problem, const std::string& message) : ModelError(message), problem(problem) {}

  ModelProblem problem;
  std::size_t variable = none;       // the child whose CPT is at fault, or the scope variable
  std::size_t parent = none;         // the parent at fault (repeated_parent)
  std::size_t position = none;       // index into the parent list, scope or factor values
  std::size_t factor = none;         // Markov networks: the factor, in the order added
  std::size_t configuration = none;  // parent configuration: row-major over the parents, first slowest
  std::size_t state = none;          // state of `variable` (not_a_probability)
  std::size_t entries = 0;           // table_size: given and needed
  std::size_t expected = 0;
  double value = 0.0;                // the offending entry or column sum
  // cycle: a closed walk along the arrows, cycle.front() == cycle.back(). The CPT of cycle.front()
  // names the variable before it as a parent; readers point at that CPT.
  std::vector<VariableId> cycle;
};

// "A=a, B=b" for parent configuration `configuration` of `parents` (row-major, first parent slowest);
// "" for no parents.
[[nodiscard]] std::string describe_configuration(std::span<const Variable> variables,
                                                 std::span<const VariableId> parents, std::size_t configuration);

// ModelValidationError (unknown_id, self_parent or repeated_parent, at the first offending position
// of the list) unless `parents` are distinct declared ids other than `child`. What set_cpt checks of
// a parent list, callable by a reader as soon as it has read one.
void check_parents(std::span<const Variable> variables, VariableId child, std::span<const VariableId> parents);

}  // namespace pgm
