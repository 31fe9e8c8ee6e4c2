#include <pgm/io/bif.hpp>

#include "io/detail/bn_assembly.hpp"
#include "io/detail/text_cursor.hpp"

#include <pgm/core/error.hpp>

#include <deque>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>

namespace pgm::io {
namespace {

using detail::quote_token;
using detail::TextCursor;

enum class Tok { word, quoted, punct, end };

struct Token {
  Tok kind = Tok::end;
  std::string_view text;  // into the source, or into Lexer::unescaped_ (stable: a deque)
  int line = 0;
  int column = 0;
};

[[nodiscard]] bool is_punct(char c) noexcept {
  return c == '{' || c == '}' || c == '(' || c == ')' || c == '[' || c == ']' || c == ',' || c == ';' || c == '|';
}
// Bare words are anything else up to whitespace, so states such as `<5`, `>=7.5`, `12+`, `Asy/Patch`
// and `0_00___0_01__` of the bnlearn files need no quotes.
[[nodiscard]] bool is_word_char(char c) noexcept { return !TextCursor::is_space(c) && !is_punct(c) && c != '"'; }

class Lexer {
 public:
  Lexer(std::string_view text, const std::string& file) : cursor_(text, file, {.slash_comments = true}) {
    advance();
  }

  [[nodiscard]] const Token& peek() const noexcept { return current_; }
  Token next() {
    Token t = current_;
    advance();
    return t;
  }
  [[nodiscard]] const std::string& file() const noexcept { return cursor_.file(); }
  [[nodiscard]] SourceLocation at(const Token& t) const { return {cursor_.file(), t.line, t.column}; }
  [[noreturn]] void fail(const Token& t, const std::string& message) const { throw ParseError(at(t), message); }

 private:
  void advance() {
    cursor_.skip_space();
    current_.line = cursor_.line();
    current_.column = cursor_.column();
    if (cursor_.at_end()) {
      current_.kind = Tok::end;
      current_.text = {};
      return;
    }
    const char c = cursor_.peek();
    if (is_punct(c)) {
      current_.kind = Tok::punct;
      current_.text = cursor_.text().substr(cursor_.offset(), 1);
      cursor_.advance();
      return;
    }
    if (c == '"') {
      read_quoted();
      return;
    }
    current_.kind = Tok::word;
    const std::size_t start = cursor_.offset();
    // A word ends at a comment opener too, so `0.5;//note` and `yes//note` both work.
    while (!cursor_.at_end() && is_word_char(cursor_.peek()) &&
           !(cursor_.peek() == '/' && (cursor_.peek(1) == '/' || cursor_.peek(1) == '*'))) {
      cursor_.advance();
    }
    current_.text = cursor_.text().substr(start, cursor_.offset() - start);
  }

  void read_quoted() {
    current_.kind = Tok::quoted;
    cursor_.advance();  // opening quote
    const std::size_t start = cursor_.offset();
    bool escaped = false;
    for (;;) {
      const char c = cursor_.peek();
      if (cursor_.at_end() || c == '\n' || c == '\r') {
        throw ParseError({cursor_.file(), current_.line, current_.column},
                         "unterminated quoted name: the line ends before the closing '\"'");
      }
      if (c == '"') break;
      if (c == '\\') {
        escaped = true;
        cursor_.advance();
        if (cursor_.at_end() || cursor_.peek() == '\n') continue;  // reported by the check above
      }
      cursor_.advance();
    }
    std::string_view raw = cursor_.text().substr(start, cursor_.offset() - start);
    cursor_.advance();  // closing quote
    if (!escaped) {
      current_.text = raw;
      return;
    }
    std::string& out = unescaped_.emplace_back();
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\\' && i + 1 < raw.size()) {
        const char e = raw[++i];
        out += e == 'n' ? '\n' : e == 'r' ? '\r' : e;
        continue;
      }
      out += raw[i];
    }
    current_.text = out;
  }

  TextCursor cursor_;
  Token current_;
  std::deque<std::string> unescaped_;
};

