// Batch inference (batch.hpp). The calling thread reads rows into chunks (cells resolved to state
// indices per variable id, bad cells recorded), hands each chunk to a worker pool through a queue
// bounded by queue_chunks, and delivers finished chunks to the sink strictly in order. Workers keep
// a workspace each: the junction tree of each evidence pattern they met (the tree
// Model::junction_tree_for returns, i.e. the one `pgm marginals` calibrates), a reused hard-evidence
// buffer, and a memo of recent rows' answers keyed by the row's states.
#include <pgm/query/batch.hpp>

#include <pgm/core/error.hpp>
#include <pgm/inference/junction_tree.hpp>
#include <pgm/io/csv.hpp>
#include <pgm/query/engine.hpp>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <istream>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

namespace pgm::query {
namespace {

constexpr std::uint32_t kUnobserved = std::numeric_limits<std::uint32_t>::max();

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
  return out;
}

void append_number(std::string& out, double x) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  out.append(buf, r.ptr);
}

void append_integer(std::string& out, std::size_t x) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  out.append(buf, r.ptr);
}

// A chunk of rows on its way from the reader through a worker to the sink.
struct Chunk {
  std::size_t first_row = 0;
  std::size_t count = 0;
  std::vector<std::uint32_t> cells;  // count × n: state per variable id, kUnobserved
  std::vector<std::size_t> lines;
  std::vector<std::string> errors;   // per row: empty, or the bad row's message
  std::vector<char> bare;            // per row: the message still lacks its place (a worker's)
  std::vector<std::exception_ptr> fatal;  // per row: a failure that is not the row's fault
  std::vector<double> numbers;            // count × width
  std::vector<std::uint32_t> states;      // count × targets (predict)
  std::string csv;
  std::vector<std::size_t> csv_end;  // per row: end of its line in csv
  bool done = false;

  void reset(std::size_t first) {
    first_row = first;
    count = 0;
    cells.clear();
    lines.clear();
    for (auto& e : errors) e.clear();
    fatal.clear();
    bare.clear();
    numbers.clear();
    states.clear();
    csv.clear();
    csv_end.clear();
    done = false;
  }
};

}  // namespace

struct BatchRunner::Impl {
  explicit Impl(Model m) : model(std::move(m)) {}
  Model model;
  BatchOptions options;
  std::size_t n = 0;  // variables
  std::vector<VariableId> targets;
  std::vector<std::string> target_names;
  bool all_targets = false;
  std::vector<std::string> columns;
  std::size_t width = 0;                 // numbers per row
  std::vector<std::uint32_t> given;      // per variable id: the given state or kUnobserved
  // Per variable: state name → index (views into the model's names, which the model keeps).
  std::vector<std::unordered_map<std::string_view, std::uint32_t>> state_index;
  JunctionTreeOptions tree_options;

  // One worker's reusable state.
  struct Workspace {
    ::pgm::Evidence hard;
    std::vector<VariableId> pattern, last_pattern;
    std::shared_ptr<const JunctionTree> last_tree;
    std::map<std::vector<VariableId>, std::shared_ptr<const JunctionTree>> trees;
    struct Answer {
      std::vector<double> numbers;
      std::vector<std::uint32_t> states;
      std::string csv;  // the line after the row number
    };
    std::unordered_map<std::string, Answer> memo;
    std::string key;
    Answer scratch;
  };

  [[nodiscard]] std::string evidence_text(const std::uint32_t* row) const {
    std::string out;
    for (VariableId v = 0; v < n; ++v) {
      if (row[v] == kUnobserved) continue;
      if (!out.empty()) out += ", ";
      out += model.variables()[v].name + "=" + model.variables()[v].states[row[v]];
    }
    return out;
  }

  [[nodiscard]] const std::shared_ptr<const JunctionTree>& tree_for(Workspace& w) const {
    if (w.last_tree && w.pattern == w.last_pattern) return w.last_tree;
    auto it = w.trees.find(w.pattern);
    if (it == w.trees.end()) {
      const Evidence e = Evidence::from_ids(model, std::vector<std::pair<VariableId, std::size_t>>(
                                                       w.hard.pairs().begin(), w.hard.pairs().end()));
      std::shared_ptr<const JunctionTree> tree;
      try {
        tree = model.junction_tree_for(e, tree_options);
      } catch (const StructureLimitError&) {
        throw;
      } catch (const LimitError& error) {
        throw StructureLimitError(error.what());
      }
      if (w.trees.size() >= 256) w.trees.clear();  // a bound for inputs with many patterns
      it = w.trees.emplace(w.pattern, std::move(tree)).first;
    }
    w.last_pattern = w.pattern;
    w.last_tree = it->second;
    return w.last_tree;
  }

