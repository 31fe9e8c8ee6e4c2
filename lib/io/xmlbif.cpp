#include <pgm/io/xmlbif.hpp>

#include "io/detail/bn_assembly.hpp"
#include "io/detail/text_cursor.hpp"

#include <pgm/core/error.hpp>

#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace pgm::io {
namespace {

using detail::quote_token;

// Maps byte offsets of the original text to 1-based line and column.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') starts_.push_back(i + 1);
    }
  }
  [[nodiscard]] std::pair<int, int> at(std::ptrdiff_t offset) const {
    if (offset < 0) return {0, 0};
    const auto it = std::upper_bound(starts_.begin(), starts_.end(), static_cast<std::size_t>(offset));
    const auto line = static_cast<int>(it - starts_.begin());
    return {line, static_cast<int>(static_cast<std::size_t>(offset) - *(it - 1)) + 1};
  }

 private:
  std::vector<std::size_t> starts_;
};

[[nodiscard]] bool same_name(const char* a, std::string_view b) {
  const std::size_t n = std::strlen(a);
  if (n != b.size()) return false;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

[[nodiscard]] std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) { return detail::TextCursor::is_space(c); };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

[[nodiscard]] std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// ISO-8859-1 is the one 8-bit encoding whose bytes are exactly the first 256 code points.
[[nodiscard]] std::string latin1_to_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

// The text as UTF-8 with no byte-order mark, after honouring the encoding the XML declaration names:
// UTF-8 and ASCII are read as they are, ISO-8859-1 is converted, anything else (UTF-16 declared in an
// 8-bit file, windows-1252, ...) is refused by name rather than misread. UTF-16/32 with a byte-order
// mark, NUL bytes and invalid UTF-8 are refused by checked_text.
[[nodiscard]] std::string_view decoded_text(std::string_view text, const std::string& file, std::string& storage) {
  std::string_view body = text;
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  if (body.substr(0, 5) != "<?xml") return detail::checked_text(text, file);
  const std::size_t end = body.find("?>");
  const std::string_view declaration = body.substr(0, end);
  const std::size_t key = declaration.find("encoding");
  if (key == std::string_view::npos) return detail::checked_text(text, file);
  std::size_t i = key + 8;
  while (i < declaration.size() && (declaration[i] == ' ' || declaration[i] == '=' || declaration[i] == '\t')) ++i;
  if (i >= declaration.size() || (declaration[i] != '"' && declaration[i] != '\'')) return detail::checked_text(text, file);
  const char quote = declaration[i];
  const std::size_t close = declaration.find(quote, i + 1);
  if (close == std::string_view::npos) return detail::checked_text(text, file);
  const std::string_view name = declaration.substr(i + 1, close - i - 1);
  const std::string encoding = lower(name);
  if (encoding == "utf-8" || encoding == "utf8" || encoding == "us-ascii" || encoding == "ascii") {
    return detail::checked_text(text, file);
  }
  if (encoding == "iso-8859-1" || encoding == "iso8859-1" || encoding == "latin1" || encoding == "latin-1") {
    storage = latin1_to_utf8(body);
    return detail::checked_text(storage, file);
  }
  const SourceLocation where = detail::location_of(body, key, file);
  const bool wide = encoding.rfind("utf-16", 0) == 0 || encoding.rfind("utf-32", 0) == 0 ||
                    encoding.rfind("ucs-", 0) == 0 || encoding == "utf16" || encoding == "utf32";
  throw ParseError(where, "the XML declaration says encoding=\"" + std::string(name.substr(0, 40)) + "\"" +
                              (wide ? ", but the file is 8-bit text, not UTF-16 (it starts with '<?xml')" : "") +
                              "; pgm reads XMLBIF files as UTF-8 (or ISO-8859-1): save the file as UTF-8 and "
                              "declare encoding=\"UTF-8\"");
}

// pugixml turns &#0; into a NUL that ends the C string it hands back, so "tr&#0;ue" would silently read
// as "tr". XML 1.0 does not allow the character at all: refuse it where it is written.
void refuse_nul_references(std::string_view text, const std::string& file) {
  for (std::size_t at = text.find("&#"); at != std::string_view::npos; at = text.find("&#", at + 2)) {
    std::size_t i = at + 2;
    const bool hex = i < text.size() && (text[i] == 'x' || text[i] == 'X');
    if (hex) ++i;
    const std::size_t digits = i;
    while (i < text.size() && text[i] == '0') ++i;
    if (i > digits && i < text.size() && text[i] == ';') {
      throw ParseError(detail::location_of(text, at, file),
                       "the character reference " + std::string(text.substr(at, i + 1 - at)) +
                           " is a NUL character, which XML does not allow");
    }
  }
}

