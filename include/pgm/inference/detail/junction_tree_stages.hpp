#pragma once
// The stages of junction-tree construction, each a function of the previous one's value (as GTSAM
// separates ordering, elimination and the resulting tree):
//   order (elimination_order.hpp) → tree_from_order → merge_non_maximal → rooted (post-order,
//   separators) → measure + check_memory → place_factors → tables and calibration (JunctionTree).
// Internal: JunctionTree is the public interface; these are exposed for its tests.
#include <pgm/core/variable.hpp>
#include <pgm/inference/elimination_order.hpp>

#include <cstddef>
#include <span>
#include <vector>

namespace pgm::detail {

// A forest of cliques. parent[i] == cliques.size() marks a root (one per connected component).
struct CliqueForest {
  std::vector<std::vector<VariableId>> cliques;  // each sorted
  std::vector<std::size_t> parent;
  // Per elimination step i (order().order()[i]): the clique that holds its elimination clique.
  std::vector<std::size_t> of_step;
};

// The elimination cliques as a tree: the clique of step i hangs under the clique of the first
// variable of C(i) \ {v_i} eliminated after it (running intersection holds by construction).
[[nodiscard]] CliqueForest tree_from_order(const EliminationOrder& order, std::size_t num_variables);

// Non-maximal cliques merged into a superset neighbour: C(i) \ {v_i} ⊆ C(parent), so a parent is
// non-maximal exactly when it is contained in its child, which then takes its place. The cliques
// keep their relative order; of_step follows the merges.
[[nodiscard]] CliqueForest merge_non_maximal(CliqueForest tree);

// Post-order (children before parents) and each clique's separator with its parent (empty for a
// root), with what a message drops on the way up (clique \ separator) and down (parent \ separator).
struct RootedForest {
  std::vector<std::size_t> postorder;
  std::vector<std::vector<VariableId>> separators, drop_up, drop_down;
};
[[nodiscard]] RootedForest root_forest(const CliqueForest& tree);

// Table sizes before anything is allocated: clique entries, treewidth, and the bytes one
// calibration uses (initial + calibrated clique tables, two separator tables per edge).
struct TreeSize {
  double entries = 0;
  double bytes = 0;
  std::size_t treewidth = 0;
};
[[nodiscard]] TreeSize measure(const CliqueForest& tree, const RootedForest& rooted,
                               std::span<const std::size_t> cardinalities);
// LimitError naming the figure (MiB, treewidth, entries) and the limit when size.bytes exceeds it.
void check_memory(const TreeSize& size, std::size_t max_memory_bytes);

// Each scope to the clique of its first-eliminated variable, which contains it (family
// preservation); cliques.size() for an empty scope. `scopes` are sorted, over eliminated variables.
[[nodiscard]] std::vector<std::size_t> place_factors(std::span<const std::vector<VariableId>> scopes,
                                                     const EliminationOrder& order, const CliqueForest& tree,
                                                     std::size_t num_variables);

}  // namespace pgm::detail
