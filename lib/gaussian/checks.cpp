#include "gaussian/detail/checks.hpp"

#include <pgm/gaussian/gaussian.hpp>

#include <Eigen/Eigenvalues>

#include <charconv>
#include <cstdio>
#include <cmath>
#include <limits>
#include <unordered_set>

namespace pgm::gaussian_detail {

std::string num(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

void check_names(const std::vector<std::string>& names, std::string_view what) {
  std::unordered_set<std::string_view> seen;
  for (const auto& n : names) {
    if (n.empty()) throw ModelError(std::string(what) + ": a variable has an empty name");
    if (!seen.insert(n).second) throw ModelError(std::string(what) + ": variable '" + n + "' is declared twice");
  }
}

void check_vector(const Eigen::VectorXd& v, const std::vector<std::string>& names, std::string_view what) {
  if (static_cast<std::size_t>(v.size()) != names.size())
    throw ModelError(std::string(what) + " has " + std::to_string(v.size()) + " entries, expected " +
                     std::to_string(names.size()) + " (one per variable)");
  for (Eigen::Index i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i]))
      throw ModelError(std::string(what) + " entry for '" + names[i] + "' is " + num(v[i]) + ", expected a finite number");
}

void check_symmetric_matrix(const Eigen::MatrixXd& m, const std::vector<std::string>& names, std::string_view what) {
  const auto n = static_cast<Eigen::Index>(names.size());
  if (m.rows() != n || m.cols() != n)
    throw ModelError(std::string(what) + " is " + std::to_string(m.rows()) + "x" + std::to_string(m.cols()) +
                     ", expected " + std::to_string(n) + "x" + std::to_string(n) + " (one row and column per variable)");
  double scale = 1.0;
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) {
      if (!std::isfinite(m(i, j)))
        throw ModelError(std::string(what) + " entry (" + names[i] + ", " + names[j] + ") is " + num(m(i, j)) +
                         ", expected a finite number");
      scale = std::max(scale, std::abs(m(i, j)));
    }
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = i + 1; j < n; ++j)
      if (std::abs(m(i, j) - m(j, i)) > kSymmetryTolerance * scale)
        throw ModelError(std::string(what) + " is not symmetric: entry (" + names[i] + ", " + names[j] + ") is " +
                         num(m(i, j)) + " but (" + names[j] + ", " + names[i] + ") is " + num(m(j, i)));
}

namespace {
// A pivot this small against its diagonal entry means the variable is (numerically) an exact
// linear combination of the earlier ones.
constexpr double kPivotRatio = 64 * std::numeric_limits<double>::epsilon();

// Plain right-looking Cholesky, used only on the error path to find the first failing pivot.
std::size_t first_bad_pivot(Eigen::MatrixXd a) {
  const Eigen::Index n = a.rows();
  const Eigen::VectorXd diag = a.diagonal();
  for (Eigen::Index k = 0; k < n; ++k) {
    const double d = a(k, k);
    if (!(d > kPivotRatio * diag[k])) return static_cast<std::size_t>(k);
    for (Eigen::Index i = k + 1; i < n; ++i) a(i, k) /= std::sqrt(d);
    a(k, k) = std::sqrt(d);
    for (Eigen::Index j = k + 1; j < n; ++j)
      for (Eigen::Index i = j; i < n; ++i) a(i, j) -= a(i, k) * a(j, k);
  }
  return static_cast<std::size_t>(n);
}
}  // namespace

namespace {
bool pivots_ok(bool success, const Eigen::MatrixXd& l, const Eigen::MatrixXd& m, std::size_t* bad_pivot) {
  if (!success) {
    if (bad_pivot) *bad_pivot = first_bad_pivot(m);
    return false;
  }
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    const double p = l(i, i) * l(i, i);
    if (!std::isfinite(p) || !(p > kPivotRatio * std::abs(m(i, i)))) {
      if (bad_pivot) *bad_pivot = static_cast<std::size_t>(i);
      return false;
    }
  }
  return true;
}
}  // namespace

bool factor_ok(const Eigen::LLT<Eigen::MatrixXd>& llt, const Eigen::MatrixXd& m, std::size_t* bad_pivot) {
  return pivots_ok(llt.info() == Eigen::Success, llt.matrixLLT(), m, bad_pivot);
}

bool factor_ok(const DenseCholesky& chol, const Eigen::MatrixXd& m, std::size_t* bad_pivot) {
  return pivots_ok(chol.success(), chol.matrix_l(), m, bad_pivot);
}

DenseCholesky factor_positive_definite(const Eigen::MatrixXd& m, const std::vector<std::string>& names,
                                       std::string_view what) {
  DenseCholesky llt(m);
  std::size_t bad = 0;
  if (!factor_ok(llt, m, &bad)) {
    std::string msg = std::string(what) + " is not positive definite";
    if (bad < names.size() && m(bad, bad) <= 0) {
      msg += ": the diagonal entry for '" + names[bad] + "' is " + num(m(bad, bad)) + ", expected > 0";
    } else {
      // Error path only, so the O(n³) eigenvalues are affordable and tell the user how far off it is.
      const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(m, Eigen::EigenvaluesOnly);
      char ev[32];
      std::snprintf(ev, sizeof ev, "%.6g", eig.eigenvalues()[0]);
      msg += std::string(": its smallest eigenvalue is ") + ev;
      if (bad < names.size())
        msg += " (Cholesky factorisation fails at '" + names[bad] + "'" +
               (bad > 0 ? ", which the variables before it determine too closely or beyond a valid correlation" : "") +
               ")";
    }
    throw ModelError(msg);
  }
  return llt;
}

Eigen::MatrixXd sub(const Eigen::MatrixXd& m, const std::vector<std::size_t>& rows, const std::vector<std::size_t>& cols) {
  Eigen::MatrixXd r(rows.size(), cols.size());
  for (std::size_t j = 0; j < cols.size(); ++j)
    for (std::size_t i = 0; i < rows.size(); ++i) r(i, j) = m(rows[i], cols[j]);
  return r;
}

Eigen::VectorXd sub(const Eigen::VectorXd& v, const std::vector<std::size_t>& idx) {
  Eigen::VectorXd r(idx.size());
  for (std::size_t i = 0; i < idx.size(); ++i) r[i] = v[idx[i]];
  return r;
}

}  // namespace pgm::gaussian_detail
