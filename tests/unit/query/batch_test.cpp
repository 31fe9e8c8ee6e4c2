// query::BatchRunner against independent answers: brute-force enumeration (asia), one-at-a-time
// Model queries (alarm, asia; the same engine, so the same bits), log-likelihoods worked out by
// hand, MAP/MPE by brute-force argmax; bad rows of each kind; order with several threads; the
// bounded read-ahead.
//
// asia by hand: P(asia=yes) = 0.01; P(tub=yes) = 0.01·0.05 + 0.99·0.01 = 0.0104;
// P(smoke=yes, lung=yes) = 0.5·0.1 = 0.05; P(lung=no) = 0.5·0.9 + 0.5·0.99 = 0.945, so
// P(asia=yes, either=no) = 0.01·0.95·0.945 = 0.0089775 (either=no needs tub=no and lung=no);
// tub=yes with either=no is impossible (either is a logical OR).
#include "support/enumeration_oracle.hpp"

#include <pgm/core/error.hpp>
#include <pgm/query/batch.hpp>
#include <pgm/query/model.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using pgm::Model;
using pgm::VariableId;
using namespace pgm::query;

Model asia() { return Model::load(std::string(PGM_SOURCE_DIR) + "/models/asia.yaml"); }

struct Collect final : BatchSink {
  std::vector<std::size_t> rows;
  std::vector<std::vector<double>> numbers;
  std::vector<std::vector<std::uint32_t>> states;
  std::vector<std::string> csv;
  std::vector<BatchRowError> skipped_rows;
  void row(const BatchRow& r) override {
    rows.push_back(r.row);
    numbers.emplace_back(r.numbers.begin(), r.numbers.end());
    states.emplace_back(r.states.begin(), r.states.end());
    csv.emplace_back(r.csv);
  }
  void skipped(const BatchRowError& e) override { skipped_rows.push_back(e); }
};

