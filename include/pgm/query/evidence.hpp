#pragma once
// pgm::query::Evidence: observations checked against a model once, then trusted by every engine.
// Hard evidence (a state per discrete variable) and continuous evidence (a value per Gaussian
// variable). Always sorted by variable id, one entry per variable; a variable given twice must
// agree (QueryError otherwise); unknown names or states are refused with a QueryError listing what
// exists.
//
// Soft (virtual, likelihood) evidence (Pearl): a non-negative likelihood λ(x) per state of a
// discrete variable X, as if an auxiliary child of X had been observed with P(obs | x) ∝ λ(x). The
// posterior is proportional to P(x, hard evidence) · Π λ(x) and P(e) becomes
// Σ_x P(x, e_hard) Π λ(x) (the scale of λ matters for P(e), not for posteriors). Engines multiply
// each λ in as a unary factor; engines that cannot are refused by name (EngineInfo::soft_evidence).
// See docs/soft-evidence.md.
#include <pgm/core/error.hpp>
#include <pgm/core/factor.hpp>
#include <pgm/core/variable.hpp>
#include <pgm/gaussian/gaussian.hpp>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
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

// Every pair's text read by parse_value, in the order given (names are not looked up here).
[[nodiscard]] ContinuousEvidence parse_values(std::span<const std::pair<std::string, std::string>> pairs);

// ---- Assignments as people write them ("A=a, B=b"), read the same way by every front end.

// What an assignment text lists: states of discrete variables (or values of continuous ones given
// as evidence), or the coordinates of a point. Only the wording of MalformedAssignment differs.
enum class AssignmentItems { states, coordinates };

// A text that is not NAME=STATE items separated by commas. A QueryError, so callers that do not
// distinguish see bad evidence; the command line reports it as a usage error.
class MalformedAssignment : public QueryError {
 public:
  using QueryError::QueryError;
};

// Reads texts such as "A=a, B=b" (one per occurrence of an option, or one per call) into name/state
// pairs in the order given, spaces and tabs around names and states trimmed, each name once (a
// repeat with the same state is dropped). `source` is what the caller calls the texts ("--given",
// "evidence"); messages quote it. MalformedAssignment on an item without '=', with an empty name or
// state, or with a second '='; QueryError on a variable given two different states. Names are not
// checked against a model here (Evidence::from_names does that).
[[nodiscard]] Assignments parse_assignments(std::span<const std::string> texts, std::string_view source,
                                            AssignmentItems items = AssignmentItems::states);

// An evidence file (UAI .evid, or NAME=STATE lines; see io::read_evidence_file) as pairs in file
// order. An unreadable or malformed file is bad evidence: QueryError with its file:line message.
[[nodiscard]] Assignments read_evidence_file(const std::string& path);

// `first` then the pairs of `second` whose names `first` lacks. A name in both must have the same
// state: QueryError "variable 'X' is given twice with different states: 'a' (in FIRST_SOURCE) and
// 'b' (in SECOND_SOURCE)" otherwise. Repeats within `first` are kept for Evidence to check.
[[nodiscard]] Assignments combine_assignments(Assignments first, std::string_view first_source, Assignments second,
                                              std::string_view second_source);

// Soft evidence as front ends read it: (name, one likelihood per state in declared state order).
using SoftAssignments = std::vector<std::pair<std::string, std::vector<double>>>;

