#include <pgm/inference/detail/lexicographic_max.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

namespace pgm::detail {
namespace {

constexpr double kMinusInf = -std::numeric_limits<double>::infinity();

// Scales f to a largest entry of 1 and returns the log of the scale; -inf (f untouched) when f is
// all zero.
double normalise(Factor& f) {
  const double m = f.max();
  if (!(m > 0.0)) return kMinusInf;
  if (m != 1.0) {
    const double s = 1.0 / m;
    if (std::isfinite(s)) {
      for (double& x : f.mutable_values()) x *= s;
    } else {  // subnormal maximum: 1/m overflows
      for (double& x : f.mutable_values()) x /= m;
    }
  }
  return std::log(m);
}

// The maximum of f over its variables outside `keep` (sorted ascending, a subset of f's scope).
Factor max_marginal(const Factor& f, const std::vector<VariableId>& keep) {
  if (keep.size() == f.arity()) return f;
  if (keep.size() + 1 == f.arity()) {
    for (std::size_t d = 0; d < f.arity(); ++d)
      if (d >= keep.size() || f.variables()[d] != keep[d]) return max_out(f, f.variables()[d]);
  }
  std::vector<std::size_t> cards;
  cards.reserve(keep.size());
  for (VariableId v : keep) cards.push_back(f.cardinality(v));
  std::size_t size = 1;
  for (std::size_t c : cards) size *= c;
  Factor out(keep, cards, std::vector<double>(size, 0.0));
  const std::size_t a = f.arity();
  std::vector<std::size_t> ostride(a, 0), count(a, 0);
  for (std::size_t d = 0, k = 0; d < a; ++d)
    if (k < keep.size() && f.variables()[d] == keep[k]) ostride[d] = out.strides()[k++];
  const auto in = f.values();
  auto o = out.mutable_values();
  std::size_t j = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] > o[j]) o[j] = in[i];
    for (std::size_t d = a; d-- > 0;) {
      j += ostride[d];
      if (++count[d] < f.cardinalities()[d]) break;
      j -= ostride[d] * count[d];
      count[d] = 0;
    }
  }
  return out;
}

// Index in f of the entry with v at state 0 and every other variable at its state in x.
std::size_t base_index(const Factor& f, VariableId v, const std::vector<std::size_t>& x) {
  std::size_t base = 0;
  for (std::size_t d = 0; d < f.arity(); ++d)
    if (f.variables()[d] != v) base += x[f.variables()[d]] * f.strides()[d];
  return base;
}

// The clique tree of a bucket elimination: bucket i eliminated order[i], its table beta[i] (the
// bucket's product; after calibration its max-marginal) over scope C_i, and the separator table
// mu[i] over C_i minus order[i] shared with its parent bucket (the next to use its message).
// Buckets whose message is a constant hang under a virtual root, node m, whose belief is a scalar.
// Table values are beta[i] * exp(beta_log[i]), likewise mu.
struct Tree {
  std::span<const VariableId> order;
  std::size_t m = 0;
  std::vector<Factor> beta, mu;
  std::vector<double> beta_log, mu_log;  // beta_log[m]: the root's scalar belief
  std::vector<std::size_t> parent, depth;

