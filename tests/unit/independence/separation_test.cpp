// Separation in undirected graphs against union-find connectivity, and Markov blankets checked
// against their definition (they separate a node from everything else, and minimally so).
#include <pgm/core/error.hpp>
#include <pgm/independence/markov_blanket.hpp>
#include <pgm/independence/separation.hpp>
#include <pgm/io/load.hpp>
#include <pgm/model/bayesian_network.hpp>
#include <pgm/model/markov_network.hpp>

#include "unit/independence/graph_oracle.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace pgm {
namespace {

using testing::independence::moral_ancestral_separated;
using testing::independence::random_dag;
using testing::independence::random_sets;
using testing::independence::random_undirected;
using testing::independence::union_find_separated;
using V = std::vector<VariableId>;
using Names = std::vector<std::string>;

bool contains(const V& set, VariableId v) { return std::find(set.begin(), set.end(), v) != set.end(); }

template <class T>
T load_as(const std::string& file) {
  ModelVariant m = io::load_model(std::string(PGM_SOURCE_DIR) + "/models/" + file);
  return std::get<T>(std::move(m));
}

TEST(Separation, AgreesWithUnionFindOnRandomGraphs) {
  std::mt19937_64 rng(99);
  std::size_t dependent = 0, queries = 0;
  for (int graph = 0; graph < 60; ++graph) {
    const std::size_t n = std::uniform_int_distribution<std::size_t>(4, 30)(rng);
    const UndirectedGraph g = random_undirected(rng, n, std::min(1.0, 2.0 / static_cast<double>(n - 1)));
    for (int q = 0; q < 10; ++q, ++queries) {
      const auto s = random_sets(rng, n, 3, 3, 5);
      const bool expected = union_find_separated(g, s.x, s.y, s.z);
      const StructuralIndependence got = separation(g, s.x, s.y, s.z);
      ASSERT_EQ(got.independent, expected);
      EXPECT_EQ(separated(g, s.x, s.y, s.z), expected);
      if (expected) {
        EXPECT_TRUE(got.trail.empty());
        continue;
      }
      ++dependent;
      ASSERT_FALSE(got.trail.empty());
      EXPECT_TRUE(contains(s.x, got.trail.front()));
      EXPECT_TRUE(contains(s.y, got.trail.back()));
      EXPECT_EQ(std::set<VariableId>(got.trail.begin(), got.trail.end()).size(), got.trail.size());
      for (std::size_t i = 0; i < got.trail.size(); ++i) {
        EXPECT_FALSE(contains(s.z, got.trail[i]));
        if (i > 0) {
          EXPECT_TRUE(g.has_edge(got.trail[i - 1], got.trail[i]));
        }
      }
    }
    // separated_from against pairwise connectivity.
    const auto s = random_sets(rng, n, 2, 1, 4);
    const std::vector<bool> mask = separated_from(g, s.x, s.z);
    for (VariableId w = 0; w < n; ++w) {
      const bool outside = !contains(s.x, w) && !contains(s.z, w);
      EXPECT_EQ(mask[w], outside && union_find_separated(g, s.x, {w}, s.z)) << w;
    }
  }
  EXPECT_GT(dependent, queries / 5);
  EXPECT_LT(dependent, queries * 4 / 5);
}

TEST(Separation, MisconceptionLoop) {
  // A - B - C - D - A: opposite corners are separated by the other two, not by one.
  const auto mn = load_as<MarkovNetwork>("misconception.yaml");
  EXPECT_TRUE(separation(mn, Names{"A"}, Names{"C"}, Names{"B", "D"}).independent);
  EXPECT_TRUE(separation(mn, Names{"B"}, Names{"D"}, Names{"A", "C"}).independent);
  const auto r = separation(mn, Names{"A"}, Names{"C"}, Names{"B"});
  ASSERT_FALSE(r.independent);
  EXPECT_EQ(r.trail, (V{mn.id("A"), mn.id("D"), mn.id("C")}));
  EXPECT_THROW((void)separation(mn, Names{"A"}, Names{"E"}, Names{}), QueryError);
  EXPECT_THROW((void)separation(mn, Names{"A"}, Names{"C"}, Names{"A"}), QueryError);
  EXPECT_THROW((void)separation(mn, Names{}, Names{"C"}, Names{}), QueryError);
}

TEST(MarkovBlanket, Textbook) {
  const auto bn = load_as<BayesianNetwork>("sprinkler.yaml");
  auto blanket = [&](const char* node) {
    std::set<std::string> names;
    for (VariableId v : markov_blanket(bn, node)) names.insert(bn.variable(v).name);
    return names;
  };
  using S = std::set<std::string>;
  EXPECT_EQ(blanket("Sprinkler"), (S{"Season", "WetGrass", "Rain"}));  // parent, child, child's other parent
  EXPECT_EQ(blanket("Season"), (S{"Sprinkler", "Rain"}));
  EXPECT_EQ(blanket("WetGrass"), (S{"Sprinkler", "Rain", "Slippery"}));
  EXPECT_EQ(blanket("Slippery"), (S{"WetGrass"}));
  EXPECT_THROW((void)markov_blanket(bn, "wetgrass"), QueryError);

  const auto mn = load_as<MarkovNetwork>("misconception.yaml");
  EXPECT_EQ(markov_blanket(mn, "A"), (V{mn.id("B"), mn.id("D")}));
  EXPECT_THROW((void)markov_blanket(mn.graph(), 4), QueryError);
}

TEST(MarkovBlanket, SeparatesTheNodeMinimallyInRandomDags) {
  std::mt19937_64 rng(5);
  for (int graph = 0; graph < 40; ++graph) {
    const std::size_t n = std::uniform_int_distribution<std::size_t>(3, 18)(rng);
    const Dag dag = random_dag(rng, n, 0.3);
    for (VariableId v = 0; v < n; ++v) {
      const V mb = markov_blanket(dag, v);
      EXPECT_TRUE(std::is_sorted(mb.begin(), mb.end()));
      EXPECT_FALSE(contains(mb, v));
      V rest;
      for (VariableId u = 0; u < n; ++u) {
        if (u != v && !contains(mb, u)) rest.push_back(u);
      }
      if (!rest.empty()) {
        EXPECT_TRUE(moral_ancestral_separated(dag, {v}, rest, mb)) << "node " << v;
      }
      // Minimal: no member can be dropped (each is adjacent, or a co-parent of an observed child).
      for (VariableId b : mb) {
        V others;
        for (VariableId u : mb) {
          if (u != b) others.push_back(u);
        }
        EXPECT_FALSE(moral_ancestral_separated(dag, {v}, {b}, others)) << "node " << v << " member " << b;
      }
    }
  }
}

TEST(MarkovBlanket, NeighboursInUndirectedGraphs) {
  std::mt19937_64 rng(6);
  const UndirectedGraph g = random_undirected(rng, 15, 0.25);
  for (VariableId v = 0; v < 15; ++v) {
    const V mb = markov_blanket(g, v);
    for (VariableId u = 0; u < 15; ++u) EXPECT_EQ(contains(mb, u), g.has_edge(u, v));
  }
}

}  // namespace
}  // namespace pgm
