// Requisite CPTs and observations (Shachter's Bayes-ball): dropping every other CPT leaves the
// posterior unchanged, checked against brute-force enumeration of the full model.
#include <pgm/core/error.hpp>
#include <pgm/core/factor.hpp>
#include <pgm/independence/d_separation.hpp>
#include <pgm/model/bayesian_network.hpp>

#include "support/enumeration_oracle.hpp"
#include "support/random_models.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace pgm {
namespace {

using V = std::vector<VariableId>;

TEST(Requisite, Chain) {
  // 0 → 1 → 2. P(0 | 1) needs the CPTs of 0 and 1; P(2 | 1) only the CPT of 2; 2 is barren for 0.
  Dag dag(3);
  dag.add_edge(0, 1);
  dag.add_edge(1, 2);
  const Requisite a = requisite(dag, V{0}, V{1});
  EXPECT_EQ(a.cpts, (std::vector<bool>{true, true, false}));
  EXPECT_EQ(a.observations, (std::vector<bool>{false, true, false}));
  const Requisite c = requisite(dag, V{2}, V{1});
  EXPECT_EQ(c.cpts, (std::vector<bool>{false, false, true}));
  EXPECT_EQ(c.observations, (std::vector<bool>{false, true, false}));
  // With nothing observed, P(2) needs all ancestors.
  EXPECT_EQ(requisite(dag, V{2}, V{}).cpts, (std::vector<bool>{true, true, true}));
  EXPECT_THROW((void)requisite(dag, V{}, V{1}), QueryError);
  EXPECT_THROW((void)requisite(dag, V{5}, V{}), QueryError);
}

TEST(Requisite, CollidersNeedTheirObservedDescendant) {
  // 0 → 2 ← 1, 2 → 3. P(0 | 3) needs 0, 1, 2, 3 (explaining away through 2); P(0 | nothing) only 0.
  Dag dag(4);
  dag.add_edge(0, 2);
  dag.add_edge(1, 2);
  dag.add_edge(2, 3);
  EXPECT_EQ(requisite(dag, V{0}, V{3}).cpts, (std::vector<bool>{true, true, true, true}));
  EXPECT_EQ(requisite(dag, V{0}, V{}).cpts, (std::vector<bool>{true, false, false, false}));
  // Observing 1 as well: 1's value matters, its CPT does not (only its value enters).
  const Requisite r = requisite(dag, V{0}, V{1, 3});
  EXPECT_EQ(r.cpts, (std::vector<bool>{true, false, true, true}));
  EXPECT_EQ(r.observations, (std::vector<bool>{false, true, false, true}));
}

TEST(Requisite, PrunedProductGivesTheSamePosteriorOnRandomNetworks) {
  std::mt19937_64 rng(1234);
  std::size_t pruned_something = 0;
  for (int net = 0; net < 60; ++net) {
    testing::RandomNetworkSpec spec{};
    spec.nodes = std::uniform_int_distribution<std::size_t>(3, 9)(rng);
    spec.max_states = 3;
    spec.max_parents = 2;
    const BayesianNetwork bn = testing::random_bayesian_network(rng, spec);
    const testing::EnumerationOracle oracle(bn);
    const std::size_t n = bn.size();
    const Evidence evidence = testing::forward_sample_evidence(bn, rng, std::uniform_int_distribution<std::size_t>(0, n / 2)(rng));
    V observed;
    for (const auto& [v, s] : evidence) observed.push_back(v);
    V free;
    for (VariableId v = 0; v < n; ++v) {
      if (std::find(observed.begin(), observed.end(), v) == observed.end()) free.push_back(v);
    }
    if (free.empty()) continue;
    std::shuffle(free.begin(), free.end(), rng);
    V targets(free.begin(), free.begin() + static_cast<long>(std::min<std::size_t>(free.size(), 2)));
    std::sort(targets.begin(), targets.end());

    const Requisite req = requisite(bn.graph(), targets, observed);
    std::vector<Factor> kept;
    for (VariableId v = 0; v < n; ++v) {
      if (req.cpts[v]) kept.push_back(bn.cpt(v));
    }
    if (kept.size() < n) ++pruned_something;
    // Evidence restricted to the requisite observations: the others must not matter.
    Evidence needed;
    for (const auto& e : evidence) {
      if (req.observations[e.first]) needed.push_back(e);
    }
    for (Factor& f : kept) {
      for (VariableId v : f.variables()) {
        const bool is_observed = std::find(observed.begin(), observed.end(), v) != observed.end();
        EXPECT_TRUE(!is_observed || req.observations[v]) << "an observed variable in a kept CPT is not requisite";
      }
      f = reduce(f, needed);
    }
    Factor product = multiply_all(kept);
    for (VariableId t : targets) {
      if (!product.contains(t)) product = multiply(product, Factor::constant(bn.variables(), {t}, 1.0));
    }
    const Factor posterior = normalize(marginal(product, targets));
    const std::vector<double> expected = oracle.joint(targets, evidence);
    ASSERT_EQ(posterior.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      EXPECT_NEAR(posterior.values()[i], expected[i], 1e-12) << "network " << net << " entry " << i;
    }
  }
  EXPECT_GT(pruned_something, 20u);  // the test exercises pruning, not just the full product
}

}  // namespace
}  // namespace pgm