[[nodiscard]] std::string describe(const Token& t) {
  switch (t.kind) {
    case Tok::end: return "end of file";
    case Tok::punct: return "'" + std::string(t.text) + "'";
    case Tok::quoted: return "\"" + std::string(t.text.substr(0, 40)) + "\"";
    case Tok::word: return quote_token(t.text);
  }
  return "?";
}

[[nodiscard]] bool is_punct_tok(const Token& t, char c) noexcept {
  return t.kind == Tok::punct && t.text.size() == 1 && t.text[0] == c;
}
[[nodiscard]] bool is_keyword(const Token& t, std::string_view word) noexcept {
  return t.kind == Tok::word && t.text == word;
}

struct RawVariable {
  Token name;
  std::vector<Token> states;
};

enum class EntryKind { table, fallback, row };

struct RawEntry {
  EntryKind kind = EntryKind::row;
  Token start;                  // the keyword or '('
  std::vector<Token> labels;    // rows only
  std::size_t first_value = 0;  // into Parser::values_
  std::size_t value_count = 0;
};

struct RawProbability {
  Token keyword;
  Token child;
  std::vector<Token> parents;
  std::vector<RawEntry> entries;
};

class Parser {
 public:
  Parser(std::string_view text, const std::string& file) : lex_(text, file) {}

  BayesianNetwork parse(const LoadOptions& options) {
    for (;;) {
      const Token t = lex_.peek();
      if (t.kind == Tok::end) break;
      if (is_punct_tok(t, ';')) {  // stray separator between blocks
        lex_.next();
      } else if (is_keyword(t, "network")) {
        parse_network();
      } else if (is_keyword(t, "variable")) {
        parse_variable();
      } else if (is_keyword(t, "probability")) {
        parse_probability();
      } else {
        lex_.fail(t, "expected 'network', 'variable' or 'probability' at the start of a block, found " + describe(t));
      }
    }
    return resolve(options);
  }

 private:
  Token expect_punct(char c, const std::string& context) {
    const Token t = lex_.next();
    if (!is_punct_tok(t, c)) lex_.fail(t, "expected '" + std::string(1, c) + "' " + context + ", found " + describe(t));
    return t;
  }
  Token expect_name(const std::string& what) {
    const Token t = lex_.next();
    if (t.kind != Tok::word && t.kind != Tok::quoted) lex_.fail(t, "expected " + what + ", found " + describe(t));
    if (t.text.empty()) lex_.fail(t, "empty name: expected " + what);
    return t;
  }
  void skip_optional(char c) {
    if (is_punct_tok(lex_.peek(), c)) lex_.next();
  }

  // `property ... ;` — the content is free-form and ignored.
  void skip_property() {
    const Token start = lex_.next();
    for (;;) {
      const Token t = lex_.next();
      if (is_punct_tok(t, ';')) return;
      if (t.kind == Tok::end || is_punct_tok(t, '}')) {
        lex_.fail(start, "property statement is not terminated by ';' (found " + describe(t) + ")");
      }
    }
  }

  void parse_network() {
    const Token keyword = lex_.next();
    if (seen_network_) lex_.fail(keyword, "second 'network' block (a file describes one network)");
    seen_network_ = true;
    if (!is_punct_tok(lex_.peek(), '{')) name_ = std::string(expect_name("the network name").text);
    expect_punct('{', "after the network name");
    for (;;) {
      const Token t = lex_.peek();
      if (is_punct_tok(t, '}')) break;
      if (!is_keyword(t, "property")) {
        lex_.fail(t, "expected 'property' or '}' in the network block, found " + describe(t));
      }
      skip_property();
    }
    lex_.next();
  }

