#pragma once
// Special functions for the tests on data (pgm citest): the chi-square and normal upper tails.
//
// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a) by the power series of
// P = 1 − Q below x = a + 1 and by the continued fraction of Q above it (Numerical Recipes §6.2,
// Cephes igamc). Relative error ~1e-15 · a against 40-digit mpmath (a ≤ 100: < 1e-13; a = 1000:
// 5e-13; a = 1e5: 1.5e-10), from rounding in ln of the prefactor, a ln x − x − ln Γ(a). The prefactor
// x^a e^(−x) / Γ(a) is formed in log space, so log_regularized_gamma_q stays finite (and Q itself
// is right, not 0) for tails down to the smallest double (~5e-324).

namespace pgm {

// Q(a, x) for a > 0, x ≥ 0 (x ≤ 0 gives 1; +∞ gives 0). NaN for a ≤ 0 or NaN arguments.
[[nodiscard]] double regularized_gamma_q(double a, double x);
// ln Q(a, x): finite where Q underflows (−∞ only for x = +∞).
[[nodiscard]] double log_regularized_gamma_q(double a, double x);

// P(χ²_dof ≥ x) = Q(dof / 2, x / 2), dof > 0.
[[nodiscard]] double chi_square_upper_tail(double x, double dof);

// P(|N(0, 1)| ≥ |z|) = erfc(|z| / √2): no cancellation in 1 − Φ for large |z|.
[[nodiscard]] double normal_two_sided_tail(double z);

}  // namespace pgm
