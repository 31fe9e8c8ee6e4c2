// Junction trees built for named targets over the relevant part of the model only: marginals and
// P(e) against brute-force enumeration of the whole model, the size of the part against an
// ancestor walk written here, and the refusals (evidence or a marginal outside the part).
#include <pgm/core/error.hpp>
#include <pgm/inference/junction_tree.hpp>

#include "support/enumeration_oracle.hpp"
#include "support/random_models.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace pgm {
namespace {

using testing::EnumerationOracle;

std::vector<VariableId> pick(std::mt19937_64& rng, std::size_t n, std::size_t count) {
  std::vector<VariableId> out;
  while (out.size() < std::min(count, n)) {
    const auto v = static_cast<VariableId>(rng() % n);
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

std::vector<VariableId> ids_of(const Evidence& e) {
  std::vector<VariableId> ids;
  for (const auto& [v, s] : e) ids.push_back(v);
  return ids;
}

std::size_t ancestors(const BayesianNetwork& bn, std::vector<VariableId> stack) {
  std::vector<bool> in(bn.size(), false);
  std::size_t count = 0;
  while (!stack.empty()) {
    const VariableId v = stack.back();
    stack.pop_back();
    if (in[v]) continue;
    in[v] = true;
    ++count;
    for (VariableId p : bn.parents(v)) stack.push_back(p);
  }
  return count;
}

void expect_marginal(const CalibratedJunctionTree& c, const EnumerationOracle& oracle, VariableId t, const Evidence& e,
                     const std::string& what) {
  const auto expected = oracle.marginal(t, e);
  const Factor got = c.marginal(t);
  ASSERT_EQ(got.size(), expected.size()) << what;
  for (std::size_t s = 0; s < expected.size(); ++s) EXPECT_NEAR(got.values()[s], expected[s], 1e-12) << what << " state " << s;
}

TEST(JunctionTreeTargets, BayesianNetworksMatchEnumeration) {
  std::mt19937_64 rng(8080);
  int pruned = 0;
  for (int net = 0; net < 120; ++net) {
    const auto bn = testing::random_bayesian_network(rng, {4 + rng() % 9});
    const EnumerationOracle oracle(bn);
    const auto e = testing::forward_sample_evidence(bn, rng, rng() % 3);
    const auto targets = pick(rng, bn.size(), 1 + rng() % 2);
    const JunctionTree tree(bn, targets, ids_of(e));
    std::vector<VariableId> roots = targets;
    for (const auto& [v, s] : e) roots.push_back(v);
    EXPECT_EQ(tree.relevant_factors(), ancestors(bn, roots));
    if (tree.relevant_factors() < bn.size()) ++pruned;
    const auto c = tree.calibrate(e);
    const std::string what = "net " + std::to_string(net);
    EXPECT_NEAR(c.log_probability_of_evidence(), std::log(oracle.probability_of_evidence(e)), 1e-11) << what;
    for (VariableId t : targets) expect_marginal(c, oracle, t, e, what);
  }
  EXPECT_GT(pruned, 40);
}

TEST(JunctionTreeTargets, MarkovNetworksMatchEnumeration) {
  std::mt19937_64 rng(8081);
  int pruned = 0, checked = 0;
  for (int net = 0; net < 120; ++net) {
    testing::RandomMarkovSpec spec{4 + rng() % 6, 1 + rng() % 4};
    spec.max_scope = 2;
    const auto mn = testing::random_markov_network(rng, spec);
    const EnumerationOracle oracle(mn);
    const auto e = testing::random_evidence(mn.variables(), rng, rng() % 3);
    const auto targets = pick(rng, mn.size(), 1);
    // Observe all of e in the pattern for some trees, part of it for others.
    auto observed = ids_of(e);
    if (!observed.empty() && rng() % 2) observed.pop_back();
    const JunctionTree tree(mn, targets, observed);
    if (tree.relevant_factors() < mn.factors().size()) ++pruned;
    if (oracle.probability_of_evidence(e) == 0.0) {
      EXPECT_THROW((void)tree.calibrate(e), ZeroProbabilityEvidence);
      continue;
    }
    const auto c = tree.calibrate(e);
    const std::string what = "net " + std::to_string(net);
    EXPECT_NEAR(c.log_probability_of_evidence(), std::log(oracle.probability_of_evidence(e)), 1e-10) << what;
    for (VariableId t : targets) expect_marginal(c, oracle, t, e, what);
    ++checked;
  }
  EXPECT_GT(pruned, 30);
  EXPECT_GT(checked, 60);
}

// A → B, C alone: a tree for B holds A and B only.
TEST(JunctionTreeTargets, RefusesWhatItDoesNotHold) {
  BayesianNetworkBuilder b("small");
  const auto a = b.add_variable("A", {"0", "1"});
  const auto bb = b.add_variable("B", {"0", "1"});
  const auto c = b.add_variable("C", {"0", "1"});
  b.set_cpt(a, {}, {0.3, 0.7});
  b.set_cpt(bb, {a}, {0.9, 0.1, 0.2, 0.8});
  b.set_cpt(c, {}, {0.5, 0.5});
  const auto bn = std::move(b).build();
  const VariableId target[1] = {bb};
  const JunctionTree tree(bn, target, std::span<const VariableId>{});
  EXPECT_EQ(tree.relevant_factors(), 2u);
  const auto cal = tree.calibrate({});
  // P(B = 1) = 0.3 · 0.1 + 0.7 · 0.8 = 0.59.
  EXPECT_NEAR(cal.marginal(bb).values()[1], 0.59, 1e-15);
  EXPECT_NEAR(cal.marginal(a).values()[1], 0.7, 1e-15);
  EXPECT_THROW((void)cal.marginal(c), QueryError);
  EXPECT_THROW((void)cal.marginals(), QueryError);
  EXPECT_THROW((void)tree.calibrate({{c, 0}}), QueryError);
  EXPECT_THROW(JunctionTree(bn, std::span<const VariableId>{}, std::span<const VariableId>(target)), QueryError);
}

}  // namespace
}  // namespace pgm