// Rows drawn from the model (seeded), each cell kept with probability `keep` (else unobserved).
struct Rows {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

Rows sampled_rows(const Model& m, std::size_t n, std::uint64_t seed, double keep, std::vector<VariableId> columns) {
  const DiscreteSamples s = m.sample_states(n, seed);
  std::mt19937_64 rng(seed + 1);
  std::bernoulli_distribution kept(keep);
  Rows out;
  for (VariableId v : columns) out.header.push_back(m.variables()[v].name);
  for (std::size_t r = 0; r < s.rows; ++r) {
    std::vector<std::string> row;
    for (VariableId v : columns) row.push_back(kept(rng) ? m.variables()[v].states[s.states[r * s.cols + v]] : "");
    out.rows.push_back(std::move(row));
  }
  return out;
}

Assignments row_evidence(const Rows& d, std::size_t r, const Assignments& given = {}) {
  Assignments a = given;
  for (std::size_t c = 0; c < d.header.size(); ++c)
    if (!d.rows[r][c].empty()) a.emplace_back(d.header[c], d.rows[r][c]);
  return a;
}

Collect run(const Model& m, const BatchOptions& options, const Rows& d) {
  BatchRunner runner(m, options);
  TableSource source(d.header, d.rows);
  Collect sink;
  const BatchSummary s = runner.run(source, sink);
  EXPECT_EQ(s.rows, d.rows.size());
  return sink;
}

// Every posterior and ln P(e) equal to a one-at-a-time query ("jt", the engine pgm marginals uses).
void expect_one_at_a_time(const Model& m, const Rows& d, const Assignments& given, std::size_t threads,
                          std::size_t memo) {
  BatchOptions options;
  options.threads = threads;
  options.memo_entries = memo;
  options.chunk_rows = 7;  // many chunks, so order across workers is exercised
  options.given = given;
  const Collect got = run(m, options, d);
  ASSERT_EQ(got.rows.size(), d.rows.size());
  for (std::size_t r = 0; r < d.rows.size(); ++r) {
    ASSERT_EQ(got.rows[r], r + 1);
    const Result want = m.marginals(Evidence::from_names(m, row_evidence(d, r, given)), "jt");
    std::vector<double> flat;
    for (const auto& mg : want.marginals) flat.insert(flat.end(), mg.begin(), mg.end());
    flat.push_back(want.log_probability_of_evidence);
    ASSERT_EQ(got.numbers[r].size(), flat.size());
    for (std::size_t i = 0; i < flat.size(); ++i) {
      EXPECT_NEAR(got.numbers[r][i], flat[i], 1e-12) << "row " << r + 1 << " number " << i;
      EXPECT_EQ(got.numbers[r][i], flat[i]) << "row " << r + 1 << " number " << i << " (not the same bits)";
    }
  }
}

TEST(Batch, AsiaEqualsBruteForceEnumeration) {
  const Model m = asia();
  const pgm::testing::EnumerationOracle oracle(*m.bayesian_network());
  const Rows d = sampled_rows(m, 400, 3, 0.5, {0, 1, 2, 3, 4, 5, 6, 7});
  BatchOptions options;
  options.threads = 2;
  const Collect got = run(m, options, d);
  ASSERT_EQ(got.rows.size(), d.rows.size());
  for (std::size_t r = 0; r < d.rows.size(); ++r) {
    const Evidence e = Evidence::from_names(m, row_evidence(d, r));
    const auto want = oracle.marginals(e.hard());
    std::size_t i = 0;
    for (const auto& mg : want)
      for (double p : mg) EXPECT_NEAR(got.numbers[r][i++], p, 1e-12) << "row " << r + 1;
    EXPECT_NEAR(got.numbers[r][i], std::log(oracle.probability_of_evidence(e.hard())), 1e-12);
  }
}

TEST(Batch, AsiaEqualsOneAtATimeQueries) {
  const Model m = asia();
  const Rows d = sampled_rows(m, 300, 5, 0.4, {7, 3, 0, 6});  // any subset, any order
  for (std::size_t threads : {1, 2}) {
    expect_one_at_a_time(m, d, {}, threads, 0);
    expect_one_at_a_time(m, d, {}, threads, 1024);
    expect_one_at_a_time(m, d, {{"smoke", "yes"}}, threads, 1024);
  }
}

TEST(Batch, AlarmEqualsOneAtATimeQueries) {
  const std::string path = std::string(PGM_SHARED_DIR) + "/networks/bif/alarm.bif";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "alarm.bif not found";
  const Model m = Model::load(path);
  const std::vector<VariableId> columns = {m.id("HRBP"), m.id("CO"), m.id("BP"), m.id("SAO2"), m.id("EXPCO2"),
                                           m.id("HISTORY"), m.id("PAP")};
  const Rows d = sampled_rows(m, 300, 9, 0.7, columns);
  expect_one_at_a_time(m, d, {}, 1, 0);
  expect_one_at_a_time(m, d, {}, 2, 4096);
  expect_one_at_a_time(m, d, {{"INTUBATION", "NORMAL"}}, 2, 0);
}

TEST(Batch, TargetsInTheOrderGiven) {
  const Model m = asia();
  const Rows d = sampled_rows(m, 50, 2, 0.5, {0, 2, 6});
  BatchOptions options;
  options.targets = {"dysp", "asia"};
  BatchRunner runner(m, options);
  EXPECT_EQ(runner.columns(), (std::vector<std::string>{"row", "dysp=yes", "dysp=no", "asia=yes", "asia=no",
                                                        "log_probability_of_evidence"}));
  const Collect got = run(m, options, d);
  for (std::size_t r = 0; r < d.rows.size(); ++r) {
    const Result want = m.marginals(Evidence::from_names(m, row_evidence(d, r)), "jt");
    EXPECT_EQ(got.numbers[r], (std::vector<double>{want.marginals[7][0], want.marginals[7][1], want.marginals[0][0],
                                                   want.marginals[0][1], want.log_probability_of_evidence}));
  }
}

TEST(Batch, LoglikByHand) {
  const Model m = asia();
  BatchOptions options;
  options.mode = BatchMode::loglik;
  Rows d{{"asia", "tub", "smoke", "lung", "either"},
         {{"yes", "", "", "", ""}, {"", "yes", "", "", ""}, {"", "", "yes", "yes", ""}, {"yes", "", "", "", "no"},
          {"", "", "", "", ""}}};
  const Collect got = run(m, options, d);
  ASSERT_EQ(got.numbers.size(), 5u);
  const double want[] = {std::log(0.01), std::log(0.0104), std::log(0.05), std::log(0.0089775), 0.0};
  for (std::size_t r = 0; r < 5; ++r) {
    ASSERT_EQ(got.numbers[r].size(), 1u);
    EXPECT_NEAR(got.numbers[r][0], want[r], 1e-12) << "row " << r + 1;
  }
  // With given evidence: ln P(row ∧ given); P(asia=yes, smoke=yes) = 0.005.
  options.given = {{"smoke", "yes"}};
  const Collect with = run(m, options, Rows{{"asia"}, {{"yes"}}});
  EXPECT_NEAR(with.numbers[0][0], std::log(0.005), 1e-12);
}

// Brute force: the argmax over the targets' joint (from the oracle), ties to the lowest state
// index in declared variable order.
TEST(Batch, PredictEqualsBruteForceArgmax) {
  const Model m = asia();
  const pgm::testing::EnumerationOracle oracle(*m.bayesian_network());
  const Rows d = sampled_rows(m, 200, 13, 0.5, {0, 2, 6, 7});
  BatchOptions options;
  options.mode = BatchMode::predict;
  options.targets = {"lung", "bronc", "tub"};
  options.threads = 2;
  const Collect got = run(m, options, d);
  const std::vector<VariableId> t = {m.id("lung"), m.id("bronc"), m.id("tub")};
  for (std::size_t r = 0; r < d.rows.size(); ++r) {
    const Evidence e = Evidence::from_names(m, row_evidence(d, r));
    const std::vector<double> joint = oracle.joint(t, e.hard());  // P(t | e), last fastest
    const double pe = oracle.probability_of_evidence(e.hard());
    std::size_t best = 0;
    for (std::size_t i = 1; i < joint.size(); ++i)
      if (joint[i] > joint[best] * (1 + 1e-9)) best = i;
    const std::vector<std::uint32_t> want = {static_cast<std::uint32_t>(best / 4),
                                             static_cast<std::uint32_t>(best / 2 % 2),
                                             static_cast<std::uint32_t>(best % 2)};
    EXPECT_EQ(got.states[r], want) << "row " << r + 1;
    EXPECT_NEAR(got.numbers[r][0], std::log(joint[best] * pe), 1e-12) << "row " << r + 1;
  }
  // No targets: the most probable full assignment (MPE), every variable.
  options.targets.clear();
  const Collect mpe = run(m, options, d);
  for (std::size_t r = 0; r < d.rows.size(); ++r) {
    const Evidence e = Evidence::from_names(m, row_evidence(d, r));
    double best = -1;
    std::vector<std::uint32_t> arg;
    for (std::size_t code = 0; code < 256; ++code) {
      std::vector<std::size_t> x(8);
      for (std::size_t v = 0; v < 8; ++v) x[v] = code >> (7 - v) & 1;  // lexicographic: first variable slowest
      bool consistent = true;
      for (const auto& [v, s] : e.hard()) consistent = consistent && x[v] == s;
      if (!consistent) continue;
      const double w = oracle.weight(x);
      if (w > best * (1 + 1e-9)) {
        best = w;
        arg.assign(x.begin(), x.end());
      }
    }
    EXPECT_EQ(mpe.states[r], arg) << "row " << r + 1;
    EXPECT_NEAR(mpe.numbers[r][0], std::log(best), 1e-12) << "row " << r + 1;
  }
}

// Bad rows: the first stops the run with its place and problem after the rows before it; with
// skip_bad_rows each is reported and skipped, and row numbers are not reused.
TEST(Batch, BadRows) {
  const Model m = asia();
  const Rows d{{"asia", "tub", "either"},
               {{"yes", "", ""},        // 1 fine
                {"maybe", "", ""},      // 2 unknown state
                {"yes", ""},            // 3 too few cells
                {"", "yes", "no"},      // 4 impossible
                {"no", "", ""},         // 5 conflicts with given asia=yes? only with given
                {"", "", "yes"}}};      // 6 fine
  BatchOptions options;
  options.threads = 2;
  options.chunk_rows = 2;
  {
    BatchRunner runner(m, options);
    TableSource source(d.header, d.rows);
    Collect sink;
    try {
      (void)runner.run(source, sink);
      FAIL() << "no error";
    } catch (const pgm::QueryError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("row 2: unknown state 'maybe' of variable 'asia'", 0), 0u) << e.what();
    }
    EXPECT_EQ(sink.rows, (std::vector<std::size_t>{1}));
  }
  options.skip_bad_rows = true;
  options.given = {{"asia", "yes"}};
  BatchRunner runner(m, options);
  TableSource source(d.header, d.rows);
  Collect sink;
  const BatchSummary s = runner.run(source, sink);
  EXPECT_EQ(s.rows, 6u);
  EXPECT_EQ(s.skipped, 4u);
  EXPECT_EQ(s.written, 2u);
  EXPECT_EQ(sink.rows, (std::vector<std::size_t>{1, 6}));
  ASSERT_EQ(sink.skipped_rows.size(), 4u);
  EXPECT_EQ(sink.skipped_rows[0].row, 2u);
  EXPECT_EQ(sink.skipped_rows[1].message, "row 3: 2 cells, but the header has 3 columns");
  EXPECT_EQ(sink.skipped_rows[2].message.rfind("row 4: the row's evidence", 0), 0u) << sink.skipped_rows[2].message;
  EXPECT_NE(sink.skipped_rows[2].message.find("probability zero"), std::string::npos);
  EXPECT_EQ(sink.skipped_rows[3].message, "row 5: variable 'asia' is 'no' in this row but given as 'yes'");
}