  void parse_variable() {
    lex_.next();
    RawVariable var;
    var.name = expect_name("a variable name after 'variable'");
    const std::string context = "in the declaration of variable '" + std::string(var.name.text) + "'";
    expect_punct('{', "after the variable name " + quote_token(var.name.text));
    bool typed = false;
    for (;;) {
      const Token t = lex_.peek();
      if (is_punct_tok(t, '}')) break;
      if (is_keyword(t, "property")) {
        skip_property();
        continue;
      }
      if (!is_keyword(t, "type")) {
        lex_.fail(t, "expected 'type', 'property' or '}' " + context + ", found " + describe(t));
      }
      if (typed) lex_.fail(t, "second 'type' statement " + context);
      typed = true;
      lex_.next();
      const Token kind = lex_.next();
      if (!is_keyword(kind, "discrete")) {
        lex_.fail(kind, "only 'type discrete' variables are supported, found " + describe(kind) + " " + context);
      }
      std::size_t declared = 0;
      Token count_token;
      const bool has_count = is_punct_tok(lex_.peek(), '[');
      if (has_count) {
        lex_.next();
        count_token = lex_.next();
        if (count_token.kind != Tok::word || !detail::parse_size(count_token.text, declared)) {
          lex_.fail(count_token, "expected the number of states (a non-negative integer) " + context + ", found " +
                                     describe(count_token));
        }
        expect_punct(']', "after the number of states " + context);
      }
      expect_punct('{', "before the list of states " + context);
      detail::NameIndex seen;  // state -> index in var.states: one hash lookup per state, not a scan
      for (;;) {
        const Token s = lex_.peek();
        if (is_punct_tok(s, '}')) break;
        if (is_punct_tok(s, ',')) {
          lex_.next();
          continue;
        }
        const Token state = expect_name("a state name or '}' " + context);
        if (const std::size_t* first = seen.find(state.text)) {
          lex_.fail(state, "state " + quote_token(state.text) + " listed twice " + context + " (first at line " +
                               std::to_string(var.states[*first].line) + ")");
        }
        seen.add(state.text, var.states.size());
        var.states.push_back(state);
      }
      const Token close = lex_.next();
      if (var.states.empty()) lex_.fail(close, "no states listed " + context + " (a variable needs at least one)");
      if (has_count && declared != var.states.size()) {
        lex_.fail(count_token, "variable '" + std::string(var.name.text) + "' declares " + std::to_string(declared) +
                                   " states but lists " + std::to_string(var.states.size()));
      }
      skip_optional(';');
    }
    lex_.next();
    if (!typed) lex_.fail(var.name, "variable '" + std::string(var.name.text) + "' has no 'type discrete' statement");
    variables_.push_back(std::move(var));
  }

  // Numbers up to ';' (commas optional) into values_.
  std::size_t parse_values(const std::string& context) {
    std::size_t count = 0;
    for (;;) {
      const Token t = lex_.next();
      if (is_punct_tok(t, ';')) return count;
      if (is_punct_tok(t, ',')) continue;
      if (t.kind != Tok::word) {
        lex_.fail(t, "expected a probability or ';' " + context + ", found " + describe(t) +
                         (t.kind == Tok::end || is_punct_tok(t, '}') ? " (missing ';'?)" : ""));
      }
      double value = 0.0;
      if (const auto status = detail::parse_number(t.text, value); status != detail::NumberStatus::ok) {
        lex_.fail(t, "bad number " + quote_token(t.text) + " " + context +
                         (status == detail::NumberStatus::not_a_number
                              ? std::string(" (expected a probability such as 0.25)")
                              : ": " + detail::number_problem(status)));
      }
      values_.push_back(value);
      ++count;
    }
  }

