// Loopy belief propagation in the log domain (see the header for the schedule). Every message is a
// vector of logarithms normalised so that its exponentials sum to 1; -inf marks an impossible
// state. Sums of logs are formed with prefix and suffix sums, never by subtracting a log out of a
// total, so -inf never meets -inf in a subtraction (no NaN).
#include <pgm/core/error.hpp>
#include <pgm/inference/loopy_belief_propagation.hpp>
#include <pgm/inference/variable_elimination.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace pgm {

void check_options(const LoopyBeliefPropagationOptions& options) {
  if (options.max_iterations < 1) throw QueryError("loopy belief propagation needs max_iterations >= 1, got 0");
  if (!(options.tolerance > 0) || !std::isfinite(options.tolerance))
    throw QueryError("loopy belief propagation needs a positive finite tolerance, got " +
                     std::to_string(options.tolerance));
  if (!(options.damping >= 0 && options.damping < 1))
    throw QueryError("loopy belief propagation needs damping in [0, 1), got " + std::to_string(options.damping));
}

LoopyBeliefPropagation::LoopyBeliefPropagation(const BayesianNetwork& bn, LoopyBeliefPropagationOptions options)
    : variables_(&bn.variables()), factors_(&bn.cpts()), options_(options) {
  check_options(options_);
}

LoopyBeliefPropagation::LoopyBeliefPropagation(const MarkovNetwork& mn, LoopyBeliefPropagationOptions options)
    : variables_(&mn.variables()), factors_(&mn.factors()), options_(options) {
  check_options(options_);
}

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// log(exp(a) + exp(b)), exact for -inf operands.
double log_add(double a, double b) {
  if (a < b) std::swap(a, b);
  if (b == kNegInf) return a;
  return a + std::log1p(std::exp(b - a));
}

// Normalises a log vector in place (its exponentials sum to 1); false when every entry is -inf.
bool normalise_log(std::vector<double>& v) {
  const double m = *std::max_element(v.begin(), v.end());
  if (m == kNegInf) return false;
  double s = 0;
  for (double x : v) s += std::exp(x - m);
  const double lse = m + std::log(s);
  for (double& x : v) x -= lse;
  return true;
}

// The factor graph after reduction by the evidence.
struct Graph {
  struct Node {
    std::vector<VariableId> scope;
    std::vector<std::size_t> cards;
    std::vector<double> log_values;  // row-major over scope, last fastest
    std::size_t first_edge = 0;      // edges first_edge .. first_edge + scope.size() - 1
  };
  std::vector<Node> factors;
  std::vector<std::vector<std::size_t>> edges_of;  // per variable id: its edges
  std::vector<std::size_t> edge_var;                // per edge: the variable
  double log_constant = 0;                          // log of the factors reduced to scalars
};

// Calls f(states) for every entry of a table over `cards`, in row-major order (last fastest).
template <class F>
void for_each_entry(const std::vector<std::size_t>& cards, std::size_t size, F&& f) {
  std::vector<std::size_t> s(cards.size(), 0);
  for (std::size_t e = 0; e < size; ++e) {
    f(e, s);
    for (std::size_t j = cards.size(); j-- > 0;) {
      if (++s[j] < cards[j]) break;
      s[j] = 0;
    }
  }
}

}  // namespace

LoopyBeliefPropagationResult LoopyBeliefPropagation::run(const Evidence& evidence_in) const { return run(evidence_in, {}); }

