// `pgm elbo`: the evidence lower bound (<pgm/query/elbo.hpp>, docs/elbo.md). A discrete model gets
// mean-field CAVI beside the exact ln P(e); a linear-Gaussian model with `latent:` variables and
// --point gets the closed-form ELBO of a diagonal Gaussian q(z).
#include "pgm/commands.hpp"
#include "pgm/output.hpp"

#include <pgm/core/error.hpp>
#include <pgm/core/size.hpp>
#include <pgm/query.hpp>
#include <pgm/query/elbo.hpp>

#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace pgm::cli {
namespace {

struct ElboOptions {
  ModelOptions model;
  std::vector<std::string> given;
  std::string evidence_file;
  std::size_t max_iter = 1000;
  double tol = 1e-10;
  std::uint64_t seed = 0;
  std::string max_memory;
  std::vector<std::string> point, q_mean, q_logvar;
  bool json = false;
};

ContinuousEvidence values_of(const std::vector<std::string>& texts, const char* flag) {
  try {
    return query::parse_values(query::parse_assignments(texts, flag, query::AssignmentItems::coordinates));
  } catch (const query::MalformedAssignment& e) {
    throw UsageError(e.what());
  }
}

Json values_json(const std::vector<std::string>& names, const std::vector<double>& values) {
  Json out = Json::object();
  for (std::size_t i = 0; i < names.size(); ++i) append(out, names[i], number_json(values[i]));
  return out;
}

void run_latent(const ElboOptions& opts, const Model& model) {
  if (!opts.given.empty() || !opts.evidence_file.empty())
    throw UsageError("a latent linear-Gaussian model takes its observation as --point, not --given/--evidence-file");
  const ContinuousEvidence point = values_of(opts.point, "--point");
  const ContinuousEvidence mean = values_of(opts.q_mean, "--q-mean");
  const ContinuousEvidence logvar = values_of(opts.q_logvar, "--q-logvar");
  const query::LatentElbo r = query::latent_elbo(model, point, mean, logvar);
  if (opts.json) {
    Json out = Json::object();
    out["elbo"] = number_json(r.elbo);
    out["reconstruction"] = number_json(r.reconstruction);
    out["kl"] = number_json(r.kl);
    out["log_marginal_likelihood"] = number_json(r.log_marginal_likelihood);
    out["gap"] = number_json(r.gap);
    Json post = Json::object();
    post["mean"] = values_json(r.latent, r.posterior_mean);
    Json cov = Json::array();
    for (const auto& row : r.posterior_covariance) {
      Json jr = Json::array();
      for (double x : row) jr.push_back(number_json(x));
      cov.push_back(std::move(jr));
    }
    post["covariance"] = std::move(cov);
    out["posterior"] = std::move(post);
    print_json(out, std::cout);
    return;
  }
  std::cout << "ELBO of a diagonal Gaussian q over the latent variables\n";
  TextTable t(2);
  t.add_row({"variable", "q mean", "q logvar", "posterior mean", "posterior var"});
  for (std::size_t i = 0; i < r.latent.size(); ++i)
    t.add_row({r.latent[i], format_number(r.q_mean[i]), format_number(r.q_logvar[i]),
               format_number(r.posterior_mean[i]), format_number(r.posterior_covariance[i][i])});
  t.print(std::cout);
  std::cout << "reconstruction E_q[ln p(x | z)] = " << format_number(r.reconstruction, 10) << "\n"
            << "KL(q || p(z)) = " << format_number(r.kl, 10) << "\n"
            << "ELBO = " << format_number(r.elbo, 10) << "\n"
            << "ln p(x) = " << format_number(r.log_marginal_likelihood, 10) << "\n"
            << "gap = KL(q || p(z | x)) = " << format_number(r.gap, 10) << "\n";
}

void run_elbo(const ElboOptions& opts) {
  if (!(opts.tol >= 0.0) || !std::isfinite(opts.tol)) throw UsageError("--tol must be a finite number >= 0");
  const std::size_t max_memory = parse_memory(opts.max_memory);
  set_max_table_bytes(max_memory);
  Assignments given = parse_assignments(opts.given);
  Model model = load_model(opts.model);
  if (!model.discrete()) {
    run_latent(opts, model);
    return;
  }
  if (!opts.point.empty() || !opts.q_mean.empty() || !opts.q_logvar.empty())
    throw UsageError("--point, --q-mean and --q-logvar are for linear-Gaussian latent models; this is a " +
                     std::string(query::to_string(model.kind())) + " model (use --given)");
  given = with_evidence_file(opts.evidence_file, std::move(given));
  const query::Evidence evidence = query::Evidence::from_names(model, given);
  MeanFieldOptions mf;
  mf.max_iterations = opts.max_iter;
  mf.tolerance = opts.tol;
  mf.seed = opts.seed;
  const query::MeanFieldElbo r = query::mean_field_elbo(model, evidence, mf, max_memory);
  const auto optional_json = [](const std::optional<double>& x) { return x ? number_json(*x) : Json(nullptr); };
  if (opts.json) {
    Json out = Json::object();
    out["elbo"] = number_json(r.elbo);
    Json history = Json::array();
    for (double l : r.history) history.push_back(number_json(l));
    out["history"] = std::move(history);
    out["iterations"] = r.iterations;
    out["converged"] = r.converged;
    Json q = Json::object();
    for (const auto& [name, dist] : r.q) {
      Json d = Json::object();
      for (const auto& [state, p] : dist) append(d, state, number_json(p));
      append(q, name, std::move(d));
    }
    out["q"] = std::move(q);
    out["log_probability_of_evidence"] = optional_json(r.log_probability_of_evidence);
    out["gap"] = optional_json(r.gap);
    print_json(out, std::cout);
    return;
  }
  const std::string e = evidence.empty() ? std::string() : " given " + format_assignments(evidence.as_given());
  std::cout << "Mean-field ELBO" << e << " after " << r.iterations << (r.iterations == 1 ? " sweep" : " sweeps")
            << (r.converged ? " (converged)" : " (not converged)") << "\n";
  for (const auto& [name, dist] : r.q) {
    std::cout << "q(" << name << ")\n";
    TextTable t(2);
    for (const auto& [state, p] : dist) t.add_row({state, format_probability(p), bar(p)});
    t.print(std::cout);
  }
  std::cout << "ELBO = " << format_number(r.elbo, 10) << "\n";
  if (r.log_probability_of_evidence)
    std::cout << "ln P(e) = " << format_number(*r.log_probability_of_evidence, 10)
              << "\ngap = KL(q || p(z | e)) = " << format_number(*r.gap, 10) << "\n";
  else
    std::cout << "ln P(e): exact inference does not fit the memory limit (--max-memory)\n";
}

}  // namespace

