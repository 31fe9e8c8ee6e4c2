#include <pgm/gaussian/linear_gaussian_network.hpp>

#include <pgm/core/error.hpp>

#include "gaussian/detail/checks.hpp"

#include <cmath>
#include <string>
#include <vector>

namespace pgm {

using gaussian_detail::num;

LinearGaussianNetwork::LinearGaussianNetwork(std::string name, std::vector<std::string> names,
                                             std::vector<LinearGaussianCpd> cpds)
    : name_(std::move(name)), names_(std::move(names)), cpds_(std::move(cpds)), dag_(names_.size()) {
  gaussian_detail::check_names(names_, "linear-Gaussian network");
  if (cpds_.size() != names_.size())
    throw ModelError("linear-Gaussian network has " + std::to_string(names_.size()) + " variables but " +
                     std::to_string(cpds_.size()) + " CPDs, expected one per variable");
  for (std::size_t v = 0; v < names_.size(); ++v) {
    const auto& c = cpds_[v];
    const std::string who = "CPD of '" + names_[v] + "'";
    if (c.weights.size() != c.parents.size())
      throw ModelError(who + " has " + std::to_string(c.weights.size()) + " weights for " +
                       std::to_string(c.parents.size()) + " parents, expected one weight per parent");
    std::vector<bool> seen(names_.size(), false);
    for (std::size_t j = 0; j < c.parents.size(); ++j) {
      const VariableId p = c.parents[j];
      if (p >= names_.size())
        throw ModelError(who + " has parent id " + std::to_string(p) + ", expected < " + std::to_string(names_.size()));
      if (p == v) throw ModelError(who + " lists the variable as its own parent");
      if (seen[p]) throw ModelError(who + " lists parent '" + names_[p] + "' twice");
      seen[p] = true;
      if (!std::isfinite(c.weights[j]))
        throw ModelError(who + " has weight " + num(c.weights[j]) + " for parent '" + names_[p] +
                         "', expected a finite number");
      dag_.add_edge(p, static_cast<VariableId>(v));
    }
    if (!std::isfinite(c.intercept))
      throw ModelError(who + " has intercept " + num(c.intercept) + ", expected a finite number");
    if (!std::isfinite(c.variance) || !(c.variance > 0))
      throw ModelError(who + " has variance " + num(c.variance) + ", expected a finite number > 0");
  }
  if (const auto cycle = dag_.find_cycle()) {
    std::string spelled;
    for (std::size_t i = 0; i < cycle->size(); ++i) spelled += (i ? " -> " : "") + names_[(*cycle)[i]];
    throw ModelError("linear-Gaussian network has a directed cycle: " + spelled);
  }
  topological_order_ = dag_.topological_order();
}

std::optional<VariableId> LinearGaussianNetwork::find(std::string_view name) const {
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return static_cast<VariableId>(i);
  return std::nullopt;
}

VariableId LinearGaussianNetwork::id(std::string_view name) const {
  if (auto i = find(name)) return *i;
  throw QueryError("unknown variable '" + std::string(name) + "'; the model has: " + join_names(names_));
}

Gaussian LinearGaussianNetwork::to_gaussian() const {
  // In topological order, for each node i and every node k already placed:
  //   Cov(X_i, X_k) = Σ_j w_ij Cov(X_pj, X_k),  Var(X_i) = σ_i² + Σ_j w_ij Cov(X_i, X_pj),
  //   E[X_i] = b_i + Σ_j w_ij E[X_pj].
  // This is Σ = (I − B)⁻¹ D (I − B)⁻ᵀ without forming the inverse: O(n² · mean parents).
  const auto n = static_cast<Eigen::Index>(size());
  Eigen::VectorXd mean(n);
  Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(n, n);
  std::vector<VariableId> placed;
  placed.reserve(size());
  for (const VariableId i : topological_order_) {
    const auto& c = cpds_[i];
    double m = c.intercept;
    for (std::size_t j = 0; j < c.parents.size(); ++j) m += c.weights[j] * mean[c.parents[j]];
    mean[i] = m;
    for (const VariableId k : placed) {
      double s = 0.0;
      for (std::size_t j = 0; j < c.parents.size(); ++j) s += c.weights[j] * cov(c.parents[j], k);
      cov(i, k) = s;
      cov(k, i) = s;
    }
    double var = c.variance;
    for (std::size_t j = 0; j < c.parents.size(); ++j) var += c.weights[j] * cov(i, c.parents[j]);
    cov(i, i) = var;
    placed.push_back(i);
  }
  try {
    return Gaussian(names_, std::move(mean), std::move(cov), name_);
  } catch (const ModelError& e) {
    throw NumericalError(std::string("the joint of linear-Gaussian network '") + name_ +
                         "' is not numerically positive definite (" + e.what() +
                         "); variances are too small relative to the weights");
  }
}

// [elbo]
LinearGaussianNetwork LinearGaussianNetwork::with_latent(std::span<const std::string> names) const {
  LinearGaussianNetwork out = *this;
  out.latent_.clear();
  std::vector<bool> seen(size(), false);
  for (const std::string& n : names) {
    const auto v = find(n);
    if (!v) throw ModelError("latent variable '" + n + "' is not a variable of the model");
    if (seen[*v]) throw ModelError("latent variable '" + n + "' is listed twice");
    seen[*v] = true;
  }
  for (VariableId v = 0; v < size(); ++v)
    if (seen[v]) out.latent_.push_back(v);
  return out;
}

}  // namespace pgm
