#pragma once
// A directed acyclic graph over variable ids 0..n-1, held in a Boost.Graph adjacency list behind a
// pimpl so no Boost type reaches users. Parents and children are also mirrored as sorted arrays so
// graph walks such as Bayes-ball run in linear time without allocating per visit.
#include <pgm/core/variable.hpp>

#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace pgm {

class Dag {
 public:
  explicit Dag(std::size_t num_nodes = 0);
  Dag(const Dag& other);
  Dag& operator=(const Dag& other);
  Dag(Dag&&) noexcept;
  Dag& operator=(Dag&&) noexcept;
  ~Dag();

  // Adds u -> v (ignored if present). Does not check acyclicity: call find_cycle().
  void add_edge(VariableId u, VariableId v);

  [[nodiscard]] std::size_t num_nodes() const noexcept;
  [[nodiscard]] std::size_t num_edges() const noexcept;
  [[nodiscard]] bool has_edge(VariableId u, VariableId v) const;
  // In increasing id order.
  [[nodiscard]] std::span<const VariableId> parents(VariableId v) const;
  [[nodiscard]] std::span<const VariableId> children(VariableId v) const;
  [[nodiscard]] std::vector<std::pair<VariableId, VariableId>> edges() const;

  // A directed cycle as v0 -> v1 -> ... -> v0 (first node repeated at the end), or nullopt.
  [[nodiscard]] std::optional<std::vector<VariableId>> find_cycle() const;
  // Parents before children; ModelError if the graph has a cycle.
  [[nodiscard]] std::vector<VariableId> topological_order() const;
  // The given nodes and all their ancestors, as a membership mask.
  [[nodiscard]] std::vector<bool> ancestral_mask(std::span<const VariableId> nodes) const;
  // Descendants of v, v excluded, as a membership mask.
  [[nodiscard]] std::vector<bool> descendant_mask(VariableId v) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pgm
