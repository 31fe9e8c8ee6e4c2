#pragma once
// Exact inference by variable elimination on a discrete Bayesian or Markov network.
// Queries are const and keep no evidence state: one engine can serve many threads and queries.
// For Bayesian networks, barren nodes (neither ancestors of targets nor of evidence) are pruned
// before anything is multiplied, and evidence is applied by reducing factors.
#include <pgm/core/factor.hpp>
#include <pgm/inference/elimination_order.hpp>
#include <pgm/inference/relevance.hpp>
#include <pgm/model/bayesian_network.hpp>
#include <pgm/model/markov_network.hpp>

#include <span>
#include <vector>

namespace pgm {

struct VariableEliminationOptions {
  EliminationHeuristic heuristic = EliminationHeuristic::automatic;
  bool prune_barren = true;  // Bayesian networks only
  // Bayesian networks with evidence: compute the posterior on Shachter's requisite set only (Bayes-ball:
  // CPTs d-separated from the targets and evidence that cannot matter are dropped, as aGrUM does),
  // and P(e) separately on the ancestors of the evidence.
  bool prune_requisite = true;
  // Refuse (LimitError, with the figure) a query whose largest table — an elimination clique or the
  // joint over the targets — would need more bytes, before anything is allocated.
  std::size_t max_memory_bytes = std::size_t{8} << 30;
};

// The result of a query: the normalised posterior over the targets and the evidence probability.
struct Posterior {
  Factor distribution;               // over the targets (canonical sorted order), sums to 1
  double probability_of_evidence;    // P(e) for BNs; Z of the reduced model for MNs (may be inf/0)
  double log_probability_of_evidence;  // natural log, finite even when the plain value is not
};

class VariableElimination {
 public:
  // The model must outlive the engine.
  explicit VariableElimination(const BayesianNetwork& bn, VariableEliminationOptions options = {});
  explicit VariableElimination(const MarkovNetwork& mn, VariableEliminationOptions options = {});

  [[nodiscard]] const VariableSet& variables() const noexcept { return *variables_; }

  // Joint posterior P(targets | evidence). Evidence on a target gives the point distribution there.
  // QueryError on empty or repeated targets or unknown ids; ZeroProbabilityEvidence when P(e) = 0;
  // LimitError when a table would exceed options.max_memory_bytes.
  [[nodiscard]] Posterior joint(std::span<const VariableId> targets, const Evidence& evidence) const;
  // Soft (virtual) evidence: `soft` holds non-negative unary factors (likelihoods λ over one
  // variable each, observed or not), multiplied into the pool: the posterior ∝ P(x, e) Π λ and
  // P(e) = Σ_x P(x, e) Π λ(x). For pruning each soft variable counts as observed (it has an observed
  // auxiliary child: its ancestors are not barren); Bayes-ball's requisite rule is not used with
  // soft evidence.
  [[nodiscard]] Posterior joint(std::span<const VariableId> targets, const Evidence& evidence,
                                std::span<const Factor> soft) const;
  [[nodiscard]] double log_probability_of_evidence(const Evidence& evidence, std::span<const Factor> soft) const;
  [[nodiscard]] double probability_of_evidence(const Evidence& evidence, std::span<const Factor> soft) const;
  // P(target | evidence) for one target.
  [[nodiscard]] Factor marginal(VariableId target, const Evidence& evidence) const;
  // One marginal per target, in the order given.
  [[nodiscard]] std::vector<Factor> marginals(std::span<const VariableId> targets, const Evidence& evidence) const;
  // P(evidence) (for a Markov network: the partition function of the model reduced by the evidence),
  // and its natural log. Never throws ZeroProbabilityEvidence: returns 0 / -inf.
  [[nodiscard]] double probability_of_evidence(const Evidence& evidence) const;
  [[nodiscard]] double log_probability_of_evidence(const Evidence& evidence) const;

  // The elimination order the engine would use with no evidence and no targets (all variables).
  [[nodiscard]] EliminationOrder full_order() const;

 private:
  // The stages of a query: relevance (relevance.hpp), then pool → order → memory check → eliminate
  // (detail/elimination.hpp, sum-product here). `posterior_only` (Bayesian networks with evidence)
  // asks for the requisite CPTs, which give the posterior but not P(e).
  [[nodiscard]] Relevance relevant(std::span<const VariableId> keep, const Evidence& evidence, bool posterior_only,
                                   std::span<const Factor> soft = {}) const;
  // Eliminates everything except `keep` from the relevant factors; returns the unnormalised product
  // over keep (largest entry 1, or all zero) and the log of the scale taken out of it, so neither
  // underflows nor overflows.
  [[nodiscard]] std::pair<Factor, double> eliminate(std::span<const VariableId> keep, const Evidence& evidence,
                                                    const Relevance& relevant, std::span<const Factor> soft = {}) const;
  // LimitError when the largest clique of `order`, or the table over `keep`, exceeds the limit.
  void check_memory(const EliminationOrder& order, std::span<const VariableId> keep) const;
  [[nodiscard]] double log2_table_size(std::span<const VariableId> scope) const;
  // LimitError naming the figure when a table of 2^log2_entries doubles exceeds the limit.
  void refuse_over_limit(double log2_entries, std::size_t arity, const char* what) const;

  const VariableSet* variables_;
  const BayesianNetwork* bn_ = nullptr;
  const std::vector<Factor>* factors_;
  VariableEliminationOptions options_;
};

// Validates evidence against a variable set (ids and state indices in range, no conflicting
// repeats), returning it sorted by id. QueryError otherwise.
[[nodiscard]] Evidence checked_evidence(const VariableSet& vars, Evidence evidence);

}  // namespace pgm
