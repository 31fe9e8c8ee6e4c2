#pragma once
// Junction tree: structure once, calibration per evidence set. The tree (cliques, separators, which
// factor sits where) depends only on the model; calibrate() is const and returns every posterior
// marginal and P(evidence) as a value, so one tree serves many evidence sets and threads.
//
// Evidence-specialised structure: observed variables leave every scope, so a tree triangulated
// for the model with them reduced away can be much smaller than the evidence-free tree reduced by
// the evidence (the fill-in through observed variables vanishes). calibrate(e) builds such a tree
// for e's pattern (the set of observed variables, values aside) when the evidence-free tree would
// touch many entries, uses it when its cliques are smaller in total, and caches the verdict and
// the tree by pattern, so repeated patterns (batches, a server) pay the build once.
#include <pgm/core/factor.hpp>
#include <pgm/inference/elimination_order.hpp>
#include <pgm/inference/relevance.hpp>
#include <pgm/model/bayesian_network.hpp>
#include <pgm/model/markov_network.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
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
  // Build (and cache) a tree for an evidence pattern when calibrating this tree with that evidence
  // would touch at least `specialise_min_entries` clique entries, and use it when its cliques are
  // smaller in total. On a pattern's first use only when that also repays the build at once; from
  // its second use whenever it is smaller (0: every pattern as if repeated, however small).
  // Results are the same either way (to rounding).
  bool specialise_evidence = true;
  std::size_t specialise_min_entries = std::size_t{1} << 15;
  // Patterns remembered (least recently used evicted; their tables together are also kept under
  // twice this tree's). 0 keeps none: every calibration with evidence decides and builds afresh.
  std::size_t evidence_cache_entries = 16;
  // Trees of at most this many clique entries calibrate on flat tables with precomputed index maps
  // (no per-call allocation or walk set-up; evidence zeroes entries instead of shrinking tables).
  std::size_t flat_max_entries = std::size_t{1} << 16;
  // When the flat maps were not built with the tree (their build costs more than a calibration),
  // build them on its second calibration. Off: every calibration takes the path the first one
  // takes, so a tree gives the same bits however often it is used (pgm::Model's trees: a long-lived
  // model then answers exactly as a one-shot query does; flat and strided walks round differently).
  bool flat_on_reuse = true;
};

class CalibratedJunctionTree;

class JunctionTree {
 public:
  // The model must outlive the tree. LimitError when the tables exceed options.max_memory_bytes.
  explicit JunctionTree(const BayesianNetwork& bn, JunctionTreeOptions options = {});
  explicit JunctionTree(const MarkovNetwork& mn, JunctionTreeOptions options = {});
  // A tree for one evidence pattern: the model's structure with the variables of `observed` reduced
  // away. calibrate(e) then requires e to observe each of them (QueryError otherwise); e may observe
  // more. What a single query with known evidence should build (no evidence-free tree needed).
  JunctionTree(const BayesianNetwork& bn, std::span<const VariableId> observed, JunctionTreeOptions options = {});
  JunctionTree(const MarkovNetwork& mn, std::span<const VariableId> observed, JunctionTreeOptions options = {});
  // A tree for a query that names its targets: the pattern tree above, built over the part of the
  // model relevant to the targets only (relevance.hpp). Bayesian networks: the ancestors of the
  // targets and of the observed variables (barren CPTs dropped, so P(e) is unchanged); evidence on a
  // variable outside that part is refused (QueryError: it would need a larger tree). Markov
  // networks: the factors of the targets' components once the observed variables are removed; the
  // other components' share of Z is eliminated apart in each calibration. Marginals are those of
  // the whole model, for the variables the tree holds (the targets and their relevant part):
  // marginal(v) refuses the others, so marginals() refuses unless nothing was dropped.
  JunctionTree(const BayesianNetwork& bn, std::span<const VariableId> targets, std::span<const VariableId> observed,
               JunctionTreeOptions options = {});
  JunctionTree(const MarkovNetwork& mn, std::span<const VariableId> targets, std::span<const VariableId> observed,
               JunctionTreeOptions options = {});

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
  // The observed variables this tree's structure assumes (sorted; empty for the evidence-free tree).
  [[nodiscard]] const std::vector<VariableId>& pattern() const noexcept { return pattern_; }
  // Factors of the model the tree holds (a tree built for targets may hold fewer than all).
  [[nodiscard]] std::size_t relevant_factors() const noexcept { return active_.empty() ? factors_->size() : active_count_; }

