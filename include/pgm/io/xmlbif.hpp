#pragma once
// XMLBIF 0.3 (<BIF><NETWORK><VARIABLE TYPE="nature">...<DEFINITION><FOR/><GIVEN/>...<TABLE/>), parsed with
// pugixml. TABLE lists the child FASTEST: P(x0 | config 0), P(x1 | config 0), ..., configs row-major
// over the GIVEN variables in document order (first slowest) — the layout of the dog-problem example
// in the XMLBIF specification and of pgmpy's writer.
#include <pgm/io/load.hpp>
#include <pgm/model/bayesian_network.hpp>

#include <string>

namespace pgm::io {

[[nodiscard]] BayesianNetwork read_xmlbif_file(const std::string& path, const LoadOptions& options = {});
// `filename` is used in error messages only.
[[nodiscard]] BayesianNetwork read_xmlbif_string(const std::string& text, const std::string& filename,
                                                 const LoadOptions& options = {});

[[nodiscard]] std::string write_xmlbif(const BayesianNetwork& bn);

}  // namespace pgm::io
