// The stages of junction-tree construction, each on its own: the tree from an elimination order,
// merging of non-maximal cliques, rooting, the memory check and factor placement. Properties are
// checked from their definitions on random models (running intersection, family preservation,
// maximality), sizes against hand counts.
#include <pgm/core/error.hpp>
#include <pgm/inference/detail/junction_tree_stages.hpp>
#include <pgm/inference/junction_tree.hpp>

#include "support/random_models.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace pgm {
namespace {

using detail::CliqueForest;

bool subset(const std::vector<VariableId>& a, const std::vector<VariableId>& b) {
  return std::includes(b.begin(), b.end(), a.begin(), a.end());
}

// Running intersection: the cliques holding v are connected in the forest, i.e. they number one
// more than the tree edges between two of them.
void expect_running_intersection(const CliqueForest& t, std::size_t n, const std::string& what) {
  const std::size_t k = t.cliques.size();
  for (VariableId v = 0; v < n; ++v) {
    std::size_t holding = 0, edges = 0;
    for (std::size_t c = 0; c < k; ++c) {
      const bool in = std::binary_search(t.cliques[c].begin(), t.cliques[c].end(), v);
      holding += in;
      if (in && t.parent[c] < k && std::binary_search(t.cliques[t.parent[c]].begin(), t.cliques[t.parent[c]].end(), v))
        ++edges;
    }
    if (holding > 0) {
      EXPECT_EQ(holding, edges + 1) << what << ": cliques holding variable " << v << " are not connected";
    }
  }
}

void expect_forest(const CliqueForest& t, const std::string& what) {
  const std::size_t k = t.cliques.size();
  // Following parents from any clique reaches a root within k steps (no cycle).
  for (std::size_t c = 0; c < k; ++c) {
    std::size_t x = c, steps = 0;
    while (x < k && steps <= k) {
      x = t.parent[x];
      ++steps;
    }
    EXPECT_EQ(x, k) << what << ": clique " << c << " never reaches a root";
  }
}

struct Scopes {
  std::vector<std::vector<VariableId>> scopes;
  std::vector<std::size_t> cards;
  std::vector<VariableId> eliminate;  // the unobserved variables
};

// The factor scopes with the observed variables removed, as JunctionTree sees them for a pattern.
Scopes scopes_of(const VariableSet& vars, const std::vector<Factor>& factors, const std::vector<bool>& observed) {
  Scopes s;
  s.cards = vars.cardinalities();
  for (const auto& f : factors) {
    auto& sc = s.scopes.emplace_back();
    for (VariableId v : f.variables())
      if (!observed[v]) sc.push_back(v);
  }
  for (VariableId v = 0; v < vars.size(); ++v)
    if (!observed[v]) s.eliminate.push_back(v);
  return s;
}

void check_stages(const VariableSet& vars, const std::vector<Factor>& factors, std::mt19937_64& rng,
                  const std::string& what) {
  const std::size_t n = vars.size();
  std::vector<bool> observed(n, false);
  for (std::size_t i = rng() % 3; i-- > 0;) observed[rng() % n] = true;
  const Scopes s = scopes_of(vars, factors, observed);
  const auto heuristic = static_cast<EliminationHeuristic>(rng() % 2);  // first two heuristics
  const EliminationOrder order = EliminationOrder::find(s.scopes, s.cards, s.eliminate, heuristic);

  const CliqueForest raw = detail::tree_from_order(order, n);
  ASSERT_EQ(raw.cliques.size(), order.order().size()) << what;
  for (std::size_t i = 0; i < raw.cliques.size(); ++i)
    EXPECT_TRUE(std::binary_search(raw.cliques[i].begin(), raw.cliques[i].end(), order.order()[i])) << what;
  expect_forest(raw, what + " (elimination tree)");
  expect_running_intersection(raw, n, what + " (elimination tree)");

  const CliqueForest tree = detail::merge_non_maximal(raw);
  expect_forest(tree, what);
  expect_running_intersection(tree, n, what);
  for (std::size_t a = 0; a < tree.cliques.size(); ++a)
    for (std::size_t b = 0; b < tree.cliques.size(); ++b)
      if (a != b) {
        EXPECT_FALSE(subset(tree.cliques[a], tree.cliques[b])) << what << ": clique " << a << " is inside " << b;
      }
  // Merging loses nothing: every elimination clique lies inside the clique it went to.
  ASSERT_EQ(tree.of_step.size(), raw.cliques.size());
  for (std::size_t i = 0; i < raw.cliques.size(); ++i) EXPECT_TRUE(subset(raw.cliques[i], tree.cliques[tree.of_step[i]])) << what;

  // Family preservation: each factor's scope inside the clique it is placed in.
  const auto at = detail::place_factors(s.scopes, order, tree, n);
  ASSERT_EQ(at.size(), s.scopes.size());
  for (std::size_t f = 0; f < s.scopes.size(); ++f) {
    if (s.scopes[f].empty()) {
      EXPECT_EQ(at[f], tree.cliques.size());
      continue;
    }
    ASSERT_LT(at[f], tree.cliques.size()) << what;
    EXPECT_TRUE(subset(s.scopes[f], tree.cliques[at[f]])) << what << ": factor " << f;
  }

  // Rooting: children before parents, separators the intersections with the parent.
  const auto rooted = detail::root_forest(tree);
  const std::size_t k = tree.cliques.size();
  ASSERT_EQ(rooted.postorder.size(), k);
  std::vector<std::size_t> rank(k);
  for (std::size_t i = 0; i < k; ++i) rank[rooted.postorder[i]] = i;
  for (std::size_t c = 0; c < k; ++c) {
    if (tree.parent[c] == k) {
      EXPECT_TRUE(rooted.separators[c].empty());
      continue;
    }
    EXPECT_LT(rank[c], rank[tree.parent[c]]);
    for (VariableId v : rooted.separators[c]) {
      EXPECT_TRUE(std::binary_search(tree.cliques[c].begin(), tree.cliques[c].end(), v));
      EXPECT_TRUE(std::binary_search(tree.cliques[tree.parent[c]].begin(), tree.cliques[tree.parent[c]].end(), v));
    }
    EXPECT_EQ(rooted.separators[c].size() + rooted.drop_up[c].size(), tree.cliques[c].size());
    EXPECT_EQ(rooted.separators[c].size() + rooted.drop_down[c].size(), tree.cliques[tree.parent[c]].size());
  }
}

TEST(JunctionTreeStages, RandomBayesianNetworks) {
  std::mt19937_64 rng(1201);
  for (int net = 0; net < 150; ++net) {
    const auto bn = testing::random_bayesian_network(rng, {3 + rng() % 20});
    check_stages(bn.variables(), bn.cpts(), rng, "bn " + std::to_string(net));
  }
}

TEST(JunctionTreeStages, RandomMarkovNetworks) {
  std::mt19937_64 rng(1202);
  for (int net = 0; net < 150; ++net) {
    testing::RandomMarkovSpec spec{3 + rng() % 15, 2 + rng() % 12};
    const auto mn = testing::random_markov_network(rng, spec);
    check_stages(mn.variables(), mn.factors(), rng, "mn " + std::to_string(net));
  }
}

// Chain A - B - C (binary) eliminated A, B, C: elimination cliques {A,B}, {B,C}, {C}; {C} is merged
// into {B,C}. Tables: 4 + 4 entries; bytes 8 (2·4 + 2·2) for the child (separator {B}) and
// 8 (2·4 + 2·1) for the root (an empty separator is one entry): 96 + 80 = 176.
TEST(JunctionTreeStages, ChainByHand) {
  const std::vector<std::vector<VariableId>> scopes = {{0, 1}, {1, 2}};
  const std::vector<std::size_t> cards = {2, 2, 2};
  const auto order = EliminationOrder::evaluate(scopes, cards, {0, 1, 2});
  const auto raw = detail::tree_from_order(order, 3);
  ASSERT_EQ(raw.cliques.size(), 3u);
  EXPECT_EQ(raw.parent, (std::vector<std::size_t>{1, 2, 3}));
  const auto tree = detail::merge_non_maximal(raw);
  ASSERT_EQ(tree.cliques.size(), 2u);
  EXPECT_EQ(tree.cliques[0], (std::vector<VariableId>{0, 1}));
  EXPECT_EQ(tree.cliques[1], (std::vector<VariableId>{1, 2}));
  EXPECT_EQ(tree.parent, (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(tree.of_step, (std::vector<std::size_t>{0, 1, 1}));
  const auto rooted = detail::root_forest(tree);
  EXPECT_EQ(rooted.separators[0], (std::vector<VariableId>{1}));
  const auto size = detail::measure(tree, rooted, cards);
  EXPECT_EQ(size.entries, 8.0);
  EXPECT_EQ(size.bytes, 176.0);
  EXPECT_EQ(size.treewidth, 1u);
  EXPECT_NO_THROW(detail::check_memory(size, 176));
  try {
    detail::check_memory(size, 175);
    ADD_FAILURE() << "175 bytes accepted for 176";
  } catch (const LimitError& e) {
    EXPECT_NE(std::string(e.what()).find("treewidth 1, 8 clique entries"), std::string::npos) << e.what();
  }
}

TEST(JunctionTreeStages, MemoryCheckRefusesWithTheFigure) {
  detail::TreeSize size;
  size.entries = 1000;
  size.bytes = 3.0 * (1 << 20);
  size.treewidth = 4;
  try {
    detail::check_memory(size, std::size_t{1} << 20);
    ADD_FAILURE() << "3 MiB accepted under a 1 MiB limit";
  } catch (const LimitError& e) {
    EXPECT_EQ(std::string(e.what()),
              "the junction tree needs 3 MiB of tables (treewidth 4, 1e+03 clique entries), over the limit of 1 MiB; "
              "raise the memory limit, or use variable elimination for single queries");
  }
  EXPECT_NO_THROW(detail::check_memory(size, 3u << 20));
}

// The whole tree refuses exactly above its own figure: bytes counted here from its cliques.
TEST(JunctionTreeStages, TreeRefusesJustBelowItsTableBytes) {
  std::mt19937_64 rng(1203);
  for (int net = 0; net < 20; ++net) {
    const auto bn = testing::random_bayesian_network(rng, {5 + rng() % 10});
    const JunctionTree tree(bn);
    const std::size_t k = tree.num_cliques();
    double bytes = 0;
    for (std::size_t c = 0; c < k; ++c) {
      double s = 1, sep = 1;
      for (VariableId v : tree.clique(c)) s *= static_cast<double>(bn.variables()[v].cardinality());
      if (tree.parent(c) < k)
        for (VariableId v : tree.clique(c))
          if (std::binary_search(tree.clique(tree.parent(c)).begin(), tree.clique(tree.parent(c)).end(), v))
            sep *= static_cast<double>(bn.variables()[v].cardinality());
      bytes += 8 * (2 * s + 2 * sep);
    }
    EXPECT_EQ(static_cast<double>(tree.table_bytes()), bytes);
    JunctionTreeOptions o;
    o.max_memory_bytes = static_cast<std::size_t>(bytes);
    EXPECT_NO_THROW(JunctionTree(bn, o));
    o.max_memory_bytes = static_cast<std::size_t>(bytes) - 1;
    EXPECT_THROW(JunctionTree(bn, o), LimitError);
  }
}

}  // namespace
}  // namespace pgm
