// `pgm marginals`, `pgm query` and `pgm info`: exact inference on discrete models. Parse, ask the
// library's query API (pgm::Model, query::Evidence, Query/Result), print; Gaussian models go to
// gaussian.cpp.
#include "pgm/commands.hpp"
#include "pgm/commands/gaussian_info.hpp"
#include "pgm/output.hpp"
#include "pgm/shapes.hpp"

#include <pgm/core/error.hpp>
#include <pgm/core/size.hpp>
#include <pgm/inference/loopy_belief_propagation.hpp>
#include <pgm/inference/sampling.hpp>
#include <pgm/inference/variable_elimination.hpp>
#include <pgm/query.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace pgm::cli {
namespace {

using query::Assignments;

// Options shared by marginals and query.
struct InferenceOptions {
  ModelOptions model;
  std::vector<std::string> given;
  std::string evidence_file;
  std::string method = "jt";
  std::string max_memory;  // empty: half the machine's memory
  bool json = false;
  SoftOptions soft;  // --soft, --jeffrey
  // ---- issue 11: loopy belief propagation (--method lbp); the options say whether they were given.
  LoopyBeliefPropagationOptions lbp;
  long long max_iterations_given = 1000;  // signed, so "-1" is refused rather than wrapped
  CLI::Option* max_iterations = nullptr;
  CLI::Option* tolerance = nullptr;
  CLI::Option* damping = nullptr;
  // ---- issue 11: sampling (--method lw|gibbs); read as text, checked in check_sampling_options.
  SamplingOptions sampling;
  std::string samples_text, burn_in_text, seed_text;
  CLI::Option* samples = nullptr;
  CLI::Option* burn_in = nullptr;
  CLI::Option* seed = nullptr;
};

void add_inference_options(CLI::App& cmd, InferenceOptions& opts) {
  add_model_options(cmd, opts.model);
  add_evidence_options(cmd, opts.given, opts.evidence_file);
  add_soft_options(cmd, opts.soft, true);
  cmd.add_option("--method", opts.method,
                 "Inference engine: ve (variable elimination) or jt (junction tree: one calibration gives every "
                 "marginal; joint and --by tables always use ve) or lbp (loopy belief propagation: approximate "
                 "marginals, exact on tree-shaped models) or lw (likelihood weighting, Bayesian networks) or gibbs "
                 "(Gibbs sampling): sampled marginals with standard errors")
      ->check(CLI::IsMember({"ve", "jt", "lbp", "lw", "gibbs"}))
      ->capture_default_str();
  add_max_memory_option(cmd, opts.max_memory);
  cmd.add_flag("--json", opts.json, "Print JSON instead of a table");
  opts.max_iterations = cmd.add_option("--max-iterations", opts.max_iterations_given,
                                       "lbp: stop after this many iterations (at least 1)")
                            ->capture_default_str();
  opts.tolerance = cmd.add_option("--tolerance", opts.lbp.tolerance,
                                  "lbp: converged when no message entry changes by this much (positive)")
                       ->capture_default_str();
  opts.damping = cmd.add_option("--damping", opts.lbp.damping,
                                "lbp: keep this fraction of each old message, in [0, 1) (0: plain sum-product)")
                     ->capture_default_str();
  opts.samples = cmd.add_option("--samples", opts.samples_text,
                                "lw, gibbs: samples to estimate from, 1 to 10^9 (gibbs: sweeps after burn-in; "
                                "default 10000)")
                     ->type_name("N");
  opts.burn_in = cmd.add_option("--burn-in", opts.burn_in_text,
                                "gibbs: sweeps discarded before sampling (default max(1000, N/10))")
                     ->type_name("B");
  opts.seed = cmd.add_option("--seed", opts.seed_text,
                             "lw, gibbs: the generator's seed, an unsigned 64-bit integer (default 0: runs repeat)")
                  ->type_name("S");
}

// ---- issue 11: a non-negative decimal integer no larger than `max`, or a usage error naming the option.
std::uint64_t parse_count(const std::string& text, const char* option, std::uint64_t max, const char* what) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value > max)
    throw UsageError(std::string(option) + " must be " + what + ", got '" + text + "'");
  return value;
}