TEST(Batch, HeaderErrors) {
  const Model m = asia();
  BatchRunner runner(m, {});
  Collect sink;
  TableSource unknown({"asia", "Smoke"}, {});
  EXPECT_THROW((void)runner.run(unknown, sink), pgm::QueryError);
  TableSource twice({"asia", "tub", "asia"}, {});
  try {
    (void)runner.run(twice, sink);
    FAIL();
  } catch (const pgm::QueryError& e) {
    EXPECT_EQ(std::string(e.what()), "the columns: column 'asia' appears twice");
  }
  std::istringstream empty("");
  CsvSource csv(empty, "e.csv");
  EXPECT_THROW((void)runner.run(csv, sink), pgm::QueryError);
  std::istringstream header_only("tub,asia\n");
  CsvSource ho(header_only, "h.csv");
  EXPECT_EQ(runner.run(ho, sink).rows, 0u);
  EXPECT_TRUE(sink.rows.empty());
}

TEST(Batch, OptionsCheckedUpFront) {
  const Model m = asia();
  BatchOptions unknown_target;
  unknown_target.targets = {"lungs"};
  EXPECT_THROW(BatchRunner(m, unknown_target), pgm::QueryError);
  BatchOptions repeated;
  repeated.targets = {"lung", "lung"};
  EXPECT_THROW(BatchRunner(m, repeated), pgm::QueryError);
  BatchOptions bad_given;
  bad_given.given = {{"asia", "perhaps"}};
  EXPECT_THROW(BatchRunner(m, bad_given), pgm::QueryError);
  const Model g = Model::load(std::string(PGM_SOURCE_DIR) + "/models/bivariate.yaml");
  EXPECT_THROW(BatchRunner(g, {}), pgm::UnsupportedError);
}

