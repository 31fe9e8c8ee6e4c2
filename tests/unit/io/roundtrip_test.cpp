// Round trips between formats keep every number bit-for-bit: BIF -> YAML -> BIF, BIF -> XMLBIF -> BIF,
// BIF -> BIF, UAI -> YAML -> UAI. Bit-identical models give identical answers; one query checks that.
#include "unit/io/format_test_util.hpp"

#include <pgm/inference/variable_elimination.hpp>
#include <pgm/io/bif.hpp>
#include <pgm/io/uai.hpp>
#include <pgm/io/xmlbif.hpp>
#include <pgm/io/yaml.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace pgm {
namespace {

// Round trips compare the numbers exactly, so nothing is rescaled on the way in.
const io::LoadOptions kAsWritten{.format = io::Format::automatic, .renormalize = false};

using test::same_network;
using test::shared_networks;

BayesianNetwork bn_of(const ModelVariant& m) {
  EXPECT_TRUE(std::holds_alternative<BayesianNetwork>(m));
  return std::get<BayesianNetwork>(m);
}
MarkovNetwork mn_of(const ModelVariant& m) {
  EXPECT_TRUE(std::holds_alternative<MarkovNetwork>(m));
  return std::get<MarkovNetwork>(m);
}

// Every shared BIF file makes every round trip; the largest (mildew, diabetes) take a few seconds of
// yaml-cpp time in a Release build, so all of them run in CI too (there used to be an opt-in
// PGM_FULL_ROUNDTRIP for the larger ones).
class BifRoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(BifRoundTrip, EveryCptNumberSurvives) {
  const std::string path = shared_networks() + "/bif/" + GetParam();
  PGM_REQUIRE_SHARED(path);
  const BayesianNetwork original = io::read_bif_file(path, kAsWritten);

  const std::string bif = io::write_bif(original);
  EXPECT_TRUE(same_network(original, io::read_bif_string(bif, "written.bif", kAsWritten))) << "BIF -> BIF";

  // A model bit-identical to the original writes the same BIF text, which was just read back.
  const BayesianNetwork via_xml = io::read_xmlbif_string(io::write_xmlbif(original), "written.xmlbif", kAsWritten);
  EXPECT_TRUE(same_network(original, via_xml)) << "BIF -> XMLBIF";
  EXPECT_EQ(io::write_bif(via_xml), bif) << "BIF -> XMLBIF -> BIF";

  const BayesianNetwork via_yaml = bn_of(io::read_yaml_string(io::write_yaml(original), "written.yaml", kAsWritten));
  EXPECT_TRUE(same_network(original, via_yaml)) << "BIF -> YAML";
  EXPECT_EQ(io::write_bif(via_yaml), bif) << "BIF -> YAML -> BIF";
}

INSTANTIATE_TEST_SUITE_P(Shared, BifRoundTrip,
                         ::testing::Values("alarm.bif", "andes.bif", "asia.bif", "barley.bif", "cancer.bif",
                                           "child.bif", "diabetes.bif", "earthquake.bif", "hailfinder.bif",
                                           "hepar2.bif", "insurance.bif", "link.bif", "mildew.bif", "munin.bif",
                                           "munin1.bif", "munin2.bif", "munin3.bif", "munin4.bif",
                                           "pathfinder.bif", "pigs.bif", "sachs.bif", "survey.bif", "water.bif",
                                           "win95pts.bif", "sprinkler.bif", "sprinkler_property.bif",
                                           "sprinkler_quoted.bif"),
                         [](const auto& info) {
                           const std::string name = info.param;
                           return name.substr(0, name.find('.'));
                         });

TEST(BifRoundTrip, AnswersOnTheConvertedModelAreIdentical) {
  const std::string path = shared_networks() + "/bif/alarm.bif";
  PGM_REQUIRE_SHARED(path);
  const BayesianNetwork original = io::read_bif_file(path, kAsWritten);
  const BayesianNetwork converted =
      io::read_bif_string(io::write_bif(bn_of(io::read_yaml_string(io::write_yaml(original), "a.yaml", kAsWritten))), "a.bif", kAsWritten);
  const std::vector<std::pair<std::string, std::string>> given{{"HRBP", "HIGH"}, {"CVP", "LOW"}};
  const VariableElimination a(original);
  const VariableElimination b(converted);
  const Factor pa = a.marginal(original.id("LVFAILURE"), original.evidence(given));
  const Factor pb = b.marginal(converted.id("LVFAILURE"), converted.evidence(given));
  EXPECT_TRUE(test::bitwise_equal(std::vector<double>(pa.values().begin(), pa.values().end()),
                                  std::vector<double>(pb.values().begin(), pb.values().end())));
}

class UaiRoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(UaiRoundTrip, EveryFactorNumberSurvives) {
  const std::string path = shared_networks() + "/uai/" + GetParam();
  PGM_REQUIRE_SHARED(path);
  const MarkovNetwork original = mn_of(io::read_uai_file(path, kAsWritten));
  const std::string uai = io::write_uai(original);
  const MarkovNetwork via_uai = mn_of(io::read_uai_string(uai, "written.uai", kAsWritten));
  EXPECT_TRUE(same_network(original, via_uai)) << "UAI -> UAI";

  const MarkovNetwork via_yaml = mn_of(io::read_yaml_string(io::write_yaml(original), "written.yaml", kAsWritten));
  EXPECT_TRUE(same_network(original, via_yaml)) << "UAI -> YAML";
  EXPECT_EQ(io::write_uai(via_yaml), uai) << "UAI -> YAML -> UAI";
}

INSTANTIATE_TEST_SUITE_P(Shared, UaiRoundTrip,
                         ::testing::Values("Grids_11.uai", "DBN_11.uai", "CSP_11.uai", "CSP_12.uai",
                                           "Pedigree_11.uai", "Promedus_11.uai", "Segmentation_11.uai",
                                           "ObjectDetection_11.uai", "c432.isc.cnf.uai", "linkage_16.uai",
                                           "Alchemy_11.uai"),
                         [](const auto& info) {
                           std::string name = info.param;
                           name = name.substr(0, name.find(".uai"));
                           std::replace(name.begin(), name.end(), '.', '_');
                           return name;
                         });

TEST(UaiRoundTrip, BayesianNetworkThroughUaiKeepsNumbers) {
  const std::string path = shared_networks() + "/bif/insurance.bif";
  PGM_REQUIRE_SHARED(path);
  const BayesianNetwork original = io::read_bif_file(path, kAsWritten);
  const BayesianNetwork back = bn_of(io::read_uai_string(io::write_uai(original), "i.uai", kAsWritten));
  // UAI keeps no names, but the structure and every number survive.
  ASSERT_EQ(back.size(), original.size());
  for (VariableId v = 0; v < original.size(); ++v) {
    EXPECT_EQ(back.variable(v).cardinality(), original.variable(v).cardinality());
    const auto po = original.parents(v);
    const auto pb = back.parents(v);
    EXPECT_TRUE(std::equal(po.begin(), po.end(), pb.begin(), pb.end()));
    EXPECT_TRUE(test::bitwise_equal(original.cpt_table(v), back.cpt_table(v)));
  }
}

}  // namespace
}  // namespace pgm
