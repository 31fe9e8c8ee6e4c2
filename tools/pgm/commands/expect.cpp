// `pgm expect`: E[X], Var[X], Cov(X, Y), the correlation, H(X), I(X; Y) and I(X; Y | Z) from the
// exact posterior (query::expect, <pgm/query/expectation.hpp>).
#include "pgm/commands.hpp"
#include "pgm/output.hpp"

#include <pgm/core/error.hpp>
#include <pgm/core/size.hpp>
#include <pgm/query.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace pgm::cli {
namespace {

struct ExpectCliOptions {
  ModelOptions model;
  std::vector<std::string> variables;  // X [Y]
  std::vector<std::string> given;
  std::string evidence_file;
  std::vector<std::string> values;     // --values X=0,1,2 (repeatable)
  std::vector<std::string> given_set;  // --given-set Z1,Z2
  std::string max_memory;
  bool json = false;
};

void run_expect(const ExpectCliOptions& opts) {
  set_max_table_bytes(parse_memory(opts.max_memory));
  Assignments given = parse_assignments(opts.given);
  query::StateValues values;
  try {
    values = query::parse_state_values(opts.values, "--values");
  } catch (const query::MalformedAssignment& e) {
    throw UsageError(e.what());  // as a malformed --given: exit 2
  }
  if (opts.variables.size() > 2)
    throw UsageError("pgm expect takes one or two variables (X [Y]); got " + std::to_string(opts.variables.size()));
  const Model model = load_model(opts.model);
  given = with_evidence_file(opts.evidence_file, std::move(given));
  const query::Evidence evidence = query::Evidence::from_names(model, given);
  query::ExpectOptions options;
  options.values = std::move(values);
  options.given_set = opts.given_set;
  const query::Expectation r = query::expect(model, opts.variables, evidence, options);

  const std::size_t n = r.variables.size();
  bool any_numeric = false;
  for (const auto& e : r.expectation) any_numeric = any_numeric || e.has_value();
  if (opts.json) {
    Json out = Json::object();
    if (any_numeric) {
      Json e = Json::object(), v = Json::object();
      for (std::size_t i = 0; i < n; ++i) {
        if (!r.expectation[i]) continue;
        append(e, r.variables[i], number_json(*r.expectation[i]));
        append(v, r.variables[i], number_json(*r.variance[i]));
      }
      out["expectation"] = std::move(e);
      out["variance"] = std::move(v);
    }
    if (r.covariance) out["covariance"] = number_json(*r.covariance);
    if (r.has_correlation) out["correlation"] = r.correlation ? number_json(*r.correlation) : Json(nullptr);
    Json h = Json::object();
    for (std::size_t i = 0; i < n; ++i) append(h, r.variables[i], number_json(r.entropy[i]));
    out["entropy"] = std::move(h);
    if (r.mutual_information) out["mutual_information"] = number_json(*r.mutual_information);
    if (r.conditional_mutual_information) {
      out["conditional_mutual_information"] = number_json(*r.conditional_mutual_information);
      out["given_set"] = r.given_set;
    }
    out["evidence"] = evidence_json(r.evidence);
    print_json(out, std::cout);
    return;
  }
  const std::string cond = r.evidence.empty() ? "" : " | " + format_assignments(r.evidence);
  std::cout << "Summaries of " << r.variables[0] << (n > 1 ? " and " + r.variables[1] : std::string())
            << (r.evidence.empty() ? "" : " given " + format_assignments(r.evidence))
            << (r.continuous ? " (posterior Gaussian; differential entropy)" : "") << " (nats)\n";
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& x = r.variables[i];
    if (r.expectation[i]) {
      std::cout << "  E[" << x << cond << "] = " << format_number(*r.expectation[i], 10) << "\n";
      std::cout << "  Var[" << x << cond << "] = " << format_number(*r.variance[i], 10) << "\n";
    } else {
      std::cout << "  E[" << x << "], Var[" << x << "]: states are not numbers; give --values " << x
                << "=V1,V2,... (one per state) for them\n";
    }
  }
  if (r.covariance) std::cout << "  Cov(" << r.variables[0] << ", " << r.variables[1] << cond << ") = "
                              << format_number(*r.covariance, 10) << "\n";
  if (r.has_correlation)
    std::cout << "  corr(" << r.variables[0] << ", " << r.variables[1] << cond << ") = "
              << (r.correlation ? format_number(*r.correlation, 10) : std::string("undefined (a variance is 0)"))
              << "\n";
  for (std::size_t i = 0; i < n; ++i)
    std::cout << "  H(" << r.variables[i] << cond << ") = " << format_number(r.entropy[i], 10) << "\n";
  if (r.mutual_information)
    std::cout << "  I(" << r.variables[0] << "; " << r.variables[1] << cond << ") = "
              << format_number(*r.mutual_information, 10) << "\n";
  if (r.conditional_mutual_information) {
    std::string z;
    for (const auto& name : r.given_set) z += (z.empty() ? "" : ", ") + name;
    std::cout << "  I(" << r.variables[0] << "; " << r.variables[1] << " | " << z
              << (r.evidence.empty() ? "" : ", " + format_assignments(r.evidence))
              << ") = " << format_number(*r.conditional_mutual_information, 10) << "\n";
  }
}

}  // namespace

void register_expect_commands(CLI::App& app) {
  auto opts = std::make_shared<ExpectCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "expect", "E[X], Var[X], Cov(X, Y), correlation, entropy and mutual information from the exact posterior");
  add_model_options(*cmd, opts->model);  // the model positional comes first
  cmd->add_option("variables", opts->variables, "X, and optionally Y")->required()->expected(1, 2);
  add_evidence_options(*cmd, opts->given, opts->evidence_file);
  cmd->add_option("--values", opts->values,
                  "Numeric values of a variable's states, X=V1,V2,... in declared state order (repeatable); "
                  "states that are numbers need none")
      ->type_name("X=V1,V2");
  cmd->add_option("--given-set", opts->given_set, "Z for the conditional mutual information I(X; Y | Z)")
      ->delimiter(',')
      ->type_name("Z[,W]");
  add_max_memory_option(*cmd, opts->max_memory);
  cmd->add_flag("--json", opts->json, "Print JSON instead of text");
  cmd->callback([opts] { run_expect(*opts); });
}

}  // namespace pgm::cli