LoopyBeliefPropagationResult LoopyBeliefPropagation::run(const Evidence& evidence_in, std::span<const Factor> soft) const {
  const VariableSet& vars = *variables_;
  for (const Factor& f : soft) {
    if (f.arity() != 1 || f.variables()[0] >= vars.size() || f.cardinalities()[0] != vars[f.variables()[0]].cardinality())
      throw QueryError("soft evidence must be a table over one variable of the model, with one entry per state");
    for (double x : f.values())
      if (!(x >= 0) || !std::isfinite(x))
        throw QueryError("soft evidence on '" + vars[f.variables()[0]].name + "' must be finite and non-negative");
  }
  const Evidence evidence = checked_evidence(vars, evidence_in);
  const std::size_t n = vars.size();
  const auto zero = [] { throw ZeroProbabilityEvidence("the evidence has probability zero"); };

  Graph g;
  g.edges_of.resize(n);
  const std::size_t model_factors = factors_->size();
  for (std::size_t fi = 0; fi < model_factors + soft.size(); ++fi) {
    const Factor& f = fi < model_factors ? (*factors_)[fi] : soft[fi - model_factors];
    const Factor r = reduce(f, evidence);
    if (r.arity() == 0) {
      const double v = r.values()[0];
      if (!(v > 0)) zero();
      g.log_constant += std::log(v);
      continue;
    }
    Graph::Node node;
    node.scope = r.variables();
    node.cards = r.cardinalities();
    node.log_values.reserve(r.size());
    bool any = false;
    for (double v : r.values()) {
      node.log_values.push_back(v > 0 ? std::log(v) : kNegInf);
      any = any || v > 0;
    }
    if (!any) zero();
    node.first_edge = g.edge_var.size();
    for (VariableId v : node.scope) {
      g.edges_of[v].push_back(g.edge_var.size());
      g.edge_var.push_back(v);
    }
    g.factors.push_back(std::move(node));
  }

  const std::size_t edges = g.edge_var.size();
  std::vector<std::vector<double>> to_var(edges), to_factor(edges);
  for (std::size_t e = 0; e < edges; ++e) {
    const std::size_t card = vars[g.edge_var[e]].cardinality();
    to_var[e].assign(card, -std::log(static_cast<double>(card)));
    to_factor[e] = to_var[e];
  }

  const double damping = options_.damping;
  const double log_keep = damping > 0 ? std::log(damping) : kNegInf;
  const double log_new = std::log1p(-damping);

  // Working buffers, reused across factors and iterations.
  std::vector<double> in, prefix, suffix, fresh;
  std::vector<std::vector<double>> out_max, out_sum;

  // factor → variable messages for one factor node, written to to_var (damped); returns the change.
  const auto update_factor = [&](const Graph::Node& a) {
    const std::size_t k = a.scope.size();
    out_max.resize(k);
    out_sum.resize(k);
    for (std::size_t i = 0; i < k; ++i) {
      out_max[i].assign(a.cards[i], kNegInf);
      out_sum[i].assign(a.cards[i], 0.0);
    }
    in.resize(k);
    prefix.resize(k + 1);
    suffix.resize(k + 1);
    for_each_entry(a.cards, a.log_values.size(), [&](std::size_t entry, const std::vector<std::size_t>& s) {
      const double lf = a.log_values[entry];
      if (lf == kNegInf) return;
      for (std::size_t j = 0; j < k; ++j) in[j] = to_factor[a.first_edge + j][s[j]];
      prefix[0] = 0;
      for (std::size_t j = 0; j < k; ++j) prefix[j + 1] = prefix[j] + in[j];
      suffix[k] = 0;
      for (std::size_t j = k; j-- > 0;) suffix[j] = suffix[j + 1] + in[j];
      for (std::size_t i = 0; i < k; ++i) {
        const double v = lf + prefix[i] + suffix[i + 1];
        if (v == kNegInf) continue;
        // Streaming log-sum-exp: the running maximum and the sum of exponentials relative to it.
        double& m = out_max[i][s[i]];
        double& sum = out_sum[i][s[i]];
        if (v > m) {
          sum = (m == kNegInf ? 0.0 : sum * std::exp(m - v)) + 1.0;
          m = v;
        } else {
          sum += std::exp(v - m);
        }
      }
    });
    double change = 0;
    for (std::size_t i = 0; i < k; ++i) {
      fresh.resize(a.cards[i]);
      for (std::size_t x = 0; x < a.cards[i]; ++x)
        fresh[x] = out_max[i][x] == kNegInf ? kNegInf : out_max[i][x] + std::log(out_sum[i][x]);
      if (!normalise_log(fresh)) zero();
      std::vector<double>& old = to_var[a.first_edge + i];
      if (damping > 0) {
        for (std::size_t x = 0; x < fresh.size(); ++x) fresh[x] = log_add(log_new + fresh[x], log_keep + old[x]);
        normalise_log(fresh);  // only rounding to undo
      }
      for (std::size_t x = 0; x < fresh.size(); ++x) {
        change = std::max(change, std::abs(std::exp(fresh[x]) - std::exp(old[x])));
        old[x] = fresh[x];
      }
    }
    return change;
  };

  // variable → factor messages for one variable; returns the change.
  const auto update_variable = [&](VariableId v) {
    const std::vector<std::size_t>& ev = g.edges_of[v];
    const std::size_t d = ev.size();
    const std::size_t card = vars[v].cardinality();
    double change = 0;
    std::vector<double> pre(d + 1), suf(d + 1);
    std::vector<std::vector<double>> next(d, std::vector<double>(card));
    for (std::size_t x = 0; x < card; ++x) {
      pre[0] = 0;
      for (std::size_t j = 0; j < d; ++j) pre[j + 1] = pre[j] + to_var[ev[j]][x];
      suf[d] = 0;
      for (std::size_t j = d; j-- > 0;) suf[j] = suf[j + 1] + to_var[ev[j]][x];
      for (std::size_t j = 0; j < d; ++j) next[j][x] = pre[j] + suf[j + 1];
    }
    for (std::size_t j = 0; j < d; ++j) {
      if (!normalise_log(next[j])) zero();
      std::vector<double>& old = to_factor[ev[j]];
      for (std::size_t x = 0; x < card; ++x) {
        change = std::max(change, std::abs(std::exp(next[j][x]) - std::exp(old[x])));
        old[x] = next[j][x];
      }
    }
    return change;
  };

  LoopyBeliefPropagationResult result;
  for (std::size_t it = 1; it <= options_.max_iterations; ++it) {
    double change = 0;
    for (const Graph::Node& a : g.factors) change = std::max(change, update_factor(a));
    for (VariableId v = 0; v < n; ++v)
      if (g.edges_of[v].size() > 1) change = std::max(change, update_variable(v));
    result.iterations = it;
    result.max_change = change;
    if (change < options_.tolerance) {
      result.converged = true;
      break;
    }
  }

  // Beliefs, and the Bethe estimate of log Z(e): the constants, then per factor
  // sum_x b_a(x) (log f(x) - log b_a(x)), then per variable (d_v - 1) sum_x b_v(x) log b_v(x).
  double log_z = g.log_constant;
  result.marginals.resize(n);
  for (VariableId v = 0; v < n; ++v) {
    const std::size_t card = vars[v].cardinality();
    std::vector<double>& p = result.marginals[v];
    if (const auto* obs = evidence.find(v)) {
      p.assign(card, 0.0);
      p[obs->second] = 1.0;
      continue;
    }
    std::vector<double> b(card, 0.0);
    for (std::size_t e : g.edges_of[v])
      for (std::size_t x = 0; x < card; ++x) b[x] += to_var[e][x];
    if (!normalise_log(b)) zero();
    p.resize(card);
    double neg_entropy = 0;
    for (std::size_t x = 0; x < card; ++x) {
      p[x] = std::exp(b[x]);
      if (b[x] != kNegInf) neg_entropy += p[x] * b[x];
    }
    log_z += (static_cast<double>(g.edges_of[v].size()) - 1.0) * neg_entropy;
  }
  for (const Graph::Node& a : g.factors) {
    const std::size_t k = a.scope.size();
    // t(x) = log f(x) + sum_j log m_{j→a}(x_j); b_a = exp(t - lse(t)); the term is
    // sum_x b_a(x) (log f(x) - t(x)) + lse(t).
    std::vector<double> t(a.log_values.size(), kNegInf), msg_sum(a.log_values.size(), 0.0);
    for_each_entry(a.cards, a.log_values.size(), [&](std::size_t entry, const std::vector<std::size_t>& s) {
      if (a.log_values[entry] == kNegInf) return;
      double m = 0;
      for (std::size_t j = 0; j < k; ++j) m += to_factor[a.first_edge + j][s[j]];
      msg_sum[entry] = m;
      t[entry] = a.log_values[entry] + m;
    });
    const double mx = *std::max_element(t.begin(), t.end());
    if (mx == kNegInf) zero();
    double s = 0;
    for (double x : t) s += std::exp(x - mx);
    const double lse = mx + std::log(s);
    double term = lse;
    for (std::size_t entry = 0; entry < t.size(); ++entry)
      if (t[entry] != kNegInf) term -= std::exp(t[entry] - lse) * msg_sum[entry];
    log_z += term;
  }
  result.log_probability_of_evidence = log_z;
  return result;
}

}  // namespace pgm
