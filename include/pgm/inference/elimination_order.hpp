#pragma once
// Elimination orders for exact inference, chosen by greedy heuristics on the interaction graph.
// Ordering is a stage of its own (as in GTSAM): it sees only scopes and cardinalities, never numbers.
#include <pgm/core/variable.hpp>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace pgm {

// How much randomised restarting find_with_restarts() may do, counted in work so that the same
// input gives the same order on any machine. A greedy run's work is one unit per variable plus the
// squared size of each clique it forms (the adjacency tests of forming it).
struct RestartBudget {
  // Restarts may spend up to `effort` times the best order's tree_cost() in work: what one
  // calibration costs, and so the most a better order could save per use of the tree. A work unit
  // costs about as much as eight table entries of a calibration, so the default allows about four
  // calibrations' time; on most networks `patience` ends the search long before.
  double effort = 0.5;
  // Stop after this many restarts in a row that do not lower the cost, and after max_restarts.
  unsigned patience = 64;
  unsigned max_restarts = 1024;
};

enum class EliminationHeuristic {
  min_degree,         // fewest neighbours
  min_fill,           // fewest fill-in edges
  weighted_min_fill,  // fill-in edges weighted by the product of the endpoints' cardinalities
  automatic,          // run all of the above and keep the cheapest by estimated cost
};

[[nodiscard]] std::string_view to_string(EliminationHeuristic h);

class EliminationOrder {
 public:
  // Orders `eliminate` (a subset of the variables appearing in `scopes`; variables in the scopes but
  // not in `eliminate` stay to the end and are never eliminated) for the factor scopes given.
  // `cardinalities` is indexed by VariableId.
  [[nodiscard]] static EliminationOrder find(std::span<const std::vector<VariableId>> scopes,
                                             std::span<const std::size_t> cardinalities,
                                             std::span<const VariableId> eliminate,
                                             EliminationHeuristic heuristic = EliminationHeuristic::automatic);
  // As find(), breaking ties between equally scored variables at random when seed != 0.
  [[nodiscard]] static EliminationOrder find(std::span<const std::vector<VariableId>> scopes,
                                             std::span<const std::size_t> cardinalities,
                                             std::span<const VariableId> eliminate, EliminationHeuristic heuristic,
                                             std::uint64_t seed);

  // Starts from find() (automatic), then runs min-fill and weighted min-fill alternately with
  // random tie-breaking (from `seed`), keeping an order when it lowers tree_cost() (then
  // total_cost()), until the budget is spent. Deterministic: the same inputs and seed give the
  // same order on any machine.
  [[nodiscard]] static EliminationOrder find_with_restarts(std::span<const std::vector<VariableId>> scopes,
                                                           std::span<const std::size_t> cardinalities,
                                                           std::span<const VariableId> eliminate,
                                                           const RestartBudget& budget = {}, std::uint64_t seed = 1);
  // The same restarts from an order already found (find()'s automatic order for these inputs), so
  // a caller that has one does not pay for it twice.
  [[nodiscard]] static EliminationOrder improve_with_restarts(EliminationOrder start,
                                                              std::span<const std::vector<VariableId>> scopes,
                                                              std::span<const std::size_t> cardinalities,
                                                              std::span<const VariableId> eliminate,
                                                              const RestartBudget& budget = {}, std::uint64_t seed = 1);

  // A constrained order: every variable of stages[0] (greedily ordered among themselves), then every
  // variable of stages[1] on the graph the first stage left (its fill-in included), and so on. MAP
  // needs one: the non-targets are summed out before any target is maximised, since max and sum do
  // not commute. The stages are disjoint subsets of the variables in `scopes`; the rest stay.
  [[nodiscard]] static EliminationOrder find_staged(std::span<const std::vector<VariableId>> scopes,
                                                    std::span<const std::size_t> cardinalities,
                                                    std::span<const std::vector<VariableId>> stages,
                                                    EliminationHeuristic heuristic = EliminationHeuristic::automatic);

  // Evaluates a given order on the same inputs (for user-supplied orders and tests).
  [[nodiscard]] static EliminationOrder evaluate(std::span<const std::vector<VariableId>> scopes,
                                                 std::span<const std::size_t> cardinalities,
                                                 std::vector<VariableId> order,
                                                 EliminationHeuristic heuristic = EliminationHeuristic::min_fill);

  [[nodiscard]] const std::vector<VariableId>& order() const noexcept { return order_; }
  // Largest clique size minus one over the elimination (treewidth of this triangulation).
  [[nodiscard]] std::size_t induced_width() const noexcept { return width_; }
  // Largest clique table (product of cardinalities), and the sum over all cliques formed: the
  // estimated cost used to compare heuristics. Saturates at the largest double.
  [[nodiscard]] double max_clique_size() const noexcept { return max_clique_; }
  [[nodiscard]] double total_cost() const noexcept { return total_cost_; }
  // The sum over the maximal cliques only: the total table size of the junction tree this order
  // gives (non-maximal elimination cliques are absorbed into a superset). Saturates likewise.
  [[nodiscard]] double tree_cost() const noexcept { return tree_cost_; }
  [[nodiscard]] EliminationHeuristic heuristic() const noexcept { return heuristic_; }
  // The clique formed when eliminating order()[i]: that variable and its neighbours at that time.
  [[nodiscard]] const std::vector<std::vector<VariableId>>& cliques() const noexcept { return cliques_; }

 private:
  std::vector<VariableId> order_;
  std::vector<std::vector<VariableId>> cliques_;
  std::size_t width_ = 0;
  double max_clique_ = 1;
  double total_cost_ = 0;
  double tree_cost_ = 0;
  EliminationHeuristic heuristic_ = EliminationHeuristic::automatic;
};

}  // namespace pgm
