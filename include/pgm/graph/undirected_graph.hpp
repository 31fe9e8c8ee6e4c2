#pragma once
// An undirected graph over variable ids 0..n-1 (Markov networks, moral and triangulated graphs), held
// in a Boost.Graph adjacency list behind a pimpl. Neighbour lists are also kept as sorted arrays.
#include <pgm/graph/dag.hpp>

#include <memory>
#include <span>
#include <utility>
#include <vector>

namespace pgm {

class UndirectedGraph {
 public:
  explicit UndirectedGraph(std::size_t num_nodes = 0);
  UndirectedGraph(const UndirectedGraph& other);
  UndirectedGraph& operator=(const UndirectedGraph& other);
  UndirectedGraph(UndirectedGraph&&) noexcept;
  UndirectedGraph& operator=(UndirectedGraph&&) noexcept;
  ~UndirectedGraph();

  // Adds u - v (ignored if present or u == v).
  void add_edge(VariableId u, VariableId v);
  // Connects every pair of the given nodes.
  void add_clique(std::span<const VariableId> nodes);

  [[nodiscard]] std::size_t num_nodes() const noexcept;
  [[nodiscard]] std::size_t num_edges() const noexcept;
  [[nodiscard]] bool has_edge(VariableId u, VariableId v) const;
  // In increasing id order.
  [[nodiscard]] std::span<const VariableId> neighbours(VariableId v) const;
  [[nodiscard]] std::vector<std::pair<VariableId, VariableId>> edges() const;  // u < v
  [[nodiscard]] bool is_clique(std::span<const VariableId> nodes) const;
  // Component index per node, and the number of components.
  [[nodiscard]] std::pair<std::vector<std::size_t>, std::size_t> connected_components() const;

  // The moral graph of a DAG: parents married, directions dropped.
  [[nodiscard]] static UndirectedGraph moralize(const Dag& dag);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pgm
