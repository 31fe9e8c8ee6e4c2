// Hostile input (issue 9) in every reader: files that are not files, encodings that are not UTF-8,
// table sizes that overflow 64 bits, numbers beyond a double, YAML documents that say two things, and
// inputs built to make a pairwise scan quadratic. Each refusal is asserted by the fragment that names
// the problem and by the file:line of the offending byte, both counted by hand in the fixtures under
// tests/data/malformed/<format>/ (or, for inputs too large to commit, generated here).
#include "unit/io/format_test_util.hpp"

#include <pgm/core/error.hpp>
#include <pgm/inference/variable_elimination.hpp>
#include <pgm/io/bif.hpp>
#include <pgm/io/evidence.hpp>
#include <pgm/io/load.hpp>
#include <pgm/io/uai.hpp>
#include <pgm/io/xmlbif.hpp>
#include <pgm/io/yaml.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

namespace pgm {
namespace {

namespace fs = std::filesystem;

std::string malformed(const std::string& relative) { return test::test_data() + "/malformed/" + relative; }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A scratch directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() / ("pgm_hostile_" + std::string(info->name()) + "_" +
                                          std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  [[nodiscard]] std::string file(const std::string& name, const std::string& content) const {
    const std::string p = (path_ / name).string();
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  [[nodiscard]] std::string path(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// ---- refusals with file:line ------------------------------------------------------------------------

struct Refusal {
  std::string path;  // under tests/data/malformed/; evidence/ files are read as evidence
  int line;
  int column;        // 0: not checked
  std::vector<std::string> words;
};

std::ostream& operator<<(std::ostream& os, const Refusal& c) { return os << c.path; }

void load(const std::string& path) {
  if (path.find("/evidence/") != std::string::npos) {
    (void)io::read_evidence_file(path);
  } else {
    (void)io::load_model(path);
  }
}

class HostileFile : public ::testing::TestWithParam<Refusal> {};

TEST_P(HostileFile, IsRefusedAtItsLineWithTheProblemNamed) {
  const Refusal& c = GetParam();
  const std::string path = malformed(c.path);
  try {
    load(path);
    ADD_FAILURE() << c.path << " was accepted";
  } catch (const ParseError& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.where().file, path) << what;
    EXPECT_EQ(e.where().line, c.line) << what;
    if (c.column > 0) {
      EXPECT_EQ(e.where().column, c.column) << what;
    }
    EXPECT_TRUE(contains(what, path + ":" + std::to_string(c.line) + ":")) << what;
    for (const std::string& w : c.words) EXPECT_TRUE(contains(what, w)) << "'" << w << "' not in: " << what;
  } catch (const std::exception& e) {
    ADD_FAILURE() << c.path << ": expected a ParseError, got: " << e.what();
  }
}

std::string case_name(const ::testing::TestParamInfo<Refusal>& info) {
  std::string name = info.param.path;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(
    Encodings, HostileFile,
    ::testing::Values(
        // invalid UTF-8: the offending byte, and the valid text before it on its line
        Refusal{"bif/invalid_utf8.bif", 2, 31, {"invalid UTF-8", "0xE9", "after 'crete [ 2 ] { yes, n'"}},
        Refusal{"uai/invalid_utf8.uai", 2, 2, {"invalid UTF-8", "0xFF"}},
        Refusal{"xmlbif/invalid_utf8.xml", 8, 13, {"invalid UTF-8", "0xE9", "after '  <OUTCOME>n'"}},
        Refusal{"yaml/invalid_utf8.yaml", 5, 11, {"invalid UTF-8", "0xE9", "after '  B: [on, '"}},
        Refusal{"evidence/invalid_utf8.txt", 2, 7, {"invalid UTF-8", "0xE9", "after 'Rain=y'"}},
        // NUL bytes are named as such
        Refusal{"bif/nul_byte.bif", 4, 16, {"NUL byte at line 4", "not a text file"}},
        Refusal{"uai/nul_byte.uai", 8, 5, {"NUL byte at line 8"}},
        Refusal{"yaml/nul_byte.yaml", 5, 10, {"NUL byte at line 5"}},
        Refusal{"evidence/nul_byte.evid", 1, 4, {"NUL byte at line 1"}},
        // UTF-16 and UTF-32: refused by name, with or without a byte-order mark
        Refusal{"bif/utf16.bif", 1, 1, {"UTF-16", "byte-order mark FF FE", "pgm reads UTF-8"}},
        Refusal{"yaml/utf16.yaml", 1, 1, {"UTF-16", "FF FE"}},
        Refusal{"xmlbif/utf16le.xml", 1, 1, {"UTF-16", "little-endian", "FF FE"}},
        Refusal{"xmlbif/utf16be.xml", 1, 1, {"UTF-16", "big-endian", "FE FF"}},
        Refusal{"xmlbif/utf16_no_bom.xml", 1, 2, {"NUL byte", "looks like UTF-16 without a byte-order mark"}},
        Refusal{"evidence/utf16.txt", 1, 1, {"UTF-16"}},
        // an XML declaration naming an encoding we do not read
        Refusal{"xmlbif/declared_utf16.xml", 1, 21, {"encoding=\"UTF-16\"", "not UTF-16", "UTF-8"}},
        Refusal{"xmlbif/declared_windows1252.xml", 1, 21, {"encoding=\"windows-1252\"", "UTF-8 (or ISO-8859-1)"}},
        // escapes that would make a bad name out of valid text
        Refusal{"xmlbif/nul_reference.xml", 8, 13, {"&#0;", "NUL character"}},
        Refusal{"xmlbif/surrogate_reference.xml", 8, 4, {"<OUTCOME> is not valid UTF-8", "0xED"}},
        Refusal{"yaml/nul_escape.yaml", 5, 11, {"'B'", "contains a NUL byte"}}),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    Numbers, HostileFile,
    ::testing::Values(
        Refusal{"bif/underflow.bif", 5, 9, {"'1e-400'", "too small to represent", "underflow"}},
        Refusal{"bif/overflow_number.bif", 5, 9, {"'1e400'", "too large to represent", "overflow"}},
        Refusal{"uai/underflow.uai", 8, 2, {"'1e-400'", "too small to represent"}},
        Refusal{"xmlbif/underflow.xml", 12, 14, {"'1e-400'", "too small to represent"}},
        Refusal{"yaml/underflow.yaml", 8, 21, {"'1e-400'", "too small to represent", "underflow"}},
        Refusal{"yaml/overflow_number.yaml", 8, 21, {"'1e400'", "too large to represent", "overflow"}}),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    YamlDocument, HostileFile,
    ::testing::Values(
        Refusal{"yaml/deep_nesting.yaml", 14, 0, {"nested too deeply"}},
        Refusal{"yaml/duplicate_top_level_key.yaml", 14, 1, {"duplicate top-level key 'type'", "first at line 2"}},
        Refusal{"yaml/duplicate_field.yaml", 9, 5, {"duplicate key 'probabilities' under 'A'", "first at line 8"}},
        Refusal{"yaml/second_document.yaml", 15, 1, {"a second YAML document"}},
        Refusal{"yaml/self_alias.yaml", 14, 0, {"aliases"}}),
    case_name);

// ---- sizes that do not fit: the true figure, never a wrapped one ---------------------------------------

struct TooLarge {
  std::string path;
  int line;
  std::vector<std::string> words;
};

std::ostream& operator<<(std::ostream& os, const TooLarge& c) { return os << c.path; }

class TableOverflow : public ::testing::TestWithParam<TooLarge> {};

TEST_P(TableOverflow, IsALimitErrorWithTheTrueSize) {
  const TooLarge& c = GetParam();
  const std::string path = malformed(c.path);
  try {
    (void)io::load_model(path);
    ADD_FAILURE() << c.path << " was accepted";
  } catch (const LimitError& e) {
    const std::string what = e.what();
    EXPECT_TRUE(contains(what, path + ":" + std::to_string(c.line) + ":")) << what;
    // 2 states x 2^63 parent configurations (or 2^64 for one factor): 2^64 entries, which wraps to 0.
    EXPECT_TRUE(contains(what, "2^64 entries")) << what;
    EXPECT_TRUE(contains(what, "2^25 = 33554432")) << what;
    EXPECT_FALSE(contains(what, " 0 entries")) << what;
    for (const std::string& w : c.words) EXPECT_TRUE(contains(what, w)) << "'" << w << "' not in: " << what;
  } catch (const std::exception& e) {
    ADD_FAILURE() << c.path << ": expected a LimitError, got: " << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(EveryFormat, TableOverflow,
                         ::testing::Values(TooLarge{"yaml/table_overflow.yaml", 195, {"the CPT of 'V63'"}},
                                           TooLarge{"yaml/markov_table_overflow.yaml", 69, {"factor 1"}},
                                           TooLarge{"bif/table_overflow.bif", 128, {"the CPT of 'V63'"}},
                                           TooLarge{"xmlbif/table_overflow.xml", 69, {"'V63'"}},
                                           TooLarge{"uai/table_overflow.uai", 5, {"function 0"}}),
                         [](const ::testing::TestParamInfo<TooLarge>& info) {
                           std::string name = info.param.path;
                           for (char& ch : name)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return name;
                         });

TEST(TableOverflow, SizesThatAreNotPowersOfTwoAreShownAsTheirLogarithm) {
  // 41 ternary variables in one factor: 3^41 = 3.6e19 > 2^64, log2 = 41 * 1.58496 = 64.98.
  std::string uai = "MARKOV\n41\n";
  for (int i = 0; i < 41; ++i) uai += "3 ";
  uai += "\n1\n41";
  for (int i = 0; i < 41; ++i) uai += " " + std::to_string(i);
  uai += "\n\n0\n";
  try {
    (void)io::read_uai_string(uai, "ternary.uai");
    ADD_FAILURE() << "accepted";
  } catch (const LimitError& e) {
    EXPECT_TRUE(contains(e.what(), "ternary.uai:5:1: the table of function 0 would have about 2^65.0 entries"))
        << e.what();
  }
  // 3^20 = 3486784401 fits in 64 bits and is shown exactly.
  std::string small = "MARKOV\n20\n";
  for (int i = 0; i < 20; ++i) small += "3 ";
  small += "\n1\n20";
  for (int i = 0; i < 20; ++i) small += " " + std::to_string(i);
  small += "\n\n0\n";
  try {
    (void)io::read_uai_string(small, "t.uai");
    ADD_FAILURE() << "accepted";
  } catch (const LimitError& e) {
    EXPECT_TRUE(contains(e.what(), "would have 3486784401 entries")) << e.what();
  }
}

TEST(TableOverflow, AVariableWithMoreStatesThanATableMayHoldIsRefused) {
  // UAI only bounds a cardinality by the file size; 2^25 + 1 states is refused before 33 million state
  // names are made. The file must be at least that long for the count to be plausible.
  std::string uai = "MARKOV\n1\n33554433\n0\n";
  uai.append(std::size_t{33554433}, ' ');
  try {
    (void)io::read_uai_string(uai, "wide.uai");
    ADD_FAILURE() << "accepted";
  } catch (const LimitError& e) {
    EXPECT_TRUE(contains(e.what(), "wide.uai:3:1: variable 0 has 33554433 states")) << e.what();
  }
}

// ---- files that are not regular files ---------------------------------------------------------------

void expect_io_error(const std::function<void()>& read, const std::string& fragment) {
  try {
    read();
    ADD_FAILURE() << "accepted; expected: " << fragment;
  } catch (const IoError& e) {
    EXPECT_TRUE(contains(e.what(), fragment)) << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected an IoError with '" << fragment << "', got: " << e.what();
  }
}

TEST(HostilePath, AMissingFileSaysItDoesNotExist) {
  const TempDir dir;
  const std::string missing = dir.path("missing.bif");
  expect_io_error([&] { (void)io::load_model(missing); }, "'" + missing + "' does not exist");
  expect_io_error([&] { (void)io::read_evidence_file(missing); }, "'" + missing + "' does not exist");
  // Without an extension too: existence is checked before the format is guessed.
  expect_io_error([&] { (void)io::load_model(dir.path("model")); }, "does not exist");
}

TEST(HostilePath, ADirectorySaysItIsADirectory) {
  const TempDir dir;
  fs::create_directories(dir.path("net.bif"));
  const std::string plain = dir.path("");
  expect_io_error([&] { (void)io::load_model(dir.path("net.bif")); }, "is a directory");
  expect_io_error([&] { (void)io::read_bif_file(dir.path("net.bif")); }, "is a directory");
  expect_io_error([&] { (void)io::load_model(plain); }, "is a directory");
  // Once read as empty evidence, which printed the prior as if it were the answer.
  expect_io_error([&] { (void)io::read_evidence_file(plain); }, "'" + plain + "' is a directory");
}

TEST(HostilePath, AnEndlessDeviceIsReadOnlyUntilItsFirstNul) {
  if (!fs::exists("/dev/zero")) GTEST_SKIP() << "no /dev/zero";
  const auto start = std::chrono::steady_clock::now();
  for (const auto format : {io::Format::bif, io::Format::yaml, io::Format::xmlbif, io::Format::uai}) {
    io::LoadOptions options;
    options.format = format;
    try {
      (void)io::load_model("/dev/zero", options);
      ADD_FAILURE() << "accepted /dev/zero";
    } catch (const ParseError& e) {
      EXPECT_EQ(e.where().line, 1);
      EXPECT_EQ(e.where().column, 1);
      EXPECT_TRUE(contains(e.what(), "/dev/zero:1:1: NUL byte")) << e.what();
    }
  }
  EXPECT_THROW((void)io::read_evidence_file("/dev/zero"), ParseError);
  // Reading until memory runs out took minutes; one 64 KiB chunk takes microseconds.
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 5.0);
}

TEST(HostilePath, APipeIsReadToItsEnd) {
  const TempDir dir;
  const std::string fifo = dir.path("evidence.fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] { std::ofstream(fifo) << "# from a pipe\nRain=yes, Season=winter\n"; });
  const io::Assignments got = io::read_evidence_file(fifo);
  writer.join();
  EXPECT_EQ(got, (io::Assignments{{"Rain", "yes"}, {"Season", "winter"}}));
}

TEST(HostilePath, AFileLargerThanOneGibibyteIsRefusedWithItsSize) {
  const TempDir dir;
  const std::string big = dir.file("big.bif", "");
  fs::resize_file(big, (std::uint64_t{1} << 30) + 1);  // sparse: no disk is used
  try {
    (void)io::load_model(big);
    ADD_FAILURE() << "accepted";
  } catch (const LimitError& e) {
    EXPECT_TRUE(contains(e.what(), "'" + big + "' is 1.0 GiB (1073741825 bytes)")) << e.what();
    EXPECT_TRUE(contains(e.what(), "larger than 1.0 GiB (1073741824 bytes) are refused")) << e.what();
  }
  EXPECT_THROW((void)io::read_evidence_file(big), LimitError);
}

// ---- a UTF-8 byte-order mark changes nothing ---------------------------------------------------------

const std::string kBom = "\xEF\xBB\xBF";

// P(A=yes) = 0.3, P(B=on | A=yes) = 0.9, P(B=on | A=no) = 0.2, in each format.
const std::string kBif =
    "network n {\n}\nvariable A {\n  type discrete [ 2 ] { yes, no };\n}\nvariable B {\n  type discrete [ 2 ] { on, off };\n}\n"
    "probability ( A ) {\n  table 0.3, 0.7;\n}\nprobability ( B | A ) {\n  (yes) 0.9, 0.1;\n  (no) 0.2, 0.8;\n}\n";
const std::string kXml =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BIF VERSION=\"0.3\">\n<NETWORK>\n<NAME>n</NAME>\n"
    "<VARIABLE TYPE=\"nature\"><NAME>A</NAME><OUTCOME>yes</OUTCOME><OUTCOME>no</OUTCOME></VARIABLE>\n"
    "<VARIABLE TYPE=\"nature\"><NAME>B</NAME><OUTCOME>on</OUTCOME><OUTCOME>off</OUTCOME></VARIABLE>\n"
    "<DEFINITION><FOR>A</FOR><TABLE>0.3 0.7</TABLE></DEFINITION>\n"
    "<DEFINITION><FOR>B</FOR><GIVEN>A</GIVEN><TABLE>0.9 0.1 0.2 0.8</TABLE></DEFINITION>\n</NETWORK>\n</BIF>\n";
const std::string kUai = "BAYES\n2\n2 2\n2\n1 0\n2 0 1\n\n2\n 0.3 0.7\n\n4\n 0.9 0.1\n 0.2 0.8\n";
const std::string kYaml =
    "name: n\ntype: bayesian-network\nvariables:\n  A: [yes, no]\n  B: [on, off]\ncpds:\n  A:\n"
    "    probabilities: [0.3, 0.7]\n  B:\n    parents: [A]\n    probabilities:\n      yes: [0.9, 0.1]\n"
    "      no: [0.2, 0.8]\n";

void expect_hand_numbers(const BayesianNetwork& bn) {
  ASSERT_EQ(bn.size(), 2u);
  EXPECT_EQ(bn.cpt_table(0), (std::vector<double>{0.3, 0.7}));
  EXPECT_EQ(bn.cpt_table(1), (std::vector<double>{0.9, 0.1, 0.2, 0.8}));
}

TEST(ByteOrderMark, IsAcceptedInEveryModelFormatWithTheSameNumbers) {
  const TempDir dir;
  struct Case {
    std::string name;
    std::string text;
  };
  for (const Case& c : {Case{"m.bif", kBif}, Case{"m.xml", kXml}, Case{"m.uai", kUai}, Case{"m.yaml", kYaml}}) {
    SCOPED_TRACE(c.name);
    const ModelVariant plain = io::load_model(dir.file(c.name, c.text));
    const ModelVariant marked = io::load_model(dir.file("bom." + c.name, kBom + c.text));
    const auto& a = std::get<BayesianNetwork>(plain);
    const auto& b = std::get<BayesianNetwork>(marked);
    expect_hand_numbers(a);
    EXPECT_TRUE(test::same_network(a, b));
  }
}

TEST(ByteOrderMark, IsAcceptedInBothEvidenceForms) {
  EXPECT_EQ(io::read_evidence_string(kBom + "Rain=yes\nSeason = winter\n", "e.txt"),
            (io::Assignments{{"Rain", "yes"}, {"Season", "winter"}}));
  EXPECT_EQ(io::read_evidence_string(kBom + "2 3 1 0 4\n", "e.evid"), (io::Assignments{{"3", "1"}, {"0", "4"}}));
  // A mark alone is an empty file.
  EXPECT_EQ(io::read_evidence_string(kBom, "e.txt"), io::Assignments{});
}

TEST(ByteOrderMark, ColumnsOnTheFirstLineCountFromAfterTheMark) {
  try {
    (void)io::read_bif_string(kBom + "varible A {}\n", "m.bif");
    ADD_FAILURE() << "accepted";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.where().line, 1);
    EXPECT_EQ(e.where().column, 1);
    EXPECT_TRUE(contains(e.what(), "found 'varible'")) << e.what();  // the mark is not part of the word
  }
}

// ---- the UTF-8 check itself, through the lightest reader ---------------------------------------------

TEST(Utf8, WellFormedMultiByteNamesAreKeptByteForByte) {
  // é (2 bytes), € (3), 😀 (4), U+10FFFF (the last code point), on either side of an 8-byte boundary.
  const std::string names = "Sa\xC3\xA9son=\xE2\x82\xAC\nX=\xF0\x9F\x98\x80\nlongname_padding=\xF4\x8F\xBF\xBF\n";
  EXPECT_EQ(io::read_evidence_string(names, "e.txt"),
            (io::Assignments{{"Sa\xC3\xA9son", "\xE2\x82\xAC"}, {"X", "\xF0\x9F\x98\x80"},
                             {"longname_padding", "\xF4\x8F\xBF\xBF"}}));
}

TEST(Utf8, EveryKindOfMalformedSequenceIsRefusedAtItsFirstByte) {
  struct Case {
    std::string bytes;  // placed after "Rain=" at column 6 (or later, for the offset cases)
    std::string shown;  // the bytes as the message lists them
  };
  const std::vector<Case> cases = {
      {"\x80", "0x80"},                         // a continuation byte with no lead
      {"\xC0\x80", "0xC0 0x80"},                // overlong NUL
      {"\xC1\xBF", "0xC1 0xBF"},                // overlong '?'
      {"\xE0\x80\xAF", "0xE0 0x80 0xAF"},       // overlong 3-byte
      {"\xED\xA0\x80", "0xED 0xA0 0x80"},       // a UTF-16 surrogate
      {"\xF0\x80\x80\xAF", "0xF0 0x80 0x80 0xAF"},  // overlong 4-byte
      {"\xF4\x90\x80\x80", "0xF4 0x90 0x80 0x80"},  // above U+10FFFF
      {"\xF5\x80\x80\x80", "0xF5 0x80 0x80 0x80"},  // no such lead byte
      {"\xE2\x82", "0xE2 0x82"},                // truncated at the end of the file
      {"\xE2\x82x", "0xE2 0x82"},               // truncated before ASCII
      {"\xFF", "0xFF"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.shown);
    try {
      (void)io::read_evidence_string("Season=winter\nRain=" + c.bytes, "e.txt");
      ADD_FAILURE() << "accepted";
    } catch (const ParseError& e) {
      EXPECT_EQ(e.where().line, 2) << e.what();
      EXPECT_EQ(e.where().column, 6) << e.what();
      EXPECT_TRUE(contains(e.what(), "invalid UTF-8 (byte")) << e.what();
      EXPECT_TRUE(contains(e.what(), c.shown + ")")) << e.what();
    }
  }
  // The first bad byte at every offset around the 8-byte fast path.
  for (std::size_t pad = 0; pad < 20; ++pad) {
    const std::string text = "A=" + std::string(pad, 'a') + "\xE9" + "bc\n";
    try {
      (void)io::read_evidence_string(text, "e.txt");
      ADD_FAILURE() << "accepted with " << pad << " bytes before";
    } catch (const ParseError& e) {
      EXPECT_EQ(e.where().column, static_cast<int>(3 + pad)) << e.what();
    }
  }
}

TEST(Utf8, ALatin1XmlFileThatSaysSoIsConverted) {
  const std::string latin1 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<BIF VERSION=\"0.3\">\n<NETWORK>\n"
                             "<VARIABLE TYPE=\"nature\"><NAME>caf\xE9</NAME><OUTCOME>cr\xE8me</OUTCOME>"
                             "<OUTCOME>noir</OUTCOME></VARIABLE>\n"
                             "<DEFINITION><FOR>caf\xE9</FOR><TABLE>0.25 0.75</TABLE></DEFINITION>\n</NETWORK>\n</BIF>\n";
  const BayesianNetwork bn = io::read_xmlbif_string(latin1, "latin1.xml");
  EXPECT_EQ(bn.variable(0).name, "caf\xC3\xA9");  // é as UTF-8
  EXPECT_EQ(bn.variable(0).states, (std::vector<std::string>{"cr\xC3\xA8me", "noir"}));
  EXPECT_EQ(bn.cpt_table(0), (std::vector<double>{0.25, 0.75}));
  // Without the declaration the same bytes are invalid UTF-8.
  std::string undeclared = latin1;
  undeclared.replace(0, undeclared.find('\n'), "<?xml version=\"1.0\"?>");
  EXPECT_THROW((void)io::read_xmlbif_string(undeclared, "latin1.xml"), ParseError);
}

// ---- numbers at the edges of a double ---------------------------------------------------------------

// The message for a one-entry UAI factor holding `number`, or "" when it is accepted.
std::string uai_number_error(const std::string& number, double* value = nullptr) {
  try {
    const ModelVariant m = io::read_uai_string("MARKOV\n1\n1\n1\n1 0\n\n1\n " + number + "\n", "n.uai");
    if (value) *value = std::get<MarkovNetwork>(m).factors()[0].values_in_order(std::get<MarkovNetwork>(m).scope(0))[0];
    return "";
  } catch (const ParseError& e) {
    return e.what();
  }
}

TEST(Numbers, UnderflowAndOverflowAreToldApartFromText) {
  for (const std::string& tiny : std::vector<std::string>{"1e-400", "2E-324", "0.0001e-321", "0." + std::string(400, '0') + "1",
                                  "1e-99999999999999999999999"}) {
    EXPECT_TRUE(contains(uai_number_error(tiny), "too small to represent as a double")) << tiny;
  }
  for (const std::string& huge : std::vector<std::string>{"1e400", "1.8e308", std::string(400, '9'), "0.001e312", "1e99999999999999999999"}) {
    EXPECT_TRUE(contains(uai_number_error(huge), "too large to represent as a double")) << huge;
  }
  EXPECT_TRUE(contains(uai_number_error("inf"), "bad number 'inf'")) << uai_number_error("inf");
  EXPECT_TRUE(contains(uai_number_error("0.5.5"), "bad number '0.5.5' in the table of function 0"));
  EXPECT_FALSE(contains(uai_number_error("0.5.5"), "represent"));
  // In range, however written: the smallest subnormal, a long zero exponent, the largest double.
  double v = 0;
  EXPECT_EQ(uai_number_error("4.9406564584124654e-324", &v), "");
  EXPECT_EQ(v, 4.9406564584124654e-324);
  EXPECT_EQ(uai_number_error("0e-999999999999", &v), "");
  EXPECT_EQ(v, 0.0);
  EXPECT_EQ(uai_number_error("1.7976931348623157e308", &v), "");
  EXPECT_EQ(v, 1.7976931348623157e308);
}

TEST(Numbers, YamlNullsKeepTheirMessages) {
  const std::string head = "type: markov-network\nvariables:\n  A: [a0, a1]\nfactors:\n  - scope: [A]\n    values: ";
  try {
    (void)io::read_yaml_string(head + "[1, ~]\n", "null.yaml");
    ADD_FAILURE() << "accepted";
  } catch (const ParseError& e) {
    EXPECT_TRUE(contains(e.what(), "null.yaml:6:17: entry 2 of a value of factor 1 is empty (YAML null")) << e.what();
  }
}

// ---- pairwise scans: 10^5 names load in well under a second -------------------------------------------

// CPU seconds of this process (not wall time: the machine may be shared by many builds).
double cpu_seconds_to(const std::function<void()>& f) {
  const std::clock_t start = std::clock();
  f();
  return static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
}

constexpr int kMany = 100000;

// The bounds below are for an optimised build; Debug and sanitizer builds run the same loops about
// ten times slower (the quadratic scans these tests guard against took 10-20 s optimised).
#if defined(__SANITIZE_ADDRESS__) || !defined(NDEBUG)
constexpr double kSlowdown = 10;
#else
constexpr double kSlowdown = 1;
#endif

std::string many_states(const std::string& separator, const std::string& prefix = "s") {
  std::string out;
  for (int i = 0; i < kMany; ++i) out += (i ? separator : "") + prefix + std::to_string(i);
  return out;
}

// Every limit below is loose on purpose (the machine is shared): the pairwise scans took 10-20 s.
TEST(Scaling, ABifVariableWithOneHundredThousandStates) {
  std::string text = "variable X {\n  type discrete [ " + std::to_string(kMany) + " ] { " + many_states(", ") +
                     " };\n}\nprobability ( X ) {\n  default";
  for (int i = 0; i < kMany; ++i) text += i ? ", 0.00001" : " 0.00001";
  text += ";\n}\n";
  std::optional<BayesianNetwork> bn;
  EXPECT_LT(cpu_seconds_to([&] { bn = io::read_bif_string(text, "wide.bif"); }), 5.0 * kSlowdown);
  ASSERT_EQ(bn->variable(0).cardinality(), static_cast<std::size_t>(kMany));
  EXPECT_EQ(bn->variable(0).states.back(), "s99999");
  // The duplicate is still found, and it is the last state that repeats the first.
  const std::string dup = "variable X {\n  type discrete { " + many_states(", ") + ", s0 };\n}\n";
  try {
    (void)io::read_bif_string(dup, "dup.bif");
    ADD_FAILURE() << "accepted";
  } catch (const ParseError& e) {
    EXPECT_TRUE(contains(e.what(), "state 's0' listed twice")) << e.what();
  }
}

TEST(Scaling, BifRowsKeyedByAParentWithOneHundredThousandStates) {
  std::string text = "variable P {\n  type discrete { " + many_states(", ") + " };\n}\n"
                     "variable C {\n  type discrete { a, b };\n}\nprobability ( P ) {\n  default";
  for (int i = 0; i < kMany; ++i) text += i ? ", 0.00001" : " 0.00001";
  text += ";\n}\nprobability ( C | P ) {\n";
  for (int i = kMany; i-- > 0;) text += "  (s" + std::to_string(i) + ") 0.5, 0.5;\n";  // last state first
  text += "}\n";
  std::optional<BayesianNetwork> bn;
  EXPECT_LT(cpu_seconds_to([&] { bn = io::read_bif_string(text, "rows.bif"); }), 5.0 * kSlowdown);
  EXPECT_EQ(bn->cpt_table(1).size(), static_cast<std::size_t>(2 * kMany));
}

TEST(Scaling, XmlbifOutcomes) {
  std::string text = "<BIF VERSION=\"0.3\"><NETWORK><VARIABLE TYPE=\"nature\"><NAME>X</NAME>";
  for (int i = 0; i < kMany; ++i) text += "<OUTCOME>s" + std::to_string(i) + "</OUTCOME>";
  text += "</VARIABLE><DEFINITION><FOR>X</FOR><TABLE>";
  for (int i = 0; i < kMany; ++i) text += "0.00001 ";
  text += "</TABLE></DEFINITION></NETWORK></BIF>\n";
  std::optional<BayesianNetwork> bn;
  EXPECT_LT(cpu_seconds_to([&] { bn = io::read_xmlbif_string(text, "wide.xml"); }), 5.0 * kSlowdown);
  EXPECT_EQ(bn->variable(0).cardinality(), static_cast<std::size_t>(kMany));
}

TEST(Scaling, YamlStatesAndKeyedColumns) {
  std::string text = "type: bayesian-network\nvariables:\n  P: [" + many_states(", ") + "]\n  C: [a, b]\ncpds:\n"
                     "  P:\n    table: [";
  for (int i = 0; i < kMany; ++i) text += i ? ", 0.00001" : "0.00001";
  text += "]\n  C:\n    parents: [P]\n    probabilities:\n";
  for (int i = kMany; i-- > 0;) text += "      s" + std::to_string(i) + ": [0.5, 0.5]\n";
  std::optional<BayesianNetwork> bn;
  EXPECT_LT(cpu_seconds_to([&] { bn = std::get<BayesianNetwork>(io::read_yaml_string(text, "wide.yaml")); }), 5.0 * kSlowdown);
  EXPECT_EQ(bn->cpt_table(1).size(), static_cast<std::size_t>(2 * kMany));
}

// ---- long scopes of one-state variables: the table stays at one entry, the graph would not ------------

std::string one_state_scope_uai(int n) {
  std::string text = "MARKOV\n" + std::to_string(n) + "\n";
  for (int i = 0; i < n; ++i) text += "1 ";
  text += "\n1\n" + std::to_string(n);
  for (int i = 0; i < n; ++i) text += " " + std::to_string(i);
  return text + "\n\n1\n 2.5\n";
}

TEST(Scaling, AScopeOfOneHundredThousandOneStateVariablesIsRefusedQuickly) {
  const std::string text = one_state_scope_uai(kMany);
  double seconds = 0;
  try {
    seconds = cpu_seconds_to([&] { (void)io::read_uai_string(text, "long.uai"); });
    ADD_FAILURE() << "accepted";
  } catch (const LimitError& e) {
    EXPECT_TRUE(contains(e.what(), "scope of 100000 variables is longer than the limit of 256")) << e.what();
  }
  EXPECT_LT(seconds, 5.0 * kSlowdown);
}

TEST(Scaling, AScopeAtTheLimitLoadsAndIsAnswered) {
  const ModelVariant m = io::read_uai_string(one_state_scope_uai(256), "limit.uai");
  const auto& mn = std::get<MarkovNetwork>(m);
  // One configuration of weight 2.5: Z = 2.5, every marginal a point mass.
  const VariableElimination ve(mn);
  EXPECT_DOUBLE_EQ(ve.probability_of_evidence({}), 2.5);
  EXPECT_DOUBLE_EQ(ve.marginal(255, {}).values()[0], 1.0);
}

}  // namespace
}  // namespace pgm
