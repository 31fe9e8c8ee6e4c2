// Gibbs sampling (see the header). Every factor table is copied into one flat array, and each
// variable knows the factors containing it and its stride in each. The chain keeps, per factor, the
// index of the current state's entry, updated by stride × (new − old) when a variable moves, so a
// conditional is a few strided reads per factor: no allocation and no index arithmetic over whole
// scopes inside the sweep. Conditionals are products in probability space, recomputed from
// logarithms in the rare case that product under- or overflows.
#include <pgm/core/error.hpp>
#include <pgm/inference/gibbs_sampling.hpp>
#include <pgm/inference/variable_elimination.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace pgm {

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();
constexpr std::size_t kUnobserved = std::numeric_limits<std::size_t>::max();
constexpr std::size_t kBatches = 30;
constexpr std::size_t kStartAttempts = 100;
constexpr std::size_t kMaxBlockStates = 4096;
constexpr std::size_t kMaxZeroWarnings = 10;

// The first index whose cumulative mass passes u·sum; a zero entry is never drawn (r ≥ 0 never
// falls below a zero mass), and rounding past the end lands on the last positive entry.
std::size_t draw(const double* p, std::size_t k, double sum, Xoshiro256StarStar& rng) {
  double r = rng.uniform() * sum;
  std::size_t s = 0;
  while (s + 1 < k && (p[s] == 0 || r >= p[s])) {
    r -= p[s];
    ++s;
  }
  while (p[s] == 0) --s;
  return s;
}

// Variables tied by zeros, sampled jointly (see the header).
struct Block {
  std::vector<VariableId> vars;
  std::vector<std::size_t> factors;     // every factor containing one of them
  std::size_t states = 1;               // joint states, the first variable slowest
  std::vector<std::size_t> stride;      // factors × vars: the variable's stride in the factor, or 0
  std::vector<std::size_t> offsets;     // states × factors: Σ stride · state of the joint state
  std::vector<std::size_t> var_states;  // states × vars: each variable's state in the joint state
};

// Union-find with path halving over variable ids.
VariableId find_root(std::vector<VariableId>& up, VariableId v) {
  while (up[v] != v) v = up[v] = up[up[v]];
  return v;
}

std::string scope_text(const VariableSet& vars, const std::vector<VariableId>& scope, const std::vector<std::size_t>& observed) {
  std::string out;
  for (VariableId u : scope)
    if (observed[u] == kUnobserved) out += (out.empty() ? "" : ", ") + vars[u].name;
  return out;
}

}  // namespace

GibbsSampler::GibbsSampler(const BayesianNetwork& bn, SamplingOptions options)
    : variables_(&bn.variables()), factors_(&bn.cpts()), start_order_(bn.graph().topological_order()),
      options_(options) {
  check_options(options_);
  for (VariableId v = 0; v < bn.size(); ++v) factor_names_.push_back("the CPT of '" + bn.variable(v).name + "'");
  compile();
}

GibbsSampler::GibbsSampler(const MarkovNetwork& mn, SamplingOptions options)
    : variables_(&mn.variables()), factors_(&mn.factors()), options_(options) {
  check_options(options_);
  for (std::size_t f = 0; f < mn.factors().size(); ++f) factor_names_.push_back("factor " + std::to_string(f + 1));
  for (VariableId v = 0; v < mn.size(); ++v) start_order_.push_back(v);
  compile();
}

void GibbsSampler::compile() {
  const std::size_t n = variables_->size();
  card_.resize(n);
  for (VariableId v = 0; v < n; ++v) card_[v] = (*variables_)[v].cardinality();
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> adj(n);
  for (std::size_t f = 0; f < factors_->size(); ++f) {
    const Factor& factor = (*factors_)[f];
    value_begin_.push_back(values_.size());
    values_.insert(values_.end(), factor.values().begin(), factor.values().end());
    for (std::size_t j = 0; j < factor.arity(); ++j) adj[factor.variables()[j]].emplace_back(f, factor.strides()[j]);
  }
  adj_begin_.assign(n + 1, 0);
  for (VariableId v = 0; v < n; ++v) {
    for (const auto& [f, stride] : adj[v]) {
      adj_factor_.push_back(f);
      adj_stride_.push_back(stride);
    }
    adj_begin_[v + 1] = adj_factor_.size();
  }
}

