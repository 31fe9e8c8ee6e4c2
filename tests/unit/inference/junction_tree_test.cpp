// Junction tree against brute-force enumeration (tests/support/enumeration_oracle, which uses no
// Factor code), plus the tree's own contracts: one tree many evidence sets, zero-probability evidence,
// the memory refusal, empty-scope factors, and a calibration that outlives its tree.
#include <pgm/core/error.hpp>
#include <pgm/inference/junction_tree.hpp>
#include <pgm/inference/variable_elimination.hpp>

#include "support/enumeration_oracle.hpp"
#include "support/random_models.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>

namespace {

using pgm::testing::EnumerationOracle;

void expect_matches_oracle(const pgm::CalibratedJunctionTree& cal, const EnumerationOracle& oracle,
                           const pgm::Evidence& e, std::size_t n) {
  const auto expected = oracle.marginals(e);
  ASSERT_FALSE(expected.empty());
  for (pgm::VariableId v = 0; v < n; ++v) {
    const auto m = cal.marginal(v);
    ASSERT_EQ(m.size(), expected[v].size());
    for (std::size_t s = 0; s < m.size(); ++s) EXPECT_NEAR(m.values()[s], expected[v][s], 1e-12) << "variable " << v;
  }
  const double pe = oracle.probability_of_evidence(e);
  EXPECT_NEAR(cal.probability_of_evidence(), pe, 1e-12 * std::max(1.0, pe));
  EXPECT_NEAR(cal.log_probability_of_evidence(), std::log(pe), 1e-10);
}

TEST(JunctionTree, RandomBayesianNetworksMatchEnumerationAcrossEvidenceSets) {
  std::mt19937_64 rng(314159);
  int checked = 0;
  for (int net = 0; net < 120; ++net) {
    pgm::testing::RandomNetworkSpec spec{3 + rng() % 8};
    const auto bn = pgm::testing::random_bayesian_network(rng, spec);
    const EnumerationOracle oracle(bn);
    const pgm::JunctionTree jt(bn);  // built once, calibrated for every evidence set below
    for (std::size_t count = 0; count < 4; ++count) {
      const auto e = pgm::testing::forward_sample_evidence(bn, rng, count);
      expect_matches_oracle(jt.calibrate(e), oracle, e, bn.size());
      ++checked;
    }
  }
  EXPECT_EQ(checked, 480);
}

TEST(JunctionTree, RandomMarkovNetworksMatchEnumeration) {
  std::mt19937_64 rng(2718);
  for (int net = 0; net < 80; ++net) {
    pgm::testing::RandomMarkovSpec spec{3 + rng() % 6, 2 + rng() % 6};
    const auto mn = pgm::testing::random_markov_network(rng, spec);
    const EnumerationOracle oracle(mn);
    const pgm::JunctionTree jt(mn);
    for (std::size_t count = 0; count < 3; ++count) {
      const auto e = pgm::testing::random_evidence(mn.variables(), rng, count);
      if (oracle.probability_of_evidence(e) == 0.0) {
        EXPECT_THROW((void)jt.calibrate(e), pgm::ZeroProbabilityEvidence);
        continue;
      }
      expect_matches_oracle(jt.calibrate(e), oracle, e, mn.size());
    }
  }
}

TEST(JunctionTree, ZeroProbabilityEvidenceIsAnErrorNeverNaN) {
  std::mt19937_64 rng(99);
  int zeros = 0;
  for (int net = 0; net < 150; ++net) {
    pgm::testing::RandomNetworkSpec spec{4 + rng() % 5};
    spec.zero_probability = 0.4;
    const auto bn = pgm::testing::random_bayesian_network(rng, spec);
    const EnumerationOracle oracle(bn);
    const pgm::JunctionTree jt(bn);
    const auto e = pgm::testing::random_evidence(bn.variables(), rng, 3);
    if (oracle.probability_of_evidence(e) == 0.0) {
      ++zeros;
      EXPECT_THROW((void)jt.calibrate(e), pgm::ZeroProbabilityEvidence);
    } else {
      expect_matches_oracle(jt.calibrate(e), oracle, e, bn.size());
    }
  }
  EXPECT_GT(zeros, 10);  // the test exercised the zero case, not only the happy path
}

// One variable A with factor (1, 3) and an empty-scope factor c: Z = (1 + 3) * c, P(a1) = 3/4.
pgm::MarkovNetwork with_constant(double c) {
  pgm::MarkovNetworkBuilder b("constant");
  const auto a = b.add_variable("A", {"a0", "a1"});
  b.add_factor({a}, {1.0, 3.0});
  b.add_factor({}, {c});
  return std::move(b).build();
}

TEST(JunctionTree, EmptyScopeFactorsScaleThePartitionFunction) {
  const auto mn = with_constant(0.5);
  const auto cal = pgm::JunctionTree(mn).calibrate({});
  EXPECT_NEAR(cal.probability_of_evidence(), 2.0, 1e-15);
  EXPECT_NEAR(cal.marginal(0).values()[1], 0.75, 1e-15);
  const auto zero = with_constant(0.0);
  EXPECT_THROW((void)pgm::JunctionTree(zero).calibrate({}), pgm::ZeroProbabilityEvidence);
}

TEST(JunctionTree, ObservedVariablesArePointMasses) {
  std::mt19937_64 rng(5);
  const auto bn = pgm::testing::random_bayesian_network(rng, {6});
  const auto e = pgm::testing::forward_sample_evidence(bn, rng, 2);
  const auto cal = pgm::JunctionTree(bn).calibrate(e);
  for (const auto& [v, s] : e) {
    const auto m = cal.marginal(v);
    for (std::size_t i = 0; i < m.size(); ++i) EXPECT_EQ(m.values()[i], i == s ? 1.0 : 0.0);
  }
}

TEST(JunctionTree, CalibrationOutlivesItsTree) {
  std::mt19937_64 rng(8);
  const auto bn = pgm::testing::random_bayesian_network(rng, {7});
  const EnumerationOracle oracle(bn);
  std::optional<pgm::CalibratedJunctionTree> cal;
  {
    const pgm::JunctionTree jt(bn);
    cal.emplace(jt.calibrate({}));
  }
  expect_matches_oracle(*cal, oracle, {}, bn.size());
}

// A chain of 20 binary variables in one Markov factor would need 2^20 entries: with a limit of
// 1 MiB the tree (8 MiB for that clique alone) must be refused with a LimitError naming the size.
TEST(JunctionTree, RefusesTablesOverTheMemoryLimitWithTheFigure) {
  pgm::MarkovNetworkBuilder b("wide");
  std::vector<pgm::VariableId> scope;
  for (int i = 0; i < 20; ++i) scope.push_back(b.add_variable("X" + std::to_string(i), {"0", "1"}));
  b.add_factor(scope, std::vector<double>(std::size_t{1} << 20, 1.0));
  const auto mn = std::move(b).build();
  pgm::JunctionTreeOptions opt;
  opt.max_memory_bytes = std::size_t{1} << 20;
  opt.triangulation_restarts.effort = 0;  // one clique: restarts cannot help
  try {
    (void)pgm::JunctionTree(mn, opt);
    FAIL() << "expected a LimitError";
  } catch (const pgm::LimitError& e) {
    EXPECT_NE(std::string(e.what()).find("MiB"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("treewidth 19"), std::string::npos) << e.what();
  }
}

}  // namespace

namespace {

// Factor values near the top of the double range: Z = 1e308 + 1e308 overflows a double, but
// ln Z = ln 2 + 308 ln 10 is finite and both engines must give it, with the posterior (1/2, 1/2).
TEST(JunctionTree, HugeFactorValuesDoNotOverflow) {
  pgm::MarkovNetworkBuilder b("huge");
  const auto a = b.add_variable("A", {"a0", "a1"});
  b.add_factor({a}, {1e308, 1e308});
  const auto mn = std::move(b).build();
  const double expected = std::log(2.0) + 308.0 * std::log(10.0);
  const auto cal = pgm::JunctionTree(mn).calibrate({});
  EXPECT_NEAR(cal.log_probability_of_evidence(), expected, 1e-12 * expected);
  EXPECT_DOUBLE_EQ(cal.marginal(a).values()[0], 0.5);
  const pgm::VariableElimination ve(mn);
  EXPECT_NEAR(ve.log_probability_of_evidence({}), expected, 1e-12 * expected);
  EXPECT_DOUBLE_EQ(ve.marginal(a, {}).values()[1], 0.5);
}

}  // namespace
