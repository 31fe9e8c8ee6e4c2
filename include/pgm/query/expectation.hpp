#pragma once
// Numeric summaries of one or two variables from the exact posterior (issue 12, "the lesson's
// toolkit"): E[X], Var[X], Cov(X, Y) and the correlation when the states have numeric values, and
// for any states the entropy H(X), the mutual information I(X; Y) and the conditional mutual
// information I(X; Y | Z), all in nats with 0 ln 0 = 0.
//
// Discrete models: from Model::joint of X, Y (and Z) given the evidence. A variable's numeric values
// are, in order of preference, those given in `values`, else its state names when every one reads
// as a finite decimal number ("0", "1.5", "-2"). Continuous models (Gaussian, linear-Gaussian): from
// the posterior mean and covariance; entropy is differential entropy ½ ln((2πe)^k det Σ) and
// I(X; Y) = −½ ln(1 − ρ²).
#include <pgm/query/evidence.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgm::query {

class Model;

// Numeric values of states, by variable name (one per state, in declared state order).
using StateValues = std::vector<std::pair<std::string, std::vector<double>>>;

// Reads "--values"-style texts "X=0,1,2" (one variable per text), spaces trimmed. MalformedAssignment
// (a QueryError the command line reports as a usage error) when a text is not NAME=NUMBER,NUMBER,...
// with finite numbers, or names a variable twice. `source` names the texts in messages.
[[nodiscard]] StateValues parse_state_values(std::span<const std::string> texts, std::string_view source = "--values");

// The value of a state name read as a number: a finite decimal ("0", "-2", "1.5", "3e2"), else nullopt.
[[nodiscard]] std::optional<double> numeric_state(std::string_view state);

struct ExpectOptions {
  StateValues values;              // overrides numeric state names; counts checked (QueryError)
  std::vector<std::string> given_set;  // Z for I(X; Y | Z); needs Y
  std::string method = "auto";     // the engine for the joint (discrete models)
};

struct Expectation {
  std::vector<std::string> variables;  // X, then Y when given
  bool continuous = false;             // a Gaussian or linear-Gaussian model
  // Per variable, in `variables` order; nullopt when that variable has no numeric values.
  std::vector<std::optional<double>> expectation;
  std::vector<std::optional<double>> variance;
  // Entropy per variable (nats; differential for continuous models).
  std::vector<double> entropy;
  // With Y: set when both have numeric values. The correlation is nullopt (JSON null) when a
  // variance is 0; has_correlation tells "not applicable" apart from that.
  std::optional<double> covariance;
  bool has_correlation = false;
  std::optional<double> correlation;
  // With Y.
  std::optional<double> mutual_information;
  // With a given set.
  std::vector<std::string> given_set;
  std::optional<double> conditional_mutual_information;
  // The evidence as name/state (or value) pairs, as given.
  Assignments evidence;
};

// E, Var, Cov, correlation, H, I and I(·|Z) of `variables` (one or two distinct names) given the
// evidence. QueryError on unknown names, X = Y, a given set without Y or overlapping X or Y, values
// for an unknown variable or with the wrong count, a given set on a continuous model that is empty
// after the evidence, or impossible evidence (ZeroProbabilityEvidence).
[[nodiscard]] Expectation expect(const Model& model, const std::vector<std::string>& variables,
                                 const Evidence& evidence = {}, const ExpectOptions& options = {});

}  // namespace pgm::query
