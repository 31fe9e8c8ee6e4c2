// `pgm mpe` and `pgm map`: most probable explanations of discrete models (Model::mpe / Model::map;
// ties go to the lowest state index in declared variable order, see <pgm/query/explanation.hpp>).
#include "pgm/commands.hpp"
#include "pgm/output.hpp"

#include <pgm/core/error.hpp>
#include <pgm/core/size.hpp>
#include <pgm/query.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace pgm::cli {
namespace {

struct ExplainOptions {
  ModelOptions model;
  std::vector<std::string> given;
  std::string evidence_file;
  std::vector<std::string> targets;  // map only
  std::string max_memory;  // empty: half the machine's memory
  bool json = false;
  SoftOptions soft;  // --soft
};

void add_explain_options(CLI::App& cmd, ExplainOptions& opts) {
  add_model_options(cmd, opts.model);
  add_evidence_options(cmd, opts.given, opts.evidence_file);
  add_soft_options(cmd, opts.soft, false);
  CLI::Option* soft = cmd.get_option("--soft");
  soft->description(soft->get_description() +
                    "; the probability printed is then P(x, e) times the likelihoods of x's states");
  add_max_memory_option(cmd, opts.max_memory);
  cmd.add_flag("--json", opts.json, "Print JSON instead of text");
}

// The model and the evidence: the file's assignments, then --given's (parsed first, so a malformed
// --given is reported before any file is read); a variable given twice must agree.
struct Asked {
  Model model;
  query::Evidence evidence;
  query::EngineOptions options;
};

Asked read(const ExplainOptions& opts) {
  query::EngineOptions options;
  options.max_memory_bytes = parse_memory(opts.max_memory);
  set_max_table_bytes(options.max_memory_bytes);  // every table the library allocates
  Assignments given = parse_assignments(opts.given);
  const SoftGiven soft = parse_soft_options(opts.soft);
  Model model = load_model(opts.model);
  given = with_evidence_file(opts.evidence_file, std::move(given));
  if (!model.discrete())
    throw QueryError("a most probable explanation needs a discrete model (Bayesian or Markov network); this is a " +
                     std::string(query::to_string(model.kind())) + " model");
  query::Evidence evidence = query::Evidence::from_names(model, given);
  evidence = apply_soft(model, std::move(evidence), soft, options.max_memory_bytes);
  return {std::move(model), std::move(evidence), options};
}

// A size refusal, restated with the option that sets the limit.
template <class F>
query::Explanation limited(F&& f) {
  try {
    return f();
  } catch (const LimitError& e) {
    throw LimitError(std::string(e.what()) + " (--max-memory SIZE sets the limit)");
  }
}

Json assignment_json(const Assignments& a) {
  Json out = Json::object();
  for (const auto& [name, state] : a) append(out, name, state);
  return out;
}

void print_assignment(const query::Explanation& x, const std::vector<std::string>& observed) {
  TextTable table(2);
  for (const auto& [name, state] : x.assignment) {
    const bool is_observed = std::find(observed.begin(), observed.end(), name) != observed.end();
    table.add_row({name, is_observed ? state + " (observed)" : state});
  }
  table.print(std::cout);
}

// " given A=a, soft X=[0.8, 0.2]"
std::string given_text(const query::Explanation& x, const query::Evidence& e) {
  std::string text = format_assignments(x.evidence);
  for (const auto& [name, lambda] : e.soft_as_given()) {
    text += (text.empty() ? "soft " : ", soft ") + name + "=[";
    for (std::size_t i = 0; i < lambda.size(); ++i) text += (i ? ", " : "") + format_number(lambda[i], 6);
    text += "]";
  }
  return text.empty() ? std::string() : " given " + text;
}

Json soft_json(const query::Evidence& e) {
  Json out = Json::object();
  for (const auto& [name, lambda] : e.soft_as_given()) {
    Json values = Json::array();
    for (double x : lambda) values.push_back(number_json(x));
    append(out, name, std::move(values));
  }
  return out;
}

void run_mpe(const ExplainOptions& opts) {
  const Asked a = read(opts);
  const query::Explanation x = limited([&] { return a.model.mpe(a.evidence, a.options); });
  if (opts.json) {
    Json out = Json::object();
    out["assignment"] = assignment_json(x.assignment);
    out["probability"] = number_json(x.probability);
    out["log_probability"] = number_json(x.log_probability);
    out["evidence"] = evidence_json(x.evidence);
    if (a.evidence.has_soft()) out["soft_evidence"] = soft_json(a.evidence);
    print_json(out, std::cout);
    return;
  }
  std::cout << "Most probable explanation" << given_text(x, a.evidence) << "\n";
  print_assignment(x, a.evidence.names());
  // With soft evidence the figure is P(x, e) times the likelihoods of x's states.
  if (a.evidence.has_soft())
    std::cout << "P(x, e) x likelihoods = " << format_probability(x.probability)
              << "  (ln = " << format_number(x.log_probability) << ")\n";
  else
    std::cout << "P = " << format_probability(x.probability) << "  (ln P = " << format_number(x.log_probability)
              << ")\n";
}

void run_map(const ExplainOptions& opts) {
  const Asked a = read(opts);
  const query::Explanation x = limited([&] { return a.model.map(opts.targets, a.evidence, a.options); });
  if (opts.json) {
    Json out = Json::object();
    out["assignment"] = assignment_json(x.assignment);
    out["probability"] = number_json(x.probability);
    out["posterior_probability"] = number_json(x.posterior_probability.value_or(0.0));
    out["log_probability"] = number_json(x.log_probability);
    out["evidence"] = evidence_json(x.evidence);
    if (a.evidence.has_soft()) out["soft_evidence"] = soft_json(a.evidence);
    print_json(out, std::cout);
    return;
  }
  std::cout << "Most probable assignment of " << x.assignment.size()
            << (x.assignment.size() == 1 ? " variable" : " variables") << given_text(x, a.evidence)
            << " (the others summed out)\n";
  print_assignment(x, {});
  const bool any = !x.evidence.empty() || a.evidence.has_soft();
  const std::string e = any ? ", e" : "";
  std::cout << "P(x" << e << ") = " << format_probability(x.probability) << "  (ln = " << format_number(x.log_probability)
            << ")\n";
  if (any)
    std::cout << "P(x | e) = " << format_probability(x.posterior_probability.value_or(0.0)) << "\n";
}

}  // namespace

void register_explain_commands(CLI::App& app) {
  {
    auto opts = std::make_shared<ExplainOptions>();
    CLI::App* cmd = app.add_subcommand("mpe", "Most probable full assignment given the evidence (exact)");
    add_explain_options(*cmd, *opts);
    cmd->callback([opts] { run_mpe(*opts); });
  }
  {
    auto opts = std::make_shared<ExplainOptions>();
    CLI::App* cmd = app.add_subcommand(
        "map", "Most probable assignment of target variables, the other unobserved ones summed out (exact)");
    add_explain_options(*cmd, *opts);  // the model positional comes first
    cmd->add_option("targets", opts->targets, "Target variables")->required();
    cmd->callback([opts] { run_map(*opts); });
  }
}

}  // namespace pgm::cli
