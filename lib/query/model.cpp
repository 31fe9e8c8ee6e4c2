// pgm::query::Model: one immutable shared state per loaded model, with lazily built caches.
#include <pgm/core/error.hpp>
#include <pgm/independence/ci_check.hpp>
#include <pgm/independence/d_separation.hpp>
#include <pgm/independence/markov_blanket.hpp>
#include <pgm/independence/separation.hpp>
#include <pgm/inference/forward_sampling.hpp>
#include <pgm/inference/variable_elimination.hpp>
#include <pgm/io/bif.hpp>
#include <pgm/io/dot.hpp>
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
#include <type_traits>
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
const ::pgm::ModelVariant& Model::variant() const noexcept { return state_->model; }

namespace {

const char* format_name(io::Format f) {
  switch (f) {
    case io::Format::yaml: return "YAML";
    case io::Format::bif: return "BIF";
    case io::Format::xmlbif: return "XMLBIF";
    case io::Format::uai: return "UAI";
    case io::Format::dot: return "Graphviz DOT";
    case io::Format::automatic: break;
  }
  return "automatic";
}

}  // namespace

std::string Model::dumps(io::Format to) const {
  return std::visit(
      [to](const auto& m) -> std::string {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, BayesianNetwork>) {
          switch (to) {
            case io::Format::yaml: return io::write_yaml(m);
            case io::Format::bif: return io::write_bif(m);
            case io::Format::xmlbif: return io::write_xmlbif(m);
            case io::Format::uai: return io::write_uai(m);
            case io::Format::dot: return io::write_dot(m);
            case io::Format::automatic: break;
          }
        } else if constexpr (std::is_same_v<M, MarkovNetwork>) {
          switch (to) {
            case io::Format::yaml: return io::write_yaml(m);
            case io::Format::uai: return io::write_uai(m);
            case io::Format::dot: return io::write_dot(m);
            case io::Format::bif:
            case io::Format::xmlbif:
              throw UnsupportedError(std::string(format_name(to)) +
                                     " holds Bayesian networks only and this model is a Markov network; write .uai, "
                                     ".yaml or .dot instead");
            case io::Format::automatic: break;
          }
        } else {
          if (to == io::Format::yaml)
            throw UnsupportedError("converting Gaussian models is not supported: pgm reads them from YAML but "
                                   "writes only discrete models");
          if (to != io::Format::automatic)
            throw UnsupportedError(std::string("converting Gaussian models is not supported (") + format_name(to) +
                                   " holds discrete models only)");
        }
        throw QueryError("writing a model needs its format: yaml, bif, xmlbif, uai or dot");
      },
      state_->model);
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
    if (const auto* bn = bayesian_network())
      return VariableElimination(*bn, options).log_probability_of_evidence(e.hard(), e.soft_factors());
    return VariableElimination(*markov_network(), options).log_probability_of_evidence(e.hard(), e.soft_factors());
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
    if (const auto* bn = bayesian_network())
      return VariableElimination(*bn, options).probability_of_evidence(e.hard(), e.soft_factors());
    return VariableElimination(*markov_network(), options).probability_of_evidence(e.hard(), e.soft_factors());
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

namespace {

IndependenceQuery resolve(const Model& m, std::span<const std::string> x, std::span<const std::string> y,
                          std::span<const std::string> given) {
  std::vector<std::string> names;
  names.reserve(m.size());
  for (const auto& v : m.variables()) names.push_back(v.name);
  return resolve_independence_query(names, x, y, given);
}

// The directed graph of a Bayesian or linear-Gaussian network; nullptr otherwise.
const Dag* dag_of(const Model& m) {
  if (const auto* bn = m.bayesian_network()) return &bn->graph();
  if (const auto* lg = m.linear_gaussian_network()) return &lg->graph();
  return nullptr;
}

}  // namespace

IndependenceResult Model::independent(std::span<const std::string> x, std::span<const std::string> y,
                                      std::span<const std::string> given, double tolerance) const {
  const IndependenceQuery q = resolve(*this, x, y, given);
  IndependenceResult out;
  out.x = names_of(*this, q.x);
  out.y = names_of(*this, q.y);
  out.given = names_of(*this, q.z);
  StructuralIndependence s;
  const Dag* dag = dag_of(*this);
  if (dag) {
    s = d_separation(*dag, q.x, q.y, q.z);
    out.method = "d-separation";
    out.directed = true;
  } else if (const auto* mn = markov_network()) {
    s = separation(mn->graph(), q.x, q.y, q.z);
    out.method = "separation";
  } else {
    out.method = "precision";
    out.independent = gaussian()->conditionally_independent(out.x, out.y, out.given, tolerance);
    return out;
  }
  out.independent = s.independent;
  if (!s.independent) {
    out.trail = names_of(*this, s.trail);
    if (dag)
      for (std::size_t i = 1; i < s.trail.size(); ++i) out.trail_forward.push_back(dag->has_edge(s.trail[i - 1], s.trail[i]));
  }
  return out;
}

