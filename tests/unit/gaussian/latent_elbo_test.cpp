// The closed-form ELBO of a diagonal Gaussian q over the latent variables of a linear-Gaussian
// network (query::latent_elbo), against hand computations and independent closed forms: ln p(x)
// from the observed marginal, KL(q ‖ p(z | x)) from the posterior Model::posterior computes, and
// the N(0, I) prior's KL 0.5 Σ (σ² + μ² − 1 − ln σ²).
#include <pgm/core/error.hpp>
#include <pgm/query.hpp>
#include <pgm/query/elbo.hpp>

#include <Eigen/Dense>
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using pgm::Model;
using pgm::query::latent_elbo;

const double kLog2Pi = std::log(2.0 * std::numbers::pi);

// z ~ N(0, 1), x | z ~ N(2 z + 1, 1): x ~ N(1, 5); given x = 3, z ~ N(0.8, 0.2).
const char* kOneFactor = R"(name: fa
type: linear-gaussian
latent: [Z]
variables: [Z, X]
cpds:
  Z: {variance: 1}
  X: {parents: [Z], weights: [2], intercept: 1, variance: 1}
)";

TEST(LatentElbo, OneLatentOneObservedByHand) {
  const Model m = Model::loads(kOneFactor, "yaml");
  // Default q: the exact posterior N(0.8, 0.2), so ELBO = ln p(x) = ln N(3; 1, 5).
  const auto exact = latent_elbo(m, {{"X", 3.0}});
  const double log_px = -0.5 * (kLog2Pi + std::log(5.0) + 4.0 / 5.0);
  EXPECT_NEAR(exact.log_marginal_likelihood, log_px, 1e-14);
  EXPECT_NEAR(exact.elbo, log_px, 1e-12);
  EXPECT_NEAR(exact.gap, 0.0, 1e-12);
  EXPECT_NEAR(exact.posterior_mean[0], 0.8, 1e-14);
  EXPECT_NEAR(exact.posterior_covariance[0][0], 0.2, 1e-14);
  EXPECT_NEAR(exact.q_logvar[0], std::log(0.2), 1e-13);
  // q = N(0, 1), the prior: KL = 0 and E_q[ln N(3; 2z + 1, 1)] = −½ (ln 2π + E(2 − 2z)²) = −½ (ln 2π + 8).
  const auto prior = latent_elbo(m, {{"X", 3.0}}, {{"Z", 0.0}}, {{"Z", 0.0}});
  EXPECT_NEAR(prior.kl, 0.0, 1e-15);
  EXPECT_NEAR(prior.reconstruction, -0.5 * (kLog2Pi + 8.0), 1e-13);
  // gap = KL(N(0, 1) ‖ N(0.8, 0.2)) = ½ (ln(0.2) + (1 + 0.64) / 0.2 − 1).
  EXPECT_NEAR(prior.gap, 0.5 * (std::log(0.2) + 1.64 / 0.2 - 1.0), 1e-12);
  // q = N(μ, σ²): E(2 − 2z)² = 4 (1 − μ)² + 4 σ² (reconstruction by hand), KL by the N(0, 1) formula.
  const double mu = -0.3, lv = 0.7, s2 = std::exp(lv);
  const auto any = latent_elbo(m, {{"X", 3.0}}, {{"Z", mu}}, {{"Z", lv}});
  EXPECT_NEAR(any.reconstruction, -0.5 * (kLog2Pi + 4.0 * (1 - mu) * (1 - mu) + 4.0 * s2), 1e-12);
  EXPECT_NEAR(any.kl, 0.5 * (s2 + mu * mu - 1.0 - lv), 1e-13);
  EXPECT_LT(any.elbo, log_px);
}

TEST(LatentElbo, ReconstructionAgreesWithMonteCarlo) {
  const Model m = Model::loads(kOneFactor, "yaml");
  const double mu = 0.4, lv = -0.5;
  const auto r = latent_elbo(m, {{"X", 3.0}}, {{"Z", mu}}, {{"Z", lv}});
  std::mt19937_64 rng(1);
  std::normal_distribution<double> n01(0.0, 1.0);
  const int n = 200000;
  double sum = 0.0;
  for (int i = 0; i < n; ++i) {
    const double z = mu + std::exp(0.5 * lv) * n01(rng);
    const double d = 3.0 - (2.0 * z + 1.0);
    sum += -0.5 * (kLog2Pi + d * d);
  }
  EXPECT_NEAR(r.reconstruction, sum / n, 0.02);
}

