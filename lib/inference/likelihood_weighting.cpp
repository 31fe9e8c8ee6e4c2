// Likelihood weighting (see the header). The CPTs are compiled once into flat arrays: per column the
// cumulative sums (sampling is one uniform and a short scan) and the logarithms (the weight), and
// per variable its parents with their strides, so a sample is a pass over the topological order
// with no allocation and no lookup.
#include <pgm/core/error.hpp>
#include <pgm/inference/likelihood_weighting.hpp>
#include <pgm/inference/variable_elimination.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace pgm {

namespace {
constexpr double kNegInf = -std::numeric_limits<double>::infinity();
constexpr std::size_t kUnobserved = std::numeric_limits<std::size_t>::max();
}  // namespace

LikelihoodWeighting::LikelihoodWeighting(const BayesianNetwork& bn, SamplingOptions options)
    : bn_(&bn), options_(options), order_(bn.graph().topological_order()) {
  check_options(options_);
  const std::size_t n = bn.size();
  card_.resize(n);
  for (VariableId v = 0; v < n; ++v) card_[v] = bn.variable(v).cardinality();
  parent_begin_.assign(n + 1, 0);
  table_begin_.assign(n + 1, 0);
  for (VariableId v = 0; v < n; ++v) {
    const auto parents = bn.parents(v);
    // cpt_table: parent configurations row-major (first parent slowest), child fastest; a parent's
    // stride in entries is the child's cardinality times the later parents' cardinalities.
    std::size_t stride = card_[v];
    std::vector<std::size_t> strides(parents.size());
    for (std::size_t j = parents.size(); j-- > 0;) {
      strides[j] = stride;
      stride *= card_[parents[j]];
    }
    parent_.insert(parent_.end(), parents.begin(), parents.end());
    parent_stride_.insert(parent_stride_.end(), strides.begin(), strides.end());
    parent_begin_[v + 1] = parent_.size();

    const std::vector<double> table = bn.cpt_table(v);
    const std::size_t k = card_[v];
    for (std::size_t col = 0; col < table.size(); col += k) {
      std::size_t last = 0;
      for (std::size_t s = 0; s < k; ++s)
        if (table[col + s] > 0) last = s;
      double sum = 0;
      for (std::size_t s = 0; s < k; ++s) {
        sum += table[col + s];
        // From the last positive entry on, 2 (above any uniform): rounding never draws past it, and
        // a zero entry is never drawn (its cumulative sum equals its predecessor's).
        cdf_.push_back(s >= last ? 2.0 : sum);
        log_.push_back(table[col + s] > 0 ? std::log(table[col + s]) : kNegInf);
      }
    }
    table_begin_[v + 1] = cdf_.size();
  }
}

