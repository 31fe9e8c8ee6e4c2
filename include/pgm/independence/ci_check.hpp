#pragma once
// Numeric conditional independence: how far the joint distribution of a discrete model is from
// factorising as P(x, y | z) = P(x | z) P(y | z), computed exactly by variable elimination.
//
// Structural independence (d-separation, separation) implies this numeric independence for every
// choice of parameters; the converse fails because particular numbers can create independences the
// graph does not show (see docs/independence.md).
#include <pgm/core/variable.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace pgm {

class BayesianNetwork;
class MarkovNetwork;

// |P(x,y|z) - P(x|z)P(y|z)| at or below this counts as independent: well above the rounding error
// of exact inference on small models (~1e-15), well below any dependence worth reporting.
inline constexpr double kDefaultIndependenceTolerance = 1e-9;
// The joint over X ∪ Y ∪ Z is materialised; larger joints are refused with LimitError.
inline constexpr std::size_t kMaxIndependenceJointEntries = 1'000'000;

struct NumericIndependence {
  // max over z with P(z) > 0 and all x, y of |P(x, y | z) - P(x | z) P(y | z)|; 0 when every
  // configuration z has probability zero (nothing to compare).
  double max_difference = 0.0;
  double tolerance = kDefaultIndependenceTolerance;
  bool independent = true;  // max_difference <= tolerance
  // Where the maximum is reached, as (variable, state) over X ∪ Y ∪ Z sorted by id (empty when
  // max_difference is 0).
  Evidence worst;
};

// QueryError as check_independence_query(); LimitError when the joint over X ∪ Y ∪ Z has more than
// kMaxIndependenceJointEntries entries (the message gives the figure).
[[nodiscard]] NumericIndependence numeric_independence(const BayesianNetwork& bn, std::span<const VariableId> x,
                                                       std::span<const VariableId> y, std::span<const VariableId> z,
                                                       double tolerance = kDefaultIndependenceTolerance);
[[nodiscard]] NumericIndependence numeric_independence(const MarkovNetwork& mn, std::span<const VariableId> x,
                                                       std::span<const VariableId> y, std::span<const VariableId> z,
                                                       double tolerance = kDefaultIndependenceTolerance);
// By name; QueryError for unknown names, overlapping sets, empty X or Y.
[[nodiscard]] NumericIndependence numeric_independence(const BayesianNetwork& bn, std::span<const std::string> x,
                                                       std::span<const std::string> y, std::span<const std::string> z,
                                                       double tolerance = kDefaultIndependenceTolerance);
[[nodiscard]] NumericIndependence numeric_independence(const MarkovNetwork& mn, std::span<const std::string> x,
                                                       std::span<const std::string> y, std::span<const std::string> z,
                                                       double tolerance = kDefaultIndependenceTolerance);

}  // namespace pgm