class Reader {
 public:
  Reader(std::string_view text, const std::string& file)
      : text_(decoded_text(text, file, storage_)), file_(file), lines_(text_) {}

  BayesianNetwork read(const LoadOptions& options) {
    refuse_nul_references(text_, file_);
    const pugi::xml_parse_result result =
        doc_.load_buffer(text_.data(), text_.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!result) {
      const auto [line, column] = lines_.at(result.offset);
      throw ParseError({file_, line, column}, std::string("malformed XML: ") + result.description());
    }
    pugi::xml_node network;
    for (pugi::xml_node n : doc_.children()) {
      if (n.type() != pugi::node_element) continue;
      if (same_name(n.name(), "BIF")) {
        network = single_child(n, "NETWORK", true);
      } else if (same_name(n.name(), "NETWORK")) {
        network = n;
      } else {
        fail(n, "expected the root element <BIF>, found <" + std::string(n.name()) + ">");
      }
    }
    if (!network) throw ParseError({file_, 1, 1}, "no <BIF> root element (is this an XMLBIF file?)");

    detail::BnSpec spec;
    std::vector<pugi::xml_node> definitions;
    for (pugi::xml_node n : network.children()) {
      if (n.type() != pugi::node_element) continue;
      if (same_name(n.name(), "NAME")) {
        spec.name = std::string(trim(n.child_value()));
      } else if (same_name(n.name(), "PROPERTY")) {
        continue;
      } else if (same_name(n.name(), "VARIABLE")) {
        read_variable(n, spec);
      } else if (same_name(n.name(), "DEFINITION") || same_name(n.name(), "PROBABILITY")) {
        definitions.push_back(n);
      } else {
        fail(n, "unexpected element <" + std::string(n.name()) + "> in <NETWORK> (expected NAME, VARIABLE, DEFINITION)");
      }
    }
    spec.cpts.resize(spec.variables.size());
    for (const pugi::xml_node d : definitions) read_definition(d, spec);
    return detail::assemble_bayesian_network(std::move(spec), file_, options, "DEFINITION");
  }

 private:
  [[nodiscard]] SourceLocation at(const pugi::xml_node& n) const {
    const auto [line, column] = lines_.at(n.offset_debug());
    return {file_, line, column};
  }
  [[noreturn]] void fail(const pugi::xml_node& n, const std::string& message) const { throw ParseError(at(n), message); }

  // The one child element named `name`; `required` makes absence an error.
  pugi::xml_node single_child(const pugi::xml_node& parent, std::string_view name, bool required) const {
    pugi::xml_node found;
    for (pugi::xml_node n : parent.children()) {
      if (n.type() != pugi::node_element || !same_name(n.name(), name)) continue;
      if (found) fail(n, "second <" + std::string(name) + "> in <" + parent.name() + ">");
      found = n;
    }
    if (!found && required) fail(parent, "<" + std::string(parent.name()) + "> has no <" + std::string(name) + ">");
    return found;
  }

  // The trimmed text of a name-like element; error when empty.
  std::string text_of(const pugi::xml_node& n, const std::string& what) const {
    const std::string_view t = trim(n.child_value());
    if (t.empty()) fail(n, "empty <" + std::string(n.name()) + ">: expected " + what);
    detail::check_name(t, at(n), "<" + std::string(n.name()) + ">");  // &#xD800; is well-formed XML, not UTF-8
    return std::string(t);
  }

