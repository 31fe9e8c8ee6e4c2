#pragma once
// Likelihood weighting on a discrete Bayesian network (issue 11): each sample draws the unobserved
// variables from their CPTs in topological order with the observed ones clamped to their states, and
// carries the weight Π P(e_i | parents) of the evidence. Self-normalised estimates
// P̂(x | e) = Σ w·[X = x] / Σ w, with the delta-method standard error
// sqrt(Σ w² ([X = x] - P̂)²) / Σ w; the mean weight estimates P(e) without bias.
//
// Weights are kept as logarithms and accumulated relative to the largest seen so far (the sums are
// rescaled when a larger one appears), so evidence whose weights are all far below the smallest
// double still gives estimates, and log P̂(e) stays finite.
#include <pgm/core/variable.hpp>
#include <pgm/inference/sampling.hpp>
#include <pgm/model/bayesian_network.hpp>

#include <cstddef>
#include <vector>

namespace pgm {

class LikelihoodWeighting {
 public:
  // The network must outlive the sampler. QueryError on bad options.
  explicit LikelihoodWeighting(const BayesianNetwork& bn, SamplingOptions options = {});

  [[nodiscard]] const SamplingOptions& options() const noexcept { return options_; }

  // Thread-safe (const; each run has its own generator, seeded from options().seed). QueryError on
  // evidence that does not fit the model; NoConsistentSample when every sample had weight 0.
  [[nodiscard]] SamplingResult run(const Evidence& evidence) const;

 private:
  const BayesianNetwork* bn_;
  SamplingOptions options_;
  std::vector<VariableId> order_;            // topological
  std::vector<std::size_t> card_;            // per id
  std::vector<std::size_t> parent_begin_;    // per id, into parent_/parent_stride_ (size n + 1)
  std::vector<VariableId> parent_;           // parents of each variable, CPT order
  std::vector<std::size_t> parent_stride_;   // row stride of each parent in its child's CPT
  std::vector<std::size_t> table_begin_;     // per id, into cdf_/log_ (size n + 1)
  std::vector<double> cdf_;                  // per column: cumulative sums, the last positive entry 2
  std::vector<double> log_;                  // log of each CPT entry (-inf for 0)
};

}  // namespace pgm
