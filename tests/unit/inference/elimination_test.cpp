// The elimination stages behind VariableElimination: the semiring seam (max-product against
// brute-force maximisation over every assignment) and the log-space scaling.
#include <pgm/inference/detail/elimination.hpp>

#include "support/assignments.hpp"
#include "support/enumeration_oracle.hpp"
#include "support/random_models.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace pgm {
namespace {

// Calls f(assignment) for every full assignment consistent with e.
using ::pgm::testing::for_each_assignment;  // tests/support/assignments.hpp

template <class Model>
void check_mpe(const Model& model, const std::vector<Factor>& factors, const Evidence& e) {
  const testing::EnumerationOracle oracle(model);
  double best = 0;
  for_each_assignment(oracle.cardinalities(), e, [&](const std::vector<std::size_t>& x) {
    best = std::max(best, oracle.weight(x));
  });
  const auto mpe = detail::most_probable_explanation(model.variables(), factors, e);
  ASSERT_EQ(mpe.assignment.size(), model.size());
  if (best == 0.0) {
    EXPECT_EQ(mpe.log_value, -std::numeric_limits<double>::infinity());
    return;
  }
  EXPECT_NEAR(mpe.log_value, std::log(best), 1e-11);
  for (const auto& [v, s] : e) EXPECT_EQ(mpe.assignment[v], s);
  // The assignment read back attains the maximum (ties may pick another optimum).
  EXPECT_NEAR(oracle.weight(mpe.assignment), best, 1e-12 * best);
}

TEST(Elimination, MaxProductMatchesBruteForceOnBayesianNetworks) {
  std::mt19937_64 rng(31);
  for (int net = 0; net < 100; ++net) {
    testing::RandomNetworkSpec spec{3 + rng() % 7};
    const auto bn = testing::random_bayesian_network(rng, spec);
    const auto e = testing::random_evidence(bn.variables(), rng, rng() % 3);
    check_mpe(bn, bn.cpts(), e);
  }
}

TEST(Elimination, MaxProductMatchesBruteForceOnMarkovNetworks) {
  std::mt19937_64 rng(32);
  for (int net = 0; net < 80; ++net) {
    testing::RandomMarkovSpec spec{3 + rng() % 5, 2 + rng() % 5};
    const auto mn = testing::random_markov_network(rng, spec);
    const auto e = testing::random_evidence(mn.variables(), rng, rng() % 3);
    check_mpe(mn, mn.factors(), e);
  }
}

// 3000 independent roots, each 0.1 / 0.9: the maximum is 0.9^3000 (ln about -316); observed at
// their smaller states it is 0.1^3000, which underflows a double while its log, -6908, does not.
TEST(Elimination, MaxProductKeepsTheScaleInLogSpace) {
  BayesianNetworkBuilder b("roots");
  const std::size_t n = 3000;
  for (std::size_t i = 0; i < n; ++i) b.add_variable("R" + std::to_string(i), {"a", "b"});
  for (VariableId v = 0; v < n; ++v) b.set_cpt(v, {}, {0.1, 0.9});
  const auto bn = std::move(b).build();
  const auto mpe = detail::most_probable_explanation(bn.variables(), bn.cpts(), {});
  EXPECT_NEAR(mpe.log_value, static_cast<double>(n) * std::log(0.9), 1e-9);
  for (std::size_t s : mpe.assignment) EXPECT_EQ(s, 1u);
  // Observing every root at its smaller state: 3000 ln 0.1, about -6908 (0.1^3000 underflows).
  Evidence e;
  for (VariableId v = 0; v < n; ++v) e.emplace_back(v, 0);
  const auto low = detail::most_probable_explanation(bn.variables(), bn.cpts(), e);
  EXPECT_NEAR(low.log_value, static_cast<double>(n) * std::log(0.1), 1e-8);
}

TEST(Elimination, SumProductStageGivesTheEvidenceProbability) {
  std::mt19937_64 rng(33);
  for (int net = 0; net < 40; ++net) {
    const auto bn = testing::random_bayesian_network(rng, {3 + rng() % 7});
    const auto e = testing::random_evidence(bn.variables(), rng, 1 + rng() % 3);
    const testing::EnumerationOracle oracle(bn);
    detail::Pool pool = detail::reduced_pool(bn.cpts(), everything(bn.variables(), bn.cpts()), e);
    const auto order = detail::pool_order(pool, bn.variables().cardinalities(), {}, EliminationHeuristic::min_fill);
    const Factor rest = detail::eliminate<detail::SumProduct>(pool, order, bn.size());
    EXPECT_EQ(rest.arity(), 0u);
    const double pe = oracle.probability_of_evidence(e);
    if (pe == 0.0) {
      EXPECT_EQ(rest.values()[0], 0.0);
    } else {
      EXPECT_NEAR(std::log(rest.values()[0]) + pool.log_scale, std::log(pe), 1e-11);
    }
  }
}

}  // namespace
}  // namespace pgm
