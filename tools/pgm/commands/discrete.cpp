// `pgm marginals`, `pgm query` and `pgm info`: exact inference on discrete models.
#include "pgm/commands.hpp"
#include "pgm/commands/gaussian_info.hpp"
#include "pgm/output.hpp"

#include <pgm/core/error.hpp>
#include <pgm/core/size.hpp>
#include <pgm/inference/junction_tree.hpp>
#include <pgm/inference/variable_elimination.hpp>
#include <pgm/io/evidence.hpp>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <variant>
#include <vector>

namespace pgm::cli {
namespace {

using Assignments = std::vector<std::pair<std::string, std::string>>;

// Options shared by marginals and query.
struct InferenceOptions {
  ModelOptions model;
  std::vector<std::string> given;
  std::string evidence_file;
  std::string method = "jt";
  std::string max_memory;  // empty: half the machine's memory
  bool json = false;
};

// "8G", "512M", "100k" or a plain byte count; empty means half of physical memory.
[[nodiscard]] std::size_t parse_memory(const std::string& text) {
  if (text.empty()) {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page = sysconf(_SC_PAGE_SIZE);
    if (pages > 0 && page > 0) return static_cast<std::size_t>(pages) * static_cast<std::size_t>(page) / 2;
    return std::size_t{4} << 30;
  }
  std::size_t pos = 0;
  double value = 0;
  try {
    value = std::stod(text, &pos);
  } catch (const std::exception&) {
    throw UsageError("--max-memory '" + text + "' is not a size; expected e.g. 8G, 512M or a byte count");
  }
  const std::string unit = text.substr(pos);
  double mult = 1;
  if (unit == "k" || unit == "K" || unit == "KiB") mult = 1024.0;
  else if (unit == "M" || unit == "MiB") mult = 1024.0 * 1024;
  else if (unit == "G" || unit == "GiB") mult = 1024.0 * 1024 * 1024;
  else if (!unit.empty()) throw UsageError("--max-memory '" + text + "' has unknown unit '" + unit + "'; use k, M or G");
  if (!(value > 0)) throw UsageError("--max-memory must be positive, got '" + text + "'");
  // Converting a double beyond the range of size_t is undefined: saturate instead.
  const double bytes = value * mult;
  if (!(bytes < 1.8e19)) return std::numeric_limits<std::size_t>::max();
  return static_cast<std::size_t>(bytes);
}

void add_inference_options(CLI::App& cmd, InferenceOptions& opts) {
  add_model_options(cmd, opts.model);
  // One value per occurrence, so `--given A=a X` does not swallow the target X.
  cmd.add_option("--given,-g", opts.given, "Evidence NAME=STATE[,NAME=STATE...]; repeatable")
      ->allow_extra_args(false)
      ->type_name("A=a,B=b");
  cmd.add_option("--evidence-file,-e", opts.evidence_file,
                 "Evidence file: UAI .evid, or NAME=STATE lines; combined with --given")
      ->type_name("FILE");
  cmd.add_option("--method", opts.method,
                 "Inference engine: ve (variable elimination) or jt (junction tree: one calibration gives every "
                 "marginal; joint and --by tables always use ve)")
      ->check(CLI::IsMember({"ve", "jt"}))
      ->capture_default_str();
  cmd.add_option("--max-memory", opts.max_memory,
                 "Refuse inference whose tables would exceed this size (e.g. 8G, 512M, a byte count; default: half of "
                 "the machine's memory)")
      ->type_name("SIZE");
  cmd.add_flag("--json", opts.json, "Print JSON instead of a table");
}

// The evidence file's assignments, then those of --given (already parsed, so that a malformed
// --given is reported before any file is read); a variable given twice must agree.
// An unreadable evidence file is bad evidence (exit 4), not a bad model; its message names file:line.
[[nodiscard]] Assignments evidence_of(const InferenceOptions& opts, Assignments given) {
  Assignments out;
  if (!opts.evidence_file.empty()) {
    try {
      out = io::read_evidence_file(opts.evidence_file);
    } catch (const ParseError& e) {
      throw QueryError(e.what());
    } catch (const IoError& e) {
      throw QueryError(e.what());
    }
  }
  std::unordered_map<std::string, std::size_t> index;  // name -> position in out
  for (std::size_t i = 0; i < out.size(); ++i) index.emplace(out[i].first, i);
  for (auto& [name, state] : given) {
    const auto same = index.find(name);
    if (same == index.end()) {
      index.emplace(name, out.size());
      out.emplace_back(std::move(name), std::move(state));
    } else if (out[same->second].second != state) {
      throw QueryError("variable '" + name + "' is given twice with different states: '" + out[same->second].second +
                       "' (in " + opts.evidence_file + ") and '" + state + "' (in --given)");
    }
  }
  return out;
}

[[nodiscard]] bool is_gaussian(const ModelVariant& model) {
  return std::holds_alternative<Gaussian>(model) || std::holds_alternative<LinearGaussianNetwork>(model);
}

[[nodiscard]] const std::vector<std::string>& gaussian_names(const ModelVariant& model) {
  if (const auto* g = std::get_if<Gaussian>(&model)) return g->names();
  return std::get<LinearGaussianNetwork>(model).names();
}

// What the library's size refusals mean on the command line.
// The junction tree's refusal (`tree`) can be avoided by variable elimination; VE's cannot.
[[noreturn]] void restate_limit(const LimitError& e, bool tree) {
  throw LimitError(std::string(e.what()) + (tree ? " (--max-memory SIZE sets the limit; --method ve uses variable elimination)"
                                                 : " (--max-memory SIZE sets the limit)"));
}

// A discrete model with its inference engines. The engines keep a pointer to the model, which the
// caller owns and keeps alive for their lifetime. With `junction_tree`, marginals come from one
// calibration of a tree built for the evidence's observed variables (reduced away before the tree
// is built, so one-shot use pays for the smaller tree only); joints and conditional tables (which
// need not sit in one clique) always use VE.
class DiscreteQuery {
 public:
  DiscreteQuery(const ModelVariant& model, bool junction_tree, std::size_t max_memory_bytes) try
      : junction_tree_(junction_tree) {
    jt_.max_memory_bytes = max_memory_bytes;
    VariableEliminationOptions ve;
    ve.max_memory_bytes = max_memory_bytes;
    if (const auto* bn = std::get_if<BayesianNetwork>(&model)) {
      vars_ = &bn->variables();
      name_ = bn->name();
      bn_ = bn;
      engine_ = std::make_unique<VariableElimination>(*bn, ve);
    } else if (const auto* mn = std::get_if<MarkovNetwork>(&model)) {
      vars_ = &mn->variables();
      name_ = mn->name();
      markov_ = true;
      mn_ = mn;
      engine_ = std::make_unique<VariableElimination>(*mn, ve);
    } else {
      throw QueryError("this command needs a discrete model (Bayesian or Markov network)");
    }
  } catch (const LimitError& e) {
    restate_limit(e, true);
  }

