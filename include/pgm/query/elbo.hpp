#pragma once
// The evidence lower bound (ELBO) behind `pgm elbo` and m.elbo(...): see docs/elbo.md.
//
//  - Discrete Bayesian and Markov networks: mean-field CAVI (<pgm/inference/mean_field.hpp>) on the
//    unobserved variables, beside the exact ln P(e) (ln Z(e) for a Markov network) when exact
//    inference fits the memory limit; gap = ln P(e) − ELBO = KL(q ‖ p(z | e)) ≥ 0.
//  - Linear-Gaussian networks with latent variables (the YAML `latent:` key): the closed-form ELBO
//    of a diagonal Gaussian q(z) = Π N(μ_i, exp(logvar_i)) given a full point x of the observed
//    (non-latent) variables, against the model's own joint p(x, z).
#include <pgm/inference/mean_field.hpp>
#include <pgm/query/evidence.hpp>
#include <pgm/query/model.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pgm::query {

struct MeanFieldElbo {
  double elbo = 0.0;            // after the last sweep
  std::vector<double> history;  // the initial q's ELBO, then one per sweep; never decreases
  std::size_t iterations = 0;
  bool converged = false;
  // q of each unobserved variable in declared order (observed variables are left out): (state, p).
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, double>>>> q;
  // Exact ln P(e) (variable elimination); nullopt when it would need more than max_memory_bytes.
  std::optional<double> log_probability_of_evidence;
  std::optional<double> gap;  // ln P(e) − elbo, when ln P(e) is known
};

// Mean-field ELBO of a discrete model (QueryError for continuous models). Hard and soft evidence
// (soft likelihoods are unary factors). ZeroProbabilityEvidence when the evidence is impossible
// (found exactly, or by the reduction when exact inference is over the limit).
[[nodiscard]] MeanFieldElbo mean_field_elbo(const Model& model, const Evidence& evidence,
                                            const MeanFieldOptions& options = {},
                                            std::size_t max_memory_bytes = std::size_t{8} << 30);

struct LatentElbo {
  double elbo = 0.0;            // reconstruction − kl
  double reconstruction = 0.0;  // E_q[ln p(x | z)]
  double kl = 0.0;              // KL(q ‖ p(z))
  double log_marginal_likelihood = 0.0;  // ln p(x), exact
  double gap = 0.0;             // ln p(x) − elbo = KL(q ‖ p(z | x)) ≥ 0
  std::vector<std::string> latent;  // the latent variables, declared order
  std::vector<double> q_mean, q_logvar;  // the q used, parallel to latent
  // The exact posterior p(z | x), parallel to latent.
  std::vector<double> posterior_mean;
  std::vector<std::vector<double>> posterior_covariance;
};

// The ELBO of q(z) = Π N(q_mean_i, exp(q_logvar_i)) for a linear-Gaussian network with latent
// variables, given `point`: every non-latent variable once by name (QueryError naming the missing
// ones, unknown names, latent names, repeats). q_mean / q_logvar name latent variables; the ones
// left out default to the exact posterior's mean and ln of its diagonal variance. QueryError when
// the model is not linear-Gaussian or lists no latent variables.
[[nodiscard]] LatentElbo latent_elbo(const Model& model, const ContinuousEvidence& point,
                                     const ContinuousEvidence& q_mean = {}, const ContinuousEvidence& q_logvar = {});

}  // namespace pgm::query
