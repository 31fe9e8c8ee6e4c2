// Gaussian and linear-Gaussian YAML: the bundled models' documented values, and malformed files
// rejected with file:line:column and the failed check.
#include <pgm/core/error.hpp>
#include <pgm/io/load.hpp>
#include <pgm/io/yaml.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace {

using pgm::Gaussian;
using pgm::LinearGaussianNetwork;

std::string model_path(const std::string& file) { return std::string(PGM_SOURCE_DIR) + "/models/" + file; }

TEST(GaussianYaml, BivariateConditional) {
  const pgm::ModelVariant m = pgm::io::load_model(model_path("bivariate.yaml"));
  ASSERT_TRUE(std::holds_alternative<Gaussian>(m));
  const Gaussian& g = std::get<Gaussian>(m);
  EXPECT_EQ(g.name(), "bivariate");
  // X1 | X2 = 3: mean 1 + (1/1.5)(3 − 2) = 5/3; variance 2 − 1/1.5 = 4/3, a third less than 2.
  const Gaussian post = g.posterior(std::vector<std::string>{"X1"}, {{"X2", 3.0}});
  EXPECT_NEAR(post.mean()[0], 5.0 / 3.0, 1e-14);
  EXPECT_NEAR(post.covariance()(0, 0), 4.0 / 3.0, 1e-14);
  EXPECT_NEAR(post.covariance()(0, 0), 2.0 * (1.0 - 1.0 / 3.0), 1e-14);
}

TEST(GaussianYaml, MahalanobisDistances) {
  // d²(x) = ½(1.5x₁² − 4x₁x₂ + 4x₂²) from Σ⁻¹ = ½[[1.5, −2], [−2, 4]].
  const Gaussian g = std::get<Gaussian>(pgm::io::load_model(model_path("mahalanobis.yaml")));
  EXPECT_NEAR(g.mahalanobis(g.point({{"X1", 2.0}, {"X2", 0.0}})), std::sqrt(3.0), 1e-14);
  EXPECT_NEAR(g.mahalanobis(g.point({{"X1", 0.0}, {"X2", 1.0}})), std::sqrt(2.0), 1e-14);
  EXPECT_NEAR(g.mahalanobis(g.point({{"X1", 1.0}, {"X2", 0.8}})), std::sqrt(0.43), 1e-14);
}

TEST(GaussianYaml, LinearGaussianModel) {
  const pgm::ModelVariant m = pgm::io::load_model(model_path("linear-gaussian.yaml"));
  ASSERT_TRUE(std::holds_alternative<LinearGaussianNetwork>(m));
  const auto& net = std::get<LinearGaussianNetwork>(m);
  EXPECT_GE(net.size(), 5u);
  const Gaussian g = net.to_gaussian();
  // Means from the file's comment: 100, 10, 70, 66, 65, 65.6.
  const double means[] = {100, 10, 70, 66, 65, 65.6};
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(g.mean()[i], means[i], 1e-12) << g.names()[i];
  // Var(Knowledge) = 0.5²·225 + 2²·9 + 25 = 117.25; Cov(Exam, Knowledge) = 0.8·117.25 = 93.8.
  EXPECT_NEAR(g.covariance()(2, 2), 117.25, 1e-11);
  EXPECT_NEAR(g.covariance()(3, 2), 93.8, 1e-11);
  EXPECT_EQ(net.graph().num_edges(), 7u);
  // Exam's only parent is Knowledge and their common child Grade is unobserved, so
  // Exam ⊥ Project | Knowledge (with or without Study), while marginally both depend on Knowledge.
  const std::vector<std::string> e{"Exam"}, p{"Project"}, k{"Knowledge"}, ks{"Knowledge", "Study"};
  EXPECT_TRUE(g.conditionally_independent(e, p, k));
  EXPECT_TRUE(g.conditionally_independent(e, p, ks));
  EXPECT_FALSE(g.marginally_independent(e, p));
}

TEST(GaussianYaml, PrecisionInsteadOfCovariance) {
  // Precision ½[[1.5, −2], [−2, 4]] is the inverse of [[4, 2], [2, 1.5]].
  const pgm::ModelVariant m = pgm::io::read_yaml_string(
      "name: p\ntype: gaussian\nvariables: [A, B]\nmean: [0, 0]\nprecision:\n  - [0.75, -1.0]\n  - [-1.0, 2.0]\n",
      "p.yaml");
  const Gaussian& g = std::get<Gaussian>(m);
  EXPECT_NEAR(g.covariance()(0, 0), 4.0, 1e-13);
  EXPECT_NEAR(g.covariance()(0, 1), 2.0, 1e-13);
  EXPECT_NEAR(g.covariance()(1, 1), 1.5, 1e-13);
}

