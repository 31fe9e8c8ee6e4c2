#pragma once
// Umbrella header for users; the library's own files include what they use.
#include <pgm/core/error.hpp>
#include <pgm/core/factor.hpp>
#include <pgm/core/variable.hpp>
#include <pgm/gaussian/canonical_form.hpp>
#include <pgm/gaussian/gaussian.hpp>
#include <pgm/gaussian/linear_gaussian_network.hpp>
#include <pgm/graph/dag.hpp>
#include <pgm/graph/undirected_graph.hpp>
#include <pgm/inference/elimination_order.hpp>
#include <pgm/inference/forward_sampling.hpp>
#include <pgm/inference/junction_tree.hpp>
#include <pgm/inference/variable_elimination.hpp>
#include <pgm/io/load.hpp>
#include <pgm/io/yaml.hpp>
#include <pgm/model/bayesian_network.hpp>
#include <pgm/model/markov_network.hpp>
