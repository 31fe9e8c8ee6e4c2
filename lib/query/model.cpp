// pgm::query::Model: one immutable shared state per loaded model, with lazily built caches.
#include <pgm/core/error.hpp>
#include <pgm/independence/d_separation.hpp>
#include <pgm/independence/markov_blanket.hpp>
#include <pgm/independence/separation.hpp>
#include <pgm/inference/forward_sampling.hpp>
#include <pgm/inference/variable_elimination.hpp>
#include <pgm/io/bif.hpp>
#include <pgm/io/uai.hpp>
#include <pgm/io/xmlbif.hpp>
#include <pgm/io/yaml.hpp>
#include <pgm/query/engine.hpp>
#include <pgm/query/model.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <random>
#include <sstream>
#include <variant>

namespace pgm::query {

struct Model::State {
  ::pgm::ModelVariant model;
  ModelKind kind = ModelKind::bayesian_network;
  std::string name;
  std::vector<VariableInfo> variables;

  // The junction tree (discrete models), built on first use. It points into `model`, which never
  // moves: the State is heap-allocated and immutable.
  mutable std::mutex tree_mutex;
  mutable std::unique_ptr<const JunctionTree> tree;
  // The joint of a continuous model (a linear-Gaussian network's computed once).
  mutable std::once_flag joint_once;
  mutable std::optional<Gaussian> joint;
  // The precision graph of a Gaussian (blanket()).
  mutable std::once_flag precision_once;
  mutable std::optional<UndirectedGraph> precision_graph;

  // ---- [clidiscrete] Junction trees per evidence pattern (junction_tree_for), least recently used
  // evicted. Each is held by shared_ptr so a caller keeps its tree even once evicted.
  struct PatternTree {
    std::vector<VariableId> pattern;
    std::shared_ptr<const JunctionTree> tree;
    std::uint64_t used = 0;
  };
  mutable std::mutex pattern_mutex;
  mutable std::vector<PatternTree> pattern_trees;
  mutable std::uint64_t pattern_clock = 0;
  // ---- [clidiscrete] end

