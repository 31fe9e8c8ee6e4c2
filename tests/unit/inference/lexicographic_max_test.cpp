// detail::lexicographic_max against brute force: the maximum, and the lexicographically smallest
// (by state index in id order) assignment within the tolerance of it. Factor entries from
// {0, 1, 2} make exact ties common; the test counts how often the calibrated pass ran and how
// often it had to collect the tree towards a variable, so neither path is left untested.
#include "support/assignments.hpp"
#include "support/random_models.hpp"

#include <pgm/inference/detail/lexicographic_max.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace pgm {
namespace {

TEST(LexicographicMax, MatchesBruteForceWithTies) {
  std::mt19937_64 rng(211);
  int tied = 0, collected = 0;
  for (int net = 0; net < 150; ++net) {
    const auto shape = testing::random_markov_network(rng, {8 + rng() % 6, 6 + rng() % 10, 3, 2, 3});
    std::vector<Factor> factors;
    for (const Factor& f : shape.factors()) {
      std::vector<double> values(f.size());
      do {
        for (double& x : values) x = static_cast<double>(rng() % 3);
      } while (std::all_of(values.begin(), values.end(), [](double x) { return x == 0.0; }));
      factors.emplace_back(f.variables(), f.cardinalities(), std::move(values));
    }
    const VariableSet& vars = shape.variables();
    const auto cards = vars.cardinalities();
    // Brute force: enumeration is in lexicographic order (last id fastest), so the first
    // assignment within the tolerance is the smallest.
    auto weight = [&](const std::vector<std::size_t>& x) {
      double w = 1.0;
      for (const Factor& f : factors) {
        std::size_t index = 0;
        for (std::size_t d = 0; d < f.arity(); ++d) index += x[f.variables()[d]] * f.strides()[d];
        w *= f.values()[index];
      }
      return w;
    };
    double best = 0.0;
    testing::for_each_assignment(cards, {}, [&](const auto& x) { best = std::max(best, weight(x)); });
    std::vector<std::size_t> expected;
    int optima = 0;
    testing::for_each_assignment(cards, {}, [&](const auto& x) {
      if (best > 0.0 && weight(x) >= best * (1 - 1e-9) && optima++ == 0) expected = x;
    });

    detail::Pool pool = detail::reduced_pool(factors, everything(vars, factors), {});
    const EliminationOrder order = detail::pool_order(pool, cards, {}, EliminationHeuristic::automatic);
    std::vector<std::size_t> x(vars.size(), 0);
    const auto r = detail::lexicographic_max(std::move(pool), order.order(), vars.size(), 1e-9, x);
    if (best == 0.0) {
      EXPECT_EQ(r.log_value, -std::numeric_limits<double>::infinity());
      continue;
    }
    EXPECT_NEAR(r.log_value, std::log(best), 1e-12);
    EXPECT_EQ(x, expected) << "network " << net;
    if (optima > 1) {
      EXPECT_TRUE(r.tied);
      ++tied;
    }
    if (r.visited > 0) ++collected;
  }
  EXPECT_GE(tied, 60);
  EXPECT_GE(collected, 15);
}

}  // namespace
}  // namespace pgm