  [[nodiscard]] const VariableSet& variables() const noexcept { return *vars_; }
  [[nodiscard]] bool markov() const noexcept { return markov_; }

  void set_evidence(Assignments given) {
    evidence_ = vars_->evidence(given);
    given_ = std::move(given);
  }
  [[nodiscard]] const Assignments& given() const noexcept { return given_; }

  // P(targets | e) with its variables in the order of `targets`, row-major (first slowest). Sets
  // P(e) as a side effect. ZeroProbabilityEvidence names the evidence.
  [[nodiscard]] std::vector<double> joint(const std::vector<VariableId>& targets) {
    const Posterior posterior = explain_zero([&] { return engine_->joint(targets, evidence_); });
    probability_of_evidence_ = posterior.probability_of_evidence;
    log_probability_of_evidence_ = posterior.log_probability_of_evidence;
    return posterior.distribution.values_in_order(targets);
  }

  // P(t | e) for each target, in order. Sets P(e) as a side effect.
  [[nodiscard]] std::vector<std::vector<double>> marginals(const std::vector<VariableId>& targets) {
    std::vector<std::vector<double>> out;
    if (junction_tree_) {
      if (!tree_) build_tree();
      const CalibratedJunctionTree calibrated = explain_zero([&] { return tree_->calibrate(evidence_); });
      probability_of_evidence_ = calibrated.probability_of_evidence();
      log_probability_of_evidence_ = calibrated.log_probability_of_evidence();
      for (VariableId t : targets) {
        const Factor f = calibrated.marginal(t);
        out.emplace_back(f.values().begin(), f.values().end());
      }
    } else {
      for (VariableId t : targets) out.push_back(joint({t}));
    }
    return out;
  }

