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
#include <thread>

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

// Evidence-specialised trees and the two calibration paths (flat index maps for small trees, the
// Factor walks otherwise), each against brute-force enumeration.
namespace {

pgm::JunctionTreeOptions path(bool flat, bool specialise) {
  pgm::JunctionTreeOptions o;
  o.flat_max_entries = flat ? std::size_t{1} << 20 : 0;
  o.specialise_evidence = specialise;
  o.specialise_min_entries = 0;  // try every pattern, however small the tree
  return o;
}

TEST(JunctionTree, BothCalibrationPathsMatchEnumeration) {
  std::mt19937_64 rng(4242);
  for (int net = 0; net < 60; ++net) {
    pgm::testing::RandomNetworkSpec spec{3 + rng() % 8};
    const auto bn = pgm::testing::random_bayesian_network(rng, spec);
    const EnumerationOracle oracle(bn);
    const pgm::JunctionTree flat(bn, path(true, false)), walks(bn, path(false, false));
    for (std::size_t count = 0; count < 4; ++count) {
      const auto e = pgm::testing::forward_sample_evidence(bn, rng, count);
      expect_matches_oracle(flat.calibrate(e), oracle, e, bn.size());
      expect_matches_oracle(walks.calibrate(e), oracle, e, bn.size());
    }
  }
}

// Many patterns per network, through the cache (specialised where predicted cheaper), through a
// tree built for the pattern, and through one built for a sub-pattern (the rest of the evidence
// then reduces as usual), on both paths.
TEST(JunctionTree, EvidenceSpecialisedTreesMatchEnumeration) {
  std::mt19937_64 rng(1729);
  std::size_t specialised = 0, checked = 0;
  for (int net = 0; net < 80; ++net) {
    pgm::testing::RandomNetworkSpec spec{3 + rng() % 8};
    const auto bn = pgm::testing::random_bayesian_network(rng, spec);
    const EnumerationOracle oracle(bn);
    for (bool flat : {true, false}) {
      const pgm::JunctionTree jt(bn, path(flat, true));
      for (std::size_t count = 1; count <= bn.size(); ++count) {
        const auto e = pgm::testing::forward_sample_evidence(bn, rng, count);
        if (jt.specialised_for(e)) ++specialised;
        expect_matches_oracle(jt.calibrate(e), oracle, e, bn.size());
        std::vector<pgm::VariableId> pattern;
        for (const auto& [v, s] : e) pattern.push_back(v);
        expect_matches_oracle(pgm::JunctionTree(bn, pattern, path(flat, false)).calibrate(e), oracle, e, bn.size());
        pattern.resize(pattern.size() / 2);
        expect_matches_oracle(pgm::JunctionTree(bn, pattern, path(flat, false)).calibrate(e), oracle, e, bn.size());
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 600u);
  EXPECT_GT(specialised, checked / 4);  // the specialised trees were used, not only predicted
}

TEST(JunctionTree, EvidenceSpecialisedMarkovNetworksMatchEnumeration) {
  std::mt19937_64 rng(1618);
  int zeros = 0;
  for (int net = 0; net < 60; ++net) {
    pgm::testing::RandomMarkovSpec spec{3 + rng() % 6, 2 + rng() % 6};
    const auto mn = pgm::testing::random_markov_network(rng, spec);
    const EnumerationOracle oracle(mn);
    for (bool flat : {true, false}) {
      const pgm::JunctionTree jt(mn, path(flat, true));
      for (std::size_t count = 1; count <= 3; ++count) {
        const auto e = pgm::testing::random_evidence(mn.variables(), rng, count);
        std::vector<pgm::VariableId> pattern;
        for (const auto& [v, s] : e) pattern.push_back(v);
        const pgm::JunctionTree own(mn, pattern, path(flat, false));
        if (oracle.probability_of_evidence(e) == 0.0) {
          ++zeros;
          EXPECT_THROW((void)jt.calibrate(e), pgm::ZeroProbabilityEvidence);
          EXPECT_THROW((void)own.calibrate(e), pgm::ZeroProbabilityEvidence);
          continue;
        }
        expect_matches_oracle(jt.calibrate(e), oracle, e, mn.size());
        expect_matches_oracle(own.calibrate(e), oracle, e, mn.size());
      }
    }
  }
  EXPECT_GT(zeros, 5);
}

TEST(JunctionTree, ZeroProbabilityEvidenceOnSpecialisedTrees) {
  std::mt19937_64 rng(77);
  int zeros = 0;
  for (int net = 0; net < 150; ++net) {
    pgm::testing::RandomNetworkSpec spec{4 + rng() % 5};
    spec.zero_probability = 0.4;
    const auto bn = pgm::testing::random_bayesian_network(rng, spec);
    const EnumerationOracle oracle(bn);
    const auto e = pgm::testing::random_evidence(bn.variables(), rng, 3);
    std::vector<pgm::VariableId> pattern;
    for (const auto& [v, s] : e) pattern.push_back(v);
    for (bool flat : {true, false}) {
      const pgm::JunctionTree own(bn, pattern, path(flat, false));
      if (oracle.probability_of_evidence(e) == 0.0) {
        ++zeros;
        EXPECT_THROW((void)own.calibrate(e), pgm::ZeroProbabilityEvidence);
      } else {
        expect_matches_oracle(own.calibrate(e), oracle, e, bn.size());
      }
    }
  }
  EXPECT_GT(zeros, 10);
}

TEST(JunctionTree, PatternTreeNeedsItsVariablesObserved) {
  std::mt19937_64 rng(3);
  const auto bn = pgm::testing::random_bayesian_network(rng, {6});
  const std::vector<pgm::VariableId> pattern{1, 4};
  const pgm::JunctionTree jt(bn, pattern);
  EXPECT_EQ(jt.pattern(), pattern);
  EXPECT_THROW((void)jt.calibrate({{1, 0}}), pgm::QueryError);
  EXPECT_THROW((void)pgm::JunctionTree(bn, std::vector<pgm::VariableId>{1, 1}), pgm::QueryError);
  EXPECT_THROW((void)pgm::JunctionTree(bn, std::vector<pgm::VariableId>{6}), pgm::QueryError);
  for (std::size_t c = 0; c < jt.num_cliques(); ++c)
    for (pgm::VariableId v : jt.clique(c)) EXPECT_TRUE(v != 1 && v != 4) << "observed variable in a clique";
}

// A chain A - B - C - D of 8-state variables: the evidence-free tree has cliques {A,B}, {B,C}, {C,D}
// (192 entries). Calibrating it with evidence touches each clique without its observed variables,
// and a tree built without them has only the cliques that remain maximal:
//   observed   full tree reduced          specialised tree     verdict (specialise below 0.8x)
//   A, C       {A}+{C}+{C} ... 8+8+8=24   {B}, {D}: 16          yes
//   B, D       {A}+{C}+{C}: 24            {A}, {C}: 16          yes
//   D          64+64+8 = 136              {A,B}, {B,C}: 128     no
// The flat path does not shrink tables by evidence, so for it every pattern costs 192.
pgm::BayesianNetwork chain8() {
  pgm::BayesianNetworkBuilder b("chain");
  std::vector<std::string> states;
  for (int s = 0; s < 8; ++s) states.push_back("s" + std::to_string(s));
  std::vector<pgm::VariableId> ids;
  for (const char* name : {"A", "B", "C", "D"}) ids.push_back(b.add_variable(name, states));
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0.1, 1.0);
  auto column = [&] {
    std::vector<double> c(8);
    double z = 0;
    for (auto& x : c) z += x = u(rng);
    for (auto& x : c) x /= z;
    return c;
  };
  b.set_cpt(ids[0], {}, column());
  for (int i = 1; i < 4; ++i) {
    std::vector<double> t;
    for (int p = 0; p < 8; ++p) {
      const auto c = column();
      t.insert(t.end(), c.begin(), c.end());
    }
    b.set_cpt(ids[i], {ids[i - 1]}, t);
  }
  return std::move(b).build();
}

TEST(JunctionTree, CacheHitsReturnIdenticalResultsAndStayBounded) {
  const auto bn = chain8();
  const EnumerationOracle oracle(bn);
  pgm::JunctionTreeOptions o = path(false, true);
  o.evidence_cache_entries = 2;
  const pgm::JunctionTree jt(bn, o);
  EXPECT_EQ(jt.total_clique_size(), 192u);
  const pgm::Evidence ac{{0, 2}, {2, 7}}, ac2{{0, 5}, {2, 0}}, bd{{1, 3}, {3, 4}}, d{{3, 1}};
  const auto tree_ac = jt.specialised_for(ac);
  ASSERT_TRUE(tree_ac);
  EXPECT_EQ(tree_ac->total_clique_size(), 16u);
  EXPECT_EQ(jt.cached_patterns(), 1u);
  // Same pattern, other values: the same cached tree; calibrations repeat bit for bit.
  EXPECT_EQ(jt.specialised_for(ac2), tree_ac);
  const auto first = jt.calibrate(ac), again = jt.calibrate(ac);
  for (pgm::VariableId v = 0; v < 4; ++v) EXPECT_EQ(first.marginal(v), again.marginal(v));
  EXPECT_EQ(first.log_probability_of_evidence(), again.log_probability_of_evidence());
  expect_matches_oracle(first, oracle, ac, 4);
  expect_matches_oracle(jt.calibrate(ac2), oracle, ac2, 4);
  EXPECT_FALSE(jt.specialised_for(d));  // cached as a "no"
  EXPECT_EQ(jt.cached_patterns(), 2u);
  expect_matches_oracle(jt.calibrate(d), oracle, d, 4);
  EXPECT_EQ(jt.specialised_for(ac), tree_ac);  // used after {D}: {D} is now the least recent
  const auto tree_bd = jt.specialised_for(bd);
  ASSERT_TRUE(tree_bd);
  EXPECT_EQ(tree_bd->total_clique_size(), 16u);
  EXPECT_EQ(jt.cached_patterns(), 2u);  // {D} evicted
  expect_matches_oracle(jt.calibrate(bd), oracle, bd, 4);
  EXPECT_EQ(jt.specialised_for(ac), tree_ac);
  EXPECT_FALSE(jt.specialised_for(d));  // decided again, evicting {B,D}
  EXPECT_NE(jt.specialised_for(bd), tree_bd);  // rebuilt
  expect_matches_oracle(jt.calibrate(bd), oracle, bd, 4);
  // No cache: decided and built on every call, same answers.
  o.evidence_cache_entries = 0;
  const pgm::JunctionTree uncached(bn, o);
  expect_matches_oracle(uncached.calibrate(ac), oracle, ac, 4);
  EXPECT_NE(uncached.specialised_for(ac), uncached.specialised_for(ac));
  EXPECT_EQ(uncached.cached_patterns(), 0u);
  // With a real threshold, a pattern's first use must repay the build at once: the model's factors
  // (8 + 3 * 64 = 200 entries) and 16 per pair of clique variables (3 cliques of 2: 192) against
  // 24 entries to calibrate (8x the build is the bar) is not worth it; the second use of the pattern is.
  o.evidence_cache_entries = 4;
  o.specialise_min_entries = 1;
  const pgm::JunctionTree gated(bn, o);
  EXPECT_FALSE(gated.specialised_for(ac));
  EXPECT_EQ(gated.cached_patterns(), 1u);
  const auto second = gated.specialised_for(ac2);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->total_clique_size(), 16u);
  EXPECT_EQ(gated.specialised_for(ac), second);
  EXPECT_EQ(gated.cached_patterns(), 1u);
  expect_matches_oracle(gated.calibrate(ac), oracle, ac, 4);
  // Flat: 192 for every pattern, so observing D (128 entries without it) is specialised too.
  const pgm::JunctionTree flat(bn, path(true, true));
  const auto tree_d = flat.specialised_for(d);
  ASSERT_TRUE(tree_d);
  EXPECT_EQ(tree_d->total_clique_size(), 128u);
  expect_matches_oracle(flat.calibrate(d), oracle, d, 4);
}

TEST(JunctionTree, ThreadsCalibratingDifferentPatternsAgree) {
  std::mt19937_64 rng(2024);
  pgm::testing::RandomNetworkSpec spec{10};
  const auto bn = pgm::testing::random_bayesian_network(rng, spec);
  const EnumerationOracle oracle(bn);
  for (bool flat : {true, false}) {
    pgm::JunctionTreeOptions o = path(flat, true);
    o.evidence_cache_entries = 3;  // fewer than the patterns: threads also evict each other's
    const pgm::JunctionTree jt(bn, o);
    std::vector<pgm::Evidence> patterns;
    std::vector<std::vector<std::vector<double>>> expected;
    for (std::size_t i = 0; i < 8; ++i) {
      patterns.push_back(pgm::testing::forward_sample_evidence(bn, rng, 1 + i % 5));
      expected.push_back(oracle.marginals(patterns.back()));
    }
    std::vector<int> failures(2, 0);
    auto worker = [&](std::size_t t) {
      for (int round = 0; round < 200; ++round) {
        const std::size_t i = (t * 3 + static_cast<std::size_t>(round)) % patterns.size();
        const auto cal = jt.calibrate(patterns[i]);
        for (pgm::VariableId v = 0; v < bn.size(); ++v) {
          const auto m = cal.marginal(v);
          for (std::size_t s = 0; s < m.size(); ++s)
            if (std::abs(m.values()[s] - expected[i][v][s]) > 1e-12) ++failures[t];
        }
      }
    };
    std::thread a(worker, 0), b(worker, 1);
    a.join();
    b.join();
    EXPECT_EQ(failures[0], 0);
    EXPECT_EQ(failures[1], 0);
    EXPECT_LE(jt.cached_patterns(), 3u);
  }
}

}  // namespace

