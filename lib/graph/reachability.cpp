#include <pgm/graph/reachability.hpp>

#include <pgm/core/error.hpp>

#include "graph/detail/sets.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace pgm {
namespace {

using detail::Mask;
using detail::mask_of;

constexpr std::uint32_t kNoState = std::numeric_limits<std::uint32_t>::max();

// Bayes-ball states: 2v + kUp means "v entered from a child" (or v is a start node), 2v + kDown
// means "v entered from a parent". A trail can pass v from a child to anywhere when v is
// unobserved; from a parent it can continue down when v is unobserved, and turn back up (a
// v-structure) only when v is observed or has an observed descendant.
constexpr std::uint32_t kUp = 0;
constexpr std::uint32_t kDown = 1;

// Z and its ancestors.
Mask ancestors_of(const Dag& dag, std::span<const VariableId> z) {
  Mask anc(dag.num_nodes(), 0);
  std::vector<VariableId> stack(z.begin(), z.end());
  for (VariableId v : z) anc[v] = 1;
  while (!stack.empty()) {
    const VariableId v = stack.back();
    stack.pop_back();
    for (VariableId p : dag.parents(v)) {
      if (!anc[p]) {
        anc[p] = 1;
        stack.push_back(p);
      }
    }
  }
  return anc;
}

struct Walk {
  Mask reached;                       // nodes on some active trail from X (Z excluded)
  std::uint32_t hit = kNoState;       // state at which the first node of Y was reached
  std::vector<std::uint32_t> from;    // predecessor state, when a trail was asked for
};

// Koller & Friedman, Algorithm 3.1, as a breadth-first search over (node, direction) states, so
// each state is expanded once: O(nodes + edges). With `y`, stops at the first node of Y reached and
// keeps predecessors so the (shortest, hence simple) trail can be read back.
Walk bayes_ball(const Dag& dag, std::span<const VariableId> x, std::span<const VariableId> z, const Mask* y) {
  const std::size_t n = dag.num_nodes();
  const Mask in_z = mask_of(n, z);
  const Mask anc = ancestors_of(dag, z);
  Walk walk;
  walk.reached.assign(n, 0);
  if (y != nullptr) walk.from.assign(2 * n, kNoState);
  Mask seen(2 * n, 0);
  std::vector<std::uint32_t> queue;
  queue.reserve(2 * n);
  for (VariableId v : x) {
    const std::uint32_t s = 2 * v + kUp;
    if (!seen[s]) {
      seen[s] = 1;
      queue.push_back(s);
    }
  }
  for (std::size_t head = 0; head < queue.size(); ++head) {
    const std::uint32_t s = queue[head];
    const VariableId v = s / 2;
    const bool observed = in_z[v] != 0;
    auto visit = [&](VariableId w, std::uint32_t direction) {
      const std::uint32_t t = 2 * w + direction;
      if (!seen[t]) {
        seen[t] = 1;
        if (y != nullptr) walk.from[t] = s;
        queue.push_back(t);
      }
    };
    if (!observed) {
      walk.reached[v] = 1;
      if (y != nullptr && (*y)[v]) {
        walk.hit = s;
        break;
      }
    }
    if (s % 2 == kUp) {
      if (observed) continue;
      for (VariableId p : dag.parents(v)) visit(p, kUp);
      for (VariableId c : dag.children(v)) visit(c, kDown);
    } else {
      if (!observed) {
        for (VariableId c : dag.children(v)) visit(c, kDown);
      }
      if (anc[v]) {
        for (VariableId p : dag.parents(v)) visit(p, kUp);
      }
    }
  }
  return walk;
}

std::vector<VariableId> read_trail(const Walk& walk) {
  std::vector<VariableId> trail;
  for (std::uint32_t s = walk.hit; s != kNoState; s = walk.from[s]) trail.push_back(s / 2);
  std::reverse(trail.begin(), trail.end());
  return trail;
}

void check_nonempty_disjoint(std::size_t n, std::span<const VariableId> x, std::span<const VariableId> z) {
  if (x.empty()) throw QueryError("X is empty: name at least one variable to test");
  detail::check_ids(n, x, "X");
  detail::check_ids(n, z, "Z");
  detail::check_disjoint(n, x, "X", z, "the conditioning set Z");
}

}  // namespace

void check_independence_query(std::size_t num_nodes, std::span<const VariableId> x, std::span<const VariableId> y,
                              std::span<const VariableId> z) {
  if (x.empty()) throw QueryError("X is empty: name at least one variable on each side of the test");
  if (y.empty()) throw QueryError("Y is empty: name at least one variable on each side of the test");
  detail::check_ids(num_nodes, x, "X");
  detail::check_ids(num_nodes, y, "Y");
  detail::check_ids(num_nodes, z, "Z");
  detail::check_disjoint(num_nodes, x, "X", y, "Y");
  detail::check_disjoint(num_nodes, x, "X", z, "the conditioning set Z");
  detail::check_disjoint(num_nodes, y, "Y", z, "the conditioning set Z");
}

