// A small deterministic "fuzz" test (no libFuzzer): small valid files are truncated at every k-th byte
// and mutated (bytes replaced, spans deleted or duplicated) with a fixed seed. Every read must either
// succeed or throw a pgm::Error — never crash, hang or throw anything else. When a mutant is accepted,
// writing it back out and reading that must give the same model (the writers emit only what the
// readers accept).
#include "unit/io/format_test_util.hpp"

#include <pgm/core/error.hpp>
#include <pgm/io/bif.hpp>
#include <pgm/io/evidence.hpp>
#include <pgm/io/uai.hpp>
#include <pgm/io/xmlbif.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <typeinfo>

namespace pgm {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Calls read(text) on the original, its truncations and random mutants; returns how many were accepted.
std::size_t fuzz(const std::string& original, const std::function<void(const std::string&)>& read,
                 std::uint32_t seed, int mutants) {
  std::size_t accepted = 0;
  const auto attempt = [&](const std::string& text) {
    try {
      read(text);
      ++accepted;
    } catch (const Error&) {
      // expected for most mutants
    } catch (const std::exception& e) {
      ADD_FAILURE() << "non-pgm exception " << typeid(e).name() << ": " << e.what() << "\n--- input ---\n" << text;
    }
  };
  attempt(original);
  const std::size_t step = std::max<std::size_t>(1, original.size() / 150);
  for (std::size_t cut = 0; cut < original.size(); cut += step) attempt(original.substr(0, cut));

  std::mt19937 rng(seed);
  static const std::string alphabet = "0123456789.-+eE{}()[];,|\"'<>/&=#*\\ \t\n\rabcxyzTABLEprobability";
  for (int i = 0; i < mutants; ++i) {
    std::string text = original;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < edits && !text.empty(); ++k) {
      const std::size_t at = rng() % text.size();
      switch (rng() % 4) {
        case 0:
          text[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          text[at] = static_cast<char>(rng() % 256);  // any byte, including NUL and non-UTF-8
          break;
        case 2:
          text.erase(at, 1 + rng() % 8);
          break;
        default:
          text.insert(at, text.substr(at, 1 + rng() % 16));
          break;
      }
    }
    attempt(text);
  }
  return accepted;
}

const std::string kAsia = R"(network unknown {
}
variable asia {
  type discrete [ 2 ] { yes, no };
}
variable tub {
  type discrete [ 2 ] { yes, no };
  property weight = None ;
}
variable "either" {
  type discrete [ 2 ] { yes, no };
}
probability ( asia ) {
  table 0.01, 0.99;
}
probability ( tub | asia ) {
  (yes) 0.05, 0.95;
  (no) 0.01, 0.99;
}
probability ( either | tub, asia ) { // a comment
  default 0.5, 0.5;
  (yes, yes) 1.0, 0.0;
  (no, no) 0.0, 1.0;
}
)";

TEST(FuzzFormats, BifReaderNeverCrashes) {
  const std::size_t ok = fuzz(
      kAsia,
      [](const std::string& text) {
        const BayesianNetwork bn = io::read_bif_string(text, "fuzz.bif");
        EXPECT_TRUE(test::same_network(bn, io::read_bif_string(io::write_bif(bn), "rewritten.bif")));
      },
      20261129u, 1500);
  EXPECT_GT(ok, 1u);  // the original, at least, is valid
}

TEST(FuzzFormats, XmlbifReaderNeverCrashes) {
  const std::string original = slurp(test::test_data() + "/xmlbif/dog_problem.xml");
  ASSERT_FALSE(original.empty());
  const std::size_t ok = fuzz(
      original,
      [](const std::string& text) {
        const BayesianNetwork bn = io::read_xmlbif_string(text, "fuzz.xml");
        EXPECT_TRUE(test::same_network(bn, io::read_xmlbif_string(io::write_xmlbif(bn), "rewritten.xml")));
      },
      7u, 1500);
  EXPECT_GT(ok, 1u);
}

TEST(FuzzFormats, UaiReaderNeverCrashes) {
  for (const char* file : {"/uai/tiny_bayes.uai", "/uai/unsorted_scope.uai"}) {
    const std::string original = slurp(test::test_data() + file);
    ASSERT_FALSE(original.empty());
    const std::size_t ok = fuzz(
        original,
        [](const std::string& text) {
          const ModelVariant m = io::read_uai_string(text, "fuzz.uai");
          if (const auto* bn = std::get_if<BayesianNetwork>(&m)) {
            (void)io::read_uai_string(io::write_uai(*bn), "rewritten.uai");
          } else if (const auto* mn = std::get_if<MarkovNetwork>(&m)) {
            EXPECT_TRUE(test::same_network(*mn, std::get<MarkovNetwork>(io::read_uai_string(io::write_uai(*mn), "r.uai"))));
          }
        },
        99u, 1000);
    EXPECT_GT(ok, 1u) << file;
  }
}

TEST(FuzzFormats, EvidenceReaderNeverCrashes) {
  (void)fuzz("1\n3 10 0 13 1 16 2\n", [](const std::string& t) { (void)io::read_evidence_string(t, "f.evid"); }, 5u,
             500);
  (void)fuzz("# c\nRain = TRUE\nSprinkler=FALSE, Cloudy=TRUE\n",
             [](const std::string& t) { (void)io::read_evidence_string(t, "f.txt"); }, 6u, 500);
}

}  // namespace
}  // namespace pgm
