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

#include <cmath>
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
  for (int net = 0; net < 60; ++net) {
    tied += check_map(tied_bayesian_network(rng, 3 + rng() % 5), rng) ? 1 : 0;
    tied += check_map(tied_markov_network(rng, 3 + rng() % 4, 2 + rng() % 4), rng) ? 1 : 0;
    check_map(testing::random_bayesian_network(rng, {3 + rng() % 6}), rng);
  }
  EXPECT_GE(tied, 10);
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
