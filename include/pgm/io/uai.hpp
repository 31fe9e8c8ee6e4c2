#pragma once
// The UAI inference-competition model format: a `BAYES` or `MARKOV` preamble (variable count,
// cardinalities, function scopes) followed by one table per function, row-major over the scope AS
// LISTED (last variable fastest). Variables are named by their index ("0", "1", ...) and states by
// theirs. In a BAYES file the last variable of each scope is the child and the others its parents.
#include <pgm/io/load.hpp>

#include <string>

namespace pgm::io {

// BayesianNetwork for BAYES, MarkovNetwork for MARKOV. ParseError with file and line otherwise.
[[nodiscard]] ModelVariant read_uai_file(const std::string& path, const LoadOptions& options = {});
[[nodiscard]] ModelVariant read_uai_string(const std::string& text, const std::string& filename,
                                    const LoadOptions& options = {});

// Names and state names are not kept (the format has none); the variable order, scopes and every
// number are, bit-for-bit. A Bayesian network's functions list the parents (CPT order) then the child.
[[nodiscard]] std::string write_uai(const BayesianNetwork& bn);
[[nodiscard]] std::string write_uai(const MarkovNetwork& mn);

}  // namespace pgm::io
