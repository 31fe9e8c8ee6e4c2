// ---- issue 12: parameter learning (see <pgm/query/fit.hpp>): counting, EM by junction-tree
// family posteriors, linear-Gaussian least squares, and per-row log-likelihoods via BatchRunner.
#include <pgm/query/fit.hpp>

#include <pgm/core/error.hpp>
#include <pgm/inference/junction_tree.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

namespace pgm::query {
namespace {

constexpr std::int32_t kMissing = -1;

// The rows as read: per row, one cell per model variable (kMissing where absent or empty).
struct DiscreteData {
  std::size_t n = 0;                     // variables
  std::vector<std::int32_t> cells;       // rows × n
  std::vector<std::size_t> lines;        // per row
  std::vector<char> has_column;          // per variable
  bool missing = false;                  // some cell or column missing
  [[nodiscard]] std::size_t rows() const { return lines.size(); }
};

std::vector<VariableId> read_header(const Model& model, BatchSource& source) {
  const std::vector<std::string> header = source.header();
  std::vector<VariableId> column_var;
  std::vector<char> seen(model.size(), 0);
  for (const auto& name : header) {
    const auto v = model.find(name);
    if (!v) {
      std::string names;
      for (const auto& info : model.variables()) names += (names.empty() ? "" : ", ") + info.name;
      throw QueryError(source.where(0, 0) + ": unknown column '" + name + "': not a variable of the model (" +
                       names + ")");
    }
    if (seen[*v]) throw QueryError(source.where(0, 0) + ": column '" + name + "' appears twice");
    seen[*v] = 1;
    column_var.push_back(*v);
  }
  return column_var;
}

// The next record, malformed CSV reported as a QueryError (bad data, exit 4, not a bad model file).
bool next_record(BatchSource& source, std::vector<std::string_view>& cells, std::size_t& line) {
  try {
    return source.next(cells, line);
  } catch (const ParseError& e) {
    throw QueryError(e.what());
  }
}

void check_cell_count(BatchSource& source, std::size_t row, std::size_t line, std::size_t got, std::size_t want) {
  if (got == want) return;
  throw QueryError(source.where(row, line) + ": " + std::to_string(got) + (got == 1 ? " cell" : " cells") +
                   ", but the header has " + std::to_string(want) + (want == 1 ? " column" : " columns"));
}

DiscreteData read_discrete(const Model& model, BatchSource& source) {
  DiscreteData d;
  d.n = model.size();
  const std::vector<VariableId> column_var = read_header(model, source);
  d.has_column.assign(d.n, 0);
  for (VariableId v : column_var) d.has_column[v] = 1;
  d.missing = column_var.size() < d.n;
  std::vector<std::unordered_map<std::string_view, std::int32_t>> index(d.n);
  for (VariableId v = 0; v < d.n; ++v) {
    const auto& states = model.variables()[v].states;
    for (std::size_t s = 0; s < states.size(); ++s) index[v].emplace(states[s], static_cast<std::int32_t>(s));
  }
  std::vector<std::string_view> cells;
  std::size_t line = 0;
  while (next_record(source, cells, line)) {
    const std::size_t row = d.rows() + 1;
    check_cell_count(source, row, line, cells.size(), column_var.size());
    d.lines.push_back(line);
    const std::size_t base = d.cells.size();
    d.cells.resize(base + d.n, kMissing);
    for (std::size_t k = 0; k < cells.size(); ++k) {
      if (cells[k].empty()) {
        d.missing = true;
        continue;
      }
      const VariableId v = column_var[k];
      const auto found = index[v].find(cells[k]);
      if (found == index[v].end()) {
        const auto& info = model.variables()[v];
        std::string states;
        for (const auto& s : info.states) states += (states.empty() ? "" : ", ") + s;
        throw QueryError(source.where(row, line) + ": unknown state '" + std::string(cells[k]) + "' of variable '" +
                         info.name + "' (its states are " + states + ")");
      }
      d.cells[base + v] = found->second;
    }
  }
  return d;
}

// One family's layout: the CPT table of BayesianNetwork::cpt_table (parents row-major, first
// slowest, child fastest) and each member's stride in it.
struct Family {
  std::vector<VariableId> members;  // parents in CPT order, then the child
  std::vector<std::size_t> stride;  // per member
  std::vector<VariableId> sorted;   // members by id (a factor's scope order)
  std::vector<std::size_t> sorted_stride;
  std::size_t r = 0, q = 0, offset = 0;  // offset into the concatenated tables
};

struct Layout {
  std::vector<Family> families;
  std::size_t total = 0;
};

Layout make_layout(const BayesianNetwork& bn) {
  Layout l;
  for (VariableId v = 0; v < bn.size(); ++v) {
    Family f;
    for (VariableId p : bn.parents(v)) f.members.push_back(p);
    f.members.push_back(v);
    f.stride.assign(f.members.size(), 1);
    for (std::size_t i = f.members.size() - 1; i-- > 0;)
      f.stride[i] = f.stride[i + 1] * bn.variable(f.members[i + 1]).states.size();
    f.r = bn.variable(v).states.size();
    f.q = f.stride[0] * bn.variable(f.members[0]).states.size() / f.r;
    f.sorted = f.members;
    std::sort(f.sorted.begin(), f.sorted.end());
    for (VariableId u : f.sorted) {
      const auto at = std::find(f.members.begin(), f.members.end(), u) - f.members.begin();
      f.sorted_stride.push_back(f.stride[static_cast<std::size_t>(at)]);
    }
    f.offset = l.total;
    l.total += f.r * f.q;
    l.families.push_back(std::move(f));
  }
  return l;
}

double pseudo_count(const Prior& prior, const Family& f) {
  switch (prior.kind) {
    case Prior::Kind::none: return 0.0;
    case Prior::Kind::dirichlet: return prior.value;
    case Prior::Kind::bdeu: return prior.value / static_cast<double>(f.r * f.q);
  }
  return 0.0;
}

// M step: θ = (n + a) / (n_u + r a); an unseen configuration (n_u + r a = 0) is uniform.
std::vector<double> maximise(const Layout& l, const Prior& prior, const std::vector<double>& counts,
                             std::size_t& unseen) {
  std::vector<double> theta(l.total);
  unseen = 0;
  for (const Family& f : l.families) {
    const double a = pseudo_count(prior, f);
    for (std::size_t u = 0; u < f.q; ++u) {
      const std::size_t b = f.offset + u * f.r;
      double nu = 0.0;
      for (std::size_t x = 0; x < f.r; ++x) nu += counts[b + x];
      if (nu == 0.0) ++unseen;
      const double z = nu + static_cast<double>(f.r) * a;
      for (std::size_t x = 0; x < f.r; ++x)
        theta[b + x] = z > 0.0 ? (counts[b + x] + a) / z : 1.0 / static_cast<double>(f.r);
    }
  }
  return theta;
}

// Σ a ln θ over every parameter (the log prior up to a constant); -inf where a > 0 and θ = 0.
double log_prior(const Layout& l, const Prior& prior, const std::vector<double>& theta) {
  double s = 0.0;
  for (const Family& f : l.families) {
    const double a = pseudo_count(prior, f);
    if (a == 0.0) continue;
    for (std::size_t i = 0; i < f.r * f.q; ++i) s += a * std::log(theta[f.offset + i]);
  }
  return s;
}

BayesianNetwork build(const BayesianNetwork& like, const Layout& l, const std::vector<double>& theta) {
  BayesianNetworkBuilder b(like.name());
  for (VariableId v = 0; v < like.size(); ++v) b.add_variable(like.variable(v));
  for (VariableId v = 0; v < like.size(); ++v) {
    const Family& f = l.families[v];
    std::vector<VariableId> parents(like.parents(v).begin(), like.parents(v).end());
    b.set_cpt(v, std::move(parents),
              std::vector<double>(theta.begin() + static_cast<std::ptrdiff_t>(f.offset),
                                  theta.begin() + static_cast<std::ptrdiff_t>(f.offset + f.r * f.q)));
  }
  return std::move(b).build();
}

std::vector<double> start_parameters(const BayesianNetwork& bn, const Layout& l) {
  std::vector<double> theta(l.total);
  for (VariableId v = 0; v < bn.size(); ++v) {
    const auto t = bn.cpt_table(v);
    std::copy(t.begin(), t.end(), theta.begin() + static_cast<std::ptrdiff_t>(l.families[v].offset));
  }
  return theta;
}

// E step over rows [begin, end): expected counts added to `counts`, Σ ln P(row) returned; the first
// impossible row in `bad` (kept as the lowest row index).
struct EStepResult {
  double loglik = 0.0;
  std::size_t bad = std::numeric_limits<std::size_t>::max();
  std::string bad_message;
  std::exception_ptr failure;
};

void e_step_range(const JunctionTree& tree, const Layout& l, const DiscreteData& d, std::size_t begin,
                  std::size_t end, std::vector<double>& counts, EStepResult& out) {
  std::vector<::pgm::Evidence::value_type> pairs;
  std::vector<std::size_t> index;
  for (std::size_t row = begin; row < end; ++row) {
    const std::int32_t* cells = d.cells.data() + row * d.n;
    pairs.clear();
    for (VariableId v = 0; v < d.n; ++v)
      if (cells[v] != kMissing) pairs.emplace_back(v, static_cast<std::size_t>(cells[v]));
    const ::pgm::Evidence e(pairs);
    try {
      const CalibratedJunctionTree cal = tree.calibrate(e);
      out.loglik += cal.log_probability_of_evidence();
      for (const Family& f : l.families) {
        std::size_t base = f.offset;
        for (std::size_t i = 0; i < f.sorted.size(); ++i)
          if (cells[f.sorted[i]] != kMissing) base += static_cast<std::size_t>(cells[f.sorted[i]]) * f.sorted_stride[i];
        const auto joint = cal.joint_in_clique(f.sorted);
        if (!joint) throw std::logic_error("fit: no junction-tree clique holds a family");
        const Factor& j = *joint;
        if (j.arity() == 0) {
          counts[base] += 1.0;
          continue;
        }
        // The factor's variables are the unobserved members in id order, last fastest.
        std::vector<std::size_t> fs(j.arity());
        for (std::size_t k = 0; k < j.arity(); ++k) {
          const auto at = std::find(f.sorted.begin(), f.sorted.end(), j.variables()[k]) - f.sorted.begin();
          fs[k] = f.sorted_stride[static_cast<std::size_t>(at)];
        }
        index.assign(j.arity(), 0);
        const auto& cards = j.cardinalities();
        const auto vals = j.values();
        std::size_t pos = base;
        for (std::size_t t = 0; t < vals.size(); ++t) {
          counts[pos] += vals[t];
          for (std::size_t k = j.arity(); k-- > 0;) {
            pos += fs[k];
            if (++index[k] < cards[k]) break;
            pos -= fs[k] * cards[k];
            index[k] = 0;
          }
        }
      }
    } catch (const ZeroProbabilityEvidence& ex) {
      out.bad = row;
      out.bad_message = ex.what();
      return;
    }
  }
}

struct EStep {
  std::vector<double> counts;
  double loglik = 0.0;
};

EStep e_step(const BayesianNetwork& bn, const Layout& l, const DiscreteData& d, const FitOptions& options,
             BatchSource& source) {
  JunctionTreeOptions jt;
  jt.max_memory_bytes = options.engine.max_memory_bytes;
  jt.flat_max_entries = 0;  // keep the clique beliefs (the family posteriors come from them)
  jt.flat_on_reuse = false;
  const JunctionTree tree(bn, jt);
  std::size_t threads = options.threads == 0 ? std::max(1u, std::thread::hardware_concurrency()) : options.threads;
  threads = std::max<std::size_t>(1, std::min(threads, d.rows() / 64 + 1));
  std::vector<std::vector<double>> counts(threads, std::vector<double>(l.total, 0.0));
  std::vector<EStepResult> results(threads);
  const std::size_t per = (d.rows() + threads - 1) / threads;
  auto work = [&](std::size_t t) {
    try {
      e_step_range(tree, l, d, std::min(d.rows(), t * per), std::min(d.rows(), (t + 1) * per), counts[t], results[t]);
    } catch (...) {
      results[t].failure = std::current_exception();
    }
  };
  if (threads == 1) {
    work(0);
  } else {
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(work, t);
    for (auto& th : pool) th.join();
  }
  EStep out;
  out.counts.assign(l.total, 0.0);
  for (std::size_t t = 0; t < threads; ++t) {
    if (results[t].failure) std::rethrow_exception(results[t].failure);
    if (results[t].bad != std::numeric_limits<std::size_t>::max()) {
      const std::size_t row = results[t].bad;
      throw QueryError(source.where(row + 1, d.lines[row]) +
                       ": this row has probability zero under the current parameters, so EM cannot use it (" +
                       results[t].bad_message + ")");
    }
    out.loglik += results[t].loglik;
    for (std::size_t i = 0; i < l.total; ++i) out.counts[i] += counts[t][i];
  }
  return out;
}

std::string unseen_warning(std::size_t unseen, const Prior& prior) {
  return std::to_string(unseen) + (unseen == 1 ? " parent configuration never occurs" : " parent configurations never occur") +
         " in the data (expected count 0); " +
         (unseen == 1 ? "it gets " : "they get ") +
         (prior.kind == Prior::Kind::none ? "the uniform distribution" : "the prior's mean (uniform)");
}

FitResult fit_discrete(const Model& model, BatchSource& source, const FitOptions& options) {
  const BayesianNetwork& bn = *model.bayesian_network();
  const DiscreteData d = read_discrete(model, source);
  const Layout l = make_layout(bn);
  const bool has_prior = options.prior.kind != Prior::Kind::none;
  const bool em = options.em || d.missing;
  if (!em) {
    std::vector<double> counts(l.total, 0.0);
    for (std::size_t row = 0; row < d.rows(); ++row) {
      const std::int32_t* cells = d.cells.data() + row * d.n;
      for (const Family& f : l.families) {
        std::size_t pos = f.offset;
        for (std::size_t i = 0; i < f.members.size(); ++i)
          pos += static_cast<std::size_t>(cells[f.members[i]]) * f.stride[i];
        counts[pos] += 1.0;
      }
    }
    std::size_t unseen = 0;
    const std::vector<double> theta = maximise(l, options.prior, counts, unseen);
    double ll = 0.0;
    for (std::size_t i = 0; i < l.total; ++i)
      if (counts[i] > 0.0) ll += counts[i] * std::log(theta[i]);
    FitResult r(Model(build(bn, l, theta)));
    r.log_likelihood = ll;
    r.history = {ll};
    r.stop_reason = "closed-form";
    r.rows = d.rows();
    r.unseen_parent_configurations = unseen;
    r.has_prior = has_prior;
    if (has_prior) {
      r.log_posterior = ll + log_prior(l, options.prior, theta);
      r.log_posterior_history = {r.log_posterior};
    }
    if (unseen > 0) r.warnings.push_back(unseen_warning(unseen, options.prior));
    return r;
  }
  std::vector<double> theta = start_parameters(bn, l);
  BayesianNetwork current = bn;
  EStep step = e_step(current, l, d, options, source);
  std::vector<double> history = {step.loglik};
  std::vector<double> posterior = {step.loglik + log_prior(l, options.prior, theta)};
  std::size_t iterations = 0, unseen = 0;
  bool converged = false;
  while (iterations < options.max_iter) {
    theta = maximise(l, options.prior, step.counts, unseen);
    current = build(bn, l, theta);
    step = e_step(current, l, d, options, source);
    ++iterations;
    history.push_back(step.loglik);
    posterior.push_back(step.loglik + log_prior(l, options.prior, theta));
    const double gain = posterior[iterations] - posterior[iterations - 1];
    if (options.tol > 0.0 && !(gain >= options.tol)) {
      converged = true;
      break;
    }
  }
  FitResult r(Model(std::move(current)));
  r.em = true;
  r.log_likelihood = history.back();
  r.history = std::move(history);
  r.iterations = iterations;
  r.converged = converged;
  r.stop_reason = converged ? "tolerance" : "max-iter";
  r.rows = d.rows();
  r.unseen_parent_configurations = unseen;
  r.has_prior = has_prior;
  if (has_prior) {
    r.log_posterior = posterior.back();
    r.log_posterior_history = std::move(posterior);
  }
  if (unseen > 0) r.warnings.push_back(unseen_warning(unseen, options.prior));
  return r;
}

FitResult fit_linear_gaussian(const Model& model, BatchSource& source) {
  const LinearGaussianNetwork& lg = *model.linear_gaussian_network();
  const std::size_t n = lg.size();
  const std::vector<VariableId> column_var = read_header(model, source);
  if (column_var.size() < n) {
    for (VariableId v = 0; v < n; ++v)
      if (std::find(column_var.begin(), column_var.end(), v) == column_var.end())
        throw UnsupportedError(source.where(0, 0) + ": variable '" + lg.name_of(v) +
                               "' has no column; fitting a linear-Gaussian network needs complete data "
                               "(EM for continuous latent variables is not supported)");
  }
  std::vector<double> values;  // rows × n
  std::vector<std::string_view> cells;
  std::size_t line = 0, rows = 0;
  while (next_record(source, cells, line)) {
    ++rows;
    check_cell_count(source, rows, line, cells.size(), column_var.size());
    const std::size_t base = values.size();
    values.resize(base + n);
    for (std::size_t k = 0; k < cells.size(); ++k) {
      const VariableId v = column_var[k];
      if (cells[k].empty())
        throw UnsupportedError(source.where(rows, line) + ": variable '" + lg.name_of(v) +
                               "' is missing; fitting a linear-Gaussian network needs complete data");
      double x = 0.0;
      const char* first = cells[k].data();
      const char* last = first + cells[k].size();
      if (*first == '+') ++first;
      const auto res = std::from_chars(first, last, x);
      if (res.ec != std::errc() || res.ptr != last || !std::isfinite(x))
        throw QueryError(source.where(rows, line) + ": '" + std::string(cells[k]) + "' is not a finite number (variable '" +
                         lg.name_of(v) + "')");
      values[base + v] = x;
    }
  }
  std::vector<LinearGaussianCpd> cpds(n);
  double ll = 0.0;
  constexpr double kLog2Pi = 1.8378770664093454836;
  for (VariableId v = 0; v < n; ++v) {
    const auto parents = lg.parents(v);
    const std::size_t p = parents.size();
    if (rows < p + 1)
      throw QueryError("fitting '" + lg.name_of(v) + "' on " + std::to_string(p) + " parents needs at least " +
                       std::to_string(p + 1) + " rows, the data has " + std::to_string(rows));
    Eigen::MatrixXd a(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(p + 1));
    Eigen::VectorXd y(static_cast<Eigen::Index>(rows));
    for (std::size_t i = 0; i < rows; ++i) {
      const auto ii = static_cast<Eigen::Index>(i);
      a(ii, 0) = 1.0;
      for (std::size_t j = 0; j < p; ++j) a(ii, static_cast<Eigen::Index>(j + 1)) = values[i * n + parents[j]];
      y(ii) = values[i * n + v];
    }
    const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(a);
    if (qr.rank() < static_cast<Eigen::Index>(p + 1))
      throw QueryError("cannot fit '" + lg.name_of(v) + "': its parents' columns (with the intercept) are linearly "
                       "dependent in the data, so the least-squares weights are not unique");
    const Eigen::VectorXd w = qr.solve(y);
    const double variance = (y - a * w).squaredNorm() / static_cast<double>(rows);
    if (!(variance > 0.0))
      throw QueryError("cannot fit '" + lg.name_of(v) + "': its parents predict it exactly in the data (residual "
                       "variance 0), and a linear-Gaussian node needs a positive variance");
    LinearGaussianCpd& c = cpds[v];
    c.parents.assign(parents.begin(), parents.end());
    c.intercept = w(0);
    for (std::size_t j = 0; j < p; ++j) c.weights.push_back(w(static_cast<Eigen::Index>(j + 1)));
    c.variance = variance;
    ll += -0.5 * static_cast<double>(rows) * (kLog2Pi + std::log(variance) + 1.0);
  }
  FitResult r(Model(LinearGaussianNetwork(lg.name(), lg.names(), std::move(cpds))));
  r.log_likelihood = ll;
  r.history = {ll};
  r.stop_reason = "closed-form";
  r.rows = rows;
  return r;
}

}  // namespace

Prior parse_prior(std::string_view text) {
  Prior p;
  if (text == "none") return p;
  const auto colon = text.find(':');
  const std::string_view kind = text.substr(0, colon);
  if (colon == std::string_view::npos || (kind != "dirichlet" && kind != "bdeu"))
    throw QueryError("--prior '" + std::string(text) + "': expected none, dirichlet:A or bdeu:ESS");
  const std::string_view number = text.substr(colon + 1);
  double x = 0.0;
  const auto res = std::from_chars(number.data(), number.data() + number.size(), x);
  if (number.empty() || res.ec != std::errc() || res.ptr != number.data() + number.size() || !std::isfinite(x) ||
      !(x > 0.0))
    throw QueryError("--prior '" + std::string(text) + "': " + std::string(kind == "bdeu" ? "ESS" : "A") +
                     " must be a positive number");
  p.kind = kind == "bdeu" ? Prior::Kind::bdeu : Prior::Kind::dirichlet;
  p.value = x;
  return p;
}

FitResult fit(const Model& model, BatchSource& source, const FitOptions& options) {
  switch (model.kind()) {
    case ModelKind::bayesian_network: return fit_discrete(model, source, options);
    case ModelKind::linear_gaussian:
      if (options.em) throw UnsupportedError("EM (--em) is not supported for linear-Gaussian networks");
      if (options.prior.kind != Prior::Kind::none)
        throw UnsupportedError("priors are for discrete Bayesian networks; a linear-Gaussian network is fitted by least squares");
      return fit_linear_gaussian(model, source);
    case ModelKind::markov_network:
      throw UnsupportedError("fitting Markov networks is not supported (their parameters have no closed form; "
                             "iterative proportional fitting is not implemented): fit a Bayesian network");
    case ModelKind::gaussian:
      throw UnsupportedError("fitting a plain Gaussian model is not supported: fit a linear-Gaussian network");
  }
  throw UnsupportedError("fitting this kind of model is not supported");
}

std::string linear_gaussian_yaml(const LinearGaussianNetwork& lg) {
  auto quote = [](const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  auto number = [](double x) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, r.ptr);
  };
  std::string out = "name: " + quote(lg.name()) + "\ntype: linear-gaussian\nvariables: [";
  for (std::size_t v = 0; v < lg.size(); ++v) out += (v ? ", " : "") + quote(lg.name_of(v));
  out += "]\ncpds:\n";
  for (VariableId v = 0; v < lg.size(); ++v) {
    out += "  " + quote(lg.name_of(v)) + ": {";
    if (!lg.parents(v).empty()) {
      out += "parents: [";
      for (std::size_t j = 0; j < lg.parents(v).size(); ++j) out += (j ? ", " : "") + quote(lg.name_of(lg.parents(v)[j]));
      out += "], weights: [";
      for (std::size_t j = 0; j < lg.weights(v).size(); ++j) out += (j ? ", " : "") + number(lg.weights(v)[j]);
      out += "], ";
    }
    out += "intercept: " + number(lg.intercept(v)) + ", variance: " + number(lg.variance(v)) + "}\n";
  }
  return out;
}

LoglikResult loglik(const Model& model, BatchSource& source, bool skip_bad_rows, std::size_t threads) {
  BatchOptions options;
  options.mode = BatchMode::loglik;
  options.skip_bad_rows = skip_bad_rows;
  options.threads = threads;
  const BatchRunner runner(model, options);
  struct Sink final : BatchSink {
    LoglikResult* out;
    explicit Sink(LoglikResult* o) : out(o) {}
    void row(const BatchRow& row) override {
      out->rows.push_back(row.numbers[0]);
      out->row_numbers.push_back(row.row);
      out->total += row.numbers[0];
    }
    void skipped(const BatchRowError& error) override { out->skipped_messages.push_back(error.message); }
  };
  LoglikResult out;
  Sink sink(&out);
  const BatchSummary summary = runner.run(source, sink);
  out.skipped = summary.skipped;
  return out;
}

}  // namespace pgm::query