  // Hugin propagation (collect to the roots, distribute back), with every message normalised and
  // its scale kept in log space so large models neither underflow nor overflow.
  // ZeroProbabilityEvidence when P(e) = 0; QueryError on invalid evidence.
  // Thread-safe: the pattern cache is the only shared mutable state and is locked.
  [[nodiscard]] CalibratedJunctionTree calibrate(const Evidence& evidence) const;
  // With soft (virtual) evidence: non-negative unary factors λ, each multiplied into the home clique
  // of its variable for this calibration only (a hard-observed variable's λ at its state scales
  // P(e)). Marginals ∝ P(x, e) Π λ, P(e) = Σ_x P(x, e) Π λ(x). The structure and the pattern cache
  // depend on the hard evidence alone. QueryError for a variable this tree does not hold.
  [[nodiscard]] CalibratedJunctionTree calibrate(const Evidence& evidence, std::span<const Factor> soft) const;
  // The specialised tree calibrate(evidence) would use (from the cache or built now), or null when it
  // would calibrate this tree itself.
  [[nodiscard]] std::shared_ptr<const JunctionTree> specialised_for(const Evidence& evidence) const;
  // Patterns currently cached (including "not worth it" verdicts).
  [[nodiscard]] std::size_t cached_patterns() const;
  // The clique whose table is used for the marginal of v (the smallest containing it).
  // num_cliques() for a variable of pattern().
  [[nodiscard]] std::size_t home(VariableId v) const { return (*home_)[v]; }

 private:
  struct Cache;
  struct Flat;
  struct FlatSlot;
  JunctionTree(const VariableSet& vars, const std::vector<Factor>& factors, std::vector<VariableId> pattern,
               JunctionTreeOptions options, const EliminationOrder* full_order, double max_entries, bool thorough,
               bool bayesian);
  // Structure (order, cliques, tree, sizes, memory check); false when max_entries is given and the
  // tree's cliques hold more entries than it (tables are then not built). With full_order (a
  // pattern met in calibration), `thorough` also tries a fresh greedy order however small the tree.
  // Stages in detail/junction_tree_stages.hpp; the order is chosen here (it needs the options).
  bool build_structure(const EliminationOrder* full_order, double max_entries, bool thorough = false);
  [[nodiscard]] EliminationOrder choose_order(std::span<const std::vector<VariableId>> scopes,
                                              std::span<const VariableId> all, const EliminationOrder* full_order,
                                              bool thorough) const;
  void build_tables();
  void check_pattern(std::span<const VariableId> observed);
  void restrict_to(const Relevance& relevant, std::span<const VariableId> targets);
  [[nodiscard]] bool active(std::size_t factor) const { return active_.empty() || active_[factor]; }
  // Markov networks built for targets: ln Z of the factors left out, reduced by the evidence.
  [[nodiscard]] double rest_log_partition(const Evidence& evidence) const;
  [[nodiscard]] CalibratedJunctionTree calibrate_checked(const Evidence& evidence, std::span<const Factor> soft) const;
  [[nodiscard]] CalibratedJunctionTree calibrate_flat(const Evidence& evidence, const Flat& flat,
                                                      std::span<const Factor> soft) const;
  // Soft evidence on observed variables: the log of their λ at the observed states (-inf: zero).
  // On the others: clears `live` from each one's home clique up to its root.
  [[nodiscard]] double soft_constant(const Evidence& evidence, std::span<const Factor> soft, std::vector<char>& live) const;
  [[nodiscard]] std::shared_ptr<const Flat> flat() const;  // built on first need, null for large trees
  [[nodiscard]] std::shared_ptr<const Flat> make_flat() const;
  [[nodiscard]] double reduced_entries(const Evidence& evidence) const;
  [[nodiscard]] std::vector<char> live_trivial(const Evidence& evidence, bool flat) const;
  [[nodiscard]] bool use_flat(double reduced_entries) const;
  [[nodiscard]] std::shared_ptr<const JunctionTree> lookup(const Evidence& evidence) const;