  explicit State(::pgm::ModelVariant m) : model(std::move(m)) {
    const auto discrete_variables = [&](const VariableSet& vars) {
      for (const Variable& v : vars.all()) variables.push_back({v.name, v.states});
    };
    if (const auto* bn = std::get_if<BayesianNetwork>(&model)) {
      kind = ModelKind::bayesian_network;
      name = bn->name();
      discrete_variables(bn->variables());
    } else if (const auto* mn = std::get_if<MarkovNetwork>(&model)) {
      kind = ModelKind::markov_network;
      name = mn->name();
      discrete_variables(mn->variables());
    } else if (const auto* g = std::get_if<Gaussian>(&model)) {
      kind = ModelKind::gaussian;
      name = g->name();
      for (const auto& n : g->names()) variables.push_back({n, {}});
    } else {
      const auto& lg = std::get<LinearGaussianNetwork>(model);
      kind = ModelKind::linear_gaussian;
      name = lg.name();
      for (const auto& n : lg.names()) variables.push_back({n, {}});
    }
  }
};

std::string_view to_string(ModelKind kind) {
  switch (kind) {
    case ModelKind::bayesian_network:
      return "bayesian-network";
    case ModelKind::markov_network:
      return "markov-network";
    case ModelKind::gaussian:
      return "gaussian";
    case ModelKind::linear_gaussian:
      return "linear-gaussian";
  }
  return "unknown";
}

Model::Model(std::shared_ptr<const State> state) : state_(std::move(state)) {}
Model::Model(BayesianNetwork bn) : state_(std::make_shared<const State>(::pgm::ModelVariant(std::move(bn)))) {}
Model::Model(MarkovNetwork mn) : state_(std::make_shared<const State>(::pgm::ModelVariant(std::move(mn)))) {}
Model::Model(Gaussian g) : state_(std::make_shared<const State>(::pgm::ModelVariant(std::move(g)))) {}
Model::Model(LinearGaussianNetwork lg) : state_(std::make_shared<const State>(::pgm::ModelVariant(std::move(lg)))) {}

Model Model::from_variant(::pgm::ModelVariant model) { return Model(std::make_shared<const State>(std::move(model))); }

Model Model::load(const std::string& path, LoadOptions options) {
  io::LoadOptions io_options;
  io_options.format = options.format;
  io_options.renormalize = options.renormalize;
  return from_variant(io::load_model(path, io_options));
}

Model Model::loads(const std::string& text, std::string_view format, LoadOptions options,
                   const std::string& filename) {
  io::LoadOptions io_options;
  io_options.format = io::parse_format(format);
  io_options.renormalize = options.renormalize;
  switch (io_options.format) {
    case io::Format::yaml:
      return from_variant(io::read_yaml_string(text, filename, io_options));
    case io::Format::bif:
      return from_variant(::pgm::ModelVariant(io::read_bif_string(text, filename, io_options)));
    case io::Format::xmlbif:
      return from_variant(::pgm::ModelVariant(io::read_xmlbif_string(text, filename, io_options)));
    case io::Format::uai:
      return from_variant(io::read_uai_string(text, filename, io_options));
    case io::Format::dot:
      throw ParseError({filename, 0, 0}, "Graphviz DOT is an output format only; it cannot be read as a model");
    case io::Format::automatic:
      break;
  }
  throw ParseError({filename, 0, 0}, "reading a model from text needs its format: yaml, bif, xmlbif or uai");
}

const std::string& Model::name() const noexcept { return state_->name; }
ModelKind Model::kind() const noexcept { return state_->kind; }
bool Model::discrete() const noexcept {
  return state_->kind == ModelKind::bayesian_network || state_->kind == ModelKind::markov_network;
}
const std::vector<VariableInfo>& Model::variables() const noexcept { return state_->variables; }
std::size_t Model::size() const noexcept { return state_->variables.size(); }

std::optional<VariableId> Model::find(std::string_view name) const {
  const auto& m = state_->model;
  if (const auto* bn = std::get_if<BayesianNetwork>(&m)) return bn->variables().find(name);
  if (const auto* mn = std::get_if<MarkovNetwork>(&m)) return mn->variables().find(name);
  if (const auto* g = std::get_if<Gaussian>(&m)) {
    const auto i = g->find(name);
    return i ? std::optional<VariableId>(static_cast<VariableId>(*i)) : std::nullopt;
  }
  return std::get<LinearGaussianNetwork>(m).find(name);
}

VariableId Model::id(std::string_view name) const {
  if (const auto v = find(name)) return *v;
  std::vector<std::string> names;
  names.reserve(size());
  for (const auto& v : variables()) names.push_back(v.name);
  throw QueryError("unknown variable '" + std::string(name) + "'; the model's variables are: " + join_names(names));
}

const BayesianNetwork* Model::bayesian_network() const noexcept { return std::get_if<BayesianNetwork>(&state_->model); }
const MarkovNetwork* Model::markov_network() const noexcept { return std::get_if<MarkovNetwork>(&state_->model); }
const Gaussian* Model::gaussian() const noexcept { return std::get_if<Gaussian>(&state_->model); }
const LinearGaussianNetwork* Model::linear_gaussian_network() const noexcept {
  return std::get_if<LinearGaussianNetwork>(&state_->model);
}

namespace {

[[noreturn]] void needs_continuous(const Model& m, const char* what) {
  throw QueryError(std::string(what) + " needs a Gaussian or linear-Gaussian model; this is a " +
                   std::string(to_string(m.kind())));
}

[[noreturn]] void needs_discrete(const Model& m, const char* what) {
  throw QueryError(std::string(what) + " needs a discrete model (Bayesian or Markov network); this is a " +
                   std::string(to_string(m.kind())) + " model");
}

// Every engine's options carry the same memory limit.
template <class Options>
void set_memory_limit(Options& options, std::size_t bytes) {
  options.max_memory_bytes = bytes;
}

std::string mib(double bytes) {
  std::ostringstream os;
  os.precision(3);
  os << bytes / (1 << 20);
  return os.str();
}

}  // namespace

const Gaussian& Model::joint_gaussian() const {
  if (discrete()) needs_continuous(*this, "a joint Gaussian");
  std::call_once(state_->joint_once, [&] {
    if (const auto* g = gaussian()) state_->joint = *g;
    else state_->joint = linear_gaussian_network()->to_gaussian();
  });
  return *state_->joint;
}

const VariableSet& Model::variable_set() const {
  if (const auto* bn = bayesian_network()) return bn->variables();
  if (const auto* mn = markov_network()) return mn->variables();
  needs_discrete(*this, "a set of discrete variables");
}

std::shared_ptr<const JunctionTree> Model::junction_tree(const JunctionTreeOptions& options) const {
  if (!discrete()) needs_discrete(*this, "the junction tree");
  std::lock_guard lock(state_->tree_mutex);
  if (!state_->tree) {
    // A failed build (LimitError) caches nothing, so a later call with a higher limit can succeed.
    if (const auto* bn = bayesian_network()) state_->tree = std::make_unique<const JunctionTree>(*bn, options);
    else state_->tree = std::make_unique<const JunctionTree>(*markov_network(), options);
  } else if (state_->tree->table_bytes() > options.max_memory_bytes) {
    throw LimitError("the junction tree needs " + mib(static_cast<double>(state_->tree->table_bytes())) +
                     " MiB of tables (treewidth " + std::to_string(state_->tree->treewidth()) +
                     "), over the limit of " + mib(static_cast<double>(options.max_memory_bytes)) +
                     " MiB; raise the memory limit, or use variable elimination for single queries");
  }
  // Shares ownership of the state that owns the tree (and the model the tree points into).
  return std::shared_ptr<const JunctionTree>(state_, state_->tree.get());
}

// ---------------------------------------------------------------------------------------------
// Queries

Result Model::answer(const Query& query, const EngineOptions& options) const {
  return make_engine(*this, query.method, options)->answer(query);
}

Result Model::marginals(const Evidence& evidence, std::string_view method) const {
  Query q;
  q.evidence = evidence;
  q.method = std::string(method);
  return answer(q);
}

Result Model::query(std::vector<std::string> targets, const Evidence& evidence, std::string_view method) const {
  Query q;
  q.targets = std::move(targets);
  q.evidence = evidence;
  q.method = std::string(method);
  if (q.targets.empty()) throw QueryError("a query needs at least one target variable");
  return answer(q);
}

Result Model::joint(std::vector<std::string> targets, const Evidence& evidence, std::string_view method) const {
  Query q;
  q.targets = std::move(targets);
  q.shape = Query::Shape::joint;
  q.evidence = evidence;
  q.method = std::string(method);
  return answer(q);
}

Result Model::conditional(std::string x, std::string given, const Evidence& evidence, std::string_view method) const {
  Query q;
  q.targets = {std::move(x)};
  q.shape = Query::Shape::conditional;
  q.given_variable = std::move(given);
  q.evidence = evidence;
  q.method = std::string(method);
  return answer(q);
}

double Model::log_probability_of_evidence(const Evidence& evidence, std::string_view method) const {
  const Evidence e = evidence.for_model(*this);
  if (!discrete()) {
    if (method != "auto" && method != "gaussian") (void)make_engine(*this, method);  // the engine's own refusal
    if (e.empty()) return 0.0;
    const Gaussian& g = joint_gaussian();
    const Gaussian observed = g.marginal(e.names());
    Eigen::VectorXd x(static_cast<Eigen::Index>(e.size()));
    for (std::size_t i = 0; i < e.size(); ++i) x[static_cast<Eigen::Index>(i)] = e.values()[i].second;
    return observed.log_density(x);
  }
  if (method == "auto" || method == "ve") {
    VariableEliminationOptions options;
    set_memory_limit(options, EngineOptions{}.max_memory_bytes);
    if (const auto* bn = bayesian_network()) return VariableElimination(*bn, options).log_probability_of_evidence(e.hard());
    return VariableElimination(*markov_network(), options).log_probability_of_evidence(e.hard());
  }
  // Any other engine: its answer's P(e), zero (−inf) when it refuses the evidence as impossible.
  Query q;
  q.targets = {variables().front().name};
  q.evidence = e;
  q.method = std::string(method);
  try {
    return answer(q).log_probability_of_evidence;
  } catch (const ZeroProbabilityEvidence&) {
    return -std::numeric_limits<double>::infinity();
  }
}

double Model::probability_of_evidence(const Evidence& evidence, std::string_view method) const {
  if (discrete() && (method == "auto" || method == "ve")) {
    const Evidence e = evidence.for_model(*this);
    VariableEliminationOptions options;
    set_memory_limit(options, EngineOptions{}.max_memory_bytes);
    // The plain value directly (not exp(log)): a Markov network's Z may be finite where exp would round.
    if (const auto* bn = bayesian_network()) return VariableElimination(*bn, options).probability_of_evidence(e.hard());
    return VariableElimination(*markov_network(), options).probability_of_evidence(e.hard());
  }
  if (discrete()) {
    Query q;
    q.targets = {variables().front().name};
    q.evidence = evidence.for_model(*this);
    q.method = std::string(method);
    try {
      return answer(q).probability_of_evidence;
    } catch (const ZeroProbabilityEvidence&) {
      return 0.0;
    }
  }
  return std::exp(log_probability_of_evidence(evidence, method));
}

// ---------------------------------------------------------------------------------------------
// Structure

namespace {

std::vector<std::string> names_of(const Model& m, std::span<const VariableId> ids) {
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (VariableId v : ids) out.push_back(m.variables()[v].name);
  return out;
}

}  // namespace

IndependenceResult Model::independent(std::span<const std::string> x, std::span<const std::string> y,
                                      std::span<const std::string> given) const {
  std::vector<std::string> names;
  names.reserve(size());
  for (const auto& v : variables()) names.push_back(v.name);
  const IndependenceQuery q = resolve_independence_query(names, x, y, given);
  IndependenceResult out;
  StructuralIndependence s;
  if (const auto* bn = bayesian_network()) {
    s = d_separation(bn->graph(), q.x, q.y, q.z);
    out.method = "d-separation";
  } else if (const auto* lg = linear_gaussian_network()) {
    s = d_separation(lg->graph(), q.x, q.y, q.z);
    out.method = "d-separation";
  } else if (const auto* mn = markov_network()) {
    s = separation(mn->graph(), q.x, q.y, q.z);
    out.method = "separation";
  } else {
    out.method = "precision";
    out.independent =
        gaussian()->conditionally_independent(names_of(*this, q.x), names_of(*this, q.y), names_of(*this, q.z));
    return out;
  }
  out.independent = s.independent;
  if (!s.independent) out.trail = names_of(*this, s.trail);
  return out;
}

std::vector<std::string> Model::blanket(std::string_view name) const {
  const VariableId node = id(name);
  if (const auto* bn = bayesian_network()) return names_of(*this, markov_blanket(bn->graph(), node));
  if (const auto* lg = linear_gaussian_network()) return names_of(*this, markov_blanket(lg->graph(), node));
  if (const auto* mn = markov_network()) return names_of(*this, markov_blanket(mn->graph(), node));
  // A Gaussian: neighbours in its Gaussian graphical model (non-zero partial correlations).
  std::call_once(state_->precision_once, [&] {
    const Gaussian& g = *gaussian();
    const std::size_t n = g.size();
    std::vector<std::vector<bool>> zero(n, std::vector<bool>(n, false));
    for (const auto& [i, j] : g.precision_zeros()) zero[i][j] = zero[j][i] = true;
    UndirectedGraph graph(n);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = i + 1; j < n; ++j)
        if (!zero[i][j]) graph.add_edge(static_cast<VariableId>(i), static_cast<VariableId>(j));
    state_->precision_graph = std::move(graph);
  });
  return names_of(*this, markov_blanket(*state_->precision_graph, node));
}

