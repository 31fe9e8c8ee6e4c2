#pragma once
// A Gaussian factor in information (canonical) form: exp(-½ xᵀKx + hᵀx + g) over named variables.
// Products are sums of (K, h, g) after aligning scopes, and conditioning is a sub-block, which is
// why message passing for Gaussians works in this form. K need only be positive semi-definite
// for products and conditioning; to_gaussian() and marginalisation of a block require that block
// to be positive definite.
#include <Eigen/Core>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pgm {

class Gaussian;

class CanonicalForm {
 public:
  CanonicalForm() = default;
  // ModelError on mismatched sizes, repeated names, non-finite entries or an asymmetric K.
  CanonicalForm(std::vector<std::string> names, Eigen::MatrixXd precision, Eigen::VectorXd potential,
                double log_constant = 0.0);

  [[nodiscard]] std::size_t size() const noexcept { return names_.size(); }
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }
  [[nodiscard]] const Eigen::MatrixXd& precision() const noexcept { return precision_; }
  [[nodiscard]] const Eigen::VectorXd& potential() const noexcept { return potential_; }
  [[nodiscard]] double log_constant() const noexcept { return log_constant_; }
  [[nodiscard]] std::optional<std::size_t> find(std::string_view name) const;

  // The product of two factors over the union of their scopes (this factor's names first).
  [[nodiscard]] CanonicalForm product(const CanonicalForm& other) const;
  // Fix observed values: K_hh, h_h − K_ho x_o, g + h_oᵀx_o − ½ x_oᵀK_oo x_o.
  [[nodiscard]] CanonicalForm condition(const std::vector<std::pair<std::string, double>>& evidence) const;
  // Integrate out the named variables (their precision block must be positive definite;
  // NumericalError otherwise). The result keeps the remaining variables in their order.
  [[nodiscard]] CanonicalForm marginalize(std::span<const std::string> out) const;
  // Keep only the named variables, integrating out the rest.
  [[nodiscard]] CanonicalForm marginal(std::span<const std::string> keep) const;

  // Covariance K⁻¹ and mean K⁻¹h by Cholesky solves; NumericalError if K is not positive definite.
  [[nodiscard]] Gaussian to_gaussian(std::string name = {}) const;

 private:
  std::vector<std::string> names_;
  Eigen::MatrixXd precision_;
  Eigen::VectorXd potential_;
  double log_constant_ = 0.0;
};

}  // namespace pgm
