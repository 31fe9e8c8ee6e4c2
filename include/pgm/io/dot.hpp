#pragma once
// Graphviz DOT output of a model's graph (write-only): a digraph for a Bayesian network, an undirected
// graph for a Markov network. Node ids are the variable names, double-quoted and escaped.
#include <pgm/model/bayesian_network.hpp>
#include <pgm/model/markov_network.hpp>

#include <string>

namespace pgm::io {

[[nodiscard]] std::string write_dot(const BayesianNetwork& bn);
[[nodiscard]] std::string write_dot(const MarkovNetwork& mn);

}  // namespace pgm::io
