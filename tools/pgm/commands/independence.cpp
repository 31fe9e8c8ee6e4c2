// `pgm independent`, `pgm blanket` and `pgm independencies`: conditional independence from the
// structure of a model (d-separation, separation, Gaussian precision zeros) and, on request, from
// its numbers.
#include "pgm/commands.hpp"
#include "pgm/output.hpp"

#include <pgm/core/error.hpp>
#include <pgm/independence/ci_check.hpp>
#include <pgm/independence/d_separation.hpp>
#include <pgm/independence/markov_blanket.hpp>
#include <pgm/independence/separation.hpp>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

namespace pgm::cli {
namespace {

// The structural view of any model: variable names in id order and one graph. A Gaussian has no
// graph of its own; its Gaussian graphical model (precision non-zeros) stands in for blanket and
// independencies, while `independent` asks the Gaussian itself.
struct Structure {
  std::vector<std::string> names;
  const Dag* dag = nullptr;
  const UndirectedGraph* undirected = nullptr;
  const Gaussian* gaussian = nullptr;
  std::optional<UndirectedGraph> precision_graph;
  std::string method;  // "d-separation", "separation" or "precision"
};

[[nodiscard]] std::vector<std::string> names_of(const VariableSet& vars) {
  std::vector<std::string> names;
  names.reserve(vars.size());
  for (const Variable& v : vars.all()) names.push_back(v.name);
  return names;
}

// Must not outlive `model`.
[[nodiscard]] std::unique_ptr<Structure> structure_of(const ModelVariant& model) {
  auto s = std::make_unique<Structure>();
  if (const auto* bn = std::get_if<BayesianNetwork>(&model)) {
    s->names = names_of(bn->variables());
    s->dag = &bn->graph();
    s->method = "d-separation";
  } else if (const auto* mn = std::get_if<MarkovNetwork>(&model)) {
    s->names = names_of(mn->variables());
    s->undirected = &mn->graph();
    s->method = "separation";
  } else if (const auto* lg = std::get_if<LinearGaussianNetwork>(&model)) {
    s->names = lg->names();
    s->dag = &lg->graph();
    s->method = "d-separation";
  } else {
    const Gaussian& g = std::get<Gaussian>(model);
    s->names = g.names();
    s->gaussian = &g;
    s->method = "precision";
  }
  return s;
}

// The undirected graph whose neighbours are the Markov blanket (Markov networks and Gaussians).
[[nodiscard]] const UndirectedGraph& blanket_graph(Structure& s) {
  if (s.undirected != nullptr) return *s.undirected;
  if (!s.precision_graph) {
    const std::size_t n = s.names.size();
    std::vector<std::vector<bool>> zero(n, std::vector<bool>(n, false));
    for (const auto& [i, j] : s.gaussian->precision_zeros()) zero[i][j] = zero[j][i] = true;
    UndirectedGraph g(n);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = i + 1; j < n; ++j) {
        if (!zero[i][j]) g.add_edge(static_cast<VariableId>(i), static_cast<VariableId>(j));
      }
    }
    s.precision_graph = std::move(g);
  }
  return *s.precision_graph;
}

