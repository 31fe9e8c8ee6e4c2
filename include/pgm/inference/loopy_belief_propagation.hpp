#pragma once
// Loopy belief propagation: sum-product message passing on the factor graph of a discrete Bayesian
// or Markov network (one factor node per CPT or potential, reduced by the hard evidence). Exact on
// models whose factor graph is a forest (trees, polytrees); an approximation otherwise, which may
// not converge. Messages are kept as normalised logarithms, so a small but non-zero entry never
// underflows to a false zero, and zeros (impossible states) propagate exactly.
//
// Schedule: synchronous ("flooding"). One iteration recomputes every factor→variable message from
// the variable→factor messages, damps it (m ← (1-D)·new + D·old, in probability space), then every
// variable→factor message from those. Converged when the largest absolute change of any message
// entry (each message normalised to sum 1) in an iteration is below the tolerance.
#include <pgm/core/factor.hpp>
#include <pgm/model/bayesian_network.hpp>
#include <pgm/model/markov_network.hpp>

#include <cstddef>
#include <span>
#include <vector>

namespace pgm {

struct LoopyBeliefPropagationOptions {
  std::size_t max_iterations = 1000;  // at least 1
  double tolerance = 1e-9;            // positive and finite
  double damping = 0.0;               // in [0, 1); 0 is plain sum-product
};

// QueryError naming the option when one is out of range.
void check_options(const LoopyBeliefPropagationOptions& options);

struct LoopyBeliefPropagationResult {
  // Approximate P(v | e) per variable id, over its states in declared order; a point mass on
  // observed variables.
  std::vector<std::vector<double>> marginals;
  std::size_t iterations = 0;  // iterations run (== max_iterations when it did not converge)
  bool converged = false;
  double max_change = 0;  // the largest message change in the last iteration
  // The Bethe estimate of log P(e) (Bayesian network) or log Z(e) (Markov network): exact when the
  // factor graph is a forest and the messages converged.
  double log_probability_of_evidence = 0;
};

class LoopyBeliefPropagation {
 public:
  // The model must outlive the engine. QueryError on bad options.
  explicit LoopyBeliefPropagation(const BayesianNetwork& bn, LoopyBeliefPropagationOptions options = {});
  explicit LoopyBeliefPropagation(const MarkovNetwork& mn, LoopyBeliefPropagationOptions options = {});

  [[nodiscard]] const LoopyBeliefPropagationOptions& options() const noexcept { return options_; }

  // Thread-safe (const). QueryError on evidence that does not fit the model; ZeroProbabilityEvidence
  // when the propagation proves P(e) = 0 (a reduced factor or a message that is all zero — sound on
  // any graph, since a zero message entry only ever marks a state no consistent assignment has).
  // Not every impossible evidence is detected on loopy graphs.
  [[nodiscard]] LoopyBeliefPropagationResult run(const Evidence& evidence) const;
  // With soft (virtual) evidence: non-negative unary factors λ, each one more factor node.
  [[nodiscard]] LoopyBeliefPropagationResult run(const Evidence& evidence, std::span<const Factor> soft) const;

 private:
  const VariableSet* variables_;
  const std::vector<Factor>* factors_;
  LoopyBeliefPropagationOptions options_;
};

}  // namespace pgm
