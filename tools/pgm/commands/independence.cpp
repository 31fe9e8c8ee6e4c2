// `pgm independent`, `pgm blanket` and `pgm independencies`: conditional independence from the
// structure of a model (d-separation, separation, Gaussian precision zeros) and, on request, from
// its numbers. The answers are pgm::Model's (independent, independent_in_numbers, blanket_parts,
// local_independencies); this file parses and prints.
#include "pgm/commands.hpp"
#include "pgm/output.hpp"
#include "pgm/shapes.hpp"

#include <pgm/core/error.hpp>
#include <pgm/independence/ci_check.hpp>

#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pgm::cli {
namespace {

// "A", "{A, B}" or "∅".
[[nodiscard]] std::string set_text(const std::vector<std::string>& names) {
  if (names.empty()) return "∅";
  if (names.size() == 1) return names.front();
  std::string text = "{";
  for (std::size_t i = 0; i < names.size(); ++i) text += (i ? ", " : "") + names[i];
  return text + "}";
}

[[nodiscard]] std::string list_text(const std::vector<std::string>& names) {
  if (names.empty()) return "(none)";
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) text += (i ? ", " : "") + names[i];
  return text;
}

// A → B ← C along the DAG's edges, or A — B — C in an undirected graph.
[[nodiscard]] std::string trail_text(const query::IndependenceResult& r) {
  const std::vector<std::string>& trail = *r.trail;
  std::string text = trail.front();
  for (std::size_t i = 1; i < trail.size(); ++i) {
    const char* link = " — ";
    if (r.directed) link = r.trail_forward[i - 1] ? " → " : " ← ";
    text += link + trail[i];
  }
  return text;
}

// --given takes variable names; catch the evidence syntax of `pgm query` with a hint.
void reject_assignments(const std::vector<std::string>& given) {
  for (const std::string& g : given) {
    if (g.find('=') != std::string::npos) {
      throw UsageError("--given takes variable names (independence is about which variables are observed, not "
                       "their states), got '" + g + "'");
    }
  }
}

struct IndependentOptions {
  ModelOptions model;
  std::vector<std::string> x, y, given;
  bool numeric = false;
  double tolerance = kDefaultIndependenceTolerance;
  bool json = false;
  std::string render;  // issue 13: --render FILE, the picture with the trail
};

void run_independent(const IndependentOptions& opts) {
  reject_assignments(opts.given);
  if (!opts.render.empty()) (void)picture_format(opts.render, "--render");  // before reading the model
  if (!std::isfinite(opts.tolerance) || opts.tolerance < 0) {
    throw UsageError("--tolerance must be a finite number >= 0, got " + format_number(opts.tolerance));
  }
  const Model model = load_model(opts.model);
  const query::IndependenceResult answer = model.independent(opts.x, opts.y, opts.given, opts.tolerance);
  std::optional<query::NumericIndependenceResult> numeric;
  if (opts.numeric) numeric = model.independent_in_numbers(opts.x, opts.y, opts.given, opts.tolerance);
  if (!opts.render.empty()) render_independence(model, opts.x, opts.y, opts.given, opts.tolerance, opts.render);

  const std::vector<std::string>&xs = answer.x, &ys = answer.y, &zs = answer.given;
  if (opts.json) {
    print_json(independent_json(answer, numeric), std::cout);
    return;
  }

  const std::string statement = set_text(xs) + " ⟂ " + set_text(ys) + " | " + set_text(zs);
  const std::string given = zs.empty() ? "with nothing observed" : "given " + set_text(zs);
  if (answer.method == "precision") {
    std::cout << statement << (answer.independent ? " holds" : " does not hold")
              << ": the X-Y block of the precision of their joint marginal is "
              << (answer.independent ? "zero" : "not zero") << ".\n";
  } else if (answer.independent) {
    std::cout << statement << ": " << answer.method << " holds (every trail is blocked " << given
              << "), so they are independent for every choice of parameters.\n";
  } else {
    std::cout << set_text(xs) << " and " << set_text(ys) << " are not "
              << (answer.directed ? "d-separated " : "separated ") << given
              << ", so they are dependent for some choice of parameters.\n"
              << "  active trail: " << trail_text(answer) << '\n';
  }
  if (numeric) {
    std::cout << "In the numbers: " << numeric->measure << " = " << format_number(numeric->max_difference, 3)
              << (numeric->independent ? " <= " : " > ") << format_number(numeric->tolerance, 3) << ", "
              << (numeric->independent ? "independent" : "dependent");
    if (!numeric->independent && !numeric->worst.empty())
      std::cout << " (largest at " << format_assignments(numeric->worst) << ")";
    std::cout << ".\n";
  }
}

struct NodeOptions {
  ModelOptions model;
  std::string node;
  bool json = false;
};