  // Separator i (between i and its parent) takes the message from i up to the parent.
  void send_up(std::size_t i) {
    Factor nw = max_out(beta[i], order[i]);
    const double l = normalise(nw) + beta_log[i];
    const std::size_t p = parent[i];
    if (p == m) {
      beta_log[m] += l - mu_log[i];
    } else {
      beta[p] *= divide(nw, mu[i]);
      beta_log[p] += l - mu_log[i];
      beta_log[p] += normalise(beta[p]);
      mu[i] = std::move(nw);
    }
    mu_log[i] = l;
  }
  // Separator i takes the message from the parent down to i.
  void send_down(std::size_t i) {
    const std::size_t p = parent[i];
    if (p == m) {
      beta_log[i] += beta_log[m] - mu_log[i];
      mu_log[i] = beta_log[m];
      return;
    }
    Factor nw = max_marginal(beta[p], mu[i].variables());
    const double l = normalise(nw) + beta_log[p];
    beta[i] *= divide(nw, mu[i]);
    beta_log[i] += l - mu_log[i];
    beta_log[i] += normalise(beta[i]);
    mu[i] = std::move(nw);
    mu_log[i] = l;
  }
  // Moves the focus from `from` to `to`: the messages along the path between them, towards `to`.
  void move(std::size_t from, std::size_t to, std::vector<std::size_t>& down) {
    down.clear();
    std::size_t a = from, b = to;
    while (depth[a] > depth[b]) {
      send_up(a);
      a = parent[a];
    }
    while (depth[b] > depth[a]) {
      down.push_back(b);
      b = parent[b];
    }
    while (a != b) {
      send_up(a);
      a = parent[a];
      down.push_back(b);
      b = parent[b];
    }
    for (std::size_t k = down.size(); k-- > 0;) send_down(down[k]);
  }
};

}  // namespace

