#include <pgm/core/error.hpp>
#include <pgm/inference/detail/elimination.hpp>
#include <pgm/inference/variable_elimination.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>

namespace pgm {

Evidence checked_evidence(const VariableSet& vars, Evidence evidence) {
  // Sorted by id without repeats by construction (pgm::Evidence): only ids and states to check.
  for (std::size_t i = 0; i < evidence.size(); ++i) {
    const auto [v, s] = evidence[i];
    if (v >= vars.size()) throw QueryError("evidence names variable id " + std::to_string(v) + ", but the model has " + std::to_string(vars.size()) + " variables");
    if (s >= vars[v].cardinality())
      throw QueryError("evidence gives variable '" + vars[v].name + "' state index " + std::to_string(s) +
                       "; its states are: " + join_names(vars[v].states));
  }
  return evidence;
}

namespace {

std::string describe(const VariableSet& vars, const Evidence& e) {
  if (e.empty()) return "(no evidence)";
  std::string s;
  for (std::size_t i = 0; i < e.size(); ++i) s += (i ? ", " : "") + vars[e[i].first].name + "=" + vars[e[i].first].states[e[i].second];
  return s;
}

bool observed(const Evidence& e, VariableId v) {
  auto it = std::lower_bound(e.begin(), e.end(), v, [](const auto& p, VariableId x) { return p.first < x; });
  return it != e.end() && it->first == v;
}

// Point mass on the observed state of v.
Factor indicator(const VariableSet& vars, VariableId v, std::size_t state) {
  std::vector<double> t(vars[v].cardinality(), 0.0);
  t[state] = 1.0;
  return Factor({v}, {vars[v].cardinality()}, std::move(t));
}

// Observed targets join the posterior as point masses on their observed states.
void add_observed_targets(const VariableSet& vars, std::span<const VariableId> targets, const Evidence& evidence,
                          Factor& distribution) {
  for (VariableId t : targets) {
    auto it = std::lower_bound(evidence.begin(), evidence.end(), t, [](const auto& q, VariableId x) { return q.first < x; });
    if (it != evidence.end() && it->first == t) distribution = multiply(distribution, indicator(vars, t, it->second));
  }
}

// A count given as its log2, exactly while it fits in 15 digits, else as a power of ten.
std::string describe_entries(double log2_count) {
  std::ostringstream os;
  if (log2_count < 49) {
    os << static_cast<std::uint64_t>(std::llround(std::exp2(log2_count)));
  } else {
    const double l10 = log2_count * std::log10(2.0);
    const double e = std::floor(l10);
    os.precision(3);
    os << std::pow(10.0, l10 - e) << "e" << static_cast<long long>(e);
  }
  return os.str();
}

// Bytes given as their log2, in MiB or GiB (or as a power of ten when beyond any machine).
std::string describe_bytes(double log2_bytes) {
  std::ostringstream os;
  os.precision(3);
  if (log2_bytes < 30) os << std::exp2(log2_bytes - 20) << " MiB";
  else if (log2_bytes < 70) os << std::exp2(log2_bytes - 30) << " GiB";
  else os << describe_entries(log2_bytes) << " bytes";
  return os.str();
}

}  // namespace

VariableElimination::VariableElimination(const BayesianNetwork& bn, VariableEliminationOptions options)
    : variables_(&bn.variables()), bn_(&bn), factors_(&bn.cpts()), options_(options) {}

VariableElimination::VariableElimination(const MarkovNetwork& mn, VariableEliminationOptions options)
    : variables_(&mn.variables()), factors_(&mn.factors()), options_(options) {}

Relevance VariableElimination::relevant(std::span<const VariableId> keep, const Evidence& evidence,
                                        bool posterior_only, std::span<const Factor> soft) const {
  std::vector<VariableId> observed = observed_ids(evidence);
  // A soft-evidence variable has an observed (auxiliary) child: its ancestors are not barren.
  for (const Factor& f : soft)
    for (VariableId v : f.variables()) observed.push_back(v);
  // Markov networks: P(e) is the partition function of the whole reduced model, so every factor
  // counts. Bayesian networks: barren nodes never matter; with evidence, the posterior alone needs
  // only the requisite CPTs (its P(e) is computed apart).
  if (!bn_) return everything(*variables_, *factors_);
  if (posterior_only) return relevance(*bn_, keep, observed, RelevanceRule::requisite);
  return relevance(*bn_, keep, observed, options_.prune_barren ? RelevanceRule::barren : RelevanceRule::none);
}

std::pair<Factor, double> VariableElimination::eliminate(std::span<const VariableId> keep, const Evidence& evidence,
                                                         const Relevance& relevant, std::span<const Factor> soft) const {
  const VariableSet& vars = *variables_;
  detail::Pool pool = detail::reduced_pool(*factors_, relevant, evidence);
  for (const Factor& f : soft) {  // soft evidence: one more (unary) factor each
    Factor r = reduce(f, evidence);
    if (detail::settle(r, pool.log_scale)) pool.factors.push_back(std::move(r));
  }
  // In a Markov network, a free variable in no factor multiplies Z by its number of states.
  if (!bn_) {
    std::vector<bool> mentioned(vars.size(), false);
    for (VariableId v : keep) mentioned[v] = true;
    for (const auto& [v, s] : evidence) mentioned[v] = true;
    for (const auto& f : pool.factors)
      for (VariableId v : f.variables()) mentioned[v] = true;
    for (VariableId v = 0; v < vars.size(); ++v)
      if (!mentioned[v]) pool.log_scale += std::log(static_cast<double>(vars[v].cardinality()));
  }
  const EliminationOrder order = detail::pool_order(pool, vars.cardinalities(), keep, options_.heuristic);
  // The largest table a bucket forms is its elimination clique: refuse before allocating any.
  check_memory(order, keep);
  Factor result = detail::eliminate<detail::SumProduct>(pool, order, vars.size());
  // Free targets that no factor mentions (possible in Markov networks) are uniform there.
  std::vector<VariableId> missing;
  for (VariableId v : keep)
    if (!result.contains(v)) missing.push_back(v);
  if (!missing.empty()) result = multiply(result, Factor::constant(vars, missing, 1.0));
  return {std::move(result), pool.log_scale};
}

void VariableElimination::check_memory(const EliminationOrder& order, std::span<const VariableId> keep) const {
  const VariableSet& vars = *variables_;
  // Sizes in log2, so the figure is right even when the product overflows a size_t or a double.
  double worst = 0;
  std::size_t arity = 0;
  for (const auto& c : order.cliques()) {
    double l = 0;
    for (VariableId v : c) l += std::log2(static_cast<double>(vars[v].cardinality()));
    if (l > worst) {
      worst = l;
      arity = c.size();
    }
  }
  refuse_over_limit(worst, arity, "an elimination clique");
  refuse_over_limit(log2_table_size(keep), keep.size(), "the table over the targets");
}

double VariableElimination::log2_table_size(std::span<const VariableId> scope) const {
  double l = 0;
  for (VariableId v : scope) l += std::log2(static_cast<double>((*variables_)[v].cardinality()));
  return l;
}

void VariableElimination::refuse_over_limit(double log2_entries, std::size_t arity, const char* what) const {
  const double limit = static_cast<double>(options_.max_memory_bytes);
  if (log2_entries + 3 <= std::log2(limit)) return;  // 8-byte entries
  throw LimitError("variable elimination needs a table of " + describe_entries(log2_entries) + " entries (" +
                   describe_bytes(log2_entries + 3) + ") for " + what + " (" + std::to_string(arity) +
                   " variables), over the memory limit of " + describe_bytes(std::log2(limit)));
}

Posterior VariableElimination::joint(std::span<const VariableId> targets, const Evidence& evidence_in) const {
  return joint(targets, evidence_in, {});
}

namespace {
void check_soft(const VariableSet& vars, std::span<const Factor> soft) {
  for (const Factor& f : soft) {
    if (f.arity() != 1 || f.variables()[0] >= vars.size() || f.cardinalities()[0] != vars[f.variables()[0]].cardinality())
      throw QueryError("soft evidence must be a table over one variable of the model, with one entry per state");
    for (double x : f.values())
      if (!(x >= 0) || !std::isfinite(x)) throw QueryError("soft evidence on '" + vars[f.variables()[0]].name +
                                                           "' must be finite and non-negative");
  }
}
}  // namespace

Posterior VariableElimination::joint(std::span<const VariableId> targets, const Evidence& evidence_in,
                                     std::span<const Factor> soft) const {
  const VariableSet& vars = *variables_;
  check_soft(vars, soft);
  if (targets.empty()) throw QueryError("a query needs at least one target variable");
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (targets[i] >= vars.size()) throw QueryError("target variable id " + std::to_string(targets[i]) + " is out of range");
    for (std::size_t j = 0; j < i; ++j)
      if (targets[j] == targets[i]) throw QueryError("target '" + vars[targets[i]].name + "' is listed twice");
  }
  const Evidence evidence = checked_evidence(vars, evidence_in);
  // The answer itself is a table over every target: refuse it before any work when too large.
  refuse_over_limit(log2_table_size(targets), targets.size(), "the joint over the targets");
  std::vector<VariableId> free;
  for (VariableId t : targets)
    if (!observed(evidence, t)) free.push_back(t);

