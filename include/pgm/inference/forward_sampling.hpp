#pragma once
// Ancestral (forward) sampling from a Bayesian network: each variable drawn from its CPT given the
// already-drawn parents, in topological order. Deterministic for a given generator state.
#include <pgm/model/bayesian_network.hpp>

#include <random>
#include <vector>

namespace pgm {

class ForwardSampler {
 public:
  explicit ForwardSampler(const BayesianNetwork& bn);
  // One joint sample: a state index per variable id.
  [[nodiscard]] std::vector<std::size_t> sample(std::mt19937_64& rng) const;

 private:
  const BayesianNetwork* bn_;
  std::vector<VariableId> order_;
  std::vector<std::vector<double>> tables_;  // cpt_table per variable (parents row-major, child fastest)
};

}  // namespace pgm
