// Loopy belief propagation against brute-force enumeration (tests/support/enumeration_oracle, which
// uses no Factor code): exact on forest-shaped factor graphs (random trees and polytrees, Bayesian
// and Markov, with evidence and zeros; with and without damping), close to exact on a weakly
// coupled grid, converged=false at the cap on a loop, refused options and impossible evidence.
#include <pgm/core/error.hpp>
#include <pgm/inference/loopy_belief_propagation.hpp>
#include <pgm/query.hpp>

#include "support/enumeration_oracle.hpp"
#include "support/random_models.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

using pgm::testing::EnumerationOracle;

std::vector<std::string> states(std::size_t k) {
  std::vector<std::string> s;
  for (std::size_t i = 0; i < k; ++i) s.push_back("s" + std::to_string(i));
  return s;
}

// A random distribution over k states, each entry 0 with probability `zeros` (one kept positive).
std::vector<double> random_column(std::mt19937_64& rng, std::size_t k, double zeros) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> c(k);
  double sum = 0;
  for (auto& x : c) {
    x = u(rng) < zeros ? 0.0 : 0.05 + u(rng);
    sum += x;
  }
  if (sum == 0) c[rng() % k] = sum = 1.0;
  for (auto& x : c) x /= sum;
  return c;
}

// A polytree: node i > 0 is joined to a random earlier node, the edge's direction random, so the
// skeleton is a tree but nodes may have several parents. max_fan_in 1 gives a directed forest.
pgm::BayesianNetwork random_polytree(std::mt19937_64& rng, std::size_t n, bool single_parent) {
  pgm::BayesianNetworkBuilder b("polytree");
  std::vector<std::size_t> cards(n);
  for (std::size_t i = 0; i < n; ++i) {
    cards[i] = 2 + rng() % 3;
    b.add_variable("V" + std::to_string(i), states(cards[i]));
  }
  std::vector<std::vector<pgm::VariableId>> parents(n);
  for (std::size_t i = 1; i < n; ++i) {
    const auto j = static_cast<pgm::VariableId>(rng() % i);
    if (single_parent || rng() % 2 == 0) parents[i].push_back(j);  // j -> i
    else parents[j].push_back(static_cast<pgm::VariableId>(i));    // i -> j
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (parents[i].size() > 3) parents[i].resize(3);  // dropping edges keeps a forest
    std::size_t configs = 1;
    for (auto p : parents[i]) configs *= cards[p];
    std::vector<double> table;
    for (std::size_t c = 0; c < configs; ++c) {
      const auto col = random_column(rng, cards[i], 0.15);
      table.insert(table.end(), col.begin(), col.end());
    }
    b.set_cpt(static_cast<pgm::VariableId>(i), parents[i], std::move(table));
  }
  return std::move(b).build();
}

// A Markov network whose factor graph is a tree: each factor after the first shares exactly one
// variable with those before it (plus unary factors on old variables). Entries in (0, 10] or 0.
pgm::MarkovNetwork random_tree_markov(std::mt19937_64& rng, std::size_t n) {
  pgm::MarkovNetworkBuilder b("tree");
  std::vector<std::size_t> cards(n);
  for (std::size_t i = 0; i < n; ++i) {
    cards[i] = 2 + rng() % 2;
    b.add_variable("V" + std::to_string(i), states(cards[i]));
  }
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const auto add = [&](std::vector<pgm::VariableId> scope) {
    std::shuffle(scope.begin(), scope.end(), rng);
    std::size_t size = 1;
    for (auto v : scope) size *= cards[v];
    std::vector<double> values(size);
    for (auto& x : values) x = u(rng) < 0.1 ? 0.0 : 10.0 * (1.0 - u(rng));
    values[rng() % size] = 1.0 + u(rng);
    b.add_factor(std::move(scope), std::move(values));
  };
  pgm::VariableId next = 1;
  add({0});
  while (next < n) {
    std::vector<pgm::VariableId> scope{static_cast<pgm::VariableId>(rng() % next)};
    const std::size_t fresh = std::min<std::size_t>(1 + rng() % 2, n - next);
    for (std::size_t i = 0; i < fresh; ++i) scope.push_back(next++);
    add(scope);
    if (rng() % 3 == 0) add({static_cast<pgm::VariableId>(rng() % next)});
  }
  return std::move(b).build();
}

