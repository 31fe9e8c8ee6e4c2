// The engines behind pgm::query and their registry: variable elimination ("ve"), the junction tree
// ("jt"), closed-form Gaussian conditioning ("gaussian"), and "auto", which picks per query.
// A new engine is one class here (or anywhere, through register_engine) and one registry entry.
#include <pgm/core/error.hpp>
#include <pgm/inference/gibbs_sampling.hpp>
#include <pgm/inference/junction_tree.hpp>
#include <pgm/inference/likelihood_weighting.hpp>
#include <pgm/inference/loopy_belief_propagation.hpp>
#include <pgm/inference/variable_elimination.hpp>
#include <pgm/query/engine.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <optional>
#include <span>

namespace pgm::query {

Engine::~Engine() = default;

std::vector<VariableId> target_ids(const Model& model, std::span<const std::string> targets) {
  std::vector<VariableId> out;
  out.reserve(targets.size());
  for (const auto& name : targets) {
    const VariableId id = model.id(name);
    if (std::find(out.begin(), out.end(), id) != out.end())
      throw QueryError("variable '" + name + "' is listed twice as a target");
    out.push_back(id);
  }
  return out;
}

namespace {

// Every engine's options carry the same memory limit.
template <class Options>
void set_memory_limit(Options& options, std::size_t bytes) {
  options.max_memory_bytes = bytes;
}

// "model 'asia'" or "the model".
std::string model_text(const Model& m) { return m.name().empty() ? std::string("the model") : "model '" + m.name() + "'"; }

// Runs f, restating ZeroProbabilityEvidence with the evidence and the model named (the wording
// of the command line).
template <class F>
auto explain_zero(const Model& m, const Evidence& e, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const ZeroProbabilityEvidence&) {
    if (e.empty() && !e.has_soft())
      throw ZeroProbabilityEvidence("every configuration of " + model_text(m) +
                                    " has weight zero (its partition function is 0), so no distribution exists");
    throw ZeroProbabilityEvidence("the evidence " + e.text() + " has probability zero under " + model_text(m) +
                                  ", so no posterior exists");
  }
}

// Every variable when none is named (marginals only).
std::vector<VariableId> discrete_targets(const Model& m, const Query& q) {
  if (q.targets.empty()) {
    if (q.shape != Query::Shape::marginals) throw QueryError("a query needs at least one target variable");
    std::vector<VariableId> all(m.size());
    for (VariableId v = 0; v < all.size(); ++v) all[v] = v;
    return all;
  }
  return target_ids(m, q.targets);
}

void name_targets(const Model& m, std::span<const VariableId> ids, Result& r) {
  for (VariableId v : ids) {
    r.variables.push_back(m.variables()[v].name);
    r.states.push_back(m.variables()[v].states);
  }
}

// Variable elimination: every shape; marginals one target at a time.
class VariableEliminationEngine final : public Engine {
 public:
  VariableEliminationEngine(Model model, const EngineOptions& options) : model_(std::move(model)) {
    VariableEliminationOptions ve;
    set_memory_limit(ve, options.max_memory_bytes);
    if (const auto* bn = model_.bayesian_network()) ve_.emplace(*bn, ve);
    else ve_.emplace(*model_.markov_network(), ve);
  }

  [[nodiscard]] std::string_view name() const override { return "ve"; }

  [[nodiscard]] Result answer(const Query& query) const override {
    const Evidence e = query.evidence.for_model(model_);
    Result r;
    r.shape = query.shape;
    r.method = "ve";
    const std::vector<VariableId> ids = discrete_targets(model_, query);
    switch (query.shape) {
      case Query::Shape::marginals:
        name_targets(model_, ids, r);
        for (VariableId t : ids) {
          const VariableId one[] = {t};
          r.marginals.push_back(joint(one, e, r));
        }
        break;
      case Query::Shape::joint:
        name_targets(model_, ids, r);
        r.joint = joint(ids, e, r);
        for (VariableId t : ids) r.joint_shape.push_back(model_.variables()[t].states.size());
        break;
      case Query::Shape::conditional:
        conditional(ids, query.given_variable, e, r);
        break;
    }
    return r;
  }

