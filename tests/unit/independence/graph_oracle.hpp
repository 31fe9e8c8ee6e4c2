#pragma once
// Test-only helpers for the independence tests: seeded random graphs and reference criteria written
// from their textbook definitions, sharing no code with lib/independence.
#include <pgm/graph/dag.hpp>
#include <pgm/graph/undirected_graph.hpp>

#include <algorithm>
#include <numeric>
#include <random>
#include <set>
#include <vector>

namespace pgm::testing::independence {

// A random DAG on n nodes: a random topological order (not the id order), each ordered pair joined
// with probability p.
inline Dag random_dag(std::mt19937_64& rng, std::size_t n, double p) {
  std::vector<VariableId> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  std::bernoulli_distribution edge(p);
  Dag dag(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      if (edge(rng)) dag.add_edge(order[i], order[j]);
    }
  }
  return dag;
}

inline UndirectedGraph random_undirected(std::mt19937_64& rng, std::size_t n, double p) {
  std::bernoulli_distribution edge(p);
  UndirectedGraph g(n);
  for (VariableId i = 0; i < n; ++i) {
    for (VariableId j = i + 1; j < n; ++j) {
      if (edge(rng)) g.add_edge(i, j);
    }
  }
  return g;
}

// Disjoint random sets X, Y (non-empty) and Z of the given maximum sizes, n >= 2.
struct Sets {
  std::vector<VariableId> x, y, z;
};
inline Sets random_sets(std::mt19937_64& rng, std::size_t n, std::size_t max_x, std::size_t max_y, std::size_t max_z) {
  std::vector<VariableId> nodes(n);
  std::iota(nodes.begin(), nodes.end(), 0);
  std::shuffle(nodes.begin(), nodes.end(), rng);
  auto pick = [&](std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(rng); };
  Sets s;
  const std::size_t nx = pick(1, std::min(max_x, n - 1));
  const std::size_t ny = pick(1, std::min(max_y, n - nx));
  const std::size_t nz = pick(0, std::min(max_z, n - nx - ny));
  s.x.assign(nodes.begin(), nodes.begin() + static_cast<long>(nx));
  s.y.assign(nodes.begin() + static_cast<long>(nx), nodes.begin() + static_cast<long>(nx + ny));
  s.z.assign(nodes.begin() + static_cast<long>(nx + ny), nodes.begin() + static_cast<long>(nx + ny + nz));
  return s;
}

// Lauritzen's criterion (Koller & Friedman, Theorem 4.9 / Proposition 3.x): X ⟂ Y | Z in a DAG iff X
// and Y are separated by Z in the moral graph of the ancestral set of X ∪ Y ∪ Z.
inline bool moral_ancestral_separated(const Dag& dag, const std::vector<VariableId>& x,
                                      const std::vector<VariableId>& y, const std::vector<VariableId>& z) {
  const std::size_t n = dag.num_nodes();
  // Ancestral set by repeated relaxation over the edge list (deliberately not a graph walk).
  std::vector<bool> keep(n, false);
  for (const auto* set : {&x, &y, &z}) {
    for (VariableId v : *set) keep[v] = true;
  }
  const auto edges = dag.edges();
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& [u, v] : edges) {
      if (keep[v] && !keep[u]) keep[u] = changed = true;
    }
  }
  // Moral graph of the ancestral subgraph as adjacency sets.
  std::vector<std::set<VariableId>> adj(n);
  std::vector<std::vector<VariableId>> parents(n);
  for (const auto& [u, v] : edges) {
    if (keep[u] && keep[v]) {
      adj[u].insert(v);
      adj[v].insert(u);
      parents[v].push_back(u);
    }
  }
  for (const auto& ps : parents) {
    for (VariableId a : ps) {
      for (VariableId b : ps) {
        if (a != b) adj[a].insert(b);
      }
    }
  }
  // Depth-first search from X avoiding Z.
  std::vector<bool> blocked(n, false), seen(n, false);
  for (VariableId v : z) blocked[v] = true;
  std::vector<VariableId> stack(x.begin(), x.end());
  for (VariableId v : x) seen[v] = true;
  while (!stack.empty()) {
    const VariableId v = stack.back();
    stack.pop_back();
    for (VariableId w : adj[v]) {
      if (!seen[w] && !blocked[w]) {
        seen[w] = true;
        stack.push_back(w);
      }
    }
  }
  return std::none_of(y.begin(), y.end(), [&](VariableId v) { return seen[v]; });
}

// Connectivity after deleting Z, by union-find over the edges (a different algorithm from search).
inline bool union_find_separated(const UndirectedGraph& g, const std::vector<VariableId>& x,
                                 const std::vector<VariableId>& y, const std::vector<VariableId>& z) {
  std::vector<VariableId> root(g.num_nodes());
  std::iota(root.begin(), root.end(), 0);
  auto find = [&](VariableId v) {
    while (root[v] != v) v = root[v] = root[root[v]];
    return v;
  };
  std::vector<bool> removed(g.num_nodes(), false);
  for (VariableId v : z) removed[v] = true;
  for (const auto& [u, v] : g.edges()) {
    if (!removed[u] && !removed[v]) root[find(u)] = find(v);
  }
  for (VariableId a : x) {
    for (VariableId b : y) {
      if (find(a) == find(b)) return false;
    }
  }
  return true;
}

// Descendants of v (v excluded) by the edge list.
inline std::vector<bool> descendants(const Dag& dag, VariableId v) {
  std::vector<bool> d(dag.num_nodes(), false);
  d[v] = true;
  const auto edges = dag.edges();
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& [a, b] : edges) {
      if (d[a] && !d[b]) d[b] = changed = true;
    }
  }
  d[v] = false;
  return d;
}

// The definition of an active trail given Z (Koller & Friedman, Definition 3.6): consecutive nodes
// adjacent, no repeated node; at a v-structure a → m ← b, m or one of its descendants is in Z; every
// other node on the trail is not in Z. Returns an empty string when valid, else what is wrong.
inline std::string check_active_trail(const Dag& dag, const std::vector<VariableId>& trail,
                                      const std::vector<VariableId>& z) {
  if (trail.empty()) return "empty trail";
  std::set<VariableId> distinct(trail.begin(), trail.end());
  if (distinct.size() != trail.size()) return "a node repeats";
  const std::set<VariableId> in_z(z.begin(), z.end());
  for (std::size_t i = 0; i + 1 < trail.size(); ++i) {
    if (!dag.has_edge(trail[i], trail[i + 1]) && !dag.has_edge(trail[i + 1], trail[i])) {
      return "no edge between consecutive nodes " + std::to_string(trail[i]) + ", " + std::to_string(trail[i + 1]);
    }
  }
  if (in_z.count(trail.front()) || in_z.count(trail.back())) return "an end of the trail is observed";
  for (std::size_t i = 1; i + 1 < trail.size(); ++i) {
    const VariableId m = trail[i];
    const bool collider = dag.has_edge(trail[i - 1], m) && dag.has_edge(trail[i + 1], m);
    if (collider) {
      bool activated = in_z.count(m) > 0;
      const auto d = descendants(dag, m);
      for (VariableId w : z) activated = activated || d[w];
      if (!activated) return "collider " + std::to_string(m) + " with no observed descendant";
    } else if (in_z.count(m)) {
      return "observed non-collider " + std::to_string(m);
    }
  }
  return {};
}

}  // namespace pgm::testing::independence
