#pragma once
// PRIVATE: validation shared by Gaussian, CanonicalForm and LinearGaussianNetwork. Every failure is
// a ModelError that says which check failed and what was found.
#include <pgm/core/error.hpp>

#include "gaussian/detail/dense.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <string>
#include <string_view>
#include <vector>

namespace pgm::gaussian_detail {

// Shortest text that reads back as the same double, for messages.
[[nodiscard]] std::string num(double x);

// Non-empty, unique names.
void check_names(const std::vector<std::string>& names, std::string_view what);
void check_vector(const Eigen::VectorXd& v, const std::vector<std::string>& names, std::string_view what);
// Square, one row/column per name, finite, symmetric within kSymmetryTolerance.
void check_symmetric_matrix(const Eigen::MatrixXd& m, const std::vector<std::string>& names, std::string_view what);
// Cholesky factor of a symmetric matrix; ModelError "<what> is not positive definite" naming the
// first variable whose pivot fails. Pivots below a few ulps of the diagonal count as failures:
// such a matrix is singular to working precision and its factor would be noise.
[[nodiscard]] DenseCholesky factor_positive_definite(const Eigen::MatrixXd& m, const std::vector<std::string>& names,
                                                   std::string_view what);
// True if the factor is usable (succeeded and no pivot is negligible against its diagonal entry).
[[nodiscard]] bool factor_ok(const Eigen::LLT<Eigen::MatrixXd>& llt, const Eigen::MatrixXd& m,
                             std::size_t* bad_pivot = nullptr);
[[nodiscard]] bool factor_ok(const DenseCholesky& chol, const Eigen::MatrixXd& m, std::size_t* bad_pivot = nullptr);

// Rows/columns `idx` of m.
[[nodiscard]] Eigen::MatrixXd sub(const Eigen::MatrixXd& m, const std::vector<std::size_t>& rows,
                                  const std::vector<std::size_t>& cols);
[[nodiscard]] Eigen::VectorXd sub(const Eigen::VectorXd& v, const std::vector<std::size_t>& idx);

}  // namespace pgm::gaussian_detail