// The sampling options: only with --method lw or gibbs (--burn-in with gibbs only), and in range.
void check_sampling_options(InferenceOptions& opts) {
  const bool sampler = opts.method == "lw" || opts.method == "gibbs";
  if (!sampler) {
    if (opts.samples->count() + opts.burn_in->count() + opts.seed->count() > 0)
      throw UsageError("--samples, --burn-in and --seed need --method lw or --method gibbs");
    return;
  }
  if (opts.burn_in->count() > 0 && opts.method != "gibbs")
    throw UsageError("--burn-in needs --method gibbs (likelihood weighting draws independent samples)");
  static const std::string kMax = std::to_string(kMaxSamples);
  if (opts.samples->count() > 0)
    opts.sampling.samples = parse_count(opts.samples_text, "--samples", kMaxSamples,
                                        ("an integer from 1 to " + kMax).c_str());
  if (opts.sampling.samples < 1) throw UsageError("--samples must be an integer from 1 to " + kMax + ", got '0'");
  if (opts.burn_in->count() > 0)
    opts.sampling.burn_in = parse_count(opts.burn_in_text, "--burn-in", kMaxSamples,
                                        ("an integer from 0 to " + kMax).c_str());
  if (opts.seed->count() > 0)
    opts.sampling.seed = parse_count(opts.seed_text, "--seed", std::numeric_limits<std::uint64_t>::max(),
                                     "an unsigned 64-bit integer (0 to 18446744073709551615)");
}

// The lbp options: only with --method lbp, and in range (usage errors).
void check_lbp_options(InferenceOptions& opts) {
  const bool given = opts.max_iterations->count() + opts.tolerance->count() + opts.damping->count() > 0;
  if (opts.method != "lbp") {
    if (given) throw UsageError("--max-iterations, --tolerance and --damping need --method lbp");
    return;
  }
  if (opts.max_iterations_given < 1)
    throw UsageError("--max-iterations must be at least 1, got " + opts.max_iterations->as<std::string>());
  opts.lbp.max_iterations = static_cast<std::size_t>(opts.max_iterations_given);
  if (!(opts.lbp.tolerance > 0) || !std::isfinite(opts.lbp.tolerance))
    throw UsageError("--tolerance must be a positive finite number, got " + opts.tolerance->as<std::string>());
  if (!(opts.lbp.damping >= 0 && opts.lbp.damping < 1))
    throw UsageError("--damping must be in [0, 1), got " + opts.damping->as<std::string>());
}


// The library's answer, its size refusals restated with the options that matter: a refused
// junction tree (the structure for the query) can be avoided by variable elimination; VE's cannot.
[[nodiscard]] query::Result answer(const Model& model, const query::Query& q, std::size_t max_memory_bytes,
                                   const LoopyBeliefPropagationOptions& lbp, const SamplingOptions& sampling) {
  query::EngineOptions options;
  options.max_memory_bytes = max_memory_bytes;
  options.lbp = lbp;
  options.sampling = sampling;
  try {
    return model.answer(q, options);
  } catch (const query::StructureLimitError& e) {
    throw LimitError(std::string(e.what()) + " (--max-memory SIZE sets the limit; --method ve uses variable elimination)");
  } catch (const LimitError& e) {
    throw LimitError(std::string(e.what()) + " (--max-memory SIZE sets the limit)");
  }
}

// An answer with what its printing needs from the question.
struct Answer {
  query::Result result;
  query::Assignments given;  // the evidence as given
  bool markov = false;       // P(e) is a partition function
  query::SoftAssignments soft;     // soft evidence (repeats multiplied), in the order given
  query::JeffreyTargets jeffrey;   // Jeffrey targets as given
  [[nodiscard]] bool any_evidence() const { return !given.empty() || !soft.empty() || !jeffrey.empty(); }
};

