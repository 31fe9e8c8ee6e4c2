#pragma once
// A small fixed network for the evidence harnesses to resolve names against: named states (as in
// YAML/BIF) and variables named by index (as read from UAI, which .evid files refer to).
#include <pgm/io/yaml.hpp>

#include <variant>

namespace pgm::fuzz {

inline const BayesianNetwork& fixed_model() {
  static const BayesianNetwork bn = std::get<BayesianNetwork>(io::read_yaml_string(R"(
type: bayesian-network
variables:
  Rain: [no, yes]
  Sprinkler: [off, on]
  "0": ["0", "1"]
  "1": ["0", "1", "2"]
cpds:
  Rain: {probabilities: [0.2, 0.8]}
  Sprinkler:
    parents: [Rain]
    probabilities: {no: [0.6, 0.4], yes: [0.99, 0.01]}
  "0": {probabilities: [0.5, 0.5]}
  "1":
    parents: ["0"]
    probabilities: {"0": [0.2, 0.3, 0.5], "1": [0.1, 0.1, 0.8]}
)",
                                                                                  "fixed.yaml"));
  return bn;
}

}  // namespace pgm::fuzz
