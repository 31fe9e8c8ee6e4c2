// The statistics of the tests on data (see the header).
#include <pgm/independence/ci_test.hpp>

#include <pgm/core/error.hpp>
#include <pgm/core/special_functions.hpp>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace pgm {

const char* ci_test_name(CiTestKind kind) noexcept {
  switch (kind) {
    case CiTestKind::chi2: return "chi2";
    case CiTestKind::g2: return "g2";
    case CiTestKind::fisher_z: return "fisher-z";
  }
  return "?";
}

namespace {

void conclude(CiTestResult& r) {
  r.independent = r.p_value > r.alpha;
}

}  // namespace

CiTestResult discrete_ci_test(CiTestKind kind, const DiscreteColumns& data, double alpha) {
  const std::size_t n = data.x.size();
  if (kind == CiTestKind::fisher_z) throw QueryError("fisher-z is a test for continuous columns");
  if (data.y.size() != n || data.stratum.size() != n) throw QueryError("the columns of a test differ in length");
  if (n == 0) throw QueryError("no rows to test: every row has a missing cell in the tested columns");
  for (std::size_t i = 0; i < n; ++i) {
    if (data.x[i] >= data.x_levels || data.y[i] >= data.y_levels || data.stratum[i] >= data.strata)
      throw QueryError("row " + std::to_string(i + 1) + " of a test has a category code out of range");
  }

  // Rows grouped by stratum (a counting sort), so each stratum's table is filled from its own rows.
  std::vector<std::size_t> start(std::size_t{data.strata} + 1, 0);
  for (const auto s : data.stratum) ++start[s + 1];
  std::partial_sum(start.begin(), start.end(), start.begin());
  std::vector<std::size_t> order(n);
  {
    std::vector<std::size_t> next(start.begin(), start.end() - 1);
    for (std::size_t i = 0; i < n; ++i) order[next[data.stratum[i]]++] = i;
  }

  // Local codes of the categories seen in the current stratum (kUnseen elsewhere).
  constexpr std::uint32_t kUnseen = 0xffffffffu;
  std::vector<std::uint32_t> x_local(data.x_levels, kUnseen), y_local(data.y_levels, kUnseen);
  std::vector<std::uint32_t> x_seen, y_seen;
  std::vector<double> table, row_sum, col_sum;
  std::size_t cells = 0;

  CiTestResult r;
  r.kind = kind;
  r.alpha = alpha;
  r.n = n;
  double statistic = 0.0;
  for (std::uint32_t s = 0; s < data.strata; ++s) {
    const std::size_t begin = start[s], end = start[s + 1];
    if (begin == end) continue;
    x_seen.clear();
    y_seen.clear();
    for (std::size_t k = begin; k < end; ++k) {
      const std::size_t i = order[k];
      if (x_local[data.x[i]] == kUnseen) {
        x_local[data.x[i]] = static_cast<std::uint32_t>(x_seen.size());
        x_seen.push_back(data.x[i]);
      }
      if (y_local[data.y[i]] == kUnseen) {
        y_local[data.y[i]] = static_cast<std::uint32_t>(y_seen.size());
        y_seen.push_back(data.y[i]);
      }
    }
    const std::size_t rows = x_seen.size(), cols = y_seen.size();
    if (rows > 1 && cols > 1) {
      cells += rows * cols;
      if (cells > kMaxCiTestCells) {
        throw LimitError("the contingency tables would have more than " + std::to_string(kMaxCiTestCells) +
                         " cells: the columns have too many distinct values to be categories");
      }
      table.assign(rows * cols, 0.0);
      row_sum.assign(rows, 0.0);
      col_sum.assign(cols, 0.0);
      for (std::size_t k = begin; k < end; ++k) {
        const std::size_t i = order[k];
        const std::uint32_t a = x_local[data.x[i]], b = y_local[data.y[i]];
        table[a * cols + b] += 1.0;
        row_sum[a] += 1.0;
        col_sum[b] += 1.0;
      }
      const double total = static_cast<double>(end - begin);
      double part = 0.0;
      for (std::size_t a = 0; a < rows; ++a) {
        for (std::size_t b = 0; b < cols; ++b) {
          const double o = table[a * cols + b];
          const double e = row_sum[a] * col_sum[b] / total;  // > 0: both margins are non-zero
          if (kind == CiTestKind::chi2) {
            part += (o - e) * (o - e) / e;
          } else if (o > 0.0) {
            part += o * std::log(o / e);
          }
        }
      }
      statistic += kind == CiTestKind::g2 ? 2.0 * part : part;
      r.dof += (rows - 1) * (cols - 1);
    }
    for (const auto v : x_seen) x_local[v] = kUnseen;
    for (const auto v : y_seen) y_local[v] = kUnseen;
  }
  r.statistic = statistic;
  r.p_value = r.dof == 0 ? 1.0 : chi_square_upper_tail(statistic, static_cast<double>(r.dof));
  conclude(r);
  return r;
}

