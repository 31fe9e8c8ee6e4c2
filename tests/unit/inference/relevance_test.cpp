// The relevance stage: hand-derived cases (barren nodes, Bayes-ball requisite CPTs, Markov-network
// components) and properties on random models checked by independent means (an ancestor walk
// written here; brute-force enumeration of the model restricted to the relevant factors).
#include <pgm/core/error.hpp>
#include <pgm/inference/relevance.hpp>

#include "support/enumeration_oracle.hpp"
#include "support/random_models.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace pgm {
namespace {

// A → B → C, A → D, binary, arbitrary valid CPTs.
BayesianNetwork chain_and_fork() {
  BayesianNetworkBuilder b("cf");
  const auto a = b.add_variable("A", {"0", "1"});
  const auto bb = b.add_variable("B", {"0", "1"});
  const auto c = b.add_variable("C", {"0", "1"});
  const auto d = b.add_variable("D", {"0", "1"});
  b.set_cpt(a, {}, {0.3, 0.7});
  b.set_cpt(bb, {a}, {0.9, 0.1, 0.2, 0.8});
  b.set_cpt(c, {bb}, {0.6, 0.4, 0.5, 0.5});
  b.set_cpt(d, {a}, {0.25, 0.75, 0.4, 0.6});
  return std::move(b).build();
}

std::vector<bool> mask(std::size_t n, std::initializer_list<std::size_t> on) {
  std::vector<bool> m(n, false);
  for (std::size_t i : on) m[i] = true;
  return m;
}

TEST(Relevance, BarrenNodesAreTheNonAncestorsOfTargetsAndEvidence) {
  const auto bn = chain_and_fork();  // A=0 B=1 C=2 D=3
  const VariableId b[1] = {1}, d[1] = {3};
  auto r = relevance(bn, b, {}, RelevanceRule::barren);
  EXPECT_EQ(r.factors, mask(4, {0, 1}));  // C and D hang below: barren
  EXPECT_EQ(r.count, 2u);
  EXPECT_EQ(r.variables, mask(4, {0, 1}));
  r = relevance(bn, b, d, RelevanceRule::barren);
  EXPECT_EQ(r.factors, mask(4, {0, 1, 3}));
  r = relevance(bn, b, d, RelevanceRule::none);
  EXPECT_TRUE(r.everything());
}

TEST(Relevance, RequisiteCptsFollowBayesBall) {
  const auto bn = chain_and_fork();
  const VariableId a[1] = {0}, b[1] = {1}, c[1] = {2}, d[1] = {3};
  // P(C | B): B blocks the chain; only C's CPT (a function of B) matters.
  EXPECT_EQ(relevance(bn, c, b, RelevanceRule::requisite).factors, mask(4, {2}));
  // P(A | B): A's prior and B's CPT (the likelihood of the observed B); C and D are barren.
  EXPECT_EQ(relevance(bn, a, b, RelevanceRule::requisite).factors, mask(4, {0, 1}));
  // P(D | B): D's CPT, and through A (unobserved) A's prior and B's CPT.
  EXPECT_EQ(relevance(bn, d, b, RelevanceRule::requisite).factors, mask(4, {0, 1, 3}));
  // An observed target needs nothing: a point mass.
  EXPECT_EQ(relevance(bn, b, b, RelevanceRule::requisite).count, 0u);
}

TEST(Relevance, RejectsOutOfRangeIds) {
  const auto bn = chain_and_fork();
  const VariableId bad[1] = {9};
  EXPECT_THROW((void)relevance(bn, bad, {}, RelevanceRule::barren), QueryError);
  EXPECT_THROW((void)relevance(bn, {}, bad, RelevanceRule::requisite), QueryError);
}

// Ancestors by a plain walk over the builder-given parents (not Dag::ancestral_mask).
std::vector<bool> ancestors(const BayesianNetwork& bn, const std::vector<VariableId>& roots) {
  std::vector<bool> in(bn.size(), false);
  std::vector<VariableId> stack(roots);
  while (!stack.empty()) {
    const VariableId v = stack.back();
    stack.pop_back();
    if (in[v]) continue;
    in[v] = true;
    for (VariableId p : bn.parents(v)) stack.push_back(p);
  }
  return in;
}

TEST(Relevance, BarrenMaskIsTheAncestralSetAndContainsTheRequisiteSet) {
  std::mt19937_64 rng(404);
  for (int net = 0; net < 100; ++net) {
    const auto bn = testing::random_bayesian_network(rng, {4 + rng() % 12});
    const auto e = testing::random_evidence(bn.variables(), rng, rng() % 4);
    const std::vector<VariableId> observed = observed_ids(e);
    std::vector<VariableId> targets = {static_cast<VariableId>(rng() % bn.size())};
    std::vector<VariableId> roots = targets;
    roots.insert(roots.end(), observed.begin(), observed.end());
    const auto barren = relevance(bn, targets, observed, RelevanceRule::barren);
    EXPECT_EQ(barren.factors, ancestors(bn, roots));
    const auto req = relevance(bn, targets, observed, RelevanceRule::requisite);
    for (VariableId v = 0; v < bn.size(); ++v)
      if (req[v]) {
        EXPECT_TRUE(barren[v]) << "requisite CPT " << v << " is not an ancestor of the query";
      }
  }
}

// A Markov network over the same variables with only the factors `keep` marks (plus a unit factor
// per otherwise uncovered variable so the builder accepts it).
MarkovNetwork restricted(const MarkovNetwork& mn, const std::vector<bool>& keep) {
  MarkovNetworkBuilder b("restricted");
  for (VariableId v = 0; v < mn.size(); ++v) b.add_variable(mn.variable(v).name, mn.variable(v).states);
  std::vector<bool> covered(mn.size(), false);
  for (std::size_t f = 0; f < mn.factors().size(); ++f) {
    if (!keep[f]) continue;
    const Factor& t = mn.factors()[f];
    for (VariableId v : t.variables()) covered[v] = true;
    b.add_factor(t.variables(), std::vector<double>(t.values().begin(), t.values().end()));
  }
  for (VariableId v = 0; v < mn.size(); ++v)
    if (!covered[v]) b.add_factor({v}, std::vector<double>(mn.variables()[v].cardinality(), 1.0));
  return std::move(b).build();
}

TEST(Relevance, MarkovComponentsOfTheTargets) {
  // Factors: 0 {A,B}, 1 {B,C}, 2 {D,E}, 3 {C}.
  MarkovNetworkBuilder b("parts");
  for (const char* n : {"A", "B", "C", "D", "E"}) b.add_variable(n, {"0", "1"});
  b.add_factor({0, 1}, {1, 2, 3, 4});
  b.add_factor({1, 2}, {1, 1, 2, 5});
  b.add_factor({3, 4}, {2, 1, 1, 2});
  b.add_factor({2}, {1, 3});
  const auto mn = std::move(b).build();
  const VariableId a[1] = {0}, bb[1] = {1}, d[1] = {3};
  EXPECT_EQ(relevance(mn, a, {}).factors, mask(4, {0, 1, 3}));
  EXPECT_EQ(relevance(mn, d, {}).factors, mask(4, {2}));
  // Observing B cuts A off from C.
  EXPECT_EQ(relevance(mn, a, bb).factors, mask(4, {0}));
  EXPECT_EQ(relevance(mn, bb, bb).count, 0u);
}

TEST(Relevance, MarkovPosteriorFromTheRelevantFactorsOnly) {
  std::mt19937_64 rng(77);
  int checked = 0, pruned = 0;
  for (int net = 0; net < 80; ++net) {
    testing::RandomMarkovSpec spec{4 + rng() % 5, 1 + rng() % 4};
    spec.max_scope = 2;  // sparse, so components appear
    const auto mn = testing::random_markov_network(rng, spec);
    const auto e = testing::random_evidence(mn.variables(), rng, rng() % 3);
    const testing::EnumerationOracle full(mn);
    if (full.probability_of_evidence(e) == 0.0) continue;
    const auto target = static_cast<VariableId>(rng() % mn.size());
    const VariableId t[1] = {target};
    const auto r = relevance(mn, t, observed_ids(e));
    if (!r.everything()) ++pruned;
    const testing::EnumerationOracle part(restricted(mn, r.factors));
    const auto expected = full.marginal(target, e);
    const auto got = part.marginal(target, e);
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t s = 0; s < expected.size(); ++s) EXPECT_NEAR(got[s], expected[s], 1e-12);
    ++checked;
  }
  EXPECT_GT(checked, 50);
  EXPECT_GT(pruned, 10);  // the rule did drop factors, not only keep everything
}

}  // namespace
}  // namespace pgm