  void read_variable(const pugi::xml_node& node, detail::BnSpec& spec) {
    if (const pugi::xml_attribute type = node.attribute("TYPE"); type && !same_name(type.value(), "nature")) {
      fail(node, "variable of TYPE=\"" + std::string(type.value()) +
                     "\" is not supported (only chance nodes, TYPE=\"nature\")");
    }
    const pugi::xml_node name_node = single_child(node, "NAME", true);
    Variable v;
    v.name = text_of(name_node, "the variable name");
    if (ids_.count(v.name)) {
      fail(name_node, "variable '" + v.name + "' declared twice (first at line " +
                          std::to_string(spec.variable_lines[ids_[v.name]]) + ")");
    }
    std::unordered_set<std::string> seen;  // hashed: 10^5 outcomes must not cost 10^10 comparisons
    for (pugi::xml_node n : node.children()) {
      if (n.type() != pugi::node_element) continue;
      if (same_name(n.name(), "OUTCOME")) {
        std::string state = text_of(n, "a state name");
        if (!seen.insert(state).second) fail(n, "state '" + state + "' listed twice for variable '" + v.name + "'");
        v.states.push_back(std::move(state));
      } else if (!same_name(n.name(), "NAME") && !same_name(n.name(), "PROPERTY")) {
        fail(n, "unexpected element <" + std::string(n.name()) + "> in <VARIABLE> (expected NAME, OUTCOME, PROPERTY)");
      }
    }
    if (v.states.empty()) fail(node, "variable '" + v.name + "' has no <OUTCOME> (a variable needs at least one state)");
    ids_.emplace(v.name, static_cast<VariableId>(spec.variables.size()));
    spec.variable_lines.push_back(at(node).line);
    spec.variables.push_back(std::move(v));
  }

  VariableId lookup(const pugi::xml_node& n, const std::string& role) const {
    const std::string name = text_of(n, "a variable name");
    const auto it = ids_.find(name);
    if (it == ids_.end()) fail(n, "undeclared variable '" + name + "' " + role + " (no <VARIABLE> declares it)");
    return it->second;
  }

  void read_definition(const pugi::xml_node& node, detail::BnSpec& spec) {
    const pugi::xml_node for_node = single_child(node, "FOR", true);
    const VariableId child = lookup(for_node, "in <FOR>");
    const std::string& name = spec.variables[child].name;
    detail::CptSpec& cpt = spec.cpts[child];
    if (cpt.present) {
      fail(node, "second <" + std::string(node.name()) + "> for '" + name + "' (the first is at line " +
                     std::to_string(cpt.line) + ")");
    }
    cpt.present = true;
    const SourceLocation where = at(node);
    cpt.line = where.line;
    cpt.column = where.column;
    pugi::xml_node table_node;
    std::vector<pugi::xml_node> given;  // the <GIVEN> of each parent, for messages
    for (pugi::xml_node n : node.children()) {
      if (n.type() != pugi::node_element) continue;
      if (same_name(n.name(), "GIVEN")) {
        cpt.parents.push_back(lookup(n, "in <GIVEN> of '" + name + "'"));
        given.push_back(n);
      } else if (same_name(n.name(), "TABLE")) {
        if (table_node) fail(n, "second <TABLE> for '" + name + "'");
        table_node = n;
      } else if (!same_name(n.name(), "FOR") && !same_name(n.name(), "PROPERTY")) {
        fail(n, "unexpected element <" + std::string(n.name()) + "> in <" + node.name() +
                    "> (expected FOR, GIVEN, TABLE, PROPERTY)");
      }
    }
    try {
      check_parents(spec.variables, child, cpt.parents);
    } catch (const ModelValidationError& e) {
      const pugi::xml_node& n = given[e.position];
      if (e.problem == ModelProblem::self_parent) fail(n, "variable '" + name + "' is given as its own parent");
      fail(n, "parent '" + spec.variables[e.parent].name + "' given twice for '" + name + "'");
    }
    if (!table_node) fail(node, "<" + std::string(node.name()) + "> for '" + name + "' has no <TABLE>");
    std::vector<VariableId> scope = cpt.parents;
    scope.push_back(child);
    const std::size_t size = detail::checked_table_size(spec.variables, scope, where, "the <TABLE> of '" + name + "'");
    read_table(table_node, name, size, spec.variables[child].cardinality(), cpt);
  }

