#pragma once
// Linear maps and sums of Gaussians (issue 12, the lesson's toolkit): closed forms.
#include <pgm/gaussian/gaussian.hpp>

#include <Eigen/Core>

#include <string>
#include <vector>

namespace pgm {

// The distribution of A X + b for X ~ g: mean A μ + b, covariance A Σ Aᵀ. A is m × n (n = g.size(),
// any m ≥ 1), b has m entries; `names` are the m result names (empty: Y1, ..., Ym). QueryError on a
// size mismatch, non-finite entries, or names of the wrong count. A singular A Σ Aᵀ (rank A < m,
// e.g. m > n) is refused with QueryError: a pgm::Gaussian always has a positive-definite covariance.
[[nodiscard]] Gaussian transform(const Gaussian& g, const Eigen::MatrixXd& a, const Eigen::VectorXd& b,
                                 std::vector<std::string> names = {});

// X + Y for independent X ~ x and Y ~ y of the same dimension: mean μx + μy, covariance Σx + Σy,
// named as x. QueryError when the dimensions differ.
[[nodiscard]] Gaussian sum(const Gaussian& x, const Gaussian& y);

}  // namespace pgm
