#pragma once
// ---- issue 12: learning parameters from data (`pgm fit`, `pgm loglik`, Python's m.fit / m.loglik).
//
// Discrete Bayesian networks, complete data: maximum likelihood, θ[x | u] = (n[x, u] + a) /
// (n[u] + r·a) with a = 0 (no prior), A (dirichlet:A) or ESS / (r·q) (bdeu:ESS); r = the child's
// states, q = its parent configurations. A configuration u never seen (n[u] = 0) gets the uniform
// distribution (the prior's mean), and is counted in FitResult::unseen_parent_configurations.
// With a > 0 this is the posterior mode under Dirichlet(a + 1) pseudo-counts (MAP), and
// log_posterior = log_likelihood + Σ a · ln θ (the log posterior up to a constant).
//
// Missing cells, a variable with no column (latent), or FitOptions::em: expectation-maximisation
// from the model's own CPTs. E step: per row, each family's joint posterior given the row (one
// junction-tree calibration per row, the tree specialised per evidence pattern), summed into
// expected counts n̄; M step: the formula above with n̄ for n. Each iteration never decreases the
// log-likelihood (the log posterior under a prior). Stops after max_iter iterations or when the
// objective improves by less than tol (tol = 0: exactly max_iter iterations).
//
// Linear-Gaussian networks: per node, weights and intercept by least squares on its parents and
// variance = mean squared residual (maximum likelihood), from complete numeric data.
// Markov networks and Gaussians: UnsupportedError.
#include <pgm/query/batch.hpp>
#include <pgm/query/model.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgm::query {

struct Prior {
  enum class Kind { none, dirichlet, bdeu };
  Kind kind = Kind::none;
  double value = 0.0;  // A or ESS (> 0, finite)
};

// "none", "dirichlet:A", "bdeu:ESS" (A, ESS positive finite numbers). QueryError otherwise (the
// command line reports it as a usage error).
[[nodiscard]] Prior parse_prior(std::string_view text);

struct FitOptions {
  Prior prior;
  bool em = false;  // EM even on complete data
  std::size_t max_iter = 100;
  double tol = 1e-6;
  std::size_t threads = 0;  // E-step worker threads; 0: std::thread::hardware_concurrency()
  EngineOptions engine;     // max_memory_bytes for the junction tree
};

struct FitResult {
  explicit FitResult(Model fitted) : model(std::move(fitted)) {}
  Model model;  // the fitted model (same structure, states and names)
  bool em = false;
  double log_likelihood = 0.0;  // of the data under `model`
  std::vector<double> history;  // EM: l0 (start) .. lk; complete data: {log_likelihood}
  std::size_t iterations = 0;
  bool converged = true;
  std::string stop_reason;  // "tolerance", "max-iter" (EM) or "closed-form" (complete data)
  bool has_prior = false;
  double log_posterior = 0.0;  // with a prior: log_likelihood + Σ a ln θ
  std::vector<double> log_posterior_history;
  std::size_t rows = 0;
  std::size_t unseen_parent_configurations = 0;  // in the last M step
  std::vector<std::string> warnings;
};

// Reads every row of `source` (header: model variables, any subset, any order; a cell is a state
// name, a number for linear-Gaussian models, or empty = missing). QueryError naming "file:line"
// for a malformed record, an unknown column or state, a bad number, and for a row of probability
// zero under the current parameters in EM. UnsupportedError for Markov networks and Gaussians,
// and for missing values in a linear-Gaussian network.
[[nodiscard]] FitResult fit(const Model& model, BatchSource& source, const FitOptions& options = {});

// A linear-Gaussian network as pgm YAML (`type: linear-gaussian`), numbers written as the shortest
// decimal that reads back as the same double (Model::dumps writes discrete models only).
[[nodiscard]] std::string linear_gaussian_yaml(const LinearGaussianNetwork& lg);

struct LoglikResult {
  std::vector<double> rows;             // ln P(row) of each row answered, in order
  std::vector<std::size_t> row_numbers; // their data row numbers (1-based)
  double total = 0.0;
  std::size_t skipped = 0;
  std::vector<std::string> skipped_messages;
};

// ln P(row) per row (missing cells summed out) by query::BatchRunner in loglik mode; an
// impossible row is a QueryError naming where it is unless skip_bad_rows.
[[nodiscard]] LoglikResult loglik(const Model& model, BatchSource& source, bool skip_bad_rows = false,
                                  std::size_t threads = 0);

}  // namespace pgm::query
