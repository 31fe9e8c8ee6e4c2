#include <pgm/inference/elimination_order.hpp>
#include <pgm/inference/junction_tree.hpp>

#include "support/random_models.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
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

// ---- Scaling: incremental scores and the heap ------------------------------------------------

// The greedy heuristics as first written: every step rescans every candidate and recomputes its
// score from scratch on std::set adjacency; ties go to the smaller clique, then the lowest id.
Ids reference_greedy(const Scopes& scopes, const std::vector<std::size_t>& cards, const Ids& eliminate,
                     EliminationHeuristic h) {
  const std::size_t n = cards.size();
  std::vector<std::set<VariableId>> adj(n);
  for (const auto& s : scopes)
    for (VariableId a : s)
      for (VariableId b : s)
        if (a != b) adj[a].insert(b);
  std::vector<bool> todo(n, false);
  for (VariableId v : eliminate) todo[v] = true;
  Ids order;
  for (std::size_t step = 0; step < eliminate.size(); ++step) {
    VariableId best = 0;
    double best_score = 0, best_size = 0;
    bool found = false;
    for (VariableId v = 0; v < n; ++v) {
      if (!todo[v]) continue;
      const Ids nb(adj[v].begin(), adj[v].end());
      double score = 0, size = static_cast<double>(cards[v]);
      for (VariableId u : nb) size *= static_cast<double>(cards[u]);
      if (h == EliminationHeuristic::min_degree) score = static_cast<double>(nb.size());
      for (std::size_t i = 0; h != EliminationHeuristic::min_degree && i < nb.size(); ++i)
        for (std::size_t j = i + 1; j < nb.size(); ++j)
          if (!adj[nb[i]].count(nb[j]))
            score += h == EliminationHeuristic::weighted_min_fill ? double(cards[nb[i]]) * double(cards[nb[j]]) : 1.0;
      if (!found || score < best_score || (score == best_score && size < best_size)) {
        best = v;
        best_score = score;
        best_size = size;
        found = true;
      }
    }
    const Ids nb(adj[best].begin(), adj[best].end());
    for (VariableId a : nb) {
      adj[a].erase(best);
      for (VariableId b : nb)
        if (a != b) adj[a].insert(b);
    }
    adj[best].clear();
    todo[best] = false;
    order.push_back(best);
  }
  return order;
}

TEST(EliminationOrder, IncrementalScoresGiveTheOrdersOfARescanningReference) {
  // The incremental fill updates and the heap must choose exactly what rescanning would, on random
  // graphs with dense spots (scopes up to 5 variables), unit cardinalities and partial elimination.
  std::mt19937_64 rng(2024);
  for (int trial = 0; trial < 400; ++trial) {
    const std::size_t n = 2 + rng() % 40;
    std::vector<std::size_t> cards(n);
    for (auto& c : cards) c = 1 + rng() % 4;
    Scopes scopes;
    const std::size_t m = rng() % (2 * n + 1);
    for (std::size_t f = 0; f < m; ++f) {
      Ids s;
      const std::size_t k = 1 + rng() % 5;
      for (std::size_t j = 0; j < k; ++j) s.push_back(static_cast<VariableId>(rng() % n));
      std::sort(s.begin(), s.end());
      s.erase(std::unique(s.begin(), s.end()), s.end());
      scopes.push_back(s);
    }
    Ids elim = all_ids(n);
    std::shuffle(elim.begin(), elim.end(), rng);
    if (trial % 3 == 1) elim.resize(rng() % (n + 1));
    for (auto h : kConcrete) {
      const auto o = EliminationOrder::find(scopes, cards, elim, h);
      ASSERT_EQ(o.order(), reference_greedy(scopes, cards, elim, h)) << "trial " << trial << " " << to_string(h);
    }
  }
}

double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

