// The chi-square and normal tails against closed forms: Q(1, t) = e^(−t) (dof 2),
// Q(1/2, t) = erfc(√t) (dof 1), Q(3/2, t) = erfc(√t) + 2 √(t/π) e^(−t) (dof 3), and for integer a
// the Poisson sum Q(k, t) = e^(−t) Σ_{i<k} tⁱ / i! (evaluated here in long double), plus
// textbook 5% critical values and tails down to 1e-300.
#include <pgm/core/special_functions.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace pgm {
namespace {

void expect_relative(double got, double want, double tolerance) {
  EXPECT_NEAR(got, want, tolerance * std::fabs(want)) << "want " << want;
}

TEST(SpecialFunctions, TwoDegreesOfFreedomIsExponential) {
  for (const double x : {1e-6, 0.1, 1.0, 2.0, 2.5, 5.0, 20.0, 100.0, 700.0, 1300.0}) {
    expect_relative(chi_square_upper_tail(x, 2.0), std::exp(-x / 2.0), 1e-12);
    expect_relative(log_regularized_gamma_q(1.0, x / 2.0), -x / 2.0, 1e-13);
  }
}

TEST(SpecialFunctions, OneDegreeOfFreedomIsErfc) {
  for (const double x : {1e-8, 0.01, 0.5, 1.0, 2.0, 3.0, 3.841458820694124, 10.0, 50.0, 200.0, 1000.0}) {
    expect_relative(chi_square_upper_tail(x, 1.0), std::erfc(std::sqrt(x / 2.0)), 1e-12);
  }
}

TEST(SpecialFunctions, ThreeDegreesOfFreedomClosedForm) {
  for (const double t : {0.01, 0.7, 1.5, 2.5, 4.0, 30.0, 300.0}) {
    const double want = std::erfc(std::sqrt(t)) + 2.0 * std::sqrt(t / std::numbers::pi) * std::exp(-t);
    expect_relative(regularized_gamma_q(1.5, t), want, 1e-12);
  }
}

TEST(SpecialFunctions, IntegerShapeIsAPoissonSum) {
  for (const int k : {2, 5, 25, 100}) {
    for (const double t : {0.5, 0.5 * k, 1.0 * k, 1.0 * k + 1.0, 2.0 * k, 4.0 * k + 20.0}) {
      long double term = 1.0L, sum = 0.0L;
      for (int i = 0; i < k; ++i) {
        sum += term;
        term *= static_cast<long double>(t) / (i + 1);
      }
      const double want = static_cast<double>(std::exp(-static_cast<long double>(t)) * sum);
      expect_relative(regularized_gamma_q(k, t), want, 1e-11);
    }
  }
}

TEST(SpecialFunctions, TextbookCriticalValues) {
  // The 95% quantiles of chi-square tables: the upper tail there is 0.05.
  EXPECT_NEAR(chi_square_upper_tail(3.841458820694124, 1), 0.05, 1e-12);
  EXPECT_NEAR(chi_square_upper_tail(5.991464547107979, 2), 0.05, 1e-12);
  EXPECT_NEAR(chi_square_upper_tail(18.307038053275146, 10), 0.05, 1e-12);
  EXPECT_NEAR(chi_square_upper_tail(124.34211340400407, 100), 0.05, 1e-12);
  EXPECT_NEAR(normal_two_sided_tail(1.959963984540054), 0.05, 1e-13);
  EXPECT_NEAR(normal_two_sided_tail(-2.5758293035489004), 0.01, 1e-13);
}

TEST(SpecialFunctions, TinyTailsAreNotZero) {
  // e^(−690) ≈ 2.3e-300: in range, so it must come out right, not 0.
  expect_relative(chi_square_upper_tail(1380.0, 2.0), std::exp(-690.0), 1e-11);
  expect_relative(chi_square_upper_tail(1300.0, 1.0), std::erfc(std::sqrt(650.0)), 1e-10);
  // Where Q underflows, its log is still the closed form.
  expect_relative(log_regularized_gamma_q(1.0, 5000.0), -5000.0, 1e-14);
  expect_relative(normal_two_sided_tail(37.0), std::erfc(37.0 / std::sqrt(2.0)), 1e-13);
  EXPECT_GT(normal_two_sided_tail(37.0), 0.0);
}

TEST(SpecialFunctions, Edges) {
  EXPECT_EQ(regularized_gamma_q(2.0, 0.0), 1.0);
  EXPECT_EQ(regularized_gamma_q(2.0, -1.0), 1.0);
  EXPECT_EQ(regularized_gamma_q(2.0, INFINITY), 0.0);
  EXPECT_TRUE(std::isnan(regularized_gamma_q(0.0, 1.0)));
  EXPECT_EQ(normal_two_sided_tail(0.0), 1.0);
}

}  // namespace
}  // namespace pgm