  // The answer for one row (cells per variable id) into w.scratch; QueryError for a bad row.
  void answer(Workspace& w, const std::uint32_t* row) const {
    auto& a = w.scratch;
    a.numbers.clear();
    a.states.clear();
    a.csv.clear();
    w.hard.clear();
    w.pattern.clear();
    for (VariableId v = 0; v < n; ++v)
      if (row[v] != kUnobserved) {
        w.hard.insert(v, row[v]);
        w.pattern.push_back(v);
      }
    const auto impossible = [&] {
      return "the row's evidence " + (w.hard.empty() ? std::string("(none)") : evidence_text(row)) +
             " has probability zero under the model";
    };
    if (options.mode == BatchMode::predict) {
      const Evidence e = Evidence::from_ids(model, std::vector<std::pair<VariableId, std::size_t>>(
                                                       w.hard.pairs().begin(), w.hard.pairs().end()));
      Explanation x;
      try {
        x = all_targets ? model.mpe(e, options.engine) : model.map(target_names, e, options.engine);
      } catch (const ZeroProbabilityEvidence&) {
        throw QueryError(impossible());
      }
      for (std::size_t i = 0; i < targets.size(); ++i) {
        const auto& states = state_index[targets[i]];
        const auto found = states.find(x.assignment[i].second);
        a.states.push_back(found == states.end() ? 0 : found->second);
      }
      a.numbers.push_back(x.log_probability);
    } else {
      const auto& tree = tree_for(w);
      CalibratedJunctionTree c;
      try {
        c = tree->calibrate(w.hard);
      } catch (const ZeroProbabilityEvidence&) {
        throw QueryError(impossible());
      }
      if (options.mode == BatchMode::posteriors)
        for (VariableId t : targets) {
          if (row[t] != kUnobserved) {  // a point mass, as marginal(t) gives it
            const std::size_t k = model.variables()[t].states.size();
            for (std::size_t s = 0; s < k; ++s) a.numbers.push_back(s == row[t] ? 1.0 : 0.0);
          } else if (const auto m = c.computed_marginal(t); !m.empty()) {
            a.numbers.insert(a.numbers.end(), m.begin(), m.end());
          } else {
            const Factor f = c.marginal(t);
            a.numbers.insert(a.numbers.end(), f.values().begin(), f.values().end());
          }
        }
      a.numbers.push_back(c.log_probability_of_evidence());
    }
    if (options.format_csv) {
      if (options.mode == BatchMode::predict) {
        for (std::size_t i = 0; i < targets.size(); ++i) {
          a.csv += ',';
          io::append_csv_cell(a.csv, model.variables()[targets[i]].states[a.states[i]]);
        }
      }
      for (double x : a.numbers) {
        a.csv += ',';
        append_number(a.csv, x);
      }
      a.csv += '\n';
    }
  }

