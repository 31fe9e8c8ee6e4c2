// Model::mpe and Model::map: most probable explanations behind the query API.
//
// MPE: max-product elimination with traceback under the documented tie rule
// (detail/lexicographic_max.hpp: one pass when the optimum is unique; otherwise one
// max-calibration of the bucket tree, and only the tied variables whose current optimum is above
// their calibrated lower bound cost a collect of the tree towards them).
//
// MAP: a constrained elimination order (EliminationOrder::find_staged): the unobserved
// non-targets are summed out first, then the targets are maximised by the same lexicographic
// max-product, so no table over all the targets is ever formed; refused (LimitError) when the
// largest table of that order is over the memory limit. Bayesian networks drop the barren CPTs
// (given targets and evidence) first.
#include <pgm/core/error.hpp>
#include <pgm/core/size.hpp>
#include <pgm/inference/detail/elimination.hpp>
#include <pgm/inference/detail/lexicographic_max.hpp>
#include <pgm/query/engine.hpp>
#include <pgm/query/model.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <sstream>
#include <string>
#include <vector>

namespace pgm::query {
namespace {

constexpr double kMinusInf = -std::numeric_limits<double>::infinity();

std::string model_text(const Model& m) { return m.name().empty() ? std::string("the model") : "model '" + m.name() + "'"; }

[[noreturn]] void zero_evidence(const Model& m, const Evidence& e) {
  if (e.empty() && !e.has_soft())
    throw ZeroProbabilityEvidence("every configuration of " + model_text(m) +
                                  " has weight zero (its partition function is 0), so no explanation exists");
  throw ZeroProbabilityEvidence("the evidence " + e.text() + " has probability zero under " + model_text(m) +
                                ", so no explanation exists");
}

void require_discrete(const Model& m, const char* what) {
  if (!m.discrete())
    throw QueryError(std::string(what) + " needs a discrete model (Bayesian or Markov network); this is a " +
                     std::string(to_string(m.kind())) + " model");
}

const std::vector<Factor>& factors_of(const Model& m) {
  if (const auto* bn = m.bayesian_network()) return bn->cpts();
  return m.markov_network()->factors();
}

// The model's factors and, with soft evidence, its likelihoods as unary factors after them: what
// max-product maximises is then P(x, e_hard) Π λ(x).
std::vector<Factor> factors_with_soft(const Model& m, const Evidence& e) {
  std::vector<Factor> out = factors_of(m);
  out.insert(out.end(), e.soft_factors().begin(), e.soft_factors().end());
  return out;
}

std::string bytes_text(double bytes) {
  std::ostringstream os;
  os.precision(3);
  os << bytes / (1 << 20) << " MiB";
  return os.str();
}

// An elimination order for the pool keeping `keep`, refused when its largest table is over the limit.
EliminationOrder checked_order(const VariableSet& vars, const detail::Pool& pool, std::span<const VariableId> keep,
                               std::size_t max_memory_bytes) {
  const EliminationOrder order =
      detail::pool_order(pool, vars.cardinalities(), keep, EliminationHeuristic::automatic);
  const double bytes = order.max_clique_size() * static_cast<double>(sizeof(double));
  if (bytes > static_cast<double>(max_memory_bytes))
    throw LimitError("the most probable explanation needs a table of " + bytes_text(bytes) +
                     " (induced width " + std::to_string(order.induced_width()) + "), over the memory limit of " +
                     bytes_text(static_cast<double>(max_memory_bytes)));
  return order;
}

// Bytes given as their log2, in MiB or GiB (or as a power of two when beyond any machine).
std::string log2_bytes_text(double log2_bytes) {
  std::ostringstream os;
  os.precision(3);
  if (log2_bytes < 30) os << std::exp2(log2_bytes - 20) << " MiB";
  else if (log2_bytes < 70) os << std::exp2(log2_bytes - 30) << " GiB";
  else os << "2^" << std::llround(log2_bytes) << " bytes";
  return os.str();
}

// MAP's constrained order refused when its largest table (an elimination clique) is over the limit.
// Sizes in log2, so the figure is right even when the product overflows.
void check_map_order(const VariableSet& vars, const EliminationOrder& order, std::size_t max_memory_bytes) {
  double worst = 0;
  const std::vector<VariableId>* widest = nullptr;
  for (const auto& c : order.cliques()) {
    double l = 0;
    for (VariableId v : c) l += std::log2(static_cast<double>(vars[v].cardinality()));
    if (l > worst) {
      worst = l;
      widest = &c;
    }
  }
  const double limit = static_cast<double>(max_memory_bytes);
  if (widest == nullptr || worst + 3 <= std::log2(limit)) return;  // 8-byte entries
  std::vector<std::size_t> cards;
  for (VariableId v : *widest) cards.push_back(vars[v].cardinality());
  throw LimitError("MAP needs a table of " + describe_table_size(cards) + " entries (" + log2_bytes_text(worst + 3) +
                   ") for an elimination clique (" + std::to_string(widest->size()) +
                   " variables; the other variables are summed out before the targets are maximised), over the "
                   "memory limit of " +
                   log2_bytes_text(std::log2(limit)));
}

// ln of the product of the factors at a full assignment (−inf when one of them is zero).
double log_weight(const std::vector<Factor>& factors, const std::vector<std::size_t>& x) {
  double l = 0.0;
  for (const Factor& f : factors) {
    std::size_t index = 0;
    for (std::size_t d = 0; d < f.arity(); ++d) index += x[f.variables()[d]] * f.strides()[d];
    const double value = f.values()[index];
    if (!(value > 0.0)) return kMinusInf;
    l += std::log(value);
  }
  return l;
}

}  // namespace

Explanation Model::mpe(const Evidence& evidence_in, const EngineOptions& options) const {
  require_discrete(*this, "a most probable explanation");
  const Evidence evidence = evidence_in.for_model(*this);
  const VariableSet& vars = variable_set();
  // Soft evidence: its likelihoods join the factors (a copy of the tables' handles only then).
  const std::vector<Factor> with_soft = evidence.has_soft() ? factors_with_soft(*this, evidence) : std::vector<Factor>{};
  const std::vector<Factor>& factors = evidence.has_soft() ? with_soft : factors_of(*this);
  detail::Pool pool = detail::reduced_pool(factors, everything(vars, factors), evidence.hard());
  const EliminationOrder order = checked_order(vars, pool, {}, options.max_memory_bytes);
  std::vector<std::size_t> x(vars.size(), 0);  // a variable in no factor: every state is optimal, take 0
  for (const auto& [v, s] : evidence.hard()) x[v] = s;
  const detail::LexicographicMax best =
      detail::lexicographic_max(std::move(pool), order.order(), vars.size(), kTieTolerance, x);
  if (best.log_value == kMinusInf) zero_evidence(*this, evidence);

  Explanation out;
  out.assignment.reserve(vars.size());
  for (VariableId v = 0; v < vars.size(); ++v) out.assignment.emplace_back(vars[v].name, vars[v].states[x[v]]);
  // The assignment's own weight, read off the tables (not the elimination's rounding).
  double l = log_weight(factors, x);
  if (markov_network() != nullptr) l -= log_probability_of_evidence(Evidence{}, "ve");
  out.log_probability = l;
  out.probability = std::exp(l);
  out.evidence = evidence.as_given();
  return out;
}

Explanation Model::map(std::vector<std::string> targets, const Evidence& evidence_in,
                       const EngineOptions& options) const {
  require_discrete(*this, "a maximum a posteriori assignment");
  if (targets.empty()) throw QueryError("a MAP query needs at least one target variable");
  const std::vector<VariableId> ids = target_ids(*this, targets);  // unknown or repeated: QueryError
  const Evidence evidence = evidence_in.for_model(*this);
  const VariableSet& vars = variable_set();
  const std::size_t n = vars.size();
  const std::vector<Factor>& factors = factors_of(*this);
  const ::pgm::Evidence& hard = evidence.hard();
  const bool markov = markov_network() != nullptr;

  std::vector<std::size_t> x(n, 0);  // a target in no factor: every state is optimal, take 0
  std::vector<bool> observed(n, false), is_target(n, false);
  for (const auto& [v, s] : hard) {
    observed[v] = true;
    x[v] = s;
  }
  std::vector<VariableId> free_targets;
  for (VariableId t : ids) {
    is_target[t] = true;
    if (!observed[t]) free_targets.push_back(t);
  }
  // A Bayesian network's CPTs that are barren given the targets and the evidence sum to one. A
  // soft-evidence variable has an observed (auxiliary) child: it counts as observed here.
  std::vector<VariableId> pruning_observed = observed_ids(hard);
  for (const auto& [v, likelihood] : evidence.soft()) pruning_observed.push_back(v);
  const Relevance relevant = markov ? everything(vars, factors)
                                    : relevance(*bayesian_network(), free_targets, pruning_observed,
                                                RelevanceRule::barren);
  detail::Pool pool = detail::reduced_pool(factors, relevant, hard);
  for (const Factor& f : evidence.soft_factors()) {  // soft evidence: one more (unary) factor each
    Factor r = reduce(f, hard);
    if (detail::settle(r, pool.log_scale)) pool.factors.push_back(std::move(r));
  }

  // Stages: the unobserved non-targets, then the targets. A Markov network's unobserved variable in
  // no factor multiplies every sum over it by its number of states.
  std::vector<bool> in_scope(n, false);
  std::vector<std::vector<VariableId>> scopes;
  scopes.reserve(pool.factors.size());
  for (const Factor& f : pool.factors) {
    scopes.push_back(f.variables());
    for (VariableId v : f.variables()) in_scope[v] = true;
  }
  std::vector<VariableId> stages[2];
  double log_free_others = 0.0, log_free_targets = 0.0;
  for (VariableId v = 0; v < n; ++v) {
    if (observed[v]) continue;
    if (in_scope[v]) stages[is_target[v] ? 1 : 0].push_back(v);
    else if (markov) (is_target[v] ? log_free_targets : log_free_others) += std::log(static_cast<double>(vars[v].cardinality()));
  }
  const EliminationOrder order = EliminationOrder::find_staged(scopes, vars.cardinalities(), stages);
  check_map_order(vars, order, options.max_memory_bytes);
  const std::span<const VariableId> all = order.order();
  detail::eliminate_in_place<detail::SumProduct>(pool, all.first(stages[0].size()), n);
  const std::span<const VariableId> maximised = all.subspan(stages[0].size());

  // ln of P(e) in the same units (ln Z(e) for a Markov network): the targets summed out of a copy.
  // A Bayesian network without evidence has P(e) = 1 by definition.
  const bool certain = !markov && hard.empty() && !evidence.has_soft();
  double log_sum = 0.0;
  if (!certain) {
    detail::Pool rest = pool;
    detail::eliminate_in_place<detail::SumProduct>(rest, maximised, n);
    const Factor total = detail::scaled_product(rest.factors, rest.log_scale);
    const double t = total.max();
    log_sum = t > 0.0 ? std::log(t) + rest.log_scale + log_free_others + log_free_targets : kMinusInf;
  }
  const detail::LexicographicMax best =
      detail::lexicographic_max(std::move(pool), maximised, n, kTieTolerance, x);
  if (best.log_value == kMinusInf || log_sum == kMinusInf) zero_evidence(*this, evidence);
  const double log_value = best.log_value + log_free_others;  // ln P(x, e); times Z for a Markov network

  Explanation out;
  for (std::size_t i = 0; i < ids.size(); ++i) out.assignment.emplace_back(vars[ids[i]].name, vars[ids[i]].states[x[ids[i]]]);
  out.posterior_probability = std::exp(log_value - log_sum);
  out.log_probability = markov ? log_value - log_probability_of_evidence(Evidence{}, "ve") : log_value;
  out.probability = std::exp(out.log_probability);
  out.evidence = evidence.as_given();
  return out;
}

}  // namespace pgm::query
