// Variable elimination against brute-force enumeration of the full joint (tests/support), on
// seeded random Bayesian and Markov networks, plus the error contract of queries.
#include <pgm/core/error.hpp>
#include <pgm/inference/variable_elimination.hpp>

#include "support/enumeration_oracle.hpp"
#include "support/random_models.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace pgm {
namespace {

using testing::EnumerationOracle;

constexpr double kTol = 1e-12;

std::vector<VariableId> all_ids(std::size_t n) {
  std::vector<VariableId> v(n);
  for (VariableId i = 0; i < n; ++i) v[i] = i;
  return v;
}

// The factor's entries in its own (canonical) layout against a row-major table over the same
// variables in ascending-id order — the layout EnumerationOracle::joint gives for sorted targets.
void expect_table_near(const Factor& f, const std::vector<double>& expected, double tol, const std::string& what) {
  ASSERT_EQ(f.size(), expected.size()) << what;
  ASSERT_TRUE(std::is_sorted(f.variables().begin(), f.variables().end())) << what;
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(f.values()[i], expected[i], tol) << what << " entry " << i;
}

std::string describe(const Evidence& e) {
  std::string s = "evidence {";
  for (const auto& [v, st] : e) s += " V" + std::to_string(v) + "=" + std::to_string(st);
  return s + " }";
}

// All single marginals, the evidence probability and one random joint, against the oracle.
void check_against_oracle(const VariableElimination& ve, const EnumerationOracle& oracle, const Evidence& e,
                          std::mt19937_64& rng, const std::string& label) {
  const std::string what = label + " " + describe(e);
  const double pe = oracle.probability_of_evidence(e);
  ASSERT_GT(pe, 0.0) << what;
  EXPECT_NEAR(ve.probability_of_evidence(e), pe, kTol * std::max(1.0, pe)) << what;
  EXPECT_NEAR(ve.log_probability_of_evidence(e), std::log(pe), 1e-10) << what;

  const auto ids = all_ids(oracle.size());
  const auto expected = oracle.marginals(e);
  const auto got = ve.marginals(ids, e);
  ASSERT_EQ(got.size(), ids.size()) << what;
  for (VariableId v : ids) {
    ASSERT_EQ(got[v].variables(), std::vector<VariableId>{v}) << what;
    expect_table_near(got[v], expected[v], kTol, what + " marginal V" + std::to_string(v));
  }
  // marginal() agrees with marginals().
  const VariableId one = static_cast<VariableId>(rng() % oracle.size());
  expect_table_near(ve.marginal(one, e), expected[one], kTol, what + " single marginal");

  // A joint over two or three distinct targets given in random order.
  std::vector<VariableId> targets = ids;
  std::shuffle(targets.begin(), targets.end(), rng);
  targets.resize(std::min<std::size_t>(targets.size(), 2 + rng() % 2));
  const Posterior post = ve.joint(targets, e);
  EXPECT_NEAR(post.probability_of_evidence, pe, kTol * std::max(1.0, pe)) << what;
  std::vector<VariableId> sorted = targets;
  std::sort(sorted.begin(), sorted.end());
  ASSERT_EQ(post.distribution.variables(), sorted) << what;
  expect_table_near(post.distribution, oracle.joint(sorted, e), kTol, what + " joint");
}

// ---- Bayesian networks -------------------------------------------------------------------------

TEST(VariableElimination, RandomBayesianNetworksMatchEnumeration) {
  int networks = 0, queries = 0;
  for (std::uint64_t seed = 1; seed <= 240; ++seed) {
    std::mt19937_64 rng(seed * 7919);
    testing::RandomNetworkSpec spec{.nodes = 3 + seed % 6};  // 3..8 nodes, 2..4 states, <= 3 parents
    const BayesianNetwork bn = testing::random_bayesian_network(rng, spec);
    const EnumerationOracle oracle(bn);
    // Options vary with the seed: every heuristic, with and without barren-node pruning.
    VariableEliminationOptions opts;
    constexpr EliminationHeuristic hs[] = {EliminationHeuristic::automatic, EliminationHeuristic::min_degree,
                                           EliminationHeuristic::min_fill, EliminationHeuristic::weighted_min_fill};
    opts.heuristic = hs[seed % 4];
    opts.prune_barren = (seed / 4) % 2 == 0;
    const VariableElimination ve(bn, opts);
    const std::string label = "seed " + std::to_string(seed);
    for (std::size_t count = 0; count <= 3; ++count) {
      const Evidence e = testing::forward_sample_evidence(bn, rng, count);
      check_against_oracle(ve, oracle, e, rng, label);
      ++queries;
      if (::testing::Test::HasFatalFailure()) return;
    }
    ++networks;
  }
  EXPECT_EQ(networks, 240);
  EXPECT_EQ(queries, 960);
}

TEST(VariableElimination, PruningAndHeuristicsDoNotChangeAnswers) {
  for (std::uint64_t seed = 500; seed < 540; ++seed) {
    std::mt19937_64 rng(seed);
    const BayesianNetwork bn = testing::random_bayesian_network(rng, {.nodes = 7});
    const Evidence e = testing::forward_sample_evidence(bn, rng, 2);
    const VariableElimination pruned(bn, {.heuristic = EliminationHeuristic::min_fill, .prune_barren = true});
    const VariableElimination full(bn, {.heuristic = EliminationHeuristic::min_degree, .prune_barren = false});
    for (VariableId v = 0; v < bn.size(); ++v) {
      const Factor a = pruned.marginal(v, e), b = full.marginal(v, e);
      ASSERT_EQ(a.variables(), b.variables());
      for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a.values()[i], b.values()[i], kTol);
    }
    EXPECT_NEAR(pruned.probability_of_evidence(e), full.probability_of_evidence(e), kTol);
  }
}