StructuralIndependence d_separation(const Dag& dag, std::span<const VariableId> x, std::span<const VariableId> y,
                                    std::span<const VariableId> z) {
  check_independence_query(dag.num_nodes(), x, y, z);
  const Mask in_y = mask_of(dag.num_nodes(), y);
  const Walk walk = bayes_ball(dag, x, z, &in_y);
  if (walk.hit == kNoState) return {true, {}};
  return {false, read_trail(walk)};
}

bool d_separated(const Dag& dag, std::span<const VariableId> x, std::span<const VariableId> y,
                 std::span<const VariableId> z) {
  return d_separation(dag, x, y, z).independent;
}

std::vector<bool> reachable(const Dag& dag, std::span<const VariableId> x, std::span<const VariableId> z) {
  check_nonempty_disjoint(dag.num_nodes(), x, z);
  const Walk walk = bayes_ball(dag, x, z, nullptr);
  return std::vector<bool>(walk.reached.begin(), walk.reached.end());
}

std::vector<bool> d_separated_from(const Dag& dag, std::span<const VariableId> x, std::span<const VariableId> z) {
  check_nonempty_disjoint(dag.num_nodes(), x, z);
  const Walk walk = bayes_ball(dag, x, z, nullptr);
  const Mask in_z = mask_of(dag.num_nodes(), z);
  std::vector<bool> result(dag.num_nodes());
  for (std::size_t v = 0; v < result.size(); ++v) result[v] = !walk.reached[v] && !in_z[v];
  return result;
}

std::vector<VariableId> d_separated_from_list(const Dag& dag, std::span<const VariableId> x,
                                              std::span<const VariableId> z) {
  const std::vector<bool> mask = d_separated_from(dag, x, z);
  std::vector<VariableId> nodes;
  for (std::size_t v = 0; v < mask.size(); ++v) {
    if (mask[v]) nodes.push_back(static_cast<VariableId>(v));
  }
  return nodes;
}

// Shachter (1998), "Bayes-Ball: The Rational Pastime", section 4: a ball sent from the targets as if
// from a child. Marking the top (parents scheduled) or bottom (children scheduled) of a node at most
// once bounds the work by O(nodes + edges). Top-marked nodes are the requisite CPTs; visited
// observed nodes the requisite observations.
Requisite requisite(const Dag& dag, std::span<const VariableId> targets, std::span<const VariableId> evidence) {
  const std::size_t n = dag.num_nodes();
  if (targets.empty()) throw QueryError("no targets: name at least one variable to query");
  detail::check_ids(n, targets, "targets");
  detail::check_ids(n, evidence, "evidence");
  const Mask observed = mask_of(n, evidence);
  Mask top(n, 0), bottom(n, 0), visited(n, 0);
  std::vector<std::uint32_t> queue;  // 2v + kUp: from a child; 2v + kDown: from a parent
  queue.reserve(2 * n);
  for (VariableId t : targets) queue.push_back(2 * t + kUp);
  for (std::size_t head = 0; head < queue.size(); ++head) {
    const VariableId v = queue[head] / 2;
    const bool from_child = queue[head] % 2 == kUp;
    visited[v] = 1;
    const bool pass_up = from_child ? !observed[v] : observed[v] != 0;
    const bool pass_down = !observed[v];
    if (pass_up && !top[v]) {
      top[v] = 1;
      for (VariableId p : dag.parents(v)) queue.push_back(2 * p + kUp);
    }
    if (pass_down && !bottom[v]) {
      bottom[v] = 1;
      for (VariableId c : dag.children(v)) queue.push_back(2 * c + kDown);
    }
  }
  Requisite result;
  result.cpts.resize(n);
  result.observations.resize(n);
  for (std::size_t v = 0; v < n; ++v) {
    result.cpts[v] = top[v] != 0;
    result.observations[v] = observed[v] && visited[v];
  }
  return result;
}

std::vector<LocalIndependence> local_independencies(const Dag& dag) {
  const std::size_t n = dag.num_nodes();
  std::vector<LocalIndependence> result;
  result.reserve(n);
  Mask excluded(n, 0);
  std::vector<VariableId> stack;
  for (VariableId v = 0; v < n; ++v) {
    std::fill(excluded.begin(), excluded.end(), 0);
    excluded[v] = 1;
    stack.assign(1, v);
    while (!stack.empty()) {
      const VariableId u = stack.back();
      stack.pop_back();
      for (VariableId c : dag.children(u)) {
        if (!excluded[c]) {
          excluded[c] = 1;
          stack.push_back(c);
        }
      }
    }
    LocalIndependence li{v, {}, {dag.parents(v).begin(), dag.parents(v).end()}};
    for (VariableId p : li.parents) excluded[p] = 1;
    for (VariableId u = 0; u < n; ++u) {
      if (!excluded[u]) li.non_descendants.push_back(u);
    }
    result.push_back(std::move(li));
  }
  return result;
}

}  // namespace pgm
