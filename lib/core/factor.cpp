#include <pgm/core/error.hpp>
#include <pgm/core/factor.hpp>
#include <pgm/core/size.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <ostream>

namespace pgm {
namespace {

// Table walks. Every operation below is a walk over an output (or input) table in storage order,
// with K streams whose offsets advance by per-dimension strides. Adjacent dimensions that are
// contiguous for every stream are merged first, so the innermost loop is as long as possible and
// usually runs over contiguous memory; only the outer dimensions pay for the odometer.
// At most this many dimensions of size > 1: a table with more would exceed 2^64 entries.
constexpr std::size_t kMaxDims = 64;

template <std::size_t K>
struct Walk {
  // Fixed-size storage: walks are set up for every operation, and heap allocation here dominated
  // the cost of operations on small tables.
  std::array<std::size_t, kMaxDims> cards{};                   // outer dimensions
  std::array<std::array<std::size_t, K>, kMaxDims> strides{};  // per outer dimension, per stream
  std::size_t dims = 0;
  std::size_t inner = 1;                       // length of the innermost run
  std::array<std::size_t, K> inner_stride{};   // per stream
};

// cards: cardinalities in storage order of the walked table; strides[d][k] of stream k.
template <std::size_t K>
Walk<K> make_walk(std::span<const std::size_t> cards, std::span<const std::array<std::size_t, K>> strides) {
  // Merge from the innermost outwards: dimension d folds into the one inside it when, for every
  // stream, stepping d once equals stepping the inner one through its whole range. Dimensions of
  // size 1 contribute nothing to offsets and are skipped.
  std::array<std::size_t, kMaxDims> mc{};
  std::array<std::array<std::size_t, K>, kMaxDims> ms{};
  std::size_t m = 0;  // merged dimensions, innermost first
  for (std::size_t i = cards.size(); i-- > 0;) {
    if (cards[i] == 1) continue;
    if (m > 0) {
      bool mergeable = true;
      for (std::size_t k = 0; k < K; ++k)
        if (strides[i][k] != ms[m - 1][k] * mc[m - 1]) mergeable = false;
      if (mergeable) {
        mc[m - 1] *= cards[i];
        continue;
      }
    }
    if (m == kMaxDims) throw LimitError("a factor has more than 64 dimensions of size > 1");
    mc[m] = cards[i];
    ms[m] = strides[i];
    ++m;
  }
  Walk<K> w;
  if (m > 0) {
    w.inner = mc[0];
    w.inner_stride = ms[0];
  }
  // Outer dimensions in storage order (outermost first).
  for (std::size_t j = 1; j < m; ++j) {
    w.cards[m - 1 - j] = mc[j];
    w.strides[m - 1 - j] = ms[j];
  }
  w.dims = m > 0 ? m - 1 : 0;
  return w;
}

// Calls inner(offsets) once per outer position, offsets being each stream's start of the run.
template <std::size_t K, class Inner>
void for_each_run(const Walk<K>& w, std::array<std::size_t, K> off, Inner&& inner) {
  const std::size_t nd = w.dims;
  if (nd == 0) {
    inner(off);
    return;
  }
  std::array<std::size_t, kMaxDims> count{};
  for (;;) {
    inner(off);
    std::size_t d = nd;
    for (;;) {
      --d;
      if (++count[d] < w.cards[d]) {
        for (std::size_t k = 0; k < K; ++k) off[k] += w.strides[d][k];
        break;
      }
      count[d] = 0;
      for (std::size_t k = 0; k < K; ++k) off[k] -= w.strides[d][k] * (w.cards[d] - 1);
      if (d == 0) return;
    }
  }
}

// Zero cardinalities are a model error; sizes that overflow or exceed max_table_bytes() a LimitError
// naming the true size, checked before anything is allocated.
std::size_t checked_size(const std::vector<std::size_t>& cards) {
  for (std::size_t c : cards)
    if (c == 0) throw ModelError("a variable of a factor has no states");
  return checked_table_size(cards);
}

// Sorted union of two sorted scopes with cardinalities.
void scope_union(const Factor& a, const Factor& b, std::vector<VariableId>& vars, std::vector<std::size_t>& cards) {
  const auto& av = a.variables();
  const auto& bv = b.variables();
  std::size_t i = 0, j = 0;
  while (i < av.size() || j < bv.size()) {
    if (j == bv.size() || (i < av.size() && av[i] < bv[j])) {
      vars.push_back(av[i]);
      cards.push_back(a.cardinalities()[i++]);
    } else if (i == av.size() || bv[j] < av[i]) {
      vars.push_back(bv[j]);
      cards.push_back(b.cardinalities()[j++]);
    } else {
      if (a.cardinalities()[i] != b.cardinalities()[j])
        throw ModelError("variable " + std::to_string(av[i]) + " has different cardinalities in two factors");
      vars.push_back(av[i]);
      cards.push_back(a.cardinalities()[i]);
      ++i;
      ++j;
    }
  }
}

}  // namespace

// Gives the operations access to the private representation without exposing a mutable scope.
class FactorAccess {
 public:
  // A factor whose entries are left uninitialised: every caller writes each of them.
  static Factor make_uninitialized(std::vector<VariableId> vars, std::vector<std::size_t> cards) {
    const std::size_t n = checked_size(cards);
    Factor f;
    f.variables_ = std::move(vars);
    f.cards_ = std::move(cards);
    f.values_.resize(n);
    f.compute_strides();
    return f;
  }
};

Factor::Factor() : values_{1.0} {}

Factor::Factor(std::vector<VariableId> variables, std::vector<std::size_t> cardinalities, std::vector<double> values) {
  if (variables.size() != cardinalities.size())
    throw ModelError("factor has " + std::to_string(variables.size()) + " variables but " +
                     std::to_string(cardinalities.size()) + " cardinalities");
  const std::size_t n = checked_size(cardinalities);
  if (values.size() != n)
    throw ModelError("factor table has " + std::to_string(values.size()) + " values; its scope needs " +
                     std::to_string(n));
  std::vector<std::size_t> perm(variables.size());
  std::iota(perm.begin(), perm.end(), 0);
  std::sort(perm.begin(), perm.end(), [&](std::size_t x, std::size_t y) { return variables[x] < variables[y]; });
  for (std::size_t i = 1; i < perm.size(); ++i)
    if (variables[perm[i]] == variables[perm[i - 1]])
      throw ModelError("variable " + std::to_string(variables[perm[i]]) + " appears twice in a factor's scope");
  const bool sorted = std::is_sorted(perm.begin(), perm.end());
  variables_.resize(variables.size());
  cards_.resize(variables.size());
  for (std::size_t i = 0; i < perm.size(); ++i) {
    variables_[i] = variables[perm[i]];
    cards_[i] = cardinalities[perm[i]];
  }
  compute_strides();
  if (sorted) {
    values_.assign(values.begin(), values.end());
    return;
  }
  // Input strides (row-major in the given order), then gather in canonical order.
  std::vector<std::size_t> in_strides(variables.size());
  std::size_t s = 1;
  for (std::size_t i = variables.size(); i-- > 0;) {
    in_strides[i] = s;
    s *= cardinalities[i];
  }
  std::vector<std::array<std::size_t, 1>> st(perm.size());
  for (std::size_t i = 0; i < perm.size(); ++i) st[i] = {in_strides[perm[i]]};
  const auto w = make_walk<1>(cards_, st);
  values_.resize(n);
  double* out = values_.data();
  const double* in = values.data();
  for_each_run<1>(w, {0}, [&](const std::array<std::size_t, 1>& off) {
    const std::size_t si = w.inner_stride[0];
    for (std::size_t i = 0; i < w.inner; ++i) *out++ = in[off[0] + i * si];
  });
}

void Factor::compute_strides() {
  strides_.assign(cards_.size(), 1);
  std::size_t s = 1;
  for (std::size_t i = cards_.size(); i-- > 0;) {
    strides_[i] = s;
    s *= cards_[i];
  }
}

Factor Factor::scalar(double value) {
  Factor f;
  f.values_[0] = value;
  return f;
}

Factor Factor::constant(std::vector<VariableId> variables, std::vector<std::size_t> cardinalities, double value) {
  // Every entry is the same, so no permutation is needed: sort the scope and fill the table in place.
  if (variables.size() != cardinalities.size())
    throw ModelError("factor has " + std::to_string(variables.size()) + " variables but " +
                     std::to_string(cardinalities.size()) + " cardinalities");
  std::vector<std::size_t> perm(variables.size());
  std::iota(perm.begin(), perm.end(), 0);
  std::sort(perm.begin(), perm.end(), [&](std::size_t x, std::size_t y) { return variables[x] < variables[y]; });
  std::vector<VariableId> vars(perm.size());
  std::vector<std::size_t> cards(perm.size());
  for (std::size_t i = 0; i < perm.size(); ++i) {
    vars[i] = variables[perm[i]];
    cards[i] = cardinalities[perm[i]];
    if (i > 0 && vars[i] == vars[i - 1])
      throw ModelError("variable " + std::to_string(vars[i]) + " appears twice in a factor's scope");
  }
  Factor f = FactorAccess::make_uninitialized(std::move(vars), std::move(cards));
  std::fill(f.values_.begin(), f.values_.end(), value);
  return f;
}

Factor Factor::constant(const VariableSet& vars, std::vector<VariableId> variables, double value) {
  std::vector<std::size_t> cards;
  cards.reserve(variables.size());
  for (VariableId v : variables) cards.push_back(vars[v].cardinality());
  return constant(std::move(variables), std::move(cards), value);
}

bool Factor::contains(VariableId v) const noexcept { return position(v) < variables_.size(); }

std::size_t Factor::position(VariableId v) const noexcept {
  auto it = std::lower_bound(variables_.begin(), variables_.end(), v);
  if (it != variables_.end() && *it == v) return static_cast<std::size_t>(it - variables_.begin());
  return variables_.size();
}

std::size_t Factor::cardinality(VariableId v) const {
  const std::size_t p = position(v);
  if (p == variables_.size()) throw QueryError("variable " + std::to_string(v) + " is not in the factor's scope");
  return cards_[p];
}

double Factor::at(std::span<const std::size_t> states) const {
  if (states.size() != variables_.size())
    throw QueryError("factor lookup needs " + std::to_string(variables_.size()) + " states, got " +
                     std::to_string(states.size()));
  std::size_t idx = 0;
  for (std::size_t i = 0; i < states.size(); ++i) {
    if (states[i] >= cards_[i]) throw QueryError("state index out of range in factor lookup");
    idx += states[i] * strides_[i];
  }
  return values_[idx];
}

double Factor::sum() const noexcept {
  double s = 0;
  for (double v : values_) s += v;
  return s;
}

double Factor::max() const noexcept { return values_.empty() ? 0.0 : *std::max_element(values_.begin(), values_.end()); }

std::vector<double> Factor::values_in_order(std::span<const VariableId> order) const {
  if (order.size() != variables_.size())
    throw QueryError("values_in_order needs a permutation of the factor's " + std::to_string(variables_.size()) +
                     " variables");
  std::vector<std::size_t> cards(order.size());
  std::vector<std::array<std::size_t, 1>> st(order.size());
  std::vector<bool> used(order.size(), false);
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::size_t p = position(order[i]);
    if (p == variables_.size() || used[p]) throw QueryError("values_in_order: not a permutation of the scope");
    used[p] = true;
    cards[i] = cards_[p];
    st[i] = {strides_[p]};
  }
  std::vector<double> out(values_.size());
  const auto w = make_walk<1>(cards, st);
  double* o = out.data();
  const double* in = values_.data();
  for_each_run<1>(w, {0}, [&](const std::array<std::size_t, 1>& off) {
    const std::size_t si = w.inner_stride[0];
    if (si == 1) {
      std::copy(in + off[0], in + off[0] + w.inner, o);
      o += w.inner;
    } else {
      for (std::size_t i = 0; i < w.inner; ++i) *o++ = in[off[0] + i * si];
    }
  });
  return out;
}

