#pragma once
// The YAML model format (see models/README.md for the schema). Types: bayesian-network,
// markov-network, gaussian, linear-gaussian.
#include <pgm/io/load.hpp>

#include <string>

namespace pgm::io {

// Parses YAML text; `filename` is used in error messages only.
[[nodiscard]] ModelVariant read_yaml_string(const std::string& text, const std::string& filename,
                                     const LoadOptions& options = {});
[[nodiscard]] ModelVariant read_yaml_file(const std::string& path, const LoadOptions& options = {});

[[nodiscard]] std::string write_yaml(const BayesianNetwork& bn);
[[nodiscard]] std::string write_yaml(const MarkovNetwork& mn);

}  // namespace pgm::io