// Factor analysis: Z1, Z2 ~ N(0, 1) independent; X_j = b_j + W_j1 Z1 + W_j2 Z2 + ε_j, ε_j ~ N(0, ψ_j).
std::string factor_analysis(std::mt19937_64& rng, std::size_t observed) {
  std::uniform_real_distribution<double> u(-1.5, 1.5), pos(0.2, 2.0);
  std::ostringstream y;
  y.precision(17);
  y << "name: fa\ntype: linear-gaussian\nlatent: [Z1, Z2]\nvariables: [Z1, Z2";
  for (std::size_t j = 0; j < observed; ++j) y << ", X" << j;
  y << "]\ncpds:\n  Z1: {variance: 1}\n  Z2: {variance: 1}\n";
  for (std::size_t j = 0; j < observed; ++j)
    y << "  X" << j << ": {parents: [Z1, Z2], weights: [" << u(rng) << ", " << u(rng) << "], intercept: " << u(rng)
      << ", variance: " << pos(rng) << "}\n";
  return y.str();
}

// A random linear-Gaussian chain-ish network where latent variables have observed parents too.
std::string general_network(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-1.5, 1.5), pos(0.2, 2.0);
  std::ostringstream y;
  y.precision(17);
  y << "name: g\ntype: linear-gaussian\nlatent: [B, D]\nvariables: [A, B, C, D, E]\ncpds:\n"
    << "  A: {intercept: " << u(rng) << ", variance: " << pos(rng) << "}\n"
    << "  B: {parents: [A], weights: [" << u(rng) << "], intercept: " << u(rng) << ", variance: " << pos(rng) << "}\n"
    << "  C: {parents: [B], weights: [" << u(rng) << "], variance: " << pos(rng) << "}\n"
    << "  D: {parents: [A, C], weights: [" << u(rng) << ", " << u(rng) << "], variance: " << pos(rng) << "}\n"
    << "  E: {parents: [B, D], weights: [" << u(rng) << ", " << u(rng) << "], intercept: " << u(rng)
    << ", variance: " << pos(rng) << "}\n";
  return y.str();
}

// KL(N(m, diag v) ‖ N(mu, P)) from its closed form, P by Model::posterior.
double kl_to(const Eigen::VectorXd& m, const Eigen::VectorXd& v, const pgm::Gaussian& p) {
  const Eigen::MatrixXd pinv = p.covariance().inverse();  // test-side only, 2 × 2
  const Eigen::VectorXd d = p.mean() - m;
  return 0.5 * ((pinv * v.asDiagonal().toDenseMatrix()).trace() + d.dot(pinv * d) - static_cast<double>(m.size()) +
                std::log(p.covariance().determinant()) - v.array().log().sum());
}

TEST(LatentElbo, RandomModelsBoundTheMarginalLikelihoodAndTheGapIsTheKl) {
  std::mt19937_64 rng(21);
  std::uniform_real_distribution<double> u(-2.0, 2.0);
  for (int trial = 0; trial < 40; ++trial) {
    const bool fa = trial % 2 == 0;
    const Model m = Model::loads(fa ? factor_analysis(rng, 3 + trial % 3) : general_network(rng), "yaml");
    std::vector<std::string> latent = fa ? std::vector<std::string>{"Z1", "Z2"} : std::vector<std::string>{"B", "D"};
    pgm::ContinuousEvidence point;
    for (const auto& v : m.variables())
      if (v.name != latent[0] && v.name != latent[1]) point.emplace_back(v.name, u(rng));
    const pgm::ContinuousEvidence mean{{latent[0], u(rng)}, {latent[1], u(rng)}};
    const pgm::ContinuousEvidence logvar{{latent[0], u(rng)}, {latent[1], u(rng)}};
    const auto r = latent_elbo(m, point, mean, logvar);
    // ln p(x) from the observed marginal (Model's own density of the evidence).
    const auto e = pgm::query::Evidence::from_values(m, point);
    EXPECT_NEAR(r.log_marginal_likelihood, m.log_probability_of_evidence(e), 1e-10);
    EXPECT_LE(r.elbo, r.log_marginal_likelihood + 1e-12);
    const pgm::Gaussian post = m.posterior(latent, e);
    Eigen::VectorXd qm(2), qv(2);
    qm << mean[0].second, mean[1].second;
    qv << std::exp(logvar[0].second), std::exp(logvar[1].second);
    EXPECT_NEAR(r.gap, kl_to(qm, qv, post), 1e-9);
    EXPECT_NEAR(r.posterior_mean[0], post.mean()[0], 1e-10);
    EXPECT_NEAR(r.posterior_covariance[0][1], post.covariance()(0, 1), 1e-10);
    if (fa) {  // the N(0, I) prior's KL
      double kl = 0.0;
      for (int i = 0; i < 2; ++i) kl += 0.5 * (qv[i] + qm[i] * qm[i] - 1.0 - std::log(qv[i]));
      EXPECT_NEAR(r.kl, kl, 1e-12);
    }
    // Default q (posterior mean and diagonal): ELBO still ≤ ln p(x), with the KL of the diagonal part.
    const auto d = latent_elbo(m, point);
    EXPECT_LE(d.elbo, d.log_marginal_likelihood + 1e-12);
    Eigen::VectorXd dv(2);
    dv << post.covariance()(0, 0), post.covariance()(1, 1);
    EXPECT_NEAR(d.gap, kl_to(post.mean(), dv, post), 1e-9);
  }
}