void register_elbo_commands(CLI::App& app) {
  auto opts = std::make_shared<ElboOptions>();
  CLI::App* cmd = app.add_subcommand(
      "elbo", "Evidence lower bound: mean-field VI (discrete models) or a diagonal Gaussian q (latent linear-Gaussian)");
  add_model_options(*cmd, opts->model);
  add_evidence_options(*cmd, opts->given, opts->evidence_file);
  cmd->add_option("--max-iter", opts->max_iter, "Mean field: at most this many sweeps (default 1000)")->type_name("N");
  cmd->add_option("--tol", opts->tol, "Mean field: stop when a sweep improves the ELBO by less (default 1e-10)")
      ->type_name("T");
  cmd->add_option("--seed", opts->seed, "Mean field: seed of the random initial q (default 0)")->type_name("S");
  add_max_memory_option(*cmd, opts->max_memory);
  cmd->add_option("--point,-p", opts->point, "Latent models: the observed values NAME=VALUE[,...], every non-latent variable")
      ->type_name("X1=v,X2=v");
  cmd->add_option("--q-mean", opts->q_mean, "Latent models: q's means Z=VALUE[,...] (default: the exact posterior's)")
      ->type_name("Z1=m");
  cmd->add_option("--q-logvar", opts->q_logvar,
                  "Latent models: q's log-variances Z=VALUE[,...] (default: ln of the exact posterior's variances)")
      ->type_name("Z1=v");
  cmd->add_flag("--json", opts->json, "Print JSON instead of text");
  cmd->callback([opts] { run_elbo(*opts); });
}

}  // namespace pgm::cli
