// The incomplete gamma function by series and continued fraction (see the header).
#include <pgm/core/special_functions.hpp>

#include <cmath>
#include <limits>

namespace pgm {
namespace {

constexpr double kEpsilon = 1e-16;
// Both expansions converge in O(√a) terms near x ≈ a; this bound is far above any dof seen.
constexpr int kMaxTerms = 1'000'000;

// ln(x^a e^(−x) / Γ(a)).
double log_prefactor(double a, double x) { return a * std::log(x) - x - std::lgamma(a); }

// Σ_{n≥0} x^n / (a (a+1) ... (a+n)), so that P(a, x) = prefactor · a · ... (NR gser: P = sum · e^lp).
double series(double a, double x) {
  double term = 1.0 / a;
  double sum = term;
  double ap = a;
  for (int n = 0; n < kMaxTerms; ++n) {
    ap += 1.0;
    term *= x / ap;
    sum += term;
    if (std::fabs(term) < std::fabs(sum) * kEpsilon) break;
  }
  return sum;
}

// The continued fraction of Γ(a, x) e^x x^(−a) by the modified Lentz method (NR gcf).
double continued_fraction(double a, double x) {
  constexpr double tiny = std::numeric_limits<double>::min() / kEpsilon;
  double b = x + 1.0 - a;
  double c = 1.0 / tiny;
  double d = 1.0 / b;
  double h = d;
  for (int i = 1; i < kMaxTerms; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < kEpsilon) break;
  }
  return h;
}

}  // namespace

double log_regularized_gamma_q(double a, double x) {
  if (std::isnan(a) || std::isnan(x) || a <= 0.0) return std::numeric_limits<double>::quiet_NaN();
  if (x <= 0.0) return 0.0;
  if (std::isinf(x)) return -std::numeric_limits<double>::infinity();
  if (x < a + 1.0) {
    // Q = 1 − P: for a ≥ 1/2 (dof ≥ 1) Q(a, x) > Q(a, a + 1) > 0.083 here, so at most a digit lost.
    const double p = series(a, x) * std::exp(log_prefactor(a, x));
    return std::log1p(-p);
  }
  return log_prefactor(a, x) + std::log(continued_fraction(a, x));
}

double regularized_gamma_q(double a, double x) { return std::exp(log_regularized_gamma_q(a, x)); }

double chi_square_upper_tail(double x, double dof) { return regularized_gamma_q(0.5 * dof, 0.5 * x); }

double normal_two_sided_tail(double z) { return std::erfc(std::fabs(z) / std::sqrt(2.0)); }

}  // namespace pgm