TEST(EliminationOrder, HundredThousandVariablesAreOrderedInNearLinearTime) {
  // 10^5 binary variables as a chain (a CPT {i-1, i} each), independent (unary factors only) and a
  // star (every variable with the hub 0): each has width 1 (0 when independent), and the cliques
  // are n-1 pairs and one singleton (independent: n singletons). Rescanning all candidates per
  // step took minutes here; the whole test must take seconds, not minutes.
  const std::size_t n = 100000;
  const std::vector<std::size_t> cards(n, 2);
  const Ids elim = all_ids(n);
  Scopes chain_s{{0}}, indep_s, star_s{{0}};
  for (VariableId v = 0; v < n; ++v) indep_s.push_back({v});
  for (VariableId v = 1; v < n; ++v) {
    chain_s.push_back({v - 1, v});
    star_s.push_back({0, v});
  }
  const double t0 = cpu_seconds();
  for (auto h : kAll) {
    const auto c = EliminationOrder::find(chain_s, cards, elim, h);
    EXPECT_EQ(c.induced_width(), 1u) << to_string(h);
    EXPECT_EQ(c.total_cost(), 4.0 * (n - 1) + 2) << to_string(h);
    EXPECT_EQ(c.tree_cost(), 4.0 * (n - 1)) << to_string(h);
    const auto s = EliminationOrder::find(star_s, cards, elim, h);
    EXPECT_EQ(s.induced_width(), 1u) << to_string(h);
    EXPECT_EQ(s.total_cost(), 4.0 * (n - 1) + 2) << to_string(h);
    // The hub waits until one leaf is left (then the two tie and the lower id goes first).
    EXPECT_GE(std::find(s.order().begin(), s.order().end(), 0u) - s.order().begin(), static_cast<long>(n - 2)) << to_string(h);
    const auto i = EliminationOrder::find(indep_s, cards, elim, h);
    EXPECT_EQ(i.induced_width(), 0u) << to_string(h);
    EXPECT_EQ(i.total_cost(), 2.0 * n) << to_string(h);
    EXPECT_EQ(i.tree_cost(), 2.0 * n) << to_string(h);
  }
  EXPECT_LT(cpu_seconds() - t0, 20.0) << "ordering 10^5 sparse variables should take well under a second per run";
}

// Sum of the tables of the cliques that are maximal (in no other clique), by brute force.
double maximal_clique_total(const EliminationOrder& o, const std::vector<std::size_t>& cards) {
  double t = 0;
  const auto& cl = o.cliques();
  for (std::size_t i = 0; i < cl.size(); ++i) {
    bool inside = false;
    for (std::size_t j = 0; j < cl.size() && !inside; ++j)
      inside = j != i && cl[j].size() > cl[i].size() && std::includes(cl[j].begin(), cl[j].end(), cl[i].begin(), cl[i].end());
    if (inside) continue;
    double s = 1;
    for (VariableId v : cl[i]) s *= static_cast<double>(cards[v]);
    t += s;
  }
  return t;
}

TEST(EliminationOrder, TreeCostCountsOnlyMaximalCliques) {
  // Chain 0 - 1 - 2 with 2, 3, 4 states in the order 0, 1, 2: cliques {0,1} (6), {1,2} (12), {2}
  // (4, inside {1,2}): total 22, tree 18.
  const std::vector<std::size_t> cards{2, 3, 4};
  const auto o = EliminationOrder::evaluate(chain(3), cards, {0, 1, 2});
  EXPECT_EQ(o.total_cost(), 22.0);
  EXPECT_EQ(o.tree_cost(), 18.0);
  // On random networks: the brute-force figure, and the junction tree's own total clique size.
  std::mt19937_64 rng(77);
  for (int trial = 0; trial < 40; ++trial) {
    const BayesianNetwork bn = testing::random_bayesian_network(rng, {.nodes = 4 + static_cast<std::size_t>(trial % 9)});
    Scopes scopes;
    for (const auto& f : bn.cpts()) scopes.push_back(f.variables());
    const auto cards = bn.variables().cardinalities();
    for (auto h : kAll) {
      const auto e = EliminationOrder::find(scopes, cards, all_ids(bn.size()), h);
      EXPECT_EQ(e.tree_cost(), maximal_clique_total(e, cards)) << "trial " << trial << " " << to_string(h);
    }
    JunctionTreeOptions jo;
    jo.triangulation_restarts.effort = 0;
    const JunctionTree jt(bn, jo);
    EXPECT_EQ(static_cast<double>(jt.total_clique_size()), jt.elimination_order().tree_cost()) << "trial " << trial;
  }
}

// 40 variables, each with up to two random earlier "parents" (the moral graph of a random DAG
// with CPTs of up to 3 variables), 2-4 states: a graph where random tie-breaking pays.
struct RandomDag {
  Scopes scopes;
  std::vector<std::size_t> cards;
};
RandomDag random_dag(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  RandomDag d;
  const std::size_t n = 40;
  d.cards.resize(n);
  for (auto& c : d.cards) c = 2 + rng() % 3;
  for (VariableId v = 0; v < n; ++v) {
    Ids s{v};
    for (int k = 0; k < 2 && v > 0; ++k) s.push_back(static_cast<VariableId>(rng() % v));
    d.scopes.push_back(s);
  }
  return d;
}

