// Evidence checked once against a model (see include/pgm/query/evidence.hpp).
#include <pgm/core/error.hpp>
#include <pgm/query/evidence.hpp>
#include <pgm/query/model.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <string_view>
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

Evidence Evidence::from_names(const Model& model, std::span<const std::pair<std::string, std::string>> pairs) {
  if (!model.discrete()) {
    std::vector<std::pair<std::string, double>> values;
    values.reserve(pairs.size());
    for (const auto& [name, text] : pairs) {
      (void)model.id(name);  // unknown names first, as for discrete models
      values.emplace_back(name, parse_value(name, text));
    }
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
    const VariableId v = model.id(name);
    if (!std::isfinite(value))
      throw QueryError("value of '" + name + "' is " + exact(value) + "; a continuous variable needs a finite number");
    const auto same = std::find_if(by_id.begin(), by_id.end(), [&](const auto& p) { return p.first == v; });
    if (same == by_id.end()) {
      by_id.emplace_back(v, value);
      e.as_given_.emplace_back(name, exact(value));
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
