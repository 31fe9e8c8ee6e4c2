// Variable elimination against brute-force enumeration of the full joint (tests/support), on
// seeded random Bayesian and Markov networks, plus the error contract of queries.
#include <pgm/core/error.hpp>
#include <pgm/inference/junction_tree.hpp>
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
    opts.prune_requisite = (seed / 8) % 2 == 0;
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

// ---- Scaling: tiny and huge values stay in log space ------------------------------------------

// Every combination of the two Bayesian-network pruning switches.
std::vector<VariableEliminationOptions> pruning_combinations() {
  std::vector<VariableEliminationOptions> out;
  for (bool barren : {true, false})
    for (bool requisite : {true, false}) out.push_back({.prune_barren = barren, .prune_requisite = requisite});
  return out;
}

std::string label(const VariableEliminationOptions& o) {
  return std::string("prune_barren=") + (o.prune_barren ? "on" : "off") + " prune_requisite=" + (o.prune_requisite ? "on" : "off");
}

// k roots R_i with P(R_i = r1) = 0.1; T with parent R_0, P(T | r0) = (0.6, 0.4), P(T | r1) = (0.25, 0.75);
// C with parents T and R_1, P(C = c1 | t, r) = 0.1 + 0.2 t + 0.4 r. With `impossible`, a root Z
// with P(Z = z1) = 0 comes first (id 0).
BayesianNetwork many_observed_roots(std::size_t k, bool impossible = false) {
  BayesianNetworkBuilder b("roots");
  if (impossible) b.set_cpt(b.add_variable("Z", {"z0", "z1"}), {}, {1.0, 0.0});
  std::vector<VariableId> r;
  for (std::size_t i = 0; i < k; ++i) {
    r.push_back(b.add_variable("R" + std::to_string(i), {"r0", "r1"}));
    b.set_cpt(r.back(), {}, {0.9, 0.1});
  }
  const VariableId t = b.add_variable("T", {"t0", "t1"});
  b.set_cpt(t, {r[0]}, {0.6, 0.4, 0.25, 0.75});
  const VariableId c = b.add_variable("C", {"c0", "c1"});
  b.set_cpt(c, {t, r[1]}, {0.9, 0.1, 0.5, 0.5, 0.7, 0.3, 0.3, 0.7});
  return std::move(b).build();
}

TEST(VariableElimination, EvidenceOfProbability1eMinus400IsNotZero) {
  // 400 observed roots, each observed in its state of probability 0.1: P(e) = 0.1^400 = 1e-400,
  // below the smallest double, but ln P(e) = 400 ln 0.1 is an ordinary number, and the posterior
  // of T is the CPT column of r1: (0.25, 0.75). C given e: P(c1) = 0.75 (0.1 + 0.2 + 0.4) + 0.25 (0.1 + 0.4).
  const std::size_t k = 400;
  const BayesianNetwork bn = many_observed_roots(k);
  const VariableId t = bn.id("T"), c = bn.id("C");
  Evidence e;
  for (std::size_t i = 0; i < k; ++i) e.emplace_back(bn.id("R" + std::to_string(i)), 1);
  const double log_pe = 400 * std::log(0.1);
  const double pc1 = 0.75 * 0.7 + 0.25 * 0.5;
  for (const auto& opts : pruning_combinations()) {
    const VariableElimination ve(bn, opts);
    EXPECT_NEAR(ve.log_probability_of_evidence(e), log_pe, 1e-12 * std::abs(log_pe)) << label(opts);
    EXPECT_EQ(ve.probability_of_evidence(e), 0.0) << "the plain value underflows: " << label(opts);
    const VariableId targets[] = {t};
    const Posterior p = ve.joint(targets, e);
    EXPECT_NEAR(p.log_probability_of_evidence, log_pe, 1e-12 * std::abs(log_pe)) << label(opts);
    expect_table_near(p.distribution, {0.25, 0.75}, kTol, label(opts));
    expect_table_near(ve.marginal(c, e), {1 - pc1, pc1}, kTol, label(opts) + " C");
    // Only observed targets: the point mass, and the same P(e).
    const VariableId observed_only[] = {bn.id("R7")};
    const Posterior q = ve.joint(observed_only, e);
    expect_table_near(q.distribution, {0.0, 1.0}, 0.0, label(opts) + " observed target");
    EXPECT_NEAR(q.log_probability_of_evidence, log_pe, 1e-12 * std::abs(log_pe)) << label(opts);
  }
  // Many more roots (P(e) = 1e-3000) change nothing but the figure.
  const BayesianNetwork big = many_observed_roots(3000);
  Evidence e3;
  for (std::size_t i = 0; i < 3000; ++i) e3.emplace_back(big.id("R" + std::to_string(i)), 1);
  for (const auto& opts : pruning_combinations()) {
    const VariableElimination ve(big, opts);
    EXPECT_NEAR(ve.log_probability_of_evidence(e3), 3000 * std::log(0.1), 1e-9) << label(opts);
    expect_table_near(ve.marginal(big.id("T"), e3), {0.25, 0.75}, kTol, label(opts));
  }
}