SamplingResult GibbsSampler::run(const Evidence& evidence_in) const {
  const VariableSet& vars = *variables_;
  const std::vector<Factor>& factors = *factors_;
  const std::size_t n = vars.size();
  const Evidence evidence = checked_evidence(vars, evidence_in);
  std::vector<std::size_t> observed(n, kUnobserved);
  for (const auto& [v, s] : evidence) observed[v] = s;

  SamplingResult result;
  // Tables the evidence reduces to all zeros prove P(e) = 0. Zeros left in a table over two or more
  // unobserved variables may cut the state space into pieces single-variable moves cannot cross:
  // those variables are tied into one block (transitively), sampled jointly when the block has at
  // most kMaxBlockStates joint states; the tables of larger blocks are warned about.
  std::vector<std::size_t> zero_factors;
  std::vector<VariableId> up(n);
  for (VariableId v = 0; v < n; ++v) up[v] = v;
  for (std::size_t f = 0; f < factors.size(); ++f) {
    const Factor reduced = reduce(factors[f], evidence);
    const auto values = reduced.values();
    if (std::none_of(values.begin(), values.end(), [](double x) { return x > 0; }))
      throw ZeroProbabilityEvidence("the evidence has probability zero");
    if (reduced.arity() < 2 || std::all_of(values.begin(), values.end(), [](double x) { return x > 0; })) continue;
    zero_factors.push_back(f);
    const VariableId root = find_root(up, reduced.variables()[0]);
    for (VariableId u : reduced.variables()) up[find_root(up, u)] = root;
  }
  std::vector<std::vector<VariableId>> members(n);
  for (VariableId v = 0; v < n; ++v)
    if (observed[v] == kUnobserved) members[find_root(up, v)].push_back(v);
  std::vector<std::size_t> joint_states(n, 1);  // per root, saturating just above the limit
  for (VariableId r = 0; r < n; ++r)
    for (VariableId v : members[r]) joint_states[r] = std::min(joint_states[r] * card_[v], kMaxBlockStates + 1);
  std::size_t zero_tables = 0;
  for (std::size_t f : zero_factors) {
    VariableId first = 0;
    for (VariableId u : factors[f].variables())
      if (observed[u] == kUnobserved) {
        first = u;
        break;
      }
    const VariableId r = find_root(up, first);
    if (joint_states[r] <= kMaxBlockStates) continue;
    if (++zero_tables <= kMaxZeroWarnings)
      result.warnings.push_back("gibbs: " + factor_names_[f] + " has zero entries linking the unobserved variables " +
                                scope_text(vars, factors[f].variables(), observed) + ", whose block of variables tied by "
                                "zeros has more than " + std::to_string(kMaxBlockStates) +
                                " joint states to sample jointly; single-variable moves can make the chain reducible "
                                "(unable to reach every state of positive probability), and the estimates may then be "
                                "wrong however many samples are drawn");
  }
  if (zero_tables > kMaxZeroWarnings)
    result.warnings.push_back("gibbs: " + std::to_string(zero_tables - kMaxZeroWarnings) +
                              " more tables have zero entries linking unobserved variables");

  std::vector<VariableId> free_vars;
  for (VariableId v = 0; v < n; ++v)
    if (observed[v] == kUnobserved) free_vars.push_back(v);
  std::size_t max_card = 1;
  for (VariableId v = 0; v < n; ++v) max_card = std::max(max_card, card_[v]);

  Xoshiro256StarStar rng(options_.seed);
  std::vector<std::size_t> x(n, 0);
  for (VariableId v = 0; v < n; ++v)
    if (observed[v] != kUnobserved) x[v] = observed[v];
  std::vector<double> p(max_card), lp(max_card);

  // ---- The start state: variables in start_order_, each drawn in proportion to the product of
  // the factors it completes (every other variable of the factor already assigned; observed ones
  // count as assigned from the outset). A state with every factor positive has positive probability.
  {
    std::vector<std::size_t> position(n, 0);  // 0: observed; else 1 + index in the order
    std::size_t next = 1;
    for (VariableId v : start_order_)
      if (observed[v] == kUnobserved) position[v] = next++;
    std::vector<std::vector<std::size_t>> completes(n);
    for (std::size_t f = 0; f < factors.size(); ++f) {
      VariableId last = n;
      for (VariableId u : factors[f].variables())
        if (position[u] > 0 && (last == n || position[u] > position[last])) last = u;
      if (last != n) completes[last].push_back(f);
    }
    const auto entry = [&](std::size_t f) {
      std::size_t at = value_begin_[f];
      const Factor& factor = factors[f];
      for (std::size_t j = 0; j < factor.arity(); ++j) at += x[factor.variables()[j]] * factor.strides()[j];
      return values_[at];
    };
    bool found = false;
    for (std::size_t attempt = 0; attempt < kStartAttempts && !found; ++attempt) {
      found = true;
      for (VariableId v : start_order_) {
        if (observed[v] != kUnobserved) continue;
        const std::size_t k = card_[v];
        double best = kNegInf;
        for (std::size_t s = 0; s < k; ++s) {
          x[v] = s;
          double l = 0;
          for (std::size_t f : completes[v]) {
            const double e = entry(f);
            l += e > 0 ? std::log(e) : kNegInf;
          }
          lp[s] = l;
          best = std::max(best, l);
        }
        if (best == kNegInf) {
          found = false;
          break;
        }
        double sum = 0;
        for (std::size_t s = 0; s < k; ++s) sum += (p[s] = std::exp(lp[s] - best));
        x[v] = draw(p.data(), k, sum, rng);
      }
    }
    if (!found)
      throw NoConsistentSample("gibbs sampling found no start state of positive probability consistent with the "
                               "evidence in " + std::to_string(kStartAttempts) +
                               " attempts; the evidence may be impossible, or the model's zeros leave few consistent "
                               "states (an exact method, or lw for a Bayesian network, can say which)");
  }

  // ---- The chain.
  std::vector<std::size_t> index(factors.size());
  for (std::size_t f = 0; f < factors.size(); ++f) {
    std::size_t at = 0;
    for (std::size_t j = 0; j < factors[f].arity(); ++j) at += x[factors[f].variables()[j]] * factors[f].strides()[j];
    index[f] = at;
  }
  std::vector<std::size_t> acc_begin(n + 1, 0);
  for (VariableId v = 0; v < n; ++v) acc_begin[v + 1] = acc_begin[v] + (observed[v] == kUnobserved ? card_[v] : 0);
  const std::size_t entries = acc_begin[n];
  const std::size_t samples = options_.samples;
  const std::size_t burn_in = burn_in_of(options_);
  const std::size_t batches = std::min(kBatches, samples);
  std::vector<double> batch_sum(entries, 0.0), batch_means(batches * entries, 0.0), total(entries, 0.0);

  // The update units in order of their first variable: a single variable (its id) or a block
  // (kBlock + its index).
  constexpr std::size_t kBlock = std::numeric_limits<std::size_t>::max() / 2;
  std::vector<Block> blocks;
  std::vector<std::size_t> units;
  std::size_t max_states = max_card, max_factors = 0;
  for (VariableId v : free_vars) {
    const VariableId r = find_root(up, v);
    if (members[r].size() < 2 || joint_states[r] > kMaxBlockStates) {
      units.push_back(v);
      continue;
    }
    if (members[r].front() != v) continue;  // the block's unit sits at its first variable
    Block blk;
    blk.vars = members[r];
    for (VariableId u : blk.vars) {
      for (std::size_t a = adj_begin_[u]; a < adj_begin_[u + 1]; ++a) blk.factors.push_back(adj_factor_[a]);
      blk.states *= card_[u];
    }
    std::sort(blk.factors.begin(), blk.factors.end());
    blk.factors.erase(std::unique(blk.factors.begin(), blk.factors.end()), blk.factors.end());
    const std::size_t m = blk.vars.size(), nf = blk.factors.size();
    blk.stride.assign(nf * m, 0);
    for (std::size_t i = 0; i < nf; ++i) {
      const Factor& factor = factors[blk.factors[i]];
      for (std::size_t b = 0; b < m; ++b)
        if (const std::size_t at = factor.position(blk.vars[b]); at < factor.arity())
          blk.stride[i * m + b] = factor.strides()[at];
    }
    blk.offsets.assign(blk.states * nf, 0);
    blk.var_states.assign(blk.states * m, 0);
    std::vector<std::size_t> st(m, 0);
    for (std::size_t j = 0; j < blk.states; ++j) {
      for (std::size_t b = 0; b < m; ++b) blk.var_states[j * m + b] = st[b];
      for (std::size_t i = 0; i < nf; ++i)
        for (std::size_t b = 0; b < m; ++b) blk.offsets[j * nf + i] += blk.stride[i * m + b] * st[b];
      for (std::size_t b = m; b-- > 0;) {  // next joint state, last variable fastest
        if (++st[b] < card_[blk.vars[b]]) break;
        st[b] = 0;
      }
    }
    max_states = std::max(max_states, blk.states);
    max_factors = std::max(max_factors, nf);
    units.push_back(kBlock + blocks.size());
    blocks.push_back(std::move(blk));
  }
  p.resize(max_states);
  lp.resize(max_states);
  std::vector<std::size_t> bases(max_factors);

  const double* values = values_.data();
  const std::size_t* vbegin = value_begin_.data();
  const std::size_t* abegin = adj_begin_.data();
  const std::size_t* afactor = adj_factor_.data();
  const std::size_t* astride = adj_stride_.data();
  std::size_t* idx = index.data();
  double* pp = p.data();

  // A block's move: the joint conditional of its variables over every joint state.
  const auto move_block = [&](const Block& blk, bool keep) {
    const std::size_t m = blk.vars.size(), nf = blk.factors.size(), states = blk.states;
    for (std::size_t i = 0; i < nf; ++i) {
      std::size_t base = idx[blk.factors[i]];
      for (std::size_t b = 0; b < m; ++b) base -= blk.stride[i * m + b] * x[blk.vars[b]];
      bases[i] = base + vbegin[blk.factors[i]];
    }
    double sum = 0;
    for (std::size_t j = 0; j < states; ++j) {
      const std::size_t* off = blk.offsets.data() + j * nf;
      double q = 1;
      for (std::size_t i = 0; i < nf; ++i) q *= values[bases[i] + off[i]];
      sum += (pp[j] = q);
    }
    if (!(sum > 1e-290 && sum < 1e290)) {
      for (std::size_t j = 0; j < states; ++j) {
        const std::size_t* off = blk.offsets.data() + j * nf;
        double l = 0;
        for (std::size_t i = 0; i < nf; ++i) {
          const double t = values[bases[i] + off[i]];
          l += t > 0 ? std::log(t) : kNegInf;
        }
        lp[j] = l;
      }
      const double best = *std::max_element(lp.begin(), lp.begin() + static_cast<std::ptrdiff_t>(states));
      sum = 0;
      for (std::size_t j = 0; j < states; ++j) sum += (pp[j] = std::exp(lp[j] - best));
    }
    const std::size_t j = draw(pp, states, sum, rng);
    for (std::size_t b = 0; b < m; ++b) x[blk.vars[b]] = blk.var_states[j * m + b];
    const std::size_t* off = blk.offsets.data() + j * nf;
    for (std::size_t i = 0; i < nf; ++i) idx[blk.factors[i]] = bases[i] - vbegin[blk.factors[i]] + off[i];
    if (keep) {
      const double inv = 1.0 / sum;
      for (std::size_t jj = 0; jj < states; ++jj) {
        const double w = pp[jj] * inv;
        if (w == 0) continue;
        for (std::size_t b = 0; b < m; ++b) batch_sum[acc_begin[blk.vars[b]] + blk.var_states[jj * m + b]] += w;
      }
    }
  };

  std::size_t batch = 0;
  std::size_t batch_start = 0;
  std::size_t batch_end = samples / batches;  // batch k ends at floor((k + 1) N / batches)
  for (std::size_t sweep = 0; sweep < burn_in + samples; ++sweep) {
    const bool keep = sweep >= burn_in;
    for (const std::size_t unit : units) {
      if (unit >= kBlock) {
        move_block(blocks[unit - kBlock], keep);
        continue;
      }
      const VariableId v = unit;
      const std::size_t k = card_[v];
      const std::size_t old = x[v];
      for (std::size_t s = 0; s < k; ++s) pp[s] = 1.0;
      for (std::size_t a = abegin[v]; a < abegin[v + 1]; ++a) {
        const std::size_t stride = astride[a];
        const double* t = values + vbegin[afactor[a]] + (idx[afactor[a]] - stride * old);
        for (std::size_t s = 0; s < k; ++s) pp[s] *= t[s * stride];
      }
      double sum = 0;
      for (std::size_t s = 0; s < k; ++s) sum += pp[s];
      if (!(sum > 1e-290 && sum < 1e290)) {
        // Under- or overflow: the same product from logarithms, scaled by its largest term (finite,
        // since the current state has positive probability).
        for (std::size_t s = 0; s < k; ++s) lp[s] = 0;
        for (std::size_t a = abegin[v]; a < abegin[v + 1]; ++a) {
          const std::size_t stride = astride[a];
          const double* t = values + vbegin[afactor[a]] + (idx[afactor[a]] - stride * old);
          for (std::size_t s = 0; s < k; ++s) lp[s] += t[s * stride] > 0 ? std::log(t[s * stride]) : kNegInf;
        }
        const double best = *std::max_element(lp.begin(), lp.begin() + static_cast<std::ptrdiff_t>(k));
        sum = 0;
        for (std::size_t s = 0; s < k; ++s) sum += (pp[s] = std::exp(lp[s] - best));
      }
      const std::size_t s = draw(pp, k, sum, rng);
      if (s != old) {
        for (std::size_t a = abegin[v]; a < abegin[v + 1]; ++a) idx[afactor[a]] += astride[a] * s - astride[a] * old;
        x[v] = s;
      }
      if (keep) {
        const double inv = 1.0 / sum;
        double* acc = batch_sum.data() + acc_begin[v];
        for (std::size_t j = 0; j < k; ++j) acc[j] += pp[j] * inv;
      }
    }
    if (keep && sweep - burn_in + 1 == batch_end) {
      const double size = static_cast<double>(batch_end - batch_start);
      double* means = batch_means.data() + batch * entries;
      for (std::size_t j = 0; j < entries; ++j) {
        total[j] += batch_sum[j];
        means[j] = batch_sum[j] / size;
        batch_sum[j] = 0;
      }
      ++batch;
      batch_start = batch_end;
      batch_end = (batch + 1) * samples / batches;
    }
  }

  result.samples = samples;
  result.burn_in = burn_in;
  result.marginals.resize(n);
  result.standard_errors.resize(n);
  const double count = static_cast<double>(samples);
  const double nb = static_cast<double>(batches);
  for (VariableId v = 0; v < n; ++v) {
    std::vector<double>& pm = result.marginals[v];
    std::vector<double>& se = result.standard_errors[v];
    pm.assign(card_[v], 0.0);
    se.assign(card_[v], 0.0);
    if (observed[v] != kUnobserved) {
      pm[observed[v]] = 1.0;
      continue;
    }
    for (std::size_t s = 0; s < card_[v]; ++s) {
      const std::size_t j = acc_begin[v] + s;
      pm[s] = total[j] / count;
      if (batches < 2) {
        se[s] = std::numeric_limits<double>::quiet_NaN();
        continue;
      }
      double mean = 0;
      for (std::size_t b = 0; b < batches; ++b) mean += batch_means[b * entries + j];
      mean /= nb;
      double ss = 0;
      for (std::size_t b = 0; b < batches; ++b) {
        const double d = batch_means[b * entries + j] - mean;
        ss += d * d;
      }
      se[s] = std::sqrt(ss / (nb * (nb - 1)));
    }
  }
  return result;
}

}  // namespace pgm
