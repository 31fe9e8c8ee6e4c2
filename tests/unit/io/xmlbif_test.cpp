// XMLBIF 0.3 reader and writer.
#include "unit/io/format_test_util.hpp"

#include <pgm/core/error.hpp>
#include <pgm/io/load.hpp>
#include <pgm/io/xmlbif.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pgm {
namespace {

using io::read_xmlbif_file;
using io::read_xmlbif_string;

std::vector<double> table(const BayesianNetwork& bn, const std::string& name) { return bn.cpt_table(bn.id(name)); }

TEST(Xmlbif, DogProblemTablesListTheChildFastest) {
  const BayesianNetwork bn = read_xmlbif_file(test::test_data() + "/xmlbif/dog_problem.xml");
  EXPECT_EQ(bn.name(), "Dog-Problem");
  ASSERT_EQ(bn.size(), 5u);
  EXPECT_EQ(bn.variable(0).name, "light-on");
  // Charniak's dog problem: P(light-on | family-out) = 0.6, P(light-on | not family-out) = 0.05.
  EXPECT_EQ(table(bn, "light-on"), (std::vector<double>{0.6, 0.4, 0.05, 0.95}));
  // P(dog-out | bowel, family): (t,t) .99, (t,f) .97, (f,t) .9, (f,f) .3; bowel-problem listed first.
  const VariableId dog = bn.id("dog-out");
  ASSERT_EQ(bn.parents(dog).size(), 2u);
  EXPECT_EQ(bn.variable(bn.parents(dog)[0]).name, "bowel-problem");
  EXPECT_EQ(table(bn, "dog-out"), (std::vector<double>{0.99, 0.01, 0.97, 0.03, 0.9, 0.1, 0.3, 0.7}));
  EXPECT_EQ(table(bn, "family-out"), (std::vector<double>{0.15, 0.85}));
}

TEST(Xmlbif, LoadModelAcceptsXmlExtension) {
  const ModelVariant m = io::load_model(test::test_data() + "/xmlbif/dog_problem.xml");
  ASSERT_TRUE(std::holds_alternative<BayesianNetwork>(m));
  EXPECT_EQ(std::get<BayesianNetwork>(m).graph().num_edges(), 4u);
}

TEST(Xmlbif, EntitiesCdataAndCommentsAreUnderstood) {
  const BayesianNetwork bn = read_xmlbif_string(R"(<?xml version="1.0"?>
<BIF VERSION="0.3"><NETWORK><NAME>a &amp; b</NAME>
<!-- comment -->
<VARIABLE TYPE="nature"><NAME> x&lt;1 </NAME><OUTCOME>lo</OUTCOME><OUTCOME>hi &amp; dry</OUTCOME></VARIABLE>
<DEFINITION><FOR>x&lt;1</FOR><TABLE><![CDATA[0.125 0.875]]></TABLE></DEFINITION>
</NETWORK></BIF>)",
                                                "t.xml");
  EXPECT_EQ(bn.name(), "a & b");
  EXPECT_EQ(bn.variable(0).name, "x<1");  // surrounding whitespace is not part of a name
  EXPECT_EQ(bn.variable(0).states, (std::vector<std::string>{"lo", "hi & dry"}));
  EXPECT_EQ(bn.cpt_table(0), (std::vector<double>{0.125, 0.875}));
}

TEST(Xmlbif, MalformedXmlNamesLineAndColumn) {
  try {
    (void)read_xmlbif_string("<?xml version=\"1.0\"?>\n<BIF>\n<NETWORK>\n  <NAME>x</NAMEX>\n</NETWORK></BIF>\n",
                             "bad.xml");
    ADD_FAILURE() << "expected a ParseError";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.where().file, "bad.xml");
    EXPECT_EQ(e.where().line, 4);
    EXPECT_GT(e.where().column, 0);
    EXPECT_NE(std::string(e.what()).find("malformed XML"), std::string::npos) << e.what();
  }
}

TEST(XmlbifWriter, EscapesMarkupAndRoundTrips) {
  BayesianNetworkBuilder b("<net> & \"co\"");
  const VariableId a = b.add_variable("a<b", {"x&y", "'q'"});
  const VariableId c = b.add_variable("c", {"0", "1", "2"});
  b.set_cpt(a, {}, {0.1, 0.9});
  b.set_cpt(c, {a}, {0.2, 0.3, 0.5, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0});
  const BayesianNetwork bn = std::move(b).build();
  const std::string text = io::write_xmlbif(bn);
  EXPECT_NE(text.find("<NAME>a&lt;b</NAME>"), std::string::npos) << text;
  EXPECT_NE(text.find("<OUTCOME>x&amp;y</OUTCOME>"), std::string::npos) << text;
  // Our layout is XMLBIF's: parent configurations row-major, child fastest.
  EXPECT_NE(text.find("<TABLE>0.2 0.3 0.5 0.3333333333333333 0.3333333333333333 0.3333333333333333</TABLE>"),
            std::string::npos)
      << text;
  const BayesianNetwork back = read_xmlbif_string(text, "written.xml");
  EXPECT_EQ(back.name(), "<net> & \"co\"");
  EXPECT_TRUE(test::same_network(bn, back));
}

}  // namespace
}  // namespace pgm
