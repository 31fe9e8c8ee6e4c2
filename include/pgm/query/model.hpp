#pragma once
// pgm::Model (pgm::query::Model): one value holding any loaded model (discrete Bayesian or Markov
// network, Gaussian, linear-Gaussian), the entry point every front end (command line, Python, ...)
// uses. The readers' plain std::variant of the four model types is pgm::ModelVariant (<pgm/io/load.hpp>).
//
// Copies are cheap and share one immutable state (std::shared_ptr<const State>), so a Model can be
// passed by value and queried from many threads at once. Caches (the junction tree, the joint
// Gaussian of a linear-Gaussian network) are built lazily, once, under a lock.
#include <pgm/gaussian/gaussian.hpp>
#include <pgm/gaussian/linear_gaussian_network.hpp>
#include <pgm/inference/junction_tree.hpp>
#include <pgm/io/load.hpp>
#include <pgm/model/bayesian_network.hpp>
#include <pgm/model/markov_network.hpp>
#include <pgm/query/evidence.hpp>
#include <pgm/query/explanation.hpp>
#include <pgm/query/query.hpp>

#include <Eigen/Core>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgm::query {

enum class ModelKind { bayesian_network, markov_network, gaussian, linear_gaussian };

// "bayesian-network" | "markov-network" | "gaussian" | "linear-gaussian" (the YAML `type:` names).
[[nodiscard]] std::string_view to_string(ModelKind kind);

// A variable by name with its states in order; states are empty for continuous variables.
struct VariableInfo {
  std::string name;
  std::vector<std::string> states;

  friend bool operator==(const VariableInfo&, const VariableInfo&) = default;
};

// Loading defaults shared by the library and the command line. NOTE: unlike io::LoadOptions,
// renormalisation is ON by default: CPT columns that sum to 1 within kCptSumTolerance (1e-6; BIF
// files print rounded numbers such as 0.3333) are rescaled to sum to exactly 1. Columns further
// off are always rejected. Set renormalize = false to keep the numbers exactly as written.
struct LoadOptions {
  io::Format format = io::Format::automatic;  // load(): by extension unless named
  bool renormalize = true;
};

// The answer to "X independent of Y given Z?" from the structure: d-separation (Bayesian and
// linear-Gaussian networks), separation (Markov networks), zero partial correlations (Gaussians,
// within kIndependenceTolerance).
struct IndependenceResult {
  bool independent = false;
  // When not independent and the model has a graph: one active trail from a node of X to a node
  // of Y, by name. nullopt when independent, and for Gaussians (no graph to walk).
  std::optional<std::vector<std::string>> trail;
  std::string method;  // "d-separation", "separation" or "precision"
  // With a trail in a directed graph: trail_forward[i] says the edge between (*trail)[i] and
  // (*trail)[i + 1] points forward (→), otherwise backward (←). Empty for undirected graphs.
  std::vector<bool> trail_forward;
  bool directed = false;  // asked of a directed graph (d-separation)
  // X, Y and Z as resolved against the model (by name, in the order given).
  std::vector<std::string> x, y, given;
};

// The same question asked of the numbers rather than the graph.
struct NumericIndependenceResult {
  double max_difference = 0.0;  // of `measure`
  bool independent = false;     // max_difference <= tolerance
  double tolerance = 0.0;
  // "max |P(x,y|z) - P(x|z) P(y|z)|" (discrete) or "max |partial correlation|" (Gaussian models).
  std::string measure;
  // Discrete models: the assignment of X ∪ Y ∪ Z where the maximum is reached; empty otherwise.
  Assignments worst;
};

// The Markov blanket of one variable, by name in id order, with its parts in a directed graph.
struct BlanketResult {
  std::vector<std::string> blanket;
  bool directed = false;                 // a Bayesian or linear-Gaussian network
  std::vector<std::string> parents;      // directed only
  std::vector<std::string> children;     // directed only
  std::vector<std::string> co_parents;   // directed only: other parents of its children
};

// One local independence: `node` ⟂ `independent_of` | `given` (names in id order).
struct LocalIndependenceStatement {
  std::string node;
  std::vector<std::string> independent_of;
  std::vector<std::string> given;
};

