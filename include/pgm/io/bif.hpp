#pragma once
// BIF (Bayesian Interchange Format) as written by the bnlearn repository, pgmpy and JavaBayes:
// `network`, `variable X { type discrete [ n ] { s1, s2 }; property ...; }`,
// `probability ( X | A, B ) { (a, b) p1, p2; default ...; table ...; }`, comments, quoted names, blocks in
// any order. A `table` in a block with parents lists the child SLOWEST (JavaBayes/pgmpy convention):
// P(x0 | config 0), P(x0 | config 1), ..., P(x1 | config 0), ... with configs row-major over the
// parents as listed (last fastest). Rows override a `default` or `table` given in the same block.
#include <pgm/io/load.hpp>
#include <pgm/model/bayesian_network.hpp>

#include <string>

namespace pgm::io {

// ParseError (file, line, column, what is wrong) on any malformed input; IoError if unreadable.
[[nodiscard]] BayesianNetwork read_bif_file(const std::string& path, const LoadOptions& options = {});
// `filename` is used in error messages only.
[[nodiscard]] BayesianNetwork read_bif_string(const std::string& text, const std::string& filename,
                                              const LoadOptions& options = {});

// pgmpy-style BIF: one row per parent configuration, numbers in shortest exact form (they read back
// bit-for-bit). Names that are not plain words are double-quoted, with \" \\ \n \r escapes (read back).
[[nodiscard]] std::string write_bif(const BayesianNetwork& bn);

}  // namespace pgm::io
