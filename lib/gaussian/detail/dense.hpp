#pragma once
// PRIVATE: the dense kernels of Gaussian conditioning (Cholesky, triangular solve, symmetric rank
// update). With PGM_HAVE_OPENBLAS they call OpenBLAS/LAPACK directly (dpotrf, dtrsm, dsyrk, dpocon);
// otherwise Eigen's own. They are called explicitly rather than by defining EIGEN_USE_BLAS, which
// would swap the definitions of Eigen templates that other translation units (tests, users of the
// public headers) instantiate without it — an ODR violation. Only this file's .cpp sees BLAS.
#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <utility>

namespace pgm::gaussian_detail {

// The lower Cholesky factor of a symmetric positive definite matrix (stored in full: both
// triangles, as every caller has it).
class DenseCholesky {
 public:
  explicit DenseCholesky(const Eigen::MatrixXd& m);
  // False when the factorisation broke down (not positive definite to working precision).
  [[nodiscard]] bool success() const noexcept { return ok_; }
  // L with the strict upper triangle zero.
  [[nodiscard]] const Eigen::MatrixXd& matrix_l() const noexcept { return l_; }
  [[nodiscard]] Eigen::MatrixXd take_matrix_l() && noexcept { return std::move(l_); }
  // Estimate of the reciprocal 1-norm condition number of the factored matrix (0 on failure).
  [[nodiscard]] double rcond() const;
  // b := L⁻¹ b.
  void solve_lower_in_place(Eigen::MatrixXd& b) const;
  void solve_lower_in_place(Eigen::VectorXd& b) const;
  // (L Lᵀ)⁻¹ b.
  [[nodiscard]] Eigen::MatrixXd solve(Eigen::MatrixXd b) const;

 private:
  Eigen::MatrixXd l_;
#ifndef PGM_HAVE_OPENBLAS
  Eigen::LLT<Eigen::MatrixXd> llt_;  // Eigen's path keeps its own factor for its rcond estimate
#endif
  [[maybe_unused]] double l1_norm_ = 0;  // read by the OpenBLAS rcond only
  bool ok_ = false;
};

// c := c − wᵀw, written to both triangles (c symmetric; w is k × c.rows()).
void subtract_gram(Eigen::MatrixXd& c, const Eigen::MatrixXd& w);

// Whether the kernels above run on OpenBLAS.
[[nodiscard]] bool dense_uses_blas() noexcept;

}  // namespace pgm::gaussian_detail