[[nodiscard]] std::vector<std::string> names(const Structure& s, std::span<const VariableId> ids) {
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (VariableId v : ids) out.push_back(s.names[v]);
  return out;
}

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
[[nodiscard]] std::string trail_text(const Structure& s, const std::vector<VariableId>& trail) {
  std::string text = s.names[trail.front()];
  for (std::size_t i = 1; i < trail.size(); ++i) {
    const char* link = " — ";
    if (s.dag != nullptr) link = s.dag->has_edge(trail[i - 1], trail[i]) ? " → " : " ← ";
    text += link + s.names[trail[i]];
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

struct NumericAnswer {
  double max_difference;
  bool independent;
  double tolerance;
  std::string measure;
  std::string worst;  // "A=a, B=b" where the maximum is reached (discrete only)
};

template <class M>
[[nodiscard]] NumericAnswer discrete_numeric(const M& m, const IndependenceQuery& q, double tolerance) {
  const NumericIndependence r = numeric_independence(m, q.x, q.y, q.z, tolerance);
  std::vector<std::pair<std::string, std::string>> worst;
  for (const auto& [v, state] : r.worst) worst.emplace_back(m.variable(v).name, m.variable(v).states[state]);
  return {r.max_difference, r.independent, r.tolerance, "max |P(x,y|z) - P(x|z) P(y|z)|", format_assignments(worst)};
}

// Largest |partial correlation| between a variable of X and one of Y, each pair given the rest of
// X ∪ Y ∪ Z: all are zero exactly when the X-Y block of that marginal's precision is zero.
[[nodiscard]] NumericAnswer gaussian_numeric(const Gaussian& g, const Structure& s, const IndependenceQuery& q,
                                             double tolerance) {
  std::vector<std::string> all = names(s, q.x);
  for (const auto& part : {names(s, q.y), names(s, q.z)}) all.insert(all.end(), part.begin(), part.end());
  const Eigen::MatrixXd k = g.marginal(all).precision();
  double max_pc = 0.0;
  for (std::size_t i = 0; i < q.x.size(); ++i) {
    for (std::size_t j = q.x.size(); j < q.x.size() + q.y.size(); ++j) {
      const auto a = static_cast<Eigen::Index>(i), b = static_cast<Eigen::Index>(j);
      max_pc = std::max(max_pc, std::abs(k(a, b)) / std::sqrt(k(a, a) * k(b, b)));
    }
  }
  if (!std::isfinite(max_pc)) throw NumericalError("the partial correlations of the Gaussian are not finite");
  return {max_pc, max_pc <= tolerance, tolerance, "max |partial correlation|", ""};
}

struct IndependentOptions {
  ModelOptions model;
  std::vector<std::string> x, y, given;
  bool numeric = false;
  double tolerance = kDefaultIndependenceTolerance;
  bool json = false;
};

void run_independent(const IndependentOptions& opts) {
  reject_assignments(opts.given);
  if (!std::isfinite(opts.tolerance) || opts.tolerance < 0) {
    throw UsageError("--tolerance must be a finite number >= 0, got " + format_number(opts.tolerance));
  }
  const ModelVariant model = load(opts.model);
  const auto s = structure_of(model);
  const IndependenceQuery q = resolve_independence_query(s->names, opts.x, opts.y, opts.given);

  StructuralIndependence answer;
  if (s->dag != nullptr) {
    answer = d_separation(*s->dag, q.x, q.y, q.z);
  } else if (s->undirected != nullptr) {
    answer = separation(*s->undirected, q.x, q.y, q.z);
  } else {
    answer.independent =
        s->gaussian->conditionally_independent(names(*s, q.x), names(*s, q.y), names(*s, q.z), opts.tolerance);
  }

  std::optional<NumericAnswer> numeric;
  if (opts.numeric) {
    if (const auto* bn = std::get_if<BayesianNetwork>(&model)) {
      numeric = discrete_numeric(*bn, q, opts.tolerance);
    } else if (const auto* mn = std::get_if<MarkovNetwork>(&model)) {
      numeric = discrete_numeric(*mn, q, opts.tolerance);
    } else if (const auto* lg = std::get_if<LinearGaussianNetwork>(&model)) {
      numeric = gaussian_numeric(lg->to_gaussian(), *s, q, opts.tolerance);
    } else {
      numeric = gaussian_numeric(*s->gaussian, *s, q, opts.tolerance);
    }
  }

  const std::vector<std::string> xs = names(*s, q.x), ys = names(*s, q.y), zs = names(*s, q.z);
  if (opts.json) {
    Json out = Json::object();
    out["independent"] = answer.independent;
    out["method"] = s->method;
    out["active_trail"] = answer.trail.empty() ? Json(nullptr) : Json(names(*s, answer.trail));
    out["x"] = xs;
    out["y"] = ys;
    out["given"] = zs;
    if (numeric) {
      Json& n = out["numeric"] = Json::object();
      n["max_difference"] = number_json(numeric->max_difference);
      n["independent"] = numeric->independent;
      n["tolerance"] = numeric->tolerance;
      n["measure"] = numeric->measure;
    }
    print_json(out, std::cout);
    return;
  }

  const std::string statement = set_text(xs) + " ⟂ " + set_text(ys) + " | " + set_text(zs);
  const std::string given = zs.empty() ? "with nothing observed" : "given " + set_text(zs);
  if (s->method == "precision") {
    std::cout << statement << (answer.independent ? " holds" : " does not hold")
              << ": the X-Y block of the precision of their joint marginal is "
              << (answer.independent ? "zero" : "not zero") << ".\n";
  } else if (answer.independent) {
    std::cout << statement << ": " << s->method << " holds (every trail is blocked " << given
              << "), so they are independent for every choice of parameters.\n";
  } else {
    std::cout << set_text(xs) << " and " << set_text(ys) << " are not " << (s->dag ? "d-separated " : "separated ")
              << given << ", so they are dependent for some choice of parameters.\n"
              << "  active trail: " << trail_text(*s, answer.trail) << '\n';
  }
  if (numeric) {
    std::cout << "In the numbers: " << numeric->measure << " = " << format_number(numeric->max_difference, 3)
              << (numeric->independent ? " <= " : " > ") << format_number(numeric->tolerance, 3) << ", "
              << (numeric->independent ? "independent" : "dependent");
    if (!numeric->independent && !numeric->worst.empty()) std::cout << " (largest at " << numeric->worst << ")";
    std::cout << ".\n";
  }
}

struct NodeOptions {
  ModelOptions model;
  std::string node;
  bool json = false;
};

void run_blanket(const NodeOptions& opts) {
  const ModelVariant model = load(opts.model);
  const auto s = structure_of(model);
  const auto it = std::find(s->names.begin(), s->names.end(), opts.node);
  if (it == s->names.end()) {
    throw QueryError("unknown variable '" + opts.node + "'; the model's variables are: " + join_names(s->names));
  }
  const auto node = static_cast<VariableId>(it - s->names.begin());
  const std::vector<VariableId> blanket =
      s->dag != nullptr ? markov_blanket(*s->dag, node) : markov_blanket(blanket_graph(*s), node);

  std::vector<std::string> parents, children, co_parents;
  if (s->dag != nullptr) {
    parents = names(*s, s->dag->parents(node));
    children = names(*s, s->dag->children(node));
    std::vector<VariableId> others;
    for (VariableId c : s->dag->children(node)) {
      for (VariableId p : s->dag->parents(c)) {
        if (p != node) others.push_back(p);
      }
    }
    std::sort(others.begin(), others.end());
    others.erase(std::unique(others.begin(), others.end()), others.end());
    co_parents = names(*s, others);
  }
  if (opts.json) {
    Json out = Json::object();
    out["node"] = opts.node;
    out["blanket"] = names(*s, blanket);
    if (s->dag != nullptr) {
      out["parents"] = parents;
      out["children"] = children;
      out["co_parents"] = co_parents;
    }
    print_json(out, std::cout);
    return;
  }
  std::cout << "Markov blanket of " << opts.node << ": " << list_text(names(*s, blanket)) << '\n';
  if (s->dag != nullptr) {
    std::cout << "  parents: " << list_text(parents) << "\n  children: " << list_text(children)
              << "\n  other parents of its children: " << list_text(co_parents) << '\n';
  } else if (s->gaussian != nullptr) {
    std::cout << "  (the variables with a non-zero precision entry for " << opts.node << ")\n";
  }
  std::cout << "Given its blanket, " << opts.node << " is independent of every other variable.\n";
}

struct LocalStatement {
  VariableId node;
  std::vector<VariableId> independent_of;
  std::vector<VariableId> given;
};

// Each node against everything but itself and its neighbours, given its neighbours.
[[nodiscard]] std::vector<LocalStatement> undirected_local(const UndirectedGraph& g) {
  std::vector<LocalStatement> out;
  for (VariableId v = 0; v < g.num_nodes(); ++v) {
    const auto nb = g.neighbours(v);
    LocalStatement st{v, {}, {nb.begin(), nb.end()}};
    for (VariableId u = 0; u < g.num_nodes(); ++u) {
      if (u != v && !std::binary_search(nb.begin(), nb.end(), u)) st.independent_of.push_back(u);
    }
    out.push_back(std::move(st));
  }
  return out;
}

void run_independencies(const ModelOptions& model_opts, bool json) {
  const ModelVariant model = load(model_opts);
  const auto s = structure_of(model);
  std::vector<LocalStatement> statements;
  std::string property;
  if (s->dag != nullptr) {
    for (auto& li : local_independencies(*s->dag)) {
      statements.push_back({li.node, std::move(li.non_descendants), std::move(li.parents)});
    }
    property = "each variable is independent of its non-descendants given its parents";
  } else {
    statements = undirected_local(blanket_graph(*s));
    property = s->gaussian != nullptr
                   ? "each variable is independent of the others given those with a non-zero precision entry"
                   : "each variable is independent of the others given its neighbours";
  }
  // A variable with nothing outside its parents and descendants states nothing; leave it out.
  std::erase_if(statements, [](const LocalStatement& st) { return st.independent_of.empty(); });

  if (json) {
    Json out = Json::object();
    out["property"] = property;
    Json& list = out["independencies"] = Json::array();
    for (const auto& st : statements) {
      Json item = Json::object();
      item["node"] = s->names[st.node];
      item["independent_of"] = names(*s, st.independent_of);
      item["given"] = names(*s, st.given);
      list.push_back(std::move(item));
    }
    print_json(out, std::cout);
    return;
  }
  std::cout << "Local independencies (" << property << "):\n";
  if (statements.empty()) std::cout << "  (none: no variable is separated from any other)\n";
  for (const auto& st : statements) {
    std::cout << "  " << s->names[st.node] << " ⟂ " << set_text(names(*s, st.independent_of)) << " | "
              << set_text(names(*s, st.given)) << '\n';
  }
}

}  // namespace

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
