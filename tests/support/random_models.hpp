#pragma once
// Seeded random discrete models for property tests (VE vs enumeration, engine cross-checks).
// Everything here reads only the model accessors (parents, cpt_table), never pgm's inference code.
#include <pgm/core/variable.hpp>
#include <pgm/model/bayesian_network.hpp>
#include <pgm/model/markov_network.hpp>

#include <cstddef>
#include <random>
#include <vector>

namespace pgm::testing {

struct RandomNetworkSpec {
  std::size_t nodes;
  std::size_t max_states = 4;
  std::size_t min_states = 2;
  std::size_t max_parents = 3;
  // Chance that a CPT entry is set to exactly 0 (each column keeps at least one positive entry).
  double zero_probability = 0.1;
};

// A random DAG with a random topological order that is NOT the id order (so parents can have higher
// ids than their children) and parents listed in random order. Names "V0".."Vn-1", states "s0"...
[[nodiscard]] BayesianNetwork random_bayesian_network(std::mt19937_64& rng, const RandomNetworkSpec& spec);

struct RandomMarkovSpec {
  std::size_t nodes;
  std::size_t factors;  // in addition to one factor per otherwise uncovered variable
  std::size_t max_states = 3;
  std::size_t min_states = 2;
  std::size_t max_scope = 3;
  // Chance that a factor entry is exactly 0 (each factor keeps at least one positive entry).
  double zero_probability = 0.1;
};

// Random factors over random scopes (given in random order); every variable is in some factor.
// Values are in (0, 10] or exactly 0.
[[nodiscard]] MarkovNetwork random_markov_network(std::mt19937_64& rng, const RandomMarkovSpec& spec);

// A full assignment drawn by ancestral sampling from the CPT tables (state index per variable id).
[[nodiscard]] std::vector<std::size_t> forward_sample(const BayesianNetwork& bn, std::mt19937_64& rng);

// Evidence on `count` distinct random variables (clamped to the network size), their states taken
// from one forward sample, so P(evidence) > 0. Sorted by id.
[[nodiscard]] Evidence forward_sample_evidence(const BayesianNetwork& bn, std::mt19937_64& rng, std::size_t count);

// `count` distinct random variables with uniformly random states (may have probability zero).
[[nodiscard]] Evidence random_evidence(const VariableSet& vars, std::mt19937_64& rng, std::size_t count);

}  // namespace pgm::testing
