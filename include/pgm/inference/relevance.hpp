#pragma once
// Relevance: the first stage of every exact query. Before anything is multiplied, the model's
// factors are split into those the answer can depend on and those it cannot, so the elimination
// and the junction tree work on the relevant part only.
//   Bayesian networks (Shachter 1998; aGrUM's relevance reasoning):
//     barren     — the CPTs of the ancestors of the targets and the observed variables. The others
//                  sum to one over their barren descendants: dropping them changes neither the
//                  posterior nor P(e).
//     requisite  — Bayes-ball's requisite CPTs for P(unobserved targets | e): the posterior only;
//                  P(e) needs the ancestors of the evidence.
//   Markov networks: the factors of the connected components of the unobserved targets in the
//     graph of the unobserved variables (two variables joined when a factor holds both). The other
//     components only scale the partition function: the posterior, not Z.
#include <pgm/core/factor.hpp>
#include <pgm/model/bayesian_network.hpp>
#include <pgm/model/markov_network.hpp>

#include <cstddef>
#include <span>
#include <vector>

namespace pgm {

enum class RelevanceRule { none, barren, requisite };

// Which of the model's factors (for a Bayesian network factor v is the CPT of v) a query needs.
struct Relevance {
  std::vector<bool> factors;    // per model factor: needed
  std::vector<bool> variables;  // per variable: in the scope of a needed factor
  std::size_t count = 0;        // needed factors
  [[nodiscard]] bool everything() const noexcept { return count == factors.size(); }
  [[nodiscard]] bool operator[](std::size_t f) const { return factors[f]; }
};

// `targets` and `observed` are variable ids in range (QueryError otherwise), in any order; an
// observed target is a point mass and needs nothing of its own. Linear in the size of the graph.
[[nodiscard]] Relevance relevance(const BayesianNetwork& bn, std::span<const VariableId> targets,
                                  std::span<const VariableId> observed, RelevanceRule rule);
// The component rule. A factor whose variables are all observed is in no component (a constant).
[[nodiscard]] Relevance relevance(const MarkovNetwork& mn, std::span<const VariableId> targets,
                                  std::span<const VariableId> observed);
// Every factor (what P(e), or Z, needs).
[[nodiscard]] Relevance everything(const VariableSet& vars, const std::vector<Factor>& factors);

// The observed variables of an evidence list (ids in its order).
[[nodiscard]] std::vector<VariableId> observed_ids(const Evidence& evidence);

}  // namespace pgm