  void work(Workspace& w, Chunk& chunk) const {
    chunk.numbers.resize(chunk.count * width);
    chunk.states.resize(options.mode == BatchMode::predict ? chunk.count * targets.size() : 0);
    chunk.fatal.assign(chunk.count, nullptr);
    chunk.bare.assign(chunk.count, 0);
    chunk.csv_end.assign(chunk.count, 0);
    for (std::size_t r = 0; r < chunk.count; ++r) {
      if (!chunk.errors[r].empty()) {
        chunk.csv_end[r] = chunk.csv.size();
        continue;
      }
      const std::uint32_t* row = chunk.cells.data() + r * n;
      const Workspace::Answer* a = nullptr;
      if (options.memo_entries > 0) {
        w.key.assign(reinterpret_cast<const char*>(row), n * sizeof(std::uint32_t));
        if (const auto it = w.memo.find(w.key); it != w.memo.end()) a = &it->second;
      }
      if (!a) {
        try {
          answer(w, row);
        } catch (const LimitError&) {
          chunk.fatal[r] = std::current_exception();
        } catch (const NumericalError&) {
          chunk.fatal[r] = std::current_exception();
        } catch (const Error& e) {  // QueryError, UnsupportedError: this row's problem
          chunk.errors[r] = e.what();
          chunk.bare[r] = 1;
        }
        if (chunk.fatal[r] || !chunk.errors[r].empty()) {
          chunk.csv_end[r] = chunk.csv.size();
          continue;
        }
        a = &w.scratch;
        if (options.memo_entries > 0) {
          if (w.memo.size() >= options.memo_entries) w.memo.clear();
          a = &w.memo.emplace(w.key, w.scratch).first->second;
        }
      }
      std::copy(a->numbers.begin(), a->numbers.end(), chunk.numbers.begin() + static_cast<std::ptrdiff_t>(r * width));
      if (!a->states.empty())
        std::copy(a->states.begin(), a->states.end(),
                  chunk.states.begin() + static_cast<std::ptrdiff_t>(r * targets.size()));
      if (options.format_csv) {
        append_integer(chunk.csv, chunk.first_row + r);
        chunk.csv += a->csv;
      }
      chunk.csv_end[r] = chunk.csv.size();
    }
  }
};

BatchRunner::BatchRunner(Model model, BatchOptions options) {
  if (!model.discrete())
    throw UnsupportedError("batch inference needs a discrete model (a Bayesian or Markov network); '" +
                           std::string(to_string(model.kind())) + "' models are not supported");
  impl_ = std::make_unique<Impl>(std::move(model));
  Impl& m = *impl_;
  m.options = std::move(options);
  const Model& md = m.model;
  m.n = md.size();
  m.state_index.resize(m.n);
  for (VariableId v = 0; v < m.n; ++v) {
    const auto& states = md.variables()[v].states;
    for (std::uint32_t s = 0; s < states.size(); ++s) m.state_index[v].emplace(states[s], s);
  }
  if (m.options.targets.empty()) {
    m.all_targets = true;
    for (VariableId v = 0; v < m.n; ++v) m.targets.push_back(v);
  } else {
    m.targets = target_ids(md, m.options.targets);  // unknown names listed, repeats refused
  }
  for (VariableId t : m.targets) m.target_names.push_back(md.variables()[t].name);
  const Evidence given = Evidence::from_names(md, m.options.given);
  m.given.assign(m.n, kUnobserved);
  for (const auto& [v, s] : given.hard()) m.given[v] = static_cast<std::uint32_t>(s);
  m.tree_options.max_memory_bytes = m.options.engine.max_memory_bytes;
  if (m.options.threads == 0) m.options.threads = std::max(1u, std::thread::hardware_concurrency());
  if (m.options.chunk_rows == 0) m.options.chunk_rows = 1;
  if (m.options.queue_chunks == 0) m.options.queue_chunks = 4 * m.options.threads;

  m.columns.push_back("row");
  switch (m.options.mode) {
    case BatchMode::posteriors:
      for (VariableId t : m.targets)
        for (const auto& s : md.variables()[t].states) m.columns.push_back(md.variables()[t].name + "=" + s);
      m.columns.push_back("log_probability_of_evidence");
      m.width = m.columns.size() - 1;
      break;
    case BatchMode::loglik:
      m.columns.push_back("log_likelihood");
      m.width = 1;
      break;
    case BatchMode::predict:
      for (VariableId t : m.targets) m.columns.push_back(md.variables()[t].name);
      m.columns.push_back("log_probability");
      m.width = 1;
      break;
  }
}

BatchRunner::~BatchRunner() = default;

const std::vector<std::string>& BatchRunner::columns() const noexcept { return impl_->columns; }
const std::vector<VariableId>& BatchRunner::targets() const noexcept { return impl_->targets; }
const Model& BatchRunner::model() const noexcept { return impl_->model; }
const BatchOptions& BatchRunner::options() const noexcept { return impl_->options; }

std::string BatchRunner::csv_header() const {
  std::string out;
  for (std::size_t i = 0; i < impl_->columns.size(); ++i) {
    if (i) out += ',';
    io::append_csv_cell(out, impl_->columns[i]);
  }
  out += '\n';
  return out;
}