// Reads soft-evidence texts "X=0.8,0.2" (one variable per text, as one --soft option gives it) in
// the order given, spaces and tabs trimmed; a variable may appear more than once (Evidence::with_soft
// multiplies the repeats). MalformedAssignment when a text is not NAME=NUMBER,NUMBER,... (no '=',
// an empty name or item, something that is not a number); the numbers themselves (sign, finiteness,
// count) are checked against the model by with_soft. `source` names the texts in messages ("--soft").
[[nodiscard]] SoftAssignments parse_soft(std::span<const std::string> texts, std::string_view source);

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

  // This evidence plus soft evidence on `model` (discrete only: QueryError for continuous models),
  // checked once: QueryError naming the variable for an unknown name, a count of numbers other than
  // its number of states, a negative, NaN or infinite likelihood, or all zeros. A variable given
  // soft evidence twice (here, or here and before) gets the product of the likelihoods, as two
  // independent virtual observations (two auxiliary children) would give. A hard-observed variable
  // may also have soft evidence: λ at its observed state scales P(e) (λ = 0 there makes P(e) = 0).
  [[nodiscard]] Evidence with_soft(const Model& model, const SoftAssignments& soft) const;

  // No hard (or continuous) evidence; soft evidence may still be present (has_soft()).
  [[nodiscard]] bool empty() const noexcept { return names_.empty(); }
  [[nodiscard]] bool has_soft() const noexcept { return !soft_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return names_.size(); }
  [[nodiscard]] bool continuous() const noexcept { return continuous_; }

  // Discrete: (id, state index) sorted by id, in the engines' representation. Empty when continuous.
  [[nodiscard]] const ::pgm::Evidence& hard() const noexcept { return hard_; }
  // Continuous: (name, value) sorted by id. Empty when discrete.
  [[nodiscard]] const ContinuousEvidence& values() const noexcept { return values_; }
  // Continuous: (name, value) in the order first given (repeats removed). Empty when discrete.
  [[nodiscard]] const ContinuousEvidence& values_as_given() const noexcept { return values_as_given_; }
  // Observed variables by name, sorted by id.
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }
  // The pairs as first given (repeats removed), for messages that quote the user's evidence:
  // states by name (discrete) or values as text (continuous).
  [[nodiscard]] const Assignments& as_given() const noexcept { return as_given_; }
  // Soft evidence: (id, likelihoods) sorted by id, one entry per variable (repeats multiplied).
  [[nodiscard]] const std::vector<std::pair<VariableId, std::vector<double>>>& soft() const noexcept { return soft_; }
  // The same as (name, likelihoods) in the order first given, for output.
  [[nodiscard]] const SoftAssignments& soft_as_given() const noexcept { return soft_as_given_; }
  // The same as unary factors sorted by id: what engines multiply in.
  [[nodiscard]] const std::vector<Factor>& soft_factors() const noexcept { return soft_factors_; }
  // "A=a, B=b" in the order given, then "soft X=[0.8, 0.2]" per soft-evidence variable; empty
  // without evidence.
  [[nodiscard]] std::string text() const;
  // "X=[0.8, 0.2], Y=[...]" (soft evidence only); empty without it.
  [[nodiscard]] std::string soft_text() const;

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
  ContinuousEvidence values_as_given_;
  std::vector<std::string> names_;
  Assignments as_given_;
  std::vector<std::pair<VariableId, std::vector<double>>> soft_;
  SoftAssignments soft_as_given_;
  std::vector<Factor> soft_factors_;
};

// ---- Jeffrey's rule: fixing the posterior marginal of X to a given distribution q, the rest
// following as P'(·) = Σ_x q(x) P(· | x, e). It equals soft evidence with λ(x) = q(x) / P(x | e).

// Jeffrey targets as front ends read them: (name, q in declared state order).
using JeffreyTargets = SoftAssignments;

// The soft evidence that imposes the Jeffrey targets on top of `evidence` (hard and soft): returns
// `evidence` with the likelihoods added. Each q is checked (discrete variable, one number per
// state, finite, non-negative, summing to 1 within 1e-9; a variable named twice is refused);
// QueryError when q(x) > 0 where P(x | e) = 0 (that marginal cannot be reached). Several targets:
// iterative proportional fitting (each in turn rescaled to its q) until every marginal is within
// 1e-12 of its target, at most 1000 sweeps (QueryError when they do not meet: the targets are
// inconsistent with the model, or only reachable in the limit). The likelihoods are scaled so
// that P(e) stays that of `evidence` (Jeffrey's rule observes nothing). Computed by variable
// elimination ("ve") within max_memory_bytes (LimitError beyond).
[[nodiscard]] Evidence jeffrey_evidence(const Model& model, const Evidence& evidence,
                                        const JeffreyTargets& targets,
                                        std::size_t max_memory_bytes = std::size_t{8} << 30);

}  // namespace pgm::query