// The soft evidence and Jeffrey targets of a query, for printing (the Jeffrey targets enter the
// query's evidence as likelihoods; they are shown as the user gave them).
struct SoftShown {
  query::SoftAssignments soft;
  query::JeffreyTargets jeffrey;
};

// The query's evidence: the names given, then --soft, then --jeffrey; and what to show of them.
[[nodiscard]] query::Evidence evidence_for(const Model& model, const Assignments& given, const SoftGiven& soft,
                                           std::size_t max_memory, SoftShown& shown) {
  query::Evidence e = query::Evidence::from_names(model, given);
  if (!soft.soft.empty()) e = e.with_soft(model, soft.soft);
  shown.soft = e.soft_as_given();
  shown.jeffrey = soft.jeffrey;
  return apply_soft(model, std::move(e), {{}, soft.jeffrey}, max_memory);
}

[[nodiscard]] Answer ask(const Model& model, const query::Query& q, std::size_t max_memory_bytes,
                         const LoopyBeliefPropagationOptions& lbp = {}, const SamplingOptions& sampling = {},
                         const SoftShown& shown = {}) {
  Answer a{answer(model, q, max_memory_bytes, lbp, sampling), q.evidence.as_given(),
           model.kind() == query::ModelKind::markov_network, shown.soft, shown.jeffrey};
  // An approximation that did not settle is still printed, with a warning.
  if (const auto& info = a.result.approximate; info && !info->converged)
    std::cerr << "pgm: warning: loopy belief propagation did not converge in " << info->iterations
              << " iterations (largest message change " << format_number(info->max_change, 6) << ", tolerance "
              << format_number(lbp.tolerance, 6) << "); the marginals are approximate\n";
  // A sampler's caveats (a Gibbs chain a zero can trap).
  if (a.result.sampling)
    for (const auto& w : a.result.warnings) std::cerr << "pgm: warning: " << w << '\n';
  return a;
}

// ---------------------------------------------------------------------------------------------
// JSON

// {"X": [0.8, 0.2], ...}
[[nodiscard]] Json likelihoods_json(const query::SoftAssignments& soft) {
  Json out = Json::object();
  for (const auto& [name, lambda] : soft) {
    Json values = Json::array();
    for (double x : lambda) values.push_back(number_json(x));
    append(out, name, std::move(values));
  }
  return out;
}

void add_evidence_fields(Json& out, const query::Result& r, const Assignments& given,
                         const query::SoftAssignments& soft, const query::JeffreyTargets& jeffrey) {
  out["evidence"] = evidence_json(given);
  if (!soft.empty()) out["soft_evidence"] = likelihoods_json(soft);
  if (!jeffrey.empty()) out["jeffrey"] = likelihoods_json(jeffrey);
  out["probability_of_evidence"] = number_json(r.probability_of_evidence);
  out["log_probability_of_evidence"] = number_json(r.log_probability_of_evidence);
}

void add_evidence_fields(Json& out, const Answer& a) { add_evidence_fields(out, a.result, a.given, a.soft, a.jeffrey); }