  void parse_probability() {
    RawProbability prob;
    prob.keyword = lex_.next();
    expect_punct('(', "after 'probability'");
    prob.child = expect_name("the variable name after 'probability ('");
    const std::string context = "in the probability block of '" + std::string(prob.child.text) + "'";
    // `( X | A, B )` (bnlearn, pgmpy) or `( X A B )` / `( X, A, B )` (JavaBayes: child first).
    skip_optional(',');
    skip_optional('|');
    for (;;) {
      const Token t = lex_.peek();
      if (is_punct_tok(t, ')')) break;
      if (is_punct_tok(t, ',')) {
        lex_.next();
        continue;
      }
      prob.parents.push_back(expect_name("a parent name or ')' " + context));
    }
    lex_.next();
    expect_punct('{', "after the variable list " + context);
    for (;;) {
      const Token t = lex_.peek();
      if (is_punct_tok(t, '}')) break;
      if (is_keyword(t, "property")) {
        skip_property();
        continue;
      }
      RawEntry entry;
      entry.start = lex_.next();
      if (is_keyword(t, "table")) {
        entry.kind = EntryKind::table;
      } else if (is_keyword(t, "default")) {
        entry.kind = EntryKind::fallback;
      } else if (is_punct_tok(t, '(')) {
        entry.kind = EntryKind::row;
        for (;;) {
          const Token l = lex_.next();
          if (is_punct_tok(l, ')')) break;
          if (is_punct_tok(l, ',')) continue;
          if (l.kind != Tok::word && l.kind != Tok::quoted) {
            lex_.fail(l, "expected a parent state or ')' in a row " + context + ", found " + describe(l));
          }
          entry.labels.push_back(l);
        }
      } else {
        lex_.fail(t, "expected '(', 'table', 'default' or '}' " + context + ", found " + describe(t));
      }
      entry.first_value = values_.size();
      entry.value_count = parse_values(context);
      prob.entries.push_back(std::move(entry));
    }
    lex_.next();
    probabilities_.push_back(std::move(prob));
  }