 private:
  // P(targets | e) row-major in the order of `targets` (first slowest); sets P(e) on r.
  std::vector<double> joint(std::span<const VariableId> targets, const Evidence& e, Result& r) const {
    const Posterior p = explain_zero(model_, e, [&] { return ve_->joint(targets, e.hard(), e.soft_factors()); });
    r.probability_of_evidence = p.probability_of_evidence;
    r.log_probability_of_evidence = p.log_probability_of_evidence;
    return p.distribution.values_in_order(targets);
  }

  // P(Y, X | e) with Y slowest: row y is P(y, X | e), whose sum is P(y | e); then
  // P(X | y, e) = P(X, y | e) / P(y | e), undefined where P(y | e) = 0.
  void conditional(const std::vector<VariableId>& ids, const std::string& given, const Evidence& e, Result& r) const {
    if (given.empty()) throw QueryError("a conditional table needs the variable to condition on");
    const VariableId y = model_.id(given);
    if (ids.size() != 1)
      throw QueryError("a conditional table takes exactly one target variable, got " + std::to_string(ids.size()));
    const VariableId x = ids[0];
    if (x == y) throw QueryError("the conditioning variable '" + given + "' is the target itself");
    name_targets(model_, ids, r);
    r.given_variable = given;
    r.given_states = model_.variables()[y].states;
    const VariableId yx[] = {y, x};
    const std::vector<double> table = joint(yx, e, r);
    const std::size_t nx = model_.variables()[x].states.size();
    for (std::size_t j = 0; j < r.given_states.size(); ++j) {
      const std::span<const double> row(table.data() + j * nx, nx);
      double sum = 0;
      for (double p : row) sum += p;
      r.given_probabilities.push_back(sum);
      if (sum > 0) {
        std::vector<double> c(row.begin(), row.end());
        for (double& p : c) p /= sum;
        r.conditional.emplace_back(std::move(c));
      } else {
        r.conditional.emplace_back(std::nullopt);
      }
    }
  }

  Model model_;
  std::optional<VariableElimination> ve_;
};

// The junction tree: every marginal from one calibration of the tree for the evidence's observed
// variables (the model with them reduced away; the model's own tree without evidence), built once
// per pattern and cached on the Model, so a one-shot query pays for the smaller tree only and a
// repeated pattern pays nothing. Joints and conditional tables (which need not sit in one clique)
// are answered by variable elimination, and the result says so ("ve").
class JunctionTreeEngine final : public Engine {
 public:
  JunctionTreeEngine(Model model, const EngineOptions& options) : model_(std::move(model)), options_(options) {}

  [[nodiscard]] std::string_view name() const override { return "jt"; }

  [[nodiscard]] Result answer(const Query& query) const override {
    if (query.shape != Query::Shape::marginals) return VariableEliminationEngine(model_, options_).answer(query);
    const Evidence e = query.evidence.for_model(model_);
    const std::vector<VariableId> ids = discrete_targets(model_, query);
    std::shared_ptr<const JunctionTree> tree;
    try {
      JunctionTreeOptions jt;
      set_memory_limit(jt, options_.max_memory_bytes);
      tree = model_.junction_tree_for(e, jt);
    } catch (const StructureLimitError&) {
      throw;
    } catch (const LimitError& error) {
      throw StructureLimitError(error.what());
    }
    const CalibratedJunctionTree c = explain_zero(model_, e, [&] { return tree->calibrate(e.hard(), e.soft_factors()); });
    Result r;
    r.method = "jt";
    name_targets(model_, ids, r);
    r.probability_of_evidence = c.probability_of_evidence();
    r.log_probability_of_evidence = c.log_probability_of_evidence();
    for (VariableId t : ids) {
      const Factor f = c.marginal(t);
      r.marginals.emplace_back(f.values().begin(), f.values().end());
    }
    return r;
  }