namespace {

// A, B, C, D (6 states, fully connected: one clique of 6^4 = 1296 entries) and 10 binary children of
// D (cliques {D, E_i} of 12): the flat maps cost 10 * (12 + 1296) entry steps, more than one
// calibration by the walks (300 per clique + 2 per entry, about 6,100), so they are built on the
// second calibration. Both calibrations, and those with evidence, must match enumeration.
TEST(JunctionTree, FlatMapsBuiltOnSecondCalibrationGiveTheSameAnswers) {
  pgm::BayesianNetworkBuilder b("hub");
  std::mt19937_64 rng(19);
  std::uniform_real_distribution<double> u(0.05, 1.0);
  auto table = [&](std::size_t columns, std::size_t states) {
    std::vector<double> t;
    for (std::size_t c = 0; c < columns; ++c) {
      std::vector<double> col(states);
      double z = 0;
      for (auto& x : col) z += x = u(rng);
      for (auto& x : col) t.push_back(x / z);
    }
    return t;
  };
  const std::vector<std::string> six{"0", "1", "2", "3", "4", "5"};
  std::vector<pgm::VariableId> hub;
  for (const char* name : {"A", "B", "C", "D"}) hub.push_back(b.add_variable(name, six));
  for (std::size_t i = 0; i < 4; ++i) {
    const std::vector<pgm::VariableId> parents(hub.begin(), hub.begin() + static_cast<std::ptrdiff_t>(i));
    std::size_t columns = 1;
    for (std::size_t p = 0; p < i; ++p) columns *= 6;
    b.set_cpt(hub[i], parents, table(columns, 6));
  }
  for (int i = 0; i < 10; ++i) {
    const auto e = b.add_variable("E" + std::to_string(i), {"no", "yes"});
    b.set_cpt(e, {hub[3]}, table(6, 2));
  }
  const auto bn = std::move(b).build();
  const EnumerationOracle oracle(bn);
  pgm::JunctionTreeOptions o;
  o.specialise_evidence = false;
  const pgm::JunctionTree jt(bn, o);
  EXPECT_EQ(jt.total_clique_size(), 1296u + 10u * 12u);
  const pgm::Evidence none, leaves{{5, 1}, {9, 0}};
  for (int round = 0; round < 3; ++round) {
    expect_matches_oracle(jt.calibrate(none), oracle, none, bn.size());
    expect_matches_oracle(jt.calibrate(leaves), oracle, leaves, bn.size());
  }
}

}  // namespace

