#include <pgm/independence/separation.hpp>

#include <pgm/core/error.hpp>
#include <pgm/model/markov_network.hpp>

#include "independence/detail/sets.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace pgm {
namespace {

using detail::Mask;
using detail::mask_of;

constexpr VariableId kNoNode = std::numeric_limits<VariableId>::max();

struct Search {
  Mask reached;
  VariableId hit = kNoNode;
  std::vector<VariableId> from;
};

// Breadth-first search from X that never enters Z; with `y`, stops at the first node of Y and keeps
// predecessors for the (shortest) witness path.
Search search(const UndirectedGraph& graph, std::span<const VariableId> x, std::span<const VariableId> z,
              const Mask* y) {
  const std::size_t n = graph.num_nodes();
  Search s;
  s.reached = mask_of(n, z);  // Z is marked so it is never entered; unmarked below
  if (y != nullptr) s.from.assign(n, kNoNode);
  std::vector<VariableId> queue;
  queue.reserve(n);
  for (VariableId v : x) {
    if (!s.reached[v]) {
      s.reached[v] = 1;
      queue.push_back(v);
    }
  }
  for (std::size_t head = 0; head < queue.size(); ++head) {
    const VariableId v = queue[head];
    if (y != nullptr && (*y)[v]) {
      s.hit = v;
      break;
    }
    for (VariableId w : graph.neighbours(v)) {
      if (!s.reached[w]) {
        s.reached[w] = 1;
        if (y != nullptr) s.from[w] = v;
        queue.push_back(w);
      }
    }
  }
  for (VariableId v : z) s.reached[v] = 0;
  return s;
}

}  // namespace

StructuralIndependence separation(const UndirectedGraph& graph, std::span<const VariableId> x,
                                  std::span<const VariableId> y, std::span<const VariableId> z) {
  check_independence_query(graph.num_nodes(), x, y, z);
  const Mask in_y = mask_of(graph.num_nodes(), y);
  const Search s = search(graph, x, z, &in_y);
  if (s.hit == kNoNode) return {true, {}};
  std::vector<VariableId> trail;
  for (VariableId v = s.hit; v != kNoNode; v = s.from[v]) trail.push_back(v);
  std::reverse(trail.begin(), trail.end());
  return {false, std::move(trail)};
}

bool separated(const UndirectedGraph& graph, std::span<const VariableId> x, std::span<const VariableId> y,
               std::span<const VariableId> z) {
  return separation(graph, x, y, z).independent;
}

std::vector<bool> separated_from(const UndirectedGraph& graph, std::span<const VariableId> x,
                                 std::span<const VariableId> z) {
  const std::size_t n = graph.num_nodes();
  if (x.empty()) throw QueryError("X is empty: name at least one variable to test");
  detail::check_ids(n, x, "X");
  detail::check_ids(n, z, "Z");
  detail::check_disjoint(n, x, "X", z, "the conditioning set Z");
  const Search s = search(graph, x, z, nullptr);
  const Mask in_z = mask_of(n, z);
  std::vector<bool> result(n);
  for (std::size_t v = 0; v < n; ++v) result[v] = !s.reached[v] && !in_z[v];
  return result;
}

StructuralIndependence separation(const MarkovNetwork& mn, std::span<const std::string> x,
                                  std::span<const std::string> y, std::span<const std::string> z) {
  const IndependenceQuery q = resolve_independence_query(mn.variables(), x, y, z);
  return separation(mn.graph(), q.x, q.y, q.z);
}

}  // namespace pgm
