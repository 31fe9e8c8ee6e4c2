#pragma once
// Junction tree: structure once, calibration per evidence set. The tree (cliques, separators, which
// factor sits where) depends only on the model; calibrate() is const and returns every posterior
// marginal and P(evidence) as a value, so one tree serves many evidence sets and threads.
#include <pgm/core/factor.hpp>
#include <pgm/inference/elimination_order.hpp>
#include <pgm/model/bayesian_network.hpp>
#include <pgm/model/markov_network.hpp>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pgm {

struct JunctionTreeOptions {
  EliminationHeuristic heuristic = EliminationHeuristic::automatic;
  // Refuse (LimitError, with the figure) when the clique and separator tables would need more bytes.
  std::size_t max_memory_bytes = std::size_t{8} << 30;
  // Randomised min-fill restarts when the first order's tables exceed 2^20 entries, budgeted in work
  // (so the tree is the same on any machine); small networks keep the deterministic order.
  // effort = 0 turns them off.
  RestartBudget triangulation_restarts{};
  std::uint64_t seed = 1;
};

class CalibratedJunctionTree;

class JunctionTree {
 public:
  // The model must outlive the tree. LimitError when the tables exceed options.max_memory_bytes.
  explicit JunctionTree(const BayesianNetwork& bn, JunctionTreeOptions options = {});
  explicit JunctionTree(const MarkovNetwork& mn, JunctionTreeOptions options = {});

  [[nodiscard]] std::size_t num_cliques() const noexcept { return cliques_.size(); }
  [[nodiscard]] const std::vector<VariableId>& clique(std::size_t i) const { return cliques_[i]; }
  // Parent clique index, or num_cliques() for a root (one root per connected component).
  [[nodiscard]] std::size_t parent(std::size_t i) const { return parent_[i]; }
  // Largest clique size minus one.
  [[nodiscard]] std::size_t treewidth() const noexcept { return treewidth_; }
  // Entries in all clique tables, and bytes of clique + separator tables one calibration uses.
  [[nodiscard]] std::size_t total_clique_size() const noexcept { return total_size_; }
  [[nodiscard]] std::size_t table_bytes() const noexcept { return table_bytes_; }
  [[nodiscard]] const EliminationOrder& elimination_order() const noexcept { return order_; }
  [[nodiscard]] const VariableSet& variables() const noexcept { return *variables_; }

  // Hugin propagation (collect to the roots, distribute back), with every message normalised and
  // its scale kept in log space so large models neither underflow nor overflow.
  // ZeroProbabilityEvidence when P(e) = 0; QueryError on invalid evidence.
  [[nodiscard]] CalibratedJunctionTree calibrate(const Evidence& evidence) const;
  // The clique whose table is used for the marginal of v (the smallest containing it).
  [[nodiscard]] std::size_t home(VariableId v) const { return home_[v]; }

 private:
  void build(const std::vector<Factor>& factors, bool markov);

  const VariableSet* variables_;
  JunctionTreeOptions options_;
  EliminationOrder order_;
  std::vector<std::vector<VariableId>> cliques_;
  std::vector<std::size_t> parent_;
  std::vector<std::size_t> postorder_;       // children before parents
  std::vector<Factor> initial_;              // product of the factors assigned to each clique
  std::vector<std::vector<VariableId>> separators_;  // with the parent
  std::vector<std::size_t> home_;            // per variable: the smallest clique containing it
  double log_constant_ = 0;  // log of the product of empty-scope factors
  std::size_t treewidth_ = 0;
  std::size_t total_size_ = 0;
  std::size_t table_bytes_ = 0;
};

// Self-contained: it keeps no reference to the tree or the model, so it may outlive both.
class CalibratedJunctionTree {
 public:
  // P(v | e); a point mass on observed variables.
  [[nodiscard]] Factor marginal(VariableId v) const;
  [[nodiscard]] std::vector<Factor> marginals() const;
  [[nodiscard]] double probability_of_evidence() const noexcept { return probability_of_evidence_; }
  [[nodiscard]] double log_probability_of_evidence() const noexcept { return log_probability_of_evidence_; }
  [[nodiscard]] const Evidence& evidence() const noexcept { return evidence_; }

 private:
  friend class JunctionTree;
  std::vector<std::size_t> home_;  // per variable: index into beliefs_
  std::vector<std::size_t> cardinalities_;
  std::vector<Factor> beliefs_;    // normalised clique marginals, observed variables reduced away
  Evidence evidence_;
  double probability_of_evidence_ = 1;
  double log_probability_of_evidence_ = 0;
};

}  // namespace pgm