void run_blanket(const NodeOptions& opts) {
  const Model model = load_model(opts.model);
  const query::BlanketResult b = model.blanket_parts(opts.node);
  if (opts.json) {
    Json out = Json::object();
    out["node"] = opts.node;
    out["blanket"] = b.blanket;
    if (b.directed) {
      out["parents"] = b.parents;
      out["children"] = b.children;
      out["co_parents"] = b.co_parents;
    }
    print_json(out, std::cout);
    return;
  }
  std::cout << "Markov blanket of " << opts.node << ": " << list_text(b.blanket) << '\n';
  if (b.directed) {
    std::cout << "  parents: " << list_text(b.parents) << "\n  children: " << list_text(b.children)
              << "\n  other parents of its children: " << list_text(b.co_parents) << '\n';
  } else if (model.kind() == query::ModelKind::gaussian) {
    std::cout << "  (the variables with a non-zero precision entry for " << opts.node << ")\n";
  }
  std::cout << "Given its blanket, " << opts.node << " is independent of every other variable.\n";
}

void run_independencies(const ModelOptions& model_opts, bool json) {
  const Model model = load_model(model_opts);
  const query::LocalIndependencies local = model.local_independencies();
  if (json) {
    Json out = Json::object();
    out["property"] = local.property;
    Json& list = out["independencies"] = Json::array();
    for (const auto& st : local.statements) {
      Json item = Json::object();
      item["node"] = st.node;
      item["independent_of"] = st.independent_of;
      item["given"] = st.given;
      list.push_back(std::move(item));
    }
    print_json(out, std::cout);
    return;
  }
  std::cout << "Local independencies (" << local.property << "):\n";
  if (local.statements.empty()) std::cout << "  (none: no variable is separated from any other)\n";
  for (const auto& st : local.statements)
    std::cout << "  " << st.node << " ⟂ " << set_text(st.independent_of) << " | " << set_text(st.given) << '\n';
}

}  // namespace

Json independent_json(const query::IndependenceResult& answer,
                      const std::optional<query::NumericIndependenceResult>& numeric) {
  Json out = Json::object();
  out["independent"] = answer.independent;
  out["method"] = answer.method;
  out["active_trail"] = answer.trail ? Json(*answer.trail) : Json(nullptr);
  out["x"] = answer.x;
  out["y"] = answer.y;
  out["given"] = answer.given;
  if (numeric) {
    Json& n = out["numeric"] = Json::object();
    n["max_difference"] = number_json(numeric->max_difference);
    n["independent"] = numeric->independent;
    n["tolerance"] = numeric->tolerance;
    n["measure"] = numeric->measure;
  }
  return out;
}

void register_independence_commands(CLI::App& app) {
  {
    auto opts = std::make_shared<IndependentOptions>();
    CLI::App* cmd = app.add_subcommand("independent", "Is X independent of Y given Z? By structure, and by the numbers");
    add_model_options(*cmd, opts->model);
    cmd->add_option("--x", opts->x, "Variables on one side, comma-separated")->required()->delimiter(',')->type_name("A[,B]");
    cmd->add_option("--y", opts->y, "Variables on the other side, comma-separated")
        ->required()
        ->delimiter(',')
        ->type_name("C[,D]");
    cmd->add_option("--given,-g", opts->given, "Observed variables (names, no states), comma-separated")
        ->delimiter(',')
        ->type_name("E,F");
    cmd->add_flag("--numeric", opts->numeric,
                  "Also check the numbers: max over assignments of |P(x,y|z) - P(x|z)P(y|z)| by exact inference "
                  "(for Gaussians: the largest partial correlation)");
    cmd->add_option("--tolerance", opts->tolerance, "Numeric differences up to this count as independent")
        ->capture_default_str();
    cmd->add_flag("--json", opts->json, "Print JSON instead of text");
    cmd->add_option("--render", opts->render,
                    "Also draw the network to FILE (.svg/.png/.pdf/.dot): the conditioning set shaded, the active trail "
                    "in red")
        ->type_name("FILE");
    cmd->callback([opts] { run_independent(*opts); });
  }
  {
    auto opts = std::make_shared<NodeOptions>();
    CLI::App* cmd = app.add_subcommand("blanket", "The Markov blanket of a variable");
    add_model_options(*cmd, opts->model);
    cmd->add_option("node", opts->node, "The variable")->required();
    cmd->add_flag("--json", opts->json, "Print JSON instead of text");
    cmd->callback([opts] { run_blanket(*opts); });
  }
  {
    struct Options {
      ModelOptions model;
      bool json = false;
    };
    auto opts = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("independencies", "The local independencies the structure implies");
    add_model_options(*cmd, opts->model);
    cmd->add_flag("--json", opts->json, "Print JSON instead of text");
    cmd->callback([opts] { run_independencies(opts->model, opts->json); });
  }
}

}  // namespace pgm::cli