TEST(VariableElimination, NoEvidenceHasProbabilityOne) {
  std::mt19937_64 rng(99);
  const BayesianNetwork bn = testing::random_bayesian_network(rng, {.nodes = 6});
  const VariableElimination ve(bn);
  EXPECT_NEAR(ve.probability_of_evidence({}), 1.0, kTol);
  EXPECT_NEAR(ve.log_probability_of_evidence({}), 0.0, kTol);
}

// A -> B with P(A) = (1, 0) and P(B | a0) = (0.25, 0.75), P(B | a1) = (0.5, 0.5).
BayesianNetwork impossible_a1() {
  BayesianNetworkBuilder b("impossible");
  const VariableId a = b.add_variable("A", {"a0", "a1"});
  const VariableId bb = b.add_variable("B", {"b0", "b1"});
  b.set_cpt(a, {}, {1.0, 0.0});
  b.set_cpt(bb, {a}, {0.25, 0.75, 0.5, 0.5});
  return std::move(b).build();
}

TEST(VariableElimination, ZeroProbabilityEvidenceIsAnErrorNotNaN) {
  const BayesianNetwork bn = impossible_a1();
  const VariableElimination ve(bn);
  const Evidence e{{0, 1}};  // A = a1 has probability 0
  const VariableId b[] = {1};
  try {
    (void)ve.marginal(1, e);
    FAIL() << "no exception";
  } catch (const ZeroProbabilityEvidence& ex) {
    std::string m = ex.what();
    std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    EXPECT_TRUE(m.find("zero") != std::string::npos || m.find("impossible") != std::string::npos ||
                m.find("probability 0") != std::string::npos)
        << ex.what();
    EXPECT_EQ(m.find("nan"), std::string::npos) << ex.what();
  }
  EXPECT_THROW((void)ve.joint(b, e), ZeroProbabilityEvidence);
  EXPECT_THROW((void)ve.marginals(b, e), ZeroProbabilityEvidence);
  // Evidence B = b1 together with A = a1: still zero. P(B = b1) alone = 0.75.
  EXPECT_THROW((void)ve.marginal(0, Evidence{{0, 1}, {1, 1}}), ZeroProbabilityEvidence);
  EXPECT_EQ(ve.probability_of_evidence(e), 0.0);
  EXPECT_EQ(ve.log_probability_of_evidence(e), -std::numeric_limits<double>::infinity());
  EXPECT_NEAR(ve.probability_of_evidence(Evidence{{1, 1}}), 0.75, kTol);
  // A ZeroProbabilityEvidence is a QueryError.
  EXPECT_THROW((void)ve.marginal(1, e), QueryError);
}

TEST(VariableElimination, RandomZeroProbabilityEvidenceThrows) {
  // Random evidence (not forward-sampled) on networks with many exact zeros: whenever the oracle
  // says P(e) = 0 the engine must throw; otherwise it must agree with the oracle.
  int zero = 0, positive = 0;
  for (std::uint64_t seed = 1000; seed < 1100; ++seed) {
    std::mt19937_64 rng(seed);
    const BayesianNetwork bn = testing::random_bayesian_network(rng, {.nodes = 5, .zero_probability = 0.5});
    const EnumerationOracle oracle(bn);
    const VariableElimination ve(bn);
    for (int q = 0; q < 3; ++q) {
      const Evidence e = testing::random_evidence(bn.variables(), rng, 3);
      if (oracle.probability_of_evidence(e) == 0.0) {
        ++zero;
        EXPECT_THROW((void)ve.marginals(all_ids(bn.size()), e), ZeroProbabilityEvidence) << describe(e);
        EXPECT_EQ(ve.probability_of_evidence(e), 0.0) << describe(e);
      } else {
        ++positive;
        check_against_oracle(ve, oracle, e, rng, "seed " + std::to_string(seed));
      }
    }
  }
  EXPECT_GT(zero, 10);  // the test really exercises impossible evidence
  EXPECT_GT(positive, 10);
}

