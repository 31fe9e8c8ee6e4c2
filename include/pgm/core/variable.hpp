#pragma once
// Variables of a discrete model: a name and ordered state names, held by a VariableSet that maps
// names to dense ids. Ids are indices 0..n-1 in declaration order.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pgm {

using VariableId = std::uint32_t;

struct Variable {
  std::string name;
  std::vector<std::string> states;

  [[nodiscard]] std::size_t cardinality() const noexcept { return states.size(); }
  // Index of a state name, or nullopt.
  [[nodiscard]] std::optional<std::size_t> find_state(std::string_view state) const;
  // Index of a state name; QueryError listing the states when unknown.
  [[nodiscard]] std::size_t state_index(std::string_view state) const;

  friend bool operator==(const Variable&, const Variable&) = default;
};

// Hard evidence: observed state index per variable, ordered by id.
using Evidence = std::vector<std::pair<VariableId, std::size_t>>;

// The ordered variables of a model with O(1) lookup by name.
class VariableSet {
 public:
  VariableSet() = default;

  // Adds a variable; ModelError on a duplicate name, an empty name, no states, or duplicate states.
  VariableId add(Variable v);

  [[nodiscard]] std::size_t size() const noexcept { return variables_.size(); }
  [[nodiscard]] bool empty() const noexcept { return variables_.empty(); }
  [[nodiscard]] const Variable& operator[](VariableId id) const { return variables_[id]; }
  [[nodiscard]] const std::vector<Variable>& all() const noexcept { return variables_; }
  [[nodiscard]] std::vector<std::size_t> cardinalities() const;

  [[nodiscard]] std::optional<VariableId> find(std::string_view name) const;
  // QueryError listing the known names when unknown.
  [[nodiscard]] VariableId id(std::string_view name) const;
  [[nodiscard]] std::vector<VariableId> ids(std::span<const std::string> names) const;

  // Resolves name=state pairs; QueryError on unknown names or states (listing what exists) and on
  // a variable given twice with different states. Result is sorted by id.
  [[nodiscard]] Evidence evidence(std::span<const std::pair<std::string, std::string>> assignments) const;

  friend bool operator==(const VariableSet& a, const VariableSet& b) { return a.variables_ == b.variables_; }

 private:
  std::vector<Variable> variables_;
  std::unordered_map<std::string, VariableId> by_name_;
};

// "a, b, c" — used by error messages that list what exists.
[[nodiscard]] std::string join_names(std::span<const std::string> names, std::size_t limit = 50);

}  // namespace pgm