// ---------------------------------------------------------------------------------------------
// Continuous models

Gaussian Model::condition(const Evidence& evidence, std::vector<std::string>* warnings) const {
  if (discrete()) needs_continuous(*this, "conditioning on values");
  const Evidence e = evidence.for_model(*this);
  if (e.size() == size()) throw QueryError("every variable is observed: nothing left to infer");
  return joint_gaussian().condition(e.values(), warnings);
}

double Model::mahalanobis(const ContinuousEvidence& point) const {
  if (discrete()) needs_continuous(*this, "a Mahalanobis distance");
  const Gaussian& g = joint_gaussian();
  const double d = g.mahalanobis(g.point(point));
  if (!std::isfinite(d))
    throw NumericalError("the point is so far from the mean that its Mahalanobis distance exceeds the largest "
                         "double (1.8e+308)");
  return d;
}

double Model::log_density(const ContinuousEvidence& point) const {
  if (discrete()) needs_continuous(*this, "a density");
  const Gaussian& g = joint_gaussian();
  const Eigen::VectorXd x = g.point(point);
  const double ld = g.log_density(x);
  if (!std::isfinite(ld)) {
    std::ostringstream os;
    os.precision(3);
    os << "the point is so far from the mean (Mahalanobis distance " << g.mahalanobis(x)
       << ") that its log-density is below the smallest double (-1.8e+308) and cannot be represented";
    throw NumericalError(os.str());
  }
  return ld;
}

