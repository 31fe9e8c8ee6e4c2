// Continuous models on the command line: `query` (via run_gaussian_query), `score`, `sample` (also
// forward sampling of discrete Bayesian networks) and the Gaussian part of `info`.
#include "pgm/commands.hpp"
#include "pgm/commands/gaussian_info.hpp"
#include "pgm/output.hpp"

#include <pgm/core/error.hpp>
#include <pgm/query/evidence.hpp>
#include <pgm/inference/forward_sampling.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>

namespace pgm::cli {
namespace {

using Assignments = std::vector<std::pair<std::string, std::string>>;

// Shortest text that reads back as the same double (at most 17 significant digits).
std::string exact(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

using query::parse_value;  // the library's reading of continuous evidence

ContinuousEvidence numeric(const Assignments& given) {
  ContinuousEvidence ev;
  ev.reserve(given.size());
  for (const auto& [n, v] : given) ev.emplace_back(n, parse_value(n, v));
  return ev;
}

// The joint Gaussian of a continuous model; QueryError for discrete models.
Gaussian joint_of(const ModelVariant& model, const char* command) {
  if (const auto* g = std::get_if<Gaussian>(&model)) return *g;
  if (const auto* lg = std::get_if<LinearGaussianNetwork>(&model)) return lg->to_gaussian();
  throw QueryError(std::string("'") + command + "' needs a Gaussian or linear-Gaussian model");
}

void print_warnings(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) std::cerr << "pgm: warning: " << w << '\n';
}

Json vector_json(const Eigen::VectorXd& v) {
  Json a = Json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) a.push_back(number_json(v[i]));
  return a;
}

Json matrix_json(const Eigen::MatrixXd& m) {
  Json a = Json::array();
  for (Eigen::Index i = 0; i < m.rows(); ++i) a.push_back(vector_json(m.row(i).transpose()));
  return a;
}

std::string given_text(const Assignments& given) {
  return given.empty() ? std::string() : " given " + format_assignments(given);
}

void print_moments(const Gaussian& g, std::ostream& out) {
  TextTable t(2);
  t.add_row({"variable", "mean", "variance", "std.dev"});
  for (std::size_t i = 0; i < g.size(); ++i) {
    const double var = g.covariance()(i, i);
    t.add_row({g.names()[i], format_number(g.mean()[i]), format_number(var), format_number(std::sqrt(var))});
  }
  for (std::size_t c = 1; c < 4; ++c) t.right_align(c);
  t.print(out);
  if (g.size() > 1) {
    out << "Covariance\n";
    TextTable c(2);
    std::vector<std::string> header{""};
    header.insert(header.end(), g.names().begin(), g.names().end());
    c.add_row(header);
    for (std::size_t i = 0; i < g.size(); ++i) {
      std::vector<std::string> row{g.names()[i]};
      for (std::size_t j = 0; j < g.size(); ++j) row.push_back(format_number(g.covariance()(i, j)));
      c.add_row(std::move(row));
    }
    for (std::size_t j = 1; j <= g.size(); ++j) c.right_align(j);
    c.print(out);
  }
}

// ---------------------------------------------------------------------------------------------
// score

struct ScoreOptions {
  ModelOptions model;
  std::vector<std::string> point;
  bool json = false;
};

// "1.23e+599": a positive number given by its base-10 logarithm, for values beyond double range.
std::string power_of_ten(double log10_value) {
  const double exponent = std::floor(log10_value);
  return format_number(std::pow(10.0, log10_value - exponent), 3) + "e+" + format_number(exponent, 15);
}

// A density for people: the number, or exp(log density) where the number underflows (to 0 or to a
// subnormal with few digits left).
std::string density_text(double log_density) {
  const double p = std::exp(log_density);
  if (p >= std::numeric_limits<double>::min()) return format_number(p, 10);
  return "exp(" + format_number(log_density, 10) + ")";
}

void run_score(const ScoreOptions& opts) {
  const Assignments point = parse_assignments(opts.point, "--point");
  const ModelVariant model = load(opts.model);
  const Gaussian g = joint_of(model, "score");
  const Eigen::VectorXd x = g.point(numeric(point));
  const double d = g.mahalanobis(x);
  if (!std::isfinite(d)) {
    throw NumericalError("the point is so far from the mean that its Mahalanobis distance exceeds the largest "
                         "double (1.8e+308), so its log-density is below -1.8e+308 and cannot be represented");
  }
  const double log_density = g.log_density(x);
  if (!std::isfinite(log_density)) {
    // -½ d² dominates: log10(½ d²) = 2 log10 d - log10 2.
    throw NumericalError("the point is so far from the mean (Mahalanobis distance " + format_number(d, 3) +
                         ") that its log-density, about -" + power_of_ten(2 * std::log10(d) - std::log10(2.0)) +
                         ", is below the smallest double (-1.8e+308) and cannot be represented");
  }
  if (opts.json) {
    Json j;
    j["log_density"] = number_json(log_density);
    j["mahalanobis"] = number_json(d);
    print_json(j, std::cout);
    return;
  }
  TextTable t;
  t.add_row({"log density", format_number(log_density, 10)});
  t.add_row({"density", density_text(log_density)});
  t.add_row({"Mahalanobis distance", format_number(d, 10)});
  t.print(std::cout);
}

// ---------------------------------------------------------------------------------------------
// sample

struct SampleOptions {
  ModelOptions model;
  std::size_t n = 1000;
  std::uint64_t seed = 0;
  std::vector<std::string> given;
};

// Draws beyond this many are refused, so rejection sampling cannot run away.
constexpr std::uint64_t kMaxDraws = 20'000'000;
// Rejection sampling gives up if none of this many draws matches the evidence.
constexpr std::uint64_t kZeroAcceptanceDraws = 1'000'000;

void sample_gaussian(const ModelVariant& model, const SampleOptions& opts, std::ostream& out) {
  const Gaussian joint = joint_of(model, "sample");
  const ContinuousEvidence ev = numeric(parse_assignments(opts.given));
  std::vector<std::string> warnings;
  const Gaussian conditioned = joint.condition(ev, &warnings);
  print_warnings(warnings);
  const Eigen::MatrixXd draws = conditioned.sample(opts.n, opts.seed);
  // Columns in declaration order; observed variables repeat their value.
  std::vector<std::optional<double>> fixed(joint.size());
  std::vector<std::size_t> column(joint.size(), 0);
  for (const auto& [n, v] : ev) fixed[joint.index(n)] = v;
  for (std::size_t k = 0; k < conditioned.size(); ++k) column[joint.index(conditioned.names()[k])] = k;
  for (std::size_t i = 0; i < joint.size(); ++i) out << (i ? "," : "") << joint.names()[i];
  out << '\n';
  std::string line;
  for (Eigen::Index r = 0; r < draws.rows(); ++r) {
    line.clear();
    for (std::size_t i = 0; i < joint.size(); ++i) {
      if (i) line += ',';
      line += exact(fixed[i] ? *fixed[i] : draws(r, static_cast<Eigen::Index>(column[i])));
    }
    out << line << '\n';
  }
}

// Ancestral sampling in topological order; with evidence, draws that disagree are rejected.
void sample_discrete(const BayesianNetwork& bn, const SampleOptions& opts, std::ostream& out) {
  const Assignments given = parse_assignments(opts.given);
  const Evidence evidence = bn.evidence(given);
  const std::size_t n_vars = bn.size();
  const ForwardSampler sampler(bn);
  std::mt19937_64 rng(opts.seed);
  for (VariableId v = 0; v < n_vars; ++v) out << (v ? "," : "") << bn.variable(v).name;
  out << '\n';
  std::uint64_t draws = 0;
  std::size_t accepted = 0;
  std::string line;
  while (accepted < opts.n) {
    if (draws == kMaxDraws || (accepted == 0 && draws == kZeroAcceptanceDraws)) {
      if (accepted == 0)
        throw QueryError("none of " + std::to_string(draws) + " forward samples matched the evidence " +
                         format_assignments(given) +
                         "; its probability is zero or too small for rejection sampling");
      throw LimitError("rejection sampling accepted only " + std::to_string(accepted) + " of " +
                       std::to_string(draws) + " draws (acceptance " + format_number(double(accepted) / double(draws), 3) +
                       "); asking for " + std::to_string(opts.n) + " samples would need about " +
                       format_number(double(opts.n) * double(draws) / double(accepted), 3) + " draws");
    }
    ++draws;
    const std::vector<std::size_t> state = sampler.sample(rng);
    bool ok = true;
    for (const auto& [v, s] : evidence)
      if (state[v] != s) ok = false;
    if (!ok) continue;
    ++accepted;
    line.clear();
    for (VariableId v = 0; v < n_vars; ++v) {
      if (v) line += ',';
      line += bn.variable(v).states[state[v]];
    }
    out << line << '\n';
  }
}

void run_sample(const SampleOptions& opts) {
  const ModelVariant model = load(opts.model);
  if (const auto* bn = std::get_if<BayesianNetwork>(&model)) {
    sample_discrete(*bn, opts, std::cout);
  } else if (std::holds_alternative<MarkovNetwork>(model)) {
    throw UnsupportedError("sampling a Markov network is not supported (it has no forward sampling order; "
                           "only Bayesian networks and Gaussian models can be sampled)");
  } else {
    sample_gaussian(model, opts, std::cout);
  }
}

}  // namespace

