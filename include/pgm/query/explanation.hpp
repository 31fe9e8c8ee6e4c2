#pragma once
// Most probable explanations of discrete models: the answers of Model::mpe and Model::map.
//
// Ties are broken deterministically: among the assignments whose probability is within a relative
// kTieTolerance of the maximum, the one chosen is the lexicographically smallest by state index
// taken in declared variable order (the first declared variable at its lowest optimal state, then
// the next, ...). The tolerance absorbs rounding: two products of the same numbers taken in a
// different order can differ in the last bits. For MAP the rule applies to the targets alone.
#include <pgm/query/evidence.hpp>

#include <optional>

namespace pgm::query {

// Relative gap below which two probabilities count as tied (see above).
inline constexpr double kTieTolerance = 1e-9;

struct Explanation {
  // MPE: every variable in declared order, observed ones included; MAP: the targets in the order
  // asked. Each a (name, state) pair.
  Assignments assignment;
  // MPE: the joint probability of the full assignment (a Markov network's weight divided by Z).
  // MAP: P(x, e), the targets at x and the evidence, every other variable summed out.
  double probability = 0.0;
  double log_probability = 0.0;  // its natural log, finite even where the plain value underflows
  // MAP only: P(x | e). nullopt for MPE.
  std::optional<double> posterior_probability;
  // The evidence as given (Evidence::as_given()).
  Assignments evidence;
};

}  // namespace pgm::query
