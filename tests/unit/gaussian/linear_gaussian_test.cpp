// Linear-Gaussian networks: the joint against the (I − B)⁻¹ construction, hand-worked chains,
// and validation.
#include <pgm/core/error.hpp>
#include <pgm/gaussian/linear_gaussian_network.hpp>

#include <Eigen/Dense>
#include "support/error_message.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace {

using pgm::LinearGaussianCpd;
using pgm::LinearGaussianNetwork;
using Mat = Eigen::MatrixXd;
using Vec = Eigen::VectorXd;

TEST(LinearGaussian, ChainByHand) {
  // X ~ N(1, 2); Y = 0.5X + 1.5 + N(0, 1): E[Y] = 2, Var Y = 0.25·2 + 1 = 1.5, Cov(X, Y) = 0.5·2 = 1.
  const LinearGaussianNetwork net("chain", {"X", "Y"}, {{{}, {}, 1.0, 2.0}, {{0}, {0.5}, 1.5, 1.0}});
  const pgm::Gaussian g = net.to_gaussian();
  EXPECT_EQ(g.name(), "chain");
  EXPECT_NEAR(g.mean()[0], 1.0, 1e-15);
  EXPECT_NEAR(g.mean()[1], 2.0, 1e-15);
  EXPECT_NEAR(g.covariance()(0, 0), 2.0, 1e-15);
  EXPECT_NEAR(g.covariance()(0, 1), 1.0, 1e-15);
  EXPECT_NEAR(g.covariance()(1, 1), 1.5, 1e-15);
  // X | Y = 3: 1 + (1/1.5)(3 − 2) = 5/3, variance 2 − 1/1.5 = 4/3.
  const pgm::Gaussian post = g.condition({{"Y", 3.0}});
  EXPECT_NEAR(post.mean()[0], 5.0 / 3.0, 1e-14);
  EXPECT_NEAR(post.covariance()(0, 0), 4.0 / 3.0, 1e-14);
  EXPECT_TRUE(net.graph().has_edge(0, 1));
  EXPECT_EQ(net.id("Y"), 1u);
  EXPECT_THROW((void)net.id("Z"), pgm::QueryError);
}

TEST(LinearGaussian, JointMatchesInverseConstruction) {
  // Random DAGs declared in a shuffled order (so declaration order is not topological). With B(i, j)
  // the weight of parent j in node i: x = b + Bx + ε, so μ = (I − B)⁻¹ b and Σ = (I − B)⁻¹ D (I − B)⁻ᵀ.
  std::mt19937_64 rng(17);
  std::normal_distribution<double> z;
  std::uniform_real_distribution<double> u(0.1, 3.0);
  for (std::size_t n : {1u, 3u, 6u, 12u, 20u}) {
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);  // order[k] = id of the k-th node topologically
    std::vector<std::string> names;
    for (std::size_t i = 0; i < n; ++i) names.push_back("N" + std::to_string(i));
    std::vector<LinearGaussianCpd> cpds(n);
    Mat b = Mat::Zero(n, n);
    Vec c(n), d(n);
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t v = order[k];
      for (std::size_t j = 0; j < k; ++j)
        if (std::bernoulli_distribution(0.4)(rng)) {
          const double w = z(rng);
          cpds[v].parents.push_back(static_cast<pgm::VariableId>(order[j]));
          cpds[v].weights.push_back(w);
          b(v, order[j]) = w;
        }
      cpds[v].intercept = c[v] = z(rng);
      cpds[v].variance = d[v] = u(rng);
    }
    const LinearGaussianNetwork net("random", names, cpds);
    const pgm::Gaussian g = net.to_gaussian();
    const Mat inv = (Mat::Identity(n, n) - b).inverse();
    const Mat sigma = inv * d.asDiagonal() * inv.transpose();
    const Vec mu = inv * c;
    const double scale = std::max(1.0, sigma.cwiseAbs().maxCoeff());
    EXPECT_LT((g.mean() - mu).cwiseAbs().maxCoeff(), 1e-10 * std::max(1.0, mu.cwiseAbs().maxCoeff())) << n;
    EXPECT_LT((g.covariance() - sigma).cwiseAbs().maxCoeff(), 1e-10 * scale) << n;
  }
}

TEST(LinearGaussian, Validation) {
  const auto message = [](auto&& f) { return pgm::testing::error_message<pgm::ModelError>(f); };
  using Cpds = std::vector<LinearGaussianCpd>;
  EXPECT_NE(message([] { LinearGaussianNetwork("m", {"X"}, Cpds{{{}, {}, 0.0, -1.0}}); }).find("variance -1"),
            std::string::npos);
  EXPECT_NE(message([] { LinearGaussianNetwork("m", {"X"}, Cpds{{{}, {}, 0.0, 0.0}}); }).find("> 0"), std::string::npos);
  EXPECT_NE(message([] {
              LinearGaussianNetwork("m", {"X", "Y"}, Cpds{{{}, {}, 0.0, 1.0}, {{0}, {0.5, 1.0}, 0.0, 1.0}});
            }).find("2 weights for 1 parents"),
            std::string::npos);
  EXPECT_NE(message([] {
              LinearGaussianNetwork("m", {"X", "Y"}, Cpds{{{1}, {1.0}, 0.0, 1.0}, {{0}, {0.5}, 0.0, 1.0}});
            }).find("cycle"),
            std::string::npos);
  EXPECT_NE(message([] { LinearGaussianNetwork("m", {"X"}, Cpds{{{0}, {1.0}, 0.0, 1.0}}); }).find("own parent"),
            std::string::npos);
  EXPECT_NE(message([] { LinearGaussianNetwork("m", {"X", "Y"}, Cpds{{{}, {}, 0.0, 1.0}}); }).find("one per variable"),
            std::string::npos);
}

}  // namespace