CiTestResult fisher_z_test(std::span<const double> columns, std::size_t n, std::size_t z_count,
                           std::span<const std::string> names, double alpha) {
  const std::size_t m = z_count + 2;
  if (columns.size() != n * m) throw QueryError("the columns of a test differ in length");
  if (n == 0) throw QueryError("no rows to test: every row has a missing cell in the tested columns");
  if (n <= z_count + 3) {
    throw QueryError("too few rows for fisher-z: " + std::to_string(n) + " complete rows, and it needs more than |Z| + 3 = " +
                     std::to_string(z_count + 3));
  }
  auto name = [&](std::size_t j) { return j < names.size() ? "'" + names[j] + "'" : "column " + std::to_string(j + 1); };
  const Eigen::Map<const Eigen::MatrixXd> data(columns.data(), static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(m));
  const Eigen::MatrixXd centred = data.rowwise() - data.colwise().mean();
  Eigen::MatrixXd cov = centred.transpose() * centred;
  Eigen::VectorXd scale(static_cast<Eigen::Index>(m));
  for (std::size_t j = 0; j < m; ++j) {
    const auto jj = static_cast<Eigen::Index>(j);
    const double v = cov(jj, jj);
    // A constant column has no correlation; rounding may leave a tiny non-zero sum of squares, so
    // compare it with the column's magnitude.
    const double magnitude = data.col(jj).cwiseAbs().maxCoeff();
    if (!(v > 1e-24 * magnitude * magnitude * static_cast<double>(n)) || !std::isfinite(v)) {
      throw NumericalError("fisher-z: column " + name(j) + " is constant over the rows used: its correlation is undefined");
    }
    scale(jj) = 1.0 / std::sqrt(v);
  }
  const Eigen::MatrixXd corr = scale.asDiagonal() * cov * scale.asDiagonal();
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(corr);
  // D holds the pivoted conditional variances (1 − R² of a column on those before it): one at
  // rounding level means a column is a linear combination of the others.
  if (ldlt.info() != Eigen::Success || !ldlt.isPositive() || !(ldlt.vectorD().minCoeff() > 1e-10) ||
      ldlt.rcond() < 1e-12) {
    std::string list;
    for (std::size_t j = 0; j < m; ++j) list += (j ? ", " : "") + name(j);
    throw NumericalError("fisher-z: the correlation matrix of " + list +
                         " is singular: some of these columns are (nearly) linear combinations of the others");
  }
  // Columns 0 and 1 of the precision matrix P = corr⁻¹, by solves rather than an explicit inverse.
  Eigen::MatrixXd unit = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(m), 2);
  unit(0, 0) = 1.0;
  unit(1, 1) = 1.0;
  const Eigen::MatrixXd p = ldlt.solve(unit);
  const double rho = -p(1, 0) / std::sqrt(p(0, 0) * p(1, 1));
  if (!(std::fabs(rho) < 1.0)) {
    throw NumericalError("fisher-z: the partial correlation of " + name(0) + " and " + name(1) +
                         " is ±1: they are collinear given the others");
  }
  CiTestResult r;
  r.kind = CiTestKind::fisher_z;
  r.alpha = alpha;
  r.n = n;
  r.dof = n - z_count - 3;
  r.statistic = std::atanh(rho) * std::sqrt(static_cast<double>(r.dof));
  r.p_value = normal_two_sided_tail(r.statistic);
  conclude(r);
  return r;
}

}  // namespace pgm