  if (bn_ && options_.prune_requisite && !evidence.empty() && !free.empty() && soft.empty()) {
    // P(e) from the ancestors of the evidence; the posterior from the requisite CPTs only.
    const double log_pe = log_probability_of_evidence(evidence);
    if (std::isinf(log_pe) && log_pe < 0)
      throw ZeroProbabilityEvidence("the evidence " + describe(vars, evidence) + " has probability zero under the model; no posterior exists");
    auto [f, log_scale] = eliminate(free, evidence, relevant(free, evidence, true));
    (void)log_scale;
    if (!(f.sum() > 0.0) || !std::isfinite(f.sum())) throw NumericalError("the unnormalised posterior is not finite or is zero");
    Posterior p{normalize(f), std::exp(log_pe), log_pe};
    add_observed_targets(vars, targets, evidence, p.distribution);
    return p;
  }
  auto [f, log_scale] = eliminate(free, evidence, relevant(free, evidence, false, soft), soft);
  const double total = f.sum();
  if (!(total > 0.0) || !std::isfinite(total) || !std::isfinite(log_scale)) {
    if (total == 0.0)
      throw ZeroProbabilityEvidence("the evidence " + describe(vars, evidence) + " has probability zero under the model; no posterior exists");
    throw NumericalError("the unnormalised posterior is not finite");
  }
  // No evidence on a Bayesian network: P(e) = 1 by definition, not the rounding of a sum of products.
  Posterior p{normalize(f), 0.0, bn_ && evidence.empty() && soft.empty() ? 0.0 : std::log(total) + log_scale};
  p.probability_of_evidence = std::exp(p.log_probability_of_evidence);
  add_observed_targets(vars, targets, evidence, p.distribution);
  return p;
}

