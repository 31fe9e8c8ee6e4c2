#include <pgm/core/error.hpp>
#include <pgm/io/yaml.hpp>

#include "io/detail/text_cursor.hpp"
#include "io/detail/yaml_access.hpp"
#include "io/detail/yaml_gaussian.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

namespace pgm::io {
namespace detail {

YAML::Node YamlContext::require(const YAML::Node& map, const std::string& key, const std::string& what) const {
  YAML::Node n = map[key];
  if (!n) fail(map, what + " has no '" + key + "'");
  return n;
}

std::string YamlContext::scalar(const YAML::Node& n, const std::string& what) const {
  if (n.IsNull()) fail(n, what + " is empty (YAML null, e.g. '~' or nothing after the colon); expected a value");
  if (!n.IsScalar()) fail(n, what + " must be a single value");
  return n.Scalar();
}

double YamlContext::number(const YAML::Node& n, const std::string& what) const {
  const std::string s = scalar(n, what);
  double v = 0;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (b != e && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || s.empty()) {
    const std::string lower = [&] {
      std::string l;
      for (char c : s) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return l;
    }();
    if (lower == ".nan" || lower == "nan") fail(n, what + " is NaN; expected a number");
    if (lower.find("inf") != std::string::npos) fail(n, what + " is infinite; expected a finite number");
    fail(n, what + " is '" + s + "', which is not a number");
  }
  if (std::isnan(v)) fail(n, what + " is NaN; expected a number");
  if (!std::isfinite(v)) fail(n, what + " is infinite; expected a finite number");
  return v;
}

std::vector<double> YamlContext::numbers(const YAML::Node& n, const std::string& what) const {
  expect_sequence(n, what);
  std::vector<double> out;
  out.reserve(n.size());
  for (std::size_t i = 0; i < n.size(); ++i) out.push_back(number(n[i], "entry " + std::to_string(i + 1) + " of " + what));
  return out;
}

std::vector<std::string> YamlContext::strings(const YAML::Node& n, const std::string& what) const {
  expect_sequence(n, what);
  std::vector<std::string> out;
  out.reserve(n.size());
  for (std::size_t i = 0; i < n.size(); ++i) out.push_back(scalar(n[i], "entry " + std::to_string(i + 1) + " of " + what));
  return out;
}

void YamlContext::expect_map(const YAML::Node& n, const std::string& what) const {
  if (!n.IsMap()) fail(n, what + " must be a mapping (key: value pairs)");
}

void YamlContext::expect_sequence(const YAML::Node& n, const std::string& what) const {
  if (!n.IsSequence()) fail(n, what + " must be a list [a, b, ...]");
}

}  // namespace detail

namespace {

using detail::YamlContext;

// Declared variables in file order, each with the position of its key for messages.
template <class Builder>
std::vector<YAML::Node> read_variables(const YAML::Node& root, const YamlContext& ctx, Builder& b) {
  const YAML::Node vars = ctx.require(root, "variables", "the model");
  ctx.expect_map(vars, "'variables'");
  if (vars.size() == 0) ctx.fail(vars, "'variables' is empty; a model needs at least one variable");
  std::vector<YAML::Node> keys;
  for (const auto& kv : vars) {
    const std::string name = ctx.scalar(kv.first, "a variable name");
    const std::string what = "the states of variable '" + name + "'";
    if (!kv.second.IsSequence()) ctx.fail(kv.second, what + " must be a list [s1, s2, ...]");
    if (kv.second.size() == 0) ctx.fail(kv.second, "variable '" + name + "' has no states");
    std::vector<std::string> states = ctx.strings(kv.second, what);
    try {
      b.add_variable(name, std::move(states));
    } catch (const ModelError& e) {
      ctx.fail(b.variables().find(name) ? kv.first : kv.second, e.what());
    }
    keys.push_back(kv.first);
  }
  return keys;
}

std::string config_text(const VariableSet& vars, const std::vector<VariableId>& parents,
                        const std::vector<std::size_t>& states) {
  std::string s;
  for (std::size_t i = 0; i < states.size(); ++i)
    s += (i ? ", " : "") + vars[parents[i]].name + "=" + vars[parents[i]].states[states[i]];
  return s;
}

// One column P(child | a parent configuration): values in [0, 1] summing to 1 within tolerance.
void check_column(const YamlContext& ctx, const YAML::Node& where, const std::vector<double>& col,
                  const std::string& child, const Variable& cv, const std::string& given, double tolerance) {
  if (col.size() != cv.cardinality())
    ctx.fail(where, "CPT of '" + child + "'" + given + " has " + std::to_string(col.size()) + " probabilities; '" + child +
                        "' has " + std::to_string(cv.cardinality()) + " states (" + join_names(cv.states) + ")");
  double s = 0;
  for (std::size_t j = 0; j < col.size(); ++j) {
    if (col[j] < 0.0 || col[j] > 1.0) {
      std::ostringstream os;
      os.precision(12);
      os << "CPT of '" << child << "'" << given << " has probability " << col[j] << " for state '" << cv.states[j]
         << "'; probabilities must lie in [0, 1]";
      ctx.fail(where.IsSequence() && where.size() > j ? where[j] : where, os.str());
    }
    s += col[j];
  }
  if (std::abs(s - 1.0) > tolerance) {
    std::ostringstream os;
    os.precision(12);
    os << "CPT of '" << child << "'" << given << " sums to " << s << "; expected 1 within " << tolerance;
    ctx.fail(where, os.str());
  }
}

// Walks the nested `probabilities:` map, first parent outermost, appending columns row-major.
void read_nested(const YamlContext& ctx, const YAML::Node& n, const VariableSet& vars, VariableId child,
                 const std::vector<VariableId>& parents, std::vector<std::size_t>& states, std::vector<double>& table,
                 double tolerance) {
  const std::string& cname = vars[child].name;
  if (states.size() == parents.size()) {
    const std::string given = parents.empty() ? "" : " given " + config_text(vars, parents, states);
    if (!n.IsSequence())
      ctx.fail(n, "CPT of '" + cname + "'" + given + " must be a list of " +
                      std::to_string(vars[child].cardinality()) + " probabilities");
    const auto col = ctx.numbers(n, "a probability of '" + cname + "'");
    check_column(ctx, n, col, cname, vars[child], given, tolerance);
    table.insert(table.end(), col.begin(), col.end());
    return;
  }
  const Variable& pv = vars[parents[states.size()]];
  const std::string level = "the probabilities of '" + cname + "' keyed by states of parent '" + pv.name + "'";
  if (!n.IsMap())
    ctx.fail(n, level + " must be a mapping {" + join_names(pv.states) + "}" +
                    (n.IsSequence() ? " (a list is only allowed once every parent has been keyed; use 'table:' for a flat list)" : ""));
  // Each state exactly once, in any order.
  // optional<Node>: assigning to a YAML::Node writes through to the document, so never reassign one.
  std::vector<std::optional<YAML::Node>> by_state(pv.cardinality());
  for (const auto& kv : n) {
    const std::string key = ctx.scalar(kv.first, "a state of '" + pv.name + "'");
    auto s = pv.find_state(key);
    if (!s) ctx.fail(kv.first, "'" + key + "' is not a state of parent '" + pv.name + "'; its states are: " + join_names(pv.states));
    if (by_state[*s]) ctx.fail(kv.first, "state '" + key + "' of parent '" + pv.name + "' appears twice in the CPT of '" + cname + "'");
    by_state[*s].emplace(kv.second);
  }
  for (std::size_t s = 0; s < pv.cardinality(); ++s) {
    if (!by_state[s]) ctx.fail(n, "the CPT of '" + cname + "' has no entry for state '" + pv.states[s] + "' of parent '" + pv.name + "'");
    states.push_back(s);
    read_nested(ctx, *by_state[s], vars, child, parents, states, table, tolerance);
    states.pop_back();
  }
}

BayesianNetwork read_bayesian_network(const YAML::Node& root, const YamlContext& ctx, const std::string& name,
                                      const LoadOptions& options) {
  BayesianNetworkBuilder b(name);
  b.renormalize(options.renormalize);
  const auto var_keys = read_variables(root, ctx, b);
  const VariableSet& vars = b.variables();
  const YAML::Node cpds = ctx.require(root, "cpds", "a bayesian-network model");
  ctx.expect_map(cpds, "'cpds'");
  std::vector<std::optional<YAML::Node>> cpd_key(vars.size());
  std::vector<std::vector<VariableId>> parents_of(vars.size());
  for (const auto& kv : cpds) {
    const std::string cname = ctx.scalar(kv.first, "a CPT name");
    auto id = vars.find(cname);
    if (!id) {
      std::vector<std::string> names;
      for (const auto& v : vars.all()) names.push_back(v.name);
      ctx.fail(kv.first, "CPT for unknown variable '" + cname + "'; declared variables are: " + join_names(names));
    }
    if (cpd_key[*id]) ctx.fail(kv.first, "variable '" + cname + "' has a second CPT (the first is at line " +
                                             std::to_string(ctx.at(*cpd_key[*id]).line) + ")");
    cpd_key[*id].emplace(kv.first);
    const YAML::Node cpd = kv.second;
    ctx.expect_map(cpd, "the CPT of '" + cname + "'");
    for (const auto& field : cpd) {
      const std::string f = ctx.scalar(field.first, "a CPT field");
      if (f != "parents" && f != "probabilities" && f != "table")
        ctx.fail(field.first, "unknown field '" + f + "' in the CPT of '" + cname + "'; expected parents, probabilities or table");
    }
    std::vector<VariableId> parents;
    if (const YAML::Node pn = cpd["parents"]) {
      const auto pnames = ctx.strings(pn, "the parents of '" + cname + "'");
      for (std::size_t i = 0; i < pnames.size(); ++i) {
        auto pid = vars.find(pnames[i]);
        if (!pid) {
          std::vector<std::string> names;
          for (const auto& v : vars.all()) names.push_back(v.name);
          ctx.fail(pn[i], "unknown parent '" + pnames[i] + "' of '" + cname + "'; declared variables are: " + join_names(names));
        }
        if (*pid == *id) ctx.fail(pn[i], "variable '" + cname + "' lists itself as a parent");
        for (VariableId q : parents)
          if (q == *pid) ctx.fail(pn[i], "parent '" + pnames[i] + "' of '" + cname + "' is listed twice");
        parents.push_back(*pid);
      }
    }
    const YAML::Node probs = cpd["probabilities"];
    const YAML::Node table = cpd["table"];
    if (probs && table) ctx.fail(kv.first, "the CPT of '" + cname + "' gives both 'probabilities' and 'table'; give one");
    if (!probs && !table) ctx.fail(kv.first, "the CPT of '" + cname + "' has neither 'probabilities' nor 'table'");
    std::vector<double> values;
    if (probs) {
      std::vector<std::size_t> states;
      read_nested(ctx, probs, vars, *id, parents, states, values, kCptSumTolerance);
    } else {
      values = ctx.numbers(table, "the table of '" + cname + "'");
      std::size_t rows = 1;
      for (VariableId p : parents) rows *= vars[p].cardinality();
      const std::size_t k = vars[*id].cardinality();
      if (values.size() != rows * k)
        ctx.fail(table, "the table of '" + cname + "' has " + std::to_string(values.size()) + " entries; expected " +
                            std::to_string(rows * k) + " (" + std::to_string(rows) + " parent configurations x " +
                            std::to_string(k) + " states)");
      std::vector<std::size_t> states(parents.size(), 0);
      for (std::size_t r = 0; r < rows; ++r) {
        std::vector<double> col(values.begin() + static_cast<std::ptrdiff_t>(r * k),
                                values.begin() + static_cast<std::ptrdiff_t>((r + 1) * k));
        const std::string given = parents.empty() ? "" : " given " + config_text(vars, parents, states);
        check_column(ctx, table, col, cname, vars[*id], given, kCptSumTolerance);
        for (std::size_t i = parents.size(); i-- > 0;) {
          if (++states[i] < vars[parents[i]].cardinality()) break;
          states[i] = 0;
        }
      }
    }
    parents_of[*id] = parents;
    b.set_cpt(*id, std::move(parents), std::move(values));
  }
  for (VariableId v = 0; v < vars.size(); ++v)
    if (!cpd_key[v]) ctx.fail(var_keys[v], "variable '" + vars[v].name + "' has no CPT under 'cpds'");
  // Cycle check here, so the message can point at a CPT in the cycle.
  Dag dag(vars.size());
  for (VariableId v = 0; v < vars.size(); ++v)
    for (VariableId p : parents_of[v]) dag.add_edge(p, v);
  if (auto c = dag.find_cycle()) {
    std::string s;
    for (std::size_t i = 0; i < c->size(); ++i) s += (i ? " -> " : "") + vars[(*c)[i]].name;
    ctx.fail(*cpd_key[(*c)[1]], "the parents form a directed cycle: " + s);
  }
  try {
    return std::move(b).build();
  } catch (const ModelError& e) {
    ctx.fail(root, e.what());
  }
}

MarkovNetwork read_markov_network(const YAML::Node& root, const YamlContext& ctx, const std::string& name) {
  MarkovNetworkBuilder b(name);
  read_variables(root, ctx, b);
  const VariableSet& vars = b.variables();
  const YAML::Node factors = ctx.require(root, "factors", "a markov-network model");
  ctx.expect_sequence(factors, "'factors'");
  for (std::size_t i = 0; i < factors.size(); ++i) {
    const YAML::Node f = factors[i];
    const std::string which = "factor " + std::to_string(i + 1);
    ctx.expect_map(f, which);
    for (const auto& field : f) {
      const std::string k = ctx.scalar(field.first, "a factor field");
      if (k != "scope" && k != "values") ctx.fail(field.first, "unknown field '" + k + "' in " + which + "; expected scope and values");
    }
    const YAML::Node sn = ctx.require(f, "scope", which);
    const auto names = ctx.strings(sn, "the scope of " + which);
    if (names.empty()) ctx.fail(sn, "the scope of " + which + " is empty");
    std::vector<VariableId> scope;
    std::size_t expected = 1;
    for (std::size_t j = 0; j < names.size(); ++j) {
      auto id = vars.find(names[j]);
      if (!id) {
        std::vector<std::string> all;
        for (const auto& v : vars.all()) all.push_back(v.name);
        ctx.fail(sn[j], "unknown variable '" + names[j] + "' in the scope of " + which + "; declared variables are: " + join_names(all));
      }
      for (VariableId q : scope)
        if (q == *id) ctx.fail(sn[j], "variable '" + names[j] + "' appears twice in the scope of " + which);
      scope.push_back(*id);
      expected *= vars[*id].cardinality();
    }
    const YAML::Node vn = ctx.require(f, "values", which);
    const auto values = ctx.numbers(vn, "a value of " + which);
    if (values.size() != expected)
      ctx.fail(vn, which + " has " + std::to_string(values.size()) + " values; its scope [" + join_names(names) +
                       "] needs " + std::to_string(expected));
    for (std::size_t j = 0; j < values.size(); ++j)
      if (values[j] < 0.0) {
        std::ostringstream os;
        os.precision(12);
        os << which << " has negative value " << values[j] << " (entry " << j + 1 << "); factor values must be non-negative";
        ctx.fail(vn[j], os.str());
      }
    b.add_factor(std::move(scope), values);
  }
  try {
    return std::move(b).build();
  } catch (const ModelError& e) {
    ctx.fail(root, e.what());
  }
}

std::string stem(const std::string& path) {
  auto slash = path.find_last_of('/');
  std::string s = slash == std::string::npos ? path : path.substr(slash + 1);
  auto dot = s.find('.');
  return dot == std::string::npos ? s : s.substr(0, dot);
}

}  // namespace

Model read_yaml_string(const std::string& text, const std::string& filename, const LoadOptions& options) {
  const YamlContext ctx{filename};
  bool blank = true;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) blank = false;
  if (blank) throw ParseError({filename, 0, 0}, "the file is empty; expected a YAML model");
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ParseError({filename, e.mark.line + 1, e.mark.column + 1}, "YAML syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    throw ParseError({filename, e.mark.line + 1, e.mark.column + 1}, std::string("YAML error: ") + e.msg);
  }
  if (!root || root.IsNull()) throw ParseError({filename, 0, 0}, "the file is empty (only comments); expected a YAML model");
  if (!root.IsMap()) ctx.fail(root, "the top level must be a mapping with 'type', 'variables', ...");
  try {
    const std::string type = ctx.scalar(ctx.require(root, "type", "the model"), "'type'");
    const std::string name = root["name"] ? ctx.scalar(root["name"], "'name'") : stem(filename);
    if (type == "bayesian-network") return read_bayesian_network(root, ctx, name, options);
    if (type == "markov-network") return read_markov_network(root, ctx, name);
    if (type == "gaussian") return detail::read_gaussian_yaml(root, ctx);
    if (type == "linear-gaussian") return detail::read_linear_gaussian_yaml(root, ctx);
    ctx.fail(root["type"], "unknown model type '" + type +
                               "'; expected bayesian-network, markov-network, gaussian or linear-gaussian");
  } catch (const YAML::Exception& e) {
    // yaml-cpp surprises (e.g. alias oddities) still become positioned errors, never a crash.
    throw ParseError({filename, e.mark.line + 1, e.mark.column + 1}, std::string("YAML error: ") + e.msg);
  }
}

