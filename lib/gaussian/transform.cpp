// pgm::transform (A X + b) and pgm::sum (X + Y, independent): closed forms (transform.hpp).
#include <pgm/core/error.hpp>
#include <pgm/gaussian/transform.hpp>

#include <string>
#include <utility>

namespace pgm {

Gaussian transform(const Gaussian& g, const Eigen::MatrixXd& a, const Eigen::VectorXd& b, std::vector<std::string> names) {
  const auto n = static_cast<Eigen::Index>(g.size());
  if (a.rows() < 1) throw QueryError("transform: A has no rows; it must be m x " + std::to_string(n) + " with m >= 1");
  if (a.cols() != n)
    throw QueryError("transform: A is " + std::to_string(a.rows()) + " x " + std::to_string(a.cols()) +
                     " but the Gaussian has " + std::to_string(n) + " variables; A must have " + std::to_string(n) +
                     " columns");
  if (b.size() != a.rows())
    throw QueryError("transform: b has " + std::to_string(b.size()) + " entries but A has " +
                     std::to_string(a.rows()) + " rows");
  if (!a.allFinite() || !b.allFinite()) throw QueryError("transform: A and b must be finite");
  if (names.empty()) {
    for (Eigen::Index i = 0; i < a.rows(); ++i) names.push_back("Y" + std::to_string(i + 1));
  } else if (static_cast<Eigen::Index>(names.size()) != a.rows()) {
    throw QueryError("transform: " + std::to_string(names.size()) + " names for " + std::to_string(a.rows()) +
                     " result variables");
  }
  Eigen::VectorXd mean = a * g.mean() + b;
  // A Σ Aᵀ = (A L)(A L)ᵀ: symmetric by construction.
  const Eigen::MatrixXd al = a * g.cholesky_factor();
  Eigen::MatrixXd cov = al * al.transpose();
  try {
    return Gaussian(std::move(names), std::move(mean), std::move(cov), g.name());
  } catch (const ModelError& e) {
    throw QueryError("transform: A Sigma A^T is not positive definite (A has rank below its " +
                     std::to_string(a.rows()) + " rows, or the result is numerically singular), and a Gaussian "
                     "here needs a positive-definite covariance; drop dependent rows of A (" + e.what() + ")");
  }
}

Gaussian sum(const Gaussian& x, const Gaussian& y) {
  if (x.size() != y.size())
    throw QueryError("sum: the Gaussians have " + std::to_string(x.size()) + " and " + std::to_string(y.size()) +
                     " variables; X + Y needs the same dimension");
  return Gaussian(x.names(), x.mean() + y.mean(), x.covariance() + y.covariance(), x.name());
}

}  // namespace pgm
