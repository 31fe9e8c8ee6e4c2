#include <pgm/inference/elimination_order.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace pgm {
namespace {

using Scopes = std::vector<std::vector<VariableId>>;
using Ids = std::vector<VariableId>;

constexpr EliminationHeuristic kConcrete[] = {EliminationHeuristic::min_degree, EliminationHeuristic::min_fill,
                                              EliminationHeuristic::weighted_min_fill};
constexpr EliminationHeuristic kAll[] = {EliminationHeuristic::min_degree, EliminationHeuristic::min_fill,
                                         EliminationHeuristic::weighted_min_fill, EliminationHeuristic::automatic};

Ids all_ids(std::size_t n) {
  Ids v(n);
  for (VariableId i = 0; i < n; ++i) v[i] = i;
  return v;
}

Scopes chain(std::size_t n) {
  Scopes s;
  for (VariableId i = 0; i + 1 < n; ++i) s.push_back({i, i + 1});
  return s;
}

// k x k grid, node (r, c) = r * k + c, pairwise factors between 4-neighbours.
Scopes grid(std::size_t k) {
  Scopes s;
  for (std::size_t r = 0; r < k; ++r)
    for (std::size_t c = 0; c < k; ++c) {
      const auto v = static_cast<VariableId>(r * k + c);
      if (c + 1 < k) s.push_back({v, v + 1});
      if (r + 1 < k) s.push_back({v, static_cast<VariableId>(v + k)});
    }
  return s;
}

void expect_permutation_of(const Ids& order, Ids expected) {
  Ids sorted = order;
  std::sort(sorted.begin(), sorted.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(sorted, expected);
}

// Independent simulation: eliminating `order` on the interaction graph of `scopes`; returns the
// width (largest clique - 1), largest clique table and sum of clique tables.
struct Cost {
  std::size_t width;
  double max_clique;
  double total;
};
Cost simulate(const Scopes& scopes, const std::vector<std::size_t>& cards, const Ids& order) {
  std::vector<std::set<VariableId>> adj(cards.size());
  for (const auto& s : scopes)
    for (VariableId a : s)
      for (VariableId b : s)
        if (a != b) adj[a].insert(b);
  std::vector<bool> gone(cards.size(), false);
  Cost c{0, 1, 0};
  for (VariableId v : order) {
    std::vector<VariableId> nb;
    for (VariableId u : adj[v])
      if (!gone[u]) nb.push_back(u);
    double size = static_cast<double>(cards[v]);
    for (VariableId u : nb) size *= static_cast<double>(cards[u]);
    c.width = std::max(c.width, nb.size());
    c.max_clique = std::max(c.max_clique, size);
    c.total += size;
    for (VariableId a : nb)
      for (VariableId b : nb)
        if (a != b) adj[a].insert(b);
    gone[v] = true;
  }
  return c;
}

TEST(EliminationOrder, HeuristicsHaveDistinctNames) {
  std::set<std::string> names;
  for (auto h : kAll) names.insert(std::string(to_string(h)));
  EXPECT_EQ(names.size(), 4u);
  EXPECT_EQ(names.count(""), 0u);
}

TEST(EliminationOrder, ChainHasWidthOne) {
  for (std::size_t n : {2u, 3u, 10u, 50u}) {
    const Scopes s = chain(n);
    const std::vector<std::size_t> cards(n, 3);
    const Ids elim = all_ids(n);
    for (auto h : kAll) {
      const auto o = EliminationOrder::find(s, cards, elim, h);
      expect_permutation_of(o.order(), elim);
      EXPECT_EQ(o.induced_width(), 1u) << to_string(h) << " n=" << n;
      EXPECT_EQ(o.max_clique_size(), 9.0) << to_string(h);
    }
  }
}

TEST(EliminationOrder, GridWidthIsAtMostK) {
  // The treewidth of the k x k grid is k, so no order does better; the greedy heuristics reach it
  // for these sizes (checked by hand-simulating min-degree and min-fill with several tie-breaks).
  for (std::size_t k = 2; k <= 6; ++k) {
    const Scopes s = grid(k);
    const std::vector<std::size_t> cards(k * k, 2);
    const Ids elim = all_ids(k * k);
    for (auto h : kAll) {
      const auto o = EliminationOrder::find(s, cards, elim, h);
      expect_permutation_of(o.order(), elim);
      EXPECT_LE(o.induced_width(), k) << to_string(h) << " k=" << k;
      EXPECT_GE(o.induced_width(), k) << to_string(h) << " k=" << k;
    }
  }
}

TEST(EliminationOrder, EvaluateAGivenOrderOnAChain) {
  // Chain 0 - 1 - 2 - 3 - 4 eliminated middle-first: 2 joins 1 and 3 (clique {1, 2, 3}, width 2,
  // fill edge 1 - 3), then 0 ({0, 1}), 1 ({1, 3}), 3 ({3, 4}), 4 ({4}).
  const Scopes s = chain(5);
  const std::vector<std::size_t> cards{2, 3, 4, 5, 6};
  const auto o = EliminationOrder::evaluate(s, cards, {2, 0, 1, 3, 4});
  EXPECT_EQ(o.order(), (Ids{2, 0, 1, 3, 4}));
  EXPECT_EQ(o.induced_width(), 2u);
  // Clique tables: {1,2,3} 3*4*5 = 60, {0,1} 2*3 = 6, {1,3} 3*5 = 15, {3,4} 5*6 = 30, {4} 6.
  EXPECT_EQ(o.max_clique_size(), 60.0);
  EXPECT_EQ(o.total_cost(), 60.0 + 6 + 15 + 30 + 6);
  ASSERT_EQ(o.cliques().size(), 5u);
  const std::vector<std::set<VariableId>> expected{{1, 2, 3}, {0, 1}, {1, 3}, {3, 4}, {4}};
  for (std::size_t i = 0; i < 5; ++i)
    EXPECT_EQ(std::set<VariableId>(o.cliques()[i].begin(), o.cliques()[i].end()), expected[i]) << i;
}

TEST(EliminationOrder, VariablesNotToEliminateStayOut) {
  // Star with centre 0: eliminating only the leaves 1..5 never forms a clique bigger than 2.
  Scopes s;
  for (VariableId v = 1; v <= 5; ++v) s.push_back({0, v});
  const std::vector<std::size_t> cards(6, 2);
  const Ids leaves{1, 2, 3, 4, 5};
  for (auto h : kAll) {
    const auto o = EliminationOrder::find(s, cards, leaves, h);
    expect_permutation_of(o.order(), leaves);
    EXPECT_EQ(o.induced_width(), 1u) << to_string(h);
  }
}

TEST(EliminationOrder, RandomGraphsValidAndAutomaticIsCheapest) {
  std::mt19937_64 rng(12345);
  for (int trial = 0; trial < 60; ++trial) {
    const std::size_t n = std::uniform_int_distribution<std::size_t>(4, 14)(rng);
    std::vector<std::size_t> cards(n);
    for (auto& c : cards) c = std::uniform_int_distribution<std::size_t>(2, 5)(rng);
    Scopes scopes;
    for (VariableId v = 0; v < n; ++v) scopes.push_back({v});  // every variable appears somewhere
    const std::size_t m = std::uniform_int_distribution<std::size_t>(n / 2, 2 * n)(rng);
    for (std::size_t f = 0; f < m; ++f) {
      Ids all = all_ids(n);
      std::shuffle(all.begin(), all.end(), rng);
      all.resize(std::uniform_int_distribution<std::size_t>(1, 3)(rng));
      scopes.push_back(all);
    }
    // Eliminate a random subset (sometimes all).
    Ids elim = all_ids(n);
    std::shuffle(elim.begin(), elim.end(), rng);
    if (trial % 2 == 1) elim.resize(std::uniform_int_distribution<std::size_t>(1, n)(rng));

    const auto best = EliminationOrder::find(scopes, cards, elim, EliminationHeuristic::automatic);
    expect_permutation_of(best.order(), elim);
    for (auto h : kConcrete) {
      const auto o = EliminationOrder::find(scopes, cards, elim, h);
      expect_permutation_of(o.order(), elim);
      // The reported figures agree with an independent simulation of that order.
      const Cost c = simulate(scopes, cards, o.order());
      EXPECT_EQ(o.induced_width(), c.width) << to_string(h);
      EXPECT_DOUBLE_EQ(o.max_clique_size(), c.max_clique) << to_string(h);
      EXPECT_NEAR(o.total_cost(), c.total, 1e-9 * c.total) << to_string(h);
      ASSERT_EQ(o.cliques().size(), o.order().size());
      for (std::size_t i = 0; i < o.order().size(); ++i)
        EXPECT_NE(std::find(o.cliques()[i].begin(), o.cliques()[i].end(), o.order()[i]), o.cliques()[i].end());
      EXPECT_LE(best.total_cost(), o.total_cost()) << "automatic is dearer than " << to_string(h);
    }
    // evaluate() on the automatic order reproduces its figures.
    const auto again = EliminationOrder::evaluate(scopes, cards, best.order());
    EXPECT_EQ(again.induced_width(), best.induced_width());
    EXPECT_DOUBLE_EQ(again.total_cost(), best.total_cost());
  }
}

}  // namespace
}  // namespace pgm