// The local independencies a model's structure implies, with the property they come from.
struct LocalIndependencies {
  std::string property;  // e.g. "each variable is independent of its non-descendants given its parents"
  // Variables that are separated from nothing are left out.
  std::vector<LocalIndependenceStatement> statements;
};

// Log-density and Mahalanobis distance of one point.
struct PointScore {
  double log_density = 0.0;
  double mahalanobis = 0.0;
};

// Samples from a discrete Bayesian network: rows × cols state indices, row-major, columns the
// variables in declared order.
struct DiscreteSamples {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<std::uint32_t> states;
};

class Model {
 public:
  // From a model value built in C++.
  explicit Model(BayesianNetwork bn);
  explicit Model(MarkovNetwork mn);
  explicit Model(Gaussian g);
  explicit Model(LinearGaussianNetwork lg);
  // From what io::load_model returns.
  [[nodiscard]] static Model from_variant(::pgm::ModelVariant model);

  // Reads a model file (YAML, BIF, XMLBIF, UAI; by extension unless options.format names it).
  // ParseError (file, line, column, what is wrong) or IoError.
  [[nodiscard]] static Model load(const std::string& path, LoadOptions options = {});
  // Reads a model from text in the given format ("yaml", "bif", "xmlbif", "uai"; ParseError for
  // other names). `filename` appears in error messages only.
  [[nodiscard]] static Model loads(const std::string& text, std::string_view format, LoadOptions options = {},
                                   const std::string& filename = "<string>");

  [[nodiscard]] const std::string& name() const noexcept;
  [[nodiscard]] ModelKind kind() const noexcept;
  [[nodiscard]] bool discrete() const noexcept;  // Bayesian or Markov network
  // Every variable in declared order (the id order).
  [[nodiscard]] const std::vector<VariableInfo>& variables() const noexcept;
  [[nodiscard]] std::size_t size() const noexcept;
  // The id (index into variables()) of a name; nullopt, or QueryError listing the known names.
  [[nodiscard]] std::optional<VariableId> find(std::string_view name) const;
  [[nodiscard]] VariableId id(std::string_view name) const;

  // The underlying model of each kind; nullptr when the model is of another kind.
  [[nodiscard]] const BayesianNetwork* bayesian_network() const noexcept;
  [[nodiscard]] const MarkovNetwork* markov_network() const noexcept;
  [[nodiscard]] const Gaussian* gaussian() const noexcept;
  [[nodiscard]] const LinearGaussianNetwork* linear_gaussian_network() const noexcept;
  // The model as the readers return it.
  [[nodiscard]] const ::pgm::ModelVariant& variant() const noexcept;

  // The model as text in `format` (yaml, bif, xmlbif, uai, dot), numbers written exactly so that
  // reading it back gives the same model. UnsupportedError when the format cannot hold this kind
  // (BIF/XMLBIF: Bayesian networks only; continuous models are read, not written).
  [[nodiscard]] std::string dumps(io::Format format) const;
  // The joint Gaussian of a continuous model (a linear-Gaussian network's is computed once and
  // cached). QueryError for discrete models.
  [[nodiscard]] const Gaussian& joint_gaussian() const;
  // The variable set of a discrete model; QueryError for continuous models.
  [[nodiscard]] const VariableSet& variable_set() const;

  // The junction tree of a discrete model, built on first use and then shared by every copy of
  // this Model and every thread. A tree already built with tables larger than
  // options.max_memory_bytes is refused with LimitError, as building it would have been.
  // QueryError for continuous models.
  [[nodiscard]] std::shared_ptr<const JunctionTree> junction_tree(const JunctionTreeOptions& options = {}) const;

  // ---- Queries (all const, thread-safe). `method`: an engine name (engine_names()) or "auto".
  // Evidence must have been built against this model or one with the same variables and states
  // (it is re-resolved by name otherwise). See query.hpp for the Result layout.

