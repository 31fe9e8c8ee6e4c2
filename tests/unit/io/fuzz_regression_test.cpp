// Inputs the libFuzzer harnesses (fuzz/) found to crash, hang or trip a sanitizer, kept under
// tests/data/fuzz/<format>/ and read here exactly as the harness read them: each must load or throw a
// pgm::Error (anything else escaping, or a crash, fails the suite), and a model that loads must survive
// the writer round trip unchanged. Files are listed when the tests run, so a new reproducer needs no
// edit here (fuzz/README.md).
#include "support/cli_runner.hpp"
#include "unit/io/format_test_util.hpp"

#include <pgm/core/error.hpp>
#include <pgm/io/bif.hpp>
#include <pgm/io/evidence.hpp>
#include <pgm/io/uai.hpp>
#include <pgm/io/xmlbif.hpp>
#include <pgm/io/yaml.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <typeinfo>
#include <variant>
#include <vector>

namespace pgm {
namespace {

namespace fs = std::filesystem;

// tests/data/fuzz/awaiting-fix.txt: reproducers ("format/file") of bugs another change fixes, skipped
// (saying so) until it is merged. Blank lines and `#` comments ignored; text after the name says why.
std::set<std::string> awaiting_fix() {
  std::set<std::string> names;
  std::ifstream in(fs::path(test::test_data()) / "fuzz" / "awaiting-fix.txt");
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string name;
    if (words >> name && name[0] != '#') names.insert(name);
  }
  return names;
}

// As the harnesses and the command line read models.
io::LoadOptions renormalizing() {
  io::LoadOptions options;
  options.renormalize = true;
  return options;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> reproducers(const std::string& format) {
  std::vector<fs::path> files;
  const fs::path dir = fs::path(test::test_data()) / "fuzz" / format;
  if (fs::is_directory(dir)) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Reads every reproducer of `format`; returns how many were run (skipped ones excluded).
std::size_t run_all(const std::string& format, const std::function<void(const std::string&)>& read) {
  std::size_t ran = 0;
  const std::set<std::string> skip = awaiting_fix();
  for (const fs::path& file : reproducers(format)) {
    const std::string key = format + "/" + file.filename().string();
    if (skip.count(key) != 0) {
      std::cout << "[ SKIPPED  ] " << key << ": awaiting the fix it reproduces\n";
      continue;
    }
    SCOPED_TRACE(file.string());
    ++ran;
    try {
      read(slurp(file));
    } catch (const Error&) {
      // a clear refusal is what bad input should get
    } catch (const std::exception& e) {
      ADD_FAILURE() << "non-pgm exception " << typeid(e).name() << ": " << e.what();
    }
  }
  return ran;
}

// What a model that did load was written as must read back: a refusal there is a failure, not the
// clear refusal run_all accepts for the reproducer itself.
template <class F>
void reads_back(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    ADD_FAILURE() << "a written model does not read back: " << e.what();
  }
}

TEST(FuzzRegression, Yaml) {
  (void)run_all("yaml", [](const std::string& text) {
    const ModelVariant m = io::read_yaml_string(text, "fuzz.yaml", renormalizing());
    reads_back([&] {
      if (const auto* bn = std::get_if<BayesianNetwork>(&m)) {
        EXPECT_TRUE(test::same_network(*bn, std::get<BayesianNetwork>(io::read_yaml_string(io::write_yaml(*bn), "w.yaml"))));
      } else if (const auto* mn = std::get_if<MarkovNetwork>(&m)) {
        EXPECT_TRUE(test::same_network(*mn, std::get<MarkovNetwork>(io::read_yaml_string(io::write_yaml(*mn), "w.yaml"))));
      }
    });
  });
}

TEST(FuzzRegression, Bif) {
  (void)run_all("bif", [](const std::string& text) {
    const BayesianNetwork bn = io::read_bif_string(text, "fuzz.bif", renormalizing());
    reads_back([&] { EXPECT_TRUE(test::same_network(bn, io::read_bif_string(io::write_bif(bn), "w.bif"))); });
  });
}

TEST(FuzzRegression, Xmlbif) {
  (void)run_all("xmlbif", [](const std::string& text) {
    const BayesianNetwork bn = io::read_xmlbif_string(text, "fuzz.xml", renormalizing());
    reads_back([&] { EXPECT_TRUE(test::same_network(bn, io::read_xmlbif_string(io::write_xmlbif(bn), "w.xml"))); });
  });
}

TEST(FuzzRegression, Uai) {
  (void)run_all("uai", [](const std::string& text) {
    const ModelVariant m = io::read_uai_string(text, "fuzz.uai", renormalizing());
    reads_back([&] {
      if (const auto* bn = std::get_if<BayesianNetwork>(&m)) {
        (void)io::read_uai_string(io::write_uai(*bn), "w.uai");
      } else if (const auto* mn = std::get_if<MarkovNetwork>(&m)) {
        EXPECT_TRUE(test::same_network(*mn, std::get<MarkovNetwork>(io::read_uai_string(io::write_uai(*mn), "w.uai"))));
      }
    });
  });
}

TEST(FuzzRegression, Evidence) {
  (void)run_all("evidence", [](const std::string& text) { (void)io::read_evidence_string(text, "fuzz.evid"); });
}

// --given is parsed by the command line, so its reproducers (one --given value per line) go through
// `pgm marginals`: a clear refusal (usage or query error) or an answer, never a crash or exit 1.
TEST(FuzzRegression, Given) {
  for (const fs::path& file : reproducers("given")) {
    SCOPED_TRACE(file.string());
    std::vector<std::string> args = {"marginals", PGM_SOURCE_DIR "/models/sprinkler.yaml"};
    std::istringstream lines(slurp(file));
    for (std::string line; std::getline(lines, line);) {
      args.push_back("--given");
      args.push_back(line);
    }
    const int code = testing::run_pgm(args).exit_code;
    EXPECT_TRUE(code == 0 || code == 2 || code == 4) << "exit code " << code;
  }
}

}  // namespace
}  // namespace pgm