TEST(EliminationOrder, RandomisedRestartsFindACheaperTreeDeterministically) {
  const RandomDag d = random_dag(7);
  const Ids all = all_ids(d.cards.size());
  const auto plain = EliminationOrder::find(d.scopes, d.cards, all);
  RestartBudget budget;
  budget.effort = 1e9;  // work is not the limit here: 16 restarts
  budget.patience = 16;
  budget.max_restarts = 16;
  const auto a = EliminationOrder::find_with_restarts(d.scopes, d.cards, all, budget, 1);
  const auto b = EliminationOrder::find_with_restarts(d.scopes, d.cards, all, budget, 1);
  EXPECT_EQ(a.order(), b.order()) << "same inputs and seed, same order";
  expect_permutation_of(a.order(), all);
  // The costs, derived by re-evaluating each order and by brute force over its cliques.
  const auto ea = EliminationOrder::evaluate(d.scopes, d.cards, a.order());
  const auto ep = EliminationOrder::evaluate(d.scopes, d.cards, plain.order());
  EXPECT_EQ(ea.tree_cost(), maximal_clique_total(ea, d.cards));
  EXPECT_EQ(ep.tree_cost(), maximal_clique_total(ep, d.cards));
  EXPECT_LT(ea.tree_cost(), ep.tree_cost()) << "restarts found no cheaper tree";
  EXPECT_EQ(a.tree_cost(), ea.tree_cost());
  // improve_with_restarts from the plain order does the same restarts.
  const auto c = EliminationOrder::improve_with_restarts(plain, d.scopes, d.cards, all, budget, 1);
  EXPECT_EQ(c.order(), a.order());
}

TEST(EliminationOrder, RestartsNeverWorsenAndStopWithinTheirBudget) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const RandomDag d = random_dag(seed);
    const Ids all = all_ids(d.cards.size());
    const auto plain = EliminationOrder::find(d.scopes, d.cards, all);
    // No budget: the heuristic's order itself.
    RestartBudget none;
    none.effort = 0;
    EXPECT_EQ(EliminationOrder::find_with_restarts(d.scopes, d.cards, all, none).order(), plain.order());
    none = {};
    none.max_restarts = 0;
    EXPECT_EQ(EliminationOrder::find_with_restarts(d.scopes, d.cards, all, none).order(), plain.order());
    // A budget smaller than one run (work of a run >= its number of variables) allows none.
    RestartBudget tiny;
    tiny.effort = 0.5 * static_cast<double>(all.size()) / plain.tree_cost();
    EXPECT_EQ(EliminationOrder::find_with_restarts(d.scopes, d.cards, all, tiny).order(), plain.order());
    RestartBudget some;
    some.effort = 1e9;
    const auto r = EliminationOrder::find_with_restarts(d.scopes, d.cards, all, some, seed);
    EXPECT_LE(r.tree_cost(), plain.tree_cost()) << "seed " << seed;
  }
}

// Constrained orders (MAP): every variable of the first stage before any of the second, and the
// figures those of the order evaluated on its own (fill-in of the first stage seen by the second).
TEST(EliminationOrderStaged, FirstStageFirstAndFiguresMatchEvaluate) {
  std::mt19937_64 rng(41);
  for (int trial = 0; trial < 40; ++trial) {
    const std::size_t n = 6 + rng() % 10;
    Scopes scopes;
    for (std::size_t f = 0; f < n + rng() % n; ++f) {
      std::set<VariableId> s;
      for (std::size_t k = 0; k < 1 + rng() % 3; ++k) s.insert(static_cast<VariableId>(rng() % n));
      scopes.emplace_back(s.begin(), s.end());
    }
    std::vector<std::size_t> cards(n);
    for (auto& c : cards) c = 2 + rng() % 3;
    std::vector<Ids> stages(2);
    std::set<VariableId> seen;
    for (const auto& sc : scopes) seen.insert(sc.begin(), sc.end());
    for (VariableId v : seen) stages[rng() % 2].push_back(v);
    for (EliminationHeuristic h : kAll) {
      const auto o = EliminationOrder::find_staged(scopes, cards, stages, h);
      ASSERT_EQ(o.order().size(), seen.size());
      for (std::size_t i = 0; i < o.order().size(); ++i) {
        const bool first = std::find(stages[0].begin(), stages[0].end(), o.order()[i]) != stages[0].end();
        EXPECT_EQ(first, i < stages[0].size()) << "position " << i;
      }
      const auto e = EliminationOrder::evaluate(scopes, cards, o.order());
      EXPECT_EQ(e.cliques(), o.cliques());
      EXPECT_EQ(e.max_clique_size(), o.max_clique_size());
      EXPECT_EQ(e.induced_width(), o.induced_width());
    }
  }
}

// A star: the hub summed out first joins all its leaves (width = leaves); free, it goes last.
TEST(EliminationOrderStaged, StarHubFirstJoinsTheLeaves) {
  Scopes scopes;
  for (VariableId leaf = 1; leaf <= 6; ++leaf) scopes.push_back({0, leaf});
  const std::vector<std::size_t> cards(7, 2);
  const std::vector<Ids> stages{{0}, {1, 2, 3, 4, 5, 6}};
  const auto o = EliminationOrder::find_staged(scopes, cards, stages);
  EXPECT_EQ(o.order().front(), 0u);
  EXPECT_EQ(o.induced_width(), 6u);
  EXPECT_EQ(o.max_clique_size(), 128.0);
  EXPECT_EQ(EliminationOrder::find(scopes, cards, all_ids(7)).induced_width(), 1u);
}

}  // namespace
}  // namespace pgm