  // Answers a query with the engine `query.method` names.
  [[nodiscard]] Result answer(const Query& query, const EngineOptions& options = {}) const;
  // Posterior marginal of every variable (discrete: observed ones are point masses; continuous: the
  // unobserved variables, as one Gaussian with mean and covariance).
  [[nodiscard]] Result marginals(const Evidence& evidence = {}, std::string_view method = "auto") const;
  // Posterior marginals of the targets (at least one; QueryError otherwise), in the order given.
  [[nodiscard]] Result query(std::vector<std::string> targets, const Evidence& evidence = {},
                             std::string_view method = "auto") const;
  // The joint posterior of the targets (first target slowest in the flat table).
  [[nodiscard]] Result joint(std::vector<std::string> targets, const Evidence& evidence = {},
                             std::string_view method = "auto") const;
  // P(x | given, evidence) for every state of `given` (discrete models only).
  [[nodiscard]] Result conditional(std::string x, std::string given, const Evidence& evidence = {},
                                   std::string_view method = "auto") const;
  // P(e) (a Markov network: the partition function of the model reduced by e; a continuous model:
  // the density of the observed values) and its natural log. Zero / -inf rather than an error when
  // the evidence is impossible.
  [[nodiscard]] double probability_of_evidence(const Evidence& evidence, std::string_view method = "auto") const;
  [[nodiscard]] double log_probability_of_evidence(const Evidence& evidence, std::string_view method = "auto") const;

  // ---- [mpe] Most probable explanations (discrete models; QueryError for continuous ones).
  // Ties: see explanation.hpp (lowest state index in declared variable order). Exact, by
  // max-product variable elimination with traceback, in log space. ZeroProbabilityEvidence when
  // the evidence is impossible; LimitError (with the figure) over options.max_memory_bytes.
  // The most probable full assignment given the evidence.
  [[nodiscard]] Explanation mpe(const Evidence& evidence = {}, const EngineOptions& options = {}) const;
  // The most probable assignment of `targets` (at least one, no repeats) with every other
  // unobserved variable summed out, by a constrained elimination order: the non-targets are summed
  // out first, then the targets are maximised with traceback, so no table over all the targets is
  // formed; LimitError when that order's largest table is over options.max_memory_bytes.
  [[nodiscard]] Explanation map(std::vector<std::string> targets, const Evidence& evidence = {},
                                const EngineOptions& options = {}) const;
  // ---- [mpe] end

  // ---- Structure.
  // QueryError for unknown names, an empty X or Y, or a name in two sets.
  // `tolerance`: partial correlations up to it count as zero (Gaussians only).
  [[nodiscard]] IndependenceResult independent(std::span<const std::string> x, std::span<const std::string> y,
                                               std::span<const std::string> given = {},
                                               double tolerance = kIndependenceTolerance) const;
  // The same from the numbers: by exact inference, the largest |P(x,y|z) - P(x|z) P(y|z)| over
  // assignments with P(z) > 0 (discrete); the largest |partial correlation| between a variable of
  // X and one of Y, each pair given the rest of X ∪ Y ∪ Z (continuous).
  [[nodiscard]] NumericIndependenceResult independent_in_numbers(std::span<const std::string> x,
                                                                 std::span<const std::string> y,
                                                                 std::span<const std::string> given = {},
                                                                 double tolerance = kIndependenceTolerance) const;
  // The Markov blanket in id order (Gaussians: the neighbours in the precision graph).
  [[nodiscard]] std::vector<std::string> blanket(std::string_view name) const;
  // The same with parents, children and co-parents in a directed graph.
  [[nodiscard]] BlanketResult blanket_parts(std::string_view name) const;
  // Directed graphs: each variable given its parents is independent of its non-descendants.
  // Undirected (Markov networks, and Gaussians by their precision graph): each variable given its
  // neighbours is independent of the rest.
  [[nodiscard]] LocalIndependencies local_independencies() const;