// The ParseError message for a YAML text, or "" if it loads.
std::string parse_error(const std::string& text) {
  try {
    (void)pgm::io::read_yaml_string(text, "bad.yaml");
  } catch (const pgm::ParseError& e) {
    return e.what();
  }
  return "";
}

void expect_error(const std::string& text, const std::string& where, const std::string& what) {
  const std::string msg = parse_error(text);
  EXPECT_EQ(msg.rfind(where, 0), 0u) << "expected to start with " << where << ": " << msg;
  EXPECT_NE(msg.find(what), std::string::npos) << "expected '" << what << "' in: " << msg;
}

const std::string kHeader = "name: g\ntype: gaussian\nvariables: [X1, X2]\nmean: [1.0, 2.0]\n";

TEST(GaussianYaml, MalformedGaussian) {
  expect_error(kHeader + "covariance:\n  - [2.0, 1.0]\n  - [0.5, 1.5]\n", "bad.yaml:5:", "not symmetric");
  expect_error(kHeader + "covariance:\n  - [1.0, 2.0]\n  - [2.0, 1.0]\n", "bad.yaml:5:", "not positive definite");
  expect_error(kHeader + "covariance:\n  - [2.0, 1.0]\n", "bad.yaml:5:", "has 1 rows");
  expect_error(kHeader + "covariance:\n  - [2.0, 1.0]\n  - [1.0]\n", "bad.yaml:7:", "has 1 entries");
  expect_error("name: g\ntype: gaussian\nvariables: [X1, X2]\nmean: [1.0]\ncovariance: [[1, 0], [0, 1]]\n",
               "bad.yaml:4:", "'mean' has 1 entries");
  expect_error(kHeader + "covariance:\n  - [2.0, x]\n  - [1.0, 1.5]\n", "bad.yaml:6:", "not a number");
  expect_error(kHeader, "bad.yaml:1:", "needs 'covariance'");
  expect_error(kHeader + "covariance: [[1, 0], [0, 1]]\nprecision: [[1, 0], [0, 1]]\n", "bad.yaml:6:", "not both");
  expect_error(kHeader + "covariance: [[1, 0], [0, 1]]\ncolour: red\n", "bad.yaml:6:", "unknown key 'colour'");
  expect_error("name: g\ntype: gaussian\nvariables: [X1, X1]\nmean: [1, 2]\ncovariance: [[1, 0], [0, 1]]\n",
               "bad.yaml:3:", "declared twice");
}

const std::string kLgHeader = "name: lg\ntype: linear-gaussian\nvariables: [X, Y]\ncpds:\n";

TEST(GaussianYaml, MalformedLinearGaussian) {
  expect_error(kLgHeader + "  X: {intercept: 1.0, variance: -2.0}\n  Y: {parents: [X], weights: [0.5], variance: 1.0}\n",
               "bad.yaml:5:", "expected a number > 0");
  expect_error(kLgHeader + "  X: {variance: 2.0}\n  Y: {parents: [X], weights: [0.5, 1.0], variance: 1.0}\n",
               "bad.yaml:6:", "2 weights for 1 parents");
  expect_error(kLgHeader + "  X: {variance: 2.0}\n  Y: {parents: [X], variance: 1.0}\n", "bad.yaml:6:", "no 'weights'");
  expect_error(kLgHeader + "  X: {variance: 2.0}\n  Y: {parents: [Z], weights: [1], variance: 1.0}\n", "bad.yaml:6:",
               "unknown parent 'Z'");
  expect_error(kLgHeader + "  X: {parents: [Y], weights: [1], variance: 2.0}\n  Y: {parents: [X], weights: [1], variance: 1.0}\n",
               "bad.yaml:", "cycle: ");
  expect_error(kLgHeader + "  X: {variance: 2.0}\n", "bad.yaml:4:", "'Y' has no CPD");
  expect_error(kLgHeader + "  X: {variance: 2.0, mean: 3}\n  Y: {variance: 1.0}\n", "bad.yaml:5:", "unknown field 'mean'");
  expect_error(kLgHeader + "  X: {intercept: 1.0}\n  Y: {variance: 1.0}\n", "bad.yaml:5:", "no 'variance'");
}

TEST(GaussianYaml, EvidenceOnUnknownVariable) {
  const Gaussian g = std::get<Gaussian>(pgm::io::load_model(model_path("bivariate.yaml")));
  EXPECT_THROW((void)g.condition({{"X3", 1.0}}), pgm::QueryError);
  const auto net = std::get<LinearGaussianNetwork>(pgm::io::load_model(model_path("linear-gaussian.yaml")));
  EXPECT_THROW((void)net.to_gaussian().condition({{"IQ", 1.0}}), pgm::QueryError);
}

}  // namespace