namespace {

// The worker threads of one run(); joined on destruction (also when run() throws).
class Pool {
 public:
  Pool(const BatchRunner::Impl& impl, std::size_t threads) : impl_(impl) {
    for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { loop(); });
  }
  ~Pool() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    work_ready_.notify_all();
    for (auto& t : threads_) t.join();
  }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  void submit(Chunk* chunk) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(chunk);
    }
    work_ready_.notify_one();
  }
  void wait(Chunk* chunk) {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return chunk->done; });
  }

 private:
  void loop() {
    BatchRunner::Impl::Workspace w;
    for (;;) {
      Chunk* chunk = nullptr;
      {
        std::unique_lock lock(mutex_);
        work_ready_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        chunk = queue_.front();
        queue_.pop_front();
      }
      try {
        impl_.work(w, *chunk);
      } catch (...) {  // bad_alloc and the like: fatal at the chunk's first row
        chunk->fatal.assign(chunk->count, nullptr);
        if (chunk->count) chunk->fatal[0] = std::current_exception();
      }
      {
        std::lock_guard lock(mutex_);
        chunk->done = true;
      }
      done_.notify_all();
    }
  }

  const BatchRunner::Impl& impl_;
  std::mutex mutex_;
  std::condition_variable work_ready_, done_;
  std::deque<Chunk*> queue_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace

BatchSummary BatchRunner::run(BatchSource& source, BatchSink& sink) const {
  const Impl& m = *impl_;
  const Model& md = m.model;
  const std::size_t n = m.n;
  // The header: each column a variable, once.
  const std::vector<std::string> header = source.header();
  std::vector<VariableId> column_var;
  std::vector<char> seen(n, 0);
  for (const auto& name : header) {
    const auto v = md.find(name);
    if (!v) {
      std::vector<std::string> names;
      for (const auto& info : md.variables()) names.push_back(info.name);
      throw QueryError(source.where(0, 0) + ": unknown column '" + name + "': not a variable of the model (" +
                       join_names(names) + ")");
    }
    if (seen[*v]) throw QueryError(source.where(0, 0) + ": column '" + name + "' appears twice");
    seen[*v] = 1;
    column_var.push_back(*v);
  }

  BatchSummary summary;
  // The chunks outlive the pool: when run() throws, the workers finish (and are joined) before the
  // chunks they may be working on are freed.
  std::deque<std::unique_ptr<Chunk>> inflight;
  std::vector<std::unique_ptr<Chunk>> spare;
  Pool pool(m, m.options.threads);
  std::vector<std::string_view> cells;
  const std::size_t before = m.options.first_row == 0 ? 0 : m.options.first_row - 1;
  std::size_t row = before;  // the last row read

  // Delivers the oldest chunk, in order; the first bad row ends the run unless skipped.
  const auto deliver = [&] {
    Chunk& c = *inflight.front();
    pool.wait(&c);
    std::size_t csv_begin = 0;
    for (std::size_t r = 0; r < c.count; ++r) {
      const std::size_t csv_end = c.csv_end[r];
      if (c.fatal[r]) std::rethrow_exception(c.fatal[r]);
      if (!c.errors[r].empty()) {
        if (c.bare[r]) c.errors[r] = source.where(c.first_row + r, c.lines[r]) + ": " + c.errors[r];
        if (!m.options.skip_bad_rows) throw QueryError(c.errors[r]);
        ++summary.skipped;
        sink.skipped({c.first_row + r, c.lines[r], c.errors[r]});
      } else {
        BatchRow out;
        out.row = c.first_row + r;
        out.line = c.lines[r];
        out.numbers = std::span<const double>(c.numbers).subspan(r * m.width, m.width);
        if (m.options.mode == BatchMode::predict)
          out.states = std::span<const std::uint32_t>(c.states).subspan(r * m.targets.size(), m.targets.size());
        out.csv = std::string_view(c.csv).substr(csv_begin, csv_end - csv_begin);
        sink.row(out);
        ++summary.written;
      }
      csv_begin = csv_end;
    }
    sink.progress(c.first_row + c.count - 1);
    spare.push_back(std::move(inflight.front()));
    inflight.pop_front();
  };

  bool end = false;
  while (!end) {
    std::unique_ptr<Chunk> chunk;
    if (!spare.empty()) {
      chunk = std::move(spare.back());
      spare.pop_back();
    } else {
      chunk = std::make_unique<Chunk>();
    }
    Chunk& c = *chunk;
    c.reset(row + 1);
    while (c.count < m.options.chunk_rows) {
      std::size_t line = 0;
      std::string error;
      bool got = false;
      try {
        got = source.next(cells, line);
      } catch (const ParseError& e) {
        got = true;
        error = e.what();
        line = static_cast<std::size_t>(e.where().line);
      } catch (const QueryError& e) {
        got = true;
        error = e.what();
      }
      if (!got) {
        end = true;
        break;
      }
      ++row;
      const std::size_t r = c.count++;
      c.lines.push_back(line);
      if (c.errors.size() < c.count) c.errors.resize(c.count);
      c.cells.insert(c.cells.end(), m.given.begin(), m.given.end());
      if (!error.empty()) {
        c.errors[r] = std::move(error);
        continue;
      }
      std::uint32_t* cellrow = c.cells.data() + r * n;
      if (cells.size() != header.size()) {
        c.errors[r] = source.where(row, line) + ": " + std::to_string(cells.size()) +
                      (cells.size() == 1 ? " cell" : " cells") + ", but the header has " +
                      std::to_string(header.size()) + (header.size() == 1 ? " column" : " columns");
        continue;
      }
      for (std::size_t k = 0; k < cells.size(); ++k) {
        if (cells[k].empty()) continue;
        const VariableId v = column_var[k];
        const auto& index = m.state_index[v];
        const auto found = index.find(cells[k]);
        const auto& info = md.variables()[v];
        if (found == index.end()) {
          c.errors[r] = source.where(row, line) + ": unknown state '" + std::string(cells[k]) + "' of variable '" +
                        info.name + "' (its states are " + join_names(info.states) + ")";
          break;
        }
        if (m.given[v] != kUnobserved && m.given[v] != found->second) {
          c.errors[r] = source.where(row, line) + ": variable '" + info.name + "' is '" + std::string(cells[k]) +
                        "' in this row but given as '" + info.states[m.given[v]] + "'";
          break;
        }
        cellrow[v] = found->second;
      }
    }
    if (c.count > 0) {
      inflight.push_back(std::move(chunk));
      pool.submit(inflight.back().get());
    }
    while (!inflight.empty() && (end || inflight.size() >= m.options.queue_chunks)) deliver();
  }
  summary.rows = row - before;
  return summary;
}