  BayesianNetwork resolve(const LoadOptions& options) {
    const std::string& file = lex_.file();
    detail::BnSpec spec;
    spec.name = name_;
    std::unordered_map<std::string_view, VariableId> ids;
    ids.reserve(variables_.size() * 2);
    std::vector<Token> declared_at;
    for (RawVariable& raw : variables_) {
      const auto [it, inserted] = ids.emplace(raw.name.text, static_cast<VariableId>(spec.variables.size()));
      if (!inserted) {
        lex_.fail(raw.name, "variable '" + std::string(raw.name.text) + "' declared twice (first at line " +
                                std::to_string(declared_at[it->second].line) + ")");
      }
      Variable v;
      v.name = std::string(raw.name.text);
      v.states.reserve(raw.states.size());
      for (const Token& s : raw.states) v.states.emplace_back(s.text);
      spec.variables.push_back(std::move(v));
      spec.variable_lines.push_back(raw.name.line);
      declared_at.push_back(raw.name);
    }
    spec.cpts.resize(spec.variables.size());
    // Per variable, an index of its states, built the first time a row names one (rows of a CPT whose
    // parent has 10^5 states would otherwise scan them all per label).
    std::vector<std::unique_ptr<detail::NameIndex>> state_index(spec.variables.size());
    const auto find_state = [&](VariableId v, std::string_view state) -> std::optional<std::size_t> {
      const Variable& var = spec.variables[v];
      if (var.cardinality() <= 8) return var.find_state(state);
      if (!state_index[v]) state_index[v] = std::make_unique<detail::NameIndex>(var.states);
      const std::size_t* s = state_index[v]->find(state);
      return s ? std::optional<std::size_t>(*s) : std::nullopt;
    };
    const auto lookup = [&](const Token& t, const std::string& role) -> VariableId {
      const auto it = ids.find(t.text);
      if (it == ids.end()) {
        lex_.fail(t, "undeclared variable '" + std::string(t.text) + "' " + role +
                         " (every variable needs a 'variable' block)");
      }
      return it->second;
    };

    for (const RawProbability& prob : probabilities_) {
      const VariableId child = lookup(prob.child, "in a probability block");
      detail::CptSpec& cpt = spec.cpts[child];
      const std::string name(prob.child.text);
      const std::string context = "in the probability block of '" + name + "'";
      if (cpt.present) {
        lex_.fail(prob.keyword, "second probability block for '" + name + "' (the first is at line " +
                                    std::to_string(cpt.line) + ")");
      }
      cpt.present = true;
      cpt.line = prob.keyword.line;
      cpt.column = prob.keyword.column;
      for (const Token& p : prob.parents) cpt.parents.push_back(lookup(p, "as a parent of '" + name + "'"));
      try {
        check_parents(spec.variables, child, cpt.parents);
      } catch (const ModelValidationError& e) {
        const Token& p = prob.parents[e.position];
        if (e.problem == ModelProblem::self_parent) lex_.fail(p, "variable '" + name + "' is listed as its own parent");
        lex_.fail(p, "parent '" + std::string(p.text) + "' listed twice " + context);
      }
      const Variable& var = spec.variables[child];
      const std::size_t card = var.cardinality();
      std::vector<VariableId> scope = cpt.parents;
      scope.push_back(child);
      const std::size_t size = detail::checked_table_size(spec.variables, scope, lex_.at(prob.keyword),
                                                          "the CPT of '" + name + "'");
      const std::size_t configs = size / card;
      cpt.table.assign(size, 0.0);
      cpt.column_lines.assign(configs, 0);
      std::vector<bool> given(configs, false);
      const RawEntry* fallback = nullptr;
      const RawEntry* table = nullptr;
      for (const RawEntry& e : prob.entries) {
        const double* values = values_.data() + e.first_value;
        if (e.kind == EntryKind::table) {
          if (table) lex_.fail(e.start, "second 'table' " + context + " (the first is at line " +
                                            std::to_string(table->start.line) + ")");
          table = &e;
          if (e.value_count != size) {
            lex_.fail(e.start, "'table' " + context + " has " + std::to_string(e.value_count) + " numbers, expected " +
                                   std::to_string(size) + " (" + std::to_string(card) + " states x " +
                                   std::to_string(configs) + " parent configurations)");
          }
          // Child slowest in the file; child fastest in ours.
          for (std::size_t s = 0; s < card; ++s) {
            for (std::size_t c = 0; c < configs; ++c) cpt.table[c * card + s] = values[s * configs + c];
          }
        } else if (e.kind == EntryKind::fallback) {
          if (fallback) lex_.fail(e.start, "second 'default' row " + context);
          fallback = &e;
          check_row_size(e, card, name);
        } else {
          if (e.labels.size() != cpt.parents.size()) {
            lex_.fail(e.start, "row " + context + " names " + std::to_string(e.labels.size()) +
                                   " parent state(s), expected " + std::to_string(cpt.parents.size()) +
                                   (cpt.parents.empty() ? std::string(" (the variable has no parents)")
                                                        : " (one per parent: " + parent_names(spec, cpt) + ")"));
          }
          check_row_size(e, card, name);
          std::size_t config = 0;
          for (std::size_t i = 0; i < e.labels.size(); ++i) {
            const Variable& parent = spec.variables[cpt.parents[i]];
            const auto state = find_state(cpt.parents[i], e.labels[i].text);
            if (!state) {
              lex_.fail(e.labels[i], quote_token(e.labels[i].text) + " is not a state of '" + parent.name +
                                         "' (states: " + join_names(parent.states) + ") " + context);
            }
            config = config * parent.cardinality() + *state;
          }
          if (given[config]) {
            lex_.fail(e.start, "second row for (" + describe_configuration(spec.variables, cpt.parents, config) +
                                   ") " + context + " (the first is at line " +
                                   std::to_string(cpt.column_lines[config]) + ")");
          }
          given[config] = true;
          cpt.column_lines[config] = e.start.line;
          std::copy(values, values + card, cpt.table.begin() + static_cast<std::ptrdiff_t>(config * card));
        }
      }
      for (std::size_t c = 0; c < configs; ++c) {
        if (given[c]) continue;
        if (fallback) {
          const double* values = values_.data() + fallback->first_value;
          std::copy(values, values + card, cpt.table.begin() + static_cast<std::ptrdiff_t>(c * card));
          cpt.column_lines[c] = fallback->start.line;
        } else if (table) {
          cpt.column_lines[c] = table->start.line;
        } else {
          lex_.fail(prob.keyword,
                    "the probability block of '" + name + "' gives no probabilities for " +
                        (cpt.parents.empty() ? std::string("the variable")
                                             : "(" + describe_configuration(spec.variables, cpt.parents, c) + ")") +
                        " (no row, 'default' or 'table' covers it)");
        }
      }
    }
    return detail::assemble_bayesian_network(std::move(spec), file, options, "probability block");
  }

