// pgm's Python bindings (the extension pgm._pgm; python/pgm/__init__.py is the public face).
// Only conversion lives here: every answer comes from the library's query API (pgm::query).
//
// Rules at this boundary:
// - Python arguments are converted to C++ values first (TypeError/ValueError for wrong Python
//   types), then the GIL is released around the library call, so threads query in parallel.
// - Every C++ exception becomes a Python exception (pgm.* for pgm::Error, MemoryError, ...);
//   nothing can terminate the interpreter.
#include <pgm/core/error.hpp>
#include <pgm/query.hpp>
#include <pgm/query/batch.hpp>
#include <pgm/query/fit.hpp>  // [fit] issue 12
#include <pgm/query/citest.hpp>  // [citest] issue 12
#include <pgm/query/elbo.hpp>  // [elbo] issue 12
#include <pgm/gaussian/transform.hpp>  // issue 12
#include <pgm/render/render.hpp>  // issue 13: pictures

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>  // [citest] std::find
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <unordered_map>
#include <vector>

namespace py = pybind11;
using pgm::query::Evidence;
using pgm::query::Model;
using pgm::query::Query;
using pgm::query::Result;

namespace {

// ---- Exceptions ------------------------------------------------------------------------------

// The Python exception classes, created once at import (module-lifetime references).
struct Exceptions {
  PyObject* error = nullptr;
  PyObject* model = nullptr;
  PyObject* query = nullptr;
  PyObject* zero = nullptr;
  PyObject* unsupported = nullptr;
  PyObject* limit = nullptr;
  PyObject* numerical = nullptr;
};
Exceptions exc;

PyObject* new_exception(py::module_& m, const char* name, PyObject* base, const char* doc) {
  const std::string qualified = std::string("pgm.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base, nullptr);
  if (!type) throw py::error_already_set();
  m.add_object(name, py::handle(type));  // the module keeps a reference for its lifetime
  return type;
}

// Raises `type` with `what` and, for ModelError, the position attributes.
void raise(PyObject* type, const char* what, const pgm::SourceLocation* where = nullptr) {
  py::object instance = py::reinterpret_steal<py::object>(PyObject_CallFunction(type, "s", what));
  if (!instance) return;  // the constructor raised; that error stands
  if (where) {
    if (!where->file.empty()) instance.attr("file") = where->file;
    if (where->line > 0) instance.attr("line") = where->line;
    if (where->column > 0) instance.attr("column") = where->column;
  }
  PyErr_SetObject(type, instance.ptr());
}

void translate(std::exception_ptr p) {
  try {
    if (p) std::rethrow_exception(p);
  } catch (const pgm::ParseError& e) {
    raise(exc.model, e.what(), &e.where());
  } catch (const pgm::ModelError& e) {
    raise(exc.model, e.what());
  } catch (const pgm::IoError& e) {
    raise(exc.model, e.what());
  } catch (const pgm::ZeroProbabilityEvidence& e) {
    raise(exc.zero, e.what());
  } catch (const pgm::QueryError& e) {
    raise(exc.query, e.what());
  } catch (const pgm::UnsupportedError& e) {
    raise(exc.unsupported, e.what());
  } catch (const pgm::LimitError& e) {
    raise(exc.limit, e.what());
  } catch (const pgm::NumericalError& e) {
    raise(exc.numerical, e.what());
  } catch (const pgm::Error& e) {
    raise(exc.error, e.what());
  }
  // Anything else falls through to pybind11's translators (MemoryError, ValueError, RuntimeError).
}

// ---- Arguments -------------------------------------------------------------------------------

[[noreturn]] void type_error(const std::string& message) { throw py::type_error(message); }

std::string type_name(py::handle h) { return py::str(py::type::handle_of(h).attr("__name__")); }

bool is_real(py::handle h) {
  return !py::isinstance<py::bool_>(h) && (py::isinstance<py::float_>(h) || py::isinstance<py::int_>(h) ||
                                           PyObject_HasAttrString(h.ptr(), "__float__"));
}

// A name or a sequence of names (a str alone is one name, not its characters).
std::vector<std::string> names(py::handle h, const char* what, bool none_is_empty = false) {
  if (h.is_none()) {
    if (none_is_empty) return {};
    type_error(std::string(what) + " must be a variable name or a list of names, not None");
  }
  if (py::isinstance<py::str>(h)) return {h.cast<std::string>()};
  if (!py::isinstance<py::sequence>(h) && !py::isinstance<py::iterable>(h))
    type_error(std::string(what) + " must be a variable name or a list of names, not " + type_name(h));
  std::vector<std::string> out;
  for (py::handle item : py::iter(h)) {
    if (!py::isinstance<py::str>(item))
      type_error(std::string(what) + " must hold variable names (str), not " + type_name(item));
    out.push_back(item.cast<std::string>());
  }
  return out;
}

// {"Rain": "yes"} (discrete states) or {"X2": 3.0} (continuous values), validated by the library.
Evidence evidence(const Model& model, py::handle h, const char* what = "evidence") {
  if (h.is_none()) return {};
  if (!py::isinstance<py::dict>(h))
    type_error(std::string(what) + " must be a dict of variable name to state (or value), not " + type_name(h));
  const auto d = py::reinterpret_borrow<py::dict>(h);
  if (d.empty()) return {};
  std::vector<std::pair<std::string, std::string>> states;
  pgm::ContinuousEvidence values;
  for (auto [k, v] : d) {
    if (!py::isinstance<py::str>(k)) type_error(std::string(what) + " keys must be variable names (str), not " + type_name(k));
    if (py::isinstance<py::str>(v)) {
      states.emplace_back(k.cast<std::string>(), v.cast<std::string>());
    } else if (is_real(v)) {
      values.emplace_back(k.cast<std::string>(), py::float_(py::reinterpret_borrow<py::object>(v)).cast<double>());
    } else {
      type_error(std::string(what) + "['" + k.cast<std::string>() + "'] must be a state name (str) or a number, not " +
                 type_name(v));
    }
  }
  if (!states.empty() && !values.empty())
    type_error(std::string(what) + " mixes state names and numbers; give states (discrete) or values (continuous)");
  // Kept under the GIL: checking a few names costs less than handing the GIL to another thread
  // and back (each handoff is a futex wake-up and a context switch); inference releases it.
  return states.empty() ? Evidence::from_values(model, values) : Evidence::from_names(model, states);
}

// {"X1": 2.0, "X2": 0.0}: a full point for the Gaussian functions.
pgm::ContinuousEvidence point(py::handle h) {
  if (!py::isinstance<py::dict>(h)) type_error("the point must be a dict of variable name to value, not " + type_name(h));
  pgm::ContinuousEvidence out;
  for (auto [k, v] : py::reinterpret_borrow<py::dict>(h)) {
    if (!py::isinstance<py::str>(k)) type_error("point keys must be variable names (str), not " + type_name(k));
    if (!is_real(v)) type_error("point['" + k.cast<std::string>() + "'] must be a number, not " + type_name(v));
    out.emplace_back(k.cast<std::string>(), py::float_(py::reinterpret_borrow<py::object>(v)).cast<double>());
  }
  return out;
}

pgm::query::EngineOptions engine_options(py::handle max_memory) {
  pgm::query::EngineOptions options;
  if (max_memory.is_none()) return options;
  if (!py::isinstance<py::int_>(max_memory) || py::isinstance<py::bool_>(max_memory))
    type_error("max_memory must be a number of bytes (int), not " + type_name(max_memory));
  const auto bytes = max_memory.cast<py::int_>();
  if (bytes < py::int_(0)) throw py::value_error("max_memory must not be negative");
  // Beyond size_t: no limit in practice.
  options.max_memory_bytes = bytes > py::int_(std::numeric_limits<std::size_t>::max())
                                 ? std::numeric_limits<std::size_t>::max()
                                 : bytes.cast<std::size_t>();
  return options;
}

// ---- [batch] issue 11: m.batch(rows, ...) over query::BatchRunner.

// The answers collected in order, turned into numpy arrays once the GIL is held again.
struct BatchCollect final : pgm::query::BatchSink {
  std::size_t width = 0, targets = 0;
  std::vector<std::int64_t> rows;
  std::vector<double> numbers;
  std::vector<std::uint32_t> states;
  std::vector<std::string> skipped_rows;
  void row(const pgm::query::BatchRow& r) override {
    rows.push_back(static_cast<std::int64_t>(r.row));
    numbers.insert(numbers.end(), r.numbers.begin(), r.numbers.end());
    states.insert(states.end(), r.states.begin(), r.states.end());
  }
  void skipped(const pgm::query::BatchRowError& e) override { skipped_rows.push_back(e.message); }
};

// One row's cell: a state name (str; an int is its decimal text), or unobserved (None, NaN).
std::string batch_cell(py::handle v, std::size_t row, const std::string& key) {
  if (v.is_none()) return {};
  if (py::isinstance<py::str>(v)) return v.cast<std::string>();
  if (py::isinstance<py::int_>(v) && !py::isinstance<py::bool_>(v)) return py::str(v).cast<std::string>();
  if (py::isinstance<py::float_>(v) && std::isnan(v.cast<double>())) return {};
  type_error("rows[" + std::to_string(row - 1) + "]['" + key + "'] must be a state name (str) or None, not " +
             type_name(v));
}

// Rows (a sequence of dicts {variable: cell}) as a header and a dense table of cells ("" =
// missing): the columns are the keys met, in the order first met. `numbers`: cells may also be
// Python floats (linear-Gaussian data), written as their shortest round-trip text.
std::pair<std::vector<std::string>, std::vector<std::vector<std::string>>> rows_table(const Model& self, py::handle rows_in,
                                                                                       std::size_t first_row,
                                                                                       bool numbers);

py::dict batch(const Model& self, py::handle rows_in, py::handle targets, py::handle given, bool loglik, bool predict,
               py::handle threads, bool skip_bad_rows, py::handle max_memory, py::handle first_row) {
  if (loglik && predict) throw py::value_error("loglik and predict cannot be combined: choose one output");
  pgm::query::BatchOptions options;
  options.targets = names(targets, "targets", true);
  options.given = evidence(self, given, "given").as_given();
  options.mode = loglik ? pgm::query::BatchMode::loglik
                        : predict ? pgm::query::BatchMode::predict : pgm::query::BatchMode::posteriors;
  if (!threads.is_none()) {
    if (!py::isinstance<py::int_>(threads) || py::isinstance<py::bool_>(threads))
      type_error("threads must be an int, not " + type_name(threads));
    if (threads.cast<py::int_>() < py::int_(1)) throw py::value_error("threads must be at least 1");
    options.threads = threads.cast<std::size_t>();
  }
  options.skip_bad_rows = skip_bad_rows;
  options.engine = engine_options(max_memory);
  if (!py::isinstance<py::int_>(first_row) || py::isinstance<py::bool_>(first_row))
    type_error("first_row must be an int, not " + type_name(first_row));
  if (first_row.cast<py::int_>() < py::int_(1)) throw py::value_error("first_row must be at least 1");
  options.first_row = first_row.cast<std::size_t>();
  auto [header, table] = rows_table(self, rows_in, options.first_row, false);
  std::optional<pgm::query::BatchRunner> runner;
  runner.emplace(self, options);
  BatchCollect sink;
  pgm::query::BatchSummary summary;
  {
    py::gil_scoped_release release;
    pgm::query::TableSource source(std::move(header), std::move(table));
    summary = runner->run(source, sink);
  }
  const auto& columns = runner->columns();
  const std::size_t n = sink.rows.size();
  const std::size_t width = columns.size() - 1 - (predict ? runner->targets().size() : 0);
  py::dict out;
  py::array_t<std::int64_t> row_array(static_cast<py::ssize_t>(n));
  std::copy(sink.rows.begin(), sink.rows.end(), row_array.mutable_data());
  out[py::str(columns[0])] = row_array;
  std::size_t col = 1;
  if (predict) {
    const auto& ts = runner->targets();
    for (std::size_t t = 0; t < ts.size(); ++t, ++col) {
      std::vector<py::str> state_names;
      for (const auto& st : self.variables()[ts[t]].states) state_names.emplace_back(st);
      py::list cells(static_cast<py::ssize_t>(n));
      for (std::size_t r = 0; r < n; ++r)
        cells[static_cast<py::ssize_t>(r)] = state_names[sink.states[r * ts.size() + t]];
      py::array a = py::module_::import("numpy").attr("array")(cells, py::arg("dtype") = "object");
      out[py::str(columns[col])] = a;
    }
  }
  for (std::size_t j = 0; j < width; ++j, ++col) {
    py::array_t<double> a(static_cast<py::ssize_t>(n));
    double* d = a.mutable_data();
    for (std::size_t r = 0; r < n; ++r) d[r] = sink.numbers[r * width + j];
    out[py::str(columns[col])] = a;
  }
  if (skip_bad_rows && summary.skipped > 0) {
    std::string text = "skipped " + std::to_string(summary.skipped) + " of " + std::to_string(summary.rows) + " rows";
    for (std::size_t i = 0; i < sink.skipped_rows.size() && i < 5; ++i) text += "\n  " + sink.skipped_rows[i];
    if (sink.skipped_rows.size() > 5) text += "\n  ...";
    if (PyErr_WarnEx(PyExc_RuntimeWarning, text.c_str(), 1) != 0) throw py::error_already_set();
  }
  return out;
}
// ---- [batch] end

// A data cell: as batch_cell, and a finite float as its shortest round-trip text (repr).
std::string data_cell(py::handle v, std::size_t row, const std::string& key) {
  if (py::isinstance<py::float_>(v) && !std::isnan(v.cast<double>())) return py::repr(v).cast<std::string>();
  return batch_cell(v, row, key);
}

std::pair<std::vector<std::string>, std::vector<std::vector<std::string>>> rows_table(const Model& self, py::handle rows_in,
                                                                                       std::size_t first_row,
                                                                                       bool numbers) {
  // Rows: a sequence of dicts; the columns are the keys met, in the order first met.
  if (py::isinstance<py::str>(rows_in) || py::isinstance<py::dict>(rows_in) || !py::isinstance<py::sequence>(rows_in))
    type_error("rows must be a list of dicts {variable: state or None}, not " + type_name(rows_in));
  const auto seq = py::reinterpret_borrow<py::sequence>(rows_in);
  std::vector<std::string> header;
  std::unordered_map<std::string, std::size_t> column;
  std::vector<std::vector<std::pair<std::size_t, std::string>>> sparse;
  sparse.reserve(seq.size());
  for (std::size_t r = 0; r < seq.size(); ++r) {
    const py::object item = seq[r];
    if (!py::isinstance<py::dict>(item))
      type_error("rows[" + std::to_string(r) + "] must be a dict {variable: state or None}, not " + type_name(item));
    auto& cells = sparse.emplace_back();
    for (auto [k, v] : py::reinterpret_borrow<py::dict>(item)) {
      if (!py::isinstance<py::str>(k))
        type_error("rows[" + std::to_string(r) + "] keys must be variable names (str), not " + type_name(k));
      const std::string key = k.cast<std::string>();
      auto it = column.find(key);
      if (it == column.end()) {
        if (!self.find(key)) {
          std::string known;
          for (const auto& info : self.variables()) known += (known.empty() ? "'" : ", '") + info.name + "'";
          throw pgm::QueryError("row " + std::to_string(first_row + r) + ": unknown variable '" + key + "' (the model's are " +
                                known + ")");
        }
        it = column.emplace(key, header.size()).first;
        header.push_back(key);
      }
      std::string cell = numbers ? data_cell(v, r + 1, key) : batch_cell(v, r + 1, key);
      if (!cell.empty()) cells.emplace_back(it->second, std::move(cell));
    }
  }
  std::vector<std::vector<std::string>> table(sparse.size(), std::vector<std::string>(header.size()));
  for (std::size_t r = 0; r < sparse.size(); ++r)
    for (auto& [c, cell] : sparse[r]) table[r][c] = std::move(cell);
  return {std::move(header), std::move(table)};
}

// ---- [fit] issue 12: m.fit(data, ...) and m.loglik(data, ...) over query::fit / query::loglik.
// `data`: a CSV path (str or os.PathLike) or rows as m.batch takes them.
template <class F>
auto with_data_source(const Model& self, py::handle data, bool numbers, F&& f) {
  if (py::isinstance<py::str>(data) || py::hasattr(data, "__fspath__")) {
    const std::string path = py::module_::import("os").attr("fspath")(data).cast<std::string>();
    py::gil_scoped_release release;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw pgm::QueryError("cannot open data file '" + path + "' for reading");
    pgm::query::CsvSource source(in, path);
    return f(source);
  }
  auto [header, table] = rows_table(self, data, 1, numbers);
  py::gil_scoped_release release;
  pgm::query::TableSource source(std::move(header), std::move(table));
  return f(source);
}

std::size_t threads_arg(py::handle threads) {
  if (threads.is_none()) return 0;
  if (!py::isinstance<py::int_>(threads) || py::isinstance<py::bool_>(threads))
    type_error("threads must be an int, not " + type_name(threads));
  if (threads.cast<py::int_>() < py::int_(1)) throw py::value_error("threads must be at least 1");
  return threads.cast<std::size_t>();
}

py::list float_list(const std::vector<double>& xs) {
  py::list out;
  for (double x : xs) out.append(std::isfinite(x) ? py::object(py::float_(x)) : py::object(py::none()));
  return out;
}

py::tuple fit(const Model& self, py::handle data, py::handle prior, bool em, long long max_iter, double tol,
              py::handle threads, py::handle max_memory) {
  pgm::query::FitOptions options;
  if (!prior.is_none()) {
    if (!py::isinstance<py::str>(prior)) type_error("prior must be 'none', 'dirichlet:A' or 'bdeu:ESS', not " + type_name(prior));
    options.prior = pgm::query::parse_prior(prior.cast<std::string>());
  }
  options.em = em;
  if (max_iter < 0) throw py::value_error("max_iter must be at least 0");
  options.max_iter = static_cast<std::size_t>(max_iter);
  if (!(tol >= 0) || !std::isfinite(tol)) throw py::value_error("tol must be a finite number >= 0");
  options.tol = tol;
  options.threads = threads_arg(threads);
  options.engine = engine_options(max_memory);
  const bool numbers = self.kind() == pgm::query::ModelKind::linear_gaussian;
  pgm::query::FitResult r =
      with_data_source(self, data, numbers, [&](pgm::query::BatchSource& source) { return pgm::query::fit(self, source, options); });
  py::dict info;
  info["log_likelihood"] = std::isfinite(r.log_likelihood) ? py::object(py::float_(r.log_likelihood)) : py::object(py::none());
  info["history"] = float_list(r.history);
  info["iterations"] = r.iterations;
  info["converged"] = r.converged;
  info["stop_reason"] = r.stop_reason;
  if (r.has_prior) {
    info["log_posterior"] = std::isfinite(r.log_posterior) ? py::object(py::float_(r.log_posterior)) : py::object(py::none());
    info["log_posterior_history"] = float_list(r.log_posterior_history);
  }
  info["em"] = r.em;
  info["rows"] = r.rows;
  info["unseen_parent_configurations"] = r.unseen_parent_configurations;
  info["warnings"] = py::cast(r.warnings);
  return py::make_tuple(r.model, info);
}

py::dict loglik(const Model& self, py::handle data, bool skip_bad_rows, py::handle threads) {
  const std::size_t n_threads = threads_arg(threads);
  pgm::query::LoglikResult r = with_data_source(self, data, false, [&](pgm::query::BatchSource& source) {
    return pgm::query::loglik(self, source, skip_bad_rows, n_threads);
  });
  py::dict out;
  py::array_t<double> rows(static_cast<py::ssize_t>(r.rows.size()));
  std::copy(r.rows.begin(), r.rows.end(), rows.mutable_data());
  out["rows"] = rows;
  out["total"] = r.total;
  if (skip_bad_rows) {
    py::array_t<std::int64_t> numbers(static_cast<py::ssize_t>(r.row_numbers.size()));
    for (std::size_t i = 0; i < r.row_numbers.size(); ++i) numbers.mutable_data()[i] = static_cast<std::int64_t>(r.row_numbers[i]);
    out["row_numbers"] = numbers;
    out["skipped"] = r.skipped;
  }
  return out;
}
// ---- [fit] end
// ---- issue 11, soft evidence: {"X": [0.8, 0.2]} (soft_evidence=) or {"X": [0.3, 0.7]} (jeffrey=),
// the numbers checked by the library (Evidence::with_soft, jeffrey_evidence).
pgm::query::SoftAssignments likelihoods(py::handle h, const char* what) {
  pgm::query::SoftAssignments out;
  if (h.is_none()) return out;
  if (!py::isinstance<py::dict>(h))
    type_error(std::string(what) + " must be a dict of variable name to a list of numbers (one per state), not " +
               type_name(h));
  for (auto [k, v] : py::reinterpret_borrow<py::dict>(h)) {
    if (!py::isinstance<py::str>(k)) type_error(std::string(what) + " keys must be variable names (str), not " + type_name(k));
    const std::string name = k.cast<std::string>();
    if (py::isinstance<py::str>(v) || (!py::isinstance<py::sequence>(v) && !py::isinstance<py::iterable>(v)))
      type_error(std::string(what) + "['" + name + "'] must be a list of numbers (one per state), not " + type_name(v));
    std::vector<double> xs;
    for (py::handle x : py::iter(v)) {
      if (!is_real(x))
        type_error(std::string(what) + "['" + name + "'] must hold numbers, not " + type_name(x));
      xs.push_back(py::float_(py::reinterpret_borrow<py::object>(x)).cast<double>());
    }
    out.emplace_back(name, std::move(xs));
  }
  return out;
}

// The evidence with soft evidence and Jeffrey targets applied (each may be None).
Evidence full_evidence(const Model& model, py::handle ev, py::handle soft, py::handle jeffrey = py::none(),
                       py::handle max_memory = py::none()) {
  Evidence e = evidence(model, ev);
  const auto s = likelihoods(soft, "soft_evidence");
  const auto j = likelihoods(jeffrey, "jeffrey");
  if (!s.empty()) e = e.with_soft(model, s);
  if (!j.empty()) {
    const auto options = engine_options(max_memory);
    py::gil_scoped_release release;
    e = pgm::query::jeffrey_evidence(model, e, j, options.max_memory_bytes);
  }
  return e;
}

Result answer(const Model& model, Query query, py::handle max_memory) {
  const auto options = engine_options(max_memory);
  py::gil_scoped_release release;
  return model.answer(query, options);
}

// ---- issue 11: method='lbp' with its options (the library refuses a bad tolerance or damping).
// ---- issue 11: method='lw'|'gibbs' with samples, burn_in (None: the default), seed.
struct SamplingArgs {
  long long samples = 10000;
  py::object burn_in = py::none();
  py::object seed = py::int_(0);
};

pgm::SamplingOptions sampling_options(const SamplingArgs& a) {
  pgm::SamplingOptions o;
  if (a.samples < 1 || static_cast<unsigned long long>(a.samples) > pgm::kMaxSamples)
    throw py::value_error("samples must be from 1 to " + std::to_string(pgm::kMaxSamples) + ", got " +
                          std::to_string(a.samples));
  o.samples = static_cast<std::size_t>(a.samples);
  if (!a.burn_in.is_none()) {
    if (!py::isinstance<py::int_>(a.burn_in) || py::isinstance<py::bool_>(a.burn_in))
      type_error("burn_in must be an int or None, not " + type_name(a.burn_in));
    const auto b = a.burn_in.cast<py::int_>();
    if (b < py::int_(0) || b > py::int_(pgm::kMaxSamples))
      throw py::value_error("burn_in must be from 0 to " + std::to_string(pgm::kMaxSamples) + ", got " +
                            py::str(py::handle(b)).cast<std::string>());
    o.burn_in = b.cast<std::size_t>();
  }
  if (!py::isinstance<py::int_>(a.seed) || py::isinstance<py::bool_>(a.seed))
    type_error("seed must be an int, not " + type_name(a.seed));
  const auto seed = a.seed.cast<py::int_>();
  if (seed < py::int_(0) || seed > py::int_(std::numeric_limits<std::uint64_t>::max()))
    throw py::value_error("seed must be an unsigned 64-bit integer (0 to 2**64 - 1), got " + py::str(py::handle(seed)).cast<std::string>());
  o.seed = seed.cast<std::uint64_t>();
  return o;
}

Result answer_lbp(const Model& model, Query query, py::handle max_memory, long long max_iterations, double tolerance,
                  double damping, const SamplingArgs& sampling = {}) {
  auto options = engine_options(max_memory);
  if (max_iterations < 1) throw py::value_error("max_iterations must be at least 1, got " + std::to_string(max_iterations));
  options.lbp = {static_cast<std::size_t>(max_iterations), tolerance, damping};
  options.sampling = sampling_options(sampling);
  py::gil_scoped_release release;
  return model.answer(query, options);
}

// ---- [elbo] issue 12: m.elbo(...) over query::mean_field_elbo / query::latent_elbo.
py::object optional_float(const std::optional<double>& x) { return x ? py::object(py::float_(*x)) : py::object(py::none()); }

pgm::ContinuousEvidence optional_values(py::handle h, const char* what) {
  if (h.is_none()) return {};
  if (!py::isinstance<py::dict>(h)) type_error(std::string(what) + " must be a dict of latent variable name to number, not " + type_name(h));
  pgm::ContinuousEvidence out;
  for (auto [k, v] : py::reinterpret_borrow<py::dict>(h)) {
    if (!py::isinstance<py::str>(k)) type_error(std::string(what) + " keys must be variable names (str), not " + type_name(k));
    if (!is_real(v)) type_error(std::string(what) + "['" + k.cast<std::string>() + "'] must be a number, not " + type_name(v));
    const double x = py::float_(py::reinterpret_borrow<py::object>(v)).cast<double>();
    if (!std::isfinite(x)) throw py::value_error(std::string(what) + "['" + k.cast<std::string>() + "'] must be finite");
    out.emplace_back(k.cast<std::string>(), x);
  }
  return out;
}

py::dict elbo(const Model& self, py::handle evidence_in, py::handle point_in, py::handle q_mean, py::handle q_logvar,
              std::size_t max_iter, double tol, std::uint64_t seed, py::handle max_memory) {
  py::dict out;
  if (!self.discrete()) {
    if (!evidence_in.is_none()) type_error("a latent linear-Gaussian model takes its observation as point=, not evidence=");
    if (point_in.is_none()) type_error("a linear-Gaussian latent model needs point={observed variable: value}");
    const pgm::ContinuousEvidence x = point(point_in);
    for (const auto& [name, value] : x)
      if (!std::isfinite(value)) throw py::value_error("point['" + name + "'] must be finite");
    const pgm::ContinuousEvidence mean = optional_values(q_mean, "q_mean");
    const pgm::ContinuousEvidence logvar = optional_values(q_logvar, "q_logvar");
    pgm::query::LatentElbo r;
    {
      py::gil_scoped_release release;
      r = pgm::query::latent_elbo(self, x, mean, logvar);
    }
    out["elbo"] = r.elbo;
    out["reconstruction"] = r.reconstruction;
    out["kl"] = r.kl;
    out["log_marginal_likelihood"] = r.log_marginal_likelihood;
    out["gap"] = r.gap;
    py::dict pm;
    for (std::size_t i = 0; i < r.latent.size(); ++i) pm[py::str(r.latent[i])] = r.posterior_mean[i];
    py::dict post;
    post["mean"] = pm;
    post["covariance"] = py::cast(r.posterior_covariance);
    out["posterior"] = post;
    return out;
  }
  if (!point_in.is_none() || !q_mean.is_none() || !q_logvar.is_none())
    type_error("point=, q_mean= and q_logvar= are for linear-Gaussian latent models; give evidence= for a discrete one");
  if (!(tol >= 0.0) || !std::isfinite(tol)) throw py::value_error("tol must be a finite number >= 0");
  const Evidence e = evidence(self, evidence_in);
  const auto options = engine_options(max_memory);
  pgm::MeanFieldOptions mf;
  mf.max_iterations = max_iter;
  mf.tolerance = tol;
  mf.seed = seed;
  pgm::query::MeanFieldElbo r;
  {
    py::gil_scoped_release release;
    r = pgm::query::mean_field_elbo(self, e, mf, options.max_memory_bytes);
  }
  out["elbo"] = r.elbo;
  out["history"] = py::cast(r.history);
  out["iterations"] = r.iterations;
  out["converged"] = r.converged;
  py::dict q;
  for (const auto& [name, dist] : r.q) {
    py::dict d;
    for (const auto& [state, p] : dist) d[py::str(state)] = p;
    q[py::str(name)] = d;
  }
  out["q"] = q;
  out["log_probability_of_evidence"] = optional_float(r.log_probability_of_evidence);
  out["gap"] = optional_float(r.gap);
  return out;
}
// ---- [elbo] end

// ---- Results ---------------------------------------------------------------------------------

// Discrete variables have state names; continuous ones have none.
bool continuous(const Result& r) {
  for (const auto& st : r.states)
    if (!st.empty()) return false;
  return true;
}

py::dict marginals_dict(const Result& r) {
  py::dict out;
  if (!continuous(r)) {
    for (std::size_t i = 0; i < r.variables.size() && i < r.marginals.size(); ++i) {
      py::dict states;
      for (std::size_t s = 0; s < r.states[i].size() && s < r.marginals[i].size(); ++s)
        states[py::str(r.states[i][s])] = r.marginals[i][s];
      out[py::str(r.variables[i])] = states;
    }
    return out;
  }
  // A continuous model: each variable's posterior mean and variance.
  for (std::size_t i = 0; i < r.variables.size(); ++i) {
    const auto k = static_cast<Eigen::Index>(i);
    py::dict moments;
    moments["mean"] = k < r.mean.size() ? r.mean(k) : std::nan("");
    moments["variance"] = k < r.covariance.rows() && k < r.covariance.cols() ? r.covariance(k, k) : std::nan("");
    out[py::str(r.variables[i])] = moments;
  }
  return out;
}

py::array_t<double> joint_array(const Result& r) {
  std::vector<py::ssize_t> shape(r.joint_shape.begin(), r.joint_shape.end());
  py::array_t<double> a(shape);
  if (static_cast<std::size_t>(a.size()) != r.joint.size())
    throw pgm::Error("internal: the joint table has " + std::to_string(r.joint.size()) + " entries for its shape");
  std::copy(r.joint.begin(), r.joint.end(), a.mutable_data());
  return a;
}

std::string shape_name(Query::Shape s) {
  switch (s) {
    case Query::Shape::marginals: return "marginals";
    case Query::Shape::joint: return "joint";
    case Query::Shape::conditional: return "conditional";
  }
  return "?";
}

std::string py_repr(const std::string& s) { return py::repr(py::str(s)); }

std::string list_repr(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + py_repr(v[i]);
  return out + "]";
}

std::string model_repr(const Model& m) {
  std::ostringstream os;
  os << "<pgm.Model " << py_repr(m.name()) << " " << pgm::query::to_string(m.kind()) << ", " << m.size()
     << (m.size() == 1 ? " variable>" : " variables>");
  return os.str();
}

// The continuous model functions need the joint Gaussian; so do .mean/.covariance.
const pgm::Gaussian& joint_gaussian(const Model& m) { return m.joint_gaussian(); }

// ---- [citest] issue 12: pgm.citest(data, x, y, given, test, alpha) over query::citest.
// A cell as the library reads it: None and NaN are missing (""), str as is, anything else by str()
// (a Python float's str is its shortest round-trip form, so numbers keep every bit).
std::string citest_cell(py::handle v) {
  if (v.is_none()) return {};
  if (py::isinstance<py::str>(v)) return v.cast<std::string>();
  if (is_real(v) && !py::isinstance<py::int_>(v)) {
    const double d = py::float_(py::reinterpret_borrow<py::object>(v)).cast<double>();
    if (std::isnan(d)) return {};
  }
  return py::str(v).cast<std::string>();
}

py::dict citest(py::handle data, const std::string& x, const std::string& y, py::handle given, const std::string& test,
                double alpha) {
  pgm::query::CiTestOptions options;
  options.x = x;
  options.y = y;
  if (py::isinstance<py::str>(given)) {
    // "C,D" as on the command line, or one name.
    const std::string text = given.cast<std::string>();
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = text.find(',', start);
      options.given.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } else {
    options.given = names(given, "given", true);
  }
  options.test = pgm::query::parse_ci_test_kind(test);
  options.alpha = alpha;
  std::vector<std::string> wanted{x, y};
  wanted.insert(wanted.end(), options.given.begin(), options.given.end());

  pgm::query::DataTable table;
  py::object os = py::module_::import("os");
  if (py::isinstance<py::str>(data) || py::hasattr(data, "__fspath__")) {
    const std::string path = os.attr("fspath")(data).cast<std::string>();
    py::gil_scoped_release release;
    table = pgm::query::read_data_table(path);
  } else if (py::isinstance<py::dict>(data)) {
    // {name: column}: only the tested columns are converted; all names are kept for messages.
    table.source = "data";
    for (auto [k, v] : py::reinterpret_borrow<py::dict>(data)) {
      if (!py::isinstance<py::str>(k)) type_error("data's keys must be column names (str), not " + type_name(k));
      table.names.push_back(k.cast<std::string>());
      table.columns.emplace_back();
      if (std::find(wanted.begin(), wanted.end(), table.names.back()) == wanted.end()) continue;
      if (py::isinstance<py::str>(v) || !py::isinstance<py::iterable>(v))
        type_error("data['" + table.names.back() + "'] must be a list or array of cells, not " + type_name(v));
      for (py::handle c : py::iter(v)) table.columns.back().push_back(citest_cell(c));
    }
    std::size_t rows = std::string::npos;
    for (std::size_t j = 0; j < table.names.size(); ++j) {
      if (std::find(wanted.begin(), wanted.end(), table.names[j]) == wanted.end()) continue;
      if (rows == std::string::npos) rows = table.columns[j].size();
      if (table.columns[j].size() != rows)
        throw py::value_error("data's columns differ in length: '" + table.names[j] + "' has " +
                              std::to_string(table.columns[j].size()) + " cells, another " + std::to_string(rows));
    }
  } else if (py::isinstance<py::sequence>(data)) {
    // [{name: cell}, ...]: a missing key is a missing cell.
    table.source = "data";
    table.names = wanted;
    table.columns.resize(wanted.size());
    for (py::handle row : data) {
      if (!py::isinstance<py::dict>(row)) type_error("data's rows must be dicts of column name to cell, not " + type_name(row));
      const auto d = py::reinterpret_borrow<py::dict>(row);
      for (std::size_t j = 0; j < wanted.size(); ++j) {
        table.columns[j].push_back(d.contains(wanted[j]) ? citest_cell(d[py::str(wanted[j])]) : std::string());
      }
    }
  } else {
    type_error("data must be a CSV path, a dict of columns or a list of row dicts, not " + type_name(data));
  }
  pgm::CiTestResult r;
  {
    py::gil_scoped_release release;
    r = pgm::query::citest(table, options);
  }
  py::dict out;
  out["test"] = pgm::ci_test_name(r.kind);
  out["statistic"] = r.statistic;
  out["dof"] = r.dof;
  out["p_value"] = r.p_value;
  out["alpha"] = r.alpha;
  out["independent"] = r.independent;
  out["n"] = r.n;
  return out;
}
// ---- [citest] end

}  // namespace

PYBIND11_MODULE(_pgm, m) {
  m.doc() = "pgm: exact inference in graphical models (compiled part; import pgm instead)";
#ifdef PGM_VERSION
  m.attr("__version__") = PGM_VERSION;
#endif

  // pgm.Error and its children mirror pgm::Error's; str(e) is the command line's message.
  exc.error = new_exception(m, "Error", PyExc_Exception, "Base class of every pgm error.");
  exc.model = new_exception(m, "ModelError", exc.error,
                            "A model that cannot be read or is invalid (syntax, shapes, CPT sums, cycles, a missing "
                            "file). .file, .line and .column give the position where known, else None.");
  for (const char* attr : {"file", "line", "column"}) PyObject_SetAttrString(exc.model, attr, Py_None);
  exc.query = new_exception(m, "QueryError", exc.error,
                            "A query the model cannot answer: unknown variable or state, overlapping sets, ...");
  exc.zero = new_exception(m, "ZeroProbabilityEvidence", exc.query, "The evidence has probability zero.");
  exc.unsupported = new_exception(m, "UnsupportedError", exc.error,
                                  "An operation the model cannot do (e.g. forward sampling a Markov network).");
  exc.limit = new_exception(m, "LimitError", exc.error, "Refused: the computation would exceed a size or memory limit.");
  exc.numerical = new_exception(m, "NumericalError", exc.error,
                                "A numerical failure: not positive definite, not finite, ...");
  py::register_exception_translator(&translate);

  py::class_<pgm::query::IndependenceResult>(m, "Independence", "The answer to X ⊥ Y | Z.")
      .def_readonly("independent", &pgm::query::IndependenceResult::independent)
      .def_readonly("trail", &pgm::query::IndependenceResult::trail,
                    "An active trail from X to Y by name when dependent (graph models), else None.")
      .def_readonly("method", &pgm::query::IndependenceResult::method)
      .def("__bool__", [](const pgm::query::IndependenceResult& r) { return r.independent; })
      .def("__repr__", [](const pgm::query::IndependenceResult& r) {
        std::string s = std::string("<pgm.Independence ") + (r.independent ? "independent" : "dependent");
        if (r.trail) s += " trail=" + list_repr(*r.trail);
        return s + " (" + r.method + ")>";
      });

  // ---- [mpe] most probable explanations (issue 11)
  py::class_<pgm::query::Explanation>(m, "Explanation",
                                      "A most probable explanation (Model.mpe) or MAP assignment (Model.map).")
      .def_property_readonly(
          "assignment",
          [](const pgm::query::Explanation& x) {
            py::dict d;
            for (const auto& [name, state] : x.assignment) d[py::str(name)] = state;
            return d;
          },
          "{variable: state}: every variable for mpe (observed ones included), the targets for map.")
      .def_readonly("probability", &pgm::query::Explanation::probability,
                    "mpe: the joint probability of the assignment (Markov networks: normalised by Z); map: P(x, e).")
      .def_readonly("log_probability", &pgm::query::Explanation::log_probability)
      .def_readonly("posterior_probability", &pgm::query::Explanation::posterior_probability,
                    "map: P(x | e); None for mpe.")
      .def_property_readonly(
          "evidence",
          [](const pgm::query::Explanation& x) {
            py::dict d;
            for (const auto& [name, state] : x.evidence) d[py::str(name)] = state;
            return d;
          })
      .def("__repr__", [](const pgm::query::Explanation& x) {
        std::string s = "<pgm.Explanation";
        for (const auto& [name, state] : x.assignment) s += " " + name + "=" + state;
        return s + " p=" + std::to_string(x.probability) + ">";
      });
  // ---- [mpe] end

  py::class_<Result>(m, "Result", "A named answer: variables, states, numbers, P(e), the engine used.")
      .def_property_readonly("shape", [](const Result& r) { return shape_name(r.shape); })
      .def_readonly("variables", &Result::variables)
      .def_readonly("states", &Result::states)
      .def_property_readonly(
          "values",
          [](const Result& r) -> py::object {
            if (r.shape == Query::Shape::joint) return joint_array(r);
            return marginals_dict(r);
          },
          "joint: a numpy array shaped by the cardinalities, first variable on axis 0; marginals: a dict")
      .def_property_readonly("marginals", &marginals_dict)
      // Gibbs sampling estimates no P(e): None there.
      .def_property_readonly("probability_of_evidence", [](const Result& r) -> py::object {
        if (r.sampling && !r.sampling->probability_of_evidence_estimated) return py::none();
        return py::float_(r.probability_of_evidence);
      })
      .def_property_readonly("log_probability_of_evidence", [](const Result& r) -> py::object {
        if (r.sampling && !r.sampling->probability_of_evidence_estimated) return py::none();
        return py::float_(r.log_probability_of_evidence);
      })
      .def_readonly("method", &Result::method)
      .def_property_readonly("mean", [](const Result& r) -> py::object {
        return continuous(r) ? py::cast(r.mean) : py::none();
      }, "Continuous models: the posterior mean (numpy) of .variables; None for discrete ones.")
      .def_property_readonly("covariance", [](const Result& r) -> py::object {
        return continuous(r) ? py::cast(r.covariance) : py::none();
      }, "Continuous models: the posterior covariance (numpy) of .variables; None for discrete ones.")
      .def_readonly("warnings", &Result::warnings)
      // ---- issue 11: how an approximate engine ("lbp") ended; None for the exact engines.
      .def_property_readonly("approximate", [](const Result& r) -> py::object {
        if (!r.approximate) return py::none();
        py::dict out;
        out["iterations"] = r.approximate->iterations;
        out["converged"] = r.approximate->converged;
        out["max_change"] = r.approximate->max_change;
        return out;
      }, "method='lbp': {'iterations': k, 'converged': bool, 'max_change': x}; None for exact engines.")
      // ---- issue 11: what a sampler ("lw", "gibbs") adds; None for the other engines.
      .def_property_readonly("standard_errors", [](const Result& r) -> py::object {
        if (!r.sampling) return py::none();
        py::dict out;
        for (std::size_t i = 0; i < r.variables.size() && i < r.sampling->standard_errors.size(); ++i) {
          py::dict states;
          for (std::size_t s = 0; s < r.states[i].size() && s < r.sampling->standard_errors[i].size(); ++s) {
            const double se = r.sampling->standard_errors[i][s];
            states[py::str(r.states[i][s])] = std::isfinite(se) ? py::object(py::float_(se)) : py::none();
          }
          out[py::str(r.variables[i])] = states;
        }
        return out;
      }, "method='lw'|'gibbs': {variable: {state: standard error}} (None for gibbs with one sample); else None.")
      .def_property_readonly("samples", [](const Result& r) -> py::object {
        return r.sampling ? py::object(py::int_(r.sampling->samples)) : py::none();
      }, "method='lw'|'gibbs': the samples the estimates use (after burn-in); else None.")
      .def_property_readonly("burn_in", [](const Result& r) -> py::object {
        return r.sampling && r.method == "gibbs" ? py::object(py::int_(r.sampling->burn_in)) : py::none();
      }, "method='gibbs': the sweeps discarded first; else None.")
      .def_property_readonly("seed", [](const Result& r) -> py::object {
        return r.sampling ? py::object(py::int_(r.sampling->seed)) : py::none();
      }, "method='lw'|'gibbs': the seed of the run; else None.")
      .def_property_readonly("effective_sample_size", [](const Result& r) -> py::object {
        if (!r.sampling || !r.sampling->effective_sample_size) return py::none();
        return py::float_(*r.sampling->effective_sample_size);
      }, "method='lw': (sum w)^2 / sum w^2; None otherwise (gibbs included).")
      .def_property_readonly("probability_of_evidence_standard_error", [](const Result& r) -> py::object {
        if (!r.sampling || !r.sampling->probability_of_evidence_standard_error) return py::none();
        return py::float_(*r.sampling->probability_of_evidence_standard_error);
      }, "method='lw': the standard error of the P(e) estimate; None otherwise.")
      .def("__repr__", [](const Result& r) {
        std::ostringstream os;
        os << "<pgm.Result " << shape_name(r.shape) << " " << list_repr(r.variables);
        if (r.shape == Query::Shape::conditional) os << " given " << py_repr(r.given_variable);
        os << " P(e)=" << r.probability_of_evidence << " method=" << r.method << ">";
        return os.str();
      });

  py::class_<Model>(m, "Model",
                    "Any loaded model: Bayesian or Markov network, Gaussian, linear-Gaussian. Copies share one "
                    "immutable state; every query is thread-safe and releases the GIL.")
      .def_property_readonly("name", &Model::name)
      .def_property_readonly("kind", [](const Model& self) { return std::string(pgm::query::to_string(self.kind())); })
      .def_property_readonly("discrete", &Model::discrete)
      .def_property_readonly(
          "variables",
          [](const Model& self) -> py::object {
            if (!self.discrete()) {
              py::list out;
              for (const auto& v : self.variables()) out.append(v.name);
              return out;
            }
            py::dict out;  // insertion order = declared order
            for (const auto& v : self.variables()) out[py::str(v.name)] = py::cast(v.states);
            return out;
          },
          "Discrete: {name: [states]} in declared order. Continuous: [names] in declared order.")
      .def("__len__", &Model::size)
      .def("__repr__", &model_repr)
      // ---- issue 13, render: the picture (pgm::render::render); str for svg/dot, bytes for png/pdf.
      .def(
          "render",
          [](const Model& self, py::handle ev, py::handle soft, const std::string& format, py::handle max_memory,
             bool bars) -> py::object {
            pgm::render::Options o;
            o.format = pgm::render::parse_format(format);
            o.max_memory_bytes = engine_options(max_memory).max_memory_bytes;
            o.bars = bars;
            const Evidence e = full_evidence(self, ev, soft);
            std::string out;
            {
              py::gil_scoped_release release;
              out = pgm::render::render(self, e, o);
            }
            if (o.format == pgm::render::Format::png || o.format == pgm::render::Format::pdf) return py::bytes(out);
            return py::str(out);
          },
          py::arg("evidence") = py::none(), py::arg("soft_evidence") = py::none(), py::arg("format") = "svg",
          py::arg("max_memory") = py::none(), py::arg("bars") = true,
          "The network drawn by Graphviz with each variable's posterior given the evidence (docs/render.md). "
          "format: 'svg' or 'dot' (str), 'png' or 'pdf' (bytes). State bars are left out of models with more "
          "than 200 variables, and with bars=False.")
      .def(
          "_repr_svg_",
          [](const Model& self) -> py::object {
            // Jupyter's picture of the model: its prior marginals; names only if inference is refused;
            // None (Jupyter then shows the text repr) for models too large to lay out.
            if (self.size() > pgm::render::kDefaultMaxVariables) return py::none();
            std::string svg;
            {
              py::gil_scoped_release release;
              try {
                svg = pgm::render::render(self, {});
              } catch (const pgm::LimitError&) {
                pgm::render::Options o;
                o.bars = false;
                svg = pgm::render::render(self, {}, o);
              }
            }
            return py::str(svg);
          },
          "The SVG picture of the model (pgm.Model.render()), which Jupyter displays.")
      .def(
          "answer",
          [](const Model& self, py::handle targets, const std::string& shape, py::handle given, py::handle ev,
             const std::string& method, py::handle max_memory, long long max_iterations, double tolerance,
             double damping, long long samples, py::object burn_in, py::object seed, py::handle soft,
             py::handle jeffrey) {
            Query q;
            q.targets = names(targets, "targets", true);
            if (shape == "marginals") q.shape = Query::Shape::marginals;
            else if (shape == "joint") q.shape = Query::Shape::joint;
            else if (shape == "conditional") q.shape = Query::Shape::conditional;
            else throw py::value_error("shape must be 'marginals', 'joint' or 'conditional', not '" + shape + "'");
            if (!given.is_none()) {
              if (!py::isinstance<py::str>(given)) type_error("given must be a variable name (str), not " + type_name(given));
              q.given_variable = given.cast<std::string>();
            }
            q.evidence = full_evidence(self, ev, soft, jeffrey, max_memory);
            q.method = method;
            return answer_lbp(self, std::move(q), max_memory, max_iterations, tolerance, damping,
                              {samples, std::move(burn_in), std::move(seed)});
          },
          py::arg("targets") = py::none(), py::arg("shape") = "marginals", py::arg("given") = py::none(),
          py::arg("evidence") = py::none(), py::arg("method") = "auto", py::arg("max_memory") = py::none(),
          py::arg("max_iterations") = 1000, py::arg("tolerance") = 1e-9, py::arg("damping") = 0.0,
          py::arg("samples") = 10000, py::arg("burn_in") = py::none(), py::arg("seed") = 0,
          py::arg("soft_evidence") = py::none(), py::arg("jeffrey") = py::none(),
          "The whole Result of a query (see marginals/joint/conditional for the plain shapes). "
          "max_iterations, tolerance, damping: method='lbp' only. samples, seed: method='lw' or 'gibbs'; burn_in "
          "(None: max(1000, samples // 10)): 'gibbs'. soft_evidence={'X': [0.8, 0.2]}: a likelihood "
          "per state (the posterior is proportional to P(x, evidence) times them; P(e) is their weighted sum). "
          "jeffrey={'X': [0.3, 0.7]}: fix X's posterior marginal (Jeffrey's rule; P(e) unchanged).")
      .def(
          "marginals",
          [](const Model& self, py::handle ev, const std::string& method, py::handle max_memory,
             long long max_iterations, double tolerance, double damping, long long samples, py::object burn_in,
             py::object seed, py::handle soft, py::handle jeffrey) {
            Query q;
            q.evidence = full_evidence(self, ev, soft, jeffrey, max_memory);
            q.method = method;
            return marginals_dict(answer_lbp(self, std::move(q), max_memory, max_iterations, tolerance, damping,
                                             {samples, std::move(burn_in), std::move(seed)}));
          },
          py::arg("evidence") = py::none(), py::arg("method") = "auto", py::arg("max_memory") = py::none(),
          py::arg("max_iterations") = 1000, py::arg("tolerance") = 1e-9, py::arg("damping") = 0.0,
          py::arg("samples") = 10000, py::arg("burn_in") = py::none(), py::arg("seed") = 0,
          py::arg("soft_evidence") = py::none(), py::arg("jeffrey") = py::none(),
          "{variable: {state: P(state | evidence)}} for every variable (continuous models: {variable: "
          "{'mean': m, 'variance': v}} for every unobserved one). method: 'jt', 've', 'lbp' (loopy belief "
          "propagation, approximate; answer() gives its iteration info; max_iterations, tolerance, "
          "damping apply to it only), 'lw' or 'gibbs' (sampling; answer() gives the standard errors; samples, "
          "burn_in, seed apply to them only) or 'auto'.")
      .def(
          "query",
          [](const Model& self, py::handle targets, py::handle ev, const std::string& method, py::handle max_memory,
             py::handle soft, py::handle jeffrey) {
            Query q;
            q.targets = names(targets, "targets");
            q.evidence = full_evidence(self, ev, soft, jeffrey, max_memory);
            q.method = method;
            return marginals_dict(answer(self, std::move(q), max_memory));
          },
          py::arg("targets"), py::arg("evidence") = py::none(), py::arg("method") = "auto",
          py::arg("max_memory") = py::none(), py::arg("soft_evidence") = py::none(), py::arg("jeffrey") = py::none(),
          "The targets' posterior marginals, in the order given (as marginals()).")
      .def(
          "joint",
          [](const Model& self, py::handle targets, py::handle ev, const std::string& method, py::handle max_memory,
             py::handle soft, py::handle jeffrey) {
            Query q;
            q.targets = names(targets, "targets");
            q.shape = Query::Shape::joint;
            q.evidence = full_evidence(self, ev, soft, jeffrey, max_memory);
            q.method = method;
            return answer(self, std::move(q), max_memory);
          },
          py::arg("targets"), py::arg("evidence") = py::none(), py::arg("method") = "auto",
          py::arg("max_memory") = py::none(), py::arg("soft_evidence") = py::none(), py::arg("jeffrey") = py::none(),
          "The joint posterior of the targets: a Result with .variables, .states, .values (numpy, first variable "
          "on axis 0), .probability_of_evidence, .log_probability_of_evidence.")
      .def(
          "conditional",
          [](const Model& self, const std::string& x, const std::string& given, py::handle ev, const std::string& method,
             py::handle max_memory, py::handle soft, py::handle jeffrey) {
            Query q;
            q.targets = {x};
            q.shape = Query::Shape::conditional;
            q.given_variable = given;
            q.evidence = full_evidence(self, ev, soft, jeffrey, max_memory);
            q.method = method;
            const Result r = answer(self, std::move(q), max_memory);
            py::dict out;
            const std::vector<std::string> no_states;
            const auto& x_states = r.states.empty() ? no_states : r.states.front();
            for (std::size_t j = 0; j < r.given_states.size() && j < r.conditional.size(); ++j) {
              if (!r.conditional[j]) {
                out[py::str(r.given_states[j])] = py::none();
                continue;
              }
              py::dict row;
              for (std::size_t s = 0; s < x_states.size() && s < r.conditional[j]->size(); ++s)
                row[py::str(x_states[s])] = (*r.conditional[j])[s];
              out[py::str(r.given_states[j])] = row;
            }
            return out;
          },
          py::arg("x"), py::arg("given"), py::arg("evidence") = py::none(), py::arg("method") = "auto",
          py::arg("max_memory") = py::none(), py::arg("soft_evidence") = py::none(), py::arg("jeffrey") = py::none(),
          "{y: {x: P(x | y, evidence)} or None when P(y | evidence) = 0} for every state y of `given`.")
      // ---- [mpe]
      .def(
          "mpe",
          [](const Model& self, py::handle ev, py::handle max_memory, py::handle soft) {
            const Evidence e = full_evidence(self, ev, soft);
            const auto options = engine_options(max_memory);
            py::gil_scoped_release release;
            return self.mpe(e, options);
          },
          py::arg("evidence") = py::none(), py::arg("max_memory") = py::none(), py::arg("soft_evidence") = py::none(),
          "The most probable full assignment given the evidence (exact; ties: the lowest state index in "
          "declared variable order). ZeroProbabilityEvidence when the evidence is impossible. With "
          "soft_evidence, .probability is P(x, evidence) times the likelihoods of x's states.")
      .def(
          "map",
          [](const Model& self, py::handle targets, py::handle ev, py::handle max_memory, py::handle soft) {
            const auto ts = names(targets, "targets");
            const Evidence e = full_evidence(self, ev, soft);
            const auto options = engine_options(max_memory);
            py::gil_scoped_release release;
            return self.map(ts, e, options);
          },
          py::arg("targets"), py::arg("evidence") = py::none(), py::arg("max_memory") = py::none(),
          py::arg("soft_evidence") = py::none(),
          "The most probable assignment of the targets, every other unobserved variable summed out (exact; "
          "ties as mpe). .probability = P(x, e), .posterior_probability = P(x | e).")
      // ---- [mpe] end
      .def(
          "probability_of_evidence",
          [](const Model& self, py::handle ev, const std::string& method, py::handle soft) {
            const Evidence e = full_evidence(self, ev, soft);
            py::gil_scoped_release release;
            return self.probability_of_evidence(e, method);
          },
          py::arg("evidence") = py::none(), py::arg("method") = "auto", py::arg("soft_evidence") = py::none(),
          "P(e); 0 for impossible evidence (Markov networks: the partition function reduced by e; continuous "
          "models: the density of the observed values).")
      .def(
          "log_probability_of_evidence",
          [](const Model& self, py::handle ev, const std::string& method, py::handle soft) {
            const Evidence e = full_evidence(self, ev, soft);
            py::gil_scoped_release release;
            return self.log_probability_of_evidence(e, method);
          },
          py::arg("evidence") = py::none(), py::arg("method") = "auto", py::arg("soft_evidence") = py::none(),
          "ln P(e), finite whenever P(e) > 0 even when P(e) itself under- or overflows; -inf when impossible.")
      .def(
          "independent",
          [](const Model& self, py::handle x, py::handle y, py::handle given) {
            const auto xs = names(x, "x");
            const auto ys = names(y, "y");
            const auto zs = names(given, "given", true);
            py::gil_scoped_release release;
            return self.independent(xs, ys, zs);
          },
          py::arg("x"), py::arg("y"), py::arg("given") = py::none(),
          "X ⊥ Y | given from the structure: .independent (bool), .trail (an active trail by name, or None).")
      .def(
          "blanket",
          [](const Model& self, const std::string& name) {
            py::gil_scoped_release release;
            return self.blanket(name);
          },
          py::arg("variable"), "The Markov blanket of a variable, in declared order.")
      .def(
          "independencies",
          [](const Model& self) {
            pgm::query::LocalIndependencies local;
            {
              py::gil_scoped_release release;
              local = self.local_independencies();
            }
            py::list out;
            for (const auto& st : local.statements) {
              py::dict d;
              d["node"] = st.node;
              d["independent_of"] = st.independent_of;
              d["given"] = st.given;
              out.append(std::move(d));
            }
            return out;
          },
          "The local independencies the structure implies, as `pgm independencies` lists them: dicts with "
          "node, independent_of and given (names in declared order).")
      .def(
          "dumps",
          [](const Model& self, const std::string& format) {
            const pgm::io::Format f = pgm::io::parse_format(format);
            py::gil_scoped_release release;
            return self.dumps(f);
          },
          py::arg("format") = "yaml",
          "The model as text: yaml, bif, xmlbif, uai or dot, numbers written exactly (pgm.loads reads it back).")
      .def(
          "condition",
          [](const Model& self, py::handle ev) {
            const Evidence e = evidence(self, ev);
            std::vector<std::string> warnings;
            std::optional<Model> out;
            {
              py::gil_scoped_release release;
              out.emplace(self.condition(e, &warnings));
            }
            for (const auto& w : warnings)
              if (PyErr_WarnEx(PyExc_RuntimeWarning, w.c_str(), 1) != 0) throw py::error_already_set();
            return *out;
          },
          py::arg("evidence"),
          "Continuous models: the Gaussian of the unobserved variables given observed values "
          "({name: value}), as a Model with .variables, .mean and .covariance.")
      // ---- [expect] issue 12: E, Var, Cov, correlation, H, I, I(X; Y | Z) (query::expect).
      .def(
          "expect",
          [](const Model& self, const std::vector<std::string>& variables, py::handle ev, py::handle values,
             py::handle given_set) {
            const Evidence e = evidence(self, ev);
            pgm::query::ExpectOptions options;
            if (!values.is_none()) {
              if (!py::isinstance<py::dict>(values))
                type_error("values must be a dict {variable: [one number per state]}, not " + type_name(values));
              for (auto [k, v] : py::reinterpret_borrow<py::dict>(values)) {
                std::vector<double> vals;
                for (py::handle x : py::reinterpret_borrow<py::iterable>(v)) {
                  if (!is_real(x)) type_error("values must be numbers, not " + type_name(x));
                  const double d = py::float_(py::reinterpret_borrow<py::object>(x)).cast<double>();
                  if (!std::isfinite(d)) throw pgm::QueryError("values must be finite numbers");
                  vals.push_back(d);
                }
                options.values.emplace_back(k.cast<std::string>(), std::move(vals));
              }
            }
            if (!given_set.is_none()) {
              if (py::isinstance<py::str>(given_set)) options.given_set = {given_set.cast<std::string>()};
              else options.given_set = given_set.cast<std::vector<std::string>>();
            }
            pgm::query::Expectation r;
            {
              py::gil_scoped_release release;
              r = pgm::query::expect(self, variables, e, options);
            }
            const auto num = [](double x) -> py::object {
              return std::isfinite(x) ? py::object(py::float_(x)) : py::object(py::none());
            };
            py::dict out;
            bool numeric = false;
            for (const auto& m : r.expectation) numeric = numeric || m.has_value();
            if (numeric) {
              py::dict mean, var;
              for (std::size_t i = 0; i < r.variables.size(); ++i) {
                if (!r.expectation[i]) continue;
                mean[py::str(r.variables[i])] = num(*r.expectation[i]);
                var[py::str(r.variables[i])] = num(*r.variance[i]);
              }
              out["expectation"] = mean;
              out["variance"] = var;
            }
            if (r.covariance) out["covariance"] = num(*r.covariance);
            if (r.has_correlation) out["correlation"] = r.correlation ? num(*r.correlation) : py::object(py::none());
            py::dict h;
            for (std::size_t i = 0; i < r.variables.size(); ++i) h[py::str(r.variables[i])] = num(r.entropy[i]);
            out["entropy"] = h;
            if (r.mutual_information) out["mutual_information"] = num(*r.mutual_information);
            if (r.conditional_mutual_information) {
              out["conditional_mutual_information"] = num(*r.conditional_mutual_information);
              out["given_set"] = py::cast(r.given_set);
            }
            py::dict evd;
            for (const auto& [name, state] : r.evidence) evd[py::str(name)] = state;
            out["evidence"] = evd;
            return out;
          },
          py::arg("variables"), py::arg("evidence") = py::none(), py::arg("values") = py::none(),
          py::arg("given_set") = py::none(),
          "E[X], Var[X], Cov(X, Y), correlation, entropy H and mutual information I (nats) of one or two "
          "variables from the exact posterior, as a dict with the keys of `pgm expect --json`. values: "
          "{name: [one number per state]} for states that are not numbers; given_set: Z for I(X; Y | Z).")
      // ---- [gaussian-transform] issue 12: A X + b and X + Y (pgm::Gaussian::transform / sum).
      .def(
          "transform",
          [](const Model& self, const Eigen::MatrixXd& a, std::optional<Eigen::VectorXd> b,
             std::vector<std::string> names) {
            py::gil_scoped_release release;
            const pgm::Gaussian& g = joint_gaussian(self);
            const Eigen::VectorXd bb = b ? *b : Eigen::VectorXd::Zero(a.rows());
            return Model(pgm::transform(g, a, bb, std::move(names)));
          },
          py::arg("A"), py::arg("b") = py::none(), py::arg("names") = std::vector<std::string>{},
          "Continuous models: the Gaussian of A X + b (mean A mu + b, covariance A Sigma A^T) as a Model; A is "
          "m x n, b has m entries (default 0), names the m result variables (default Y1..Ym). QueryError when "
          "the sizes disagree or A Sigma A^T is singular.")
      .def(
          "sum",
          [](const Model& self, const Model& other) {
            py::gil_scoped_release release;
            return Model(pgm::sum(joint_gaussian(self), joint_gaussian(other)));
          },
          py::arg("other"),
          "Continuous models: X + Y for independent X (this) and Y of the same dimension (mean mu_x + mu_y, "
          "covariance Sigma_x + Sigma_y), named as this one.")
      .def(
          "__add__",
          [](const Model& self, const Model& other) {
            py::gil_scoped_release release;
            return Model(pgm::sum(joint_gaussian(self), joint_gaussian(other)));
          },
          py::is_operator(), "Continuous models: the sum of independent Gaussians (see sum).")
      // ---- [gaussian-transform] end
      .def_property_readonly(
          "mean", [](const Model& self) -> Eigen::VectorXd { return joint_gaussian(self).mean(); },
          "Continuous models: the mean vector (numpy) in the order of .variables.")
      .def_property_readonly(
          "covariance", [](const Model& self) -> Eigen::MatrixXd { return joint_gaussian(self).covariance(); },
          "Continuous models: the covariance matrix (numpy) in the order of .variables.")
      .def(
          "mahalanobis",
          [](const Model& self, py::handle p) {
            const auto x = point(p);
            py::gil_scoped_release release;
            return self.mahalanobis(x);
          },
          py::arg("point"), "Continuous models: the Mahalanobis distance of a full point {name: value}.")
      .def(
          "log_density",
          [](const Model& self, py::handle p) {
            const auto x = point(p);
            py::gil_scoped_release release;
            return self.log_density(x);
          },
          py::arg("point"), "Continuous models: the natural log of the density at a full point {name: value}.")
      .def(
          "sample",
          [](const Model& self, py::int_ n_obj, py::int_ seed_obj, py::handle ev) -> py::object {
            if (n_obj < py::int_(0)) throw py::value_error("the number of samples must not be negative");
            if (seed_obj < py::int_(0) || seed_obj > py::int_(std::numeric_limits<std::uint64_t>::max()))
              throw py::value_error("seed must be an integer in [0, 2**64)");
            const auto n = n_obj.cast<std::size_t>();
            const auto seed = seed_obj.cast<std::uint64_t>();
            const Evidence e = evidence(self, ev);
            if (!self.discrete()) {
              Eigen::MatrixXd draws;
              {
                py::gil_scoped_release release;
                draws = e.empty() ? self.sample(n, seed) : self.sample(n, seed, e);
              }
              return py::cast(std::move(draws));
            }
            pgm::query::DiscreteSamples s;
            {
              py::gil_scoped_release release;
              s = self.sample_states(n, seed, e);
            }
            py::array_t<std::uint32_t> a({static_cast<py::ssize_t>(s.rows), static_cast<py::ssize_t>(s.cols)});
            if (static_cast<std::size_t>(a.size()) != s.states.size())
              throw pgm::Error("internal: the samples do not fill their shape");
            std::copy(s.states.begin(), s.states.end(), a.mutable_data());
            return py::object(std::move(a));
          },
          py::arg("n"), py::arg("seed") = 0, py::arg("evidence") = py::none(),
          "n draws as a numpy array (n, number of variables), columns in declared order, deterministic given "
          "the seed. Continuous models: values. Bayesian networks: state indices (forward sampling, rejecting "
          "draws that disagree with the evidence).")
      // ---- [batch] issue 11
      .def("fit", &fit, py::arg("data"), py::arg("prior") = py::none(), py::arg("em") = false,
           py::arg("max_iter") = 100, py::arg("tol") = 1e-6, py::arg("threads") = py::none(),
           py::arg("max_memory") = py::none(),
           "Learns the parameters from data, as `pgm fit` (docs/learning.md): data a CSV path or a list of row "
           "dicts (as batch() takes; a missing key or None is missing); prior None/'none', 'dirichlet:A' or "
           "'bdeu:ESS'; EM when cells are missing, a variable has no column, or em=True. Returns (fitted Model, "
           "info) where info has the keys of `pgm fit --json`: log_likelihood, history, iterations, converged, "
           "stop_reason, (log_posterior, log_posterior_history under a prior), em, rows, "
           "unseen_parent_configurations, warnings.")
      .def("loglik", &loglik, py::arg("data"), py::arg("skip_bad_rows") = false, py::arg("threads") = py::none(),
           "ln P(row) of every row (missing cells summed out), as `pgm loglik --json`: {'rows': numpy array, "
           "'total': float} (with skip_bad_rows also 'row_numbers' and 'skipped'). data: a CSV path or row dicts.")
      .def("batch", &batch, py::arg("rows"), py::arg("targets") = py::none(), py::arg("given") = py::none(),
           py::arg("loglik") = false, py::arg("predict") = false, py::arg("threads") = py::none(),
           py::arg("skip_bad_rows") = false, py::arg("max_memory") = py::none(), py::arg("first_row") = 1,
           "One query per row, as `pgm batch`: rows a list of dicts {variable: state name}, a missing key or None "
           "(or NaN) unobserved. Returns a dict of numpy arrays keyed by the CSV's column names: 'row' (int64, "
           "1-based), then 'X=s' (float64) per target and state and 'log_probability_of_evidence'; loglik: "
           "'log_likelihood'; predict: one column per target (object arrays of state names), then "
           "'log_probability'. A bad row raises QueryError naming it ('row N: ...'); skip_bad_rows skips bad "
           "rows (a RuntimeWarning says how many). first_row: the number of rows[0] (rows and messages are "
           "numbered from it, for one part of a larger input). Computed with the GIL released, on `threads` workers "
           "(default: every core).");
      // ---- [batch] end

  m.def(
      "_load",
      [](const std::string& path, const std::optional<std::string>& format, bool renormalize) {
        pgm::query::LoadOptions options;
        options.renormalize = renormalize;
        py::gil_scoped_release release;
        if (format) options.format = pgm::io::parse_format(*format);
        return Model::load(path, options);
      },
      py::arg("path"), py::arg("format") = py::none(), py::arg("renormalize") = true);
  m.def(
      "_loads",
      [](const std::string& text, const std::string& format, bool renormalize, const std::string& filename) {
        pgm::query::LoadOptions options;
        options.renormalize = renormalize;
        py::gil_scoped_release release;
        return Model::loads(text, format, options, filename);
      },
      py::arg("text"), py::arg("format") = "yaml", py::arg("renormalize") = true, py::arg("filename") = "<string>");
  m.def(
      "Gaussian",
      [](std::vector<std::string> names, const Eigen::VectorXd& mean, const Eigen::MatrixXd& covariance,
         std::string name) {
        py::gil_scoped_release release;
        return Model(pgm::Gaussian(std::move(names), mean, covariance, std::move(name)));
      },
      py::arg("variables"), py::arg("mean"), py::arg("covariance"), py::arg("name") = "",
      "A multivariate Gaussian model from names, a mean vector and a covariance matrix (numpy or lists). "
      "ModelError unless the sizes agree and the covariance is symmetric positive definite.");
  // ---- [citest] issue 12
  m.def("citest", &citest, py::arg("data"), py::arg("x"), py::arg("y"), py::arg("given") = py::none(),
        py::arg("test") = "chi2", py::arg("alpha") = 0.05,
        "A test of X _||_ Y | given on data, as `pgm citest`: data a CSV path, a dict of columns {name: cells} or a "
        "list of row dicts; cells are category labels (chi2, g2) or numbers (fisher-z); None, NaN or an empty "
        "string is missing and drops the row. Returns {test, statistic, dof, p_value, alpha, independent, n}.");
  // ---- [citest] end
  // ---- [elbo] issue 12: Model.elbo, added after the class_ chain so the chain stays untouched.
  {
    py::object cls = m.attr("Model");
    cls.attr("elbo") = py::cpp_function(
        &elbo, py::name("elbo"), py::is_method(cls), py::sibling(py::getattr(cls, "elbo", py::none())),
           py::arg("evidence") = py::none(), py::kw_only(), py::arg("point") = py::none(),
           py::arg("q_mean") = py::none(), py::arg("q_logvar") = py::none(), py::arg("max_iter") = 1000,
           py::arg("tol") = 1e-10, py::arg("seed") = 0, py::arg("max_memory") = py::none(),
           "The evidence lower bound (docs/elbo.md), as `pgm elbo --json`. Discrete models: mean-field "
           "coordinate ascent over the unobserved variables from a random start (seed), at most max_iter sweeps, "
           "stopping when a sweep improves the ELBO by less than tol; returns {'elbo', 'history' (the initial q's "
           "ELBO, then one per sweep; -inf while q hits a zero of the model), 'iterations', 'converged', 'q' "
           "({variable: {state: p}}, observed variables left out), 'log_probability_of_evidence' (exact ln P(e), "
           "ln Z(e) for a Markov network; None when exact inference is over max_memory), 'gap' (ln P(e) - elbo "
           "= KL(q || p(z | e)), or None)}. Linear-Gaussian models with latent variables: point={every observed "
           "variable: value}, q = N(q_mean, diag(exp(q_logvar))) by latent name (the ones left out: the exact "
           "posterior's mean and log-variances); returns {'elbo', 'reconstruction' (E_q[ln p(x | z)]), 'kl' "
           "(KL(q || p(z))), 'log_marginal_likelihood' (ln p(x)), 'gap', 'posterior': "
           "{'mean': {...}, 'covariance': [[...]]}}.");
  }
  // ---- [elbo] end
  m.def("engines", &pgm::query::engine_names, "The inference engines a method= argument can name.");
}
