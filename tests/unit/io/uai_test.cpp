// UAI reader and writer: layouts of unsorted scopes, BAYES child-last convention, the UAI 2014 instances.
#include "unit/io/format_test_util.hpp"

#include <pgm/core/error.hpp>
#include <pgm/core/size.hpp>
#include <pgm/inference/variable_elimination.hpp>
#include <pgm/io/evidence.hpp>
#include <pgm/io/load.hpp>
#include <pgm/io/uai.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

namespace pgm {
namespace {

using io::read_uai_file;
using io::read_uai_string;
using test::shared_networks;
using test::test_data;

MarkovNetwork markov(const ModelVariant& m) {
  EXPECT_TRUE(std::holds_alternative<MarkovNetwork>(m));
  return std::get<MarkovNetwork>(m);
}

TEST(Uai, UnsortedScopesAreLaidOutLastListedFastest) {
  const MarkovNetwork mn = markov(read_uai_file(test_data() + "/uai/unsorted_scope.uai"));
  ASSERT_EQ(mn.size(), 3u);
  EXPECT_EQ(mn.variable(1).name, "1");
  EXPECT_EQ(mn.variable(1).states, (std::vector<std::string>{"0", "1", "2"}));
  ASSERT_EQ(mn.factors().size(), 2u);
  EXPECT_EQ(std::vector<VariableId>(mn.scope(0).begin(), mn.scope(0).end()), (std::vector<VariableId>{1, 0}));
  // Scope "1 0", table 1..6 with variable 0 fastest: phi(x0=a, x1=b) = 1 + a + 2b.
  const Factor& f0 = mn.factors()[0];
  for (std::size_t a = 0; a < 2; ++a) {
    for (std::size_t b = 0; b < 3; ++b) {
      const std::array<std::size_t, 2> states{a, b};  // factor order is by id: x0, x1
      EXPECT_EQ(f0.at(states), static_cast<double>(1 + a + 2 * b)) << a << "," << b;
    }
  }
  // Scope "2 1" (tab-separated): phi(x1=b, x2=c) = table[3c + b] of 0.5 0 2 1.5 1e-3 7.
  const std::array<double, 6> t{0.5, 0, 2, 1.5, 1e-3, 7};
  const Factor& f1 = mn.factors()[1];
  for (std::size_t b = 0; b < 3; ++b) {
    for (std::size_t c = 0; c < 2; ++c) {
      const std::array<std::size_t, 2> states{b, c};
      EXPECT_EQ(f1.at(states), t[3 * c + b]);
    }
  }
}

TEST(Uai, BayesTakesTheLastScopeVariableAsChild) {
  const ModelVariant m = read_uai_file(test_data() + "/uai/tiny_bayes.uai");
  ASSERT_TRUE(std::holds_alternative<BayesianNetwork>(m));
  const BayesianNetwork& bn = std::get<BayesianNetwork>(m);
  ASSERT_EQ(bn.size(), 3u);
  EXPECT_EQ(std::vector<VariableId>(bn.parents(2).begin(), bn.parents(2).end()), (std::vector<VariableId>{0, 1}));
  EXPECT_EQ(bn.cpt_table(1), (std::vector<double>{0.9, 0.1, 0.2, 0.8}));
  // P(x2=0) = .3*.9*.1 + .3*.1*.3 + .7*.2*.5 + .7*.8*1 = .027 + .009 + .07 + .56 = .666
  const VariableElimination ve(bn);
  EXPECT_NEAR(ve.marginal(2, {}).values()[0], 0.666, 1e-12);
  // P(x2=0 | x0=1) = .2*.5 + .8*1 = .9; evidence named the UAI way ("0" = "1").
  const std::vector<std::pair<std::string, std::string>> given{{"0", "1"}};
  EXPECT_NEAR(ve.marginal(2, bn.evidence(given)).values()[0], 0.9, 1e-12);
}

// Shapes from shared/networks/SOURCES.md ("UAI instance summary"), checked there independently.
struct UaiFigures {
  const char* file;
  std::size_t variables, max_card, factors, max_scope, evidence;
};

class SharedUai : public ::testing::TestWithParam<UaiFigures> {};

TEST_P(SharedUai, MatchesTheInstanceSummary) {
  const UaiFigures& f = GetParam();
  const std::string path = shared_networks() + "/uai/" + f.file;
  PGM_REQUIRE_SHARED(path);
  const MarkovNetwork mn = markov(read_uai_file(path));
  std::size_t max_card = 0, max_scope = 0;
  for (const Variable& v : mn.variables().all()) max_card = std::max(max_card, v.cardinality());
  for (std::size_t i = 0; i < mn.factors().size(); ++i) max_scope = std::max(max_scope, mn.scope(i).size());
  EXPECT_EQ(mn.size(), f.variables);
  EXPECT_EQ(max_card, f.max_card);
  EXPECT_EQ(mn.factors().size(), f.factors);
  EXPECT_EQ(max_scope, f.max_scope);
  const auto evidence = io::read_evidence_file(path + ".evid");
  EXPECT_EQ(evidence.size(), f.evidence);
  EXPECT_NO_THROW((void)mn.evidence(evidence));  // indices and states in range
}

INSTANTIATE_TEST_SUITE_P(Uai2014, SharedUai,
                         ::testing::Values(UaiFigures{"Grids_11.uai", 100, 2, 300, 2, 0},
                                           UaiFigures{"Grids_12.uai", 100, 2, 280, 2, 0},
                                           UaiFigures{"Grids_15.uai", 400, 2, 1160, 2, 0},
                                           UaiFigures{"DBN_11.uai", 40, 2, 440, 2, 0},
                                           UaiFigures{"DBN_14.uai", 40, 2, 440, 2, 0},
                                           UaiFigures{"CSP_11.uai", 82, 4, 462, 2, 0},
                                           UaiFigures{"CSP_12.uai", 67, 4, 271, 3, 0},
                                           UaiFigures{"Pedigree_11.uai", 385, 3, 385, 4, 37},
                                           UaiFigures{"Pedigree_13.uai", 385, 3, 385, 4, 37},
                                           UaiFigures{"Promedus_11.uai", 461, 2, 461, 3, 8},
                                           UaiFigures{"Promedus_24.uai", 200, 2, 200, 3, 4},
                                           UaiFigures{"Promedus_30.uai", 306, 2, 306, 3, 13},
                                           UaiFigures{"Segmentation_11.uai", 228, 2, 845, 2, 0},
                                           UaiFigures{"Segmentation_12.uai", 229, 2, 851, 2, 0},
                                           UaiFigures{"ObjectDetection_11.uai", 60, 11, 225, 2, 0},
                                           UaiFigures{"ObjectDetection_28.uai", 60, 11, 210, 2, 0},
                                           UaiFigures{"c432.isc.cnf.uai", 196, 2, 514, 10, 0},
                                           UaiFigures{"linkage_16.uai", 402, 5, 402, 4, 0},
                                           UaiFigures{"linkage_21.uai", 437, 5, 437, 4, 0},
                                           UaiFigures{"Alchemy_11.uai", 440, 2, 860, 3, 0}),
                         [](const auto& info) {
                           std::string name = info.param.file;
                           name = name.substr(0, name.find(".uai"));
                           std::replace(name.begin(), name.end(), '.', '_');
                           return name;
                         });

// The reader's layout checked against a published number: log10 Z of CSP_12 (unsorted 3-variable
// scopes) is 16.453572 by the independent check in SOURCES.md (competition value 16.4536).
TEST(Uai, Csp12PartitionFunctionMatchesReference) {
  const std::string path = shared_networks() + "/uai/CSP_12.uai";
  PGM_REQUIRE_SHARED(path);
  const MarkovNetwork mn = markov(read_uai_file(path));
  const VariableElimination ve(mn);
  EXPECT_NEAR(ve.log_probability_of_evidence({}) / std::log(10.0), 16.453572, 1e-6);
}

// Evidence from a .evid file: Promedus_24, log10 P(e) = -5.861811 (SOURCES.md; published -5.86181).
TEST(Uai, Promedus24EvidenceProbabilityMatchesReference) {
  const std::string path = shared_networks() + "/uai/Promedus_24.uai";
  PGM_REQUIRE_SHARED(path);
  const MarkovNetwork mn = markov(read_uai_file(path));
  const Evidence e = mn.evidence(io::read_evidence_file(path + ".evid"));
  const VariableElimination ve(mn);
  EXPECT_NEAR(ve.log_probability_of_evidence(e) / std::log(10.0), -5.861811, 1e-6);
}

TEST(Uai, ZeroArityFactorsAndUnusedVariables) {
  const std::string path = shared_networks() + "/uai/unverified/sat-grid-pbl-0010.cnf.uai";
  PGM_REQUIRE_SHARED(path);
  // 110 variables, 191 functions of which 118 have an empty scope (SOURCES.md).
  const MarkovNetwork mn = markov(read_uai_file(path));
  EXPECT_EQ(mn.size(), 110u);
  EXPECT_EQ(mn.factors().size(), 191u);
  std::size_t empty = 0;
  for (std::size_t i = 0; i < mn.factors().size(); ++i) empty += mn.scope(i).empty() ? 1 : 0;
  EXPECT_EQ(empty, 118u);
}

TEST(UaiWriter, MarkovKeepsScopeOrderAndExactValues) {
  const std::string text = "MARKOV\n2\n2 3\n1\n2 1 0\n\n6\n 0.1 0.2 0.30000000000000004 4 5e-300 6\n";
  const MarkovNetwork mn = markov(read_uai_string(text, "m.uai"));
  const std::string written = io::write_uai(mn);
  EXPECT_EQ(written, "MARKOV\n2\n2 3\n1\n2 1 0\n\n6\n 0.1 0.2 0.30000000000000004 4 5e-300 6\n");
  EXPECT_TRUE(test::same_network(mn, markov(read_uai_string(written, "w.uai"))));
}

TEST(UaiWriter, BayesListsParentsThenChild) {
  BayesianNetworkBuilder b;
  const VariableId x = b.add_variable("x", {"a", "b"});
  const VariableId y = b.add_variable("y", {"a", "b", "c"});
  b.set_cpt(x, {y}, {0.5, 0.5, 0.25, 0.75, 1, 0});
  b.set_cpt(y, {}, {0.2, 0.3, 0.5});
  const BayesianNetwork bn = std::move(b).build();
  EXPECT_EQ(io::write_uai(bn),
            "BAYES\n2\n2 3\n2\n2 1 0\n1 1\n\n6\n 0.5 0.5 0.25 0.75 1 0\n\n3\n 0.2 0.3 0.5\n");
  const ModelVariant back = read_uai_string(io::write_uai(bn), "w.uai");
  ASSERT_TRUE(std::holds_alternative<BayesianNetwork>(back));
  EXPECT_EQ(std::get<BayesianNetwork>(back).cpt_table(0), bn.cpt_table(0));
  EXPECT_EQ(std::get<BayesianNetwork>(back).cpt_table(1), bn.cpt_table(1));
}

// A variable in no function may have more states than the file has bytes (22 states in a 16-byte
// file: what the writer makes of it must read back), but the states of all variables are bounded
// (each gets a name): 2^22 + 2^22 states in a tiny file are refused at the second count.
TEST(Uai, CardinalitiesAreBoundedInTotalNotByTheFileSize) {
  const ModelVariant m = read_uai_string("MARKOV\n2\n2 22\n0\n", "iso.uai");
  EXPECT_EQ(std::get<MarkovNetwork>(m).variable(1).cardinality(), 22u);
  try {
    (void)read_uai_string("MARKOV\n2\n4194304 4194304\n0\n", "many.uai");
    ADD_FAILURE() << "2^23 states in all must be refused";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.where().line, 3);
    EXPECT_NE(std::string(e.what()).find("8388608 states in all"), std::string::npos) << e.what();
  }
}

// One variable's states cost a number each in any answer: a cardinality over the memory limit is refused
// at its position before 3.4 million names are made (a 21-byte fuzz input took 15 s under ASan).
TEST(Uai, ACardinalityOverTheMemoryLimitIsRefusedWhereItIsWritten) {
  const std::size_t saved = max_table_bytes();
  set_max_table_bytes(std::size_t{8} << 20);  // 8 MiB = 1,048,576 doubles
  try {
    (void)read_uai_string("MARKOV\n2\n4 1048577\n0\n", "wide.uai");
    ADD_FAILURE() << "1,048,577 states must be refused under an 8 MiB limit";
  } catch (const LimitError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("wide.uai:3:3"), std::string::npos) << what;
    EXPECT_NE(what.find("variable 1"), std::string::npos) << what;
    EXPECT_NE(what.find("1048577 entries"), std::string::npos) << what;
  }
  EXPECT_EQ(std::get<MarkovNetwork>(read_uai_string("MARKOV\n2\n4 1048576\n0\n", "fits.uai")).variable(1).cardinality(),
            1048576u);
  set_max_table_bytes(saved);
}

}  // namespace
}  // namespace pgm