Model read_yaml_file(const std::string& path, const LoadOptions& options) {
  return read_yaml_string(detail::read_text_file(path), path, options);
}

namespace {

// Names and states are always double-quoted so 'yes', 'on', '1.0' or ': ' survive any YAML reader.
std::string quote(const std::string& s) {
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') q += '\\';
    if (c == '\n') { q += "\\n"; continue; }
    q += c;
  }
  return q + '"';
}

std::string list(const std::vector<std::string>& items) {
  std::string s = "[";
  for (std::size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + quote(items[i]);
  return s + "]";
}

std::string numbers(std::span<const double> xs) {
  std::string s = "[";
  for (std::size_t i = 0; i < xs.size(); ++i) s += (i ? ", " : "") + detail::format_double(xs[i]);
  return s + "]";
}

void write_variables(std::ostringstream& os, const VariableSet& vars) {
  os << "variables:\n";
  for (const auto& v : vars.all()) os << "  " << quote(v.name) << ": " << list(v.states) << '\n';
}

}  // namespace

std::string write_yaml(const BayesianNetwork& bn) {
  std::ostringstream os;
  os << "name: " << quote(bn.name()) << "\ntype: bayesian-network\n";
  write_variables(os, bn.variables());
  os << "cpds:\n";
  for (VariableId v = 0; v < bn.size(); ++v) {
    os << "  " << quote(bn.variable(v).name) << ":\n";
    const auto ps = bn.parents(v);
    const auto t = bn.cpt_table(v);
    if (ps.empty()) {
      os << "    probabilities: " << numbers(t) << '\n';
    } else {
      std::vector<std::string> names;
      for (VariableId p : ps) names.push_back(bn.variable(p).name);
      os << "    parents: " << list(names) << '\n';
      os << "    table: " << numbers(t) << '\n';
    }
  }
  return os.str();
}

std::string write_yaml(const MarkovNetwork& mn) {
  std::ostringstream os;
  os << "name: " << quote(mn.name()) << "\ntype: markov-network\n";
  write_variables(os, mn.variables());
  os << "factors:\n";
  for (std::size_t i = 0; i < mn.factors().size(); ++i) {
    const auto scope = mn.scope(i);
    std::vector<std::string> names;
    for (VariableId u : scope) names.push_back(mn.variable(u).name);
    os << "  - scope: " << list(names) << "\n    values: " << numbers(mn.factors()[i].values_in_order(scope)) << '\n';
  }
  return os.str();
}

}  // namespace pgm::io