TEST(VariableElimination, EvidenceOnATargetGivesThePointDistribution) {
  std::mt19937_64 rng(4242);
  for (int trial = 0; trial < 20; ++trial) {
    const BayesianNetwork bn = testing::random_bayesian_network(rng, {.nodes = 6});
    const EnumerationOracle oracle(bn);
    const VariableElimination ve(bn);
    const Evidence e = testing::forward_sample_evidence(bn, rng, 2);
    for (const auto& [v, s] : e) {
      const Factor m = ve.marginal(v, e);
      ASSERT_EQ(m.size(), bn.variable(v).cardinality());
      // Zeros are exact; the observed state is 1 up to the rounding of a normalisation.
      for (std::size_t i = 0; i < m.size(); ++i) {
        if (i == s) EXPECT_NEAR(m.values()[i], 1.0, kTol);
        else EXPECT_EQ(m.values()[i], 0.0);
      }
    }
    // A joint over an observed and an unobserved variable: zero outside the observed row.
    const VariableId observed = e.front().first;
    const VariableId other = observed == 0 ? 1 : 0;
    if (std::any_of(e.begin(), e.end(), [&](const auto& p) { return p.first == other; })) continue;
    const VariableId targets[] = {observed, other};
    std::vector<VariableId> sorted{observed, other};
    std::sort(sorted.begin(), sorted.end());
    expect_table_near(ve.joint(targets, e).distribution, oracle.joint(sorted, e), kTol, "point joint");
  }
}

TEST(VariableElimination, BadQueriesAreQueryErrors) {
  const BayesianNetwork bn = impossible_a1();
  const VariableElimination ve(bn);
  const std::vector<VariableId> none;
  EXPECT_THROW((void)ve.joint(none, {}), QueryError);
  const VariableId twice[] = {1, 1};
  EXPECT_THROW((void)ve.joint(twice, {}), QueryError);
  EXPECT_THROW((void)ve.marginal(7, {}), QueryError);
  EXPECT_THROW((void)ve.marginal(1, Evidence{{5, 0}}), QueryError);  // unknown variable id
  EXPECT_THROW((void)ve.marginal(1, Evidence{{0, 2}}), QueryError);  // state out of range
  EXPECT_THROW((void)ve.probability_of_evidence(Evidence{{0, 9}}), QueryError);
  EXPECT_THROW((void)ve.marginal(1, Evidence{{0, 0}, {0, 1}}), QueryError);  // conflicting
}

TEST(VariableElimination, CheckedEvidenceSortsAndValidates) {
  VariableSet vars;
  vars.add({"A", {"a0", "a1"}});
  vars.add({"B", {"b0", "b1", "b2"}});
  vars.add({"C", {"c0", "c1"}});
  EXPECT_EQ(checked_evidence(vars, {{2, 1}, {0, 0}}), (Evidence{{0, 0}, {2, 1}}));
  EXPECT_THROW((void)checked_evidence(vars, {{3, 0}}), QueryError);
  EXPECT_THROW((void)checked_evidence(vars, {{1, 3}}), QueryError);
  EXPECT_THROW((void)checked_evidence(vars, {{1, 0}, {1, 2}}), QueryError);
}

TEST(VariableElimination, UnknownNamesInEvidenceListWhatExists) {
  const BayesianNetwork bn = impossible_a1();
  const VariableElimination ve(bn);
  try {
    (void)ve.variables().evidence(std::vector<std::pair<std::string, std::string>>{{"Z", "z0"}});
    FAIL() << "accepted";
  } catch (const QueryError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("Z"), std::string::npos) << m;
    EXPECT_NE(m.find("A"), std::string::npos) << m;
    EXPECT_NE(m.find("B"), std::string::npos) << m;
  }
  try {
    (void)ve.variables().evidence(std::vector<std::pair<std::string, std::string>>{{"B", "b7"}});
    FAIL() << "accepted";
  } catch (const QueryError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("b7"), std::string::npos) << m;
    EXPECT_NE(m.find("b0"), std::string::npos) << m;
    EXPECT_NE(m.find("b1"), std::string::npos) << m;
  }
}

