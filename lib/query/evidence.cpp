// Evidence checked once against a model (see include/pgm/query/evidence.hpp).
#include <pgm/core/error.hpp>
#include <pgm/io/evidence.hpp>
#include <pgm/query/evidence.hpp>
#include <pgm/query/model.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <system_error>

namespace pgm::query {
namespace {

// Shortest text that reads back as the same double.
std::string exact(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}


// A continuous model's variable by name, refused in the words of the Gaussian's own lookup.
VariableId continuous_id(const Model& model, const std::string& name) {
  if (const auto v = model.find(name)) return *v;
  std::vector<std::string> names;
  for (const auto& var : model.variables()) names.push_back(var.name);
  throw QueryError("unknown variable '" + name + "'; the model has: " + join_names(names));
}

// Identity of a model's shared state, for checked_against().
std::weak_ptr<const void> identity(const Model& model) { return std::shared_ptr<const void>(model.state()); }

}  // namespace

// See evidence.hpp. A value below the smallest double is that nearest double, as strtod reads it.
double parse_value(const std::string& name, const std::string& text) {
  double v = 0;
  const char* b = text.data();
  const char* e = text.data() + text.size();
  if (b != e && *b == '+') ++b;
  const auto [p, ec] = std::from_chars(b, e, v);
  const std::string what = "value of '" + name + "' is '" + text + "'";
  if (ec == std::errc::result_out_of_range && p == e) {
    const double nearest = std::strtod(text.c_str(), nullptr);
    if (std::isfinite(nearest)) return nearest;
    throw QueryError(what + ", beyond the range of a double (about ±1.8e308)");
  }
  if (ec != std::errc() || p != e || text.empty()) throw QueryError(what + "; a continuous variable needs a number");
  if (!std::isfinite(v)) throw QueryError(what + "; a continuous variable needs a finite number");
  return v;
}

namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

}  // namespace

