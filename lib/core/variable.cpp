#include <pgm/core/error.hpp>
#include <pgm/core/variable.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string_view>

namespace pgm {

std::string join_names(std::span<const std::string> names, std::size_t limit) {
  std::string s;
  for (std::size_t i = 0; i < names.size() && i < limit; ++i) {
    if (i) s += ", ";
    s += names[i];
  }
  if (names.size() > limit) s += ", ... (" + std::to_string(names.size()) + " in all)";
  return s;
}

std::optional<std::size_t> Variable::find_state(std::string_view state) const {
  for (std::size_t i = 0; i < states.size(); ++i)
    if (states[i] == state) return i;
  return std::nullopt;
}

std::size_t Variable::state_index(std::string_view state) const {
  if (auto i = find_state(state)) return *i;
  throw QueryError("variable '" + name + "' has no state '" + std::string(state) + "'; its states are: " +
                   join_names(states));
}

namespace {

// The first name equal to an earlier one, or nullptr. An open-addressing table of indices (linear
// probing, at most half full): a variable may have millions of states (a UAI cardinality), where a
// node-based hash set spent seconds in malloc and cache misses.
const std::string* first_repeat(const std::vector<std::string>& names) {
  if (names.size() < 2) return nullptr;
  std::size_t slots = 4;
  while (slots < 2 * names.size()) slots *= 2;
  constexpr std::uint32_t kEmpty = 0xffffffffu;
  std::vector<std::uint32_t> table(slots, kEmpty);
  const std::hash<std::string_view> hash;
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::size_t at = hash(names[i]) & (slots - 1);
    while (table[at] != kEmpty) {
      if (names[table[at]] == names[i]) return &names[i];
      at = (at + 1) & (slots - 1);
    }
    table[at] = static_cast<std::uint32_t>(i);
  }
  return nullptr;
}

}  // namespace

VariableId VariableSet::add(Variable v) {
  if (v.name.empty()) throw ModelError("a variable has an empty name");
  if (by_name_.count(v.name)) throw ModelError("variable '" + v.name + "' is declared twice");
  if (v.states.empty()) throw ModelError("variable '" + v.name + "' has no states");
  if (const std::string* twice = first_repeat(v.states))
    throw ModelError("variable '" + v.name + "' lists state '" + *twice + "' twice");
  if (!v.values.empty()) {
    if (v.values.size() != v.states.size())
      throw ModelError("variable '" + v.name + "' has " + std::to_string(v.states.size()) + " states but " +
                       std::to_string(v.values.size()) + " values");
    for (std::size_t s = 0; s < v.values.size(); ++s) {
      if (!std::isfinite(v.values[s]))
        throw ModelError("the value of state '" + v.states[s] + "' of variable '" + v.name + "' is not a finite number");
    }
  }
  const auto id = static_cast<VariableId>(variables_.size());
  by_name_.emplace(v.name, id);
  variables_.push_back(std::move(v));
  return id;
}

std::vector<std::size_t> VariableSet::cardinalities() const {
  std::vector<std::size_t> c(variables_.size());
  for (std::size_t i = 0; i < c.size(); ++i) c[i] = variables_[i].states.size();
  return c;
}

std::optional<VariableId> VariableSet::find(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

VariableId VariableSet::id(std::string_view name) const {
  if (auto i = find(name)) return *i;
  std::vector<std::string> names;
  names.reserve(variables_.size());
  for (const auto& v : variables_) names.push_back(v.name);
  throw QueryError("unknown variable '" + std::string(name) + "'; the model's variables are: " + join_names(names));
}

std::vector<VariableId> VariableSet::ids(std::span<const std::string> names) const {
  std::vector<VariableId> out;
  out.reserve(names.size());
  for (const auto& n : names) out.push_back(id(n));
  return out;
}

Evidence VariableSet::evidence(std::span<const std::pair<std::string, std::string>> assignments) const {
  std::vector<Evidence::value_type> e;
  e.reserve(assignments.size());
  for (const auto& [name, state] : assignments) {
    const VariableId v = id(name);
    e.emplace_back(v, variables_[v].state_index(state));
  }
  // Conflicts first, by name and with the states as given (Evidence itself only knows ids): sort
  // by id keeping the given order among repeats.
  std::stable_sort(e.begin(), e.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 1; i < e.size(); ++i) {
    if (e[i - 1].first == e[i].first && e[i - 1].second != e[i].second) {
      const Variable& var = variables_[e[i].first];
      throw QueryError("evidence gives variable '" + var.name + "' two different states: '" +
                       var.states[e[i - 1].second] + "' and '" + var.states[e[i].second] + "'");
    }
  }
  return Evidence(std::move(e));
}

void Evidence::normalise() {
  const auto by_id = [](const value_type& a, const value_type& b) { return a.first < b.first; };
  // The common case, already sorted without repeats, costs one pass.
  bool strictly_sorted = true;
  for (std::size_t i = 1; i < pairs_.size() && strictly_sorted; ++i) strictly_sorted = pairs_[i - 1].first < pairs_[i].first;
  if (strictly_sorted) return;
  std::stable_sort(pairs_.begin(), pairs_.end(), by_id);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < pairs_.size(); ++i) {
    if (kept > 0 && pairs_[kept - 1].first == pairs_[i].first) {
      if (pairs_[kept - 1].second != pairs_[i].second) {
        throw QueryError("evidence gives variable id " + std::to_string(pairs_[i].first) +
                         " two different states: index " + std::to_string(pairs_[kept - 1].second) + " and index " +
                         std::to_string(pairs_[i].second));
      }
      continue;
    }
    pairs_[kept++] = pairs_[i];
  }
  pairs_.resize(kept);
}

void Evidence::insert(VariableId v, std::size_t state) {
  if (pairs_.empty() || pairs_.back().first < v) {
    pairs_.emplace_back(v, state);
    return;
  }
  const auto it = std::lower_bound(pairs_.begin(), pairs_.end(), v,
                                   [](const value_type& p, VariableId x) { return p.first < x; });
  if (it != pairs_.end() && it->first == v) {
    if (it->second != state) {
      throw QueryError("evidence gives variable id " + std::to_string(v) + " two different states: index " +
                       std::to_string(it->second) + " and index " + std::to_string(state));
    }
    return;
  }
  pairs_.insert(it, {v, state});
}

const Evidence::value_type* Evidence::find(VariableId v) const noexcept {
  const auto it = std::lower_bound(pairs_.begin(), pairs_.end(), v,
                                   [](const value_type& p, VariableId x) { return p.first < x; });
  return it != pairs_.end() && it->first == v ? &*it : nullptr;
}

}  // namespace pgm
