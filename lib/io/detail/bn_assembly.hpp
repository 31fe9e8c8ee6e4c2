#pragma once
// PRIVATE: the checks every Bayesian-network reader (BIF, XMLBIF, UAI BAYES) shares once the text is
// parsed, done here rather than left to BayesianNetworkBuilder so that each error points at the line
// of the offending block or row of the user's file.
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

// "A=a, B=b" for parent configuration `config` (row-major over `parents`, last fastest).
[[nodiscard]] std::string describe_configuration(const std::vector<Variable>& variables,
                                                 const std::vector<VariableId>& parents, std::size_t config);

// Product of the cardinalities (never wrapped); LimitError naming file, line and the true size above
// kMaxTableEntries. `what` names the table in the message ("the CPT of 'X'").
[[nodiscard]] std::size_t checked_table_size(const std::vector<Variable>& variables,
                                             const std::vector<VariableId>& scope, const SourceLocation& where,
                                             const std::string& what);

// Checks that every name and state is valid UTF-8 (escapes can produce bad bytes from a valid file),
// every variable has a CPT, entries are probabilities, columns sum to 1 within
// kCptSumTolerance and the graph is acyclic (ParseError at the offending line), then builds.
// `block` names a CPT block in messages ("probability block", "DEFINITION", "function").
[[nodiscard]] BayesianNetwork assemble_bayesian_network(BnSpec spec, const std::string& file,
                                                        const LoadOptions& options, const std::string& block);

}  // namespace pgm::io::detail