  const VariableSet* variables_;
  const std::vector<Factor>* factors_;
  JunctionTreeOptions options_;
  bool bayesian_ = false;  // factors_[v] is the CPT of v
  std::vector<VariableId> pattern_;
  std::vector<bool> in_pattern_;
  // Trees built for targets: the factors held (empty: all) and the variables besides their scopes
  // that still get a clique (free targets in no factor).
  std::vector<bool> active_;
  std::vector<VariableId> extra_variables_;
  std::size_t active_count_ = 0;
  EliminationOrder order_;
  std::vector<std::vector<VariableId>> cliques_;
  std::vector<std::size_t> parent_;
  std::vector<std::size_t> postorder_;       // children before parents
  std::vector<Factor> initial_;              // product of the pattern-free factors assigned to each clique
  // Factors touching the pattern, reduced and multiplied in per calibration: per clique, and those
  // whose scope lies inside the pattern (constants once reduced).
  std::vector<std::vector<std::size_t>> evidence_factors_;
  std::vector<std::size_t> constant_evidence_factors_;
  std::vector<std::vector<VariableId>> drop_up_, drop_down_;  // variables summed out per message
  std::vector<std::size_t> factor_clique_;   // per factor: its clique (k for empty scope)
  std::vector<double> init_log_;             // per clique: log of the scale taken out of its initial table
  std::vector<char> trivial_;                // per clique: its collect message is a known constant
  std::shared_ptr<FlatSlot> flat_slot_;      // index maps for small trees (null otherwise)
  std::shared_ptr<Cache> cache_;             // evidence-free trees only
  std::vector<std::vector<VariableId>> separators_;  // with the parent
  std::shared_ptr<const std::vector<std::size_t>> home_;  // per variable: the smallest clique containing it
  std::shared_ptr<const std::vector<std::size_t>> cardinalities_;
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
  // ---- issue 11, batch: the marginal of an unobserved v as this calibration already computed it
  // (small trees' flat path: the values marginal(v) copies), without building a Factor; an empty
  // span when it was not computed (observed variables, larger trees): use marginal(v) then.
  [[nodiscard]] std::span<const double> computed_marginal(VariableId v) const noexcept;
  // ---- issue 12, fit: the joint posterior of `vars` (one factor's scope, e.g. a Bayesian network
  // family) from a clique belief holding all of its unobserved variables: a normalised factor over
  // those (observed ones reduced away; the empty scope when every one is observed). nullopt when no
  // clique holds them all or this calibration kept no clique tables (the flat path of small trees:
  // build the tree with flat_max_entries = 0).
  [[nodiscard]] std::optional<Factor> joint_in_clique(std::span<const VariableId> vars) const;
  [[nodiscard]] double probability_of_evidence() const noexcept { return probability_of_evidence_; }
  [[nodiscard]] double log_probability_of_evidence() const noexcept { return log_probability_of_evidence_; }
  [[nodiscard]] const Evidence& evidence() const noexcept { return evidence_; }

 private:
  friend class JunctionTree;
  std::shared_ptr<const std::vector<std::size_t>> home_;  // per variable: index into beliefs_
  std::shared_ptr<const std::vector<std::size_t>> cardinalities_;
  std::vector<Factor> beliefs_;    // normalised clique marginals, observed variables reduced away
  std::size_t no_clique_ = 0;      // the home of a variable the tree does not hold
  // Small trees: every variable's marginal, computed during calibration (offsets per variable).
  std::shared_ptr<const std::vector<std::size_t>> marginal_offset_;
  std::vector<double> marginal_values_;
  Evidence evidence_;
  double probability_of_evidence_ = 1;
  double log_probability_of_evidence_ = 0;
};

}  // namespace pgm