namespace {

// out[i] = op(a[...], b[...]) over the union scope.
template <class Op>
void combine_into(const Factor& a, const Factor& b, Op op, Factor& r) {
  std::vector<VariableId> vars;
  std::vector<std::size_t> cards;
  scope_union(a, b, vars, cards);
  std::vector<std::array<std::size_t, 2>> st(vars.size());
  for (std::size_t d = 0; d < vars.size(); ++d) {
    const std::size_t pa = a.position(vars[d]);
    const std::size_t pb = b.position(vars[d]);
    st[d] = {pa < a.arity() ? a.strides()[pa] : 0, pb < b.arity() ? b.strides()[pb] : 0};
  }
  if (r.variables() != vars || r.cardinalities() != cards) r = FactorAccess::make_uninitialized(std::move(vars), std::move(cards));
  const auto w = make_walk<2>(r.cardinalities(), st);
  double* o = r.mutable_values().data();
  const double* av = a.values().data();
  const double* bv = b.values().data();
  const std::size_t n = w.inner;
  const std::size_t sa = w.inner_stride[0];
  const std::size_t sb = w.inner_stride[1];
  for_each_run<2>(w, {0, 0}, [&](const std::array<std::size_t, 2>& off) {
    const double* x = av + off[0];
    const double* y = bv + off[1];
    if (sa == 1 && sb == 1) {
      for (std::size_t i = 0; i < n; ++i) o[i] = op(x[i], y[i]);
    } else if (sa == 1 && sb == 0) {
      const double yv = *y;
      for (std::size_t i = 0; i < n; ++i) o[i] = op(x[i], yv);
    } else if (sa == 0 && sb == 1) {
      const double xv = *x;
      for (std::size_t i = 0; i < n; ++i) o[i] = op(xv, y[i]);
    } else {
      for (std::size_t i = 0; i < n; ++i) o[i] = op(x[i * sa], y[i * sb]);
    }
    o += n;
  });
}

template <class Op>
Factor combine(const Factor& a, const Factor& b, Op op) {
  Factor r;
  combine_into(a, b, op, r);
  return r;
}

// Folds the variables of `drop` out of f with `acc` (sum or max), starting from `init`.
template <class Acc>
void fold_out_into(const Factor& f, const std::vector<bool>& drop_pos, double init, Acc acc, Factor& r) {
  std::vector<VariableId> vars;
  std::vector<std::size_t> cards;
  for (std::size_t d = 0; d < f.arity(); ++d) {
    if (!drop_pos[d]) {
      vars.push_back(f.variables()[d]);
      cards.push_back(f.cardinalities()[d]);
    }
  }
  if (r.variables() != vars || r.cardinalities() != cards) r = FactorAccess::make_uninitialized(vars, cards);
  std::fill(r.mutable_values().begin(), r.mutable_values().end(), init);
  // Walk the input in storage order; the output stride of a dropped dimension is 0.
  std::vector<std::array<std::size_t, 2>> st(f.arity());
  std::size_t k = 0;
  for (std::size_t d = 0; d < f.arity(); ++d) {
    st[d] = {f.strides()[d], drop_pos[d] ? 0 : r.strides()[k]};
    if (!drop_pos[d]) ++k;
  }
  const auto w = make_walk<2>(f.cardinalities(), st);
  const double* in = f.values().data();
  double* o = r.mutable_values().data();
  const std::size_t n = w.inner;
  const std::size_t so = w.inner_stride[1];
  for_each_run<2>(w, {0, 0}, [&](const std::array<std::size_t, 2>& off) {
    const double* x = in + off[0];
    double* y = o + off[1];
    if (so == 1) {
      for (std::size_t i = 0; i < n; ++i) y[i] = acc(y[i], x[i]);
    } else if (so == 0) {
      double s = *y;
      for (std::size_t i = 0; i < n; ++i) s = acc(s, x[i]);
      *y = s;
    } else {
      for (std::size_t i = 0; i < n; ++i) y[i * so] = acc(y[i * so], x[i]);
    }
  });
}

template <class Acc>
Factor fold_out(const Factor& f, const std::vector<bool>& drop_pos, double init, Acc acc) {
  Factor r;
  fold_out_into(f, drop_pos, init, acc, r);
  return r;
}

}  // namespace

