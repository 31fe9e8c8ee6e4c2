#pragma once
// pgm::query::Evidence: observations checked against a model once, then trusted by every engine.
// Hard evidence (a state per discrete variable) and continuous evidence (a value per Gaussian
// variable). Always sorted by variable id, one entry per variable; a variable given twice must
// agree (QueryError otherwise); unknown names or states are refused with a QueryError listing what
// exists. Soft (likelihood) evidence is the next issue's: it will be one more member here (a weight
// vector per variable), and engines that cannot use it will refuse it by name.
#include <pgm/core/variable.hpp>
#include <pgm/gaussian/gaussian.hpp>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace pgm::query {

class Model;

// name=state pairs as front ends read them (in the order given).
using Assignments = std::vector<std::pair<std::string, std::string>>;

// A value a continuous variable can take, from text: a finite decimal number ("+" allowed; a value
// below the smallest double is that nearest double). QueryError naming `name` and the text otherwise.
// Every front end reads continuous evidence through this one function.
[[nodiscard]] double parse_value(const std::string& name, const std::string& text);

class Evidence {
 public:
  // No evidence: valid for every model.
  Evidence() = default;

  // name=state pairs against a discrete model. For a continuous model the states are numbers as
  // text ("3.0", "-1e-3"), read as the command line reads them (finite decimals; QueryError
  // otherwise), giving continuous evidence.
  [[nodiscard]] static Evidence from_names(const Model& model, std::span<const std::pair<std::string, std::string>> pairs);
  // id=state-index pairs against a discrete model; QueryError on ids or states out of range.
  [[nodiscard]] static Evidence from_ids(const Model& model, std::span<const std::pair<VariableId, std::size_t>> pairs);
  // name=value pairs against a continuous model; QueryError on unknown names, non-finite values,
  // conflicting repeats, or a discrete model.
  [[nodiscard]] static Evidence from_values(const Model& model, std::span<const std::pair<std::string, double>> pairs);

  [[nodiscard]] bool empty() const noexcept { return names_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return names_.size(); }
  [[nodiscard]] bool continuous() const noexcept { return continuous_; }

  // Discrete: (id, state index) sorted by id, in the engines' representation. Empty when continuous.
  [[nodiscard]] const ::pgm::Evidence& hard() const noexcept { return hard_; }
  // Continuous: (name, value) sorted by id. Empty when discrete.
  [[nodiscard]] const ContinuousEvidence& values() const noexcept { return values_; }
  // Observed variables by name, sorted by id.
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }
  // The pairs as first given (repeats removed), for messages that quote the user's evidence:
  // states by name (discrete) or values as text (continuous).
  [[nodiscard]] const Assignments& as_given() const noexcept { return as_given_; }
  // "A=a, B=b" in the order given; empty without evidence.
  [[nodiscard]] std::string text() const;

  // True when built against this model (or a copy of it).
  [[nodiscard]] bool checked_against(const Model& model) const noexcept;
  // This evidence for `model`: itself when checked against it, otherwise re-resolved by name
  // (QueryError if the names or states do not exist there).
  [[nodiscard]] Evidence for_model(const Model& model) const;

 private:
  std::weak_ptr<const void> model_;  // the shared state it was checked against (identity only)
  bool continuous_ = false;
  ::pgm::Evidence hard_;
  ContinuousEvidence values_;
  std::vector<std::string> names_;
  Assignments as_given_;
};

}  // namespace pgm::query
