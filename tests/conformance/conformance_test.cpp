// Conformance on the shared networks (../shared/networks, see SOURCES.md there):
// - every UAI 2014 instance with a verified solution: junction-tree marginals against the published
//   .MAR (given to ~6 significant digits) and log10 P(e) against the published .PR;
// - every bnlearn BIF network whose junction tree fits: junction-tree marginals, without evidence
//   and with seeded forward-sampled evidence, against variable elimination on sampled targets, and
//   for networks whose joint has at most 2^20 entries against brute-force enumeration too.
// Each network prints one line: name, nodes, treewidth, clique entries, max error, time.
// Instances whose tables exceed the memory limit must be refused with LimitError, not crash.
#include <pgm/core/error.hpp>
#include <pgm/inference/forward_sampling.hpp>
#include <pgm/inference/junction_tree.hpp>
#include <pgm/inference/variable_elimination.hpp>
#include <pgm/io/evidence.hpp>
#include <pgm/io/load.hpp>

#include "support/enumeration_oracle.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace fs = std::filesystem;

namespace {

const fs::path kShared = PGM_SHARED_DIR "/networks";
// A third of the 24 GiB machine (ctest may run two at once); instances over it are refused with a clear LimitError.
constexpr std::size_t kMaxMemory = std::size_t{8} << 30;

std::vector<std::string> stems(const fs::path& dir, const std::string& ext) {
  std::vector<std::string> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ext) out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

// gtest names allow only [A-Za-z0-9_].
std::string test_name(std::string s) {
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

void report(const std::string& name, std::size_t nodes, std::size_t width, std::size_t entries, double err,
            double seconds, const std::string& note = "") {
  std::printf("conformance %-20s nodes %5zu  treewidth %3zu  clique entries %12zu  max error %9.2e  time %8.3f s %s\n",
              name.c_str(), nodes, width, entries, err, seconds, note.c_str());
  std::fflush(stdout);
}

// Published marginals: "MAR", then n, then per variable its cardinality and probabilities.
std::vector<std::vector<double>> read_mar(const fs::path& p) {
  std::ifstream in(p);
  std::string tag;
  in >> tag;
  std::size_t n = 0;
  in >> n;
  std::vector<std::vector<double>> out(n);
  for (auto& m : out) {
    std::size_t k = 0;
    in >> k;
    m.resize(k);
    for (auto& x : m) in >> x;
  }
  if (!in) throw std::runtime_error("cannot read " + p.string());
  return out;
}

double read_pr(const fs::path& p) {
  std::ifstream in(p);
  std::string tag;
  double v = 0;
  in >> tag >> v;
  if (!in) throw std::runtime_error("cannot read " + p.string());
  return v;
}

class UaiConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(UaiConformance, MarginalsAndPartitionFunctionMatchPublishedSolutions) {
  const std::string name = GetParam();
  const fs::path base = kShared / "uai" / (name + ".uai");
  const auto t0 = std::chrono::steady_clock::now();
  const pgm::Model model = pgm::io::load_model(base.string());
  const auto& mn = std::get<pgm::MarkovNetwork>(model);
  pgm::Evidence e;
  if (fs::exists(base.string() + ".evid"))
    e = mn.evidence(pgm::io::read_evidence_file(base.string() + ".evid"));
  pgm::JunctionTreeOptions opt;
  opt.max_memory_bytes = kMaxMemory;
  std::optional<pgm::JunctionTree> jt;
  try {
    jt.emplace(mn, opt);
  } catch (const pgm::LimitError& err) {
    // A clear refusal with the figure is the accepted answer for instances too wide for memory.
    EXPECT_NE(std::string(err.what()).find("MiB"), std::string::npos) << err.what();
    report(name, mn.size(), 0, 0, 0, 0, "refused: " + std::string(err.what()).substr(0, 80));
    return;
  }
  const auto cal = jt->calibrate(e);
  double err = 0;
  if (fs::exists(base.string() + ".MAR")) {
    const auto mar = read_mar(base.string() + ".MAR");
    ASSERT_EQ(mar.size(), mn.size());
    for (pgm::VariableId v = 0; v < mn.size(); ++v) {
      const auto m = cal.marginal(v);
      ASSERT_EQ(m.size(), mar[v].size()) << "variable " << v;
      for (std::size_t s = 0; s < m.size(); ++s) {
        // Published to ~6 significant digits: allow rounding of the 6th decimal place.
        EXPECT_NEAR(m.values()[s], mar[v][s], 2e-6 + 1e-5 * mar[v][s]) << name << " variable " << v << " state " << s;
        err = std::max(err, std::abs(m.values()[s] - mar[v][s]));
      }
    }
  }
  if (fs::exists(base.string() + ".PR")) {
    const double pr = read_pr(base.string() + ".PR");
    const double ours = cal.log_probability_of_evidence() / std::log(10.0);
    // ~6 significant digits published.
    EXPECT_NEAR(ours, pr, 1e-4 + 5e-6 * std::abs(pr)) << name;
    err = std::max(err, std::abs(ours - pr));
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  report(name, mn.size(), jt->treewidth(), jt->total_clique_size(), err, secs);
}

INSTANTIATE_TEST_SUITE_P(Uai2014, UaiConformance, ::testing::ValuesIn(stems(kShared / "uai", ".uai")),
                         [](const auto& info) { return test_name(info.param); });

class BifConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(BifConformance, JunctionTreeAgreesWithVariableElimination) {
  const std::string name = GetParam();
  const auto t0 = std::chrono::steady_clock::now();
  // bnlearn columns sum to 1 only within ~1e-8; rescaled on load, VE's barren-node pruning and the
  // junction tree (which keeps every CPT) agree to rounding.
  pgm::io::LoadOptions load;
  load.renormalize = true;
  const pgm::Model model = pgm::io::load_model((kShared / "bif" / (name + ".bif")).string(), load);
  const auto& bn = std::get<pgm::BayesianNetwork>(model);
  pgm::JunctionTreeOptions opt;
  opt.max_memory_bytes = kMaxMemory;
  std::optional<pgm::JunctionTree> jt;
  try {
    jt.emplace(bn, opt);
  } catch (const pgm::LimitError& err) {
    report(name, bn.size(), 0, 0, 0, 0, "refused: " + std::string(err.what()).substr(0, 80));
    return;
  }
  const pgm::VariableElimination ve(bn);
  const pgm::ForwardSampler sampler(bn);
  std::optional<pgm::testing::EnumerationOracle> oracle;
  try {
    oracle.emplace(bn, std::size_t{1} << 20);
  } catch (const std::length_error&) {
    // joint too large to enumerate: VE is the reference
  }
  std::mt19937_64 rng(20261129);
  double err = 0;
  for (int set = 0; set < 3; ++set) {
    pgm::Evidence e;
    if (set > 0) {
      const auto x = sampler.sample(rng);
      for (pgm::VariableId v = 0; v < bn.size(); ++v)
        if (rng() % 10 == 0) e.emplace_back(v, x[v]);
    }
    const auto cal = jt->calibrate(e);
    // Small networks: every marginal and P(e) against brute-force enumeration of the joint, which
    // shares no code with either engine.
    if (oracle) {
      const auto expected = oracle->marginals(e);
      ASSERT_FALSE(expected.empty());
      for (pgm::VariableId v = 0; v < bn.size(); ++v) {
        const auto m = cal.marginal(v);
        for (std::size_t s = 0; s < m.size(); ++s) {
          EXPECT_NEAR(m.values()[s], expected[v][s], 1e-12) << name << " " << bn.variable(v).name;
          err = std::max(err, std::abs(m.values()[s] - expected[v][s]));
        }
      }
      EXPECT_NEAR(cal.probability_of_evidence(), oracle->probability_of_evidence(e), 1e-12) << name;
    }
    // P(e) from both engines, then a sample of targets (all of them on small networks).
    const double lpe = ve.log_probability_of_evidence(e);
    EXPECT_NEAR(cal.log_probability_of_evidence(), lpe, 1e-9 * (1 + std::abs(lpe))) << name;
    const std::size_t targets = std::min<std::size_t>(bn.size(), 12);
    for (std::size_t t = 0; t < targets; ++t) {
      const auto v = static_cast<pgm::VariableId>(bn.size() <= 12 ? t : rng() % bn.size());
      const auto a = cal.marginal(v);
      const auto b = ve.marginal(v, e);
      ASSERT_EQ(a.size(), b.size());
      for (std::size_t s = 0; s < a.size(); ++s) {
        EXPECT_NEAR(a.values()[s], b.values()[s], 1e-11) << name << " " << bn.variable(v).name;
        err = std::max(err, std::abs(a.values()[s] - b.values()[s]));
      }
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  report(name, bn.size(), jt->treewidth(), jt->total_clique_size(), err, secs, oracle ? "(also vs enumeration)" : "");
}

INSTANTIATE_TEST_SUITE_P(Bnlearn, BifConformance, ::testing::ValuesIn(stems(kShared / "bif", ".bif")),
                         [](const auto& info) { return test_name(info.param); });

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(UaiConformance);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(BifConformance);

}  // namespace