 private:
  Model model_;
  EngineOptions options_;
};

// Gaussian and linear-Gaussian models in closed form (Schur complements by Cholesky solves).
class GaussianEngine final : public Engine {
 public:
  GaussianEngine(Model model, const EngineOptions&) : model_(std::move(model)) {}

  [[nodiscard]] std::string_view name() const override { return "gaussian"; }

  [[nodiscard]] Result answer(const Query& query) const override {
    if (query.shape == Query::Shape::conditional)
      throw QueryError("a conditional table needs a discrete model; a Gaussian query already gives the joint");
    const Evidence e = query.evidence.for_model(model_);
    std::vector<std::string> targets = query.targets;
    if (targets.empty()) {
      if (query.shape != Query::Shape::marginals) throw QueryError("a query needs at least one target variable");
      for (const auto& v : model_.variables())
        if (std::find(e.names().begin(), e.names().end(), v.name) == e.names().end()) targets.push_back(v.name);
      if (targets.empty()) throw QueryError("every variable is observed: nothing left to infer");
    }
    (void)target_ids(model_, targets);  // unknown names listed, repeats refused, as for discrete models
    Result r;
    r.shape = query.shape;
    r.method = "gaussian";
    // Conditioned in the order the evidence was given, as `pgm query` does: same bits everywhere.
    const Gaussian post = model_.posterior(targets, e, &r.warnings);
    r.variables = post.names();
    r.states.assign(r.variables.size(), {});
    r.mean = post.mean();
    r.covariance = post.covariance();
    r.log_probability_of_evidence = model_.log_probability_of_evidence(e);
    r.probability_of_evidence = std::exp(r.log_probability_of_evidence);
    return r;
  }

 private:
  Model model_;
};

// Loopy belief propagation (issue 11): approximate marginals of every target from one run on the
// factor graph reduced by the evidence; P(e) is the Bethe estimate. Marginals only.
class LoopyBeliefPropagationEngine final : public Engine {
 public:
  LoopyBeliefPropagationEngine(Model model, const EngineOptions& options) : model_(std::move(model)) {
    if (const auto* bn = model_.bayesian_network()) lbp_.emplace(*bn, options.lbp);
    else lbp_.emplace(*model_.markov_network(), options.lbp);
  }

  [[nodiscard]] std::string_view name() const override { return "lbp"; }

  [[nodiscard]] Result answer(const Query& query) const override {
    if (query.shape != Query::Shape::marginals)
      throw QueryError("method 'lbp' gives single-variable marginals only; use 've' or 'jt' for a joint or a "
                       "conditional table");
    const Evidence e = query.evidence.for_model(model_);
    const std::vector<VariableId> ids = discrete_targets(model_, query);
    const LoopyBeliefPropagationResult run = explain_zero(model_, e, [&] { return lbp_->run(e.hard(), e.soft_factors()); });
    Result r;
    r.method = "lbp";
    name_targets(model_, ids, r);
    for (VariableId t : ids) r.marginals.push_back(run.marginals[t]);
    r.log_probability_of_evidence = run.log_probability_of_evidence;
    r.probability_of_evidence = std::exp(run.log_probability_of_evidence);
    r.approximate = ApproximateInfo{run.iterations, run.converged, run.max_change};
    return r;
  }

