#include <pgm/core/error.hpp>
#include <pgm/core/variable.hpp>

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace pgm {
namespace {

using Assignments = std::vector<std::pair<std::string, std::string>>;

// Runs f, expecting E; returns what().
template <class E, class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected exception was not thrown";
  return {};
}

VariableSet weather() {
  VariableSet vars;
  vars.add({"Season", {"winter", "summer"}});
  vars.add({"Rain", {"no", "yes"}});
  vars.add({"Wind", {"calm", "breeze", "gale"}});
  return vars;
}

TEST(Variable, FindsStatesByName) {
  const Variable v{"Wind", {"calm", "breeze", "gale"}};
  EXPECT_EQ(v.cardinality(), 3u);
  EXPECT_EQ(v.find_state("gale"), std::optional<std::size_t>(2));
  EXPECT_EQ(v.find_state("storm"), std::nullopt);
  EXPECT_EQ(v.state_index("breeze"), 1u);
}

TEST(Variable, UnknownStateListsTheStates) {
  const Variable v{"Wind", {"calm", "breeze", "gale"}};
  const std::string m = message_of<QueryError>([&] { (void)v.state_index("storm"); });
  EXPECT_NE(m.find("storm"), std::string::npos) << m;
  EXPECT_NE(m.find("calm"), std::string::npos) << m;
  EXPECT_NE(m.find("breeze"), std::string::npos) << m;
  EXPECT_NE(m.find("gale"), std::string::npos) << m;
}

TEST(VariableSet, IdsAreDenseInDeclarationOrder) {
  VariableSet vars;
  EXPECT_TRUE(vars.empty());
  EXPECT_EQ(vars.add({"B", {"b0", "b1"}}), 0u);
  EXPECT_EQ(vars.add({"A", {"a0", "a1", "a2"}}), 1u);
  EXPECT_EQ(vars.size(), 2u);
  EXPECT_EQ(vars[1].name, "A");
  EXPECT_EQ(vars.find("B"), std::optional<VariableId>(0));
  EXPECT_EQ(vars.find("C"), std::nullopt);
  EXPECT_EQ(vars.id("A"), 1u);
  EXPECT_EQ(vars.cardinalities(), (std::vector<std::size_t>{2, 3}));
  const std::vector<std::string> names{"A", "B"};
  EXPECT_EQ(vars.ids(names), (std::vector<VariableId>{1, 0}));
  EXPECT_EQ(vars.all().size(), 2u);
}

TEST(VariableSet, RejectsBadVariables) {
  VariableSet vars = weather();
  EXPECT_THROW(vars.add({"Rain", {"a", "b"}}), ModelError);         // duplicate name
  EXPECT_THROW(vars.add({"", {"a", "b"}}), ModelError);             // empty name
  EXPECT_THROW(vars.add({"Snow", {}}), ModelError);                 // no states
  EXPECT_THROW(vars.add({"Snow", {"no", "yes", "no"}}), ModelError);  // duplicate state
  EXPECT_EQ(vars.size(), 3u);
}

TEST(VariableSet, UnknownNameListsTheKnownNames) {
  const VariableSet vars = weather();
  const std::string m = message_of<QueryError>([&] { (void)vars.id("Snow"); });
  EXPECT_NE(m.find("Snow"), std::string::npos) << m;
  for (const char* n : {"Season", "Rain", "Wind"}) EXPECT_NE(m.find(n), std::string::npos) << m;
}

TEST(VariableSet, EvidenceResolvesNamesAndSortsById) {
  const VariableSet vars = weather();
  const Assignments given{{"Wind", "gale"}, {"Season", "summer"}};
  EXPECT_EQ(vars.evidence(given), (Evidence{{0, 1}, {2, 2}}));
  EXPECT_TRUE(vars.evidence(Assignments{}).empty());
  // The same assignment twice is not a conflict.
  const Assignments twice{{"Rain", "yes"}, {"Rain", "yes"}};
  EXPECT_EQ(vars.evidence(twice), (Evidence{{1, 1}}));
}

TEST(VariableSet, BadEvidenceSaysWhatExists) {
  const VariableSet vars = weather();
  {
    const std::string m = message_of<QueryError>([&] { (void)vars.evidence(Assignments{{"Snow", "yes"}}); });
    EXPECT_NE(m.find("Snow"), std::string::npos) << m;
    for (const char* n : {"Season", "Rain", "Wind"}) EXPECT_NE(m.find(n), std::string::npos) << m;
  }
  {
    const std::string m = message_of<QueryError>([&] { (void)vars.evidence(Assignments{{"Wind", "storm"}}); });
    EXPECT_NE(m.find("storm"), std::string::npos) << m;
    EXPECT_NE(m.find("Wind"), std::string::npos) << m;
    for (const char* s : {"calm", "breeze", "gale"}) EXPECT_NE(m.find(s), std::string::npos) << m;
  }
  {
    const std::string m =
        message_of<QueryError>([&] { (void)vars.evidence(Assignments{{"Rain", "yes"}, {"Rain", "no"}}); });
    EXPECT_NE(m.find("Rain"), std::string::npos) << m;
  }
}

TEST(JoinNames, CommaSeparatedAndLimited) {
  const std::vector<std::string> names{"a", "b", "c"};
  EXPECT_EQ(join_names(names), "a, b, c");
  EXPECT_EQ(join_names(std::vector<std::string>{}), "");
  const std::vector<std::string> many{"n1", "n2", "n3", "n4", "n5"};
  const std::string cut = join_names(many, 2);
  EXPECT_NE(cut.find("n1"), std::string::npos) << cut;
  EXPECT_EQ(cut.find("n5"), std::string::npos) << cut;
}

}  // namespace
}  // namespace pgm