Eigen::MatrixXd Model::sample(std::size_t n, std::uint64_t seed, const Evidence& evidence) const {
  if (discrete()) {
    if (markov_network()) {
      throw UnsupportedError("sampling a Markov network is not supported (it has no forward sampling order; "
                             "only Bayesian networks and Gaussian models can be sampled)");
    }
    needs_continuous(*this, "sampling real values (sample_states draws a Bayesian network's states)");
  }
  const Gaussian& joint = joint_gaussian();
  const Evidence e = evidence.for_model(*this);
  if (e.empty()) return joint.sample(n, seed);
  const Gaussian conditioned = joint.condition(e.values());
  const Eigen::MatrixXd draws = conditioned.sample(n, seed);
  // Columns in declaration order; observed variables repeat their value.
  Eigen::MatrixXd out(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(joint.size()));
  for (const auto& [name, value] : e.values()) out.col(static_cast<Eigen::Index>(joint.index(name))).setConstant(value);
  for (std::size_t k = 0; k < conditioned.size(); ++k)
    out.col(static_cast<Eigen::Index>(joint.index(conditioned.names()[k]))) = draws.col(static_cast<Eigen::Index>(k));
  return out;
}

namespace {
// Draws beyond this many are refused, so rejection sampling cannot run away (as `pgm sample`).
constexpr std::uint64_t kMaxDraws = 20'000'000;
// Rejection sampling gives up if none of this many draws matches the evidence.
constexpr std::uint64_t kZeroAcceptanceDraws = 1'000'000;

std::string three(double x) {
  std::ostringstream os;
  os.precision(3);
  os << x;
  return os.str();
}
}  // namespace

