#include <pgm/gaussian/gaussian.hpp>

#include <pgm/core/error.hpp>
#include <pgm/core/variable.hpp>
#include <pgm/gaussian/canonical_form.hpp>

#include "gaussian/detail/checks.hpp"

#include <Eigen/Eigenvalues>

#include <cmath>
#include <numbers>
#include <random>
#include <unordered_map>

namespace pgm {

using gaussian_detail::num;
using gaussian_detail::sub;

Gaussian::Gaussian(std::vector<std::string> names, Eigen::VectorXd mean, Eigen::MatrixXd covariance, std::string name)
    : name_(std::move(name)), names_(std::move(names)), mean_(std::move(mean)) {
  gaussian_detail::check_names(names_, "Gaussian");
  gaussian_detail::check_vector(mean_, names_, "mean");
  gaussian_detail::check_symmetric_matrix(covariance, names_, "covariance");
  covariance_ = 0.5 * (covariance + covariance.transpose());
  chol_ = gaussian_detail::factor_positive_definite(covariance_, names_, "covariance").take_matrix_l();
}

Gaussian::Gaussian(Trusted, std::vector<std::string> names, Eigen::VectorXd mean, Eigen::MatrixXd covariance,
                   Eigen::MatrixXd chol, std::string name)
    : name_(std::move(name)),
      names_(std::move(names)),
      mean_(std::move(mean)),
      covariance_(std::move(covariance)),
      chol_(std::move(chol)) {}

Eigen::MatrixXd Gaussian::solve(Eigen::MatrixXd b) const {
  chol_.triangularView<Eigen::Lower>().solveInPlace(b);
  chol_.triangularView<Eigen::Lower>().transpose().solveInPlace(b);
  return b;
}

Gaussian Gaussian::from_precision(std::vector<std::string> names, Eigen::VectorXd mean, const Eigen::MatrixXd& precision,
                                  std::string name) {
  gaussian_detail::check_names(names, "Gaussian");
  gaussian_detail::check_symmetric_matrix(precision, names, "precision");
  const Eigen::MatrixXd k = 0.5 * (precision + precision.transpose());
  const auto llt = gaussian_detail::factor_positive_definite(k, names, "precision");
  Eigen::MatrixXd cov = llt.solve(Eigen::MatrixXd::Identity(k.rows(), k.cols()));
  cov = 0.5 * (cov + cov.transpose()).eval();
  return Gaussian(std::move(names), std::move(mean), std::move(cov), std::move(name));
}

std::optional<std::size_t> Gaussian::find(std::string_view name) const {
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return i;
  return std::nullopt;
}

std::size_t Gaussian::index(std::string_view name) const {
  if (auto i = find(name)) return *i;
  throw QueryError("unknown variable '" + std::string(name) + "'; the model has: " + join_names(names_));
}

std::vector<std::size_t> Gaussian::indices(std::span<const std::string> names) const {
  std::vector<std::size_t> r;
  std::vector<bool> used(size(), false);
  r.reserve(names.size());
  // Many names (conditioning on thousands of variables): one hash map instead of linear scans.
  std::unordered_map<std::string_view, std::size_t> by_name;
  if (names.size() > 16) {
    by_name.reserve(size());
    for (std::size_t i = 0; i < size(); ++i) by_name.emplace(names_[i], i);
  }
  for (const auto& n : names) {
    std::size_t i = 0;
    if (by_name.empty()) {
      i = index(n);
    } else if (const auto it = by_name.find(n); it != by_name.end()) {
      i = it->second;
    } else {
      i = index(n);  // throws the unknown-variable error
    }
    if (used[i]) throw QueryError("variable '" + n + "' is given twice");
    used[i] = true;
    r.push_back(i);
  }
  return r;
}

Eigen::MatrixXd Gaussian::precision() const {
  // K = L⁻ᵀ L⁻¹, from the triangular inverse's Gram matrix (symmetric by construction).
  Eigen::MatrixXd li = Eigen::MatrixXd::Identity(mean_.size(), mean_.size());
  chol_.triangularView<Eigen::Lower>().solveInPlace(li);
  Eigen::MatrixXd k = Eigen::MatrixXd::Zero(li.rows(), li.cols());
  k.selfadjointView<Eigen::Lower>().rankUpdate(li.transpose());
  k.triangularView<Eigen::StrictlyUpper>() = k.transpose();
  return k;
}

double Gaussian::condition_number() const {
  if (size() == 0) return 1.0;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(covariance_, Eigen::EigenvaluesOnly);
  const auto& ev = eig.eigenvalues();  // ascending
  return ev[ev.size() - 1] / ev[0];
}

double Gaussian::log_det_covariance() const {
  return 2.0 * chol_.diagonal().array().log().sum();
}

Gaussian Gaussian::marginal(std::span<const std::string> names) const {
  const auto idx = indices(names);
  Eigen::MatrixXd cov = sub(covariance_, idx, idx);
  // A principal block of a positive definite matrix is positive definite; refactor it anyway since
  // the factor of the block is not a block of the factor (unless it is a leading one).
  Eigen::LLT<Eigen::MatrixXd> llt(cov);
  if (!gaussian_detail::factor_ok(llt, cov))
    throw NumericalError("the marginal covariance over " + join_names(std::vector<std::string>(names.begin(), names.end())) +
                         " is not numerically positive definite");
  return Gaussian(Trusted{}, {names.begin(), names.end()}, sub(mean_, idx), std::move(cov), llt.matrixL(), name_);
}

namespace {

std::string rcond_warning(double rcond, const std::vector<std::string>& observed) {
  return "the covariance of the observed variables (" + join_names(observed, 10) +
         ") is ill-conditioned (reciprocal condition number estimate " + num(rcond) +
         "); the conditional mean and covariance may be inaccurate";
}

}  // namespace

Gaussian Gaussian::condition(const ContinuousEvidence& evidence, std::vector<std::string>* warnings) const {
  if (evidence.empty()) return *this;
  std::vector<std::string> observed_names;
  observed_names.reserve(evidence.size());
  for (const auto& [n, v] : evidence) {
    if (!std::isfinite(v)) throw QueryError("observed value of '" + n + "' is " + num(v) + ", expected a finite number");
    observed_names.push_back(n);
  }
  const auto o = indices(observed_names);
  std::vector<bool> is_observed(size(), false);
  for (auto i : o) is_observed[i] = true;
  std::vector<std::size_t> h;
  std::vector<std::string> hidden_names;
  for (std::size_t i = 0; i < size(); ++i)
    if (!is_observed[i]) {
      h.push_back(i);
      hidden_names.push_back(names_[i]);
    }
  Eigen::VectorXd x_o(o.size());
  for (std::size_t k = 0; k < o.size(); ++k) x_o[k] = evidence[k].second;
  const auto n_o = static_cast<Eigen::Index>(o.size());
  const auto n_h = static_cast<Eigen::Index>(h.size());

  // Fast path: the observed variables are, in order, the leading ones. Then the stored factor
  // already holds the answer: with Σ = [[L_oo, 0], [L_ho, L_hh]]·(same)ᵀ the Schur complement
  // Σ_hh − Σ_ho Σ_oo⁻¹ Σ_oh is L_hh L_hhᵀ and Σ_ho Σ_oo⁻¹ (x − μ)_o = L_ho L_oo⁻¹ (x − μ)_o.
  // Everything observed: nothing left to describe (and Eigen's zero-size products are best avoided).
  if (h.empty()) return Gaussian(Trusted{}, {}, Eigen::VectorXd(0), Eigen::MatrixXd(0, 0), Eigen::MatrixXd(0, 0), name_);
  bool leading = true;
  for (std::size_t k = 0; k < o.size(); ++k) leading = leading && o[k] == k;
  if (leading) {
    const auto& l = chol_;
    const Eigen::VectorXd z =
        l.topLeftCorner(n_o, n_o).triangularView<Eigen::Lower>().solve(x_o - mean_.head(n_o));
    Eigen::VectorXd mean = mean_.tail(n_h) + l.bottomLeftCorner(n_h, n_o) * z;
    Eigen::MatrixXd lhh = l.bottomRightCorner(n_h, n_h);
    Eigen::MatrixXd cov(n_h, n_h);
    cov.noalias() = lhh.triangularView<Eigen::Lower>() * lhh.transpose();
    cov.triangularView<Eigen::StrictlyUpper>() = cov.transpose();
    // The factor's diagonal gives the observed block's conditioning for free (a lower bound on
    // its reciprocal condition number, up to the square).
    if (n_o > 0 && warnings) {
      const auto d = l.diagonal().head(n_o).array().square();
      const double rcond = d.minCoeff() / covariance_.diagonal().head(n_o).maxCoeff();
      if (rcond < kIllConditionedRcond) warnings->push_back(rcond_warning(rcond, observed_names));
    }
    if (!mean.allFinite())
      throw NumericalError("conditioning on " + join_names(observed_names, 10) + " gave a non-finite mean");
    return Gaussian(Trusted{}, std::move(hidden_names), std::move(mean), std::move(cov), std::move(lhh), name_);
  }

  const Eigen::MatrixXd s_oo = sub(covariance_, o, o);
  const gaussian_detail::DenseCholesky llt_oo(s_oo);
  if (!gaussian_detail::factor_ok(llt_oo, s_oo))
    throw NumericalError("the covariance of the observed variables (" + join_names(observed_names, 10) +
                         ") is not numerically positive definite; cannot condition on them");
  const double rcond = llt_oo.rcond();
  if (warnings && rcond < kIllConditionedRcond) warnings->push_back(rcond_warning(rcond, observed_names));

  // W = L_oo⁻¹ Σ_oh, so Σ_ho Σ_oo⁻¹ Σ_oh = WᵀW and the update needs one triangular solve.
  Eigen::MatrixXd w = sub(covariance_, o, h);
  llt_oo.solve_lower_in_place(w);
  Eigen::VectorXd z = x_o - sub(mean_, o);
  llt_oo.solve_lower_in_place(z);
  Eigen::VectorXd mean = sub(mean_, h);
  mean.noalias() += w.transpose() * z;
  Eigen::MatrixXd cov = sub(covariance_, h, h);
  gaussian_detail::subtract_gram(cov, w);
  gaussian_detail::DenseCholesky llt(cov);
  if (!gaussian_detail::factor_ok(llt, cov) || !mean.allFinite())
    throw NumericalError("conditioning on " + join_names(observed_names, 10) +
                         " leaves a covariance that is not numerically positive definite (the observed variables "
                         "determine the others to working precision)");
  return Gaussian(Trusted{}, std::move(hidden_names), std::move(mean), std::move(cov), std::move(llt).take_matrix_l(),
                  name_);
}

Gaussian Gaussian::posterior(std::span<const std::string> targets, const ContinuousEvidence& evidence,
                             std::vector<std::string>* warnings) const {
  (void)indices(targets);  // validates names and repeats before any work
  for (const auto& t : targets)
    for (const auto& [n, v] : evidence)
      if (t == n) throw QueryError("variable '" + t + "' is both a target and observed");
  const Gaussian conditioned = condition(evidence, warnings);
  return conditioned.marginal(targets);
}

Eigen::VectorXd Gaussian::point(const ContinuousEvidence& values) const {
  std::vector<std::string> given;
  for (const auto& [n, v] : values) {
    if (!std::isfinite(v)) throw QueryError("value of '" + n + "' is " + num(v) + ", expected a finite number");
    given.push_back(n);
  }
  const auto idx = indices(given);
  if (idx.size() != size()) {
    std::vector<bool> have(size(), false);
    for (auto i : idx) have[i] = true;
    std::vector<std::string> missing;
    for (std::size_t i = 0; i < size(); ++i)
      if (!have[i]) missing.push_back(names_[i]);
    throw QueryError("a point needs a value for every variable; missing: " + join_names(missing));
  }
  Eigen::VectorXd x(size());
  for (std::size_t k = 0; k < idx.size(); ++k) x[idx[k]] = values[k].second;
  return x;
}

double Gaussian::mahalanobis(const Eigen::VectorXd& x) const {
  if (static_cast<std::size_t>(x.size()) != size())
    throw QueryError("point has " + std::to_string(x.size()) + " values, expected " + std::to_string(size()));
  Eigen::VectorXd z = x - mean_;
  chol_.triangularView<Eigen::Lower>().solveInPlace(z);
  return z.stableNorm();  // finite whenever the distance is: norm() squares first and overflows at 1e154
}

double Gaussian::log_density(const Eigen::VectorXd& x) const {
  const double m = mahalanobis(x);
  const double d = static_cast<double>(size());
  return -0.5 * (d * std::log(2.0 * std::numbers::pi) + log_det_covariance() + m * m);
}

double Gaussian::density(const Eigen::VectorXd& x) const { return std::exp(log_density(x)); }

Eigen::MatrixXd Gaussian::sample(std::size_t n, std::uint64_t seed) const {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  const auto d = static_cast<Eigen::Index>(size());
  // Draw z row by row so that the first k rows do not depend on n.
  Eigen::MatrixXd z(static_cast<Eigen::Index>(n), d);
  for (Eigen::Index r = 0; r < z.rows(); ++r)
    for (Eigen::Index c = 0; c < d; ++c) z(r, c) = normal(rng);
  // Rows x = μ + L z  ⇔  X = Z Lᵀ + 1μᵀ.
  Eigen::MatrixXd x = z * chol_.triangularView<Eigen::Lower>().transpose();
  x.rowwise() += mean_.transpose();
  return x;
}

double Gaussian::entropy() const {
  const double d = static_cast<double>(size());
  return 0.5 * (d * (1.0 + std::log(2.0 * std::numbers::pi)) + log_det_covariance());
}

CanonicalForm Gaussian::to_canonical() const {
  const Eigen::MatrixXd k = precision();
  Eigen::VectorXd h = solve(mean_);
  // g makes exp(-½xᵀKx + hᵀx + g) the normalised density.
  const double d = static_cast<double>(size());
  const double g = -0.5 * mean_.dot(h) - 0.5 * (d * std::log(2.0 * std::numbers::pi) + log_det_covariance());
  return CanonicalForm(names_, k, std::move(h), g);
}

namespace {

void check_disjoint(std::span<const std::string> a, std::span<const std::string> b, const char* an, const char* bn) {
  for (const auto& x : a)
    for (const auto& y : b)
      if (x == y) throw QueryError("variable '" + x + "' is in both " + an + " and " + bn);
}

}  // namespace

bool Gaussian::conditionally_independent(std::span<const std::string> x, std::span<const std::string> y,
                                         std::span<const std::string> z, double tolerance) const {
  if (x.empty() || y.empty()) throw QueryError("independence query needs non-empty sets on both sides");
  check_disjoint(x, y, "X", "Y");
  check_disjoint(x, z, "X", "the conditioning set");
  check_disjoint(y, z, "Y", "the conditioning set");
  std::vector<std::string> all(x.begin(), x.end());
  all.insert(all.end(), y.begin(), y.end());
  all.insert(all.end(), z.begin(), z.end());
  const Gaussian m = marginal(all);
  // In the precision of the marginal over X∪Y∪Z, the X–Y block is zero iff X ⊥ Y | Z. Compare
  // partial correlations, which are scale-free.
  const Eigen::MatrixXd k = m.precision();
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = x.size(); j < x.size() + y.size(); ++j)
      if (std::abs(k(i, j)) > tolerance * std::sqrt(k(i, i) * k(j, j))) return false;
  return true;
}

