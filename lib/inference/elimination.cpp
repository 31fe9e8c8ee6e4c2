#include <pgm/core/error.hpp>
#include <pgm/inference/detail/elimination.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace pgm::detail {

bool settle(Factor& f, double& log_scale) {
  const double m = f.max();
  if (!(m > 0.0) || !std::isfinite(m)) return true;  // zeros stay (a true zero); non-finite is reported later
  if (f.arity() == 0) {
    log_scale += std::log(m);
    return false;
  }
  if (m != 1.0) {
    const double s = 1.0 / m;
    if (std::isfinite(s)) {
      for (double& x : f.mutable_values()) x *= s;
    } else {  // m is subnormal: 1/m overflows, divide instead
      for (double& x : f.mutable_values()) x /= m;
    }
    log_scale += std::log(m);
  }
  return true;
}

Factor scaled_product(std::span<const Factor> factors, double& log_scale) {
  // Smallest first, so the early products stay small.
  std::vector<const Factor*> order;
  order.reserve(factors.size());
  for (const auto& f : factors) order.push_back(&f);
  std::stable_sort(order.begin(), order.end(), [](const Factor* a, const Factor* b) { return a->size() < b->size(); });
  Factor result;
  for (const Factor* f : order) {
    result = multiply(result, *f);
    const double m = result.max();
    if (!(m > 0.0)) return result;  // a true zero
    if (result.arity() > 0 && std::isfinite(m) && m != 1.0) {
      for (double& x : result.mutable_values()) x /= m;
      log_scale += std::log(m);
    }
  }
  return result;
}

Pool reduced_pool(const std::vector<Factor>& factors, const Relevance& relevant, const Evidence& evidence) {
  Pool pool;
  pool.factors.reserve(relevant.count);
  for (std::size_t i = 0; i < factors.size(); ++i) {
    if (!relevant[i]) continue;
    Factor r = reduce(factors[i], evidence);
    if (settle(r, pool.log_scale)) pool.factors.push_back(std::move(r));
  }
  return pool;
}

EliminationOrder pool_order(const Pool& pool, const std::vector<std::size_t>& cardinalities,
                            std::span<const VariableId> keep, EliminationHeuristic heuristic) {
  const std::size_t n = cardinalities.size();
  std::vector<bool> is_keep(n, false);
  for (VariableId v : keep) is_keep[v] = true;
  std::vector<bool> in_scope(n, false);
  std::vector<std::vector<VariableId>> scopes;
  scopes.reserve(pool.factors.size());
  for (const auto& f : pool.factors) {
    scopes.push_back(f.variables());
    for (VariableId v : f.variables()) in_scope[v] = true;
  }
  std::vector<VariableId> to_eliminate;
  for (VariableId v = 0; v < n; ++v)
    if (in_scope[v] && !is_keep[v]) to_eliminate.push_back(v);
  return EliminationOrder::find(scopes, cardinalities, to_eliminate, heuristic);
}

template <class S>
Factor eliminate(Pool& pool_in, const EliminationOrder& order, std::size_t num_variables, EliminationTrace* trace) {
  eliminate_in_place<S>(pool_in, order.order(), num_variables, trace);
  return scaled_product(pool_in.factors, pool_in.log_scale);
}

template <class S>
void eliminate_in_place(Pool& pool_in, std::span<const VariableId> variables, std::size_t num_variables,
                        EliminationTrace* trace) {
  std::vector<Factor>& pool = pool_in.factors;
  double& log_scale = pool_in.log_scale;
  // Bucket elimination with factors indexed by variable; removed factors are tombstoned.
  std::vector<std::vector<std::size_t>> by_var(num_variables);
  std::vector<bool> alive(pool.size(), true);
  for (std::size_t i = 0; i < pool.size(); ++i)
    for (VariableId v : pool[i].variables()) by_var[v].push_back(i);

  std::vector<Factor> bucket;
  for (VariableId v : variables) {
    bucket.clear();
    for (std::size_t i : by_var[v])
      if (alive[i]) {
        bucket.push_back(std::move(pool[i]));
        alive[i] = false;
      }
    if (bucket.empty()) continue;
    Factor product = multiply_all(bucket);
    // Each input has largest entry 1, so an all-zero product of several is either a true zero or
    // an underflow of entries whose maxima sit in different places: redo it rescaling as it goes.
    if (bucket.size() > 1 && !(product.max() > 0.0)) product = scaled_product(bucket, log_scale);
    Factor msg = S::marginalise(product, v);
    if constexpr (S::traced) {
      if (trace) {
        trace->variables.push_back(v);
        trace->products.push_back(std::move(product));
      }
    }
    if (!settle(msg, log_scale)) continue;
    const std::size_t idx = pool.size();
    for (VariableId u : msg.variables()) by_var[u].push_back(idx);
    pool.push_back(std::move(msg));
    alive.push_back(true);
  }
  std::vector<Factor> rest;
  for (std::size_t i = 0; i < pool.size(); ++i)
    if (alive[i]) rest.push_back(std::move(pool[i]));
  pool = std::move(rest);
}

template Factor eliminate<SumProduct>(Pool&, const EliminationOrder&, std::size_t, EliminationTrace*);
template Factor eliminate<MaxProduct>(Pool&, const EliminationOrder&, std::size_t, EliminationTrace*);
template void eliminate_in_place<SumProduct>(Pool&, std::span<const VariableId>, std::size_t, EliminationTrace*);
template void eliminate_in_place<MaxProduct>(Pool&, std::span<const VariableId>, std::size_t, EliminationTrace*);

void argmax_traceback(const EliminationTrace& trace, std::vector<std::size_t>& assignment) {
  std::vector<std::size_t> states;
  for (std::size_t i = trace.variables.size(); i-- > 0;) {
    const VariableId v = trace.variables[i];
    const Factor& f = trace.products[i];
    // Every other variable of the bucket was eliminated later (or kept / observed): already set.
    std::size_t base = 0;
    for (std::size_t d = 0; d < f.arity(); ++d)
      if (f.variables()[d] != v) base += assignment[f.variables()[d]] * f.strides()[d];
    const std::size_t pos = f.position(v);
    const std::size_t stride = f.strides()[pos];
    std::size_t best = 0;
    double best_value = -1.0;
    for (std::size_t s = 0; s < f.cardinalities()[pos]; ++s) {
      const double x = f.values()[base + s * stride];
      if (x > best_value) {
        best_value = x;
        best = s;
      }
    }
    assignment[v] = best;
  }
}

MostProbable most_probable_explanation(const VariableSet& vars, const std::vector<Factor>& factors,
                                       const Evidence& evidence, EliminationHeuristic heuristic) {
  Pool pool = reduced_pool(factors, everything(vars, factors), evidence);
  const auto cards = vars.cardinalities();
  const EliminationOrder order = pool_order(pool, cards, {}, heuristic);
  EliminationTrace trace;
  const Factor rest = eliminate<MaxProduct>(pool, order, vars.size(), &trace);
  MostProbable out;
  out.assignment.assign(vars.size(), 0);  // variables in no factor: any state is optimal, take 0
  for (const auto& [v, s] : evidence) out.assignment[v] = s;
  const double m = rest.max();  // empty scope: the maximum itself (largest entry 1 once settled)
  out.log_value = m > 0.0 ? std::log(m) + pool.log_scale : -std::numeric_limits<double>::infinity();
  argmax_traceback(trace, out.assignment);
  return out;
}

}  // namespace pgm::detail