NumericIndependenceResult Model::independent_in_numbers(std::span<const std::string> x, std::span<const std::string> y,
                                                        std::span<const std::string> given, double tolerance) const {
  const IndependenceQuery q = resolve(*this, x, y, given);
  NumericIndependenceResult out;
  out.tolerance = tolerance;
  if (discrete()) {
    const NumericIndependence r = bayesian_network() ? numeric_independence(*bayesian_network(), q.x, q.y, q.z, tolerance)
                                                     : numeric_independence(*markov_network(), q.x, q.y, q.z, tolerance);
    out.max_difference = r.max_difference;
    out.independent = r.independent;
    out.tolerance = r.tolerance;
    out.measure = "max |P(x,y|z) - P(x|z) P(y|z)|";
    for (const auto& [v, state] : r.worst) out.worst.emplace_back(variables()[v].name, variables()[v].states[state]);
    return out;
  }
  // All partial correlations between X and Y vanish exactly when the X-Y block of the precision
  // of the marginal over X ∪ Y ∪ Z is zero.
  std::vector<std::string> all = names_of(*this, q.x);
  for (const auto& part : {names_of(*this, q.y), names_of(*this, q.z)}) all.insert(all.end(), part.begin(), part.end());
  const Eigen::MatrixXd k = joint_gaussian().marginal(all).precision();
  double max_pc = 0.0;
  for (std::size_t i = 0; i < q.x.size(); ++i) {
    for (std::size_t j = q.x.size(); j < q.x.size() + q.y.size(); ++j) {
      const auto a = static_cast<Eigen::Index>(i), b = static_cast<Eigen::Index>(j);
      max_pc = std::max(max_pc, std::abs(k(a, b)) / std::sqrt(k(a, a) * k(b, b)));
    }
  }
  if (!std::isfinite(max_pc)) throw NumericalError("the partial correlations of the Gaussian are not finite");
  out.max_difference = max_pc;
  out.independent = max_pc <= tolerance;
  out.measure = "max |partial correlation|";
  return out;
}

namespace {

// The undirected graph whose neighbourhoods are the Markov blankets: a Markov network's own, a
// Gaussian's graphical model (non-zero partial correlations), built once.
const UndirectedGraph& undirected_graph(const Model& m, const Model::State& state) {
  if (const auto* mn = m.markov_network()) return mn->graph();
  std::call_once(state.precision_once, [&] {
    const Gaussian& g = *m.gaussian();
    const std::size_t n = g.size();
    std::vector<std::vector<bool>> zero(n, std::vector<bool>(n, false));
    for (const auto& [i, j] : g.precision_zeros()) zero[i][j] = zero[j][i] = true;
    UndirectedGraph graph(n);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = i + 1; j < n; ++j)
        if (!zero[i][j]) graph.add_edge(static_cast<VariableId>(i), static_cast<VariableId>(j));
    state.precision_graph = std::move(graph);
  });
  return *state.precision_graph;
}

}  // namespace

std::vector<std::string> Model::blanket(std::string_view name) const {
  const VariableId node = id(name);
  if (const Dag* dag = dag_of(*this)) return names_of(*this, markov_blanket(*dag, node));
  return names_of(*this, markov_blanket(undirected_graph(*this, *state_), node));
}

BlanketResult Model::blanket_parts(std::string_view name) const {
  BlanketResult out;
  out.blanket = blanket(name);
  const Dag* dag = dag_of(*this);
  if (!dag) return out;
  const VariableId node = id(name);
  out.directed = true;
  out.parents = names_of(*this, dag->parents(node));
  out.children = names_of(*this, dag->children(node));
  std::vector<VariableId> others;
  for (VariableId c : dag->children(node))
    for (VariableId p : dag->parents(c))
      if (p != node) others.push_back(p);
  std::sort(others.begin(), others.end());
  others.erase(std::unique(others.begin(), others.end()), others.end());
  out.co_parents = names_of(*this, others);
  return out;
}

