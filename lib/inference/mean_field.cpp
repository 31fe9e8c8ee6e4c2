// Mean-field CAVI on discrete factors (see <pgm/inference/mean_field.hpp>).
#include <pgm/core/error.hpp>
#include <pgm/inference/mean_field.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace pgm {
namespace {

constexpr double kMinusInf = -std::numeric_limits<double>::infinity();

// A reduced factor with its log table and, per position, the free-variable index (into free).
struct LogFactor {
  std::vector<std::size_t> slots;  // free index of each variable of the factor, in its order
  std::vector<std::size_t> cards;
  std::vector<double> values;      // the table (row-major, last fastest)
  std::vector<double> logs;        // ln values (-inf for 0)
};

// Calls f(index, states) for every entry of a table with the given cardinalities (last fastest);
// `s` is scratch space for the states (reused, so the sweeps do not allocate).
template <class F>
void for_each_entry(const std::vector<std::size_t>& cards, std::size_t size, std::vector<std::size_t>& s, F&& f) {
  s.assign(cards.size(), 0);
  for (std::size_t idx = 0; idx < size; ++idx) {
    f(idx, s);
    for (std::size_t p = cards.size(); p-- > 0;) {
      if (++s[p] < cards[p]) break;
      s[p] = 0;
    }
  }
}

// E_q[ln f]: -inf when q gives positive weight to a zero entry (0 · ln 0 = 0 otherwise).
double expected_log(const LogFactor& f, const std::vector<std::vector<double>>& q, std::vector<std::size_t>& scratch) {
  double total = 0.0;
  bool hits_zero = false;
  for_each_entry(f.cards, f.values.size(), scratch, [&](std::size_t idx, const std::vector<std::size_t>& s) {
    double w = 1.0;
    for (std::size_t p = 0; p < s.size(); ++p) w *= q[f.slots[p]][s[p]];
    if (w == 0.0) return;
    if (f.values[idx] == 0.0)
      hits_zero = true;
    else
      total += w * f.logs[idx];
  });
  return hits_zero ? kMinusInf : total;
}

double entropy(const std::vector<double>& q) {
  double h = 0.0;
  for (double p : q)
    if (p > 0.0) h -= p * std::log(p);
  return h;
}

}  // namespace

MeanFieldResult mean_field(const VariableSet& vars, std::span<const Factor> factors, const Evidence& evidence,
                           const MeanFieldOptions& options) {
  MeanFieldResult result;
  std::vector<std::size_t> slot(vars.size(), vars.size());
  for (VariableId v = 0; v < vars.size(); ++v)
    if (!evidence.contains(v)) {
      slot[v] = result.free.size();
      result.free.push_back(v);
    }
  const std::size_t n = result.free.size();

  double constant = 0.0;  // ln of the factors the evidence reduces to scalars
  std::vector<LogFactor> logs;
  std::vector<std::vector<std::size_t>> touching(n);
  for (const Factor& f : factors) {
    const Factor r = reduce(f, evidence);
    if (r.arity() == 0) {
      if (!(r.values()[0] > 0.0)) throw ZeroProbabilityEvidence("the evidence has probability zero");
      constant += std::log(r.values()[0]);
      continue;
    }
    if (!(r.max() > 0.0)) throw ZeroProbabilityEvidence("the evidence has probability zero");
    LogFactor lf;
    for (VariableId v : r.variables()) lf.slots.push_back(slot[v]);
    lf.cards = r.cardinalities();
    lf.values.assign(r.values().begin(), r.values().end());
    lf.logs.reserve(lf.values.size());
    for (double x : lf.values) lf.logs.push_back(x > 0.0 ? std::log(x) : kMinusInf);
    for (std::size_t k : lf.slots) touching[k].push_back(logs.size());
    logs.push_back(std::move(lf));
  }

  // Initial q: normalised Exp(1) draws (a Dirichlet(1, ..., 1) sample), from a fixed generator so
  // a seed gives the same start everywhere.
  std::mt19937_64 rng(options.seed);
  result.q.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    auto& qk = result.q[k];
    qk.resize(vars[result.free[k]].cardinality());
    double sum = 0.0;
    for (double& p : qk) {
      const double u = (static_cast<double>(rng() >> 11) + 1.0) * 0x1.0p-53;  // (0, 1]
      p = -std::log(u) + 1e-300;  // strictly positive
      sum += p;
    }
    for (double& p : qk) p /= sum;
  }

  std::vector<std::size_t> scratch;
  scratch.reserve(vars.size());
  const auto elbo = [&] {
    double l = constant;
    for (const LogFactor& f : logs) l += expected_log(f, result.q, scratch);
    if (l == kMinusInf) return l;
    for (const auto& qk : result.q) l += entropy(qk);
    return l;
  };

  result.elbo = elbo();
  result.history.push_back(result.elbo);
  if (n == 0) {
    result.converged = true;
    return result;
  }

  std::vector<double> finite, zero_mass, next;
  for (std::size_t it = 0; it < options.max_iterations; ++it) {
    double change = 0.0;
    for (std::size_t k = 0; k < n; ++k) {
      auto& qk = result.q[k];
      const std::size_t r = qk.size();
      finite.assign(r, 0.0);
      zero_mass.assign(r, 0.0);
      for (std::size_t fi : touching[k]) {
        const LogFactor& f = logs[fi];
        const std::size_t pos = static_cast<std::size_t>(std::find(f.slots.begin(), f.slots.end(), k) - f.slots.begin());
        for_each_entry(f.cards, f.values.size(), scratch, [&](std::size_t idx, const std::vector<std::size_t>& s) {
          double w = 1.0;
          for (std::size_t p = 0; p < s.size(); ++p)
            if (p != pos) w *= result.q[f.slots[p]][s[p]];
          if (w == 0.0) return;
          if (f.values[idx] == 0.0)
            zero_mass[s[pos]] += w;
          else
            finite[s[pos]] += w * f.logs[idx];
        });
      }
      // States that hit a zero with the least mass (none, in the regular case) share q.
      const double least = *std::min_element(zero_mass.begin(), zero_mass.end());
      const double limit = least * (1.0 + 1e-12);
      double top = kMinusInf;
      for (std::size_t x = 0; x < r; ++x)
        if (zero_mass[x] <= limit) top = std::max(top, finite[x]);
      next.assign(r, 0.0);
      double sum = 0.0;
      for (std::size_t x = 0; x < r; ++x)
        if (zero_mass[x] <= limit) sum += next[x] = std::exp(finite[x] - top);
      for (std::size_t x = 0; x < r; ++x) {
        next[x] /= sum;
        change = std::max(change, std::abs(next[x] - qk[x]));
      }
      qk.swap(next);
    }
    const double before = result.elbo;
    result.elbo = elbo();
    result.history.push_back(result.elbo);
    result.iterations = it + 1;
    const bool finite_pair = std::isfinite(before) && std::isfinite(result.elbo);
    if ((finite_pair && result.elbo - before < options.tolerance) || change == 0.0) {
      result.converged = true;
      break;
    }
  }
  return result;
}

}  // namespace pgm