Factor VariableElimination::marginal(VariableId target, const Evidence& evidence) const {
  const VariableId t[1] = {target};
  return joint(t, evidence).distribution;
}

std::vector<Factor> VariableElimination::marginals(std::span<const VariableId> targets, const Evidence& evidence) const {
  std::vector<Factor> out;
  out.reserve(targets.size());
  for (VariableId t : targets) out.push_back(marginal(t, evidence));
  return out;
}

double VariableElimination::log_probability_of_evidence(const Evidence& evidence_in) const {
  return log_probability_of_evidence(evidence_in, {});
}

double VariableElimination::probability_of_evidence(const Evidence& evidence, std::span<const Factor> soft) const {
  return std::exp(log_probability_of_evidence(evidence, soft));
}

double VariableElimination::log_probability_of_evidence(const Evidence& evidence_in, std::span<const Factor> soft) const {
  check_soft(*variables_, soft);
  const Evidence evidence = checked_evidence(*variables_, evidence_in);
  if (bn_ && evidence.empty() && soft.empty()) return 0.0;  // P(no evidence) = 1 on a Bayesian network
  auto [f, log_scale] = eliminate({}, evidence, relevant({}, evidence, false, soft), soft);
  const double total = f.sum();
  if (total <= 0.0) return -std::numeric_limits<double>::infinity();
  return std::log(total) + log_scale;
}

double VariableElimination::probability_of_evidence(const Evidence& evidence) const {
  return std::exp(log_probability_of_evidence(evidence));
}

EliminationOrder VariableElimination::full_order() const {
  std::vector<std::vector<VariableId>> scopes;
  for (const auto& f : *factors_) scopes.push_back(f.variables());
  std::vector<VariableId> all(variables_->size());
  for (VariableId v = 0; v < all.size(); ++v) all[v] = v;
  return EliminationOrder::find(scopes, variables_->cardinalities(), all, options_.heuristic);
}

}  // namespace pgm
