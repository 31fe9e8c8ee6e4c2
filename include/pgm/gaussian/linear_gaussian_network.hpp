#pragma once
// A linear-Gaussian Bayesian network: X_i = intercept_i + Σ_j weight_ij X_parent_j + ε_i with
// ε_i ~ N(0, variance_i) independent. The joint is Gaussian; to_gaussian() builds it by a pass in
// topological order (no matrix inverse). The DAG is a pgm::Dag, so d-separation applies unchanged.
#include <pgm/core/variable.hpp>
#include <pgm/gaussian/gaussian.hpp>
#include <pgm/graph/dag.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pgm {

// One node's conditional distribution. parents and weights are parallel.
struct LinearGaussianCpd {
  std::vector<VariableId> parents;
  std::vector<double> weights;
  double intercept = 0.0;
  double variance = 1.0;

  friend bool operator==(const LinearGaussianCpd&, const LinearGaussianCpd&) = default;
};

class LinearGaussianNetwork {
 public:
  LinearGaussianNetwork() = default;
  // Validates (ModelError): unique non-empty names, one CPD per name, parent ids in range and not
  // repeated, weights.size() == parents.size(), finite numbers, variance > 0, and acyclicity (the
  // message spells the cycle with names).
  LinearGaussianNetwork(std::string name, std::vector<std::string> names, std::vector<LinearGaussianCpd> cpds);

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] std::size_t size() const noexcept { return names_.size(); }
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }
  [[nodiscard]] const std::vector<std::string>& variables() const noexcept { return names_; }
  [[nodiscard]] const std::string& name_of(VariableId v) const { return names_[v]; }
  [[nodiscard]] std::optional<VariableId> find(std::string_view name) const;
  // QueryError listing the known names when unknown.
  [[nodiscard]] VariableId id(std::string_view name) const;

  [[nodiscard]] const Dag& graph() const noexcept { return dag_; }
  // Parents in the order given (parallel to weights(v)).
  [[nodiscard]] std::span<const VariableId> parents(VariableId v) const { return cpds_[v].parents; }
  [[nodiscard]] std::span<const VariableId> children(VariableId v) const { return dag_.children(v); }
  [[nodiscard]] std::span<const double> weights(VariableId v) const { return cpds_[v].weights; }
  [[nodiscard]] double intercept(VariableId v) const { return cpds_[v].intercept; }
  [[nodiscard]] double variance(VariableId v) const { return cpds_[v].variance; }
  [[nodiscard]] const LinearGaussianCpd& cpd(VariableId v) const { return cpds_[v]; }

  // The joint Gaussian over all variables, in declaration order.
  [[nodiscard]] Gaussian to_gaussian() const;

  // [elbo] The variables marked latent (the YAML `latent:` key: never observed, what a latent-
  // variable model such as factor analysis puts a q over), in id order; empty when none.
  [[nodiscard]] const std::vector<VariableId>& latent() const noexcept { return latent_; }
  // A copy with exactly `names` marked latent; ModelError on an unknown or repeated name.
  [[nodiscard]] LinearGaussianNetwork with_latent(std::span<const std::string> names) const;

 private:
  std::string name_;
  std::vector<std::string> names_;
  std::vector<LinearGaussianCpd> cpds_;
  Dag dag_;
  std::vector<VariableId> topological_order_;
  std::vector<VariableId> latent_;  // [elbo]
};

}  // namespace pgm
