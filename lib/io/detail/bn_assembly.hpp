#pragma once
// PRIVATE: what every Bayesian-network reader (BIF, XMLBIF, UAI BAYES) does once the text is parsed:
// hand the CPTs to BayesianNetworkBuilder, which checks them, and report what it finds
// (ModelValidationError) at the line of the offending block or row of the user's file.
#include "io/detail/input.hpp"

#include <pgm/core/error.hpp>
#include <pgm/core/variable.hpp>
#include <pgm/io/load.hpp>
#include <pgm/model/bayesian_network.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace pgm::io::detail {

struct CptSpec {
  bool present = false;
  std::vector<VariableId> parents;  // in the order given in the file
  std::vector<double> table;        // parent configurations row-major (first parent slowest), child fastest
  int line = 0;                     // where the block starts
  int column = 0;
  std::vector<int> column_lines;    // line per parent configuration, or empty: use `line`
};

struct BnSpec {
  std::string name;
  std::vector<Variable> variables;
  std::vector<int> variable_lines;  // declaration line per variable
  std::vector<CptSpec> cpts;        // one per variable, same index
};

// Product of the cardinalities (never wrapped); LimitError naming file, line and the true size above
// kMaxTableEntries. `what` names the table in the message ("the CPT of 'X'").
[[nodiscard]] std::size_t checked_table_size(const std::vector<Variable>& variables,
                                             const std::vector<VariableId>& scope, const SourceLocation& where,
                                             const std::string& what);

// Checks that every name and state is valid UTF-8 (escapes can produce bad bytes from a valid file),
// then builds; the builder's findings (a variable without a CPT, an entry that is not a probability, a
// column not summing to 1 within kCptSumTolerance, a cycle) become a ParseError at the line kept for
// that variable's block or column. Columns are renormalised when options.renormalize.
// `block` names a CPT block in messages ("probability block", "DEFINITION", "function").
[[nodiscard]] BayesianNetwork assemble_bayesian_network(BnSpec spec, const std::string& file,
                                                        const LoadOptions& options, const std::string& block);

}  // namespace pgm::io::detail