 private:
  Model model_;
  std::optional<LoopyBeliefPropagation> lbp_;
};

// ---- issue 11: the samplers. Likelihood weighting ("lw", Bayesian networks) and Gibbs sampling
// ("gibbs"): estimated marginals of every target from one run, with standard errors. Marginals only.
template <class Sampler>
Result sampled_answer(const Model& model, const Sampler& sampler, std::string_view method, const Query& query) {
  if (query.shape != Query::Shape::marginals)
    throw QueryError("method '" + std::string(method) +
                     "' gives single-variable marginals only; use 've' or 'jt' for a joint or a conditional table");
  const Evidence e = query.evidence.for_model(model);
  const std::vector<VariableId> ids = discrete_targets(model, query);
  const SamplingResult run = explain_zero(model, e, [&] {
    try {
      return sampler.run(e.hard());
    } catch (const NoConsistentSample& error) {
      throw NoConsistentSample(std::string(error.what()) + " (" + (e.empty() ? "no evidence" : "evidence " + e.text()) +
                               ", " + model_text(model) + ")");
    }
  });
  Result r;
  r.method = std::string(method);
  name_targets(model, ids, r);
  SamplingInfo info;
  info.samples = run.samples;
  info.burn_in = run.burn_in;
  info.seed = sampler.options().seed;
  for (VariableId t : ids) {
    r.marginals.push_back(run.marginals[t]);
    info.standard_errors.push_back(run.standard_errors[t]);
  }
  info.effective_sample_size = run.effective_sample_size;
  if (run.log_probability_of_evidence) {
    info.probability_of_evidence_estimated = true;
    info.probability_of_evidence_standard_error = run.probability_of_evidence_standard_error;
    r.log_probability_of_evidence = *run.log_probability_of_evidence;
    r.probability_of_evidence = std::exp(r.log_probability_of_evidence);
  } else {
    r.probability_of_evidence = r.log_probability_of_evidence = std::numeric_limits<double>::quiet_NaN();
  }
  r.warnings = run.warnings;
  r.sampling = std::move(info);
  return r;
}

class LikelihoodWeightingEngine final : public Engine {
 public:
  LikelihoodWeightingEngine(Model model, const EngineOptions& options)
      : model_(std::move(model)), lw_(*model_.bayesian_network(), options.sampling) {}

  [[nodiscard]] std::string_view name() const override { return "lw"; }

  [[nodiscard]] Result answer(const Query& query) const override { return sampled_answer(model_, lw_, "lw", query); }

 private:
  Model model_;
  LikelihoodWeighting lw_;
};

class GibbsEngine final : public Engine {
 public:
  GibbsEngine(Model model, const EngineOptions& options) : model_(std::move(model)) {
    if (const auto* bn = model_.bayesian_network()) gibbs_.emplace(*bn, options.sampling);
    else gibbs_.emplace(*model_.markov_network(), options.sampling);
  }

  [[nodiscard]] std::string_view name() const override { return "gibbs"; }

  [[nodiscard]] Result answer(const Query& query) const override {
    return sampled_answer(model_, *gibbs_, "gibbs", query);
  }

 private:
  Model model_;
  std::optional<GibbsSampler> gibbs_;
};

// Per query: discrete marginals of several targets by the junction tree (falling back to variable
// elimination when the tree is over the memory limit), everything else discrete by variable
// elimination, continuous models in closed form.
class AutoEngine final : public Engine {
 public:
  AutoEngine(Model model, const EngineOptions& options) : model_(std::move(model)), options_(options) {}

  [[nodiscard]] std::string_view name() const override { return "auto"; }

  [[nodiscard]] Result answer(const Query& query) const override {
    if (!model_.discrete()) return GaussianEngine(model_, options_).answer(query);
    const bool many = query.targets.empty() || query.targets.size() > 1;
    if (query.shape == Query::Shape::marginals && many) {
      try {
        return JunctionTreeEngine(model_, options_).answer(query);
      } catch (const StructureLimitError&) {
        // The tree is too large; variable elimination may still fit one target at a time.
      }
    }
    return VariableEliminationEngine(model_, options_).answer(query);
  }

 private:
  Model model_;
  EngineOptions options_;
};

// An engine that does not use soft evidence, refusing queries that carry it (the one check).
class RefusesSoftEvidence final : public Engine {
 public:
  RefusesSoftEvidence(std::unique_ptr<Engine> engine, std::string name, std::string takers)
      : engine_(std::move(engine)), name_(std::move(name)), takers_(std::move(takers)) {}
  [[nodiscard]] std::string_view name() const override { return engine_->name(); }
  [[nodiscard]] Result answer(const Query& query) const override {
    if (query.evidence.has_soft())
      throw QueryError("method '" + name_ +
                       "' does not take soft evidence; the methods that do are: " + takers_);
    return engine_->answer(query);
  }