Assignments parse_assignments(std::span<const std::string> texts, std::string_view source, AssignmentItems items) {
  const bool point = items == AssignmentItems::coordinates;
  Assignments out;
  std::unordered_map<std::string_view, std::size_t> index;  // name -> position in out (views into texts)
  for (const std::string& text : texts) {
    std::string_view rest = text;
    while (true) {
      const auto comma = rest.find(',');
      const std::string_view item = trim(rest.substr(0, comma));
      const auto eq = item.find('=');
      const std::string_view name = eq == std::string_view::npos ? item : trim(item.substr(0, eq));
      const std::string_view state = eq == std::string_view::npos ? std::string_view{} : trim(item.substr(eq + 1));
      if (eq == std::string_view::npos || name.empty() || state.empty() || state.find('=') != std::string_view::npos) {
        throw MalformedAssignment(std::string(point ? "malformed coordinate '" : "malformed evidence '") +
                                  std::string(item) + "' in " + std::string(source) + " '" + text + "': expected NAME=" +
                                  (point ? "VALUE" : "STATE") + " items separated by commas");
      }
      if (const auto same = index.find(name); same == index.end()) {
        index.emplace(name, out.size());
        out.emplace_back(std::string(name), std::string(state));
      } else if (out[same->second].second != state) {
        throw QueryError("variable '" + std::string(name) + "' is given twice with different states: '" +
                         out[same->second].second + "' and '" + std::string(state) + "'");
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return out;
}

Assignments read_evidence_file(const std::string& path) {
  try {
    return io::read_evidence_file(path);
  } catch (const ParseError& e) {
    throw QueryError(e.what());
  } catch (const IoError& e) {
    throw QueryError(e.what());
  }
}

Assignments combine_assignments(Assignments first, std::string_view first_source, Assignments second,
                                std::string_view second_source) {
  std::unordered_map<std::string, std::size_t> index;  // name -> its first position in `first`
  for (std::size_t i = 0; i < first.size(); ++i) index.emplace(first[i].first, i);
  for (auto& [name, state] : second) {
    const auto same = index.find(name);
    if (same == index.end()) {
      index.emplace(name, first.size());
      first.emplace_back(std::move(name), std::move(state));
    } else if (first[same->second].second != state) {
      throw QueryError("variable '" + name + "' is given twice with different states: '" + first[same->second].second +
                       "' (in " + std::string(first_source) + ") and '" + state + "' (in " + std::string(second_source) +
                       ")");
    }
  }
  return first;
}

ContinuousEvidence parse_values(std::span<const std::pair<std::string, std::string>> pairs) {
  ContinuousEvidence out;
  out.reserve(pairs.size());
  for (const auto& [name, text] : pairs) out.emplace_back(name, parse_value(name, text));
  return out;
}

Evidence Evidence::from_names(const Model& model, std::span<const std::pair<std::string, std::string>> pairs) {
  if (!model.discrete()) {
    // Every value is read before any name is looked up, as the command line has always done.
    const ContinuousEvidence values = parse_values(pairs);
    Evidence e = from_values(model, values);
    // Quote the user's text, not the shortest form of the parsed number.
    e.as_given_.clear();
    std::unordered_set<std::string_view> seen;
    for (const auto& [name, text] : pairs)
      if (seen.insert(name).second) e.as_given_.emplace_back(name, text);
    return e;
  }
  const VariableSet& vars = model.variable_set();
  Evidence e;
  e.model_ = identity(model);
  e.hard_ = vars.evidence(pairs);  // unknown names/states listed, conflicts refused, sorted by id
  std::unordered_set<std::string_view> seen;  // first mention of each name, in the order given
  for (const auto& [name, state] : pairs)
    if (seen.insert(name).second) e.as_given_.emplace_back(name, state);
  for (const auto& [v, s] : e.hard_) e.names_.push_back(vars[v].name);
  return e;
}

Evidence Evidence::from_ids(const Model& model, std::span<const std::pair<VariableId, std::size_t>> pairs) {
  if (!model.discrete())
    throw QueryError("evidence by state index needs a discrete model; this is a " +
                     std::string(to_string(model.kind())) + " model (give values by name)");
  const VariableSet& vars = model.variable_set();
  std::vector<::pgm::Evidence::value_type> given(pairs.begin(), pairs.end());  // checked with names first
  for (std::size_t i = 0; i < given.size(); ++i) {
    const auto [v, s] = given[i];
    if (v >= vars.size())
      throw QueryError("evidence names variable id " + std::to_string(v) + ", but the model has " +
                       std::to_string(vars.size()) + " variables (ids 0 to " + std::to_string(vars.size() - 1) + ")");
    if (s >= vars[v].cardinality())
      throw QueryError("evidence gives variable '" + vars[v].name + "' state index " + std::to_string(s) +
                       ", but it has " + std::to_string(vars[v].cardinality()) +
                       " states: " + join_names(vars[v].states));
    for (std::size_t j = 0; j < i; ++j) {
      if (given[j].first == v && given[j].second != s)
        throw QueryError("variable '" + vars[v].name + "' is given twice with different states: '" +
                         vars[v].states[given[j].second] + "' and '" + vars[v].states[s] + "'");
    }
  }
  Evidence e;
  e.model_ = identity(model);
  std::vector<bool> seen(vars.size(), false);
  for (const auto& [v, s] : given)
    if (v < vars.size() && !seen[v]) {
      seen[v] = true;
      e.as_given_.emplace_back(vars[v].name, vars[v].states[s]);
    }
  e.hard_ = ::pgm::Evidence(std::move(given));
  for (const auto& [v, s] : e.hard_) e.names_.push_back(vars[v].name);
  return e;
}

Evidence Evidence::from_values(const Model& model, std::span<const std::pair<std::string, double>> pairs) {
  if (model.discrete())
    throw QueryError("numeric evidence needs a Gaussian or linear-Gaussian model; this is a " +
                     std::string(to_string(model.kind())) + " (give states by name)");
  std::vector<std::pair<VariableId, double>> by_id;
  Evidence e;
  e.model_ = identity(model);
  e.continuous_ = true;
  for (const auto& [name, value] : pairs) {
    const VariableId v = continuous_id(model, name);
    if (!std::isfinite(value))
      throw QueryError("value of '" + name + "' is " + exact(value) + "; a continuous variable needs a finite number");
    const auto same = std::find_if(by_id.begin(), by_id.end(), [&](const auto& p) { return p.first == v; });
    if (same == by_id.end()) {
      by_id.emplace_back(v, value);
      e.as_given_.emplace_back(name, exact(value));
      e.values_as_given_.emplace_back(name, value);
    } else if (same->second != value) {
      throw QueryError("variable '" + name + "' is given twice with different values: " + exact(same->second) +
                       " and " + exact(value));
    }
  }
  std::sort(by_id.begin(), by_id.end());
  for (const auto& [v, value] : by_id) {
    e.names_.push_back(model.variables()[v].name);
    e.values_.emplace_back(model.variables()[v].name, value);
  }
  return e;
}

std::string Evidence::text() const {
  std::string out;
  for (const auto& [name, state] : as_given_) out += (out.empty() ? "" : ", ") + name + "=" + state;
  return out;
}

bool Evidence::checked_against(const Model& model) const noexcept {
  const std::shared_ptr<const void> state(model.state());
  return !model_.owner_before(state) && !state.owner_before(model_);
}

Evidence Evidence::for_model(const Model& model) const {
  if (empty() || checked_against(model)) return *this;
  if (continuous_) return from_values(model, values_);
  // By name (as given), so the new model's ids and state indices are used.
  return from_names(model, as_given_);
}

}  // namespace pgm::query
