// Evidence checked once against a model (see include/pgm/query/evidence.hpp).
#include <pgm/core/error.hpp>
#include <pgm/io/evidence.hpp>
#include <pgm/query/evidence.hpp>
#include <pgm/query/model.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <system_error>

namespace pgm::query {
namespace {

// Shortest text that reads back as the same double.
std::string exact(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}


// "[0.8, 0.2]", each number in its shortest exact form.
std::string numbers_text(const std::vector<double>& xs) {
  std::string out = "[";
  for (std::size_t i = 0; i < xs.size(); ++i) out += (i ? ", " : "") + exact(xs[i]);
  return out + "]";
}

// A continuous model's variable by name, refused in the words of the Gaussian's own lookup.
VariableId continuous_id(const Model& model, const std::string& name) {
  if (const auto v = model.find(name)) return *v;
  std::vector<std::string> names;
  for (const auto& var : model.variables()) names.push_back(var.name);
  throw QueryError("unknown variable '" + name + "'; the model has: " + join_names(names));
}

// Identity of a model's shared state, for checked_against().
std::weak_ptr<const void> identity(const Model& model) { return std::shared_ptr<const void>(model.state()); }

}  // namespace

// See evidence.hpp. A value below the smallest double is that nearest double, as strtod reads it.
double parse_value(const std::string& name, const std::string& text) {
  double v = 0;
  const char* b = text.data();
  const char* e = text.data() + text.size();
  if (b != e && *b == '+') ++b;
  const auto [p, ec] = std::from_chars(b, e, v);
  const std::string what = "value of '" + name + "' is '" + text + "'";
  if (ec == std::errc::result_out_of_range && p == e) {
    const double nearest = std::strtod(text.c_str(), nullptr);
    if (std::isfinite(nearest)) return nearest;
    throw QueryError(what + ", beyond the range of a double (about ±1.8e308)");
  }
  if (ec != std::errc() || p != e || text.empty()) throw QueryError(what + "; a continuous variable needs a number");
  if (!std::isfinite(v)) throw QueryError(what + "; a continuous variable needs a finite number");
  return v;
}

namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

}  // namespace

