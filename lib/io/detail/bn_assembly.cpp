#include "io/detail/bn_assembly.hpp"

#include "io/detail/text_cursor.hpp"

#include <pgm/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace pgm::io::detail {

std::string describe_configuration(const std::vector<Variable>& variables, const std::vector<VariableId>& parents,
                                   std::size_t config) {
  std::vector<std::size_t> states(parents.size());
  for (std::size_t i = parents.size(); i-- > 0;) {
    const std::size_t card = variables[parents[i]].cardinality();
    states[i] = config % card;
    config /= card;
  }
  std::string out;
  for (std::size_t i = 0; i < parents.size(); ++i) {
    if (i > 0) out += ", ";
    out += variables[parents[i]].name + "=" + variables[parents[i]].states[states[i]];
  }
  return out;
}

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

std::string conditional(const std::vector<Variable>& vars, VariableId child, const CptSpec& cpt, std::size_t config,
                        std::size_t state) {
  std::string out = "P(" + vars[child].name + "=" + vars[child].states[state];
  if (!cpt.parents.empty()) out += " | " + describe_configuration(vars, cpt.parents, config);
  return out + ")";
}

void check_columns(const BnSpec& spec, VariableId child, const std::string& file, const std::string& block) {
  const CptSpec& cpt = spec.cpts[child];
  const std::size_t card = spec.variables[child].cardinality();
  const std::size_t configs = card == 0 ? 0 : cpt.table.size() / card;
  for (std::size_t c = 0; c < configs; ++c) {
    const int line = cpt.column_lines.empty() ? cpt.line : cpt.column_lines[c];
    const int column = cpt.column_lines.empty() ? cpt.column : 0;
    double sum = 0.0;
    for (std::size_t s = 0; s < card; ++s) {
      const double p = cpt.table[c * card + s];
      if (!(p >= 0.0 && p <= 1.0)) {
        throw ParseError({file, line, column}, "in the " + block + " of '" + spec.variables[child].name + "': " +
                                                   conditional(spec.variables, child, cpt, c, s) + " = " +
                                                   format_double(p) + " is not a probability (expected 0 to 1)");
      }
      sum += p;
    }
    if (std::abs(sum - 1.0) > kCptSumTolerance) {
      std::string given = cpt.parents.empty() ? std::string("the distribution")
                                              : "the column for " + describe_configuration(spec.variables, cpt.parents, c);
      throw ParseError({file, line, column}, "in the " + block + " of '" + spec.variables[child].name + "': " + given +
                                                 " sums to " + readable(sum) + ", expected 1 (tolerance " +
                                                 format_double(kCptSumTolerance) + ")");
    }
  }
}

// A directed cycle child -> ... -> child as variable ids, or empty (Kahn's algorithm; in what is left
// every node has a parent that is left too, so walking parents must revisit a node).
std::vector<VariableId> find_cycle(const BnSpec& spec) {
  const std::size_t n = spec.variables.size();
  std::vector<std::vector<VariableId>> children(n);
  std::vector<std::size_t> indegree(n, 0);
  for (VariableId v = 0; v < n; ++v) {
    for (const VariableId p : spec.cpts[v].parents) children[p].push_back(v);
    indegree[v] = spec.cpts[v].parents.size();
  }
  std::vector<VariableId> ready;
  for (VariableId v = 0; v < n; ++v) {
    if (indegree[v] == 0) ready.push_back(v);
  }
  std::size_t done = 0;
  while (!ready.empty()) {
    const VariableId v = ready.back();
    ready.pop_back();
    ++done;
    for (const VariableId c : children[v]) {
      if (--indegree[c] == 0) ready.push_back(c);
    }
  }
  if (done == n) return {};
  VariableId start = 0;
  while (indegree[start] == 0) ++start;
  std::vector<std::size_t> seen_at(n, std::numeric_limits<std::size_t>::max());
  std::vector<VariableId> walk;
  VariableId v = start;
  while (seen_at[v] == std::numeric_limits<std::size_t>::max()) {
    seen_at[v] = walk.size();
    walk.push_back(v);
    for (const VariableId p : spec.cpts[v].parents) {
      if (indegree[p] != 0) {
        v = p;
        break;
      }
    }
  }
  // walk[seen_at[v]..] follows parent links; reversed it follows the arrows.
  std::vector<VariableId> cycle(walk.begin() + static_cast<std::ptrdiff_t>(seen_at[v]), walk.end());
  std::reverse(cycle.begin(), cycle.end());
  cycle.push_back(cycle.front());
  return cycle;
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
  for (VariableId v = 0; v < n; ++v) {
    if (!spec.cpts[v].present) {
      throw ParseError({file, spec.variable_lines[v], 0},
                       "variable '" + spec.variables[v].name + "' has no " + block + " (every variable needs one)");
    }
    check_columns(spec, v, file, block);
  }
  if (const auto cycle = find_cycle(spec); !cycle.empty()) {
    std::string path;
    for (std::size_t i = 0; i < cycle.size(); ++i) path += (i ? " -> " : "") + spec.variables[cycle[i]].name;
    const CptSpec& at = spec.cpts[cycle.front()];
    throw ParseError({file, at.line, at.column}, "the parents form a directed cycle: " + path);
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
  for (VariableId v = 0; v < n; ++v) {
    CptSpec& cpt = spec.cpts[v];
    try {
      builder.set_cpt(v, std::move(cpt.parents), std::move(cpt.table));
    } catch (const ModelError& e) {
      throw ParseError({file, cpt.line, cpt.column}, e.what());
    }
  }
  try {
    return std::move(builder).build();
  } catch (const ModelError& e) {
    // Everything the builder checks was checked above with a line; this is a last resort.
    throw ParseError({file, 0, 0}, e.what());
  }
}

}  // namespace pgm::io::detail
