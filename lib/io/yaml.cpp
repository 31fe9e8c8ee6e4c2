#include <pgm/core/error.hpp>
#include <pgm/io/yaml.hpp>

#include "io/detail/text_cursor.hpp"
#include "io/detail/yaml_access.hpp"
#include "io/detail/yaml_gaussian.hpp"

#include <yaml-cpp/depthguard.h>  // YAML::DeepRecursion
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <unordered_map>

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
  // The file is valid UTF-8, but an escape ("\0" in a quoted scalar) can still put a NUL in a name.
  check_name(n.Scalar(), at(n), what);
  return n.Scalar();
}

double YamlContext::number(const YAML::Node& n, const std::string& what) const {
  const std::string s = scalar(n, what);
  double v = 0;
  const NumberStatus status = parse_number(s, v);
  if (status == NumberStatus::underflow || status == NumberStatus::overflow) {
    fail(n, what + " is '" + s + "', which is " + number_problem(status));
  }
  if (status != NumberStatus::ok) {
    const std::string lower = [&] {
      std::string l;
      for (char c : s) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return l;
    }();
    if (status == NumberStatus::nan || lower == ".nan") fail(n, what + " is NaN; expected a number");
    if (status == NumberStatus::infinite || lower.find("inf") != std::string::npos) fail(n, what + " is infinite; expected a finite number");
    fail(n, what + " is '" + s + "', which is not a number");
  }
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

// A variable's `values:`, one finite number per state: a list in state order, or a map state -> value
// naming every state once.
std::vector<double> read_state_values(const YamlContext& ctx, const YAML::Node& n, const Variable& var) {
  const std::string what = "the values of variable '" + var.name + "'";
  std::vector<double> values;
  if (n.IsMap()) {
    std::vector<std::optional<double>> by_state(var.states.size());
    for (const auto& kv : n) {
      const std::string state = ctx.scalar(kv.first, "a state in " + what);
      const auto s = var.find_state(state);
      if (!s) ctx.fail(kv.first, "'" + state + "' is not a state of variable '" + var.name + "'; its states are: " + join_names(var.states));
      by_state[*s] = ctx.number(kv.second, "the value of state '" + state + "' of variable '" + var.name + "'");
    }
    for (std::size_t s = 0; s < by_state.size(); ++s) {
      if (!by_state[s]) ctx.fail(n, what + " give no value for state '" + var.states[s] + "'");
      values.push_back(*by_state[s]);
    }
    return values;
  }
  if (!n.IsSequence()) ctx.fail(n, what + " must be a list [v1, v2, ...] or a mapping {state: value}");
  values = ctx.numbers(n, what);
  if (values.size() != var.states.size())
    ctx.fail(n, what + " are " + std::to_string(values.size()) + (values.size() == 1 ? " number" : " numbers") + " for " +
                    std::to_string(var.states.size()) + " states; give one value per state, in declared order");
  return values;
}

// Declared variables in file order, each with the position of its key for messages.
template <class Builder>
std::vector<YAML::Node> read_variables(const YAML::Node& root, const YamlContext& ctx, Builder& b) {
  const YAML::Node vars = ctx.require(root, "variables", "the model");
  ctx.expect_map(vars, "'variables'");
  if (vars.size() == 0) ctx.fail(vars, "'variables' is empty; a model needs at least one variable");
  std::vector<YAML::Node> keys;
  for (const auto& kv : vars) {
    const std::string name = ctx.scalar(kv.first, "a variable name");
    Variable var{name, {}};
    const YAML::Node states = kv.second.IsMap() ? ctx.require(kv.second, "states", "variable '" + name + "'") : kv.second;
    if (kv.second.IsMap()) {
      for (const auto& field : kv.second) {
        const std::string key = ctx.scalar(field.first, "a key of variable '" + name + "'");
        if (key != "states" && key != "values")
          ctx.fail(field.first, "unknown key '" + key + "' in variable '" + name + "'; expected 'states' and optionally 'values'");
      }
    }
    const std::string what = "the states of variable '" + name + "'";
    if (!states.IsSequence())
      ctx.fail(states, what + " must be a list [s1, s2, ...] (or {states: [s1, ...], values: [v1, ...]})");
    if (states.size() == 0) ctx.fail(states, "variable '" + name + "' has no states");
    var.states = ctx.strings(states, what);
    if (kv.second.IsMap() && kv.second["values"]) var.values = read_state_values(ctx, kv.second["values"], var);
    try {
      b.add_variable(std::move(var));
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

// State name -> index per variable, hashed for variables with many states (a parent with 10^5 states
// keyed 10^5 times would otherwise cost 10^10 comparisons), built on first use.
class StateLookup {
 public:
  explicit StateLookup(const VariableSet& vars) : vars_(vars), index_(vars.size()) {}
  [[nodiscard]] std::optional<std::size_t> find(VariableId v, std::string_view state) {
    const Variable& var = vars_[v];
    if (var.cardinality() <= 8) return var.find_state(state);
    if (!index_[v]) index_[v] = std::make_unique<detail::NameIndex>(var.states);
    const std::size_t* s = index_[v]->find(state);
    return s ? std::optional<std::size_t>(*s) : std::nullopt;
  }

 private:
  const VariableSet& vars_;
  std::vector<std::unique_ptr<detail::NameIndex>> index_;
};

// Walks the nested `probabilities:` map, first parent outermost, appending columns row-major.
void read_nested(const YamlContext& ctx, const YAML::Node& n, const VariableSet& vars, VariableId child,
                 const std::vector<VariableId>& parents, std::vector<std::size_t>& states, std::vector<double>& table,
                 std::vector<YAML::Node>& columns, StateLookup& lookup) {
  const std::string& cname = vars[child].name;
  if (states.size() == parents.size()) {
    const std::string given = parents.empty() ? "" : " given " + config_text(vars, parents, states);
    if (!n.IsSequence())
      ctx.fail(n, "CPT of '" + cname + "'" + given + " must be a list of " +
                      std::to_string(vars[child].cardinality()) + " probabilities");
    const auto col = ctx.numbers(n, "a probability of '" + cname + "'");
    const Variable& cv = vars[child];
    if (col.size() != cv.cardinality())
      ctx.fail(n, "CPT of '" + cname + "'" + given + " has " + std::to_string(col.size()) + " probabilities; '" +
                      cname + "' has " + std::to_string(cv.cardinality()) + " states (" + join_names(cv.states) + ")");
    table.insert(table.end(), col.begin(), col.end());
    columns.push_back(n);
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
    auto s = lookup.find(parents[states.size()], key);
    if (!s) ctx.fail(kv.first, "'" + key + "' is not a state of parent '" + pv.name + "'; its states are: " + join_names(pv.states));
    if (by_state[*s]) ctx.fail(kv.first, "state '" + key + "' of parent '" + pv.name + "' appears twice in the CPT of '" + cname + "'");
    by_state[*s].emplace(kv.second);
  }
  for (std::size_t s = 0; s < pv.cardinality(); ++s) {
    if (!by_state[s]) ctx.fail(n, "the CPT of '" + cname + "' has no entry for state '" + pv.states[s] + "' of parent '" + pv.name + "'");
    states.push_back(s);
    read_nested(ctx, *by_state[s], vars, child, parents, states, table, columns, lookup);
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
  StateLookup lookup(vars);
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
    const YAML::Node pn = cpd["parents"];
    if (pn) {
      const auto pnames = ctx.strings(pn, "the parents of '" + cname + "'");
      for (std::size_t i = 0; i < pnames.size(); ++i) {
        auto pid = vars.find(pnames[i]);
        if (!pid) {
          std::vector<std::string> names;
          for (const auto& v : vars.all()) names.push_back(v.name);
          ctx.fail(pn[i], "unknown parent '" + pnames[i] + "' of '" + cname + "'; declared variables are: " + join_names(names));
        }
        parents.push_back(*pid);
      }
      try {
        check_parents(vars.all(), *id, parents);
      } catch (const ModelValidationError& e) {
        if (e.problem == ModelProblem::self_parent) ctx.fail(pn[e.position], "variable '" + cname + "' lists itself as a parent");
        ctx.fail(pn[e.position], "parent '" + vars[e.parent].name + "' of '" + cname + "' is listed twice");
      }
    }
    const YAML::Node probs = cpd["probabilities"];
    const YAML::Node table = cpd["table"];
    if (probs && table) ctx.fail(kv.first, "the CPT of '" + cname + "' gives both 'probabilities' and 'table'; give one");
    if (!probs && !table) ctx.fail(kv.first, "the CPT of '" + cname + "' has neither 'probabilities' nor 'table'");
    // The size first, never wrapped: 63 binary parents make 2^64 entries, which must not pass for 0,
    // and aliases can nest a 'probabilities:' map of that many columns in a few lines.
    detail::TableSize rows_size;
    for (VariableId p : parents) rows_size.times(vars[p].cardinality());
    const std::size_t k = vars[*id].cardinality();
    const std::size_t entries =
        detail::checked_entries(detail::TableSize(rows_size).times(k), ctx.at(kv.first), "the CPT of '" + cname + "'");
    std::vector<double> values;
    std::vector<YAML::Node> columns;  // the list of each parent configuration's column ('probabilities:')
    if (probs) {
      std::vector<std::size_t> states;
      values.reserve(entries);
      read_nested(ctx, probs, vars, *id, parents, states, values, columns, lookup);
    } else {
      values = ctx.numbers(table, "the table of '" + cname + "'");
    }
    const std::vector<VariableId> given = parents;
    try {
      b.set_cpt(*id, std::move(parents), std::move(values));
    } catch (const ModelValidationError& e) {
      // The builder's finding, at the column (or the entry) it is about.
      const auto config = [&] {
        return given.empty() ? std::string() : " given " + describe_configuration(vars.all(), given, e.configuration);
      };
      const auto column = [&] { return probs ? columns[e.configuration] : table; };
      std::ostringstream os;
      os.precision(12);
      if (e.problem == ModelProblem::table_size) {
        ctx.fail(table, "the table of '" + cname + "' has " + std::to_string(e.entries) + " entries; expected " +
                            std::to_string(e.expected) + " (" + std::to_string(e.expected / k) +
                            " parent configurations x " + std::to_string(k) + " states)");
      }
      if (e.problem == ModelProblem::not_a_probability) {
        os << "CPT of '" << cname << "'" << config() << " has probability " << e.value << " for state '"
           << vars[*id].states[e.state] << "'; probabilities must lie in [0, 1]";
        ctx.fail(probs ? column()[e.state] : table[e.configuration * k + e.state], os.str());
      }
      if (e.problem == ModelProblem::column_sum) {
        os << "CPT of '" << cname << "'" << config() << " sums to " << e.value << "; expected 1 within "
           << kCptSumTolerance;
        ctx.fail(column(), os.str());
      }
      ctx.fail(kv.first, e.what());
    }
  }
  try {
    return std::move(b).build();
  } catch (const ModelValidationError& e) {
    if (e.problem == ModelProblem::missing_cpt)
      ctx.fail(var_keys[e.variable], "variable '" + vars[e.variable].name + "' has no CPT under 'cpds'");
    if (e.problem == ModelProblem::cycle) {
      std::string s;
      for (std::size_t i = 0; i < e.cycle.size(); ++i) s += (i ? " -> " : "") + vars[e.cycle[i]].name;
      ctx.fail(*cpd_key[e.cycle.front()], "the parents form a directed cycle: " + s);
    }
    ctx.fail(root, e.what());
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
    detail::TableSize size;
    for (std::size_t j = 0; j < names.size(); ++j) {
      auto id = vars.find(names[j]);
      if (!id) {
        std::vector<std::string> all;
        for (const auto& v : vars.all()) all.push_back(v.name);
        ctx.fail(sn[j], "unknown variable '" + names[j] + "' in the scope of " + which + "; declared variables are: " + join_names(all));
      }
      scope.push_back(*id);
      size.times(vars[*id].cardinality());
    }
    (void)detail::checked_entries(size, ctx.at(sn), "the table of " + which);
    const YAML::Node vn = ctx.require(f, "values", which);
    auto values = ctx.numbers(vn, "a value of " + which);
    try {
      b.add_factor(std::move(scope), std::move(values));
    } catch (const ModelValidationError& e) {
      if (e.problem == ModelProblem::repeated_scope_variable)
        ctx.fail(sn[e.position], "variable '" + names[e.position] + "' appears twice in the scope of " + which);
      if (e.problem == ModelProblem::table_size)
        ctx.fail(vn, which + " has " + std::to_string(e.entries) + " values; its scope [" + join_names(names) +
                         "] needs " + std::to_string(e.expected));
      if (e.problem == ModelProblem::negative_factor_value) {
        std::ostringstream os;
        os.precision(12);
        os << which << " has negative value " << e.value << " (entry " << e.position + 1
           << "); factor values must be non-negative";
        ctx.fail(vn[e.position], os.str());
      }
      ctx.fail(f, e.what());
    }
  }
  try {
    return std::move(b).build();
  } catch (const ModelError& e) {
    ctx.fail(root, e.what());
  }
}

// yaml-cpp keeps both entries of a mapping that repeats a key and answers lookups with the first, so
// a repeated key would silently lose the second value: refuse it. Every mapping is checked, walking the
// document with an explicit stack; aliases make the node graph a DAG (or, through an anchor used inside
// itself, a cycle), so the walk is bounded by a budget of nodes proportional to the file's size.
void check_unique_keys(const YAML::Node& root, const YamlContext& ctx, std::size_t text_size) {
  // Without aliases every node visited is at least one byte of the file.
  std::size_t budget = 4 * text_size + 100000;
  const auto spend = [&](const YAML::Node& n) {
    if (budget-- == 0) {
      ctx.fail(n, "the YAML's aliases (*name) expand to more nodes than the file could spell out; "
                  "a model file needs no nested aliases");
    }
  };
  // Each node with the key it sits under (for the message), or empty at the top.
  std::vector<std::pair<YAML::Node, std::string>> stack{{root, std::string()}};
  while (!stack.empty()) {
    const auto [n, under] = stack.back();
    stack.pop_back();
    if (n.IsSequence()) {
      for (const YAML::Node& child : n) {
        spend(child);
        if (child.IsMap() || child.IsSequence()) stack.emplace_back(child, under);
      }
      continue;
    }
    if (!n.IsMap()) continue;
    std::unordered_map<std::string, YAML::Node> first;
    for (const auto& kv : n) {
      spend(kv.first);
      if (kv.first.IsScalar()) {
        const auto [it, inserted] = first.emplace(kv.first.Scalar(), kv.first);
        if (!inserted) {
          const bool top = under.empty();
          ctx.fail(kv.first, std::string(top ? "duplicate top-level key '" : "duplicate key '") +
                                 kv.first.Scalar().substr(0, 40) + "'" + (top ? "" : " under '" + under + "'") +
                                 " (first at line " + std::to_string(ctx.at(it->second).line) +
                                 "); each key may appear once in a mapping");
        }
      }
      if (kv.second.IsMap() || kv.second.IsSequence()) {
        stack.emplace_back(kv.second, kv.first.IsScalar() && !kv.first.Scalar().empty() ? kv.first.Scalar().substr(0, 40) : std::string("?"));
      }
    }
  }
}

// Walks every document of `text` through yaml-cpp's event parser and returns where the first non-empty
// document after the first one starts, if any. yaml-cpp 0.7's LoadAll never returns on a ',' where a
// document's root value (or the end of the stream) should be ("[a], b", or a file that is just ","): its
// parser reports an empty document without consuming the token, so each turn starts the same document
// again and LoadAll allocates one more until memory runs out. A document that starts where the previous
// one did is that loop, refused here at the offending token.
std::optional<SourceLocation> scan_documents(std::string_view text, const YamlContext& ctx) {
  class Scan : public YAML::EventHandler {
   public:
    Scan(std::string_view text, const YamlContext& ctx) : text_(text), ctx_(ctx) {}
    std::optional<SourceLocation> second;

    void OnDocumentStart(const YAML::Mark& mark) override {
      if (documents_ > 0 && mark.pos == last_start_) {
        const auto pos = static_cast<std::size_t>(mark.pos);
        const char c = pos < text_.size() ? text_[pos] : '\0';
        const std::string found = c == ',' ? std::string("a ','") : c > ' ' && c < 127 ? "'" + std::string(1, c) + "'" : "a token";
        throw ParseError({ctx_.file, mark.line + 1, mark.column + 1},
                         "YAML syntax error: " + found + " outside any [list] or {mapping} (',' separates entries only "
                         "inside brackets)");
      }
      last_start_ = mark.pos;
      ++documents_;
      root_pending_ = true;
    }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override { root_pending_ = false; }  // an empty document
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { value(mark); }
    void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override { value(mark); }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
      value(mark);
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
      value(mark);
    }
    void OnMapEnd() override {}

   private:
    // The first event of a document is its root value.
    void value(const YAML::Mark& mark) {
      if (!root_pending_) return;
      root_pending_ = false;
      if (documents_ > 1 && !second) second = SourceLocation{ctx_.file, mark.line + 1, mark.column + 1};
    }
    std::string_view text_;
    const YamlContext& ctx_;
    std::size_t documents_ = 0;
    int last_start_ = -1;
    bool root_pending_ = false;
  };
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  Scan scan(text, ctx);
  while (parser.HandleNextDocument(scan)) {
  }
  return scan.second;
}

std::string stem(const std::string& path) {
  auto slash = path.find_last_of('/');
  std::string s = slash == std::string::npos ? path : path.substr(slash + 1);
  auto dot = s.find('.');
  return dot == std::string::npos ? s : s.substr(0, dot);
}

}  // namespace

ModelVariant read_yaml_string(const std::string& file_text, const std::string& filename, const LoadOptions& options) {
  const YamlContext ctx{filename};
  const std::string_view text = detail::checked_text(file_text, filename);  // no BOM, no NUL, UTF-8
  bool blank = true;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) blank = false;
  if (blank) throw ParseError({filename, 0, 0}, "the file is empty; expected a YAML model");
  YAML::Node root;
  try {
    // Every document is parsed, so that a syntax error anywhere is reported and a second document is
    // refused instead of silently ignored; then the first is loaded on its own.
    if (const auto second = scan_documents(text, ctx))
      throw ParseError(*second, "a second YAML document (after '---'); a model file holds one document");
    root = YAML::Load(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    throw ParseError({filename, e.mark.line + 1, e.mark.column + 1},
                     "the YAML is nested too deeply (more than " + std::to_string(e.depth()) +
                         " levels of lists or mappings inside each other); a model needs only a few");
  } catch (const YAML::ParserException& e) {
    throw ParseError({filename, e.mark.line + 1, e.mark.column + 1}, "YAML syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    throw ParseError({filename, e.mark.line + 1, e.mark.column + 1}, std::string("YAML error: ") + e.msg);
  }
  if (!root || root.IsNull()) throw ParseError({filename, 0, 0}, "the file is empty (only comments); expected a YAML model");
  if (!root.IsMap()) ctx.fail(root, "the top level must be a mapping with 'type', 'variables', ...");
  try {
    check_unique_keys(root, ctx, text.size());
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

ModelVariant read_yaml_file(const std::string& path, const LoadOptions& options) {
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
  for (const auto& v : vars.all()) {
    os << "  " << quote(v.name) << ": ";
    if (v.values.empty()) os << list(v.states) << '\n';
    else os << "{states: " << list(v.states) << ", values: " << numbers(v.values) << "}\n";
  }
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