LexicographicMax lexicographic_max(Pool pool, std::span<const VariableId> order, std::size_t num_variables,
                                   double tolerance, std::vector<std::size_t>& x) {
  const std::size_t m = order.size();
  Tree t;
  t.order = order;
  t.m = m;
  t.beta.resize(m);
  t.mu.resize(m);
  t.beta_log.assign(m + 1, 0.0);
  t.mu_log.assign(m, 0.0);
  t.parent.assign(m, m);

  // Upward pass: bucket elimination by max-product, each bucket's product kept as its table.
  std::vector<Factor>& fs = pool.factors;
  std::vector<std::size_t> origin(fs.size(), m);  // m: an input factor; else the bucket it is the message of
  std::vector<std::vector<std::size_t>> by_var(num_variables);
  std::vector<bool> alive(fs.size(), true);
  for (std::size_t k = 0; k < fs.size(); ++k)
    for (VariableId v : fs[k].variables()) by_var[v].push_back(k);
  double root_log = pool.log_scale;
  LexicographicMax out;
  // An all-zero table (a partial product stops at a true zero, so its scope may be short): no
  // assignment has positive value.
  for (const Factor& f : fs)
    if (!(f.max() > 0.0)) {
      out.log_value = kMinusInf;
      return out;
    }
  std::vector<Factor> bucket;
  for (std::size_t i = 0; i < m; ++i) {
    const VariableId v = order[i];
    bucket.clear();
    double lg = 0.0;
    for (std::size_t k : by_var[v]) {
      if (!alive[k]) continue;
      alive[k] = false;
      if (origin[k] == m) {
        bucket.push_back(std::move(fs[k]));
      } else {
        t.parent[origin[k]] = i;
        lg += t.mu_log[origin[k]];
        bucket.push_back(std::move(fs[k]));  // a copy of mu[origin]
      }
    }
    if (bucket.empty()) throw std::logic_error("lexicographic_max: a variable of the order is in no factor");
    Factor product = multiply_all(bucket);
    // Every input has largest entry 1: an all-zero product of several may be an underflow.
    if (bucket.size() > 1 && !(product.max() > 0.0)) product = scaled_product(bucket, lg);
    const double s = normalise(product);
    if (s == kMinusInf) {
      out.log_value = kMinusInf;
      return out;
    }
    lg += s;
    t.beta[i] = std::move(product);
    t.beta_log[i] = lg;
    Factor msg = max_out(t.beta[i], v);  // largest entry 1 already
    t.mu_log[i] = lg;
    if (msg.arity() == 0) {
      root_log += lg;
      t.mu[i] = std::move(msg);
      continue;
    }
    const std::size_t k = fs.size();
    for (VariableId u : msg.variables()) by_var[u].push_back(k);
    fs.push_back(msg);
    origin.push_back(i);
    alive.push_back(true);
    t.mu[i] = std::move(msg);
  }
  for (std::size_t k = 0; k < fs.size(); ++k) {
    if (!alive[k]) continue;
    if (fs[k].arity() != 0) throw std::logic_error("lexicographic_max: a variable of the pool is not in the order");
    const double c = fs[k].values()[0];
    if (!(c > 0.0)) {
      out.log_value = kMinusInf;
      return out;
    }
    root_log += std::log(c);
  }
  t.beta_log[m] = root_log;
  out.log_value = root_log;

  // Traceback: each bucket's lowest state within the tolerance of its best given the later ones.
  bool tied = false;
  for (std::size_t i = m; i-- > 0;) {
    const VariableId v = order[i];
    const Factor& f = t.beta[i];
    const std::size_t base = base_index(f, v, x);
    const std::size_t pos = f.position(v);
    const std::size_t stride = f.strides()[pos];
    const std::size_t k = f.cardinalities()[pos];
    double best = 0.0;
    for (std::size_t s = 0; s < k; ++s) best = std::max(best, f.values()[base + s * stride]);
    const double floor = best * (1.0 - tolerance);
    std::size_t chosen = k;
    for (std::size_t s = 0; s < k; ++s) {
      if (f.values()[base + s * stride] < floor) continue;
      if (chosen == k) chosen = s;
      else tied = true;
    }
    x[v] = chosen == k ? 0 : chosen;
  }
  if (!tied) return out;  // the optimum is unique: each step had one optimal state given the later ones
  out.tied = true;

  // Max-calibration: the downward pass (parents have higher indices than their children).
  t.depth.assign(m + 1, 0);
  for (std::size_t i = m; i-- > 0;) {
    t.depth[i] = t.depth[t.parent[i]] + 1;
    t.send_down(i);
  }
  const double floor_log = root_log + std::log1p(-tolerance);
  // The lowest state of order[i] whose max-marginal in bucket i is at least floor_log; with
  // `count`, how many are.
  auto lowest = [&](std::size_t i, std::size_t* count) {
    const VariableId v = order[i];
    const Factor mm = max_marginal(t.beta[i], std::vector<VariableId>{v});
    std::size_t chosen = mm.size(), n = 0, argmax = 0;
    for (std::size_t s = 0; s < mm.size(); ++s) {
      if (mm.values()[s] > mm.values()[argmax]) argmax = s;
      if (mm.values()[s] > 0.0 && std::log(mm.values()[s]) + t.beta_log[i] >= floor_log) {
        if (n++ == 0) chosen = s;
      }
    }
    if (count) *count = n;
    return n == 0 ? argmax : chosen;  // none: rounding at the boundary; the best there is
  };
  std::vector<std::size_t> free;  // buckets whose variable has more than one state within the tolerance
  for (std::size_t i = 0; i < m; ++i) {
    std::size_t n = 0;
    const std::size_t s = lowest(i, &n);
    if (n > 1) free.push_back(i);
    else x[order[i]] = s;
  }
  std::sort(free.begin(), free.end(), [&](std::size_t a, std::size_t b) { return order[a] < order[b]; });
  std::size_t focus = m;
  std::vector<std::size_t> path;
  double value = root_log;
  for (std::size_t i : free) {
    t.move(focus, i, path);
    focus = i;
    const VariableId v = order[i];
    const std::size_t s = lowest(i, nullptr);
    x[v] = s;
    // Fix v = s in its bucket: every other state's entries become zero.
    Factor& f = t.beta[i];
    const std::size_t pos = f.position(v);
    const std::size_t stride = f.strides()[pos];
    const std::size_t k = f.cardinalities()[pos];
    auto vals = f.mutable_values();
    for (std::size_t e = 0; e < vals.size(); ++e)
      if ((e / stride) % k != s) vals[e] = 0.0;
    t.beta_log[i] += normalise(f);
    value = t.beta_log[i];  // the max given the states fixed so far: f's largest entry is 1
  }
  out.visited = free.size();
  out.log_value = value;
  return out;
}

}  // namespace pgm::detail