// ---- Sources

CsvSource::CsvSource(std::istream& in, std::string name)
    : reader_(std::make_unique<io::CsvReader>(in, name)), name_(std::move(name)) {}
CsvSource::~CsvSource() = default;

std::vector<std::string> CsvSource::header() {
  std::vector<std::string_view> cells;
  bool got = false;
  try {
    got = reader_->next(cells);
  } catch (const ParseError& e) {
    throw QueryError(e.what());  // a malformed header is bad data, as a malformed row is
  }
  if (!got) throw QueryError(name_ + ": the data is empty: expected a header line naming the columns (variables)");
  header_line_ = reader_->line();
  return {cells.begin(), cells.end()};
}

bool CsvSource::next(std::vector<std::string_view>& cells, std::size_t& line) {
  const bool got = reader_->next(cells);
  line = reader_->line();
  return got;
}

std::string CsvSource::where(std::size_t row, std::size_t line) const {
  (void)row;
  if (line == 0) line = header_line_;
  return name_ + ":" + std::to_string(line);
}

TableSource::TableSource(std::vector<std::string> header, std::vector<std::vector<std::string>> rows)
    : header_(std::move(header)), rows_(std::move(rows)) {}

bool TableSource::next(std::vector<std::string_view>& cells, std::size_t& line) {
  if (next_ == rows_.size()) return false;
  cells.assign(rows_[next_].begin(), rows_[next_].end());
  line = ++next_;
  return true;
}

std::string TableSource::where(std::size_t row, std::size_t line) const {
  (void)line;
  return row == 0 ? std::string("the columns") : "row " + std::to_string(row);
}

}  // namespace pgm::query
