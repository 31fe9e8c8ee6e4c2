#pragma once
// Gibbs sampling on a discrete Bayesian or Markov network (issue 11). One sample is one systematic
// sweep: every unobserved variable in id order is redrawn from its conditional given the rest, the
// product of the factors (CPTs or potentials) that contain it, read at the current state. The first
// burn-in sweeps are discarded.
//
// Zeros: a zero in a table linking two or more unobserved variables (after reduction by the
// evidence) can cut the states of positive probability into pieces single-variable moves cannot
// cross (asia's deterministic 'either' = tub OR lung: from all 'no', neither tub nor lung can move
// alone). Such variables are tied into blocks (transitively, through every such table), and a block
// of at most 4096 joint states is redrawn jointly from its joint conditional. With every zero inside
// a block the chain is irreducible: the support is then a product over the update units. Tables of
// larger blocks are named in SamplingResult::warnings (single-variable moves there can make the chain
// reducible: wrong estimates however long it runs). Near-zero entries do not break the chain but
// slow it down: the batch-means errors grow accordingly, but only once a run is long enough to see
// the slow moves.
//
// Estimates are Rao-Blackwellised: each sweep adds every variable's conditional distribution (a
// block's: its joint conditional's marginals), not the indicator of its drawn state — the same
// expectation, less variance. Standard errors are by batch means: the kept sweeps are cut into 30
// consecutive batches of nearly equal size, and the error is the standard deviation of the batch
// means over sqrt(30), which accounts for the autocorrelation of the chain as long as a batch is
// longer than the chain's memory. With one sample there is no batch to compare: the errors are NaN.
//
// The chain starts from a state of positive probability consistent with the evidence, built
// variable by variable (topological order for a Bayesian network: a forward sample that already
// weighs the evidence it touches) and retried up to 100 times. The probability of the evidence is
// not estimated.
#include <pgm/core/factor.hpp>
#include <pgm/inference/sampling.hpp>
#include <pgm/model/bayesian_network.hpp>
#include <pgm/model/markov_network.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace pgm {

class GibbsSampler {
 public:
  // The model must outlive the sampler. QueryError on bad options.
  explicit GibbsSampler(const BayesianNetwork& bn, SamplingOptions options = {});
  explicit GibbsSampler(const MarkovNetwork& mn, SamplingOptions options = {});

  [[nodiscard]] const SamplingOptions& options() const noexcept { return options_; }

  // Thread-safe (const; each run has its own generator). QueryError on evidence that does not fit
  // the model; ZeroProbabilityEvidence when a table reduced by the evidence is all zero (P(e) = 0 is
  // then proven); NoConsistentSample when no start state of positive probability was found.
  [[nodiscard]] SamplingResult run(const Evidence& evidence) const;

 private:
  void compile();

  const VariableSet* variables_;
  const std::vector<Factor>* factors_;
  std::vector<std::string> factor_names_;  // for warnings: "the CPT of 'B'", "factor 3"
  std::vector<VariableId> start_order_;    // the order the start state is built in
  SamplingOptions options_;
  std::vector<std::size_t> card_;          // per id
  std::vector<std::size_t> value_begin_;   // per factor, into values_
  std::vector<double> values_;             // every factor's table, one after the other
  std::vector<std::size_t> adj_begin_;     // per id, into adj_factor_/adj_stride_ (size n + 1)
  std::vector<std::size_t> adj_factor_;    // the factors containing each variable
  std::vector<std::size_t> adj_stride_;    // the variable's stride in each of them
};

}  // namespace pgm
