#pragma once
// The stages of variable elimination, shared by VariableElimination and by what comes next
// (max-product / MPE): relevance (relevance.hpp) → pool (reduce by the evidence, scale) → order →
// eliminate in a semiring → readout. Internal: the public engine is VariableElimination.
//
// Scaling: every table entering the pool, and every message, is scaled to a largest entry of 1 with
// the scale kept in log space, and constants are folded into that scale; so 400 observed roots of
// probability 0.1 give log P(e) = 400 ln 0.1 rather than an underflow to zero. Only a true zero
// stays zero. Both semirings below commute with a positive scale, so the same bookkeeping serves.
#include <pgm/core/factor.hpp>
#include <pgm/inference/elimination_order.hpp>
#include <pgm/inference/relevance.hpp>

#include <cstddef>
#include <span>
#include <vector>

namespace pgm::detail {

// Scales f to a largest entry of 1, adding the log of the scale; a positive constant is folded
// into the scale entirely (returns false: drop it). Zero and non-finite tables are left as they are.
bool settle(Factor& f, double& log_scale);
// Product of the factors, smallest first, rescaled to a largest entry of 1 after each multiplication.
[[nodiscard]] Factor scaled_product(std::span<const Factor> factors, double& log_scale);

// The tables elimination works on and the log of the scale taken out of them.
struct Pool {
  std::vector<Factor> factors;
  double log_scale = 0.0;
};

// Stage "pool": the relevant factors (in model order) reduced by the evidence and settled.
[[nodiscard]] Pool reduced_pool(const std::vector<Factor>& factors, const Relevance& relevant, const Evidence& evidence);

// Stage "order": an elimination order for the variables in the pool's scopes outside `keep`.
[[nodiscard]] EliminationOrder pool_order(const Pool& pool, const std::vector<std::size_t>& cardinalities,
                                          std::span<const VariableId> keep, EliminationHeuristic heuristic);

// Semiring policies for the elimination step: how a variable leaves a bucket's product.
struct SumProduct {
  static constexpr bool traced = false;
  [[nodiscard]] static Factor marginalise(const Factor& f, VariableId v) { return sum_out(f, v); }
};
struct MaxProduct {
  static constexpr bool traced = true;  // keeps each bucket's product for the argmax traceback
  [[nodiscard]] static Factor marginalise(const Factor& f, VariableId v) { return max_out(f, v); }
};

// Per eliminated variable (in elimination order), the bucket's product before it left: with
// max-product, the argmax trace from which an optimal assignment is read back.
struct EliminationTrace {
  std::vector<VariableId> variables;
  std::vector<Factor> products;
};

// Stage "eliminate": bucket elimination of order's variables from the pool in semiring S (pool is
// consumed). Returns the product of what is left, over the kept variables the pool mentions
// (largest entry 1, or all zero); its scale is added to pool.log_scale. With S::traced, `trace`
// (when given) receives each bucket's product.
template <class S>
[[nodiscard]] Factor eliminate(Pool& pool, const EliminationOrder& order, std::size_t num_variables,
                               EliminationTrace* trace = nullptr);
extern template Factor eliminate<SumProduct>(Pool&, const EliminationOrder&, std::size_t, EliminationTrace*);
extern template Factor eliminate<MaxProduct>(Pool&, const EliminationOrder&, std::size_t, EliminationTrace*);

// The same elimination of `variables` (in that order) leaving what is not eliminated in the pool, as
// factors, instead of multiplying it into one table: a first stage whose output a second stage (in
// another semiring) goes on from. MAP sums the non-targets out so, then maximises the targets.
template <class S>
void eliminate_in_place(Pool& pool, std::span<const VariableId> variables, std::size_t num_variables,
                        EliminationTrace* trace = nullptr);
extern template void eliminate_in_place<SumProduct>(Pool&, std::span<const VariableId>, std::size_t,
                                                    EliminationTrace*);
extern template void eliminate_in_place<MaxProduct>(Pool&, std::span<const VariableId>, std::size_t,
                                                    EliminationTrace*);

// Max-product readout: walks the trace backwards, giving each eliminated variable the state that
// maximises its bucket's product given the states already chosen. `assignment` holds a state per
// variable id; kept and observed variables must be set in it already.
void argmax_traceback(const EliminationTrace& trace, std::vector<std::size_t>& assignment);

// The most probable explanation: an assignment of every variable maximising the product of the
// factors given the evidence (observed variables at their states; ties broken towards lower states
// in traceback order), and the log of that maximum (for a Bayesian network ln P(x*, e); -inf when
// every assignment has weight zero). Evidence must be checked (sorted, in range).
struct MostProbable {
  std::vector<std::size_t> assignment;  // per variable id
  double log_value = 0.0;
};
[[nodiscard]] MostProbable most_probable_explanation(const VariableSet& vars, const std::vector<Factor>& factors,
                                                     const Evidence& evidence,
                                                     EliminationHeuristic heuristic = EliminationHeuristic::automatic);

}  // namespace pgm::detail
