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

// The maximum of f over its variables outside `sep`'s scope (a subset of f's), written into out
// (sep's layout, zero-filled by the caller). The fastest dimension runs as an inner loop.
void max_marginal_into(const Factor& f, const Factor& sep, double* out) {
  const std::size_t a = f.arity();
  const auto in = f.values();
  if (a == 0) {
    out[0] = std::max(out[0], in[0]);
    return;
  }
  std::vector<std::size_t> ostride(a, 0), count(a, 0);
  for (std::size_t d = 0, k = 0; d < a; ++d)
    if (k < sep.arity() && f.variables()[d] == sep.variables()[k]) ostride[d] = sep.strides()[k++];
  const std::size_t inner = f.cardinalities()[a - 1], os = ostride[a - 1];
  std::size_t j = 0;
  for (std::size_t i = 0; i < in.size(); i += inner) {
    const double* row = in.data() + i;
    if (os == 0) {
      double mx = out[j];
      for (std::size_t c = 0; c < inner; ++c) mx = std::max(mx, row[c]);
      out[j] = mx;
    } else {
      for (std::size_t c = 0; c < inner; ++c) out[j + c * os] = std::max(out[j + c * os], row[c]);
    }
    for (std::size_t d = a - 1; d-- > 0;) {
      j += ostride[d];
      if (++count[d] < f.cardinalities()[d]) break;
      j -= ostride[d] * count[d];
      count[d] = 0;
    }
  }
}

