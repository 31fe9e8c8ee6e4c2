#include <pgm/core/error.hpp>
#include <pgm/graph/dag.hpp>
#include <pgm/graph/undirected_graph.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

namespace pgm {
namespace {

using Ids = std::vector<VariableId>;

Ids to_vec(std::span<const VariableId> s) { return {s.begin(), s.end()}; }

// The sprinkler DAG: 0 Season -> 1 Sprinkler, 0 -> 2 Rain, 1 -> 3 WetGrass, 2 -> 3, 3 -> 4 Slippery.
Dag sprinkler() {
  Dag g(5);
  g.add_edge(0, 1);
  g.add_edge(0, 2);
  g.add_edge(2, 3);
  g.add_edge(1, 3);
  g.add_edge(3, 4);
  return g;
}

TEST(Dag, EdgesParentsChildren) {
  Dag g = sprinkler();
  g.add_edge(0, 1);  // present: ignored
  EXPECT_EQ(g.num_nodes(), 5u);
  EXPECT_EQ(g.num_edges(), 5u);
  EXPECT_TRUE(g.has_edge(0, 1));
  EXPECT_FALSE(g.has_edge(1, 0));
  EXPECT_EQ(to_vec(g.parents(3)), (Ids{1, 2}));  // sorted even though 2 -> 3 was added first
  EXPECT_EQ(to_vec(g.children(0)), (Ids{1, 2}));
  EXPECT_TRUE(g.parents(0).empty());
  EXPECT_TRUE(g.children(4).empty());
  auto e = g.edges();
  std::sort(e.begin(), e.end());
  const std::vector<std::pair<VariableId, VariableId>> expected{{0, 1}, {0, 2}, {1, 3}, {2, 3}, {3, 4}};
  EXPECT_EQ(e, expected);
}

TEST(Dag, CopiesAreDeep) {
  const Dag g = sprinkler();
  Dag h = g;
  h.add_edge(4, 0);
  EXPECT_EQ(g.num_edges(), 5u);
  EXPECT_EQ(h.num_edges(), 6u);
  Dag moved = std::move(h);
  EXPECT_EQ(moved.num_edges(), 6u);
}

void expect_valid_cycle(const Dag& g, const Ids& cycle) {
  ASSERT_GE(cycle.size(), 2u);
  EXPECT_EQ(cycle.front(), cycle.back());
  for (std::size_t i = 0; i + 1 < cycle.size(); ++i)
    EXPECT_TRUE(g.has_edge(cycle[i], cycle[i + 1])) << cycle[i] << " -> " << cycle[i + 1];
  const std::set<VariableId> distinct(cycle.begin(), cycle.end() - 1);
  EXPECT_EQ(distinct.size(), cycle.size() - 1) << "a simple cycle repeats only its first node";
}

TEST(Dag, FindCycleGivesAWitness) {
  EXPECT_EQ(sprinkler().find_cycle(), std::nullopt);
  Dag g = sprinkler();
  g.add_edge(4, 1);  // 1 -> 3 -> 4 -> 1
  const auto cycle = g.find_cycle();
  ASSERT_TRUE(cycle.has_value());
  expect_valid_cycle(g, *cycle);
  EXPECT_EQ(cycle->size(), 4u);
  const std::set<VariableId> nodes(cycle->begin(), cycle->end());
  EXPECT_EQ(nodes, (std::set<VariableId>{1, 3, 4}));
}

TEST(Dag, FindCycleOnTwoCycleAndLongCycle) {
  Dag two(3);
  two.add_edge(0, 1);
  two.add_edge(1, 0);
  const auto c2 = two.find_cycle();
  ASSERT_TRUE(c2.has_value());
  expect_valid_cycle(two, *c2);
  EXPECT_EQ(c2->size(), 3u);

  Dag ring(10);
  for (VariableId v = 0; v < 10; ++v) ring.add_edge(v, (v + 3) % 10);  // one 10-cycle 0 3 6 9 2 5 8 1 4 7
  const auto c10 = ring.find_cycle();
  ASSERT_TRUE(c10.has_value());
  expect_valid_cycle(ring, *c10);
  EXPECT_EQ(c10->size(), 11u);
}

void expect_topological(const Dag& g, const Ids& order) {
  ASSERT_EQ(order.size(), g.num_nodes());
  std::vector<std::size_t> pos(g.num_nodes(), g.num_nodes());
  for (std::size_t i = 0; i < order.size(); ++i) {
    ASSERT_LT(order[i], g.num_nodes());
    ASSERT_EQ(pos[order[i]], g.num_nodes()) << "repeated node " << order[i];
    pos[order[i]] = i;
  }
  for (const auto& [u, v] : g.edges()) EXPECT_LT(pos[u], pos[v]) << u << " -> " << v;
}

TEST(Dag, TopologicalOrder) {
  expect_topological(sprinkler(), sprinkler().topological_order());
  // Edges against id order.
  Dag g(4);
  g.add_edge(3, 2);
  g.add_edge(2, 1);
  g.add_edge(1, 0);
  g.add_edge(3, 0);
  EXPECT_EQ(g.topological_order(), (Ids{3, 2, 1, 0}));
  Dag cyclic = g;
  cyclic.add_edge(0, 3);
  EXPECT_THROW((void)cyclic.topological_order(), ModelError);
  EXPECT_TRUE(Dag(0).topological_order().empty());
}

TEST(Dag, RandomDagsTopologicalOrderAndNoCycle) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 30; ++trial) {
    const std::size_t n = 12;
    Ids perm(n);
    for (VariableId i = 0; i < n; ++i) perm[i] = i;
    std::shuffle(perm.begin(), perm.end(), rng);
    Dag g(n);
    std::bernoulli_distribution coin(0.3);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = i + 1; j < n; ++j)
        if (coin(rng)) g.add_edge(perm[i], perm[j]);
    EXPECT_EQ(g.find_cycle(), std::nullopt);
    expect_topological(g, g.topological_order());
  }
}