  // Valid after a call to joint() or marginal().
  [[nodiscard]] double probability_of_evidence() const noexcept { return probability_of_evidence_; }
  [[nodiscard]] double log_probability_of_evidence() const noexcept { return log_probability_of_evidence_; }

  // Runs `f`, restating ZeroProbabilityEvidence with the evidence and the model named, and size
  // refusals with the option that sets the limit.
  template <typename F>
  [[nodiscard]] auto explain_zero(F&& f) const -> decltype(f()) {
    try {
      return f();
    } catch (const LimitError& e) {
      restate_limit(e, false);
    } catch (const ZeroProbabilityEvidence&) {
      const std::string model = name_.empty() ? std::string("the model") : "model '" + name_ + "'";
      if (given_.empty())
        throw ZeroProbabilityEvidence("every configuration of " + model +
                                      " has weight zero (its partition function is 0), so no distribution exists");
      throw ZeroProbabilityEvidence("the evidence " + format_assignments(given_) + " has probability zero under " +
                                    model + ", so no posterior exists");
    }
  }

  // Names → ids, QueryError on unknown names (listing the known ones) or repeats.
  [[nodiscard]] std::vector<VariableId> ids(const std::vector<std::string>& names) const {
    std::vector<VariableId> out;
    for (const auto& name : names) {
      const VariableId id = vars_->id(name);
      if (std::find(out.begin(), out.end(), id) != out.end()) {
        throw QueryError("variable '" + name + "' is listed twice as a target");
      }
      out.push_back(id);
    }
    return out;
  }

 private:
  void build_tree() try {
    std::vector<VariableId> observed;
    for (const auto& [v, state] : evidence_) observed.push_back(v);
    tree_ = bn_ ? std::make_unique<JunctionTree>(*bn_, observed, jt_) : std::make_unique<JunctionTree>(*mn_, observed, jt_);
  } catch (const LimitError& e) {
    restate_limit(e, true);
  }

