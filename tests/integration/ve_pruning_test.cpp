// Variable elimination with its pruning switched off, against brute-force enumeration of the joint
// (tests/support/enumeration_oracle, which shares no inference code). The default engine prunes the
// requisite set (Bayes-ball) and barren nodes; every combination of the two switches must give the
// same answers, the unpruned one multiplying every CPT of the network. Evidence is placed on
// descendants as well as ancestors (forward-sampled, so P(e) > 0), and impossible evidence too.
#include <pgm/core/error.hpp>
#include <pgm/inference/variable_elimination.hpp>

#include "support/enumeration_oracle.hpp"
#include "support/random_models.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace pgm {
namespace {

using testing::EnumerationOracle;

constexpr double kTol = 1e-12;

struct Switches {
  bool requisite;
  bool barren;
};
constexpr Switches kSwitches[] = {{false, false}, {false, true}, {true, false}, {true, true}};

std::string label(std::uint64_t seed, Switches s, const Evidence& e) {
  std::string out = "seed " + std::to_string(seed) + " prune_requisite=" + (s.requisite ? "on" : "off") +
                    " prune_barren=" + (s.barren ? "on" : "off") + " evidence {";
  for (const auto& [v, st] : e) out += " V" + std::to_string(v) + "=" + std::to_string(st);
  return out + " }";
}

void expect_near(std::span<const double> got, const std::vector<double>& expected, const std::string& what) {
  ASSERT_EQ(got.size(), expected.size()) << what;
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(got[i], expected[i], kTol) << what << " entry " << i;
}

TEST(VariableEliminationPruningOff, EverySwitchCombinationMatchesEnumeration) {
  int queries = 0;
  for (std::uint64_t seed = 1; seed <= 120; ++seed) {
    std::mt19937_64 rng(seed * 104729);
    const BayesianNetwork bn = testing::random_bayesian_network(rng, {.nodes = 3 + seed % 6});
    const EnumerationOracle oracle(bn);
    std::vector<VariableId> ids(bn.size());
    for (VariableId v = 0; v < bn.size(); ++v) ids[v] = v;
    for (std::size_t count = 0; count <= 3; ++count) {
      const Evidence e = testing::forward_sample_evidence(bn, rng, count);
      const double pe = oracle.probability_of_evidence(e);
      ASSERT_GT(pe, 0.0);
      const auto expected = oracle.marginals(e);
      // A joint over two distinct targets in random order (the result is in ascending-id order).
      std::vector<VariableId> pair = ids;
      std::shuffle(pair.begin(), pair.end(), rng);
      pair.resize(std::min<std::size_t>(2, pair.size()));
      std::vector<VariableId> sorted = pair;
      std::sort(sorted.begin(), sorted.end());
      const auto expected_joint = oracle.joint(sorted, e);
      for (const Switches s : kSwitches) {
        const std::string what = label(seed, s, e);
        const VariableElimination ve(bn, {.prune_barren = s.barren, .prune_requisite = s.requisite});
        EXPECT_NEAR(ve.probability_of_evidence(e), pe, kTol) << what;
        EXPECT_NEAR(ve.log_probability_of_evidence(e), std::log(pe), 1e-10) << what;
        const auto got = ve.marginals(ids, e);
        ASSERT_EQ(got.size(), ids.size()) << what;
        for (VariableId v : ids) {
          ASSERT_EQ(got[v].variables(), std::vector<VariableId>{v}) << what;
          expect_near(got[v].values(), expected[v], what + " marginal V" + std::to_string(v));
        }
        const Posterior post = ve.joint(pair, e);
        EXPECT_NEAR(post.probability_of_evidence, pe, kTol) << what;
        ASSERT_EQ(post.distribution.variables(), sorted) << what;
        expect_near(post.distribution.values(), expected_joint, what + " joint");
        ++queries;
        if (HasFatalFailure()) return;
      }
    }
  }
  EXPECT_EQ(queries, 120 * 4 * 4);
}

TEST(VariableEliminationPruningOff, ImpossibleEvidenceIsRefusedWithoutPruning) {
  // Networks with many exact zeros and uniformly random evidence: where the oracle says P(e) = 0,
  // the unpruned engine must refuse as the pruned one does; elsewhere agree with the oracle.
  int zero = 0, positive = 0;
  for (std::uint64_t seed = 2000; seed < 2080; ++seed) {
    std::mt19937_64 rng(seed);
    const BayesianNetwork bn = testing::random_bayesian_network(rng, {.nodes = 5, .zero_probability = 0.5});
    const EnumerationOracle oracle(bn);
    const VariableElimination ve(bn, {.prune_barren = false, .prune_requisite = false});
    for (int q = 0; q < 3; ++q) {
      const Evidence e = testing::random_evidence(bn.variables(), rng, 3);
      const VariableId target = static_cast<VariableId>(rng() % bn.size());
      const double pe = oracle.probability_of_evidence(e);
      const std::string what = label(seed, {false, false}, e);
      if (pe == 0.0) {
        ++zero;
        EXPECT_THROW((void)ve.marginal(target, e), ZeroProbabilityEvidence) << what;
        EXPECT_EQ(ve.probability_of_evidence(e), 0.0) << what;
      } else {
        ++positive;
        EXPECT_NEAR(ve.probability_of_evidence(e), pe, kTol) << what;
        expect_near(ve.marginal(target, e).values(), oracle.marginal(target, e), what);
      }
    }
  }
  EXPECT_GT(zero, 10);  // both branches really run
  EXPECT_GT(positive, 10);
}

}  // namespace
}  // namespace pgm