TEST(Dag, AncestorsAndDescendants) {
  const Dag g = sprinkler();
  const VariableId rain[] = {2};
  EXPECT_EQ(g.ancestral_mask(rain), (std::vector<bool>{true, false, true, false, false}));
  const VariableId wet[] = {3};
  EXPECT_EQ(g.ancestral_mask(wet), (std::vector<bool>{true, true, true, true, false}));
  const VariableId none[] = {1, 2};
  EXPECT_EQ(g.ancestral_mask(none), (std::vector<bool>{true, true, true, false, false}));
  EXPECT_EQ(g.descendant_mask(0), (std::vector<bool>{false, true, true, true, true}));
  EXPECT_EQ(g.descendant_mask(2), (std::vector<bool>{false, false, false, true, true}));
  EXPECT_EQ(g.descendant_mask(4), (std::vector<bool>(5, false)));
}

TEST(UndirectedGraph, EdgesAndNeighbours) {
  UndirectedGraph g(5);
  g.add_edge(3, 1);
  g.add_edge(1, 3);  // duplicate
  g.add_edge(2, 2);  // self loop ignored
  g.add_edge(0, 1);
  EXPECT_EQ(g.num_nodes(), 5u);
  EXPECT_EQ(g.num_edges(), 2u);
  EXPECT_TRUE(g.has_edge(1, 3));
  EXPECT_TRUE(g.has_edge(3, 1));
  EXPECT_FALSE(g.has_edge(2, 2));
  EXPECT_EQ(to_vec(g.neighbours(1)), (Ids{0, 3}));
  const std::vector<std::pair<VariableId, VariableId>> expected{{0, 1}, {1, 3}};
  auto e = g.edges();
  std::sort(e.begin(), e.end());
  EXPECT_EQ(e, expected);
}

TEST(UndirectedGraph, CliquesAndCopies) {
  UndirectedGraph g(5);
  const VariableId c[] = {4, 0, 2};
  g.add_clique(c);
  EXPECT_EQ(g.num_edges(), 3u);
  EXPECT_TRUE(g.is_clique(c));
  const VariableId not_c[] = {0, 1, 2};
  EXPECT_FALSE(g.is_clique(not_c));
  const VariableId single[] = {1};
  EXPECT_TRUE(g.is_clique(single));
  UndirectedGraph h = g;
  h.add_edge(1, 3);
  EXPECT_EQ(g.num_edges(), 3u);
  EXPECT_EQ(h.num_edges(), 4u);
}

TEST(UndirectedGraph, ConnectedComponents) {
  UndirectedGraph g(7);
  g.add_edge(0, 3);
  g.add_edge(3, 5);
  g.add_edge(1, 4);
  // components: {0, 3, 5}, {1, 4}, {2}, {6}
  const auto [comp, count] = g.connected_components();
  EXPECT_EQ(count, 4u);
  ASSERT_EQ(comp.size(), 7u);
  EXPECT_EQ(comp[0], comp[3]);
  EXPECT_EQ(comp[0], comp[5]);
  EXPECT_EQ(comp[1], comp[4]);
  EXPECT_NE(comp[0], comp[1]);
  EXPECT_NE(comp[2], comp[6]);
  EXPECT_NE(comp[2], comp[0]);
  EXPECT_NE(comp[6], comp[1]);
  for (std::size_t c : comp) EXPECT_LT(c, count);
  EXPECT_EQ(UndirectedGraph(3).connected_components().second, 3u);
}

TEST(UndirectedGraph, MoralizeMarriesParents) {
  // Sprinkler: WetGrass has parents Sprinkler (1) and Rain (2): they get married.
  const UndirectedGraph m = UndirectedGraph::moralize(sprinkler());
  EXPECT_EQ(m.num_nodes(), 5u);
  EXPECT_EQ(m.num_edges(), 6u);
  EXPECT_TRUE(m.has_edge(1, 2));
  for (const auto& [u, v] : sprinkler().edges()) EXPECT_TRUE(m.has_edge(u, v));
  EXPECT_FALSE(m.has_edge(0, 3));

  // Three parents of one child: all three pairs married; a chain adds nothing.
  Dag v(4);
  v.add_edge(0, 3);
  v.add_edge(1, 3);
  v.add_edge(2, 3);
  const UndirectedGraph mv = UndirectedGraph::moralize(v);
  EXPECT_EQ(mv.num_edges(), 6u);
  const VariableId all[] = {0, 1, 2, 3};
  EXPECT_TRUE(mv.is_clique(all));
  Dag chain(3);
  chain.add_edge(0, 1);
  chain.add_edge(1, 2);
  EXPECT_EQ(UndirectedGraph::moralize(chain).num_edges(), 2u);
}

}  // namespace
}  // namespace pgm