Factor multiply(const Factor& a, const Factor& b) {
  if (a.arity() == 0) return scale(b, a.values()[0]);
  if (b.arity() == 0) return scale(a, b.values()[0]);
  return combine(a, b, [](double x, double y) { return x * y; });
}

Factor operator*(const Factor& a, const Factor& b) { return multiply(a, b); }

void multiply_into(const Factor& a, const Factor& b, Factor& out) {
  if (&a == &out || &b == &out) {
    out = multiply(a, b);
    return;
  }
  combine_into(a, b, [](double x, double y) { return x * y; }, out);
}

Factor multiply_all(std::span<const Factor> factors) {
  if (factors.empty()) return Factor();
  // Multiply smallest first so large tables are touched once.
  std::vector<const Factor*> order;
  order.reserve(factors.size());
  for (const auto& f : factors) order.push_back(&f);
  std::sort(order.begin(), order.end(), [](const Factor* x, const Factor* y) { return x->size() < y->size(); });
  Factor r = *order[0];
  for (std::size_t i = 1; i < order.size(); ++i) r = multiply(r, *order[i]);
  return r;
}

Factor divide(const Factor& a, const Factor& b) {
  return combine(a, b, [](double x, double y) { return y == 0.0 ? 0.0 : x / y; });
}

Factor sum_out(const Factor& f, VariableId v) {
  const VariableId vs[1] = {v};
  return sum_out(f, vs);
}