void run_gaussian_query(const ModelVariant& model, const std::vector<std::string>& targets, const Assignments& given,
                        bool json, std::ostream& out) {
  const Gaussian joint = joint_of(model, "query");
  const ContinuousEvidence ev = numeric(given);
  std::vector<std::string> warnings;
  const Gaussian post = joint.posterior(targets, ev, &warnings);
  print_warnings(warnings);
  if (json) {
    Json j;
    j["variables"] = post.names();
    j["mean"] = vector_json(post.mean());
    j["covariance"] = matrix_json(post.covariance());
    if (!ev.empty()) {
      Json g = Json::object();
      for (const auto& [n, v] : ev) append(g, n, number_json(v));  // names distinct (parse_assignments)
      j["given"] = std::move(g);
    }
    if (!warnings.empty()) j["warnings"] = warnings;
    print_json(j, out);
    return;
  }
  out << (given.empty() ? "Marginal" : "Posterior") << " of " << join_names(post.names()) << given_text(given)
      << '\n';
  print_moments(post, out);
}

void print_gaussian_info(const ModelVariant& model, bool json, std::ostream& out) {
  const auto* lg = std::get_if<LinearGaussianNetwork>(&model);
  const Gaussian g = joint_of(model, "info");
  const double cond = g.condition_number();
  const std::string type = lg ? "linear-gaussian" : "gaussian";
  if (json) {
    Json j;
    j["name"] = g.name();
    j["type"] = type;
    j["variables"] = g.names();
    j["mean"] = vector_json(g.mean());
    j["covariance"] = matrix_json(g.covariance());
    j["condition_number"] = number_json(cond);
    if (lg) {
      Json edges = Json::array();
      Json cpds = Json::object();
      for (VariableId v = 0; v < lg->size(); ++v) {
        Json c;
        c["parents"] = Json::array();
        for (const VariableId p : lg->parents(v)) c["parents"].push_back(lg->name_of(p));
        c["weights"] = Json::array();
        for (const double w : lg->weights(v)) c["weights"].push_back(number_json(w));
        c["intercept"] = number_json(lg->intercept(v));
        c["variance"] = number_json(lg->variance(v));
        append(cpds, lg->name_of(v), std::move(c));
        const auto ps = lg->parents(v);
        for (std::size_t k = 0; k < ps.size(); ++k)
          edges.push_back(Json{{"from", lg->name_of(ps[k])}, {"to", lg->name_of(v)}, {"weight", number_json(lg->weights(v)[k])}});
      }
      j["edges"] = std::move(edges);
      j["cpds"] = std::move(cpds);
    }
    print_json(j, out);
    return;
  }
  out << (lg ? "Linear-Gaussian network" : "Gaussian") << " '" << g.name() << "': " << g.size() << " variables";
  if (lg) out << ", " << lg->graph().num_edges() << " edges";
  out << '\n';
  if (lg) {
    out << "Conditional distributions\n";
    TextTable t(2);
    for (VariableId v = 0; v < lg->size(); ++v) {
      const auto ps = lg->parents(v);
      std::string rhs = lg->intercept(v) != 0 || ps.empty() ? format_number(lg->intercept(v)) : "";
      for (std::size_t k = 0; k < ps.size(); ++k) {
        const double w = lg->weights(v)[k];
        const std::string term = format_number(std::abs(w)) + "·" + lg->name_of(ps[k]);
        rhs += rhs.empty() ? (w < 0 ? "-" : "") + term : (w < 0 ? " - " : " + ") + term;
      }
      rhs += " + N(0, " + format_number(lg->variance(v)) + ")";
      t.add_row({lg->name_of(v), "=", rhs});
    }
    t.print(out);
    out << "Joint\n";
  }
  print_moments(g, out);
  out << "Condition number of the covariance: " << format_number(cond, 4) << " (largest/smallest eigenvalue)";
  if (cond > 1e10) out << " — ill-conditioned: conditioning results may be inaccurate";
  out << '\n';
}

