#include <pgm/independence/markov_blanket.hpp>

#include <pgm/model/bayesian_network.hpp>
#include <pgm/model/markov_network.hpp>

#include "independence/detail/sets.hpp"

#include <algorithm>

namespace pgm {

std::vector<VariableId> markov_blanket(const Dag& dag, VariableId node) {
  const VariableId one[] = {node};
  detail::check_ids(dag.num_nodes(), one, "the Markov blanket query");
  std::vector<VariableId> blanket(dag.parents(node).begin(), dag.parents(node).end());
  for (VariableId c : dag.children(node)) {
    blanket.push_back(c);
    for (VariableId p : dag.parents(c)) {
      if (p != node) blanket.push_back(p);
    }
  }
  std::sort(blanket.begin(), blanket.end());
  blanket.erase(std::unique(blanket.begin(), blanket.end()), blanket.end());
  return blanket;
}

std::vector<VariableId> markov_blanket(const UndirectedGraph& graph, VariableId node) {
  const VariableId one[] = {node};
  detail::check_ids(graph.num_nodes(), one, "the Markov blanket query");
  const auto nb = graph.neighbours(node);
  return {nb.begin(), nb.end()};
}

std::vector<VariableId> markov_blanket(const BayesianNetwork& bn, std::string_view node) {
  return markov_blanket(bn.graph(), bn.id(node));
}

std::vector<VariableId> markov_blanket(const MarkovNetwork& mn, std::string_view node) {
  return markov_blanket(mn.graph(), mn.id(node));
}

}  // namespace pgm