// The CSV lines are the numbers printed shortest-round-trip, with the row number first.
TEST(Batch, CsvLinesRoundTrip) {
  const Model m = asia();
  const Rows d = sampled_rows(m, 40, 21, 0.5, {0, 1, 2});
  BatchOptions options;
  options.format_csv = true;
  const Collect got = run(m, options, d);
  for (std::size_t r = 0; r < d.rows.size(); ++r) {
    std::istringstream line(got.csv[r]);
    std::string cell;
    std::getline(line, cell, ',');
    EXPECT_EQ(cell, std::to_string(r + 1));
    for (double x : got.numbers[r]) {
      std::getline(line, cell, ',');
      EXPECT_EQ(std::stod(cell), x);
    }
    EXPECT_EQ(got.csv[r].back(), '\n');
  }
}

// Streaming: the reader is never more than queue_chunks × chunk_rows rows ahead of the sink, however
// many rows there are, so memory is bounded by the options and not by the input.
TEST(Batch, ReadAheadIsBounded) {
  const Model m = asia();
  struct Counting final : BatchSource {
    std::size_t read = 0, total = 20000;
    std::vector<std::string> header() override { return {"asia", "smoke"}; }
    bool next(std::vector<std::string_view>& cells, std::size_t& line) override {
      if (read == total) return false;
      static const std::string states[] = {"yes", "no", ""};
      cells = {states[read % 3], states[read / 3 % 3]};
      line = ++read + 1;
      return true;
    }
    std::string where(std::size_t row, std::size_t) const override { return "row " + std::to_string(row); }
  } source;
  struct Watch final : BatchSink {
    const Counting* source = nullptr;
    std::size_t delivered = 0, max_ahead = 0;
    void row(const BatchRow& r) override {
      EXPECT_EQ(r.row, ++delivered);
      max_ahead = std::max(max_ahead, source->read - delivered);
    }
  } sink;
  sink.source = &source;
  BatchOptions options;
  options.threads = 2;
  options.chunk_rows = 16;
  options.queue_chunks = 3;
  BatchRunner runner(m, options);
  EXPECT_EQ(runner.run(source, sink).written, 20000u);
  EXPECT_LE(sink.max_ahead, 3u * 16u);
  EXPECT_GT(sink.max_ahead, 0u);
}

