// query::expect and pgm::transform / pgm::sum against values worked out by hand, closed forms and
// brute-force enumeration of random networks (EnumerationOracle, which uses no pgm inference).
//
// models/uncorrelated-dependent.yaml: X uniform on {-1, 0, 1}, Y = X².
//   E[X] = 0, Var[X] = 2/3, E[Y] = 2/3, Var[Y] = 2/3 - 4/9 = 2/9, Cov = E[X³] - 0 = 0, corr = 0,
//   H(X) = ln 3, H(Y) = -(1/3) ln(1/3) - (2/3) ln(2/3) = ln 3 - (2/3) ln 2, I(X; Y) = H(Y) (Y = f(X)).
//   Given Y = 1: X uniform on {-1, 1}: E = 0, Var = 1, H(X) = ln 2, Var[Y] = 0 so corr undefined.
// models/explaining-away.yaml: P(B=yes) = 0.1, P(E=yes) = 0.2, Alarm's CPT as in the file.
#include "support/enumeration_oracle.hpp"
#include "support/random_models.hpp"

#include <pgm/core/error.hpp>
#include <pgm/gaussian/transform.hpp>
#include <pgm/query.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <vector>

namespace {

using pgm::Model;
using pgm::query::Evidence;
using pgm::query::ExpectOptions;
using pgm::query::expect;

std::string model_path(const std::string& name) { return std::string(PGM_SOURCE_DIR) + "/models/" + name; }

Evidence given(const Model& m, std::vector<std::pair<std::string, std::string>> pairs) {
  return Evidence::from_names(m, pairs);
}

TEST(Expect, UncorrelatedDependentByHand) {
  const Model m = Model::load(model_path("uncorrelated-dependent.yaml"));
  const auto r = expect(m, {"X", "Y"});
  ASSERT_TRUE(r.expectation[0] && r.expectation[1]);
  EXPECT_NEAR(*r.expectation[0], 0.0, 1e-15);
  EXPECT_NEAR(*r.variance[0], 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(*r.expectation[1], 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(*r.variance[1], 2.0 / 9.0, 1e-15);
  ASSERT_TRUE(r.covariance);
  EXPECT_NEAR(*r.covariance, 0.0, 1e-15);
  ASSERT_TRUE(r.correlation);
  EXPECT_NEAR(*r.correlation, 0.0, 1e-15);
  EXPECT_NEAR(r.entropy[0], std::log(3.0), 1e-14);
  const double hy = std::log(3.0) - 2.0 / 3.0 * std::log(2.0);
  EXPECT_NEAR(r.entropy[1], hy, 1e-14);
  ASSERT_TRUE(r.mutual_information);
  EXPECT_NEAR(*r.mutual_information, hy, 1e-14);
  EXPECT_GT(*r.mutual_information, 0.5);  // dependent although uncorrelated
  EXPECT_FALSE(r.conditional_mutual_information);
}

TEST(Expect, UncorrelatedDependentGivenY) {
  const Model m = Model::load(model_path("uncorrelated-dependent.yaml"));
  const auto r = expect(m, {"X", "Y"}, given(m, {{"Y", "1"}}));
  EXPECT_NEAR(*r.expectation[0], 0.0, 1e-15);
  EXPECT_NEAR(*r.variance[0], 1.0, 1e-15);
  EXPECT_NEAR(*r.expectation[1], 1.0, 1e-15);
  EXPECT_NEAR(*r.variance[1], 0.0, 1e-15);
  EXPECT_TRUE(r.has_correlation);
  EXPECT_FALSE(r.correlation);  // a variance is 0
  EXPECT_NEAR(r.entropy[0], std::log(2.0), 1e-14);
  EXPECT_NEAR(r.entropy[1], 0.0, 1e-15);
  EXPECT_NEAR(*r.mutual_information, 0.0, 1e-15);
  EXPECT_EQ(r.evidence, (pgm::query::Assignments{{"Y", "1"}}));
}

TEST(Expect, ValuesOverrideAndNonNumericStates) {
  const Model m = Model::load(model_path("explaining-away.yaml"));
  // No numeric values: entropy only.
  const auto plain = expect(m, {"Burglary"});
  EXPECT_FALSE(plain.expectation[0]);
  EXPECT_FALSE(plain.covariance);
  EXPECT_NEAR(plain.entropy[0], -(0.9 * std::log(0.9) + 0.1 * std::log(0.1)), 1e-14);
  // Burglary as 0/1 (Bernoulli 0.1) and Earthquake as 0/10 (10 × Bernoulli 0.2): independent.
  ExpectOptions o;
  o.values = pgm::query::parse_state_values(std::vector<std::string>{"Burglary=0,1", "Earthquake = 0, 10"});
  const auto r = expect(m, {"Burglary", "Earthquake"}, {}, o);
  EXPECT_NEAR(*r.expectation[0], 0.1, 1e-15);
  EXPECT_NEAR(*r.variance[0], 0.09, 1e-15);
  EXPECT_NEAR(*r.expectation[1], 2.0, 1e-14);
  EXPECT_NEAR(*r.variance[1], 100 * 0.16, 1e-13);
  EXPECT_NEAR(*r.covariance, 0.0, 1e-15);
  EXPECT_NEAR(*r.mutual_information, 0.0, 1e-15);
  // Given Alarm = ringing: P(B, E, ringing) = 0.9·0.8·0.05, 0.9·0.2·0.7, 0.1·0.8·0.9, 0.1·0.2·0.95.
  const double p00 = 0.036, p01 = 0.126, p10 = 0.072, p11 = 0.019, z = p00 + p01 + p10 + p11;
  const double eb = (p10 + p11) / z, ee = 10 * (p01 + p11) / z, exy = 10 * p11 / z;
  const auto a = expect(m, {"Burglary", "Earthquake"}, given(m, {{"Alarm", "ringing"}}), o);
  EXPECT_NEAR(*a.expectation[0], eb, 1e-14);
  EXPECT_NEAR(*a.covariance, exy - eb * ee, 1e-14);
  EXPECT_LT(*a.covariance, 0.0);  // explaining away
  const double vb = eb * (1 - eb), ve = 100 * (ee / 10) * (1 - ee / 10);
  EXPECT_NEAR(*a.correlation, (exy - eb * ee) / std::sqrt(vb * ve), 1e-13);
  double i = 0;
  const double pb[2] = {(p00 + p01) / z, (p10 + p11) / z}, pe[2] = {(p00 + p10) / z, (p01 + p11) / z};
  const double pj[2][2] = {{p00 / z, p01 / z}, {p10 / z, p11 / z}};
  for (int b = 0; b < 2; ++b)
    for (int e = 0; e < 2; ++e) i += pj[b][e] * std::log(pj[b][e] / (pb[b] * pe[e]));
  EXPECT_NEAR(*a.mutual_information, i, 1e-14);
}

// A YAML variable's values: (a list in state order, or a map state -> value) are its numbers, and
// survive writing and reading back. Size on {1, 2, 4} w.p. 1/2, 1/4, 1/4: E = 2, E[S²] = 1/2 + 1 + 4,
// Var = 1.5. Grade high (10) / low (−1) with P(high | size) = 1/2, 3/4, 1: P(high) = 11/16,
// E[G] = 110/16 − 5/16 = 6.5625, E[S·G] = (1/2)(1)(4.5) + (1/4)(2)(7.25) + (1/4)(4)(10) = 15.875.
TEST(Expect, ValuesDeclaredInTheYamlModel) {
  const std::string text =
      "name: dice\ntype: bayesian-network\nvariables:\n"
      "  Size: {states: [small, medium, large], values: [1, 2, 4]}\n"
      "  Grade: {states: [low, high], values: {high: 10, low: -1}}\n"
      "cpds:\n  Size:\n    probabilities: [0.5, 0.25, 0.25]\n"
      "  Grade:\n    parents: [Size]\n    probabilities:\n"
      "      small: [0.5, 0.5]\n      medium: [0.25, 0.75]\n      large: [0.0, 1.0]\n";
  const Model m = Model::loads(text, "yaml");
  const Model again = Model::loads(m.dumps(pgm::io::Format::yaml), "yaml");
  EXPECT_EQ(again.variable_set()[1].values, (std::vector<double>{-1, 10}));
  for (const Model* model : {&m, &again}) {
    const auto r = expect(*model, {"Size", "Grade"});
    EXPECT_NEAR(*r.expectation[0], 2.0, 1e-15);
    EXPECT_NEAR(*r.variance[0], 1.5, 1e-15);
    EXPECT_NEAR(*r.expectation[1], 6.5625, 1e-14);
    EXPECT_NEAR(*r.covariance, 15.875 - 2.0 * 6.5625, 1e-13);
  }
  // --values still overrides what the model declares.
  ExpectOptions o;
  o.values = pgm::query::parse_state_values(std::vector<std::string>{"Size=0,1,2"});
  EXPECT_NEAR(*expect(m, {"Size"}, {}, o).expectation[0], 0.75, 1e-15);
}

TEST(Expect, ConditionalMutualInformationFollowsDSeparation) {
  const Model m = Model::load(model_path("sprinkler.yaml"));
  ExpectOptions o;
  // Sprinkler and Rain: dependent through Season; d-separated given Season.
  o.given_set = {"Season"};
  const auto r = expect(m, {"Sprinkler", "Rain"}, {}, o);
  EXPECT_GT(*r.mutual_information, 1e-3);
  EXPECT_NEAR(*r.conditional_mutual_information, 0.0, 1e-15);
  // Given WetGrass (a collider) they are dependent.
  o.given_set = {"WetGrass"};
  EXPECT_GT(*expect(m, {"Sprinkler", "Rain"}, {}, o).conditional_mutual_information, 1e-3);
  // Season and Slippery given WetGrass: d-separated (the chain is blocked) — two-variable Z too.
  o.given_set = {"WetGrass", "Rain"};
  EXPECT_NEAR(*expect(m, {"Season", "Slippery"}, {}, o).conditional_mutual_information, 0.0, 1e-15);
  const Model ea = Model::load(model_path("explaining-away.yaml"));
  o.given_set = {"Alarm"};
  const auto x = expect(ea, {"Burglary", "Earthquake"}, {}, o);
  EXPECT_NEAR(*x.mutual_information, 0.0, 1e-15);  // marginally independent
  EXPECT_GT(*x.conditional_mutual_information, 1e-3);
}

TEST(Expect, MutualInformationMatchesEnumerationOnRandomNetworks) {
  std::mt19937_64 rng(12);
  for (int trial = 0; trial < 20; ++trial) {
    const pgm::BayesianNetwork bn = pgm::testing::random_bayesian_network(rng, {6, 3, 2, 2});
    const pgm::testing::EnumerationOracle oracle(bn);
    const Model m{pgm::BayesianNetwork(bn)};
    const std::vector<pgm::VariableId> t{1, 4, 2};
    const std::vector<double> p = oracle.joint(t, {});
    const std::size_t nx = oracle.cardinalities()[1], ny = oracle.cardinalities()[4], nz = oracle.cardinalities()[2];
    // I(X; Y) and I(X; Y | Z) from the enumerated joint, by entropies: H(X)+H(Y)-H(XY) and
    // H(XZ)+H(YZ)-H(Z)-H(XYZ).
    std::vector<double> px(nx), py(ny), pz(nz), pxy(nx * ny), pxz(nx * nz), pyz(ny * nz);
    for (std::size_t x = 0; x < nx; ++x)
      for (std::size_t y = 0; y < ny; ++y)
        for (std::size_t z = 0; z < nz; ++z) {
          const double q = p[(x * ny + y) * nz + z];
          px[x] += q, py[y] += q, pz[z] += q, pxy[x * ny + y] += q, pxz[x * nz + z] += q, pyz[y * nz + z] += q;
        }
    const auto h = [](const std::vector<double>& v) {
      double s = 0;
      for (double q : v) s -= q > 0 ? q * std::log(q) : 0.0;
      return s;
    };
    ExpectOptions o;
    o.given_set = {m.variables()[2].name};
    const auto r = expect(m, {m.variables()[1].name, m.variables()[4].name}, {}, o);
    EXPECT_NEAR(r.entropy[0], h(px), 1e-12);
    EXPECT_NEAR(r.entropy[1], h(py), 1e-12);
    EXPECT_NEAR(*r.mutual_information, std::max(0.0, h(px) + h(py) - h(pxy)), 1e-12);
    EXPECT_NEAR(*r.conditional_mutual_information, std::max(0.0, h(pxz) + h(pyz) - h(pz) - h(p)), 1e-12);
    EXPECT_GE(*r.mutual_information, 0.0);
  }
}

TEST(Expect, Errors) {
  const Model m = Model::load(model_path("uncorrelated-dependent.yaml"));
  EXPECT_THROW((void)expect(m, {"X", "X"}), pgm::QueryError);
  EXPECT_THROW((void)expect(m, {"Nope"}), pgm::QueryError);
  ExpectOptions o;
  o.values = {{"X", {1.0, 2.0}}};
  EXPECT_THROW((void)expect(m, {"X"}, {}, o), pgm::QueryError);  // 2 values for 3 states
  o.values = {};
  o.given_set = {"X"};
  EXPECT_THROW((void)expect(m, {"X", "Y"}, {}, o), pgm::QueryError);
  EXPECT_THROW((void)expect(m, {"X"}, {}, o), pgm::QueryError);
  using pgm::query::parse_state_values;
  for (const char* bad : {"X", "=1,2", "X=1,,2", "X=a,b", "X=1,inf", "X=nan", "X="})
    EXPECT_THROW((void)parse_state_values(std::vector<std::string>{bad}), pgm::query::MalformedAssignment) << bad;
  EXPECT_THROW((void)parse_state_values(std::vector<std::string>{"X=1", "X=2"}), pgm::query::MalformedAssignment);
  const auto v = parse_state_values(std::vector<std::string>{" A = -1.5, +2 ,3e1"});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].first, "A");
  EXPECT_EQ(v[0].second, (std::vector<double>{-1.5, 2.0, 30.0}));
  EXPECT_EQ(pgm::query::numeric_state("-2"), -2.0);
  EXPECT_FALSE(pgm::query::numeric_state("yes"));
  EXPECT_FALSE(pgm::query::numeric_state("inf"));
  EXPECT_FALSE(pgm::query::numeric_state("1 "));
}

// Bivariate Gaussian (models/bivariate.yaml): Σ = [[2, 1], [1, 1.5]], ρ² = 1/3:
// I = -½ ln(2/3); H(X1) = ½ ln(2πe·2). A diagonal Gaussian has I = 0 exactly.
TEST(Expect, GaussianClosedForms) {
  const Model g = Model::load(model_path("bivariate.yaml"));
  const auto r = expect(g, {"X1", "X2"});
  EXPECT_TRUE(r.continuous);
  EXPECT_NEAR(*r.expectation[0], 1.0, 1e-15);
  EXPECT_NEAR(*r.variance[1], 1.5, 1e-15);
  EXPECT_NEAR(*r.covariance, 1.0, 1e-15);
  EXPECT_NEAR(*r.correlation, 1.0 / std::sqrt(3.0), 1e-15);
  EXPECT_NEAR(r.entropy[0], 0.5 * std::log(2 * std::numbers::pi * std::numbers::e * 2.0), 1e-14);
  EXPECT_NEAR(*r.mutual_information, -0.5 * std::log(2.0 / 3.0), 1e-14);
  const Model d{pgm::Gaussian({"A", "B"}, Eigen::Vector2d(0, 0), Eigen::Matrix2d{{2, 0}, {0, 3}})};
  const auto z = expect(d, {"A", "B"});
  EXPECT_EQ(*z.covariance, 0.0);
  EXPECT_EQ(*z.mutual_information, 0.0);
  // Conditional: X ← Z → Y with X = Z + e1, Y = Z + e2: Σ = [[2,1,1],[1,2,1],[1,1,1]] over (X, Y, Z).
  const Model c{pgm::Gaussian({"X", "Y", "Z"}, Eigen::Vector3d(0, 0, 0),
                              Eigen::Matrix3d{{2, 1, 1}, {1, 2, 1}, {1, 1, 1}})};
  ExpectOptions o;
  o.given_set = {"Z"};
  const auto ci = expect(c, {"X", "Y"}, {}, o);
  EXPECT_NEAR(*ci.mutual_information, -0.5 * std::log(1 - 0.25), 1e-14);  // ρ = 1/2
  EXPECT_NEAR(*ci.conditional_mutual_information, 0.0, 1e-14);
}

TEST(GaussianTransform, ClosedForm) {
  const pgm::Gaussian g({"X1", "X2"}, Eigen::Vector2d(1, 2), Eigen::Matrix2d{{2, 1}, {1, 1.5}});
  Eigen::MatrixXd a(3, 2);
  a << 1, 1, 1, -1, 2, 0;
  // Only 2 independent rows out of 3: singular, refused.
  EXPECT_THROW((void)pgm::transform(g, a, Eigen::Vector3d(0, 0, 0)), pgm::QueryError);
  Eigen::MatrixXd a2(2, 2);
  a2 << 1, 1, 1, -1;
  const pgm::Gaussian t = pgm::transform(g, a2, Eigen::Vector2d(10, 0));
  EXPECT_EQ(t.names(), (std::vector<std::string>{"Y1", "Y2"}));
  // Sum: mean 3 + 10, Var = 2 + 1.5 + 2·1 = 5.5; difference: mean -1, Var = 2 + 1.5 - 2 = 1.5; Cov = 2 - 1.5.
  EXPECT_NEAR(t.mean()(0), 13, 1e-15);
  EXPECT_NEAR(t.mean()(1), -1, 1e-15);
  EXPECT_NEAR(t.covariance()(0, 0), 5.5, 1e-14);
  EXPECT_NEAR(t.covariance()(1, 1), 1.5, 1e-14);
  EXPECT_NEAR(t.covariance()(0, 1), 0.5, 1e-14);
  // 1 × 2: the projection onto X1 + X2 alone, named.
  const pgm::Gaussian s = pgm::transform(g, Eigen::RowVector2d(1, 1), Eigen::VectorXd::Zero(1), {"S"});
  EXPECT_EQ(s.names(), (std::vector<std::string>{"S"}));
  EXPECT_NEAR(s.covariance()(0, 0), 5.5, 1e-14);
  EXPECT_THROW((void)pgm::transform(g, Eigen::Matrix3d::Identity(), Eigen::Vector3d(0, 0, 0)), pgm::QueryError);
  EXPECT_THROW((void)pgm::transform(g, a2, Eigen::Vector3d(0, 0, 0)), pgm::QueryError);
  EXPECT_THROW((void)pgm::transform(g, a2, Eigen::Vector2d(0, 0), {"only-one"}), pgm::QueryError);
}

TEST(GaussianSum, ClosedForm) {
  const pgm::Gaussian x({"A", "B"}, Eigen::Vector2d(1, 2), Eigen::Matrix2d{{2, 1}, {1, 1.5}});
  const pgm::Gaussian y({"C", "D"}, Eigen::Vector2d(-1, 5), Eigen::Matrix2d{{1, -0.5}, {-0.5, 4}});
  const pgm::Gaussian s = pgm::sum(x, y);
  EXPECT_EQ(s.names(), x.names());
  EXPECT_EQ(s.mean(), Eigen::Vector2d(0, 7));
  EXPECT_EQ(s.covariance(), (Eigen::Matrix2d{{3, 0.5}, {0.5, 5.5}}));
  const pgm::Gaussian one({"U"}, Eigen::VectorXd::Zero(1), Eigen::MatrixXd::Identity(1, 1));
  EXPECT_THROW((void)pgm::sum(x, one), pgm::QueryError);
}

}  // namespace
