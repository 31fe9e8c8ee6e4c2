// `pgm citest`: a test of conditional independence X ⟂ Y | Z on the rows of a CSV file
// (query::citest, <pgm/query/citest.hpp>). No model: the data alone. See docs/independence.md.
#include "pgm/commands.hpp"
#include "pgm/output.hpp"

#include <pgm/query/citest.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace pgm::cli {
namespace {

struct CitestCliOptions {
  std::string data;
  std::string x, y;
  std::vector<std::string> given;
  std::string test = "chi2";
  double alpha = 0.05;
  bool json = false;
};

void run_citest(const CitestCliOptions& opts) {
  if (opts.test != "chi2" && opts.test != "g2" && opts.test != "fisher-z")
    throw UsageError("--test must be chi2, g2 or fisher-z, got '" + opts.test + "'");
  if (!(opts.alpha > 0.0 && opts.alpha < 1.0))
    throw UsageError("--alpha must be strictly between 0 and 1, got " + format_number(opts.alpha));
  query::CiTestOptions options;
  options.x = opts.x;
  options.y = opts.y;
  for (const auto& g : opts.given) split_name_list(g, "--given", "column name", "C,D,...", options.given);
  options.test = query::parse_ci_test_kind(opts.test);
  options.alpha = opts.alpha;
  const query::DataTable table = query::read_data_table(opts.data);
  const CiTestResult r = query::citest(table, options);

  if (opts.json) {
    Json j = Json::object();
    j["test"] = ci_test_name(r.kind);
    j["statistic"] = r.statistic;
    j["dof"] = r.dof;
    j["p_value"] = r.p_value;
    j["alpha"] = r.alpha;
    j["independent"] = r.independent;
    j["n"] = r.n;
    std::cout << j.dump(2) << '\n';
    return;
  }
  std::string given;
  for (const auto& g : options.given) given += (given.empty() ? " | " : ", ") + g;
  std::cout << ci_test_name(r.kind) << " test of " << options.x << " _||_ " << options.y << given << " on " << r.n
            << " rows: statistic " << format_number(r.statistic) << ", dof " << r.dof << ", p-value "
            << format_probability(r.p_value) << " -> "
            << (r.independent ? "independent (p > alpha " : "dependent (p <= alpha ") << format_number(r.alpha)
            << ")\n";
}

}  // namespace

void register_citest_commands(CLI::App& app) {
  auto opts = std::make_shared<CitestCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "citest", "Test X _||_ Y | Z on the rows of a CSV file (chi2, g2 for categories; fisher-z for numbers)");
  cmd->add_option("--data", opts->data,
                  "CSV file of rows: a header of column names, then one value per cell (empty: missing; "
                  "rows missing a tested cell are dropped)")
      ->required()
      ->type_name("FILE");
  cmd->add_option("--x", opts->x, "The column X (one column)")->required()->type_name("A");
  cmd->add_option("--y", opts->y, "The column Y (one column)")->required()->type_name("B");
  cmd->add_option("--given", opts->given, "Conditioning columns Z (repeatable)")->type_name("C,D");
  cmd->add_option("--test", opts->test,
                  "chi2 (Pearson, default) or g2 (likelihood ratio) on category labels; fisher-z (partial "
                  "correlation) on numbers")
      ->type_name("TEST");
  cmd->add_option("--alpha", opts->alpha, "Significance level in (0, 1): independent when p-value > alpha (default 0.05)")
      ->type_name("A");
  cmd->add_flag("--json", opts->json, "Print {test, statistic, dof, p_value, alpha, independent, n} as JSON");
  cmd->callback([opts] { run_citest(*opts); });
}

}  // namespace pgm::cli
