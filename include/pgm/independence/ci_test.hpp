#pragma once
// Conditional independence tests on data (pgm citest): X ⟂ Y | Z judged from samples, not from a
// known joint (for that see ci_check.hpp). The statistics work on encoded columns; reading a CSV
// file and encoding its cells is <pgm/query/citest.hpp>.
//
// - chi2: Pearson's Σ (O − E)² / E, no continuity correction; g2: 2 Σ O ln(O / E), 0 ln 0 = 0.
//   Conditional tests sum the statistic over the strata (each distinct Z configuration seen); a
//   stratum's degrees of freedom are (X categories seen in it − 1) × (Y categories seen in it − 1),
//   and strata where that is 0 are skipped (the adjustment bnlearn and pgmpy make). With 0 degrees
//   of freedom in total there is nothing to test: p = 1, independent.
// - fisher-z: the partial correlation r of X and Y given Z from the precision (inverse) of the
//   correlation matrix of [X, Y, Z], z = atanh(r) √(n − |Z| − 3), two-sided normal p-value;
//   dof reports n − |Z| − 3.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace pgm {

enum class CiTestKind { chi2, g2, fisher_z };

// "chi2", "g2", "fisher-z".
[[nodiscard]] const char* ci_test_name(CiTestKind kind) noexcept;

struct CiTestResult {
  CiTestKind kind = CiTestKind::chi2;
  double statistic = 0.0;  // chi2 / g2: the summed statistic; fisher-z: z
  std::size_t dof = 0;
  double p_value = 1.0;
  double alpha = 0.05;
  bool independent = true;  // p_value > alpha
  std::size_t n = 0;        // rows used
};

// Largest number of contingency cells (summed over the strata) a discrete test fills in; more is
// refused with LimitError (a column of near-unique labels is not categorical data).
inline constexpr std::size_t kMaxCiTestCells = 200'000'000;

// Discrete data, one entry per row: X's category in [0, x_levels), Y's in [0, y_levels), and the
// stratum (Z configuration) in [0, strata). QueryError when there are no rows or the sizes differ.
struct DiscreteColumns {
  std::span<const std::uint32_t> x, y, stratum;
  std::uint32_t x_levels = 0, y_levels = 0, strata = 1;
};
[[nodiscard]] CiTestResult discrete_ci_test(CiTestKind kind, const DiscreteColumns& data, double alpha);

// Continuous data, column-major: `columns` holds n values of X, then n of Y, then n of each of the
// z_count conditioning columns. QueryError when n − z_count − 3 ≤ 0 (too few rows); NumericalError
// naming the column when one is constant, or when the columns are collinear (a singular
// correlation matrix) — `names` (X, Y, Z...) is for those messages.
[[nodiscard]] CiTestResult fisher_z_test(std::span<const double> columns, std::size_t n, std::size_t z_count,
                                         std::span<const std::string> names, double alpha);

}  // namespace pgm