namespace {

// Collect messages that are skipped because the CPTs below sum to 1 must not be skipped when they
// do not: columns kept as written that sum to 1 - 5e-7 (inside the builder's tolerance) change
// P(e) by about 5e-7 per CPT, far above the 1e-12 the enumeration check allows.
TEST(JunctionTree, UnnormalisedCptsKeepEveryMessage) {
  std::mt19937_64 rng(606);
  for (int net = 0; net < 30; ++net) {
    const auto base = pgm::testing::random_bayesian_network(rng, {3 + rng() % 6});
    pgm::BayesianNetworkBuilder b("loose");
    for (pgm::VariableId v = 0; v < base.size(); ++v) b.add_variable(base.variables()[v]);
    for (pgm::VariableId v = 0; v < base.size(); ++v) {
      const auto& parents = base.parents(v);
      std::vector<double> t = base.cpt_table(v);
      for (double& x : t) x *= 1.0 - 5e-7;
      b.set_cpt(v, std::vector<pgm::VariableId>(parents.begin(), parents.end()), t);
    }
    const auto bn = std::move(b).build();
    const EnumerationOracle oracle(bn);
    for (bool flat : {true, false}) {
      const pgm::JunctionTree jt(bn, path(flat, false));
      for (std::size_t count = 0; count < 3; ++count) {
        const auto e = pgm::testing::forward_sample_evidence(bn, rng, count);
        expect_matches_oracle(jt.calibrate(e), oracle, e, bn.size());
      }
    }
  }
}

}  // namespace