Factor sum_out(const Factor& f, std::span<const VariableId> vs) {
  std::vector<bool> drop(f.arity(), false);
  bool any = false;
  for (VariableId v : vs) {
    const std::size_t p = f.position(v);
    if (p < f.arity()) drop[p] = any = true;
  }
  if (!any) return f;
  return fold_out(f, drop, 0.0, [](double s, double x) { return s + x; });
}

void sum_out_into(const Factor& f, std::span<const VariableId> vs, Factor& out) {
  std::vector<bool> drop(f.arity(), false);
  for (VariableId v : vs) {
    const std::size_t p = f.position(v);
    if (p < f.arity()) drop[p] = true;
  }
  fold_out_into(f, drop, 0.0, [](double s, double x) { return s + x; }, out);
}

Factor& Factor::operator*=(const Factor& b) {
  if (b.arity() == 0) {
    for (double& v : values_) v *= b.values_[0];
    return *this;
  }
  std::vector<std::array<std::size_t, 1>> st(arity());
  for (std::size_t d = 0; d < arity(); ++d) {
    const std::size_t p = b.position(variables_[d]);
    st[d] = {p < b.arity() ? b.strides_[p] : 0};
  }
  for (VariableId v : b.variables_)
    if (!contains(v)) return *this = multiply(*this, b);
  for (VariableId v : b.variables_)
    if (cards_[position(v)] != b.cards_[b.position(v)]) throw ModelError("variable " + std::to_string(v) + " has different cardinalities in two factors");
  const auto w = make_walk<1>(cards_, st);
  double* o = values_.data();
  const double* bv = b.values_.data();
  const std::size_t n = w.inner;
  const std::size_t sb = w.inner_stride[0];
  for_each_run<1>(w, {0}, [&](const std::array<std::size_t, 1>& off) {
    const double* y = bv + off[0];
    if (sb == 1) {
      for (std::size_t i = 0; i < n; ++i) o[i] *= y[i];
    } else {
      const double yv = *y;
      for (std::size_t i = 0; i < n; ++i) o[i] *= yv;
    }
    o += n;
  });
  return *this;
}