void expect_exact(const pgm::LoopyBeliefPropagationResult& r, const EnumerationOracle& oracle, const pgm::Evidence& e,
                  double tol = 1e-10) {
  const auto expected = oracle.marginals(e);
  ASSERT_FALSE(expected.empty());
  EXPECT_TRUE(r.converged);
  ASSERT_EQ(r.marginals.size(), expected.size());
  for (std::size_t v = 0; v < expected.size(); ++v) {
    ASSERT_EQ(r.marginals[v].size(), expected[v].size());
    for (std::size_t s = 0; s < expected[v].size(); ++s)
      EXPECT_NEAR(r.marginals[v][s], expected[v][s], tol) << "variable " << v << " state " << s;
  }
  // The Bethe free energy is exact on a forest.
  EXPECT_NEAR(r.log_probability_of_evidence, std::log(oracle.probability_of_evidence(e)), 1e-9);
}

TEST(LoopyBeliefPropagation, ExactOnRandomDirectedTreesAndPolytreesWithEvidence) {
  std::mt19937_64 rng(1101);
  int checked = 0;
  for (int net = 0; net < 120; ++net) {
    const auto bn = random_polytree(rng, 2 + rng() % 10, net % 2 == 0);
    const EnumerationOracle oracle(bn);
    const pgm::LoopyBeliefPropagation lbp(bn);
    for (std::size_t count = 0; count < 4; ++count) {
      const auto e = pgm::testing::forward_sample_evidence(bn, rng, count);
      expect_exact(lbp.run(e), oracle, e);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 480);
}

TEST(LoopyBeliefPropagation, ExactOnRandomTreeMarkovNetworksWithEvidence) {
  std::mt19937_64 rng(1102);
  int possible = 0, impossible = 0;
  for (int net = 0; net < 120; ++net) {
    const auto mn = random_tree_markov(rng, 2 + rng() % 9);
    const EnumerationOracle oracle(mn);
    const pgm::LoopyBeliefPropagation lbp(mn);
    for (std::size_t count = 0; count < 3; ++count) {
      const auto e = pgm::testing::random_evidence(mn.variables(), rng, count);
      if (oracle.probability_of_evidence(e) > 0) {
        expect_exact(lbp.run(e), oracle, e);
        ++possible;
      } else {
        // On a forest the propagation is exact, so an impossible evidence is always found.
        EXPECT_THROW((void)lbp.run(e), pgm::ZeroProbabilityEvidence);
        ++impossible;
      }
    }
  }
  EXPECT_GT(possible, 250);
  EXPECT_GT(impossible, 0);
}

TEST(LoopyBeliefPropagation, DampedStillExactOnTrees) {
  std::mt19937_64 rng(1103);
  for (int net = 0; net < 40; ++net) {
    const auto bn = random_polytree(rng, 3 + rng() % 8, false);
    const EnumerationOracle oracle(bn);
    const pgm::LoopyBeliefPropagation lbp(bn, {.max_iterations = 100000, .tolerance = 1e-14, .damping = 0.5});
    const auto e = pgm::testing::forward_sample_evidence(bn, rng, 2);
    const auto r = lbp.run(e);
    expect_exact(r, oracle, e);
    EXPECT_GT(r.iterations, 10u);  // damping slows it down: this is not the undamped run
  }
}

TEST(LoopyBeliefPropagation, UndampedTreeConvergesWithinDiameterPlusOneIterations) {
  // A chain of 6 binary variables: the messages are exact after 5 sweeps, so the 6th changes nothing.
  std::mt19937_64 rng(7);
  pgm::BayesianNetworkBuilder b("chain");
  for (int i = 0; i < 6; ++i) b.add_variable("C" + std::to_string(i), states(2));
  b.set_cpt(0, {}, {0.3, 0.7});
  for (pgm::VariableId i = 1; i < 6; ++i) b.set_cpt(i, {i - 1}, {0.9, 0.1, 0.2, 0.8});
  const auto bn = std::move(b).build();
  const auto r = pgm::LoopyBeliefPropagation(bn).run({{5, 1}});
  EXPECT_TRUE(r.converged);
  EXPECT_LE(r.iterations, 7u);
  expect_exact(r, EnumerationOracle(bn), {{5, 1}});
}

// A 4x4 grid of ±1 spins, weakly coupled (|J| <= 0.1) with fields |h| <= 0.5: LBP converges and is
// within 2e-3 of the exact marginals (its error is of the order of J^2 times the loop corrections).
pgm::MarkovNetwork grid(std::mt19937_64& rng, double coupling, double field) {
  pgm::MarkovNetworkBuilder b("grid");
  const int side = 4;
  for (int i = 0; i < side * side; ++i) b.add_variable("G" + std::to_string(i), {"down", "up"});
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (pgm::VariableId i = 0; i < side * side; ++i) {
    const double h = field * u(rng);
    b.add_factor({i}, {std::exp(-h), std::exp(h)});
  }
  const auto pair = [&](pgm::VariableId a, pgm::VariableId c) {
    const double j = coupling * u(rng);
    b.add_factor({a, c}, {std::exp(j), std::exp(-j), std::exp(-j), std::exp(j)});
  };
  for (int r = 0; r < side; ++r)
    for (int c = 0; c < side; ++c) {
      const auto v = static_cast<pgm::VariableId>(r * side + c);
      if (c + 1 < side) pair(v, v + 1);
      if (r + 1 < side) pair(v, v + side);
    }
  return std::move(b).build();
}

TEST(LoopyBeliefPropagation, WeaklyCoupledGridConvergesCloseToExact) {
  std::mt19937_64 rng(1104);
  for (int trial = 0; trial < 5; ++trial) {
    const auto mn = grid(rng, 0.1, 0.5);
    const EnumerationOracle oracle(mn);
    const pgm::Evidence e{{5, 1}};
    const auto r = pgm::LoopyBeliefPropagation(mn).run(e);
    EXPECT_TRUE(r.converged);
    EXPECT_LT(r.max_change, 1e-9);
    const auto exact = oracle.marginals(e);
    for (std::size_t v = 0; v < exact.size(); ++v)
      for (std::size_t s = 0; s < 2; ++s) EXPECT_NEAR(r.marginals[v][s], exact[v][s], 2e-3);
    EXPECT_NEAR(r.log_probability_of_evidence, std::log(oracle.probability_of_evidence(e)), 1e-2);
    // Not exact: the grid has loops (otherwise this test would not show the approximation).
  }
}

TEST(LoopyBeliefPropagation, ReportsNotConvergedAtTheCap) {
  std::mt19937_64 rng(1105);
  const auto mn = grid(rng, 2.0, 0.1);  // strong couplings: far from a fixed point after 3 sweeps
  const auto r = pgm::LoopyBeliefPropagation(mn, {.max_iterations = 3, .tolerance = 1e-12, .damping = 0}).run({});
  EXPECT_FALSE(r.converged);
  EXPECT_EQ(r.iterations, 3u);
  EXPECT_GE(r.max_change, 1e-12);
  for (const auto& m : r.marginals) EXPECT_NEAR(m[0] + m[1], 1.0, 1e-12);  // still distributions
}

TEST(LoopyBeliefPropagation, SmallProbabilitiesDoNotUnderflowToZero) {
  // A chain of 40 binary variables where a step keeps its state with probability t = 1e-30, observed
  // s0 at 0, 3, ..., 39: each of the 13 odd-length segments needs one "keep" step (in one of its 3
  // places), so P(e) ~ 0.5 (3t)^13 ~ 1e-384, below the smallest double, yet nothing becomes zero.
  pgm::BayesianNetworkBuilder b("tiny");
  const int n = 40;
  for (int i = 0; i < n; ++i) b.add_variable("T" + std::to_string(i), states(2));
  b.set_cpt(0, {}, {0.5, 0.5});
  const double t = 1e-30;
  for (pgm::VariableId i = 1; i < n; ++i) b.set_cpt(i, {i - 1}, {t, 1 - t, 1 - t, t});
  const auto bn = std::move(b).build();
  pgm::Evidence e;
  for (pgm::VariableId i = 0; i < n; i += 3) e.insert(i, 0);
  const auto r = pgm::LoopyBeliefPropagation(bn).run(e);
  EXPECT_TRUE(r.converged);
  // T1 = s0 exactly when the first segment's keep step is its first: 1/3 (up to O(t)).
  EXPECT_NEAR(r.marginals[1][0], 1.0 / 3, 1e-12);
  EXPECT_NEAR(r.marginals[2][0], 1.0 / 3, 1e-12);  // T2 = s0 only when the keep step is the third
  EXPECT_NEAR(r.log_probability_of_evidence, std::log(0.5) + 13 * std::log(3 * t), 1e-9);
}

TEST(LoopyBeliefPropagation, ImpossibleEvidenceRefused) {
  pgm::BayesianNetworkBuilder b("zero");
  b.add_variable("A", states(2));
  b.add_variable("B", states(2));
  b.add_variable("C", states(2));
  b.set_cpt(0, {}, {0.4, 0.6});
  b.set_cpt(1, {0}, {1.0, 0.0, 1.0, 0.0});  // B is always s0
  b.set_cpt(2, {1}, {0.5, 0.5, 0.1, 0.9});
  const auto bn = std::move(b).build();
  const pgm::LoopyBeliefPropagation lbp(bn);
  EXPECT_THROW((void)lbp.run({{1, 1}}), pgm::ZeroProbabilityEvidence);           // a reduced CPT all zero
  EXPECT_THROW((void)lbp.run({{0, 0}, {1, 1}}), pgm::ZeroProbabilityEvidence);   // a scalar zero
  EXPECT_NO_THROW((void)lbp.run({{2, 1}}));
  EXPECT_THROW((void)lbp.run({{0, 5}}), pgm::QueryError);  // state out of range
}

TEST(LoopyBeliefPropagation, BadOptionsRefused) {
  pgm::BayesianNetworkBuilder b("one");
  b.add_variable("A", states(2));
  b.set_cpt(0, {}, {0.4, 0.6});
  const auto bn = std::move(b).build();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  using O = pgm::LoopyBeliefPropagationOptions;
  for (const O& o : {O{0, 1e-9, 0}, O{10, 0, 0}, O{10, -1, 0}, O{10, nan, 0}, O{10, inf, 0}, O{10, 1e-9, -0.1},
                     O{10, 1e-9, 1.0}, O{10, 1e-9, nan}})
    EXPECT_THROW(pgm::LoopyBeliefPropagation(bn, o), pgm::QueryError);
  EXPECT_NO_THROW(pgm::LoopyBeliefPropagation(bn, O{1, 1e-300, 0.999}));
}

// The "lbp" engine through the query API.
TEST(LoopyBeliefPropagationEngine, AnswersMarginalsWithIterationInfo) {
  const auto model = pgm::Model::load(std::string(PGM_SOURCE_DIR) + "/models/student.yaml");
  pgm::query::Query q;
  q.method = "lbp";
  const auto r = model.answer(q);
  EXPECT_EQ(r.method, "lbp");
  ASSERT_TRUE(r.approximate.has_value());
  EXPECT_TRUE(r.approximate->converged);
  // student is a polytree: LBP equals the junction tree.
  pgm::query::Query exact;
  exact.method = "jt";
  const auto j = model.answer(exact);
  EXPECT_FALSE(j.approximate.has_value());
  ASSERT_EQ(r.marginals.size(), j.marginals.size());
  for (std::size_t i = 0; i < r.marginals.size(); ++i)
    for (std::size_t s = 0; s < r.marginals[i].size(); ++s) EXPECT_NEAR(r.marginals[i][s], j.marginals[i][s], 1e-10);

  pgm::query::Query joint = q;
  joint.shape = pgm::query::Query::Shape::joint;
  joint.targets = {r.variables[0], r.variables[1]};
  EXPECT_THROW((void)model.answer(joint), pgm::QueryError);

  pgm::query::EngineOptions bad;
  bad.lbp.damping = 1.0;
  EXPECT_THROW((void)pgm::query::make_engine(model, "lbp", bad), pgm::QueryError);
}

}  // namespace