void Model::for_each_sample(std::size_t n, std::uint64_t seed, const Evidence& evidence,
                            const std::function<void(std::span<const std::size_t>)>& sink) const {
  if (markov_network())
    throw UnsupportedError("sampling a Markov network is not supported (it has no forward sampling order; "
                           "only Bayesian networks and Gaussian models can be sampled)");
  const BayesianNetwork* bn = bayesian_network();
  if (!bn) throw QueryError("forward sampling of states needs a discrete Bayesian network; sample() draws values of a " +
                            std::string(to_string(kind())) + " model");
  const Evidence e = evidence.for_model(*this);
  const ForwardSampler sampler(*bn);
  std::mt19937_64 rng(seed);
  std::uint64_t draws = 0;
  std::size_t accepted = 0;
  while (accepted < n) {
    if (draws == kMaxDraws || (accepted == 0 && draws == kZeroAcceptanceDraws)) {
      if (accepted == 0)
        throw QueryError("none of " + std::to_string(draws) + " forward samples matched the evidence " + e.text() +
                         "; its probability is zero or too small for rejection sampling");
      throw LimitError("rejection sampling accepted only " + std::to_string(accepted) + " of " +
                       std::to_string(draws) + " draws (acceptance " +
                       three(static_cast<double>(accepted) / static_cast<double>(draws)) + "); asking for " +
                       std::to_string(n) + " samples would need about " +
                       three(static_cast<double>(n) * static_cast<double>(draws) / static_cast<double>(accepted)) +
                       " draws");
    }
    ++draws;
    const std::vector<std::size_t> state = sampler.sample(rng);
    bool ok = true;
    for (const auto& [v, s] : e.hard())
      if (state[v] != s) ok = false;
    if (!ok) continue;
    ++accepted;
    sink(state);
  }
}