// A bad row while later chunks are still being worked on: the run ends with the error, the workers
// are joined, and the rows before it were all delivered in order (nothing after it).
TEST(Batch, StopsCleanlyWithChunksInFlight) {
  const Model m = asia();
  Rows d = sampled_rows(m, 5000, 31, 0.5, {0, 2, 6});
  d.rows[1234][0] = "maybe";
  BatchOptions options;
  options.threads = 2;
  options.chunk_rows = 8;
  options.memo_entries = 0;
  BatchRunner runner(m, options);
  for (int round = 0; round < 20; ++round) {
    TableSource source(d.header, d.rows);
    Collect sink;
    EXPECT_THROW((void)runner.run(source, sink), pgm::QueryError);
    ASSERT_EQ(sink.rows.size(), 1234u);
    EXPECT_EQ(sink.rows.back(), 1234u);
  }
}

// A part of a larger input numbers its rows (and its messages) from first_row.
TEST(Batch, FirstRowNumbersRowsAndMessages) {
  const Model m = asia();
  BatchOptions options;
  options.first_row = 101;
  options.skip_bad_rows = true;
  options.mode = BatchMode::loglik;
  BatchRunner runner(m, options);
  TableSource source({"asia"}, {{"yes"}, {"maybe"}, {""}});
  Collect sink;
  const BatchSummary s = runner.run(source, sink);
  EXPECT_EQ(s.rows, 3u);
  EXPECT_EQ(sink.rows, (std::vector<std::size_t>{101, 103}));
  ASSERT_EQ(sink.skipped_rows.size(), 1u);
  EXPECT_EQ(sink.skipped_rows[0].message.rfind("row 102: unknown state 'maybe'", 0), 0u) << sink.skipped_rows[0].message;
}

}  // namespace