// Every single-variable max-marginal of f at once: out[d][s] for f's d-th variable at state s.
void single_max_marginals(const Factor& f, std::vector<std::vector<double>>& out) {
  const std::size_t a = f.arity();
  out.resize(a);
  for (std::size_t d = 0; d < a; ++d) out[d].assign(f.cardinalities()[d], 0.0);
  std::vector<std::size_t> count(a, 0);
  const auto in = f.values();
  for (std::size_t i = 0; i < in.size(); ++i) {
    const double x = in[i];
    if (x > 0.0)
      for (std::size_t d = 0; d < a; ++d) out[d][count[d]] = std::max(out[d][count[d]], x);
    for (std::size_t d = a; d-- > 0;) {
      if (++count[d] < f.cardinalities()[d]) break;
      count[d] = 0;
    }
  }
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

  std::vector<Factor> ratio;  // per separator, storage for the update ratio (allocated on first use)
  std::vector<double> fresh;   // scratch: a separator's new table

  // The separator i's new table, max-marginal of `from`, into `fresh` (mu[i]'s layout); then
  // mu[i] takes it and `ratio[i]` becomes new / old (0/0 = 0). Returns the new table's log scale
  // relative to from's (-inf when all zero). No allocation after the first use.
  double update(std::size_t i, const Factor& from) {
    const Factor& sep = mu[i];
    fresh.assign(sep.size(), 0.0);
    max_marginal_into(from, sep, fresh.data());
    double mx = 0.0;
    for (double v : fresh) mx = std::max(mx, v);
    if (!(mx > 0.0)) return kMinusInf;
    if (ratio[i].size() != sep.size()) ratio[i] = sep;
    auto r = ratio[i].mutable_values();
    auto old = mu[i].mutable_values();
    const double inv = 1.0 / mx;
    for (std::size_t j = 0; j < fresh.size(); ++j) {
      const double nv = std::isfinite(inv) ? fresh[j] * inv : fresh[j] / mx;
      r[j] = old[j] > 0.0 ? nv / old[j] : 0.0;
      old[j] = nv;
    }
    return std::log(mx);
  }
  // Separator i (between i and its parent) takes the message from i up to the parent.
  void send_up(std::size_t i) {
    const std::size_t p = parent[i];
    if (p == m) {  // a scalar separator: beta[i]'s largest entry, 1 after normalising
      const double l = std::log(beta[i].max()) + beta_log[i];
      beta_log[m] += l - mu_log[i];
      mu_log[i] = l;
      return;
    }
    const double l = update(i, beta[i]) + beta_log[i];
    beta[p] *= ratio[i];
    beta_log[p] += l - mu_log[i];
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
    const double l = update(i, beta[p]) + beta_log[p];
    beta[i] *= ratio[i];
    beta_log[i] += l - mu_log[i];
    mu_log[i] = l;
  }
  std::vector<std::vector<std::size_t>> children;  // per node, m (the root) included
  // Reads an optimal assignment given the evidence entered so far, outward from `focus` (whose
  // table is exact; every other bucket's messages from its side away from the focus are, and the
  // one from the focus side is a constant once the separator's states are chosen): each bucket's
  // best entry over its variables not yet read, the first (lowest states) among equal ones.
  void decode(std::size_t focus, std::vector<std::size_t>& x, std::size_t num_variables) {
    std::vector<char> assigned(num_variables, 0);
    std::vector<std::pair<std::size_t, std::size_t>> stack{{focus, focus}};
    std::vector<std::size_t> dims, count;
    while (!stack.empty()) {
      const auto [node, from] = stack.back();
      stack.pop_back();
      if (node != m) {
        const Factor& f = beta[node];
        std::size_t base = 0;
        dims.clear();
        for (std::size_t d = 0; d < f.arity(); ++d) {
          if (assigned[f.variables()[d]]) base += x[f.variables()[d]] * f.strides()[d];
          else dims.push_back(d);
        }
        count.assign(dims.size(), 0);
        std::size_t index = base, best_index = base;
        double best = -1.0;
        const auto vals = f.values();
        for (;;) {
          if (vals[index] > best) {
            best = vals[index];
            best_index = index;
          }
          std::size_t k = dims.size();
          while (k-- > 0) {
            const std::size_t d = dims[k];
            index += f.strides()[d];
            if (++count[k] < f.cardinalities()[d]) break;
            index -= f.strides()[d] * count[k];
            count[k] = 0;
          }
          if (k == static_cast<std::size_t>(-1)) break;
        }
        for (std::size_t d : dims) {
          const VariableId v = f.variables()[d];
          x[v] = (best_index / f.strides()[d]) % f.cardinalities()[d];
          assigned[v] = 1;
        }
      }
      if (node != m && parent[node] != from) stack.emplace_back(parent[node], node);
      for (std::size_t c : children[node])
        if (c != from) stack.emplace_back(c, node);
    }
  }

  // Makes `to` exact after evidence was entered in the buckets `sources` (and `to` was exact, or
  // was the focus, before): the messages towards `to` on the paths from the sources, farthest first.
  void collect(const std::vector<std::size_t>& sources, std::size_t to) {
    std::vector<std::size_t> nodes, down;
    std::vector<std::pair<std::size_t, std::pair<std::size_t, std::size_t>>> edges;  // (distance, (from, next))
    std::vector<char> seen(m + 1, 0);
    for (std::size_t a : sources) {
      path(a, to, nodes, down);
      for (std::size_t k = 0; k + 1 < nodes.size(); ++k) {
        if (seen[nodes[k]]) break;  // the rest of this path is marked already
        seen[nodes[k]] = 1;
        edges.push_back({nodes.size() - 1 - k, {nodes[k], nodes[k + 1]}});
      }
    }
    std::sort(edges.begin(), edges.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [dist, e] : edges) {
      const auto [a, b] = e;
      if (a != m && b == parent[a]) send_up(a);
      else send_down(b);
    }
  }

  // The nodes from `from` to `to`, both included, along the tree.
  void path(std::size_t from, std::size_t to, std::vector<std::size_t>& nodes, std::vector<std::size_t>& down) const {
    nodes.clear();
    down.clear();
    std::size_t a = from, b = to;
    while (depth[a] > depth[b]) {
      nodes.push_back(a);
      a = parent[a];
    }
    while (depth[b] > depth[a]) {
      down.push_back(b);
      b = parent[b];
    }
    while (a != b) {
      nodes.push_back(a);
      a = parent[a];
      down.push_back(b);
      b = parent[b];
    }
    nodes.push_back(a);
    nodes.insert(nodes.end(), down.rbegin(), down.rend());
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
  t.ratio.resize(m);

  // Upward pass: bucket elimination by max-product, each bucket's product kept as its table.
  std::vector<Factor>& fs = pool.factors;
  const std::vector<Factor> inputs = fs;  // to evaluate assignments with, should a tie need it
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
  t.children.assign(m + 1, {});
  for (std::size_t i = 0; i < m; ++i) t.children[t.parent[i]].push_back(i);
  for (std::size_t i = m; i-- > 0;) {
    t.depth[i] = t.depth[t.parent[i]] + 1;
    t.send_down(i);
  }
  const double floor_log = root_log + std::log1p(-tolerance);
  // The lowest state of v whose max-marginal in bucket i (focused) is at least floor_log; with
  // `count`, how many are.
  auto lowest = [&](std::size_t i, VariableId v, std::size_t* count) {
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
  // Every variable's lowest state within the tolerance unconditionally: a lower bound on its state
  // in the answer (conditioning only lowers max-marginals). One state: forced, the answer.
  std::vector<std::size_t> lb(num_variables, 0);
  std::vector<char> settled(num_variables, 1);  // decided, and needing no evidence entered
  std::vector<std::size_t> free;                 // buckets whose variable has more than one
  for (std::size_t i = 0; i < m; ++i) {
    std::size_t n = 0;
    lb[order[i]] = lowest(i, order[i], &n);
    if (n > 1) {
      free.push_back(i);
      settled[order[i]] = 0;
    }
  }
  std::sort(free.begin(), free.end(), [&](std::size_t a, std::size_t b) { return order[a] < order[b]; });
  // The candidate x: an optimal assignment consistent with every state decided so far (so in T).
  // Going through the free variables in declared order, v's answer is at least lb[v] and at most
  // x[v] (x extends the decided prefix within the tolerance): when they agree it is decided at
  // once, its evidence deferred. Otherwise the deferred evidence is entered, the tree focused on
  // v's bucket, v's exact lowest state s read; when s < x[v], x is read again given v = s.
  t.decode(m, x, num_variables);  // calibrated: every bucket exact
  std::vector<std::size_t> deferred, sources, bucket_of(num_variables, m);
  for (std::size_t i = 0; i < m; ++i) bucket_of[order[i]] = i;
  std::vector<std::vector<double>> mms;
  std::vector<std::size_t> nodes, down;
  std::size_t focus = m, visited = 0;
  bool calibrated = true;  // no evidence entered yet: every bucket exact, no focus needed
  auto fix = [&](std::size_t b, VariableId v, std::size_t s) {
    Factor& f = t.beta[b];
    const std::size_t pos = f.position(v);
    const std::size_t stride = f.strides()[pos];
    const std::size_t k = f.cardinalities()[pos];
    auto vals = f.mutable_values();
    for (std::size_t e = 0; e < vals.size(); ++e)
      if ((e / stride) % k != s) vals[e] = 0.0;
    t.beta_log[b] += normalise(f);
  };
  for (std::size_t i : free) {
    const VariableId v = order[i];
    if (settled[v]) continue;
    settled[v] = 1;
    if (x[v] == lb[v]) {
      deferred.push_back(v);
      continue;
    }
    sources.clear();
    for (VariableId u : deferred) {
      // Into the bucket holding u nearest v's: the buckets holding u are a subtree containing
      // u's own, so they are a prefix of the path from there to v's.
      t.path(bucket_of[u], i, nodes, down);
      std::size_t b = nodes[0];
      for (std::size_t nd : nodes) {
        if (nd == m || !t.beta[nd].contains(u)) break;
        b = nd;
      }
      fix(b, u, x[u]);
      sources.push_back(b);
    }
    deferred.clear();
    if (!calibrated) sources.push_back(focus);
    t.collect(sources, i);
    focus = i;
    calibrated = false;
    ++visited;
    const std::size_t s = lowest(i, v, nullptr);
    fix(i, v, s);
    if (s != x[v]) t.decode(i, x, num_variables);
    // The focused bucket is exact given the decided states: raise the lower bounds of the
    // undecided variables it holds; one state left decides them (as for the forced ones).
    const Factor& f = t.beta[i];
    single_max_marginals(f, mms);
    for (std::size_t d = 0; d < f.arity(); ++d) {
      const VariableId w = f.variables()[d];
      if (settled[w]) continue;
      std::size_t n = 0, first = 0;
      for (std::size_t st = 0; st < mms[d].size(); ++st)
        if (mms[d][st] > 0.0 && std::log(mms[d][st]) + t.beta_log[i] >= floor_log && n++ == 0) first = st;
      if (n == 0) continue;
      lb[w] = std::max(lb[w], first);
      if (n == 1) settled[w] = 1;
    }
  }
  // ln of the product at x, read off the input tables.
  double value = pool.log_scale;
  for (const Factor& f : inputs) {
    std::size_t index = 0;
    for (std::size_t d = 0; d < f.arity(); ++d) index += x[f.variables()[d]] * f.strides()[d];
    const double val = f.values()[index];
    value = val > 0.0 ? value + std::log(val) : kMinusInf;
  }
  out.visited = visited;
  out.log_value = value;
  return out;
}

}  // namespace pgm::detail