void register_gaussian_commands(CLI::App& app) {
  {
    auto opts = std::make_shared<ScoreOptions>();
    CLI::App* cmd = app.add_subcommand("score", "Log-density and Mahalanobis distance of a point under a Gaussian model");
    add_model_options(*cmd, opts->model);
    cmd->add_option("--point,-p", opts->point, "The point NAME=VALUE[,NAME=VALUE...], every variable once; repeatable")
        ->required()
        ->type_name("X=1.5,Y=2");
    cmd->add_flag("--json", opts->json, "Print JSON instead of text");
    cmd->callback([opts] { run_score(*opts); });
  }
  {
    auto opts = std::make_shared<SampleOptions>();
    CLI::App* cmd = app.add_subcommand(
        "sample", "Draw samples as CSV (Gaussian models exactly, Bayesian networks by forward sampling)");
    add_model_options(*cmd, opts->model);
    // Checked as text: CLI11 would read "-5" into an unsigned seed as 2^64 - 5.
    const auto whole = [](std::uint64_t most) {
      return CLI::Validator(
          [most](std::string& text) -> std::string {
            std::uint64_t v = 0;
            const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
            if (ec == std::errc() && p == text.data() + text.size() && v <= most) return {};
            return "'" + text + "' is not a whole number from 0 to " + std::to_string(most);
          },
          "", "whole number");
    };
    cmd->add_option("-n,--count", opts->n, "Number of samples (at most 100000000)")
        ->capture_default_str()
        ->check(whole(100'000'000));
    cmd->add_option("--seed,-s", opts->seed, "Seed of the random generator (same seed, same samples)")
        ->capture_default_str()
        ->check(whole(std::numeric_limits<std::uint64_t>::max()));
    cmd->add_option("--given,-g", opts->given,
                    "Evidence NAME=VALUE[,NAME=VALUE...]: exact conditioning for Gaussian models, rejection "
                    "sampling for Bayesian networks; repeatable")
        ->type_name("A=a,B=b");
    cmd->callback([opts] { run_sample(*opts); });
  }
}

}  // namespace pgm::cli
