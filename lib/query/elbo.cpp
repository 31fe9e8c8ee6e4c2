// The ELBO: mean-field for discrete models, the closed form for linear-Gaussian latent models.
#include <pgm/core/error.hpp>
#include <pgm/inference/variable_elimination.hpp>
#include <pgm/query/elbo.hpp>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <limits>
#include <string>
#include <vector>

namespace pgm::query {
namespace {

std::string model_text(const Model& m) { return m.name().empty() ? std::string("the model") : "model '" + m.name() + "'"; }

[[noreturn]] void zero_evidence(const Model& m, const Evidence& e) {
  if (e.empty() && !e.has_soft())
    throw ZeroProbabilityEvidence("every configuration of " + model_text(m) +
                                  " has weight zero (its partition function is 0), so no ELBO exists");
  throw ZeroProbabilityEvidence("the evidence " + e.text() + " has probability zero under " + model_text(m) +
                                ", so no ELBO exists");
}

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// Σ = L Lᵀ; NumericalError naming the block when it is not positive definite.
Eigen::LLT<MatrixXd> cholesky(const MatrixXd& m, const char* what) {
  Eigen::LLT<MatrixXd> llt(m);
  if (llt.info() != Eigen::Success) throw NumericalError(std::string("the ") + what + " is not positive definite");
  return llt;
}

double log_det(const Eigen::LLT<MatrixXd>& llt) {
  return 2.0 * llt.matrixL().toDenseMatrix().diagonal().array().log().sum();
}

MatrixXd block(const MatrixXd& m, const std::vector<Index>& rows, const std::vector<Index>& cols) {
  MatrixXd out(static_cast<Index>(rows.size()), static_cast<Index>(cols.size()));
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < cols.size(); ++j)
      out(static_cast<Index>(i), static_cast<Index>(j)) = m(rows[i], cols[j]);
  return out;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

MeanFieldElbo mean_field_elbo(const Model& model, const Evidence& evidence, const MeanFieldOptions& options,
                              std::size_t max_memory_bytes) {
  if (!model.discrete())
    throw QueryError("mean-field variational inference needs a discrete model (Bayesian or Markov network); this is a " +
                     std::string(to_string(model.kind())) + " model (give --point for a latent linear-Gaussian model)");
  const Evidence e = evidence.for_model(model);
  MeanFieldElbo out;
  try {
    VariableEliminationOptions ve;
    ve.max_memory_bytes = max_memory_bytes;
    const double lp = model.bayesian_network()
                          ? VariableElimination(*model.bayesian_network(), ve).log_probability_of_evidence(e.hard(), e.soft_factors())
                          : VariableElimination(*model.markov_network(), ve).log_probability_of_evidence(e.hard(), e.soft_factors());
    if (lp == -std::numeric_limits<double>::infinity()) zero_evidence(model, e);
    out.log_probability_of_evidence = lp;
  } catch (const ZeroProbabilityEvidence&) {
    zero_evidence(model, e);
  } catch (const LimitError&) {
    // ln P(e) stays unknown: the ELBO is the answer then.
  }

  std::vector<Factor> factors = model.bayesian_network() ? model.bayesian_network()->cpts() : model.markov_network()->factors();
  factors.insert(factors.end(), e.soft_factors().begin(), e.soft_factors().end());
  MeanFieldResult r;
  try {
    r = mean_field(model.variable_set(), factors, e.hard(), options);
  } catch (const ZeroProbabilityEvidence&) {
    zero_evidence(model, e);
  }
  out.elbo = r.elbo;
  out.history = std::move(r.history);
  out.iterations = r.iterations;
  out.converged = r.converged;
  const auto& info = model.variables();
  for (std::size_t k = 0; k < r.free.size(); ++k) {
    const VariableInfo& v = info[r.free[k]];
    std::vector<std::pair<std::string, double>> dist;
    for (std::size_t s = 0; s < v.states.size(); ++s) dist.emplace_back(v.states[s], r.q[k][s]);
    out.q.emplace_back(v.name, std::move(dist));
  }
  if (out.log_probability_of_evidence) out.gap = *out.log_probability_of_evidence - out.elbo;
  return out;
}

LatentElbo latent_elbo(const Model& model, const ContinuousEvidence& point, const ContinuousEvidence& q_mean,
                       const ContinuousEvidence& q_logvar) {
  const LinearGaussianNetwork* net = model.linear_gaussian_network();
  if (!net)
    throw QueryError("the latent-variable ELBO needs a linear-gaussian model with 'latent:' variables; this is a " +
                     std::string(to_string(model.kind())) + " model");
  if (net->latent().empty())
    throw QueryError(model_text(model) + " lists no latent variables (add 'latent: [Z1, ...]' to the YAML model)");
  const std::size_t n = net->size();
  std::vector<bool> is_latent(n, false);
  for (VariableId v : net->latent()) is_latent[v] = true;

  // The point: every observed (non-latent) variable exactly once.
  std::vector<std::optional<double>> x_value(n);
  for (const auto& [name, value] : point) {
    const VariableId v = model.id(name);  // QueryError listing the names when unknown
    if (is_latent[v]) throw QueryError("'" + name + "' is latent; --point gives the observed variables only");
    if (x_value[v] && *x_value[v] != value) throw QueryError("'" + name + "' is given twice in the point");
    x_value[v] = value;
  }
  std::vector<std::string> missing;
  std::vector<Index> zi, xi;
  for (VariableId v = 0; v < n; ++v) {
    if (is_latent[v])
      zi.push_back(static_cast<Index>(v));
    else {
      xi.push_back(static_cast<Index>(v));
      if (!x_value[v]) missing.push_back(net->name_of(v));
    }
  }
  if (!missing.empty()) throw QueryError("the point must give every observed variable; missing: " + join(missing));

  LatentElbo out;
  for (Index v : zi) out.latent.push_back(net->name_of(static_cast<VariableId>(v)));
  const Gaussian& joint = model.joint_gaussian();
  const VectorXd& mu = joint.mean();
  const MatrixXd& cov = joint.covariance();
  const Index L = static_cast<Index>(zi.size()), K = static_cast<Index>(xi.size());
  VectorXd mz(L), mx(K), x(K);
  for (Index i = 0; i < L; ++i) mz[i] = mu[zi[static_cast<std::size_t>(i)]];
  for (Index i = 0; i < K; ++i) {
    mx[i] = mu[xi[static_cast<std::size_t>(i)]];
    x[i] = *x_value[static_cast<std::size_t>(xi[static_cast<std::size_t>(i)])];
  }
  const MatrixXd szz = block(cov, zi, zi), sxx = block(cov, xi, xi), sxz = block(cov, xi, zi);
  const double log2pi = std::log(2.0 * std::numbers::pi);

  // ln p(x) and the exact posterior p(z | x) = N(mz + Σzx Σxx⁻¹ (x − mx), Σzz − Σzx Σxx⁻¹ Σxz).
  const auto llt_x = cholesky(sxx, "covariance of the observed variables");
  const VectorXd rx = x - mx;
  const VectorXd sxx_rx = llt_x.solve(rx);
  out.log_marginal_likelihood = -0.5 * (static_cast<double>(K) * log2pi + log_det(llt_x) + rx.dot(sxx_rx));
  const VectorXd post_mean = mz + sxz.transpose() * sxx_rx;
  const MatrixXd post_cov = szz - sxz.transpose() * llt_x.solve(sxz);
  out.posterior_mean.assign(post_mean.data(), post_mean.data() + L);
  for (Index i = 0; i < L; ++i) {
    out.posterior_covariance.emplace_back();
    for (Index j = 0; j < L; ++j) out.posterior_covariance.back().push_back(post_cov(i, j));
  }

  // q: given by name, the rest from the exact posterior (its mean, ln of its diagonal).
  out.q_mean = out.posterior_mean;
  for (Index i = 0; i < L; ++i) out.q_logvar.push_back(std::log(post_cov(i, i)));
  const auto set = [&](const ContinuousEvidence& given, std::vector<double>& into, const char* what) {
    std::vector<bool> seen(static_cast<std::size_t>(L), false);
    for (const auto& [name, value] : given) {
      const VariableId v = model.id(name);
      const auto at = std::find(zi.begin(), zi.end(), static_cast<Index>(v));
      if (at == zi.end())
        throw QueryError(std::string(what) + " names '" + name + "', which is not latent; the latent variables are: " +
                         join(out.latent));
      const auto k = static_cast<std::size_t>(at - zi.begin());
      if (seen[k] && into[k] != value) throw QueryError(std::string(what) + " gives '" + name + "' twice");
      seen[k] = true;
      into[k] = value;
    }
  };
  set(q_mean, out.q_mean, "--q-mean");
  set(q_logvar, out.q_logvar, "--q-logvar");
  VectorXd m(L), var(L);
  double sum_logvar = 0.0;
  for (Index i = 0; i < L; ++i) {
    m[i] = out.q_mean[static_cast<std::size_t>(i)];
    var[i] = std::exp(out.q_logvar[static_cast<std::size_t>(i)]);
    sum_logvar += out.q_logvar[static_cast<std::size_t>(i)];
  }

  // p(z) = N(mz, Σzz); p(x | z) = N(c + A z, S), A = Σxz Σzz⁻¹, S = Σxx − A Σzx.
  const auto llt_z = cholesky(szz, "covariance of the latent variables");
  const MatrixXd a = llt_z.solve(sxz.transpose()).transpose();
  const MatrixXd s_cond = sxx - a * sxz.transpose();
  const auto llt_s = cholesky(s_cond, "covariance of the observed variables given the latent ones");
  // KL(q ‖ p(z)) = ½ [tr(Σzz⁻¹ D) + (mz − m)ᵀ Σzz⁻¹ (mz − m) − L + ln|Σzz| − Σ ln v].
  const MatrixXd szz_inv_d = llt_z.solve(MatrixXd(var.asDiagonal()));
  const VectorXd dz = mz - m;
  out.kl = 0.5 * (szz_inv_d.trace() + dz.dot(llt_z.solve(dz)) - static_cast<double>(L) + log_det(llt_z) - sum_logvar);
  // E_q[ln p(x | z)] = −½ [K ln 2π + ln|S| + rᵀ S⁻¹ r + tr(S⁻¹ A D Aᵀ)], r = x − mx − A (m − mz).
  const VectorXd r = x - mx - a * (m - mz);
  const MatrixXd ad = a * var.cwiseSqrt().asDiagonal();
  const double trace = (ad.array() * llt_s.solve(ad).array()).sum();
  out.reconstruction = -0.5 * (static_cast<double>(K) * log2pi + log_det(llt_s) + r.dot(llt_s.solve(r)) + trace);
  out.elbo = out.reconstruction - out.kl;
  out.gap = out.log_marginal_likelihood - out.elbo;
  if (!std::isfinite(out.elbo) || !std::isfinite(out.gap) || !std::isfinite(out.log_marginal_likelihood))
    throw NumericalError("the ELBO is beyond a double (the point, q's means or its variances exp(logvar) are too large)");
  out.reconstruction += 0.0;  // no "-0" in the output
  out.log_marginal_likelihood += 0.0;
  out.kl += 0.0;
  return out;
}

}  // namespace pgm::query
