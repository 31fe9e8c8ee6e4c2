// Continuous models on the command line: `query` (via run_gaussian_query), `score`, `sample` (also
// forward sampling of discrete Bayesian networks) and the Gaussian part of `info`. The work is
// pgm::Model's (posterior, score, sample, sample_states); this file parses and prints.
#include "pgm/commands.hpp"
#include "pgm/commands/gaussian_info.hpp"
#include "pgm/output.hpp"
#include "pgm/shapes.hpp"

#include <pgm/core/error.hpp>
#include <pgm/query/evidence.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <memory>
#include <string>

namespace pgm::cli {
namespace {

// Shortest text that reads back as the same double (at most 17 significant digits).
std::string exact(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

// The command's own refusal of a discrete model, naming the command.
void require_continuous(const Model& model, const char* command) {
  if (model.discrete()) throw QueryError(std::string("'") + command + "' needs a Gaussian or linear-Gaussian model");
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

// A density for people: the number, or exp(log density) where the number underflows (to 0 or to a
// subnormal with few digits left).
std::string density_text(double log_density) {
  const double p = std::exp(log_density);
  if (p >= std::numeric_limits<double>::min()) return format_number(p, 10);
  return "exp(" + format_number(log_density, 10) + ")";
}

void run_score(const ScoreOptions& opts) {
  const Assignments point = parse_assignments(opts.point, "--point");
  const Model model = load_model(opts.model);
  require_continuous(model, "score");
  const query::PointScore score = model.score(query::parse_values(point));
  const double log_density = score.log_density, d = score.mahalanobis;
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

void print_header(const Model& model, std::ostream& out) {
  for (std::size_t i = 0; i < model.size(); ++i) out << (i ? "," : "") << model.variables()[i].name;
  out << '\n';
}

void run_sample(const SampleOptions& opts) {
  const Model model = load_model(opts.model);
  model.check_sampling();  // a Markov network is refused before --given is read
  const query::Evidence evidence = query::Evidence::from_names(model, parse_assignments(opts.given));
  std::ostream& out = std::cout;
  std::string line;
  if (model.discrete()) {
    // Forward sampling, rejecting draws that disagree with the evidence; printed as drawn.
    print_header(model, out);
    model.for_each_sample(opts.n, opts.seed, evidence, [&](std::span<const std::size_t> state) {
      line.clear();
      for (std::size_t v = 0; v < state.size(); ++v) {
        if (v) line += ',';
        line += model.variables()[v].states[state[v]];
      }
      out << line << '\n';
    });
    return;
  }
  std::vector<std::string> warnings;
  const Eigen::MatrixXd draws = model.sample(opts.n, opts.seed, evidence, &warnings);
  print_warnings(warnings);
  print_header(model, out);
  for (Eigen::Index r = 0; r < draws.rows(); ++r) {
    line.clear();
    for (Eigen::Index i = 0; i < draws.cols(); ++i) {
      if (i) line += ',';
      line += exact(draws(r, i));
    }
    out << line << '\n';
  }
}

}  // namespace

void run_gaussian_query(const Model& model, const std::vector<std::string>& targets, const Assignments& given,
                        bool json, std::ostream& out) {
  require_continuous(model, "query");
  const ContinuousEvidence ev = query::parse_values(given);  // names are checked after the targets
  std::vector<std::string> warnings;
  const Gaussian post = model.posterior(targets, ev, &warnings);
  print_warnings(warnings);
  if (json) {
    print_json(gaussian_query_json(post, ev, warnings), out);
    return;
  }
  out << (given.empty() ? "Marginal" : "Posterior") << " of " << join_names(post.names()) << given_text(given)
      << '\n';
  print_moments(post, out);
}

Json gaussian_query_json(const Gaussian& post, const ContinuousEvidence& ev, const std::vector<std::string>& warnings) {
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
  return j;
}

Json gaussian_info_json(const Model& model) {
  require_continuous(model, "info");
  const LinearGaussianNetwork* lg = model.linear_gaussian_network();
  const Gaussian& g = model.joint_gaussian();
  const double cond = g.condition_number();
  const std::string type = lg ? "linear-gaussian" : "gaussian";
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
  return j;
}

void print_gaussian_info(const Model& model, bool json, std::ostream& out) {
  if (json) {
    print_json(gaussian_info_json(model), out);
    return;
  }
  require_continuous(model, "info");
  const LinearGaussianNetwork* lg = model.linear_gaussian_network();
  const Gaussian& g = model.joint_gaussian();
  const double cond = g.condition_number();
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
