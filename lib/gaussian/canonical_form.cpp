#include <pgm/gaussian/canonical_form.hpp>

#include <pgm/core/error.hpp>
#include <pgm/core/variable.hpp>
#include <pgm/gaussian/gaussian.hpp>

#include "gaussian/detail/checks.hpp"

#include <cmath>
#include <numbers>

namespace pgm {

using gaussian_detail::num;
using gaussian_detail::sub;

CanonicalForm::CanonicalForm(std::vector<std::string> names, Eigen::MatrixXd precision, Eigen::VectorXd potential,
                             double log_constant)
    : names_(std::move(names)), potential_(std::move(potential)), log_constant_(log_constant) {
  gaussian_detail::check_names(names_, "canonical form");
  gaussian_detail::check_symmetric_matrix(precision, names_, "precision");
  gaussian_detail::check_vector(potential_, names_, "potential");
  if (!std::isfinite(log_constant_))
    throw ModelError("canonical form log constant is " + num(log_constant_) + ", expected a finite number");
  precision_ = 0.5 * (precision + precision.transpose());
}

std::optional<std::size_t> CanonicalForm::find(std::string_view name) const {
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return i;
  return std::nullopt;
}

namespace {

std::vector<std::size_t> resolve(const CanonicalForm& f, std::span<const std::string> names) {
  std::vector<std::size_t> idx;
  std::vector<bool> used(f.size(), false);
  for (const auto& n : names) {
    const auto i = f.find(n);
    if (!i) throw QueryError("unknown variable '" + n + "'; the factor is over: " + join_names(f.names()));
    if (used[*i]) throw QueryError("variable '" + n + "' is given twice");
    used[*i] = true;
    idx.push_back(*i);
  }
  return idx;
}

std::vector<std::size_t> complement(std::size_t n, const std::vector<std::size_t>& idx) {
  std::vector<bool> in(n, false);
  for (auto i : idx) in[i] = true;
  std::vector<std::size_t> r;
  for (std::size_t i = 0; i < n; ++i)
    if (!in[i]) r.push_back(i);
  return r;
}

std::vector<std::string> pick(const std::vector<std::string>& names, const std::vector<std::size_t>& idx) {
  std::vector<std::string> r;
  r.reserve(idx.size());
  for (auto i : idx) r.push_back(names[i]);
  return r;
}

}  // namespace

CanonicalForm CanonicalForm::product(const CanonicalForm& other) const {
  std::vector<std::string> names = names_;
  std::vector<std::size_t> where(other.size());
  for (std::size_t j = 0; j < other.size(); ++j) {
    if (const auto i = find(other.names_[j])) {
      where[j] = *i;
    } else {
      where[j] = names.size();
      names.push_back(other.names_[j]);
    }
  }
  const auto n = static_cast<Eigen::Index>(names.size());
  Eigen::MatrixXd k = Eigen::MatrixXd::Zero(n, n);
  Eigen::VectorXd h = Eigen::VectorXd::Zero(n);
  k.topLeftCorner(precision_.rows(), precision_.cols()) = precision_;
  h.head(potential_.size()) = potential_;
  for (std::size_t a = 0; a < other.size(); ++a) {
    h[where[a]] += other.potential_[a];
    for (std::size_t b = 0; b < other.size(); ++b) k(where[a], where[b]) += other.precision_(a, b);
  }
  return CanonicalForm(std::move(names), std::move(k), std::move(h), log_constant_ + other.log_constant_);
}

CanonicalForm CanonicalForm::condition(const std::vector<std::pair<std::string, double>>& evidence) const {
  std::vector<std::string> observed;
  Eigen::VectorXd x(evidence.size());
  for (std::size_t i = 0; i < evidence.size(); ++i) {
    if (!std::isfinite(evidence[i].second))
      throw QueryError("observed value of '" + evidence[i].first + "' is " + num(evidence[i].second) +
                       ", expected a finite number");
    observed.push_back(evidence[i].first);
    x[static_cast<Eigen::Index>(i)] = evidence[i].second;
  }
  const auto o = resolve(*this, observed);
  const auto r = complement(size(), o);
  const Eigen::MatrixXd k_oo = sub(precision_, o, o);
  const Eigen::VectorXd h_o = sub(potential_, o);
  Eigen::VectorXd h = sub(potential_, r) - sub(precision_, r, o) * x;
  const double g = log_constant_ + h_o.dot(x) - 0.5 * x.dot(k_oo * x);
  return CanonicalForm(pick(names_, r), sub(precision_, r, r), std::move(h), g);
}

CanonicalForm CanonicalForm::marginalize(std::span<const std::string> out) const {
  const auto b = resolve(*this, out);
  if (b.empty()) return *this;
  const auto a = complement(size(), b);
  const Eigen::MatrixXd k_bb = sub(precision_, b, b);
  const Eigen::LLT<Eigen::MatrixXd> llt(k_bb);
  if (!gaussian_detail::factor_ok(llt, k_bb))
    throw NumericalError("cannot integrate out " + join_names(pick(names_, b), 10) +
                         ": their precision block is not positive definite (the integral diverges)");
  // With W = L_bb⁻¹ K_ba and u = L_bb⁻¹ h_b: K' = K_aa − WᵀW, h' = h_a − Wᵀu.
  Eigen::VectorXd u = sub(potential_, b);
  llt.matrixL().solveInPlace(u);
  Eigen::MatrixXd k = sub(precision_, a, a);
  Eigen::VectorXd h = sub(potential_, a);
  if (!a.empty()) {  // Eigen's zero-size triangular solves are best avoided
    Eigen::MatrixXd w = sub(precision_, b, a);
    llt.matrixL().solveInPlace(w);
    k.selfadjointView<Eigen::Lower>().rankUpdate(w.transpose(), -1.0);
    k.triangularView<Eigen::StrictlyUpper>() = k.transpose();
    h -= w.transpose() * u;
  }
  const double log_det_kbb = 2.0 * llt.matrixLLT().diagonal().array().log().sum();
  const double g = log_constant_ +
                   0.5 * (static_cast<double>(b.size()) * std::log(2.0 * std::numbers::pi) - log_det_kbb + u.squaredNorm());
  return CanonicalForm(pick(names_, a), std::move(k), std::move(h), g);
}

CanonicalForm CanonicalForm::marginal(std::span<const std::string> keep) const {
  const auto kept = resolve(*this, keep);
  const auto out = complement(size(), kept);
  CanonicalForm m = marginalize(pick(names_, out));
  if (m.names_ == std::vector<std::string>(keep.begin(), keep.end())) return m;
  const auto order = resolve(m, keep);
  return CanonicalForm({keep.begin(), keep.end()}, sub(m.precision_, order, order), sub(m.potential_, order),
                       m.log_constant_);
}

Gaussian CanonicalForm::to_gaussian(std::string name) const {
  const Eigen::LLT<Eigen::MatrixXd> llt(precision_);
  if (!gaussian_detail::factor_ok(llt, precision_))
    throw NumericalError("the precision matrix over " + join_names(names_, 10) +
                         " is not positive definite, so the factor is not a normalisable Gaussian");
  Eigen::VectorXd mean = llt.solve(potential_);
  return Gaussian::from_precision(names_, std::move(mean), precision_, std::move(name));
}

}  // namespace pgm
