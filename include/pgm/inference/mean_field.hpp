#pragma once
// Mean-field variational inference (coordinate ascent, CAVI) on a discrete factor model: a fully
// factorised q(z) = Π_i q_i(z_i) over the unobserved variables, each update
//   q_i(x) ∝ exp(E_{q_-i}[Σ_{f ∋ i} ln f])
// in declared (id) order, one sweep over every free variable = one iteration. The ELBO
//   L(q) = Σ_f E_q[ln f] + Σ_i H(q_i) ≤ ln Z(e)
// (Z(e): the sum of the product of the factors reduced by the evidence; P(e) for a Bayesian
// network) never decreases under these updates; ln Z(e) − L = KL(q ‖ p(z | e)). See docs/elbo.md.
//
// Zeros: ln 0 = -inf, with 0 · ln 0 = 0. A state whose expected log factor is -inf gets q = 0.
// When every state of a variable has expected log -inf (the other q's put mass on entries that are
// zero for every x, e.g. a deterministic factor under a random start), the update is the limit of
// replacing ln 0 by -M, M → ∞: q is restricted to the states whose zero-hitting mass is smallest
// and weighted there by exp of the finite part. No NaN is ever produced; the ELBO is -inf until q
// avoids every zero entry.
#include <pgm/core/factor.hpp>
#include <pgm/core/variable.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace pgm {

struct MeanFieldOptions {
  std::size_t max_iterations = 1000;  // sweeps
  // Converged when a sweep improves the (finite) ELBO by less than this (or q stops changing).
  double tolerance = 1e-10;
  std::uint64_t seed = 0;  // the initial q: Dirichlet(1, ..., 1) draws, deterministic per seed
};

struct MeanFieldResult {
  double elbo = 0.0;             // after the last sweep (-inf when q still hits a zero)
  std::vector<double> history;   // the initial q's ELBO, then the ELBO after each sweep
  std::size_t iterations = 0;    // sweeps done
  bool converged = false;
  std::vector<VariableId> free;  // the unobserved variables, id order
  std::vector<std::vector<double>> q;  // q[k]: the distribution of free[k] over its states
};

// CAVI on the product of `factors` (over `vars`) reduced by `evidence`. ZeroProbabilityEvidence
// when the reduction leaves a factor that is zero everywhere (Z(e) = 0 seen locally).
[[nodiscard]] MeanFieldResult mean_field(const VariableSet& vars, std::span<const Factor> factors,
                                         const Evidence& evidence, const MeanFieldOptions& options = {});

}  // namespace pgm
