#pragma once
// The Markov blanket of a node: the smallest set that makes it independent of everything else.
// In a DAG, parents, children and the children's other parents; in an undirected graph, the
// neighbours.
#include <pgm/core/variable.hpp>
#include <pgm/graph/dag.hpp>
#include <pgm/graph/undirected_graph.hpp>

#include <string_view>
#include <vector>

namespace pgm {

class BayesianNetwork;
class MarkovNetwork;

// Sorted by id, the node itself excluded. QueryError when the id is out of range.
[[nodiscard]] std::vector<VariableId> markov_blanket(const Dag& dag, VariableId node);
[[nodiscard]] std::vector<VariableId> markov_blanket(const UndirectedGraph& graph, VariableId node);

// By name; QueryError listing the valid names when unknown.
[[nodiscard]] std::vector<VariableId> markov_blanket(const BayesianNetwork& bn, std::string_view node);
[[nodiscard]] std::vector<VariableId> markov_blanket(const MarkovNetwork& mn, std::string_view node);

}  // namespace pgm