SamplingResult LikelihoodWeighting::run(const Evidence& evidence_in) const {
  const std::size_t n = card_.size();
  const Evidence evidence = checked_evidence(bn_->variables(), evidence_in);
  std::vector<std::size_t> observed(n, kUnobserved);
  for (const auto& [v, s] : evidence) observed[v] = s;

  // Accumulators per (variable, state) of the unobserved variables: Σ w and Σ w², relative to
  // exp(reference), the largest log weight so far.
  std::vector<std::size_t> acc_begin(n + 1, 0);
  for (VariableId v = 0; v < n; ++v) acc_begin[v + 1] = acc_begin[v] + (observed[v] == kUnobserved ? card_[v] : 0);
  std::vector<double> sum_w(acc_begin[n], 0.0), sum_w2(acc_begin[n], 0.0);
  std::vector<VariableId> free_vars;
  for (VariableId v = 0; v < n; ++v)
    if (observed[v] == kUnobserved) free_vars.push_back(v);
  std::vector<std::size_t> free_acc(free_vars.size());
  for (std::size_t i = 0; i < free_vars.size(); ++i) free_acc[i] = acc_begin[free_vars[i]];

  std::vector<std::size_t> x(n, 0);
  for (VariableId v = 0; v < n; ++v)
    if (observed[v] != kUnobserved) x[v] = observed[v];
  double reference = kNegInf;
  double total_w = 0, total_w2 = 0;
  Xoshiro256StarStar rng(options_.seed);
  const std::size_t samples = options_.samples;
  const VariableId* order = order_.data();
  const std::size_t* pbegin = parent_begin_.data();
  const VariableId* parent = parent_.data();
  const std::size_t* pstride = parent_stride_.data();
  const std::size_t* tbegin = table_begin_.data();
  const double* cdf = cdf_.data();
  const double* logt = log_.data();

  for (std::size_t i = 0; i < samples; ++i) {
    double log_w = 0;
    for (std::size_t o = 0; o < n; ++o) {
      const VariableId v = order[o];
      std::size_t at = tbegin[v];
      for (std::size_t j = pbegin[v]; j < pbegin[v + 1]; ++j) at += x[parent[j]] * pstride[j];
      const std::size_t obs = observed[v];
      if (obs != kUnobserved) {
        log_w += logt[at + obs];
        if (log_w == kNegInf) break;  // weight 0: the rest of the sample cannot matter
      } else {
        const double r = rng.uniform();
        const double* c = cdf + at;
        std::size_t s = 0;
        while (r >= c[s]) ++s;
        x[v] = s;
      }
    }
    if (log_w == kNegInf) continue;
    if (log_w > reference) {
      if (reference != kNegInf) {
        const double scale = std::exp(reference - log_w);
        const double scale2 = scale * scale;
        for (double& w : sum_w) w *= scale;
        for (double& w : sum_w2) w *= scale2;
        total_w *= scale;
        total_w2 *= scale2;
      }
      reference = log_w;
    }
    const double w = std::exp(log_w - reference);
    const double w2 = w * w;
    total_w += w;
    total_w2 += w2;
    for (std::size_t f = 0; f < free_vars.size(); ++f) {
      const std::size_t a = free_acc[f] + x[free_vars[f]];
      sum_w[a] += w;
      sum_w2[a] += w2;
    }
  }
  if (!(total_w > 0))
    throw NoConsistentSample("likelihood weighting: none of the " + std::to_string(samples) +
                             " samples was consistent with the evidence (every weight was 0); the evidence may be "
                             "impossible, or too unlikely for this many samples");

  SamplingResult r;
  r.samples = samples;
  r.marginals.resize(n);
  r.standard_errors.resize(n);
  for (VariableId v = 0; v < n; ++v) {
    std::vector<double>& p = r.marginals[v];
    std::vector<double>& se = r.standard_errors[v];
    p.assign(card_[v], 0.0);
    se.assign(card_[v], 0.0);
    if (observed[v] != kUnobserved) {
      p[observed[v]] = 1.0;
      continue;
    }
    for (std::size_t s = 0; s < card_[v]; ++s) {
      const double ps = sum_w[acc_begin[v] + s] / total_w;
      // Σ w² ([X = s] - p)² = Σ_{X=s} w² (1 - 2p) + p² Σ w².
      const double var = (sum_w2[acc_begin[v] + s] * (1 - 2 * ps) + ps * ps * total_w2) / (total_w * total_w);
      p[s] = ps;
      se[s] = std::sqrt(std::max(var, 0.0));
    }
  }
  r.effective_sample_size = total_w * total_w / total_w2;
  const double count = static_cast<double>(samples);
  r.log_probability_of_evidence = reference + std::log(total_w) - std::log(count);
  if (samples > 1) {
    // The weights' sample variance (relative to the reference), over N for the mean's error.
    const double mean = total_w / count;
    const double var = std::max(total_w2 - total_w * mean, 0.0) / (count - 1);
    const double se = std::sqrt(var / count);
    r.probability_of_evidence_standard_error = se > 0 ? std::exp(reference + std::log(se)) : 0.0;
  }
  return r;
}

}  // namespace pgm