Factor marginal(const Factor& f, std::span<const VariableId> keep) {
  std::vector<bool> drop(f.arity(), true);
  for (VariableId v : keep) {
    const std::size_t p = f.position(v);
    if (p < f.arity()) drop[p] = false;
  }
  if (std::none_of(drop.begin(), drop.end(), [](bool b) { return b; })) return f;
  return fold_out(f, drop, 0.0, [](double s, double x) { return s + x; });
}

Factor max_out(const Factor& f, VariableId v) {
  std::vector<bool> drop(f.arity(), false);
  const std::size_t p = f.position(v);
  if (p == f.arity()) return f;
  drop[p] = true;
  return fold_out(f, drop, -std::numeric_limits<double>::infinity(),
                  [](double s, double x) { return x > s ? x : s; });
}

Factor reduce(const Factor& f, const Evidence& evidence) {
  std::vector<VariableId> vars;
  std::vector<std::size_t> cards;
  std::vector<std::array<std::size_t, 1>> st;
  std::size_t base = 0;
  bool any = false;
  for (std::size_t d = 0; d < f.arity(); ++d) {
    const VariableId v = f.variables()[d];
    auto it = std::lower_bound(evidence.begin(), evidence.end(), v,
                               [](const auto& p, VariableId x) { return p.first < x; });
    if (it != evidence.end() && it->first == v) {
      if (it->second >= f.cardinalities()[d])
        throw QueryError("evidence state index " + std::to_string(it->second) + " out of range for variable " +
                         std::to_string(v));
      base += it->second * f.strides()[d];
      any = true;
    } else {
      vars.push_back(v);
      cards.push_back(f.cardinalities()[d]);
      st.push_back({f.strides()[d]});
    }
  }
  if (!any) return f;
  Factor r = FactorAccess::make_uninitialized(std::move(vars), std::move(cards));
  const auto w = make_walk<1>(r.cardinalities(), st);
  const double* in = f.values().data();
  double* o = r.mutable_values().data();
  for_each_run<1>(w, {base}, [&](const std::array<std::size_t, 1>& off) {
    const std::size_t si = w.inner_stride[0];
    for (std::size_t i = 0; i < w.inner; ++i) o[i] = in[off[0] + i * si];
    o += w.inner;
  });
  return r;
}

Factor normalize(const Factor& f) {
  const double s = f.sum();
  if (!std::isfinite(s)) throw NumericalError("cannot normalise a factor whose total is not finite");
  if (s <= 0.0) throw ZeroProbabilityEvidence("cannot normalise: every entry is zero (the evidence has probability zero)");
  // Divide rather than multiply by 1/s, so a point mass comes out exactly 1.
  Factor r = f;
  for (double& v : r.mutable_values()) v /= s;
  return r;
}

Factor scale(const Factor& f, double s) {
  Factor r = f;
  for (double& v : r.mutable_values()) v *= s;
  return r;
}

std::ostream& operator<<(std::ostream& os, const Factor& f) {
  os << "Factor(";
  for (std::size_t i = 0; i < f.arity(); ++i) os << (i ? "," : "") << f.variables()[i] << ':' << f.cardinalities()[i];
  os << ") [";
  for (std::size_t i = 0; i < f.size() && i < 64; ++i) os << (i ? " " : "") << f.values()[i];
  if (f.size() > 64) os << " ...";
  return os << ']';
}

}  // namespace pgm