bool Gaussian::marginally_independent(std::span<const std::string> x, std::span<const std::string> y,
                                      double tolerance) const {
  if (x.empty() || y.empty()) throw QueryError("independence query needs non-empty sets on both sides");
  check_disjoint(x, y, "X", "Y");
  const auto xi = indices(x);
  const auto yi = indices(y);
  for (auto i : xi)
    for (auto j : yi)
      if (std::abs(covariance_(i, j)) > tolerance * std::sqrt(covariance_(i, i) * covariance_(j, j))) return false;
  return true;
}

std::vector<std::pair<std::size_t, std::size_t>> Gaussian::precision_zeros(double tolerance) const {
  const Eigen::MatrixXd k = precision();
  std::vector<std::pair<std::size_t, std::size_t>> r;
  for (std::size_t i = 0; i < size(); ++i)
    for (std::size_t j = i + 1; j < size(); ++j)
      if (std::abs(k(i, j)) <= tolerance * std::sqrt(k(i, i) * k(j, j))) r.emplace_back(i, j);
  return r;
}

double kl_divergence(const Gaussian& p, const Gaussian& q) {
  if (p.size() != q.size())
    throw QueryError("KL divergence needs Gaussians over the same variables; got " + std::to_string(p.size()) +
                     " and " + std::to_string(q.size()) + " variables");
  for (const auto& n : p.names())
    if (!q.find(n))
      throw QueryError("KL divergence needs Gaussians over the same variables; '" + n + "' is missing from the second");
  const Gaussian qa = q.marginal(p.names());  // q in p's variable order
  const auto d = static_cast<double>(p.size());
  // tr(Σq⁻¹Σp) = ‖Lq⁻¹ Lp‖²_F and the mean term ‖Lq⁻¹(μq − μp)‖², both by triangular solves.
  Eigen::MatrixXd a = p.cholesky_factor();
  const Eigen::MatrixXd lq = qa.cholesky_factor();
  lq.triangularView<Eigen::Lower>().solveInPlace(a);
  Eigen::VectorXd dm = qa.mean() - p.mean();
  lq.triangularView<Eigen::Lower>().solveInPlace(dm);
  const double kl = 0.5 * (a.squaredNorm() + dm.squaredNorm() - d + qa.log_det_covariance() - p.log_det_covariance());
  return std::max(kl, 0.0);
}

}  // namespace pgm