DiscreteSamples Model::sample_states(std::size_t n, std::uint64_t seed, const Evidence& evidence) const {
  DiscreteSamples out;
  out.cols = size();
  for_each_sample(n, seed, evidence, [&](std::span<const std::size_t> s) {
    for (std::size_t v : s) out.states.push_back(static_cast<std::uint32_t>(v));
    ++out.rows;
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// ---- [clidiscrete] Junction trees per evidence pattern

namespace {
// A cached tree over the limit is refused with the words the constructor would have used.
void check_tree_limit(const JunctionTree& tree, std::size_t limit) {
  if (tree.table_bytes() <= limit) return;
  std::ostringstream os;
  os.precision(3);
  os << "the junction tree needs " << static_cast<double>(tree.table_bytes()) / (1 << 20) << " MiB of tables (treewidth "
     << tree.treewidth() << ", " << static_cast<double>(tree.total_clique_size()) << " clique entries), over the limit of "
     << static_cast<double>(limit) / (1 << 20) << " MiB; raise the memory limit, or use variable elimination for single queries";
  throw LimitError(os.str());
}
}  // namespace

std::shared_ptr<const JunctionTree> Model::junction_tree_for(const Evidence& evidence,
                                                             const JunctionTreeOptions& options) const {
  if (!discrete()) needs_discrete(*this, "the junction tree");
  const Evidence e = evidence.for_model(*this);
  // The same bits on every use (a one-shot query calibrates its tree once).
  JunctionTreeOptions build = options;
  build.flat_on_reuse = false;
  std::vector<VariableId> pattern;
  pattern.reserve(e.size());
  for (const auto& [v, s] : e.hard()) pattern.push_back(v);  // sorted by id, unique
  // The returned pointer owns the tree and the model state it points into.
  const auto keep = [&](std::shared_ptr<const JunctionTree> tree) {
    auto owner = std::make_shared<std::pair<std::shared_ptr<const State>, std::shared_ptr<const JunctionTree>>>(
        state_, std::move(tree));
    return std::shared_ptr<const JunctionTree>(owner, owner->second.get());
  };
  {
    std::lock_guard lock(state_->pattern_mutex);
    for (auto& t : state_->pattern_trees)
      if (t.pattern == pattern) {
        check_tree_limit(*t.tree, options.max_memory_bytes);
        t.used = ++state_->pattern_clock;
        return keep(t.tree);
      }
  }
  // Built outside the lock so other patterns are not held up; two threads meeting the same new
  // pattern may both build it (the same tree: the build is deterministic), and one is kept.
  std::shared_ptr<const JunctionTree> tree;
  if (const auto* bn = bayesian_network()) tree = std::make_shared<const JunctionTree>(*bn, pattern, build);
  else tree = std::make_shared<const JunctionTree>(*markov_network(), pattern, build);
  std::lock_guard lock(state_->pattern_mutex);
  auto& trees = state_->pattern_trees;
  for (auto& t : trees)
    if (t.pattern == pattern) {
      t.used = ++state_->pattern_clock;
      return keep(t.tree);
    }
  // At most kPatternTrees, their tables together within kPatternTreeBytes and the memory limit of
  // this call (many trees of a large model would be a leak).
  const std::size_t cap = std::min(kPatternTreeBytes, options.max_memory_bytes);
  std::size_t bytes = tree->table_bytes();
  for (const auto& t : trees) bytes += t.tree->table_bytes();
  while (!trees.empty() && (trees.size() >= kPatternTrees || bytes > cap)) {
    const auto lru = std::min_element(trees.begin(), trees.end(), [](const auto& a, const auto& b) { return a.used < b.used; });
    bytes -= lru->tree->table_bytes();
    trees.erase(lru);
  }
  trees.push_back({std::move(pattern), tree, ++state_->pattern_clock});
  return keep(std::move(tree));
}
// ---- [clidiscrete] end

}  // namespace pgm::query