TEST(VariableElimination, TinyEvidenceWithATrueZeroIsStillZero) {
  // The same 400 observations plus Z = z1, whose probability is exactly 0.
  const BayesianNetwork bn = many_observed_roots(400, true);
  Evidence e{{bn.id("Z"), 1}};
  for (std::size_t i = 0; i < 400; ++i) e.emplace_back(bn.id("R" + std::to_string(i)), 1);
  for (const auto& opts : pruning_combinations()) {
    const VariableElimination ve(bn, opts);
    EXPECT_THROW((void)ve.marginal(bn.id("T"), e), ZeroProbabilityEvidence) << label(opts);
    EXPECT_EQ(ve.log_probability_of_evidence(e), -std::numeric_limits<double>::infinity()) << label(opts);
  }
}

TEST(VariableElimination, PartitionFunctionBeyondTheLargestDoubleIsAnsweredInLogs) {
  // 600 independent binary variables, factor i = (a_i, b_i) with a_i = 1e5 (1 + i mod 7) and
  // b_i = 2e5 + 1e3 i: Z = prod (a_i + b_i) ~ 1e3300 overflows, ln Z = sum ln(a_i + b_i), and
  // P(X_i = 1) = b_i / (a_i + b_i).
  const std::size_t n = 600;
  MarkovNetworkBuilder b("unary");
  std::vector<double> a(n), bb(n);
  double log_z = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const VariableId v = b.add_variable("X" + std::to_string(i), {"x0", "x1"});
    a[i] = 1e5 * static_cast<double>(1 + i % 7);
    bb[i] = 2e5 + 1e3 * static_cast<double>(i);
    b.add_factor({v}, {a[i], bb[i]});
    log_z += std::log(a[i] + bb[i]);
  }
  const MarkovNetwork mn = std::move(b).build();
  for (const auto& opts : pruning_combinations()) {
    const VariableElimination ve(mn, opts);
    EXPECT_NEAR(ve.log_probability_of_evidence({}), log_z, 1e-12 * log_z) << label(opts);
    EXPECT_EQ(ve.probability_of_evidence({}), std::numeric_limits<double>::infinity());
    for (VariableId v : {0u, 1u, 299u, 599u})
      expect_table_near(ve.marginal(v, {}), {a[v] / (a[v] + bb[v]), bb[v] / (a[v] + bb[v])}, kTol, "X" + std::to_string(v));
    // Evidence X_3 = x0 replaces its sum by a_3.
    const Evidence e{{3, 0}};
    const double log_ze = log_z - std::log(a[3] + bb[3]) + std::log(a[3]);
    const VariableId pair[] = {0, 599};
    const Posterior p = ve.joint(pair, e);
    EXPECT_NEAR(p.log_probability_of_evidence, log_ze, 1e-12 * log_ze) << label(opts);
    const double p0 = bb[0] / (a[0] + bb[0]), p599 = bb[599] / (a[599] + bb[599]);
    expect_table_near(p.distribution, {(1 - p0) * (1 - p599), (1 - p0) * p599, p0 * (1 - p599), p0 * p599}, kTol, "joint");
  }
}

TEST(VariableElimination, LongChainOfLargePairwiseFactorsMatchesTheTransferMatrix) {
  // X_0 - X_1 - ... - X_599 with psi(X_i = u, X_{i+1} = w) = M[u][w], M = [[1e3, 2e3], [3e3, 4e3]]:
  // Z = 1' M^599 1 (about 1e2200) and P(X_0 = u) is proportional to (M^599 1)_u. The power is
  // taken here by repeated multiplication with its own rescaling, independently of the engine.
  const std::size_t n = 600;
  const double m[2][2] = {{1e3, 2e3}, {3e3, 4e3}};
  MarkovNetworkBuilder b("pairwise chain");
  for (std::size_t i = 0; i < n; ++i) (void)b.add_variable("X" + std::to_string(i), {"x0", "x1"});
  for (VariableId i = 0; i + 1 < n; ++i) b.add_factor({i, i + 1}, {m[0][0], m[0][1], m[1][0], m[1][1]});
  const MarkovNetwork mn = std::move(b).build();
  double v[2] = {1, 1}, log_scale = 0;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const double w0 = m[0][0] * v[0] + m[0][1] * v[1], w1 = m[1][0] * v[0] + m[1][1] * v[1];
    const double s = std::max(w0, w1);
    v[0] = w0 / s;
    v[1] = w1 / s;
    log_scale += std::log(s);
  }
  const double log_z = log_scale + std::log(v[0] + v[1]);
  const VariableElimination ve(mn);
  EXPECT_NEAR(ve.log_probability_of_evidence({}), log_z, 1e-12 * log_z);
  expect_table_near(ve.marginal(0, {}), {v[0] / (v[0] + v[1]), v[1] / (v[0] + v[1])}, kTol, "X0");
}