LocalIndependencies Model::local_independencies() const {
  LocalIndependencies out;
  if (const Dag* dag = dag_of(*this)) {
    out.property = "each variable is independent of its non-descendants given its parents";
    for (const auto& li : ::pgm::local_independencies(*dag))
      out.statements.push_back({variables()[li.node].name, names_of(*this, li.non_descendants), names_of(*this, li.parents)});
  } else {
    out.property = gaussian() ? "each variable is independent of the others given those with a non-zero precision entry"
                              : "each variable is independent of the others given its neighbours";
    // Each node against everything but itself and its neighbours, given its neighbours.
    const UndirectedGraph& g = undirected_graph(*this, *state_);
    for (VariableId v = 0; v < g.num_nodes(); ++v) {
      const auto nb = g.neighbours(v);
      std::vector<VariableId> rest;
      for (VariableId u = 0; u < g.num_nodes(); ++u)
        if (u != v && !std::binary_search(nb.begin(), nb.end(), u)) rest.push_back(u);
      out.statements.push_back({variables()[v].name, names_of(*this, rest), names_of(*this, std::vector<VariableId>(nb.begin(), nb.end()))});
    }
  }
  // A variable with nothing outside its parents and descendants (or neighbours) states nothing.
  std::erase_if(out.statements, [](const LocalIndependenceStatement& st) { return st.independent_of.empty(); });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Continuous models

Gaussian Model::condition(const Evidence& evidence, std::vector<std::string>* warnings) const {
  if (discrete()) needs_continuous(*this, "conditioning on values");
  const Evidence e = evidence.for_model(*this);
  if (e.size() == size()) throw QueryError("every variable is observed: nothing left to infer");
  return joint_gaussian().condition(e.values_as_given(), warnings);
}

std::vector<std::string> Model::unobserved(std::span<const std::pair<std::string, std::string>> given) const {
  std::vector<std::string> out;
  for (const auto& v : variables())
    if (std::none_of(given.begin(), given.end(), [&](const auto& g) { return g.first == v.name; })) out.push_back(v.name);
  if (out.empty()) throw QueryError("every variable is observed: nothing left to infer");
  return out;
}

Gaussian Model::posterior(std::span<const std::string> targets, const Evidence& evidence,
                          std::vector<std::string>* warnings) const {
  if (discrete()) needs_continuous(*this, "a Gaussian posterior");
  const Evidence e = evidence.for_model(*this);
  return joint_gaussian().posterior(targets, e.values_as_given(), warnings);
}

Gaussian Model::posterior(std::span<const std::string> targets, const ContinuousEvidence& values,
                          std::vector<std::string>* warnings) const {
  if (discrete()) needs_continuous(*this, "a Gaussian posterior");
  return joint_gaussian().posterior(targets, values, warnings);
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

namespace {

// "1.23e+599": a positive number given by its base-10 logarithm, for values beyond double range.
std::string power_of_ten(double log10_value) {
  const double exponent = std::floor(log10_value);
  std::ostringstream os;
  os.precision(3);
  os << std::pow(10.0, log10_value - exponent) << "e+";
  os.precision(15);
  os << exponent;
  return os.str();
}

}  // namespace

PointScore Model::score(const ContinuousEvidence& point) const {
  if (discrete()) needs_continuous(*this, "a log-density");
  const Gaussian& g = joint_gaussian();
  const Eigen::VectorXd x = g.point(point);
  PointScore out;
  out.mahalanobis = g.mahalanobis(x);
  if (!std::isfinite(out.mahalanobis))
    throw NumericalError("the point is so far from the mean that its Mahalanobis distance exceeds the largest "
                         "double (1.8e+308), so its log-density is below -1.8e+308 and cannot be represented");
  out.log_density = g.log_density(x);
  if (!std::isfinite(out.log_density)) {
    // -½ d² dominates: log10(½ d²) = 2 log10 d - log10 2.
    std::ostringstream os;
    os.precision(3);
    os << "the point is so far from the mean (Mahalanobis distance " << out.mahalanobis << ") that its log-density, about -"
       << power_of_ten(2 * std::log10(out.mahalanobis) - std::log10(2.0))
       << ", is below the smallest double (-1.8e+308) and cannot be represented";
    throw NumericalError(os.str());
  }
  return out;
}

Eigen::MatrixXd Model::sample(std::size_t n, std::uint64_t seed, const Evidence& evidence,
                              std::vector<std::string>* warnings) const {
  if (discrete()) {
    check_sampling();
    needs_continuous(*this, "sampling real values (sample_states draws a Bayesian network's states)");
  }
  const Gaussian& joint = joint_gaussian();
  const Evidence e = evidence.for_model(*this);
  if (e.empty()) return joint.sample(n, seed);
  const Gaussian conditioned = joint.condition(e.values_as_given(), warnings);
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

void Model::check_sampling() const {
  if (markov_network())
    throw UnsupportedError("sampling a Markov network is not supported (it has no forward sampling order; "
                           "only Bayesian networks and Gaussian models can be sampled)");
}

void Model::for_each_sample(std::size_t n, std::uint64_t seed, const Evidence& evidence,
                            const std::function<void(std::span<const std::size_t>)>& sink) const {
  check_sampling();
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