TEST(VariableElimination, FullOrderIsAPermutation) {
  std::mt19937_64 rng(3);
  const BayesianNetwork bn = testing::random_bayesian_network(rng, {.nodes = 8});
  const VariableElimination ve(bn);
  std::vector<VariableId> order = ve.full_order().order();
  std::sort(order.begin(), order.end());
  EXPECT_EQ(order, all_ids(8));
}

// ---- Markov networks ---------------------------------------------------------------------------

TEST(VariableElimination, RandomMarkovNetworksMatchEnumeration) {
  int zero = 0, checked = 0;
  for (std::uint64_t seed = 1; seed <= 120; ++seed) {
    std::mt19937_64 rng(seed * 104729);
    const std::size_t n = 3 + seed % 6;
    const MarkovNetwork mn = testing::random_markov_network(rng, {.nodes = n, .factors = n + seed % 5});
    const EnumerationOracle oracle(mn);
    const VariableElimination ve(mn);
    const std::string label = "mn seed " + std::to_string(seed);
    for (std::size_t count = 0; count <= 2; ++count) {
      const Evidence e = testing::random_evidence(mn.variables(), rng, count);
      const double z = oracle.probability_of_evidence(e);
      if (z == 0.0) {
        ++zero;
        EXPECT_THROW((void)ve.marginal(0, e), ZeroProbabilityEvidence) << label;
        EXPECT_EQ(ve.probability_of_evidence(e), 0.0) << label;
        continue;
      }
      // Z can be large: compare relatively.
      EXPECT_NEAR(ve.probability_of_evidence(e) / z, 1.0, kTol) << label << " " << describe(e);
      EXPECT_NEAR(ve.log_probability_of_evidence(e), std::log(z), 1e-10) << label;
      const auto expected = oracle.marginals(e);
      const auto got = ve.marginals(all_ids(n), e);
      for (VariableId v = 0; v < n; ++v) expect_table_near(got[v], expected[v], kTol, label + " " + describe(e));
      const VariableId pair[] = {static_cast<VariableId>(n - 1), 0};
      const VariableId sorted[] = {0, static_cast<VariableId>(n - 1)};
      const Posterior p = ve.joint(pair, e);
      EXPECT_NEAR(p.probability_of_evidence / z, 1.0, kTol) << label;
      expect_table_near(p.distribution, oracle.joint(sorted, e), kTol, label + " joint");
      ++checked;
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  EXPECT_GT(checked, 300);
  (void)zero;
}

TEST(VariableElimination, MarkovVariableInNoFactorIsUniform) {
  // C appears in no factor: it is uniform and independent, and Z counts its 3 states.
  // phi(A, B) = [1, 2, 3, 4]: Z = (1 + 2 + 3 + 4) * 3 = 30; P(A = a1) = (3 + 4) / 10 = 0.7.
  MarkovNetworkBuilder b("free");
  const VariableId a = b.add_variable("A", {"a0", "a1"});
  const VariableId bb = b.add_variable("B", {"b0", "b1"});
  const VariableId c = b.add_variable("C", {"c0", "c1", "c2"});
  b.add_factor({a, bb}, {1, 2, 3, 4});
  const MarkovNetwork mn = std::move(b).build();
  const VariableElimination ve(mn);
  const Factor pc = ve.marginal(c, {});
  ASSERT_EQ(pc.size(), 3u);
  for (double p : pc.values()) EXPECT_NEAR(p, 1.0 / 3.0, kTol);
  EXPECT_NEAR(ve.marginal(a, {}).values()[1], 0.7, kTol);
  EXPECT_NEAR(ve.probability_of_evidence({}), 30.0, 1e-9);
  // Fixing C = c2 leaves Z(e) = 10.
  EXPECT_NEAR(ve.probability_of_evidence(Evidence{{c, 2}}), 10.0, 1e-9);
}

TEST(VariableElimination, MarkovEvidenceOnATargetIsAPointMass) {
  std::mt19937_64 rng(77);
  const MarkovNetwork mn = testing::random_markov_network(rng, {.nodes = 5, .factors = 6, .zero_probability = 0.0});
  const VariableElimination ve(mn);
  const Factor m = ve.marginal(2, Evidence{{2, 1}});
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (i == 1) EXPECT_NEAR(m.values()[i], 1.0, kTol);
    else EXPECT_EQ(m.values()[i], 0.0);
  }
}

}  // namespace
}  // namespace pgm