// ---- Memory limit -------------------------------------------------------------------------------

// k independent binary roots, P(R_i = 1) = 0.5.
BayesianNetwork independent_roots(std::size_t k) {
  BayesianNetworkBuilder b("independent");
  for (std::size_t i = 0; i < k; ++i) b.set_cpt(b.add_variable("R" + std::to_string(i), {"0", "1"}), {}, {0.5, 0.5});
  return std::move(b).build();
}

template <class F>
std::string limit_message(F&& f) {
  try {
    f();
  } catch (const LimitError& e) {
    return e.what();
  }
  return "(no LimitError)";
}

TEST(VariableElimination, JointTooLargeIsRefusedWithTheFigureBeforeAllocating) {
  // The joint over 64 binary variables has 2^64 = 1.84e19 entries: more than a size_t can count,
  // refused (not a wrapped size, not bad_alloc) under the default limit.
  const BayesianNetwork bn = independent_roots(64);
  const VariableElimination ve(bn);
  const auto all = all_ids(64);
  const std::string m = limit_message([&] { (void)ve.joint(all, {}); });
  EXPECT_NE(m.find("1.84e19 entries"), std::string::npos) << m;
  EXPECT_NE(m.find("64 variables"), std::string::npos) << m;
  // Evidence on targets does not make the answer smaller (observed targets are point masses in it).
  EXPECT_THROW((void)ve.joint(all, Evidence{{0, 1}, {5, 0}}), LimitError);
  // At the limit exactly: 2^8 entries of 8 bytes fit in 2048 bytes, 2^9 do not.
  VariableEliminationOptions small;
  small.max_memory_bytes = 2048;
  const VariableElimination limited(bn, small);
  const std::vector<VariableId> eight = all_ids(8), nine = all_ids(9);
  const Posterior p = limited.joint(eight, {});
  ASSERT_EQ(p.distribution.size(), 256u);
  for (double x : p.distribution.values()) EXPECT_NEAR(x, 1.0 / 256, kTol);
  const std::string m9 = limit_message([&] { (void)limited.joint(nine, {}); });
  EXPECT_NE(m9.find("512 entries"), std::string::npos) << m9;
}

TEST(VariableElimination, EliminationCliqueTooLargeIsRefusedWithTheFigure) {
  // Y with ten binary root parents, P(Y = 1 | parents) = (number of parents at 1) / 10. Eliminating
  // any parent forms a clique of all eleven variables: 2^11 = 2048 entries, 16 KiB.
  BayesianNetworkBuilder b("wide");
  std::vector<VariableId> parents;
  for (int i = 0; i < 10; ++i) {
    parents.push_back(b.add_variable("P" + std::to_string(i), {"0", "1"}));
    b.set_cpt(parents.back(), {}, {0.5, 0.5});
  }
  const VariableId y = b.add_variable("Y", {"0", "1"});
  std::vector<double> table;
  for (unsigned cfg = 0; cfg < 1024; ++cfg) {
    const double ones = static_cast<double>(__builtin_popcount(cfg));
    table.push_back(1 - ones / 10);
    table.push_back(ones / 10);
  }
  b.set_cpt(y, parents, table);
  const BayesianNetwork bn = std::move(b).build();
  VariableEliminationOptions o;
  o.max_memory_bytes = 8 << 10;
  const std::string m = limit_message([&] { (void)VariableElimination(bn, o).marginal(y, {}); });
  EXPECT_NE(m.find("2048 entries"), std::string::npos) << m;
  EXPECT_NE(m.find("elimination clique"), std::string::npos) << m;
  o.max_memory_bytes = 16 << 10;
  // E[number of ones] / 10 = 5 / 10.
  expect_table_near(VariableElimination(bn, o).marginal(y, {}), {0.5, 0.5}, kTol, "P(Y)");
}

// ---- Scale: 10^5 variables ----------------------------------------------------------------------

