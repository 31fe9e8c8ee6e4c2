#pragma once
// A multivariate Gaussian over named continuous variables, in moment form (mean, covariance).
// Everything is closed form; every solve goes through the Cholesky factor computed once on
// construction, so no explicit inverse is ever formed.
#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgm {

class CanonicalForm;

// |S_ij - S_ji| must be within this times max(1, max |S_kl|) for a matrix to count as symmetric.
inline constexpr double kSymmetryTolerance = 1e-9;
// Conditioning on a block whose reciprocal condition number is below this adds a warning.
inline constexpr double kIllConditionedRcond = 1e-10;
// Default threshold on |partial correlation| (or |correlation|) below which an entry counts as zero
// for the independence queries.
inline constexpr double kIndependenceTolerance = 1e-9;

// A (name, value) observation of a continuous variable.
using ContinuousEvidence = std::vector<std::pair<std::string, double>>;

class Gaussian {
 public:
  // An empty (zero-dimensional) Gaussian; only useful as a placeholder.
  Gaussian() = default;
  // Validates: names unique and non-empty, sizes agree, entries finite, covariance symmetric within
  // kSymmetryTolerance, positive definite (Cholesky succeeds). Throws ModelError saying which check
  // failed. The stored covariance is the symmetrised input.
  Gaussian(std::vector<std::string> names, Eigen::VectorXd mean, Eigen::MatrixXd covariance,
           std::string name = {});
  // Same checks applied to the precision matrix; the covariance is obtained by Cholesky solves.
  [[nodiscard]] static Gaussian from_precision(std::vector<std::string> names, Eigen::VectorXd mean,
                                               const Eigen::MatrixXd& precision, std::string name = {});

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] std::size_t size() const noexcept { return names_.size(); }
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }
  [[nodiscard]] const Eigen::VectorXd& mean() const noexcept { return mean_; }
  [[nodiscard]] const Eigen::MatrixXd& covariance() const noexcept { return covariance_; }
  // Lower-triangular L with covariance = L Lᵀ (strict upper part zero).
  [[nodiscard]] const Eigen::MatrixXd& cholesky_factor() const noexcept { return chol_; }

  // Index of a variable, or nullopt / QueryError listing the known names.
  [[nodiscard]] std::optional<std::size_t> find(std::string_view name) const;
  [[nodiscard]] std::size_t index(std::string_view name) const;
  // Indices of names; QueryError on an unknown or repeated name.
  [[nodiscard]] std::vector<std::size_t> indices(std::span<const std::string> names) const;

  // The precision matrix (covariance⁻¹, obtained by Cholesky solves).
  [[nodiscard]] Eigen::MatrixXd precision() const;
  // 2-norm condition number λmax/λmin of the covariance (eigenvalues; O(n³)).
  [[nodiscard]] double condition_number() const;

  // The joint of a subset of the variables, in the order given.
  [[nodiscard]] Gaussian marginal(std::span<const std::string> names) const;
  // The distribution of the remaining variables given observed values (Schur complement with
  // Cholesky solves). QueryError on unknown/repeated names or non-finite values. If the observed
  // block is ill-conditioned (reciprocal condition estimate below kIllConditionedRcond) a message
  // is appended to *warnings (when given); if the result is not numerically positive definite,
  // NumericalError rather than a meaningless answer.
  [[nodiscard]] Gaussian condition(const ContinuousEvidence& evidence,
                                   std::vector<std::string>* warnings = nullptr) const;
  // Posterior over `targets` given evidence: condition, then marginalise. Targets may not be observed.
  [[nodiscard]] Gaussian posterior(std::span<const std::string> targets, const ContinuousEvidence& evidence,
                                   std::vector<std::string>* warnings = nullptr) const;

  // x is a full point in variable order. QueryError on a size mismatch.
  [[nodiscard]] double log_density(const Eigen::VectorXd& x) const;
  [[nodiscard]] double density(const Eigen::VectorXd& x) const;
  [[nodiscard]] double mahalanobis(const Eigen::VectorXd& x) const;
  // A full point from name=value pairs; QueryError unless every variable is given exactly once.
  [[nodiscard]] Eigen::VectorXd point(const ContinuousEvidence& values) const;

  // n draws as rows (n × size()), μ + L z with z standard normal from std::mt19937_64(seed).
  // Deterministic given the seed.
  [[nodiscard]] Eigen::MatrixXd sample(std::size_t n, std::uint64_t seed) const;

  // Differential entropy in nats: ½ log det(2πe Σ).
  [[nodiscard]] double entropy() const;
  // log det Σ from the Cholesky diagonal.
  [[nodiscard]] double log_det_covariance() const;

  [[nodiscard]] CanonicalForm to_canonical() const;

  // X ⊥ Y | Z: the X–Y block of the precision of the marginal over X ∪ Y ∪ Z is zero, i.e. every
  // partial correlation has magnitude ≤ tolerance. With Z empty this is marginal independence.
  // QueryError on unknown names or overlapping sets.
  [[nodiscard]] bool conditionally_independent(std::span<const std::string> x, std::span<const std::string> y,
                                               std::span<const std::string> z,
                                               double tolerance = kIndependenceTolerance) const;
  // X ⊥ Y: every correlation between X and Y has magnitude ≤ tolerance.
  [[nodiscard]] bool marginally_independent(std::span<const std::string> x, std::span<const std::string> y,
                                            double tolerance = kIndependenceTolerance) const;
  // Pairs (i < j) whose partial correlation given all the others is zero within tolerance — the
  // missing edges of the Gaussian graphical model.
  [[nodiscard]] std::vector<std::pair<std::size_t, std::size_t>> precision_zeros(
      double tolerance = kIndependenceTolerance) const;

 private:
  struct Trusted {};
  // Takes an already validated covariance and its lower Cholesky factor (results of marginal/condition).
  Gaussian(Trusted, std::vector<std::string> names, Eigen::VectorXd mean, Eigen::MatrixXd covariance,
           Eigen::MatrixXd chol, std::string name);
  // Σ⁻¹ b by two triangular solves with the factor.
  [[nodiscard]] Eigen::MatrixXd solve(Eigen::MatrixXd b) const;

  std::string name_;
  std::vector<std::string> names_;
  Eigen::VectorXd mean_;
  Eigen::MatrixXd covariance_;
  // Lower-triangular Cholesky factor of covariance_ (strict upper part zero). Held as a plain
  // matrix rather than Eigen::LLT so a factor known from a larger one can be reused as is.
  Eigen::MatrixXd chol_;
};

// Threads the dense linear algebra of the Gaussian models (Cholesky factorisations, triangular
// solves, rank updates) may use when it runs on OpenBLAS; default 1, so results and timings do not
// depend on the machine's core count. Process-wide (OpenBLAS's own setting); no effect without BLAS.
void set_linear_algebra_threads(int n) noexcept;
[[nodiscard]] int linear_algebra_threads() noexcept;

// KL(p ‖ q) in nats. QueryError unless both are over the same variables (any order; q is
// aligned to p by name).
[[nodiscard]] double kl_divergence(const Gaussian& p, const Gaussian& q);

}  // namespace pgm
