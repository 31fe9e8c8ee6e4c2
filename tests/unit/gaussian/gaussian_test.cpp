// Gaussian in moment and canonical form. Expected values come from closed forms worked out in the
// comments, or from formulas independent of the library's (explicit inverses, the full precision).
#include <pgm/core/error.hpp>
#include <pgm/gaussian/canonical_form.hpp>
#include <pgm/gaussian/gaussian.hpp>

#include <Eigen/Dense>
#include "support/error_message.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <string>
#include <vector>

namespace {

using pgm::CanonicalForm;
using pgm::Gaussian;
using Vec = Eigen::VectorXd;
using Mat = Eigen::MatrixXd;

std::vector<std::string> names_n(std::size_t n) {
  std::vector<std::string> r;
  for (std::size_t i = 0; i < n; ++i) r.push_back("V" + std::to_string(i));
  return r;
}

// A A ᵀ/n + I with A standard normal: eigenvalues in [1, ~5], so well conditioned.
Mat random_spd(std::size_t n, std::mt19937_64& rng) {
  std::normal_distribution<double> z;
  Mat a(n, n);
  for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = z(rng);
  return a * a.transpose() / static_cast<double>(n) + Mat::Identity(n, n);
}

Vec random_vec(std::size_t n, std::mt19937_64& rng) {
  std::normal_distribution<double> z(0.0, 3.0);
  Vec v(n);
  for (auto& x : v) x = z(rng);
  return v;
}

Gaussian bivariate() {
  Mat s(2, 2);
  s << 2.0, 1.0, 1.0, 1.5;
  return Gaussian({"X1", "X2"}, Vec{{1.0, 2.0}}, s, "bivariate");
}

TEST(Gaussian, BivariateConditionalByHand) {
  // X1 | X2 = 3: mean 1 + (1/1.5)(3 − 2) = 5/3, variance 2 − 1/1.5 = 4/3.
  const Gaussian post = bivariate().condition({{"X2", 3.0}});
  ASSERT_EQ(post.names(), std::vector<std::string>{"X1"});
  EXPECT_NEAR(post.mean()[0], 5.0 / 3.0, 1e-14);
  EXPECT_NEAR(post.covariance()(0, 0), 4.0 / 3.0, 1e-14);
  // Conditioning the other way uses the general (non-leading) path: X2 | X1 = 0:
  // mean 2 + (1/2)(0 − 1) = 1.5, variance 1.5 − 1/2 = 1.
  const Gaussian post2 = bivariate().condition({{"X1", 0.0}});
  EXPECT_NEAR(post2.mean()[0], 1.5, 1e-14);
  EXPECT_NEAR(post2.covariance()(0, 0), 1.0, 1e-14);
}

TEST(Gaussian, LogDensityAndMahalanobisByHand) {
  // Σ = [[4, 2], [2, 1.5]]: det 2, Σ⁻¹ = ½[[1.5, −2], [−2, 4]]; d²(1, 0.8) = ½(1.5 − 3.2 + 2.56) = 0.43.
  Mat s(2, 2);
  s << 4.0, 2.0, 2.0, 1.5;
  const Gaussian g({"A", "B"}, Vec::Zero(2), s);
  EXPECT_NEAR(g.mahalanobis(Vec{{2.0, 0.0}}), std::sqrt(3.0), 1e-14);
  EXPECT_NEAR(g.mahalanobis(Vec{{0.0, 1.0}}), std::sqrt(2.0), 1e-14);
  EXPECT_NEAR(g.mahalanobis(Vec{{1.0, 0.8}}), std::sqrt(0.43), 1e-14);
  // log p = −½(2 log 2π + log 2 + 0.43).
  const double expected = -0.5 * (2.0 * std::log(2.0 * std::numbers::pi) + std::log(2.0) + 0.43);
  EXPECT_NEAR(g.log_density(Vec{{1.0, 0.8}}), expected, 1e-13);
  EXPECT_NEAR(g.density(Vec{{1.0, 0.8}}), std::exp(expected), 1e-15);
  EXPECT_NEAR(g.log_det_covariance(), std::log(2.0), 1e-14);
  // point() reorders named values.
  EXPECT_EQ(g.point({{"B", 0.8}, {"A", 1.0}}), (Vec{{1.0, 0.8}}));
  EXPECT_THROW((void)g.point({{"A", 1.0}}), pgm::QueryError);
  EXPECT_THROW((void)g.mahalanobis(Vec::Zero(3)), pgm::QueryError);
}

TEST(Gaussian, ConditioningMatchesFullPrecisionFormula) {
  // Independent formula: with K = Σ⁻¹ (explicit inverse), X_h | x_o has covariance K_hh⁻¹ and
  // mean μ_h − K_hh⁻¹ K_ho (x_o − μ_o).
  std::mt19937_64 rng(7);
  for (std::size_t n : {2u, 3u, 5u, 10u, 25u, 50u}) {
    const Mat s = random_spd(n, rng);
    const Vec mu = random_vec(n, rng);
    const auto names = names_n(n);
    const Gaussian g(names, mu, s);
    const Mat k = s.inverse();
    for (int trial = 0; trial < 3; ++trial) {
      // A random subset of about half, in random order; trial 0 is the leading block in order.
      std::vector<std::size_t> perm(n);
      for (std::size_t i = 0; i < n; ++i) perm[i] = i;
      if (trial > 0) std::shuffle(perm.begin(), perm.end(), rng);
      const std::size_t n_o = std::max<std::size_t>(1, n / 2);
      std::vector<std::size_t> o(perm.begin(), perm.begin() + static_cast<std::ptrdiff_t>(n_o));
      std::vector<bool> obs(n, false);
      pgm::ContinuousEvidence ev;
      Vec x(n_o);
      for (std::size_t k2 = 0; k2 < n_o; ++k2) {
        obs[o[k2]] = true;
        x[k2] = mu[o[k2]] + std::normal_distribution<double>(0, 2)(rng);
        ev.emplace_back(names[o[k2]], x[k2]);
      }
      std::vector<std::size_t> h;
      for (std::size_t i = 0; i < n; ++i)
        if (!obs[i]) h.push_back(i);
      Mat khh(h.size(), h.size()), kho(h.size(), n_o);
      Vec dx(n_o), mu_h(h.size());
      for (std::size_t a = 0; a < h.size(); ++a) {
        mu_h[a] = mu[h[a]];
        for (std::size_t b = 0; b < h.size(); ++b) khh(a, b) = k(h[a], h[b]);
        for (std::size_t b = 0; b < n_o; ++b) kho(a, b) = k(h[a], o[b]);
      }
      for (std::size_t b = 0; b < n_o; ++b) dx[b] = x[b] - mu[o[b]];
      const Mat expected_cov = khh.inverse();
      const Vec expected_mean = mu_h - expected_cov * kho * dx;

      std::vector<std::string> warnings;
      const Gaussian post = g.condition(ev, &warnings);
      EXPECT_TRUE(warnings.empty());
      ASSERT_EQ(post.size(), h.size());
      for (std::size_t a = 0; a < h.size(); ++a) EXPECT_EQ(post.names()[a], names[h[a]]);
      EXPECT_LT((post.mean() - expected_mean).cwiseAbs().maxCoeff(), 1e-9) << "n=" << n << " trial " << trial;
      EXPECT_LT((post.covariance() - expected_cov).cwiseAbs().maxCoeff(), 1e-10) << "n=" << n << " trial " << trial;

      // Canonical form: condition there, convert back; must agree with moment-form conditioning.
      const Gaussian via_canonical = g.to_canonical().condition(ev).to_gaussian();
      EXPECT_LT((via_canonical.mean() - post.mean()).cwiseAbs().maxCoeff(), 1e-9);
      EXPECT_LT((via_canonical.covariance() - post.covariance()).cwiseAbs().maxCoeff(), 1e-10);
    }
  }
}

TEST(Gaussian, ConditioningInHigherDimensionMatchesClosedForm) {
  // 400 variables conditioned on a random 200: large enough that the dense kernels take their
  // blocked paths (OpenBLAS or Eigen). Closed form from the explicit precision, as above:
  // covariance K_hh⁻¹, mean μ_h − K_hh⁻¹ K_ho (x_o − μ_o); and the returned factor reproduces it.
  std::mt19937_64 rng(400);
  const std::size_t n = 400, n_o = 200;
  const Mat s = random_spd(n, rng);
  const Vec mu = random_vec(n, rng);
  const auto names = names_n(n);
  const Gaussian g(names, mu, s);
  const Mat k = s.inverse();
  std::vector<std::size_t> perm(n);
  for (std::size_t i = 0; i < n; ++i) perm[i] = i;
  std::shuffle(perm.begin(), perm.end(), rng);
  std::vector<std::size_t> o(perm.begin(), perm.begin() + n_o);
  std::vector<bool> obs(n, false);
  pgm::ContinuousEvidence ev;
  Vec dx(n_o);
  for (std::size_t b = 0; b < n_o; ++b) {
    obs[o[b]] = true;
    const double x = mu[o[b]] + std::normal_distribution<double>(0, 2)(rng);
    dx[b] = x - mu[o[b]];
    ev.emplace_back(names[o[b]], x);
  }
  std::vector<std::size_t> h;
  for (std::size_t i = 0; i < n; ++i)
    if (!obs[i]) h.push_back(i);
  Mat khh(h.size(), h.size()), kho(h.size(), n_o);
  Vec mu_h(h.size());
  for (std::size_t a = 0; a < h.size(); ++a) {
    mu_h[a] = mu[h[a]];
    for (std::size_t b = 0; b < h.size(); ++b) khh(a, b) = k(h[a], h[b]);
    for (std::size_t b = 0; b < n_o; ++b) kho(a, b) = k(h[a], o[b]);
  }
  const Mat expected_cov = khh.inverse();
  const Vec expected_mean = mu_h - expected_cov * kho * dx;
  std::vector<std::string> warnings;
  const Gaussian post = g.condition(ev, &warnings);
  EXPECT_TRUE(warnings.empty());
  ASSERT_EQ(post.size(), h.size());
  EXPECT_LT((post.mean() - expected_mean).cwiseAbs().maxCoeff(), 1e-9);
  EXPECT_LT((post.covariance() - expected_cov).cwiseAbs().maxCoeff(), 1e-10);
  const Mat& l = post.cholesky_factor();
  EXPECT_EQ(Mat(l.triangularView<Eigen::StrictlyUpper>()).cwiseAbs().maxCoeff(), 0.0);
  EXPECT_LT((l * l.transpose() - post.covariance()).cwiseAbs().maxCoeff(), 1e-12);
  // The log density at the mean, from the closed form: −½(d log 2π + log det Σ_post).
  const double expected_logdet = std::log(expected_cov.determinant());
  EXPECT_NEAR(post.log_det_covariance(), expected_logdet, 1e-9);
}

TEST(Gaussian, LinearAlgebraThreadsAreClampedAndDefaultToOne) {
  EXPECT_EQ(pgm::linear_algebra_threads(), 1);
  pgm::set_linear_algebra_threads(0);
  EXPECT_EQ(pgm::linear_algebra_threads(), 1);
  pgm::set_linear_algebra_threads(2);
  EXPECT_EQ(pgm::linear_algebra_threads(), 2);
  pgm::set_linear_algebra_threads(1);
}

TEST(Gaussian, MarginalIsSubBlockAndAgreesWithCanonical) {
  std::mt19937_64 rng(11);
  const Mat s = random_spd(6, rng);
  const Vec mu = random_vec(6, rng);
  const Gaussian g(names_n(6), mu, s);
  const std::vector<std::string> keep{"V4", "V1", "V2"};
  const Gaussian m = g.marginal(keep);
  EXPECT_EQ(m.names(), keep);
  const std::size_t idx[] = {4, 1, 2};
  for (int a = 0; a < 3; ++a) {
    EXPECT_EQ(m.mean()[a], mu[idx[a]]);
    for (int b = 0; b < 3; ++b) EXPECT_NEAR(m.covariance()(a, b), s(idx[a], idx[b]), 1e-15);
  }
  const Gaussian c = g.to_canonical().marginal(keep).to_gaussian();
  EXPECT_EQ(c.names(), keep);
  EXPECT_LT((c.mean() - m.mean()).cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_LT((c.covariance() - m.covariance()).cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_THROW((void)g.marginal(std::vector<std::string>{"V1", "V1"}), pgm::QueryError);
}

TEST(Gaussian, PrecisionRoundTrip) {
  std::mt19937_64 rng(3);
  const Mat s = random_spd(8, rng);
  const Gaussian g(names_n(8), random_vec(8, rng), s);
  EXPECT_LT((g.precision() - s.inverse()).cwiseAbs().maxCoeff(), 1e-12);
  const Gaussian back = Gaussian::from_precision(g.names(), g.mean(), g.precision());
  EXPECT_LT((back.covariance() - s).cwiseAbs().maxCoeff(), 1e-12);
  const CanonicalForm cf = g.to_canonical();
  EXPECT_LT((cf.potential() - s.inverse() * g.mean()).cwiseAbs().maxCoeff(), 1e-12);
  const Gaussian from_cf = cf.to_gaussian();
  EXPECT_LT((from_cf.mean() - g.mean()).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(CanonicalForm, ProductOfOneDimensionalGaussians) {
  // N(x; 1, 2)·N(x; 4, 0.5): precision 1/2 + 2 = 2.5, mean (1/2 + 4·2)/2.5 = 3.4. Its integral is
  // N(1; 4, 2.5) (the convolution identity), so marginalising x leaves g = log N(1; 4, 2.5).
  const auto one_d = [](double m, double v) { return Gaussian({"x"}, Vec{{m}}, Mat{{v}}).to_canonical(); };
  const CanonicalForm p = one_d(1.0, 2.0).product(one_d(4.0, 0.5));
  EXPECT_NEAR(p.precision()(0, 0), 2.5, 1e-14);
  const Gaussian g = p.to_gaussian();
  EXPECT_NEAR(g.mean()[0], 3.4, 1e-14);
  EXPECT_NEAR(g.covariance()(0, 0), 0.4, 1e-14);
  const CanonicalForm z = p.marginalize(std::vector<std::string>{"x"});
  EXPECT_EQ(z.size(), 0u);
  const double expected = -0.5 * std::log(2.0 * std::numbers::pi * 2.5) - 9.0 / (2.0 * 2.5);
  EXPECT_NEAR(z.log_constant(), expected, 1e-13);
}

TEST(CanonicalForm, ProductOverDifferentScopesBuildsTheChain) {
  // p(a) = N(0, 1) and p(b | a) = N(2a, 1) as canonical factors: −½(b − 2a)² gives
  // K = [[4, −2], [−2, 1]], h = 0; the product is the joint with Var b = 4 + 1 = 5, Cov = 2.
  const CanonicalForm pa({"a"}, Mat{{1.0}}, Vec::Zero(1));
  Mat k(2, 2);
  k << 1.0, -2.0, -2.0, 4.0;
  const CanonicalForm pba({"b", "a"}, k, Vec::Zero(2));
  const Gaussian joint = pa.product(pba).to_gaussian();
  ASSERT_EQ(joint.names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_NEAR(joint.covariance()(0, 0), 1.0, 1e-14);
  EXPECT_NEAR(joint.covariance()(0, 1), 2.0, 1e-14);
  EXPECT_NEAR(joint.covariance()(1, 1), 5.0, 1e-14);
  // The conditional factor alone is not normalisable in a.
  EXPECT_THROW((void)pba.to_gaussian(), pgm::NumericalError);
  EXPECT_THROW((void)pba.marginal(std::vector<std::string>{"b"}).to_gaussian(), pgm::NumericalError);
}

TEST(CanonicalForm, NormalisedGaussianIntegratesToOne) {
  std::mt19937_64 rng(5);
  const Gaussian g(names_n(4), random_vec(4, rng), random_spd(4, rng));
  const CanonicalForm z = g.to_canonical().marginalize(g.names());
  EXPECT_NEAR(z.log_constant(), 0.0, 1e-12);
}

TEST(Gaussian, KlDivergence) {
  std::mt19937_64 rng(9);
  const Gaussian p(names_n(5), random_vec(5, rng), random_spd(5, rng));
  EXPECT_NEAR(pgm::kl_divergence(p, p), 0.0, 1e-12);
  // 1-D: KL(N(0, 1) ‖ N(1, 4)) = log(2/1) + (1 + 1)/(2·4) − ½ = log 2 − 0.25.
  const Gaussian a({"x"}, Vec{{0.0}}, Mat{{1.0}});
  const Gaussian b({"x"}, Vec{{1.0}}, Mat{{4.0}});
  EXPECT_NEAR(pgm::kl_divergence(a, b), std::log(2.0) - 0.25, 1e-14);
  // Same covariance I: KL = ½‖μp − μq‖², here ½(1 + 4) = 2.5, and q may list variables in any order.
  const Gaussian c({"u", "v"}, Vec{{0.0, 0.0}}, Mat::Identity(2, 2));
  const Gaussian d({"v", "u"}, Vec{{2.0, 1.0}}, Mat::Identity(2, 2));
  EXPECT_NEAR(pgm::kl_divergence(c, d), 2.5, 1e-14);
  EXPECT_THROW((void)pgm::kl_divergence(a, c), pgm::QueryError);
}

TEST(Gaussian, EntropyClosedForm) {
  // ½ log((2πe)² det Σ), det of [[2, 1], [1, 1.5]] = 2.
  const double expected = 0.5 * std::log(std::pow(2.0 * std::numbers::pi * std::numbers::e, 2) * 2.0);
  EXPECT_NEAR(bivariate().entropy(), expected, 1e-14);
}

TEST(Gaussian, ConditionNumberFromEigenvalues) {
  // diag(1, 100) rotated stays at 100.
  const double c = std::cos(0.3), s = std::sin(0.3);
  Mat r(2, 2);
  r << c, -s, s, c;
  const Mat cov = r * Vec{{1.0, 100.0}}.asDiagonal() * r.transpose();
  EXPECT_NEAR(Gaussian({"a", "b"}, Vec::Zero(2), cov).condition_number(), 100.0, 1e-9);
}

TEST(Gaussian, SamplingMomentsWithinStatisticalBounds) {
  const Gaussian g = bivariate();
  const std::size_t n = 20000;
  const Mat x = g.sample(n, 42);
  ASSERT_EQ(x.rows(), static_cast<Eigen::Index>(n));
  const Vec m = x.colwise().mean();
  const Mat centered = x.rowwise() - m.transpose();
  const Mat cov = centered.transpose() * centered / static_cast<double>(n - 1);
  const Mat& s = g.covariance();
  // Standard errors: mean Σ_ii/n; covariance entry (Σ_ii Σ_jj + Σ_ij²)/n for a Gaussian. 5 SE keeps
  // a false failure below 1e-6 per check.
  for (int i = 0; i < 2; ++i) {
    EXPECT_LT(std::abs(m[i] - g.mean()[i]), 5.0 * std::sqrt(s(i, i) / n));
    for (int j = 0; j < 2; ++j)
      EXPECT_LT(std::abs(cov(i, j) - s(i, j)), 5.0 * std::sqrt((s(i, i) * s(j, j) + s(i, j) * s(i, j)) / n));
  }
  // Deterministic given the seed, different for another seed.
  EXPECT_EQ(g.sample(5, 42), x.topRows(5));
  EXPECT_NE(g.sample(5, 43), x.topRows(5));
}

TEST(Gaussian, IndependenceQueries) {
  // Chain a → b → c: b = a + e1, c = b + e2 with unit variances; Σ = [[1,1,1],[1,2,2],[1,2,3]],
  // precision is tridiagonal so a ⊥ c | b, but a and c are marginally dependent.
  Mat s(3, 3);
  s << 1, 1, 1, 1, 2, 2, 1, 2, 3;
  const Gaussian g({"a", "b", "c"}, Vec::Zero(3), s);
  using V = std::vector<std::string>;
  EXPECT_TRUE(g.conditionally_independent(V{"a"}, V{"c"}, V{"b"}));
  EXPECT_FALSE(g.conditionally_independent(V{"a"}, V{"c"}, V{}));
  EXPECT_FALSE(g.conditionally_independent(V{"a"}, V{"b"}, V{"c"}));
  EXPECT_FALSE(g.marginally_independent(V{"a"}, V{"c"}));
  const auto zeros = g.precision_zeros();
  ASSERT_EQ(zeros.size(), 1u);
  EXPECT_EQ(zeros[0], (std::pair<std::size_t, std::size_t>{0, 2}));
  // Block-diagonal covariance: marginally independent blocks.
  Mat t = Mat::Identity(3, 3);
  t(0, 1) = t(1, 0) = 0.5;
  const Gaussian h({"a", "b", "c"}, Vec::Zero(3), t);
  EXPECT_TRUE(h.marginally_independent(V{"a", "b"}, V{"c"}));
  EXPECT_TRUE(h.conditionally_independent(V{"a", "b"}, V{"c"}, V{}));
  EXPECT_FALSE(h.marginally_independent(V{"a"}, V{"b"}));
  EXPECT_THROW((void)h.marginally_independent(V{"a"}, V{"a"}), pgm::QueryError);
  EXPECT_THROW((void)h.conditionally_independent(V{"a"}, V{"zz"}, V{}), pgm::QueryError);
  EXPECT_THROW((void)h.conditionally_independent(V{"a"}, V{"b"}, V{"a"}), pgm::QueryError);
}

TEST(Gaussian, NearSingularConditioningWarns) {
  // x and y correlated 1 − 1e-12: their block has condition number ~2e12.
  const double r = 1.0 - 1e-12;
  Mat s(3, 3);
  s << 1.0, 0.5, 0.5, 0.5, 1.0, r, 0.5, r, 1.0;
  const Gaussian g({"z", "x", "y"}, Vec::Zero(3), s);
  std::vector<std::string> warnings;
  const Gaussian post = g.condition({{"x", 0.0}, {"y", 0.0}}, &warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("ill-conditioned"), std::string::npos);
  EXPECT_TRUE(post.mean().allFinite());
  // Leading-block path too.
  Mat s2(3, 3);
  s2 << 1.0, r, 0.5, r, 1.0, 0.5, 0.5, 0.5, 1.0;
  const Gaussian g2({"x", "y", "z"}, Vec::Zero(3), s2);
  std::vector<std::string> w2;
  (void)g2.condition({{"x", 0.0}, {"y", 0.0}}, &w2);
  EXPECT_EQ(w2.size(), 1u);
}

TEST(Gaussian, BadModels) {
  const auto message = [](auto&& f) { return pgm::testing::error_message<pgm::ModelError>(f); };
  Mat asym(2, 2);
  asym << 2.0, 1.0, 0.5, 1.5;
  EXPECT_NE(message([&] { Gaussian({"a", "b"}, Vec::Zero(2), asym); }).find("not symmetric"), std::string::npos);
  Mat not_pd(2, 2);
  not_pd << 1.0, 2.0, 2.0, 1.0;  // eigenvalues 3 and −1
  EXPECT_NE(message([&] { Gaussian({"a", "b"}, Vec::Zero(2), not_pd); }).find("not positive definite"), std::string::npos);
  Mat singular(2, 2);
  singular << 4.0, 2.0, 2.0, 1.0;  // rank 1
  EXPECT_NE(message([&] { Gaussian({"a", "b"}, Vec::Zero(2), singular); }).find("not positive definite"),
            std::string::npos);
  EXPECT_NE(message([&] { Gaussian({"a", "b"}, Vec::Zero(2), Mat{{-1.0, 0.0}, {0.0, 1.0}}); }).find("diagonal"),
            std::string::npos);
  EXPECT_NE(message([&] { Gaussian({"a", "b"}, Vec::Zero(3), Mat::Identity(2, 2)); }).find("mean has 3 entries"),
            std::string::npos);
  EXPECT_NE(message([&] { Gaussian({"a", "b"}, Vec::Zero(2), Mat::Identity(3, 3)); }).find("is 3x3, expected 2x2"),
            std::string::npos);
  EXPECT_NE(message([&] { Gaussian({"a", "a"}, Vec::Zero(2), Mat::Identity(2, 2)); }).find("twice"), std::string::npos);
  Mat nan = Mat::Identity(2, 2);
  nan(1, 1) = std::nan("");
  EXPECT_NE(message([&] { Gaussian({"a", "b"}, Vec::Zero(2), nan); }).find("finite"), std::string::npos);
  EXPECT_NE(message([&] { (void)Gaussian::from_precision({"a", "b"}, Vec::Zero(2), not_pd); }).find("precision"),
            std::string::npos);
}

TEST(Gaussian, BadQueries) {
  const Gaussian g = bivariate();
  EXPECT_THROW((void)g.condition({{"X9", 1.0}}), pgm::QueryError);
  EXPECT_THROW((void)g.condition({{"X1", 1.0}, {"X1", 2.0}}), pgm::QueryError);
  EXPECT_THROW((void)g.condition({{"X1", std::numeric_limits<double>::infinity()}}), pgm::QueryError);
  EXPECT_THROW((void)g.posterior(std::vector<std::string>{"X1"}, {{"X1", 1.0}}), pgm::QueryError);
  try {
    (void)g.condition({{"X9", 1.0}});
  } catch (const pgm::QueryError& e) {
    EXPECT_NE(std::string(e.what()).find("X1, X2"), std::string::npos) << e.what();
  }
  // Everything observed leaves an empty distribution rather than failing.
  EXPECT_EQ(g.condition({{"X1", 1.0}, {"X2", 0.0}}).size(), 0u);
}

}  // namespace
