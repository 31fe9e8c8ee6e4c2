#pragma once
// Variables of a discrete model: a name and ordered state names, held by a VariableSet that maps
// names to dense ids. Ids are indices 0..n-1 in declaration order.
#include <cstdint>
#include <initializer_list>
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
  // Numeric values of the states, one per state in order (a YAML variable's `values:`), or empty:
  // what E[X] and Var[X] use when the state names are not numbers themselves.
  std::vector<double> values{};

  [[nodiscard]] std::size_t cardinality() const noexcept { return states.size(); }
  // Index of a state name, or nullopt.
  [[nodiscard]] std::optional<std::size_t> find_state(std::string_view state) const;
  // Index of a state name; QueryError listing the states when unknown.
  [[nodiscard]] std::size_t state_index(std::string_view state) const;

  friend bool operator==(const Variable&, const Variable&) = default;
};

// Hard evidence: the observed state index of each observed variable, always sorted by id with
// each variable once, so every consumer may binary-search it (find()). Built from pairs in any
// order: a variable given twice with the same state is kept once, with two different states is a
// QueryError naming its id. Whether ids and states fit a model is checked by the model's consumers
// (checked_evidence(), VariableSet::evidence()), which know the model.
//
// Read-only access (iteration, operator[], size) is that of a sorted vector of (id, state)
// pairs. Construction sorts in place: no allocation beyond the pairs' own vector.
class Evidence {
 public:
  using value_type = std::pair<VariableId, std::size_t>;
  using const_iterator = std::vector<value_type>::const_iterator;
  using iterator = const_iterator;
  using size_type = std::size_t;

  Evidence() = default;
  // Implicit, so `Evidence{{v, s}, ...}` and a vector of pairs keep working where Evidence is taken.
  Evidence(std::initializer_list<value_type> pairs) : pairs_(pairs) { normalise(); }
  Evidence(std::vector<value_type> pairs) : pairs_(std::move(pairs)) { normalise(); }
  template <class It>
  Evidence(It first, It last) : pairs_(first, last) { normalise(); }

  // Observes v in `state`, in id order: appending when v is above every id so far (O(1)), else an
  // insertion (O(size); construct from a vector to add many pairs out of order). QueryError if v
  // is already observed in another state; nothing changes when it is observed in the same one.
  void insert(VariableId v, std::size_t state);
  void emplace_back(VariableId v, std::size_t state) { insert(v, state); }
  void push_back(const value_type& p) { insert(p.first, p.second); }
  void reserve(std::size_t n) { pairs_.reserve(n); }
  void clear() noexcept { pairs_.clear(); }

  [[nodiscard]] std::size_t size() const noexcept { return pairs_.size(); }
  [[nodiscard]] bool empty() const noexcept { return pairs_.empty(); }
  [[nodiscard]] const_iterator begin() const noexcept { return pairs_.begin(); }
  [[nodiscard]] const_iterator end() const noexcept { return pairs_.end(); }
  [[nodiscard]] const value_type& operator[](std::size_t i) const { return pairs_[i]; }
  [[nodiscard]] const value_type& front() const { return pairs_.front(); }
  [[nodiscard]] const value_type& back() const { return pairs_.back(); }
  [[nodiscard]] const std::vector<value_type>& pairs() const noexcept { return pairs_; }
  // The observation of v, or nullptr (binary search).
  [[nodiscard]] const value_type* find(VariableId v) const noexcept;
  [[nodiscard]] bool contains(VariableId v) const noexcept { return find(v) != nullptr; }

  friend bool operator==(const Evidence&, const Evidence&) = default;

 private:
  void normalise();  // sort by id, merge equal repeats, refuse conflicting ones
  std::vector<value_type> pairs_;
};

// The ordered variables of a model with O(1) lookup by name.
class VariableSet {
 public:
  VariableSet() = default;

  // Adds a variable; ModelError on a duplicate name, an empty name, no states, duplicate states, or
  // values that are not one finite number per state.
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
