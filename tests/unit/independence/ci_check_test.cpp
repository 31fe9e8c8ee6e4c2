// The numeric independence check: hand-computed explaining away, a parameter-made independence the
// graph does not show, and "structurally independent ⇒ numerically independent" on random models,
// with every max difference recomputed from the brute-force joint.
#include <pgm/core/error.hpp>
#include <pgm/independence/ci_check.hpp>
#include <pgm/independence/d_separation.hpp>
#include <pgm/independence/separation.hpp>
#include <pgm/io/load.hpp>
#include <pgm/model/bayesian_network.hpp>
#include <pgm/model/markov_network.hpp>

#include "support/enumeration_oracle.hpp"
#include "support/random_models.hpp"
#include "unit/independence/graph_oracle.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <variant>
#include <vector>

namespace pgm {
namespace {

using Names = std::vector<std::string>;
using V = std::vector<VariableId>;

template <class T>
T load_as(const std::string& file) {
  ModelVariant m = io::load_model(std::string(PGM_SOURCE_DIR) + "/models/" + file);
  return std::get<T>(std::move(m));
}

// max over z with P(z) > 0 of |P(x,y|z) - P(x|z)P(y|z)| from the enumeration oracle's joint.
template <class M>
double oracle_max_difference(const M& model, const V& x, const V& y, const V& z) {
  const testing::EnumerationOracle oracle(model);
  V order = z;
  order.insert(order.end(), x.begin(), x.end());
  order.insert(order.end(), y.begin(), y.end());
  const std::vector<double> p = oracle.joint(order, {});
  std::size_t nx = 1, ny = 1;
  for (VariableId v : x) nx *= model.variable(v).cardinality();
  for (VariableId v : y) ny *= model.variable(v).cardinality();
  const std::size_t nz = p.size() / (nx * ny);
  double worst = 0.0;
  for (std::size_t k = 0; k < nz; ++k) {
    const double* b = p.data() + k * nx * ny;
    double pz = 0.0;
    for (std::size_t i = 0; i < nx * ny; ++i) pz += b[i];
    if (pz <= 0.0) continue;
    for (std::size_t i = 0; i < nx; ++i) {
      for (std::size_t j = 0; j < ny; ++j) {
        double pi = 0.0, pj = 0.0;
        for (std::size_t jj = 0; jj < ny; ++jj) pi += b[i * ny + jj];
        for (std::size_t ii = 0; ii < nx; ++ii) pj += b[ii * ny + j];
        worst = std::max(worst, std::abs(b[i * ny + j] / pz - (pi / pz) * (pj / pz)));
      }
    }
  }
  return worst;
}

TEST(NumericIndependence, ExplainingAwayByHand) {
  const auto bn = load_as<BayesianNetwork>("explaining-away.yaml");
  // Causes independent a priori: structurally and numerically.
  EXPECT_TRUE(d_separation(bn, Names{"Burglary"}, Names{"Earthquake"}, Names{}).independent);
  const auto prior = numeric_independence(bn, Names{"Burglary"}, Names{"Earthquake"}, Names{});
  EXPECT_LT(prior.max_difference, 1e-12);
  EXPECT_TRUE(prior.independent);
  EXPECT_EQ(prior.tolerance, 1e-9);

  // Given Alarm they are dependent. Joint P(B, E, A=ringing) = P(B)P(E)P(ringing | B, E):
  //   no,no 0.9*0.8*0.05 = 0.036   no,yes 0.9*0.2*0.7 = 0.126
  //   yes,no 0.1*0.8*0.9 = 0.072   yes,yes 0.1*0.2*0.95 = 0.019      P(ringing) = 0.253
  // For two binary variables every cell differs from the product of marginals by the same
  // |p00 p11 - p01 p10| / P(z)^2 = |0.036*0.019 - 0.126*0.072| / 0.253^2 = 0.008388 / 0.064009.
  // With A=silent: joint 0.684, 0.054, 0.008, 0.001 (sum 0.747) gives
  // |0.684*0.001 - 0.054*0.008| / 0.747^2 = 0.000252 / 0.558009, much smaller.
  const double expected = 0.008388 / 0.064009;
  EXPECT_FALSE(d_separation(bn, Names{"Burglary"}, Names{"Earthquake"}, Names{"Alarm"}).independent);
  const auto given = numeric_independence(bn, Names{"Burglary"}, Names{"Earthquake"}, Names{"Alarm"});
  EXPECT_NEAR(given.max_difference, expected, 1e-12);
  EXPECT_FALSE(given.independent);
  // The largest difference is at Alarm = ringing.
  bool ringing = false;
  for (const auto& [v, s] : given.worst) ringing = ringing || (v == bn.id("Alarm") && s == 1);
  EXPECT_TRUE(ringing);
  EXPECT_EQ(given.worst.size(), 3u);
}

TEST(NumericIndependence, ParametersCreateIndependenceTheGraphDoesNotShow) {
  const auto bn = load_as<BayesianNetwork>("parameter-independence.yaml");
  // The edge StarSign → ExamGrade: never d-separated.
  EXPECT_FALSE(d_separation(bn, Names{"StarSign"}, Names{"ExamGrade"}, Names{}).independent);
  // ExamGrade's CPT ignores StarSign, so P(sign, study, grade) = P(sign) P(study) P(grade | study):
  // StarSign is independent of (Study, ExamGrade) jointly, hence of each given the other.
  EXPECT_LT(numeric_independence(bn, Names{"StarSign"}, Names{"ExamGrade"}, Names{}).max_difference, 1e-12);
  EXPECT_FALSE(d_separation(bn, Names{"StarSign"}, Names{"Study"}, Names{"ExamGrade"}).independent);
  const auto r = numeric_independence(bn, Names{"StarSign"}, Names{"Study"}, Names{"ExamGrade"});
  EXPECT_LT(r.max_difference, 1e-12);
  EXPECT_TRUE(r.independent);
  // Study and ExamGrade really are dependent: P(fail | low) = 0.5 vs P(fail) = 0.6*0.5 + 0.4*0.1 = 0.34.
  const auto study = numeric_independence(bn, Names{"Study"}, Names{"ExamGrade"}, Names{});
  EXPECT_FALSE(study.independent);
  // |P(low, fail) - P(low) P(fail)| = |0.3 - 0.6*0.34| = 0.096; the largest over the six cells:
  //   merit: |0.6*0.1 - 0.6*(0.6*0.1 + 0.4*0.4)| = |0.06 - 0.132| = 0.072; pass: |0.24 - 0.6*0.44| = 0.024.
  EXPECT_NEAR(study.max_difference, 0.096, 1e-12);
}

TEST(NumericIndependence, StructuralImpliesNumericOnRandomBayesianNetworks) {
  std::mt19937_64 rng(314);
  std::size_t separated = 0, total = 0;
  for (int net = 0; net < 40; ++net) {
    testing::RandomNetworkSpec spec{};
    spec.nodes = std::uniform_int_distribution<std::size_t>(4, 8)(rng);
    spec.max_states = 3;
    spec.max_parents = 2;
    const BayesianNetwork bn = testing::random_bayesian_network(rng, spec);
    for (int q = 0; q < 8; ++q, ++total) {
      const auto s = testing::independence::random_sets(rng, bn.size(), 2, 2, 3);
      const auto r = numeric_independence(bn, s.x, s.y, s.z);
      ASSERT_TRUE(std::isfinite(r.max_difference));
      EXPECT_NEAR(r.max_difference, oracle_max_difference(bn, s.x, s.y, s.z), 1e-12);
      if (d_separated(bn.graph(), s.x, s.y, s.z)) {
        ++separated;
        EXPECT_LT(r.max_difference, 1e-12) << "network " << net << " query " << q;
        EXPECT_TRUE(r.independent);
      }
    }
  }
  EXPECT_GT(separated, total / 5);
}

TEST(NumericIndependence, SeparationImpliesNumericOnRandomMarkovNetworks) {
  std::mt19937_64 rng(2718);
  std::size_t separated_count = 0;
  for (int net = 0; net < 30; ++net) {
    testing::RandomMarkovSpec spec{};
    spec.nodes = std::uniform_int_distribution<std::size_t>(4, 8)(rng);
    spec.factors = spec.nodes / 2;
    spec.max_scope = 2;
    const MarkovNetwork mn = testing::random_markov_network(rng, spec);
    for (int q = 0; q < 6; ++q) {
      const auto s = testing::independence::random_sets(rng, mn.size(), 2, 2, 3);
      const auto r = numeric_independence(mn, s.x, s.y, s.z);
      EXPECT_NEAR(r.max_difference, oracle_max_difference(mn, s.x, s.y, s.z), 1e-12);
      if (separated(mn.graph(), s.x, s.y, s.z)) {
        ++separated_count;
        EXPECT_LT(r.max_difference, 1e-12) << "network " << net << " query " << q;
      }
    }
  }
  EXPECT_GT(separated_count, 10u);
}

TEST(NumericIndependence, ZeroProbabilityConditioningStatesAreSkipped) {
  // Z is never in state "b"; X and Y are children of Z only.
  BayesianNetworkBuilder b("zero");
  const VariableId z = b.add_variable("Z", {"a", "b"});
  const VariableId x = b.add_variable("X", {"0", "1"});
  const VariableId y = b.add_variable("Y", {"0", "1"});
  b.set_cpt(z, {}, {1.0, 0.0});
  b.set_cpt(x, {z}, {0.3, 0.7, 0.5, 0.5});
  b.set_cpt(y, {z}, {0.2, 0.8, 0.9, 0.1});
  const BayesianNetwork bn = std::move(b).build();
  const auto r = numeric_independence(bn, V{x}, V{y}, V{z});
  // Only Z = a counts; Z = b (probability 0) must not turn into 0/0.
  EXPECT_TRUE(std::isfinite(r.max_difference));
  EXPECT_LT(r.max_difference, 1e-15);
  EXPECT_TRUE(r.independent);
  EXPECT_LT(numeric_independence(bn, V{x}, V{y}, V{}).max_difference, 1e-15);  // Z is constant
}

TEST(NumericIndependence, Errors) {
  const auto bn = load_as<BayesianNetwork>("explaining-away.yaml");
  EXPECT_THROW((void)numeric_independence(bn, Names{"Burglary"}, Names{"Burglary"}, Names{}), QueryError);
  EXPECT_THROW((void)numeric_independence(bn, Names{"Burglary"}, Names{"Quake"}, Names{}), QueryError);
  EXPECT_THROW((void)numeric_independence(bn, Names{}, Names{"Alarm"}, Names{}), QueryError);
  EXPECT_THROW((void)numeric_independence(bn, Names{"Alarm"}, Names{}, Names{}), QueryError);
  EXPECT_THROW((void)numeric_independence(bn, Names{"Alarm"}, Names{"Burglary"}, Names{}, -1.0), QueryError);
  EXPECT_THROW((void)numeric_independence(bn, Names{"Alarm"}, Names{"Burglary"}, Names{},
                                          std::numeric_limits<double>::quiet_NaN()),
               QueryError);

  // Seven variables of ten states: the joint over all of them has 10^7 entries > 10^6.
  BayesianNetworkBuilder big("big");
  std::vector<std::string> states;
  for (int i = 0; i < 10; ++i) states.push_back("s" + std::to_string(i));
  V ids;
  for (int i = 0; i < 7; ++i) {
    ids.push_back(big.add_variable("V" + std::to_string(i), states));
    big.set_cpt(ids.back(), {}, std::vector<double>(10, 0.1));
  }
  const BayesianNetwork bbn = std::move(big).build();
  try {
    (void)numeric_independence(bbn, V{ids[0]}, V{ids[1]}, V{ids.begin() + 2, ids.end()});
    ADD_FAILURE() << "expected LimitError";
  } catch (const LimitError& e) {
    // Both figures, each in its place: 10^7 contains "1000000", so a bare search for the limit
    // would pass on the first figure alone.
    const std::string what = e.what();
    EXPECT_NE(what.find("over 7 variables"), std::string::npos) << what;
    EXPECT_NE(what.find("which has 10000000 entries"), std::string::npos) << what;
    EXPECT_NE(what.find("the limit is 1000000 "), std::string::npos) << what;
  }
  // 10^6 entries is within the limit.
  EXPECT_TRUE(numeric_independence(bbn, V{ids[0]}, V{ids[1]}, V{ids.begin() + 2, ids.end() - 1}).independent);
}

}  // namespace
}  // namespace pgm