[[nodiscard]] Json distribution_json(const std::vector<std::string>& states, std::span<const double> p) {
  Json out = Json::object();
  for (std::size_t s = 0; s < states.size(); ++s) append(out, states[s], p[s]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text

// "P(e) = 0.6471" for a Bayesian network, "Z = 2.5" / "Z(e) = 0.7" for a Markov network, where the
// probability of evidence is the partition function of the reduced model. Empty for a Bayesian
// network without evidence (P(e) = 1 says nothing). A value that overflows, underflows to 0 or
// is subnormal (few digits left) is shown as exp(log value), which stays exact.
[[nodiscard]] std::string evidence_note(const Answer& a) {
  // Sampling: lw's P(e) is an estimate (shown with its error); gibbs estimates none.
  if (const auto& info = a.result.sampling) {
    if (a.given.empty() && !a.markov) return {};
    const std::string what = a.markov ? (a.given.empty() ? "Z" : "Z(e)") : "P(e)";
    if (!info->probability_of_evidence_estimated) return what + " not estimated";
    const double log_pe = a.result.log_probability_of_evidence;
    const double pe = a.result.probability_of_evidence;
    if (pe >= std::numeric_limits<double>::min() && std::isfinite(pe)) {
      std::string note = what + " ≈ " + format_number(pe, 6);
      if (const auto& se = info->probability_of_evidence_standard_error) note += " ± " + format_number(*se, 3);
      return note;
    }
    return what + " ≈ exp(" + format_number(log_pe, 10) + ")";
  }
  const double pe = a.result.probability_of_evidence;
  const double log_pe = a.result.log_probability_of_evidence;
  const bool plain = std::isfinite(pe) && (pe >= std::numeric_limits<double>::min() || !std::isfinite(log_pe));
  const std::string value = plain ? format_number(pe, 6) : "exp(" + format_number(log_pe, 10) + ")";
  if (a.markov) return (a.any_evidence() ? "Z(e) = " : "Z = ") + value;
  if (!a.any_evidence()) return {};
  return "P(e) = " + value;
}

// "P(Rain | WetGrass=wet)   P(e) = 0.6471"
void print_title(std::ostream& out, const std::string& lhs, const std::string& conditions, const Answer& a) {
  std::string title = "P(" + lhs;
  if (!conditions.empty()) title += " | " + conditions;
  title += ")";
  const std::string note = evidence_note(a);
  out << title << (note.empty() ? "" : "   " + note) << '\n';
}

// "[0.8, 0.2]"
[[nodiscard]] std::string numbers_text(const std::vector<double>& xs) {
  std::string out = "[";
  for (std::size_t i = 0; i < xs.size(); ++i) out += (i ? ", " : "") + format_number(xs[i], 6);
  return out + "]";
}

// "A=a, soft X=[0.8, 0.2], Jeffrey Y=[0.3, 0.7]"
[[nodiscard]] std::string evidence_text(const Answer& a) {
  std::string e = format_assignments(a.given);
  for (const auto& [name, lambda] : a.soft) e += (e.empty() ? "soft " : ", soft ") + name + "=" + numbers_text(lambda);
  for (const auto& [name, q] : a.jeffrey) e += (e.empty() ? "Jeffrey " : ", Jeffrey ") + name + "=" + numbers_text(q);
  return e;
}

[[nodiscard]] std::string conditions_of(const Answer& a, const std::string& extra = {}) {
  std::string c = extra;
  const std::string e = evidence_text(a);
  if (!c.empty() && !e.empty()) c += ", ";
  return c + e;
}

// One block per variable: name, then "state  0.1234  bar" rows with a common state column width.
void print_blocks(std::ostream& out, const query::Result& r) {
  std::size_t state_width = 0;
  std::size_t prob_width = 0;
  // Sampling: "0.1234 ± 0.0012", the standard error beside each estimate ("± n/a" without one).
  const auto shown = [&r](std::size_t i, std::size_t s) {
    std::string text = format_probability(r.marginals[i][s]);
    if (r.sampling) {
      const double se = r.sampling->standard_errors[i][s];
      text += " ± " + (std::isfinite(se) ? format_probability(se) : std::string("n/a"));
    }
    return text;
  };
  for (std::size_t i = 0; i < r.variables.size(); ++i) {
    for (std::size_t s = 0; s < r.marginals[i].size(); ++s) {
      state_width = std::max(state_width, display_width(r.states[i][s]));
      prob_width = std::max(prob_width, display_width(shown(i, s)));
    }
  }
  for (std::size_t i = 0; i < r.variables.size(); ++i) {
    out << "  " << r.variables[i] << '\n';
    for (std::size_t s = 0; s < r.marginals[i].size(); ++s) {
      const double p = r.marginals[i][s];
      std::string line = "    " + pad(r.states[i][s], state_width) + "  " + pad(shown(i, s), prob_width, true) +
                         "  " + bar(p);
      while (line.back() == ' ') line.pop_back();
      out << line << '\n';
    }
  }
}

}  // namespace

Json marginals_json(const query::Result& r, const query::Assignments& given, const query::SoftAssignments& soft,
                    const query::JeffreyTargets& jeffrey) {
  Json out = Json::object();
  Json& marginals = out["marginals"] = Json::object();
  for (std::size_t i = 0; i < r.variables.size(); ++i)
    append(marginals, r.variables[i], distribution_json(r.states[i], r.marginals[i]));
  add_evidence_fields(out, r, given, soft, jeffrey);
  if (const auto& info = r.approximate) {
    out["method"] = r.method;
    out["iterations"] = info->iterations;
    out["converged"] = info->converged;
    out["max_change"] = number_json(info->max_change);
  }
  if (const auto& info = r.sampling) {
    out["method"] = r.method;
    out["samples"] = info->samples;
    if (r.method == "gibbs") out["burn_in"] = info->burn_in;
    out["seed"] = info->seed;
    Json& errors = out["standard_errors"] = Json::object();
    for (std::size_t i = 0; i < r.variables.size(); ++i) {
      Json e = Json::object();
      for (std::size_t s = 0; s < r.states[i].size(); ++s)
        append(e, r.states[i][s], number_json(info->standard_errors[i][s]));
      append(errors, r.variables[i], std::move(e));
    }
    if (info->effective_sample_size) out["effective_sample_size"] = number_json(*info->effective_sample_size);
    if (info->probability_of_evidence_standard_error)
      out["probability_of_evidence_standard_error"] = number_json(*info->probability_of_evidence_standard_error);
    out["warnings"] = r.warnings;
  }
  return out;
}

namespace {

// `{"marginals": ...}` plus the evidence fields, or the table: "P(Rain | WetGrass=wet)" for one
// variable, "Posterior marginals given WetGrass=wet" for several.
void print_marginals(const Answer& a, bool json) {
  const query::Result& r = a.result;
  if (json) {
    print_json(marginals_json(r, a.given, a.soft, a.jeffrey), std::cout);
    return;
  }
  const std::string conditions = conditions_of(a);
  if (r.variables.size() == 1) {
    print_title(std::cout, r.variables.front(), conditions, a);
  } else {
    const std::string note = evidence_note(a);
    std::cout << (conditions.empty() ? "Marginals" : "Posterior marginals given " + conditions)
              << (note.empty() ? "" : "   " + note) << '\n';
  }
  print_blocks(std::cout, r);
  if (const auto& info = r.approximate)
    std::cout << "Loopy belief propagation: " << (info->converged ? "converged" : "did not converge") << " after "
              << info->iterations << " iterations (largest message change " << format_number(info->max_change, 3)
              << "); P(e) is the Bethe estimate\n";
  if (const auto& info = r.sampling) {
    if (r.method == "lw")
      std::cout << "Likelihood weighting: " << info->samples << " samples (seed " << info->seed
                << "), effective sample size " << format_number(info->effective_sample_size.value_or(0), 6)
                << "; ± is one standard error; P(e) is the mean weight\n";
    else
      std::cout << "Gibbs sampling: " << info->samples << " samples after " << info->burn_in << " burn-in sweeps (seed "
                << info->seed << "); ± is one batch-means standard error; " << (a.markov ? "Z" : "P(e)")
                << " not estimated\n";
  }
}

void print_joint(const Answer& a, bool json) {
  const query::Result& r = a.result;
  if (json) {
    Json out = Json::object();
    Json& joint = out["joint"] = Json::object();
    joint["variables"] = r.variables;
    joint["table"] = r.joint;
    add_evidence_fields(out, a);
    print_json(out, std::cout);
    return;
  }
  std::string lhs;
  for (const auto& name : r.variables) lhs += (lhs.empty() ? "" : ", ") + name;
  print_title(std::cout, lhs, conditions_of(a), a);

  TextTable t(2);
  t.add_row(r.variables);
  t.right_align(r.variables.size());
  std::vector<std::size_t> states(r.variables.size(), 0);
  for (double p : r.joint) {
    std::vector<std::string> row;
    for (std::size_t i = 0; i < states.size(); ++i) row.push_back(r.states[i][states[i]]);
    row.push_back(format_probability(p));
    row.push_back(bar(p));
    t.add_row(std::move(row));
    // Next assignment, last variable fastest.
    for (std::size_t i = states.size(); i-- > 0;) {
      if (++states[i] < r.joint_shape[i]) break;
      states[i] = 0;
    }
  }
  t.print(std::cout);
}

// P(X | y, e) for every state y of Y; "undefined" where P(y | e) = 0.
void print_conditional(const Answer& a, bool json) {
  const query::Result& r = a.result;
  const std::string& x = r.variables.front();
  const std::vector<std::string>& x_states = r.states.front();
  const std::string& y = r.given_variable;
  if (json) {
    Json out = Json::object();
    Json& cond = out["conditional"] = Json::object();
    cond["target"] = x;
    cond["given_variable"] = y;
    Json& table = cond["table"] = Json::object();
    for (std::size_t j = 0; j < r.conditional.size(); ++j)
      append(table, r.given_states[j], r.conditional[j] ? distribution_json(x_states, *r.conditional[j]) : Json(nullptr));
    add_evidence_fields(out, a);
    print_json(out, std::cout);
    return;
  }
  print_title(std::cout, x, conditions_of(a, y), a);
  std::size_t state_width = 0;
  for (const auto& s : x_states) state_width = std::max(state_width, display_width(s));
  const std::string given_text = a.any_evidence() ? " | " + evidence_text(a) : "";
  for (std::size_t j = 0; j < r.conditional.size(); ++j) {
    const std::string& yj = r.given_states[j];
    const std::string p_y = "P(" + y + "=" + yj + given_text + ")";
    if (!r.conditional[j]) {
      std::cout << "  " << y << " = " << yj << "   undefined: " << p_y << " = 0\n";
      continue;
    }
    std::cout << "  " << y << " = " << yj << "   " << p_y << " = " << format_probability(r.given_probabilities[j]) << '\n';
    for (std::size_t s = 0; s < x_states.size(); ++s) {
      const double p = (*r.conditional[j])[s];
      std::string line = "    " + pad(x_states[s], state_width) + "  " + format_probability(p) + "  " + bar(p);
      while (line.back() == ' ') line.pop_back();
      std::cout << line << '\n';
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Commands

void run_marginals(InferenceOptions& opts) {
  check_lbp_options(opts);
  check_sampling_options(opts);
  const std::size_t max_memory = parse_memory(opts.max_memory);
  set_max_table_bytes(max_memory);  // every table the library allocates, not only the engines'
  Assignments given = parse_assignments(opts.given);
  const SoftGiven soft = parse_soft_options(opts.soft);
  const Model model = load_model(opts.model);
  given = with_evidence_file(opts.evidence_file, std::move(given));
  if (!model.discrete()) {
    if (!soft.empty()) (void)apply_soft(model, {}, soft, max_memory);  // the library's refusal
    // Every variable not observed: its posterior mean and variance.
    run_gaussian_query(model, model.unobserved(given), given, opts.json, std::cout);
    return;
  }
  query::Query q;  // every variable's marginal
  SoftShown shown;
  q.evidence = evidence_for(model, given, soft, max_memory, shown);
  q.method = opts.method;
  print_marginals(ask(model, q, max_memory, opts.lbp, opts.sampling, shown), opts.json);
}

struct QueryCommand {
  InferenceOptions common;
  std::vector<std::string> targets;
  std::string by;
  bool joint = false;
};

void run_query(QueryCommand& cmd) {
  check_lbp_options(cmd.common);
  check_sampling_options(cmd.common);
  const std::size_t max_memory = parse_memory(cmd.common.max_memory);
  set_max_table_bytes(max_memory);  // every table the library allocates, not only the engines'
  Assignments given = parse_assignments(cmd.common.given);
  const SoftGiven soft = parse_soft_options(cmd.common.soft);
  const Model model = load_model(cmd.common.model);
  given = with_evidence_file(cmd.common.evidence_file, std::move(given));
  if (!model.discrete()) {
    if (!soft.empty()) (void)apply_soft(model, {}, soft, max_memory);  // the library's refusal
    if (!cmd.by.empty()) throw QueryError("--by needs a discrete model; a Gaussian query already gives the joint");
    run_gaussian_query(model, cmd.targets, given, cmd.common.json, std::cout);
    return;
  }
  query::Query q;
  SoftShown shown;
  q.evidence = evidence_for(model, given, soft, max_memory, shown);
  q.targets = cmd.targets;
  q.method = cmd.common.method;
  if (!cmd.by.empty()) {
    // The library's refusals, worded for the option (after the names are checked, as it does).
    const std::vector<VariableId> ids = query::target_ids(model, cmd.targets);
    const VariableId y = model.id(cmd.by);
    if (ids.size() != 1) throw QueryError("--by takes exactly one target variable, got " + std::to_string(ids.size()));
    if (ids[0] == y) throw QueryError("--by '" + cmd.by + "' is the target itself");
    q.shape = query::Query::Shape::conditional;
    q.given_variable = cmd.by;
    print_conditional(ask(model, q, max_memory, {}, {}, shown), cmd.common.json);
  } else if (cmd.joint) {
    q.shape = query::Query::Shape::joint;
    print_joint(ask(model, q, max_memory, {}, {}, shown), cmd.common.json);
  } else {
    print_marginals(ask(model, q, max_memory, cmd.common.lbp, cmd.common.sampling, shown), cmd.common.json);
  }
}

// The clique table size, exact as an integer when it is one.
[[nodiscard]] Json size_json(double x) {
  if (std::isfinite(x) && x >= 0 && x <= 9007199254740992.0) return static_cast<std::uint64_t>(x);  // 2^53
  return number_json(x);
}

// `pgm info --json` of a discrete model.
template <typename M>
[[nodiscard]] Json discrete_info_json(const M& m) {
  constexpr bool kBayesian = std::is_same_v<M, BayesianNetwork>;
  const VariableSet& vars = m.variables();
  auto edges = m.graph().edges();
  std::sort(edges.begin(), edges.end());
  const EliminationOrder order = VariableElimination(m).full_order();
  Json out = Json::object();
  out["name"] = m.name();
  out["type"] = kBayesian ? "bayesian-network" : "markov-network";
  Json& variables = out["variables"] = Json::object();
  for (const auto& v : vars.all()) append(variables, v.name, v.states);
  Json& e = out["edges"] = Json::array();
  for (const auto& [u, v] : edges) e.push_back({vars[u].name, vars[v].name});
  out["parameters"] = m.parameter_count();
  out["treewidth"] = order.induced_width();
  out["elimination_heuristic"] = std::string(to_string(order.heuristic()));
  out["max_clique_size"] = size_json(order.max_clique_size());
  return out;
}

template <typename M>
void print_discrete_info(const M& m) {
  constexpr bool kBayesian = std::is_same_v<M, BayesianNetwork>;
  const VariableSet& vars = m.variables();
  auto edges = m.graph().edges();
  std::sort(edges.begin(), edges.end());
  const EliminationOrder order = VariableElimination(m).full_order();
  const std::string heuristic(to_string(order.heuristic()));

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
  const Model model = load_model(model_opts);
  if (json) {
    print_json(info_json(model), std::cout);
  } else if (!model.discrete()) {
    print_gaussian_info(model, false, std::cout);
  } else if (const auto* bn = model.bayesian_network()) {
    print_discrete_info(*bn);
  } else {
    print_discrete_info(*model.markov_network());
  }
}

}  // namespace

Json info_json(const Model& model) {
  if (!model.discrete()) return gaussian_info_json(model);
  if (const auto* bn = model.bayesian_network()) return discrete_info_json(*bn);
  return discrete_info_json(*model.markov_network());
}

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