 private:
  std::unique_ptr<Engine> engine_;
  std::string name_;  // as registered
  std::string takers_;
};

template <class E>
std::function<std::unique_ptr<Engine>(const Model&, const EngineOptions&)> factory() {
  return [](const Model& m, const EngineOptions& o) -> std::unique_ptr<Engine> { return std::make_unique<E>(m, o); };
}

// The registry: the one place engines are listed.
struct Registry {
  std::mutex mutex;
  std::vector<EngineInfo> engines{
      {"ve", "variable elimination with barren-node and Bayes-ball pruning; every query shape",
       {ModelKind::bayesian_network, ModelKind::markov_network}, factory<VariableEliminationEngine>(), true},
      {"jt", "junction tree for the evidence's observed variables: every marginal from one calibration (joints and "
             "conditionals by ve)",
       {ModelKind::bayesian_network, ModelKind::markov_network}, factory<JunctionTreeEngine>(), true},
      {"gaussian", "closed-form Gaussian conditioning and marginalisation",
       {ModelKind::gaussian, ModelKind::linear_gaussian}, factory<GaussianEngine>()},
      {"lbp", "loopy belief propagation on the factor graph: approximate marginals (exact on trees), with an "
              "iteration cap, tolerance and damping",
       {ModelKind::bayesian_network, ModelKind::markov_network}, factory<LoopyBeliefPropagationEngine>(), true},
      {"lw", "likelihood weighting: sampled marginals with standard errors and an unbiased P(e) estimate (Bayesian "
             "networks)",
       {ModelKind::bayesian_network}, factory<LikelihoodWeightingEngine>()},
      {"gibbs", "Gibbs sampling: sampled marginals with batch-means standard errors (zeros in tables can trap the "
                "chain: warned)",
       {ModelKind::bayesian_network, ModelKind::markov_network}, factory<GibbsEngine>()},
  };
};

Registry& registry() {
  static Registry r;
  return r;
}

std::string kinds_text(const std::vector<ModelKind>& kinds) {
  std::string out;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == kinds.size() ? " and " : ", ");
    out += to_string(kinds[i]);
  }
  return out;
}

}  // namespace

std::unique_ptr<Engine> make_engine(const Model& model, std::string_view method, EngineOptions options) {
  if (method == "auto") return std::make_unique<AutoEngine>(model, options);
  EngineInfo found;
  std::vector<std::string> takers{"auto"};  // the engines that take soft evidence
  {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    const auto it = std::find_if(r.engines.begin(), r.engines.end(), [&](const EngineInfo& e) { return e.name == method; });
    if (it == r.engines.end()) {
      std::vector<std::string> names{"auto"};
      for (const auto& e : r.engines) names.push_back(e.name);
      throw QueryError("unknown inference method '" + std::string(method) + "'; the known methods are: " +
                       join_names(names));
    }
    found = *it;
    for (const auto& e : r.engines)
      if (e.soft_evidence) takers.push_back(e.name);
  }
  if (std::find(found.kinds.begin(), found.kinds.end(), model.kind()) == found.kinds.end())
    throw QueryError("method '" + found.name + "' answers " + kinds_text(found.kinds) + " models, not a " +
                     std::string(to_string(model.kind())) + " model; use 'auto'");
  std::unique_ptr<Engine> engine = found.make(model, options);
  if (!found.soft_evidence) return std::make_unique<RefusesSoftEvidence>(std::move(engine), found.name, join_names(takers));
  return engine;
}

std::vector<EngineInfo> engines() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  return r.engines;
}

std::vector<std::string> engine_names() {
  std::vector<std::string> out;
  for (const auto& e : engines()) out.push_back(e.name);
  return out;
}

void register_engine(EngineInfo info) {
  if (info.name.empty() || info.name == "auto") throw QueryError("an engine needs a name other than 'auto'");
  if (!info.make) throw QueryError("engine '" + info.name + "' has no factory");
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  if (std::any_of(r.engines.begin(), r.engines.end(), [&](const EngineInfo& e) { return e.name == info.name; }))
    throw QueryError("an engine named '" + info.name + "' is already registered");
  r.engines.push_back(std::move(info));
}

}  // namespace pgm::query