  const VariableSet* vars_ = nullptr;
  const BayesianNetwork* bn_ = nullptr;
  const MarkovNetwork* mn_ = nullptr;
  bool junction_tree_ = false;
  JunctionTreeOptions jt_;
  std::string name_;
  bool markov_ = false;
  std::unique_ptr<VariableElimination> engine_;
  std::unique_ptr<JunctionTree> tree_;
  Evidence evidence_;
  Assignments given_;
  double probability_of_evidence_ = 1;
  double log_probability_of_evidence_ = 0;
};

// ---------------------------------------------------------------------------------------------
// JSON

void add_evidence_fields(Json& out, const DiscreteQuery& q) {
  out["evidence"] = evidence_json(q.given());
  out["probability_of_evidence"] = number_json(q.probability_of_evidence());
  out["log_probability_of_evidence"] = number_json(q.log_probability_of_evidence());
}

[[nodiscard]] Json distribution_json(const Variable& v, std::span<const double> p) {
  Json out = Json::object();
  for (std::size_t s = 0; s < v.states.size(); ++s) append(out, v.states[s], p[s]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text

// "P(e) = 0.6471" for a Bayesian network, "Z = 2.5" / "Z(e) = 0.7" for a Markov network, where the
// probability of evidence is the partition function of the reduced model. Empty for a Bayesian
// network without evidence (P(e) = 1 says nothing). A value that overflows, underflows to 0 or
// is subnormal (few digits left) is shown as exp(log value), which stays exact.
[[nodiscard]] std::string evidence_note(const DiscreteQuery& q) {
  const double pe = q.probability_of_evidence();
  const double log_pe = q.log_probability_of_evidence();
  const bool plain = std::isfinite(pe) && (pe >= std::numeric_limits<double>::min() || !std::isfinite(log_pe));
  const std::string value = plain ? format_number(pe, 6) : "exp(" + format_number(log_pe, 10) + ")";
  if (q.markov()) return (q.given().empty() ? "Z = " : "Z(e) = ") + value;
  if (q.given().empty()) return {};
  return "P(e) = " + value;
}

// "P(Rain | WetGrass=wet)   P(e) = 0.6471"
void print_title(std::ostream& out, const std::string& lhs, const std::string& conditions, const DiscreteQuery& q) {
  std::string title = "P(" + lhs;
  if (!conditions.empty()) title += " | " + conditions;
  title += ")";
  const std::string note = evidence_note(q);
  out << title << (note.empty() ? "" : "   " + note) << '\n';
}

[[nodiscard]] std::string conditions_of(const DiscreteQuery& q, const std::string& extra = {}) {
  std::string c = extra;
  const std::string e = format_assignments(q.given());
  if (!c.empty() && !e.empty()) c += ", ";
  return c + e;
}

// One block per variable:  name, then "state  0.1234  bar" rows with a common state column width.
struct Block {
  const Variable* variable;
  std::vector<double> p;
};

void print_blocks(std::ostream& out, const std::vector<Block>& blocks) {
  std::size_t state_width = 0;
  std::size_t prob_width = 0;
  for (const auto& b : blocks) {
    for (std::size_t s = 0; s < b.p.size(); ++s) {
      state_width = std::max(state_width, display_width(b.variable->states[s]));
      prob_width = std::max(prob_width, format_probability(b.p[s]).size());
    }
  }
  for (const auto& b : blocks) {
    out << "  " << b.variable->name << '\n';
    for (std::size_t s = 0; s < b.p.size(); ++s) {
      std::string line = "    " + pad(b.variable->states[s], state_width) + "  " +
                         pad(format_probability(b.p[s]), prob_width, true) + "  " + bar(b.p[s]);
      while (line.back() == ' ') line.pop_back();
      out << line << '\n';
    }
  }
}

// "P(Rain | WetGrass=wet)" for one variable, "Posterior marginals given WetGrass=wet" for several.
void print_marginals(const DiscreteQuery& q, const std::vector<Block>& blocks) {
  const std::string conditions = conditions_of(q);
  if (blocks.size() == 1) {
    print_title(std::cout, blocks.front().variable->name, conditions, q);
  } else {
    const std::string note = evidence_note(q);
    std::cout << (conditions.empty() ? "Marginals" : "Posterior marginals given " + conditions)
              << (note.empty() ? "" : "   " + note) << '\n';
  }
  print_blocks(std::cout, blocks);
}

// ---------------------------------------------------------------------------------------------
// Commands

// `{"marginals": ...}` plus the evidence fields, or the human table.
void print_marginal_blocks(const DiscreteQuery& q, const std::vector<Block>& blocks, bool json) {
  if (json) {
    Json out = Json::object();
    Json& marginals = out["marginals"] = Json::object();
    for (const auto& b : blocks) append(marginals, b.variable->name, distribution_json(*b.variable, b.p));
    add_evidence_fields(out, q);
    print_json(out, std::cout);
    return;
  }
  print_marginals(q, blocks);
}

void run_marginals(const InferenceOptions& opts) {
  const std::size_t max_memory = parse_memory(opts.max_memory);
  set_max_table_bytes(max_memory);  // every table the library allocates, not only the engines'
  Assignments given = parse_assignments(opts.given);
  const ModelVariant model = load(opts.model);
  given = evidence_of(opts, std::move(given));
  if (is_gaussian(model)) {
    // Every variable not observed: its posterior mean and variance.
    std::vector<std::string> targets;
    for (const auto& name : gaussian_names(model)) {
      if (std::none_of(given.begin(), given.end(), [&](const auto& g) { return g.first == name; })) {
        targets.push_back(name);
      }
    }
    if (targets.empty()) throw QueryError("every variable is observed: nothing left to infer");
    run_gaussian_query(model, targets, given, opts.json, std::cout);
    return;
  }

  DiscreteQuery q(model, opts.method == "jt", max_memory);
  q.set_evidence(std::move(given));
  const VariableSet& vars = q.variables();
  std::vector<VariableId> all(vars.size());
  for (VariableId v = 0; v < vars.size(); ++v) all[v] = v;
  std::vector<std::vector<double>> p = q.marginals(all);
  std::vector<Block> blocks;
  for (VariableId v = 0; v < vars.size(); ++v) blocks.push_back({&vars[v], std::move(p[v])});

  print_marginal_blocks(q, blocks, opts.json);
}

struct QueryCommand {
  InferenceOptions common;
  std::vector<std::string> targets;
  std::string by;
  bool joint = false;
};

void print_joint(const DiscreteQuery& q, const std::vector<VariableId>& ids, const std::vector<double>& table) {
  const VariableSet& vars = q.variables();
  std::string lhs;
  for (VariableId v : ids) lhs += (lhs.empty() ? "" : ", ") + vars[v].name;
  print_title(std::cout, lhs, conditions_of(q), q);

  TextTable t(2);
  std::vector<std::string> header;
  for (VariableId v : ids) header.push_back(vars[v].name);
  t.add_row(header);
  t.right_align(ids.size());
  std::vector<std::size_t> states(ids.size(), 0);
  for (double p : table) {
    std::vector<std::string> row;
    for (std::size_t i = 0; i < ids.size(); ++i) row.push_back(vars[ids[i]].states[states[i]]);
    row.push_back(format_probability(p));
    row.push_back(bar(p));
    t.add_row(std::move(row));
    // Next assignment, last variable fastest.
    for (std::size_t i = ids.size(); i-- > 0;) {
      if (++states[i] < vars[ids[i]].cardinality()) break;
      states[i] = 0;
    }
  }
  t.print(std::cout);
}

void run_conditional(DiscreteQuery& q, VariableId x, VariableId y, bool json) {
  const Variable& vx = q.variables()[x];
  const Variable& vy = q.variables()[y];
  // P(Y, X | e) with Y slowest: row y is P(y, X | e), whose sum is P(y | e). Then
  // P(X | y, e) = P(X, y | e) / P(y | e), undefined where P(y | e) = 0.
  const std::vector<double> joint = q.joint({y, x});
  const std::size_t nx = vx.cardinality();
  std::vector<std::optional<std::vector<double>>> rows;
  std::vector<double> py;
  for (std::size_t j = 0; j < vy.cardinality(); ++j) {
    const std::span<const double> row(joint.data() + j * nx, nx);
    double sum = 0;
    for (double p : row) sum += p;
    py.push_back(sum);
    if (sum > 0) {
      std::vector<double> c(row.begin(), row.end());
      for (double& p : c) p /= sum;
      rows.emplace_back(std::move(c));
    } else {
      rows.emplace_back(std::nullopt);
    }
  }

  if (json) {
    Json out = Json::object();
    Json& cond = out["conditional"] = Json::object();
    cond["target"] = vx.name;
    cond["given_variable"] = vy.name;
    Json& table = cond["table"] = Json::object();
    for (std::size_t j = 0; j < rows.size(); ++j) {
      append(table, vy.states[j], rows[j] ? distribution_json(vx, *rows[j]) : Json(nullptr));
    }
    add_evidence_fields(out, q);
    print_json(out, std::cout);
    return;
  }
  print_title(std::cout, vx.name, conditions_of(q, vy.name), q);
  std::size_t state_width = 0;
  for (const auto& s : vx.states) state_width = std::max(state_width, display_width(s));
  const std::string given_text = q.given().empty() ? "" : " | " + format_assignments(q.given());
  for (std::size_t j = 0; j < rows.size(); ++j) {
    const std::string p_y = "P(" + vy.name + "=" + vy.states[j] + given_text + ")";
    if (!rows[j]) {
      std::cout << "  " << vy.name << " = " << vy.states[j] << "   undefined: " << p_y << " = 0\n";
      continue;
    }
    std::cout << "  " << vy.name << " = " << vy.states[j] << "   " << p_y << " = " << format_probability(py[j])
              << '\n';
    for (std::size_t s = 0; s < nx; ++s) {
      std::string line = "    " + pad(vx.states[s], state_width) + "  " + format_probability((*rows[j])[s]) + "  " +
                         bar((*rows[j])[s]);
      while (line.back() == ' ') line.pop_back();
      std::cout << line << '\n';
    }
  }
}

void run_query(const QueryCommand& cmd) {
  const std::size_t max_memory = parse_memory(cmd.common.max_memory);
  set_max_table_bytes(max_memory);  // every table the library allocates, not only the engines'
  Assignments given = parse_assignments(cmd.common.given);
  const ModelVariant model = load(cmd.common.model);
  given = evidence_of(cmd.common, std::move(given));
  if (is_gaussian(model)) {
    if (!cmd.by.empty()) throw QueryError("--by needs a discrete model; a Gaussian query already gives the joint");
    run_gaussian_query(model, cmd.targets, given, cmd.common.json, std::cout);
    return;
  }

  DiscreteQuery q(model, cmd.common.method == "jt", max_memory);
  q.set_evidence(std::move(given));
  const std::vector<VariableId> ids = q.ids(cmd.targets);
  const VariableSet& vars = q.variables();

  if (!cmd.by.empty()) {
    const VariableId y = vars.id(cmd.by);
    if (ids.size() != 1) throw QueryError("--by takes exactly one target variable, got " + std::to_string(ids.size()));
    if (ids[0] == y) throw QueryError("--by '" + cmd.by + "' is the target itself");
    run_conditional(q, ids[0], y, cmd.common.json);
    return;
  }

  if (cmd.joint) {
    const std::vector<double> table = q.joint(ids);
    if (cmd.common.json) {
      Json out = Json::object();
      Json& joint = out["joint"] = Json::object();
      joint["variables"] = cmd.targets;
      joint["table"] = table;
      add_evidence_fields(out, q);
      print_json(out, std::cout);
    } else {
      print_joint(q, ids, table);
    }
    return;
  }

  std::vector<std::vector<double>> p = q.marginals(ids);
  std::vector<Block> blocks;
  for (std::size_t i = 0; i < ids.size(); ++i) blocks.push_back({&vars[ids[i]], std::move(p[i])});
  print_marginal_blocks(q, blocks, cmd.common.json);
}

// The clique table size, exact as an integer when it is one.
[[nodiscard]] Json size_json(double x) {
  if (std::isfinite(x) && x >= 0 && x <= 9007199254740992.0) return static_cast<std::uint64_t>(x);  // 2^53
  return number_json(x);
}

template <typename M>
void print_discrete_info(const M& m, bool json) {
  constexpr bool kBayesian = std::is_same_v<M, BayesianNetwork>;
  const VariableSet& vars = m.variables();
  auto edges = m.graph().edges();
  std::sort(edges.begin(), edges.end());
  const EliminationOrder order = VariableElimination(m).full_order();
  const std::string heuristic(to_string(order.heuristic()));

  if (json) {
    Json out = Json::object();
    out["name"] = m.name();
    out["type"] = kBayesian ? "bayesian-network" : "markov-network";
    Json& variables = out["variables"] = Json::object();
    for (const auto& v : vars.all()) append(variables, v.name, v.states);
    Json& e = out["edges"] = Json::array();
    for (const auto& [u, v] : edges) e.push_back({vars[u].name, vars[v].name});
    out["parameters"] = m.parameter_count();
    out["treewidth"] = order.induced_width();
    out["elimination_heuristic"] = heuristic;
    out["max_clique_size"] = size_json(order.max_clique_size());
    print_json(out, std::cout);
    return;
  }
  // "Label   value" lines with one value column; variables and edges listed under their label.
  const auto field = [](const std::string& label, const std::string& value) {
    std::cout << pad(label, 19) << value << '\n';
  };
  field("Name", m.name().empty() ? "(unnamed)" : m.name());
  field("Type", kBayesian ? "Bayesian network" : "Markov network");
  field("Variables", std::to_string(vars.size()));
  TextTable vt(2);
  for (const auto& v : vars.all()) {
    std::string states;
    for (const auto& s : v.states) states += (states.empty() ? "" : ", ") + s;
    vt.add_row({v.name, std::to_string(v.cardinality()), states});
  }
  vt.right_align(1);
  vt.print(std::cout);
  field("Edges", std::to_string(edges.size()));
  const char* arrow = kBayesian ? " -> " : " -- ";
  for (const auto& [u, v] : edges) std::cout << "  " << vars[u].name << arrow << vars[v].name << '\n';
  field("Parameters", std::to_string(m.parameter_count()));
  field("Elimination width", std::to_string(order.induced_width()) + " (" + heuristic + " order, largest clique " +
                                 format_number(order.max_clique_size(), 15) + " entries)");
}

void run_info(const ModelOptions& model_opts, bool json) {
  const ModelVariant model = load(model_opts);
  if (is_gaussian(model)) {
    print_gaussian_info(model, json, std::cout);
  } else if (const auto* bn = std::get_if<BayesianNetwork>(&model)) {
    print_discrete_info(*bn, json);
  } else {
    print_discrete_info(std::get<MarkovNetwork>(model), json);
  }
}

}  // namespace

void register_discrete_commands(CLI::App& app) {
  {
    auto opts = std::make_shared<InferenceOptions>();
    CLI::App* cmd = app.add_subcommand("marginals", "Posterior marginal of every variable");
    add_inference_options(*cmd, *opts);
    cmd->callback([opts] { run_marginals(*opts); });
  }
  {
    auto opts = std::make_shared<QueryCommand>();
    // Queries on a few targets are cheapest by pruned variable elimination; marginals of every
    // variable by one junction-tree calibration.
    opts->common.method = "ve";
    CLI::App* cmd = app.add_subcommand("query", "Posterior marginals, joint or conditional table of target variables");
    add_inference_options(*cmd, opts->common);  // the model positional comes first
    cmd->add_option("targets", opts->targets, "Target variables")->required();
    auto* joint = cmd->add_flag("--joint", opts->joint, "The joint distribution of the targets instead of marginals");
    cmd->add_option("--by", opts->by, "The conditional table P(TARGET | BY) for every state of BY")
        ->excludes(joint)
        ->type_name("VARIABLE");
    cmd->callback([opts] { run_query(*opts); });
  }
  {
    struct InfoOptions {
      ModelOptions model;
      bool json = false;
    };
    auto opts = std::make_shared<InfoOptions>();
    CLI::App* cmd =
        app.add_subcommand("info", "Variables, structure, parameter count and elimination width of a model");
    add_model_options(*cmd, opts->model);
    cmd->add_flag("--json", opts->json, "Print JSON instead of text");
    cmd->callback([opts] { run_info(opts->model, opts->json); });
  }
}

}  // namespace pgm::cli
