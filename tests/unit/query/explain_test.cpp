// Model::mpe and Model::map against brute force over every assignment: the value and the
// documented tie-break (the lexicographically smallest optimal assignment by state index in
// declared variable order). Models with CPT / factor entries from {0, 1, 2} (normalised for a
// Bayesian network) make exact ties common; the tests count them so they cannot pass vacuously.
#include "support/assignments.hpp"
#include "support/enumeration_oracle.hpp"
#include "support/random_models.hpp"

#include <pgm/core/error.hpp>
#include <pgm/query.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <string>
#include <random>
#include <vector>

namespace pgm {
namespace {

using ::pgm::testing::for_each_assignment;  // tests/support/assignments.hpp

// Entries from {0, 1, 2}, at least one positive.
std::vector<double> small_counts(std::mt19937_64& rng, std::size_t n) {
  std::vector<double> v(n);
  do {
    for (double& x : v) x = static_cast<double>(rng() % 3);
  } while (std::all_of(v.begin(), v.end(), [](double x) { return x == 0.0; }));
  return v;
}

// The structure of a random network with CPT columns of small counts, normalised.
BayesianNetwork tied_bayesian_network(std::mt19937_64& rng, std::size_t nodes) {
  const auto shape = testing::random_bayesian_network(rng, {nodes, 3, 2, 2});
  BayesianNetworkBuilder b("tied");
  for (VariableId v = 0; v < shape.size(); ++v) b.add_variable(shape.variables()[v].name, shape.variables()[v].states);
  for (VariableId v = 0; v < shape.size(); ++v) {
    const std::size_t k = shape.variables()[v].cardinality();
    std::size_t columns = 1;
    for (VariableId p : shape.parents(v)) columns *= shape.variables()[p].cardinality();
    std::vector<double> table;
    for (std::size_t c = 0; c < columns; ++c) {
      auto col = small_counts(rng, k);
      double total = 0;
      for (double x : col) total += x;
      for (double x : col) table.push_back(x / total);
    }
    const auto ps = shape.parents(v);
    b.set_cpt(v, std::vector<VariableId>(ps.begin(), ps.end()), std::move(table));
  }
  return std::move(b).build();
}

MarkovNetwork tied_markov_network(std::mt19937_64& rng, std::size_t nodes, std::size_t factors) {
  const auto shape = testing::random_markov_network(rng, {nodes, factors});
  MarkovNetworkBuilder b("tied");
  for (VariableId v = 0; v < shape.size(); ++v) b.add_variable(shape.variables()[v].name, shape.variables()[v].states);
  for (const Factor& f : shape.factors()) b.add_factor(f.variables(), small_counts(rng, f.size()));
  return std::move(b).build();
}

struct Brute {
  double best = 0.0;             // the largest weight
  std::vector<std::size_t> arg;  // the first assignment (in lexicographic order) within the tie tolerance
  int optima = 0;                // how many assignments tie for the maximum
};

Brute brute_mpe(const testing::EnumerationOracle& oracle, const Evidence& e) {
  Brute b;
  for_each_assignment(oracle.cardinalities(), e, [&](const auto& x) { b.best = std::max(b.best, oracle.weight(x)); });
  const double floor = b.best * (1 - query::kTieTolerance);
  for_each_assignment(oracle.cardinalities(), e, [&](const auto& x) {
    if (b.best > 0 && oracle.weight(x) >= floor) {
      if (b.optima++ == 0) b.arg = x;
    }
  });
  return b;
}

// Checks one model; returns whether the optimum was tied.
template <class Network>
bool check_mpe(const Network& net, const Evidence& e) {
  const Model m(net);
  const testing::EnumerationOracle oracle(net);
  const Brute b = brute_mpe(oracle, e);
  const auto ev = query::Evidence::from_ids(m, e.pairs());
  if (b.best == 0.0) {
    EXPECT_THROW((void)m.mpe(ev), ZeroProbabilityEvidence);
    return false;
  }
  const auto x = m.mpe(ev);
  const double z = oracle.partition_function();
  EXPECT_NEAR(x.log_probability, std::log(b.best / z), 1e-10);
  EXPECT_NEAR(x.probability, b.best / z, 1e-12);
  EXPECT_FALSE(x.posterior_probability.has_value());
  EXPECT_EQ(x.assignment.size(), net.size());
  for (VariableId v = 0; v < net.size() && v < x.assignment.size(); ++v) {
    EXPECT_EQ(x.assignment[v].first, net.variables()[v].name);
    EXPECT_EQ(x.assignment[v].second, net.variables()[v].states[b.arg[v]]) << "variable " << v << " (tie-break)";
  }
  return b.optima > 1;
}

TEST(Explain, MpeMatchesBruteForceAndTieBreakOnBayesianNetworks) {
  std::mt19937_64 rng(101);
  int tied = 0;
  for (int net = 0; net < 120; ++net) {
    const auto bn = tied_bayesian_network(rng, 3 + rng() % 6);
    const auto e = testing::random_evidence(bn.variables(), rng, rng() % 3);
    tied += check_mpe(bn, e) ? 1 : 0;
  }
  EXPECT_GE(tied, 20);  // the tie-break rule was exercised
}

TEST(Explain, MpeMatchesBruteForceAndTieBreakOnMarkovNetworks) {
  std::mt19937_64 rng(102);
  int tied = 0;
  for (int net = 0; net < 100; ++net) {
    const auto mn = tied_markov_network(rng, 3 + rng() % 5, 2 + rng() % 5);
    const auto e = testing::random_evidence(mn.variables(), rng, rng() % 3);
    tied += check_mpe(mn, e) ? 1 : 0;
  }
  EXPECT_GE(tied, 20);
}

TEST(Explain, MpeMatchesBruteForceOnGenericRandomNetworks) {
  std::mt19937_64 rng(103);
  for (int net = 0; net < 40; ++net) {
    const auto bn = testing::random_bayesian_network(rng, {3 + rng() % 7});
    check_mpe(bn, testing::random_evidence(bn.variables(), rng, rng() % 3));
    const auto mn = testing::random_markov_network(rng, {3 + rng() % 5, 2 + rng() % 5});
    check_mpe(mn, testing::random_evidence(mn.variables(), rng, rng() % 3));
  }
}

// MAP: P(targets | e) by the oracle, the lexicographically smallest optimum in declared order.
template <class Network>
bool check_map(const Network& net, std::mt19937_64& rng) {
  const Model m(net);
  const testing::EnumerationOracle oracle(net);
  const Evidence e = testing::random_evidence(net.variables(), rng, rng() % 3);
  std::vector<VariableId> free;
  for (VariableId v = 0; v < net.size(); ++v)
    if (std::none_of(e.begin(), e.end(), [&](const auto& p) { return p.first == v; })) free.push_back(v);
  std::shuffle(free.begin(), free.end(), rng);
  const std::size_t k = std::min<std::size_t>(free.size(), 1 + rng() % 3);
  std::vector<VariableId> targets(free.begin(), free.begin() + static_cast<std::ptrdiff_t>(k));
  std::vector<std::string> names;
  for (VariableId v : targets) names.push_back(net.variables()[v].name);
  const auto ev = query::Evidence::from_ids(m, e.pairs());
  const auto joint = oracle.joint(targets, e);
  if (joint.empty()) {
    EXPECT_THROW((void)m.map(names, ev), ZeroProbabilityEvidence);
    return false;
  }
  // The targets' states in the order given, row-major (last fastest), and the declared order.
  std::vector<std::size_t> cards;
  for (VariableId v : targets) cards.push_back(net.variables()[v].cardinality());
  double best = 0;
  for (double p : joint) best = std::max(best, p);
  std::vector<std::size_t> x(k, 0), arg;
  int optima = 0;
  for (double p : joint) {
    if (p >= best * (1 - query::kTieTolerance)) {
      ++optima;
      bool smaller = arg.empty();
      for (VariableId v = 0; !smaller && v < net.size(); ++v) {
        const auto it = std::find(targets.begin(), targets.end(), v);
        if (it == targets.end()) continue;
        const auto i = static_cast<std::size_t>(it - targets.begin());
        if (x[i] != arg[i]) {
          smaller = x[i] < arg[i];
          break;
        }
      }
      if (smaller) arg = x;
    }
    for (std::size_t d = k; d-- > 0;) {
      if (++x[d] < cards[d]) break;
      x[d] = 0;
    }
  }
  const auto r = m.map(names, ev);
  const double pe = oracle.probability_of_evidence(e) / oracle.partition_function();
  EXPECT_NEAR(*r.posterior_probability, best, 1e-10);
  EXPECT_NEAR(r.probability, best * pe, 1e-10);
  EXPECT_NEAR(r.log_probability, std::log(best * pe), 1e-9);
  EXPECT_EQ(r.assignment.size(), k);
  for (std::size_t i = 0; i < k && i < r.assignment.size(); ++i) {
    EXPECT_EQ(r.assignment[i].first, names[i]);
    EXPECT_EQ(r.assignment[i].second, net.variables()[targets[i]].states[arg[i]]) << names[i] << " (tie-break)";
  }
  return optima > 1;
}

TEST(Explain, MapMatchesBruteForce) {
  std::mt19937_64 rng(104);
  int tied = 0;
  for (int net = 0; net < 80; ++net) {  // 240 networks
    tied += check_map(tied_bayesian_network(rng, 3 + rng() % 5), rng) ? 1 : 0;
    tied += check_map(tied_markov_network(rng, 3 + rng() % 4, 2 + rng() % 4), rng) ? 1 : 0;
    check_map(testing::random_bayesian_network(rng, {3 + rng() % 6}), rng);
  }
  EXPECT_GE(tied, 10);
}

// Larger models (up to 14 variables, entries from {0, 1, 2}) give deep bucket trees with ties in
// many places, so the calibrated pass moves its focus along long paths and across components.
TEST(Explain, MpeTieBreakOnDeeperModels) {
  std::mt19937_64 rng(106);
  int tied = 0;
  for (int net = 0; net < 60; ++net) {
    const auto mn = tied_markov_network(rng, 9 + rng() % 6, 6 + rng() % 10);
    tied += check_mpe(mn, testing::random_evidence(mn.variables(), rng, rng() % 2)) ? 1 : 0;
    const auto bn = tied_bayesian_network(rng, 9 + rng() % 4);
    tied += check_mpe(bn, testing::random_evidence(bn.variables(), rng, rng() % 3)) ? 1 : 0;
  }
  EXPECT_GE(tied, 40);
}

TEST(Explain, MapOnDeeperModels) {
  std::mt19937_64 rng(107);
  int tied = 0;
  for (int net = 0; net < 40; ++net) {
    tied += check_map(tied_markov_network(rng, 8 + rng() % 5, 6 + rng() % 8), rng) ? 1 : 0;
    tied += check_map(tied_bayesian_network(rng, 8 + rng() % 4), rng) ? 1 : 0;
  }
  EXPECT_GE(tied, 10);
}

// By hand. A - B - C with phi1(A, B) = [1 2; 2 1] and phi2(B, C) = [2 1; 1 2] (rows the first
// variable). Weights: a0b0c0 2, a0b0c1 1, a0b1c0 2, a0b1c1 4, a1b0c0 4, a1b0c1 2, a1b1c0 1,
// a1b1c1 2; Z = 18. Two optima at 4: a0b1c1 and a1b0c0; declared order A, B, C makes a0b1c1 the
// smaller. (Read back from C, the last eliminated by min-fill's lowest-id ties, the lowest state
// of C first would have given a1b0c0.) MAP of {C, A}, B summed out: P(a, c) Z = a0c0 1*2 + 2*1 =
// 4, a0c1 1*1 + 2*2 = 5, a1c0 5, a1c1 4: a0c1 and a1c0 tie at 5/18; A first: A = a0, C = c1.
// Given C = c0: weights a0b0c0 2, a0b1c0 2, a1b0c0 4, a1b1c0 1: the MPE is a1b0c0, unique.
TEST(Explain, TieBreakWorkedByHand) {
  MarkovNetworkBuilder b("ties");
  b.add_variable("A", {"a0", "a1"});
  b.add_variable("B", {"b0", "b1"});
  b.add_variable("C", {"c0", "c1"});
  b.add_factor({0, 1}, {1, 2, 2, 1});
  b.add_factor({1, 2}, {2, 1, 1, 2});
  const Model m(std::move(b).build());
  const auto mpe = m.mpe();
  EXPECT_EQ(mpe.assignment, (query::Assignments{{"A", "a0"}, {"B", "b1"}, {"C", "c1"}}));
  EXPECT_NEAR(mpe.probability, 4.0 / 18.0, 1e-15);
  const auto map = m.map({"C", "A"});
  EXPECT_EQ(map.assignment, (query::Assignments{{"C", "c1"}, {"A", "a0"}}));
  EXPECT_NEAR(map.probability, 5.0 / 18.0, 1e-15);
  EXPECT_NEAR(*map.posterior_probability, 5.0 / 18.0, 1e-15);
  const auto given = m.mpe(query::Evidence::from_names(m, query::Assignments{{"C", "c0"}}));
  EXPECT_EQ(given.assignment, (query::Assignments{{"A", "a1"}, {"B", "b0"}, {"C", "c0"}}));
  EXPECT_NEAR(given.probability, 4.0 / 18.0, 1e-15);
  // The same model declared C, B, A: the rule follows the declared order, so now C comes first
  // and c0 (a1b0c0) wins.
  MarkovNetworkBuilder r("ties reversed");
  r.add_variable("C", {"c0", "c1"});
  r.add_variable("B", {"b0", "b1"});
  r.add_variable("A", {"a0", "a1"});
  r.add_factor({2, 1}, {1, 2, 2, 1});
  r.add_factor({1, 0}, {2, 1, 1, 2});
  const Model rm(std::move(r).build());
  EXPECT_EQ(rm.mpe().assignment, (query::Assignments{{"C", "c0"}, {"B", "b0"}, {"A", "a1"}}));
  EXPECT_EQ(rm.map({"C", "A"}).assignment, (query::Assignments{{"C", "c0"}, {"A", "a1"}}));
}

// 30 binary targets T0..T29 along a chain T0 -> H0 -> T1 -> H1 -> ... -> T29 -> H29, the H summed
// out, H29 observed. The targets' joint (2^30 entries, 8 GiB) is far over a 4 MiB limit, but the
// constrained order sums each H out into a message over two neighbouring targets: the largest
// table has 8 entries. Checked against the Viterbi recursion over the chain of targets, whose
// transitions Q(t' | t) = sum_h P(h | t) P(t' | h) are computed here, and P(e) by the forward sum.
TEST(Explain, MapOverAChainOfThirtyTargetsBeyondTheJointsSize) {
  constexpr int k = 30;
  BayesianNetworkBuilder b("chain");
  for (int i = 0; i < k; ++i) {
    b.add_variable("T" + std::to_string(i), {"0", "1"});
    b.add_variable("H" + std::to_string(i), {"0", "1"});
  }
  // P(T0) = (0.3, 0.7); P(H_i | T_i) and P(T_{i+1} | H_i) vary with i so no two paths tie.
  std::vector<std::array<double, 4>> th(k), ht(k);
  b.set_cpt(0, {}, {0.3, 0.7});
  for (int i = 0; i < k; ++i) {
    const double a = 0.55 + 0.01 * i, c = 0.2 + 0.005 * i;
    th[i] = {a, 1 - a, c, 1 - c};  // rows t = 0, 1: P(h = 0 | t), P(h = 1 | t)
    b.set_cpt(static_cast<VariableId>(2 * i + 1), {static_cast<VariableId>(2 * i)}, {th[i][0], th[i][1], th[i][2], th[i][3]});
    if (i + 1 < k) {
      const double d = 0.6 - 0.007 * i, f = 0.35 + 0.004 * i;
      ht[i] = {d, 1 - d, f, 1 - f};
      b.set_cpt(static_cast<VariableId>(2 * i + 2), {static_cast<VariableId>(2 * i + 1)}, {ht[i][0], ht[i][1], ht[i][2], ht[i][3]});
    }
  }
  const Model m(std::move(b).build());
  std::vector<std::string> targets;
  for (int i = 0; i < k; ++i) targets.push_back("T" + std::to_string(i));
  const auto e = query::Evidence::from_names(m, query::Assignments{{"H29", "1"}});
  query::EngineOptions small;
  small.max_memory_bytes = 4 << 20;
  const auto r = m.map(targets, e, small);

  // Viterbi: best[t] = max over T0..T_{i-1} of P(T0..T_i = t); the H29 = 1 likelihood at the end.
  auto q = [&](int i, int t, int u) { return th[i][2 * t] * ht[i][u] + th[i][2 * t + 1] * ht[i][2 + u]; };
  std::vector<std::array<double, 2>> best(k);
  std::vector<std::array<int, 2>> from(k);
  best[0] = {0.3, 0.7};
  for (int i = 1; i < k; ++i)
    for (int u = 0; u < 2; ++u) {
      const double v0 = best[i - 1][0] * q(i - 1, 0, u), v1 = best[i - 1][1] * q(i - 1, 1, u);
      best[i][u] = std::max(v0, v1);
      from[i][u] = v1 > v0 ? 1 : 0;
    }
  const double end0 = best[k - 1][0] * th[k - 1][1], end1 = best[k - 1][1] * th[k - 1][3];
  std::vector<int> path(k);
  path[k - 1] = end1 > end0 ? 1 : 0;
  for (int i = k - 1; i > 0; --i) path[i - 1] = from[i][path[i]];
  // P(e): the forward sum.
  std::array<double, 2> fwd = {0.3, 0.7};
  for (int i = 1; i < k; ++i) fwd = {fwd[0] * q(i - 1, 0, 0) + fwd[1] * q(i - 1, 1, 0), fwd[0] * q(i - 1, 0, 1) + fwd[1] * q(i - 1, 1, 1)};
  const double pe = fwd[0] * th[k - 1][1] + fwd[1] * th[k - 1][3];
  const double p = std::max(end0, end1);

  ASSERT_EQ(r.assignment.size(), static_cast<std::size_t>(k));
  for (int i = 0; i < k; ++i)
    EXPECT_EQ(r.assignment[i], (std::pair<std::string, std::string>{"T" + std::to_string(i), std::to_string(path[i])}));
  EXPECT_NEAR(r.log_probability, std::log(p), 1e-12);
  EXPECT_NEAR(r.probability / p, 1.0, 1e-12);
  EXPECT_NEAR(*r.posterior_probability / (p / pe), 1.0, 1e-12);
  // The targets' joint (what MAP used to compute) is refused under the same limit.
  query::Query joint;
  joint.targets = targets;
  joint.shape = query::Query::Shape::joint;
  joint.evidence = e;
  joint.method = "ve";
  EXPECT_THROW((void)m.answer(joint, small), LimitError);
}

// Y -> X0..X39: any order that sums Y out before the Xs forms a table over Y and all 40 of them
// (2^41 entries, 16 TiB): refused with the figure, even though the MPE (Y maximised too) is trivial.
TEST(Explain, MapRefusedWhenTheConstrainedOrderDoesNotFit) {
  BayesianNetworkBuilder b("star");
  b.add_variable("Y", {"0", "1"});
  std::vector<std::string> xs;
  for (int i = 0; i < 40; ++i) {
    xs.push_back("X" + std::to_string(i));
    b.add_variable(xs.back(), {"0", "1"});
    b.set_cpt(static_cast<VariableId>(i + 1), {0}, {0.9, 0.1, 0.2, 0.8});
  }
  b.set_cpt(0, {}, {0.5, 0.5});
  const Model m(std::move(b).build());
  try {
    (void)m.map(xs);
    ADD_FAILURE() << "not refused";
  } catch (const LimitError& e) {
    EXPECT_NE(std::string(e.what()).find("2199023255552 entries"), std::string::npos) << e.what();
  }
  // Y a target too: no sum before a max, a width-1 problem. P(Y = 0, X = all 0) = 0.5 * 0.9^40.
  xs.push_back("Y");
  const auto r = m.map(xs);
  EXPECT_NEAR(r.log_probability, std::log(0.5) + 40 * std::log(0.9), 1e-12);
  EXPECT_EQ(r.assignment.back().second, "0");
}

// A -> B with P(A) = (0.4, 0.3, 0.3), B|a0 = (1, 0), B|a1 = B|a2 = (0, 1). The MPE is (a0, b0) at
// 0.4, yet P(b1) = 0.6 makes b1 the MAP of B: summing A out matters. Given B=b1, a1 and a2 tie at
// P(a, b1) = 0.3 (posterior 0.5): the lower state, a1, wins.
TEST(Explain, MapSumsOutTheOtherVariables) {
  BayesianNetworkBuilder b("chain");
  b.add_variable("A", {"a0", "a1", "a2"});
  b.add_variable("B", {"b0", "b1"});
  b.set_cpt(0, {}, {0.4, 0.3, 0.3});
  b.set_cpt(1, {0}, {1.0, 0.0, 0.0, 1.0, 0.0, 1.0});
  const Model m(std::move(b).build());
  const auto mpe = m.mpe();
  ASSERT_EQ(mpe.assignment.size(), 2u);
  EXPECT_EQ(mpe.assignment[0].second, "a0");
  EXPECT_EQ(mpe.assignment[1].second, "b0");
  EXPECT_NEAR(mpe.probability, 0.4, 1e-15);
  const auto map = m.map({"B"});
  ASSERT_EQ(map.assignment.size(), 1u);
  EXPECT_EQ(map.assignment[0], (std::pair<std::string, std::string>{"B", "b1"}));
  EXPECT_NEAR(map.probability, 0.6, 1e-15);
  EXPECT_NEAR(*map.posterior_probability, 0.6, 1e-15);
  const auto given = m.map({"A"}, query::Evidence::from_names(m, query::Assignments{{"B", "b1"}}));
  EXPECT_EQ(given.assignment[0].second, "a1");
  EXPECT_NEAR(given.probability, 0.3, 1e-15);
  EXPECT_NEAR(*given.posterior_probability, 0.5, 1e-15);
  EXPECT_NEAR(given.log_probability, std::log(0.3), 1e-14);
  EXPECT_EQ(given.evidence, (query::Assignments{{"B", "b1"}}));
  const auto mpe_given = m.mpe(query::Evidence::from_names(m, query::Assignments{{"B", "b1"}}));
  EXPECT_EQ(mpe_given.assignment[0].second, "a1");
  EXPECT_EQ(mpe_given.assignment[1].second, "b1");
}

TEST(Explain, RefusalsAndErrors) {
  std::mt19937_64 rng(105);
  const auto bn = testing::random_bayesian_network(rng, {12, 4, 4, 3});
  const Model m(bn);
  query::EngineOptions tiny;
  tiny.max_memory_bytes = 64;
  EXPECT_THROW((void)m.mpe({}, tiny), LimitError);
  std::vector<std::string> all;
  for (const auto& v : m.variables()) all.push_back(v.name);
  EXPECT_THROW((void)m.map(all, {}, tiny), LimitError);
  EXPECT_THROW((void)m.map({}), QueryError);
  EXPECT_THROW((void)m.map({"nope"}), QueryError);
  EXPECT_THROW((void)m.map({"V0", "V0"}), QueryError);
}

}  // namespace
}  // namespace pgm