TEST(LatentElbo, EqualityWhenThePosteriorIsDiagonal) {
  // Orthogonal loadings with equal noise make p(z | x) diagonal: W = [[1, 0], [0, 2], [0, 0]], ψ = 1.
  const Model m = Model::loads(R"(type: linear-gaussian
latent: [Z1, Z2]
variables: [Z1, Z2, X1, X2, X3]
cpds:
  Z1: {variance: 1}
  Z2: {variance: 1}
  X1: {parents: [Z1], weights: [1], intercept: 0.5, variance: 1}
  X2: {parents: [Z2], weights: [2], variance: 1}
  X3: {intercept: -1, variance: 3}
)", "yaml");
  const auto r = latent_elbo(m, {{"X1", 1.0}, {"X2", -2.0}, {"X3", 0.25}});
  EXPECT_NEAR(r.posterior_covariance[0][1], 0.0, 1e-15);
  EXPECT_NEAR(r.gap, 0.0, 1e-10);
  EXPECT_NEAR(r.elbo, r.log_marginal_likelihood, 1e-10);
  // By hand: z1 | x1 ~ N(0.5 · 0.5, 0.5), z2 | x2 ~ N(2 · (−2) / 5, 1 / 5).
  EXPECT_NEAR(r.posterior_mean[0], 0.25, 1e-14);
  EXPECT_NEAR(r.posterior_mean[1], -0.8, 1e-14);
  EXPECT_NEAR(r.posterior_covariance[1][1], 0.2, 1e-14);
}

TEST(LatentElbo, PartialQDefaultsToThePosterior) {
  const Model m = Model::loads(R"(type: linear-gaussian
latent: [Z1, Z2]
variables: [Z1, Z2, X]
cpds:
  Z1: {variance: 1}
  Z2: {variance: 1}
  X: {parents: [Z1, Z2], weights: [1, 1], variance: 1}
)", "yaml");
  const auto d = latent_elbo(m, {{"X", 1.5}});
  const auto p = latent_elbo(m, {{"X", 1.5}}, {{"Z2", 0.1}});
  EXPECT_EQ(p.q_mean[0], d.q_mean[0]);
  EXPECT_EQ(p.q_mean[1], 0.1);
  EXPECT_EQ(p.q_logvar, d.q_logvar);
  // x ~ N(0, 3); posterior of (z1, z2): mean x/3 each, covariance I − 11ᵀ/3 (not diagonal: gap > 0).
  EXPECT_NEAR(d.posterior_mean[0], 0.5, 1e-14);
  EXPECT_NEAR(d.posterior_covariance[0][1], -1.0 / 3.0, 1e-14);
  EXPECT_GT(d.gap, 1e-3);
}

TEST(LatentElbo, BadQueries) {
  const Model m = Model::loads(kOneFactor, "yaml");
  EXPECT_THROW((void)latent_elbo(m, {}), pgm::QueryError);                          // X missing
  EXPECT_THROW((void)latent_elbo(m, {{"X", 1.0}, {"Z", 0.0}}), pgm::QueryError);    // latent in the point
  EXPECT_THROW((void)latent_elbo(m, {{"Y", 1.0}}), pgm::QueryError);                // unknown
  EXPECT_THROW((void)latent_elbo(m, {{"X", 1.0}}, {{"X", 0.0}}), pgm::QueryError);  // q over an observed one
  try {
    (void)latent_elbo(m, {});
  } catch (const pgm::QueryError& e) {
    EXPECT_NE(std::string(e.what()).find("missing: X"), std::string::npos) << e.what();
  }
  const Model none = Model::loads("type: linear-gaussian\nvariables: [A]\ncpds:\n  A: {variance: 1}\n", "yaml");
  EXPECT_THROW((void)latent_elbo(none, {{"A", 1.0}}), pgm::QueryError);
}

TEST(LatentElbo, YamlLatentKeyIsValidatedWithTheLine) {
  try {
    (void)Model::loads("type: linear-gaussian\nvariables: [A, B]\nlatent: [A, Q]\ncpds:\n  A: {variance: 1}\n  B: {variance: 1}\n",
                       "yaml", {}, "m.yaml");
    FAIL() << "no error";
  } catch (const pgm::ParseError& e) {
    EXPECT_EQ(e.where().line, 3);
    EXPECT_NE(std::string(e.what()).find("unknown latent variable 'Q'"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)Model::loads("type: linear-gaussian\nvariables: [A]\nlatent: [A, A]\ncpds:\n  A: {variance: 1}\n", "yaml"),
               pgm::ParseError);
  const Model m = Model::loads(kOneFactor, "yaml");
  ASSERT_EQ(m.linear_gaussian_network()->latent().size(), 1u);
  EXPECT_EQ(m.linear_gaussian_network()->latent()[0], 0u);
}

}  // namespace
