#pragma once
// Separation in an undirected graph (Markov networks): X and Y are separated by Z when every path
// from X to Y passes through Z. Breadth-first search that never enters Z, O(nodes + edges).
#include <pgm/core/variable.hpp>
#include <pgm/graph/undirected_graph.hpp>
#include <pgm/independence/d_separation.hpp>

#include <span>
#include <string>
#include <vector>

namespace pgm {

class MarkovNetwork;

// X ⟂ Y | Z in the undirected graph. When not separated, `trail` is a shortest path from a node of
// X to a node of Y avoiding Z. QueryError as check_independence_query().
[[nodiscard]] StructuralIndependence separation(const UndirectedGraph& graph, std::span<const VariableId> x,
                                                std::span<const VariableId> y, std::span<const VariableId> z);
[[nodiscard]] bool separated(const UndirectedGraph& graph, std::span<const VariableId> x,
                             std::span<const VariableId> y, std::span<const VariableId> z);

// Nodes outside X and Z not connected to X once Z is removed, as a mask.
[[nodiscard]] std::vector<bool> separated_from(const UndirectedGraph& graph, std::span<const VariableId> x,
                                               std::span<const VariableId> z);

// Name-based convenience; QueryError for unknown names, overlapping sets, empty X or Y.
[[nodiscard]] StructuralIndependence separation(const MarkovNetwork& mn, std::span<const std::string> x,
                                                std::span<const std::string> y, std::span<const std::string> z);

}  // namespace pgm
