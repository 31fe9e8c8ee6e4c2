#include "io/detail/bn_assembly.hpp"

#include "io/detail/text_cursor.hpp"

#include <pgm/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace pgm::io::detail {

std::size_t checked_table_size(const std::vector<Variable>& variables, const std::vector<VariableId>& scope,
                               const SourceLocation& where, const std::string& what) {
  TableSize size;
  for (const VariableId v : scope) size.times(variables[v].cardinality());
  return checked_entries(size, where, what);
}

namespace {

// Ten significant digits: enough to show how far off a sum is, without 0.8999999999999999 noise.
std::string readable(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", x);
  return buffer;
}

std::string conditional(const VariableSet& vars, VariableId child, const std::vector<VariableId>& parents,
                        std::size_t config, std::size_t state) {
  std::string out = "P(" + vars[child].name + "=" + vars[child].states[state];
  if (!parents.empty()) out += " | " + describe_configuration(vars.all(), parents, config);
  return out + ")";
}

// The builder's finding at the line of the block (or row) it is about, in the words these readers use.
ParseError located(const ModelValidationError& e, const BnSpec& spec, const VariableSet& vars, const std::string& file,
                   const std::string& block) {
  if (e.problem == ModelProblem::missing_cpt) {
    return ParseError({file, spec.variable_lines[e.variable], 0},
                      "variable '" + vars[e.variable].name + "' has no " + block + " (every variable needs one)");
  }
  if (e.problem == ModelProblem::cycle) {
    std::string path;
    for (std::size_t i = 0; i < e.cycle.size(); ++i) path += (i ? " -> " : "") + vars[e.cycle[i]].name;
    const CptSpec& at = spec.cpts[e.cycle.front()];
    return ParseError({file, at.line, at.column}, "the parents form a directed cycle: " + path);
  }
  if (e.variable >= spec.cpts.size()) return ParseError({file, 0, 0}, e.what());
  const CptSpec& cpt = spec.cpts[e.variable];
  const std::string in = "in the " + block + " of '" + vars[e.variable].name + "': ";
  if (e.problem == ModelProblem::not_a_probability || e.problem == ModelProblem::column_sum) {
    const std::size_t c = e.configuration;
    const SourceLocation where = cpt.column_lines.empty() ? SourceLocation{file, cpt.line, cpt.column}
                                                          : SourceLocation{file, cpt.column_lines[c], 0};
    if (e.problem == ModelProblem::not_a_probability) {
      return ParseError(where, in + conditional(vars, e.variable, cpt.parents, c, e.state) + " = " +
                                   format_double(e.value) + " is not a probability (expected 0 to 1)");
    }
    const std::string given = cpt.parents.empty() ? std::string("the distribution")
                                                  : "the column for " + describe_configuration(vars.all(), cpt.parents, c);
    return ParseError(where, in + given + " sums to " + readable(e.value) + ", expected 1 (tolerance " +
                                 format_double(kCptSumTolerance) + ")");
  }
  // The readers check the rest (parents, table sizes) where they read them; this is a last resort.
  return ParseError({file, cpt.line, cpt.column}, e.what());
}

}  // namespace

BayesianNetwork assemble_bayesian_network(BnSpec spec, const std::string& file, const LoadOptions& options,
                                          const std::string& block) {
  if (spec.variables.empty()) throw ParseError({file, 0, 0}, "no variables declared");
  const std::size_t n = spec.variables.size();
  for (VariableId v = 0; v < n; ++v) {
    const SourceLocation declared{file, spec.variable_lines[v], 0};
    check_name(spec.variables[v].name, declared, "a variable name");
    for (const std::string& s : spec.variables[v].states) {
      check_name(s, declared, "a state name of '" + spec.variables[v].name + "'");
    }
  }

  BayesianNetworkBuilder builder(std::move(spec.name));
  builder.renormalize(options.renormalize);
  for (VariableId v = 0; v < n; ++v) {
    try {
      (void)builder.add_variable(std::move(spec.variables[v]));
    } catch (const ModelError& e) {
      throw ParseError({file, spec.variable_lines[v], 0}, e.what());
    }
  }
  const VariableSet& vars = builder.variables();
  try {
    // In variable order, stopping at the first variable without a CPT (build() names it): the errors
    // come in the order of the variables' declarations.
    for (VariableId v = 0; v < n && spec.cpts[v].present; ++v)
      builder.set_cpt(v, spec.cpts[v].parents, std::move(spec.cpts[v].table));
    return std::move(builder).build();
  } catch (const ModelValidationError& e) {
    throw located(e, spec, vars, file, block);
  }
}

}  // namespace pgm::io::detail
