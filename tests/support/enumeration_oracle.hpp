#pragma once
// Brute-force reference for discrete models: the full joint table, built by multiplying CPT/factor
// entries per full assignment. Uses no pgm Factor operation (only BayesianNetwork::cpt_table and
// Factor::values_in_order as table readers), so it is independent of the code under test.
#include <pgm/core/variable.hpp>
#include <pgm/model/bayesian_network.hpp>
#include <pgm/model/markov_network.hpp>

#include <cstddef>
#include <span>
#include <vector>

namespace pgm::testing {

class EnumerationOracle {
 public:
  // Refuses (std::length_error) models whose joint has more than `max_entries` entries.
  explicit EnumerationOracle(const BayesianNetwork& bn, std::size_t max_entries = std::size_t{1} << 22);
  explicit EnumerationOracle(const MarkovNetwork& mn, std::size_t max_entries = std::size_t{1} << 22);

  [[nodiscard]] std::size_t size() const noexcept { return cards_.size(); }
  [[nodiscard]] const std::vector<std::size_t>& cardinalities() const noexcept { return cards_; }
  // Unnormalised weight of one full assignment (state per variable id): for a BN the joint probability.
  [[nodiscard]] double weight(std::span<const std::size_t> assignment) const;

  // Sum of weights consistent with the evidence: P(e) for a BN, Z(e) for an MN.
  [[nodiscard]] double probability_of_evidence(const Evidence& evidence) const;
  // Z of the model (1 for a BN up to rounding).
  [[nodiscard]] double partition_function() const { return probability_of_evidence({}); }

  // P(target | e) over target's states. Empty when the evidence has zero weight.
  [[nodiscard]] std::vector<double> marginal(VariableId target, const Evidence& evidence) const;
  // All single-variable posteriors, indexed by id, in one pass. Empty when the evidence has zero weight.
  [[nodiscard]] std::vector<std::vector<double>> marginals(const Evidence& evidence) const;
  // P(targets | e), row-major over `targets` in the order given (last fastest). Repeats not allowed.
  // Empty when the evidence has zero weight.
  [[nodiscard]] std::vector<double> joint(std::span<const VariableId> targets, const Evidence& evidence) const;

 private:
  // Calls f(assignment, weight) for every full assignment consistent with the evidence.
  template <class F>
  void for_each(const Evidence& evidence, F&& f) const;

  std::vector<std::size_t> cards_;
  std::vector<double> joint_;  // row-major over ids 0..n-1, highest id fastest
};

}  // namespace pgm::testing