  void check_row_size(const RawEntry& e, std::size_t card, const std::string& name) const {
    if (e.value_count != card) {
      lex_.fail(e.start, "row has " + std::to_string(e.value_count) + " probabilities but '" + name + "' has " +
                             std::to_string(card) + " states");
    }
  }
  [[nodiscard]] static std::string parent_names(const detail::BnSpec& spec, const detail::CptSpec& cpt) {
    std::string out;
    for (std::size_t i = 0; i < cpt.parents.size(); ++i) out += (i ? ", " : "") + spec.variables[cpt.parents[i]].name;
    return out;
  }

  Lexer lex_;
  std::string name_;
  bool seen_network_ = false;
  std::vector<RawVariable> variables_;
  std::vector<RawProbability> probabilities_;
  std::vector<double> values_;
};

// A name can be written bare when the reader would read it back as one word.
[[nodiscard]] bool needs_quotes(std::string_view name) {
  if (name.empty()) return true;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!is_word_char(name[i])) return true;
    if (name[i] == '/' && i + 1 < name.size() && (name[i + 1] == '/' || name[i + 1] == '*')) return true;
  }
  return false;
}

void append_name(std::string& out, std::string_view name) {
  if (!needs_quotes(name)) {
    out += name;
    return;
  }
  out += '"';
  for (const char c : name) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
  }
  out += '"';
}

}  // namespace

BayesianNetwork read_bif_string(const std::string& text, const std::string& filename, const LoadOptions& options) {
  Parser parser(detail::checked_text(text, filename), filename);
  return parser.parse(options);
}

BayesianNetwork read_bif_file(const std::string& path, const LoadOptions& options) {
  const std::string text = detail::read_text_file(path);
  return read_bif_string(text, path, options);
}

std::string write_bif(const BayesianNetwork& bn) {
  std::string out;
  out += "network ";
  append_name(out, bn.name().empty() ? std::string_view("unknown") : std::string_view(bn.name()));
  out += " {\n}\n";
  for (VariableId v = 0; v < bn.size(); ++v) {
    const Variable& var = bn.variable(v);
    out += "variable ";
    append_name(out, var.name);
    out += " {\n  type discrete [ " + std::to_string(var.cardinality()) + " ] { ";
    for (std::size_t s = 0; s < var.states.size(); ++s) {
      if (s) out += ", ";
      append_name(out, var.states[s]);
    }
    out += " };\n}\n";
  }
  for (VariableId v = 0; v < bn.size(); ++v) {
    const Variable& var = bn.variable(v);
    const auto parents = bn.parents(v);
    const std::vector<double> table = bn.cpt_table(v);
    const std::size_t card = var.cardinality();
    out += "probability ( ";
    append_name(out, var.name);
    if (!parents.empty()) {
      out += " | ";
      for (std::size_t i = 0; i < parents.size(); ++i) {
        if (i) out += ", ";
        append_name(out, bn.variable(parents[i]).name);
      }
    }
    out += " ) {\n";
    const auto append_values = [&](std::size_t config) {
      for (std::size_t s = 0; s < card; ++s) {
        if (s) out += ", ";
        detail::append_double(out, table[config * card + s]);
      }
      out += ";\n";
    };
    if (parents.empty()) {
      out += "  table ";
      append_values(0);
    } else {
      std::vector<std::size_t> states(parents.size(), 0);
      const std::size_t configs = table.size() / card;
      for (std::size_t c = 0; c < configs; ++c) {
        out += "  (";
        for (std::size_t i = 0; i < parents.size(); ++i) {
          if (i) out += ", ";
          append_name(out, bn.variable(parents[i]).states[states[i]]);
        }
        out += ") ";
        append_values(c);
        for (std::size_t i = parents.size(); i-- > 0;) {  // odometer, last parent fastest
          if (++states[i] < bn.variable(parents[i]).cardinality()) break;
          states[i] = 0;
        }
      }
    }
    out += "}\n";
  }
  return out;
}

}  // namespace pgm::io