  void read_table(const pugi::xml_node& table_node, const std::string& name, std::size_t size, std::size_t card,
                  detail::CptSpec& cpt) {
    // Locate numbers relative to the text node, counting newlines in the (EOL-normalised) value.
    pugi::xml_node text_node = table_node.first_child();
    while (text_node && text_node.type() != pugi::node_pcdata && text_node.type() != pugi::node_cdata) {
      text_node = text_node.next_sibling();
    }
    const std::string_view text = text_node ? std::string_view(text_node.value()) : std::string_view();
    const auto [base_line, base_column] = lines_.at(text_node ? text_node.offset_debug() : table_node.offset_debug());
    cpt.table.reserve(std::min(size, text.size() / 2 + 1));
    int line = base_line;
    std::size_t line_start = 0;
    bool first_line = true;
    std::size_t i = 0;
    while (i < text.size()) {
      const char c = text[i];
      if (c == '\n') {
        ++line;
        line_start = i + 1;
        first_line = false;
        ++i;
        continue;
      }
      if (detail::TextCursor::is_space(c) || c == ',') {
        ++i;
        continue;
      }
      const std::size_t start = i;
      while (i < text.size() && !detail::TextCursor::is_space(text[i]) && text[i] != ',') ++i;
      const std::string_view token = text.substr(start, i - start);
      const int column = static_cast<int>(start - line_start) + (first_line ? base_column : 1);
      double value = 0.0;
      if (const auto status = detail::parse_number(token, value); status != detail::NumberStatus::ok) {
        throw ParseError({file_, line, column}, "bad number " + quote_token(token) + " in the <TABLE> of '" + name +
                                                    (status == detail::NumberStatus::not_a_number
                                                         ? std::string("' (expected a probability such as 0.25)")
                                                         : "': " + detail::number_problem(status)));
      }
      if (cpt.table.size() == size) {
        throw ParseError({file_, line, column}, "the <TABLE> of '" + name + "' has more than the " +
                                                    std::to_string(size) + " numbers expected");
      }
      if (cpt.table.size() % card == 0) cpt.column_lines.push_back(line);  // a column starts here
      cpt.table.push_back(value);
    }
    if (cpt.table.size() != size) {
      fail(table_node, "the <TABLE> of '" + name + "' has " + std::to_string(cpt.table.size()) +
                           " numbers, expected " + std::to_string(size) + " (states x parent configurations)");
    }
  }

  std::string storage_;  // the text converted to UTF-8, when it was declared ISO-8859-1
  std::string_view text_;
  std::string file_;
  LineIndex lines_;
  pugi::xml_document doc_;
  std::unordered_map<std::string, VariableId> ids_;
};

void append_escaped(std::string& out, std::string_view s) {
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\r': out += "&#13;"; break;  // a raw CR would be read back as a line end (XML 1.0 §2.11)
      default: out += c;
    }
  }
}

void append_element(std::string& out, std::string_view indent, std::string_view tag, std::string_view text) {
  out += indent;
  out += '<';
  out += tag;
  out += '>';
  append_escaped(out, text);
  out += "</";
  out += tag;
  out += ">\n";
}

}  // namespace

BayesianNetwork read_xmlbif_string(const std::string& text, const std::string& filename, const LoadOptions& options) {
  Reader reader(text, filename);
  return reader.read(options);
}

BayesianNetwork read_xmlbif_file(const std::string& path, const LoadOptions& options) {
  const std::string text = detail::read_text_file(path);
  return read_xmlbif_string(text, path, options);
}

std::string write_xmlbif(const BayesianNetwork& bn) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BIF VERSION=\"0.3\">\n<NETWORK>\n";
  append_element(out, "", "NAME", bn.name());
  for (VariableId v = 0; v < bn.size(); ++v) {
    const Variable& var = bn.variable(v);
    out += "<VARIABLE TYPE=\"nature\">\n";
    append_element(out, "  ", "NAME", var.name);
    for (const std::string& s : var.states) append_element(out, "  ", "OUTCOME", s);
    out += "</VARIABLE>\n";
  }
  for (VariableId v = 0; v < bn.size(); ++v) {
    out += "<DEFINITION>\n";
    append_element(out, "  ", "FOR", bn.variable(v).name);
    for (const VariableId p : bn.parents(v)) append_element(out, "  ", "GIVEN", bn.variable(p).name);
    out += "  <TABLE>";
    // Our CPT layout (parents row-major, child fastest) is XMLBIF's.
    const std::vector<double> table = bn.cpt_table(v);
    for (std::size_t i = 0; i < table.size(); ++i) {
      if (i) out += ' ';
      detail::append_double(out, table[i]);
    }
    out += "</TABLE>\n</DEFINITION>\n";
  }
  out += "</NETWORK>\n</BIF>\n";
  return out;
}

}  // namespace pgm::io