Assignments parse_assignments(std::span<const std::string> texts, std::string_view source, AssignmentItems items) {
  const bool point = items == AssignmentItems::coordinates;
  Assignments out;
  std::unordered_map<std::string_view, std::size_t> index;  // name -> position in out (views into texts)
  for (const std::string& text : texts) {
    std::string_view rest = text;
    while (true) {
      const auto comma = rest.find(',');
      const std::string_view item = trim(rest.substr(0, comma));
      const auto eq = item.find('=');
      const std::string_view name = eq == std::string_view::npos ? item : trim(item.substr(0, eq));
      const std::string_view state = eq == std::string_view::npos ? std::string_view{} : trim(item.substr(eq + 1));
      if (eq == std::string_view::npos || name.empty() || state.empty() || state.find('=') != std::string_view::npos) {
        throw MalformedAssignment(std::string(point ? "malformed coordinate '" : "malformed evidence '") +
                                  std::string(item) + "' in " + std::string(source) + " '" + text + "': expected NAME=" +
                                  (point ? "VALUE" : "STATE") + " items separated by commas");
      }
      if (const auto same = index.find(name); same == index.end()) {
        index.emplace(name, out.size());
        out.emplace_back(std::string(name), std::string(state));
      } else if (out[same->second].second != state) {
        throw QueryError("variable '" + std::string(name) + "' is given twice with different states: '" +
                         out[same->second].second + "' and '" + std::string(state) + "'");
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return out;
}

Assignments read_evidence_file(const std::string& path) {
  try {
    return io::read_evidence_file(path);
  } catch (const ParseError& e) {
    throw QueryError(e.what());
  } catch (const IoError& e) {
    throw QueryError(e.what());
  }
}

Assignments combine_assignments(Assignments first, std::string_view first_source, Assignments second,
                                std::string_view second_source) {
  std::unordered_map<std::string, std::size_t> index;  // name -> its first position in `first`
  for (std::size_t i = 0; i < first.size(); ++i) index.emplace(first[i].first, i);
  for (auto& [name, state] : second) {
    const auto same = index.find(name);
    if (same == index.end()) {
      index.emplace(name, first.size());
      first.emplace_back(std::move(name), std::move(state));
    } else if (first[same->second].second != state) {
      throw QueryError("variable '" + name + "' is given twice with different states: '" + first[same->second].second +
                       "' (in " + std::string(first_source) + ") and '" + state + "' (in " + std::string(second_source) +
                       ")");
    }
  }
  return first;
}

ContinuousEvidence parse_values(std::span<const std::pair<std::string, std::string>> pairs) {
  ContinuousEvidence out;
  out.reserve(pairs.size());
  for (const auto& [name, text] : pairs) out.emplace_back(name, parse_value(name, text));
  return out;
}

Evidence Evidence::from_names(const Model& model, std::span<const std::pair<std::string, std::string>> pairs) {
  if (!model.discrete()) {
    // Every value is read before any name is looked up, as the command line has always done.
    const ContinuousEvidence values = parse_values(pairs);
    Evidence e = from_values(model, values);
    // Quote the user's text, not the shortest form of the parsed number.
    e.as_given_.clear();
    std::unordered_set<std::string_view> seen;
    for (const auto& [name, text] : pairs)
      if (seen.insert(name).second) e.as_given_.emplace_back(name, text);
    return e;
  }
  const VariableSet& vars = model.variable_set();
  Evidence e;
  e.model_ = identity(model);
  e.hard_ = vars.evidence(pairs);  // unknown names/states listed, conflicts refused, sorted by id
  std::unordered_set<std::string_view> seen;  // first mention of each name, in the order given
  for (const auto& [name, state] : pairs)
    if (seen.insert(name).second) e.as_given_.emplace_back(name, state);
  for (const auto& [v, s] : e.hard_) e.names_.push_back(vars[v].name);
  return e;
}

Evidence Evidence::from_ids(const Model& model, std::span<const std::pair<VariableId, std::size_t>> pairs) {
  if (!model.discrete())
    throw QueryError("evidence by state index needs a discrete model; this is a " +
                     std::string(to_string(model.kind())) + " model (give values by name)");
  const VariableSet& vars = model.variable_set();
  std::vector<::pgm::Evidence::value_type> given(pairs.begin(), pairs.end());  // checked with names first
  for (std::size_t i = 0; i < given.size(); ++i) {
    const auto [v, s] = given[i];
    if (v >= vars.size())
      throw QueryError("evidence names variable id " + std::to_string(v) + ", but the model has " +
                       std::to_string(vars.size()) + " variables (ids 0 to " + std::to_string(vars.size() - 1) + ")");
    if (s >= vars[v].cardinality())
      throw QueryError("evidence gives variable '" + vars[v].name + "' state index " + std::to_string(s) +
                       ", but it has " + std::to_string(vars[v].cardinality()) +
                       " states: " + join_names(vars[v].states));
    for (std::size_t j = 0; j < i; ++j) {
      if (given[j].first == v && given[j].second != s)
        throw QueryError("variable '" + vars[v].name + "' is given twice with different states: '" +
                         vars[v].states[given[j].second] + "' and '" + vars[v].states[s] + "'");
    }
  }
  Evidence e;
  e.model_ = identity(model);
  std::vector<bool> seen(vars.size(), false);
  for (const auto& [v, s] : given)
    if (v < vars.size() && !seen[v]) {
      seen[v] = true;
      e.as_given_.emplace_back(vars[v].name, vars[v].states[s]);
    }
  e.hard_ = ::pgm::Evidence(std::move(given));
  for (const auto& [v, s] : e.hard_) e.names_.push_back(vars[v].name);
  return e;
}

Evidence Evidence::from_values(const Model& model, std::span<const std::pair<std::string, double>> pairs) {
  if (model.discrete())
    throw QueryError("numeric evidence needs a Gaussian or linear-Gaussian model; this is a " +
                     std::string(to_string(model.kind())) + " (give states by name)");
  std::vector<std::pair<VariableId, double>> by_id;
  Evidence e;
  e.model_ = identity(model);
  e.continuous_ = true;
  for (const auto& [name, value] : pairs) {
    const VariableId v = continuous_id(model, name);
    if (!std::isfinite(value))
      throw QueryError("value of '" + name + "' is " + exact(value) + "; a continuous variable needs a finite number");
    const auto same = std::find_if(by_id.begin(), by_id.end(), [&](const auto& p) { return p.first == v; });
    if (same == by_id.end()) {
      by_id.emplace_back(v, value);
      e.as_given_.emplace_back(name, exact(value));
      e.values_as_given_.emplace_back(name, value);
    } else if (same->second != value) {
      throw QueryError("variable '" + name + "' is given twice with different values: " + exact(same->second) +
                       " and " + exact(value));
    }
  }
  std::sort(by_id.begin(), by_id.end());
  for (const auto& [v, value] : by_id) {
    e.names_.push_back(model.variables()[v].name);
    e.values_.emplace_back(model.variables()[v].name, value);
  }
  return e;
}

std::string Evidence::text() const {
  std::string out;
  for (const auto& [name, state] : as_given_) out += (out.empty() ? "" : ", ") + name + "=" + state;
  for (const auto& [name, lambda] : soft_as_given_) out += (out.empty() ? "soft " : ", soft ") + name + "=" + numbers_text(lambda);
  return out;
}

std::string Evidence::soft_text() const {
  std::string out;
  for (const auto& [name, lambda] : soft_as_given_) out += (out.empty() ? "" : ", ") + name + "=" + numbers_text(lambda);
  return out;
}

SoftAssignments parse_soft(std::span<const std::string> texts, std::string_view source) {
  SoftAssignments out;
  for (const std::string& text : texts) {
    const auto fail = [&](const std::string& why) -> void {
      throw MalformedAssignment("malformed soft evidence '" + text + "' in " + std::string(source) + ": " + why +
                                "; expected NAME=L1,L2,... (one likelihood per state)");
    };
    const std::string_view all = text;
    const auto eq = all.find('=');
    if (eq == std::string_view::npos) fail("no '='");
    const std::string_view name = trim(all.substr(0, eq));
    if (name.empty()) fail("no variable name");
    std::vector<double> lambda;
    std::string_view rest = all.substr(eq + 1);
    while (true) {
      const auto comma = rest.find(',');
      std::string_view item = trim(rest.substr(0, comma));
      if (item.empty()) fail("an empty likelihood");
      if (item.front() == '+') item.remove_prefix(1);
      double v = 0;
      const auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
      if (ptr != item.data() + item.size() || (ec != std::errc() && ec != std::errc::result_out_of_range))
        fail("'" + std::string(trim(rest.substr(0, comma))) + "' is not a number");
      if (ec == std::errc::result_out_of_range) v = std::strtod(std::string(item).c_str(), nullptr);  // inf or 0
      lambda.push_back(v);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    out.emplace_back(std::string(name), std::move(lambda));
  }
  return out;
}

Evidence Evidence::with_soft(const Model& model, const SoftAssignments& soft) const {
  if (!model.discrete())
    throw QueryError("soft evidence needs a discrete model (Bayesian or Markov network); this is a " +
                     std::string(to_string(model.kind())) + " model");
  Evidence e = for_model(model);
  e.model_ = identity(model);
  for (const auto& [name, lambda] : soft) {
    const std::optional<VariableId> found = model.find(name);
    if (!found) {
      std::vector<std::string> names;
      for (const auto& v : model.variables()) names.push_back(v.name);
      throw QueryError("soft evidence names unknown variable '" + name + "'; the model's variables are: " +
                       join_names(names));
    }
    const VariableId v = *found;
    const VariableInfo& info = model.variables()[v];
    const std::string what = "soft evidence on '" + name + "' ";
    if (lambda.size() != info.states.size())
      throw QueryError(what + "gives " + std::to_string(lambda.size()) + " likelihood" + (lambda.size() == 1 ? "" : "s") +
                       ", but it has " + std::to_string(info.states.size()) + " states (" + join_names(info.states) +
                       "): give one per state, in that order");
    bool any = false;
    for (std::size_t s = 0; s < lambda.size(); ++s) {
      if (!std::isfinite(lambda[s]))
        throw QueryError(what + "gives state '" + info.states[s] + "' the likelihood " + exact(lambda[s]) +
                         "; likelihoods must be finite");
      if (lambda[s] < 0)
        throw QueryError(what + "gives state '" + info.states[s] + "' the likelihood " + exact(lambda[s]) +
                         "; likelihoods must be non-negative");
      any = any || lambda[s] > 0;
    }
    if (!any) throw QueryError(what + "gives every state likelihood zero; at least one must be positive");
    const auto same = std::find_if(e.soft_.begin(), e.soft_.end(), [&](const auto& p) { return p.first == v; });
    if (same == e.soft_.end()) {
      e.soft_.emplace_back(v, lambda);
      e.soft_as_given_.emplace_back(info.name, lambda);
    } else {
      // Independent virtual observations multiply.
      for (std::size_t s = 0; s < lambda.size(); ++s) same->second[s] *= lambda[s];
      const auto given = std::find_if(e.soft_as_given_.begin(), e.soft_as_given_.end(),
                                      [&](const auto& p) { return p.first == info.name; });
      given->second = same->second;
      if (std::none_of(same->second.begin(), same->second.end(), [](double x) { return x > 0; }))
        throw QueryError(what + "given twice multiplies to zero for every state; at least one must stay positive");
    }
  }
  std::sort(e.soft_.begin(), e.soft_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  e.soft_factors_.clear();
  for (const auto& [v, lambda] : e.soft_) e.soft_factors_.emplace_back(std::vector<VariableId>{v},
                                                                        std::vector<std::size_t>{lambda.size()}, lambda);
  return e;
}

bool Evidence::checked_against(const Model& model) const noexcept {
  const std::shared_ptr<const void> state(model.state());
  return !model_.owner_before(state) && !state.owner_before(model_);
}

Evidence Evidence::for_model(const Model& model) const {
  if ((empty() && soft_.empty()) || checked_against(model)) return *this;
  if (continuous_) return from_values(model, values_);
  // By name (as given), so the new model's ids and state indices are used.
  Evidence hard = empty() ? Evidence() : from_names(model, as_given_);
  if (soft_.empty()) return hard;
  hard.model_ = identity(model);  // with_soft re-resolves nothing more
  return hard.with_soft(model, soft_as_given_);
}

}  // namespace pgm::query

namespace pgm::query {

Evidence jeffrey_evidence(const Model& model, const Evidence& evidence_in,
                          const JeffreyTargets& targets,
                          std::size_t max_memory_bytes) {
  if (!model.discrete())
    throw QueryError("Jeffrey's rule needs a discrete model (Bayesian or Markov network); this is a " +
                     std::string(to_string(model.kind())) + " model");
  const Evidence base = evidence_in.for_model(model);
  if (targets.empty()) return base;
  // Each q checked: a known variable named once, one number per state, a distribution.
  std::vector<VariableId> ids;
  for (const auto& [name, q] : targets) {
    const VariableId v = model.id(name);
    if (std::find(ids.begin(), ids.end(), v) != ids.end())
      throw QueryError("Jeffrey's rule names '" + name + "' twice; give one target distribution per variable");
    ids.push_back(v);
    const VariableInfo& info = model.variables()[v];
    const std::string what = "the Jeffrey target for '" + name + "' ";
    if (q.size() != info.states.size())
      throw QueryError(what + "gives " + std::to_string(q.size()) + " probabilit" + (q.size() == 1 ? "y" : "ies") +
                       ", but it has " + std::to_string(info.states.size()) + " states (" + join_names(info.states) +
                       "): give one per state, in that order");
    double sum = 0;
    for (std::size_t s = 0; s < q.size(); ++s) {
      if (!std::isfinite(q[s]) || q[s] < 0)
        throw QueryError(what + "gives state '" + info.states[s] + "' the probability " + exact(q[s]) +
                         "; probabilities must be finite and non-negative");
      sum += q[s];
    }
    if (!(std::abs(sum - 1.0) <= 1e-9))
      throw QueryError(what + "sums to " + exact(sum) + "; a distribution must sum to 1 (within 1e-9)");
  }
  EngineOptions options;
  options.max_memory_bytes = max_memory_bytes;
  SoftAssignments lambda;
  for (const auto& [name, q] : targets) lambda.emplace_back(name, std::vector<double>(q.size(), 1.0));
  // Iterative proportional fitting: each target in turn rescaled to its q; one sweep is exact for a
  // single target (λ = q / P(x | e)), the next confirms it.
  constexpr int kSweeps = 1000;
  constexpr double kTolerance = 1e-12;
  double gap = 0;
  for (int sweep = 0; sweep <= kSweeps; ++sweep) {
    gap = 0;
    for (std::size_t i = 0; i < targets.size(); ++i) {
      Query query;
      query.targets = {targets[i].first};
      query.evidence = base.with_soft(model, lambda);
      query.method = "ve";
      const Result r = model.answer(query, options);  // ZeroProbabilityEvidence for impossible evidence
      const std::vector<double>& p = r.marginals.front();
      const std::vector<double>& q = targets[i].second;
      const VariableInfo& info = model.variables()[ids[i]];
      std::vector<double>& l = lambda[i].second;
      double mx = 0;
      for (std::size_t s = 0; s < q.size(); ++s) {
        gap = std::max(gap, std::abs(p[s] - q[s]));
        if (q[s] > 0 && !(p[s] > 0))
          throw QueryError("Jeffrey's rule cannot give '" + targets[i].first + "' the distribution " + numbers_text(q) +
                           ": state '" + info.states[s] + "' has probability " + exact(q[s]) + " there but " +
                           (sweep == 0 && i == 0 ? "probability zero given the evidence"
                                                 : "probability zero given the evidence and the other Jeffrey targets"));
        l[s] = q[s] > 0 ? l[s] * (q[s] / p[s]) : 0.0;
        mx = std::max(mx, l[s]);
      }
      for (double& x : l) x /= mx;  // scale is irrelevant to the posterior; keep it near 1
    }
    if (gap <= kTolerance) break;
    if (sweep == kSweeps)
      throw QueryError("Jeffrey's rule: the " + std::to_string(targets.size()) +
                       " target distributions could not all be met (largest gap " + exact(gap) + " after " +
                       std::to_string(kSweeps) + " sweeps of iterative proportional fitting); they are inconsistent "
                       "with the model and the evidence, or reachable only in the limit");
  }
  // Jeffrey's rule revises beliefs and observes nothing: scale λ so that P(e) stays that of the
  // hard and soft evidence given (exactly so for one target: Σ_x P(x, e) q(x) / P(x | e) = P(e)).
  const double log_base = model.log_probability_of_evidence(base, "ve");
  Evidence out = base.with_soft(model, lambda);
  const double log_now = model.log_probability_of_evidence(out, "ve");
  for (double& x : lambda.front().second) x *= std::exp(log_base - log_now);
  return base.with_soft(model, lambda);
}

}  // namespace pgm::query