// X_0 -> X_1 -> ... -> X_{n-1}, P(X_0) = (0.3, 0.7), every CPT the matrix M = [[0.9, 0.1], [0.2, 0.8]]
// (row: parent state). M has eigenvalues 1 and 0.7 and stationary distribution (2/3, 1/3), so
// P(X_k = a) = 2/3 + (0.3 - 2/3) 0.7^k and P(X_{k+d} = a | X_k = a) = 2/3 + 0.7^d / 3.
BayesianNetwork same_matrix_chain(std::size_t n) {
  BayesianNetworkBuilder b("chain");
  for (std::size_t i = 0; i < n; ++i) (void)b.add_variable("X" + std::to_string(i), {"a", "b"});
  b.set_cpt(0, {}, {0.3, 0.7});
  for (VariableId i = 1; i < n; ++i) b.set_cpt(i, {i - 1}, {0.9, 0.1, 0.2, 0.8});
  return std::move(b).build();
}

double chain_prior_a(std::size_t k) { return 2.0 / 3 + (0.3 - 2.0 / 3) * std::pow(0.7, static_cast<double>(k)); }
double chain_stay_a(std::size_t d) { return 2.0 / 3 + std::pow(0.7, static_cast<double>(d)) / 3; }

TEST(VariableElimination, HundredThousandNodeChainMatchesTheMatrixPower) {
  const std::size_t n = 100000;
  const BayesianNetwork bn = same_matrix_chain(n);
  const VariableId last = static_cast<VariableId>(n - 1);
  // Forward: P(X_{n-1} | X_0 = a), and X_5 for a figure away from the stationary one.
  for (const auto& opts : pruning_combinations()) {
    const VariableElimination ve(bn, opts);
    const double p = chain_stay_a(n - 1);
    expect_table_near(ve.marginal(last, Evidence{{0, 0}}), {p, 1 - p}, 1e-9, label(opts));
  }
  const VariableElimination ve(bn);
  expect_table_near(ve.marginal(5, Evidence{{0, 0}}), {chain_stay_a(5), 1 - chain_stay_a(5)}, 1e-9, "X_5");
  // Backward through the whole chain: P(X_{n-3} = a | X_{n-1} = a) by Bayes' rule, and P(e).
  const Evidence end{{last, 0}};
  const double prior = chain_prior_a(n - 3);
  const double post = prior * chain_stay_a(2) / chain_prior_a(n - 1);
  expect_table_near(ve.marginal(last - 2, end), {post, 1 - post}, 1e-9, "X_{n-3}");
  EXPECT_NEAR(ve.log_probability_of_evidence(end), std::log(chain_prior_a(n - 1)), 1e-9);
  // The junction tree (what `pgm marginals` uses) gives every marginal in one calibration.
  const JunctionTree jt(bn);
  EXPECT_EQ(jt.treewidth(), 1u);
  const auto cal = jt.calibrate(end);
  expect_table_near(cal.marginal(last - 2), {post, 1 - post}, 1e-9, "JT X_{n-3}");
  // X_0: P(X_0 = a) P(X_{n-1} = a | X_0 = a) / P(X_{n-1} = a).
  const double post0 = 0.3 * chain_stay_a(n - 1) / chain_prior_a(n - 1);
  expect_table_near(cal.marginal(0), {post0, 1 - post0}, 1e-9, "JT X_0");
  EXPECT_NEAR(cal.log_probability_of_evidence(), std::log(chain_prior_a(n - 1)), 1e-9);
}

TEST(VariableElimination, HundredThousandIndependentVariables) {
  // 10^5 independent roots with P = (0.3, 0.7); the first 2000 observed in state 0: P(e) = 0.3^2000
  // (1e-1046), ln P(e) = 2000 ln 0.3, and an unobserved one keeps its prior.
  const std::size_t n = 100000;
  BayesianNetworkBuilder b("independent");
  for (std::size_t i = 0; i < n; ++i) b.set_cpt(b.add_variable("X" + std::to_string(i), {"a", "b"}), {}, {0.3, 0.7});
  const BayesianNetwork bn = std::move(b).build();
  Evidence e;
  for (VariableId i = 0; i < 2000; ++i) e.emplace_back(i, 0);
  for (const auto& opts : pruning_combinations()) {
    const VariableElimination ve(bn, opts);
    const VariableId target[] = {static_cast<VariableId>(n - 1)};
    const Posterior p = ve.joint(target, e);
    expect_table_near(p.distribution, {0.3, 0.7}, kTol, label(opts));
    EXPECT_NEAR(p.log_probability_of_evidence, 2000 * std::log(0.3), 1e-9) << label(opts);
  }
  const JunctionTree jt(bn);
  const auto cal = jt.calibrate(e);
  EXPECT_NEAR(cal.log_probability_of_evidence(), 2000 * std::log(0.3), 1e-9);
  expect_table_near(cal.marginal(static_cast<VariableId>(n - 1)), {0.3, 0.7}, kTol, "JT");
}

}  // namespace
}  // namespace pgm