  // ---- Continuous models (QueryError for discrete ones).
  // The distribution of the unobserved variables given the observed values (Evidence::values).
  // Warnings about ill-conditioned blocks are appended to *warnings when given.
  // Conditioning uses the observations in the order first given (Evidence::values_as_given()):
  // the rounding depends on the order of the observed block, and the command line has always
  // conditioned in the order given.
  [[nodiscard]] Gaussian condition(const Evidence& evidence, std::vector<std::string>* warnings = nullptr) const;
  // The joint posterior of `targets` (in that order) given the evidence, as `pgm query` prints it.
  // QueryError on unknown or repeated targets, or a target that is observed.
  [[nodiscard]] Gaussian posterior(std::span<const std::string> targets, const Evidence& evidence,
                                   std::vector<std::string>* warnings = nullptr) const;
  // The same from values by name (parse_values), checked in the Gaussian's order: targets (unknown,
  // repeated, observed) before the observed names, as `pgm query` has always reported them.
  [[nodiscard]] Gaussian posterior(std::span<const std::string> targets, const ContinuousEvidence& values,
                                   std::vector<std::string>* warnings = nullptr) const;
  // The variables not named in `given`, in declared order: what `pgm marginals` and POST /api/query
  // answer for a continuous model. QueryError when every variable is observed.
  [[nodiscard]] std::vector<std::string> unobserved(std::span<const std::pair<std::string, std::string>> given) const;
  // A full point, every variable exactly once by name; QueryError otherwise.
  [[nodiscard]] double mahalanobis(const ContinuousEvidence& point) const;
  [[nodiscard]] double log_density(const ContinuousEvidence& point) const;
  // Both; NumericalError (with the size of the number) when either is beyond a double.
  [[nodiscard]] PointScore score(const ContinuousEvidence& point) const;
  // n draws as rows (n × size(), declared order), deterministic given the seed. With evidence,
  // drawn from the conditional and observed columns repeat their value.
  [[nodiscard]] Eigen::MatrixXd sample(std::size_t n, std::uint64_t seed, const Evidence& evidence = {},
                                       std::vector<std::string>* warnings = nullptr) const;

  // ---- Discrete Bayesian networks: forward sampling, rejecting draws that disagree with the
  // evidence (as `pgm sample`). QueryError when none of the first 1e6 draws matches (probability
  // zero or too small), LimitError when n accepted draws would need more than 2e7 draws.
  // UnsupportedError for Markov networks; continuous models use sample().
  [[nodiscard]] DiscreteSamples sample_states(std::size_t n, std::uint64_t seed, const Evidence& evidence = {}) const;
  // UnsupportedError for a Markov network (no forward sampling order); nothing for other models.
  void check_sampling() const;
  // The same, one accepted draw at a time (state index per variable id), without storing them.
  void for_each_sample(std::size_t n, std::uint64_t seed, const Evidence& evidence,
                       const std::function<void(std::span<const std::size_t>)>& sink) const;

  // True when both hold the same shared state (copies of one another).
  [[nodiscard]] bool same_as(const Model& other) const noexcept { return state_ == other.state_; }

  struct State;  // implementation detail (lib/query/model.cpp)
  [[nodiscard]] const std::shared_ptr<const State>& state() const noexcept { return state_; }

  // ---- [clidiscrete] The junction tree for an evidence pattern (what the "jt" engine calibrates).
  // The tree of the model with the variables `evidence` observes reduced away (the whole model's
  // without evidence), built exactly as a one-shot query builds it (JunctionTree's pattern
  // constructor) and calibrating the same way on every use (flat_on_reuse off), so a long-lived
  // Model and a one-shot query give the same bits. Built on first use per pattern (values aside)
  // with `options` and shared by every copy and thread; the kPatternTrees most recently used
  // patterns are kept, fewer when their tables together would exceed kPatternTreeBytes or
  // options.max_memory_bytes (the newest is always kept).
  // LimitError as junction_tree() (a cached tree over options.max_memory_bytes is refused);
  // QueryError for continuous models.
  static constexpr std::size_t kPatternTrees = 64;
  static constexpr std::size_t kPatternTreeBytes = std::size_t{1} << 30;
  [[nodiscard]] std::shared_ptr<const JunctionTree> junction_tree_for(const Evidence& evidence,
                                                                      const JunctionTreeOptions& options = {}) const;
  // ---- [clidiscrete] end

 private:
  explicit Model(std::shared_ptr<const State> state);
  std::shared_ptr<const State> state_;
};

}  // namespace pgm::query

namespace pgm {
using Model = query::Model;
}  // namespace pgm
