#include <pgm/io/uai.hpp>

#include "io/detail/bn_assembly.hpp"
#include "io/detail/text_cursor.hpp"

#include <pgm/core/error.hpp>
#include <pgm/core/size.hpp>

#include <algorithm>

namespace pgm::io {
namespace {

using detail::quote_token;
using detail::TextCursor;

struct Tk {
  std::string_view text;
  int line = 0;
  int column = 0;
};

struct Function {
  std::vector<VariableId> scope;
  int line = 0;  // of the scope line
  int column = 0;
  std::vector<double> values;
  std::vector<int> value_lines;  // BAYES only: line of the first value of each parent configuration
};

class Reader {
 public:
  Reader(std::string_view text, const std::string& file) : cursor_(text, file, {}) {}

  ModelVariant read(const LoadOptions& options) {
    const Tk type = next();
    bool bayes = false;
    if (iequals(type.text, "BAYES")) {
      bayes = true;
    } else if (!iequals(type.text, "MARKOV")) {
      fail(type, "expected the preamble type 'MARKOV' or 'BAYES', found " + describe(type));
    }
    const std::size_t limit = cursor_.text().size();  // each item needs at least one byte
    const std::size_t n = count("the number of variables", limit);
    if (n == 0) fail(last_, "the model declares no variables");
    // Counts are bounded by the file size, but reserve no more than the rest of the file could fill:
    // a 1 GiB file must not make us allocate 8 GiB before the first check.
    const auto room = [&](std::size_t declared, std::size_t bytes_each) {
      return std::min(declared, (cursor_.text().size() - cursor_.offset()) / bytes_each + 1);
    };
    cards_.reserve(room(n, 2));
    lines_.reserve(room(n, 2));
    // A cardinality is a value, not an item: a variable in no function may have more states than the
    // file has bytes (its writer's round trip is a few bytes long). The states of all variables get a
    // name each, so their total is bounded: by the file size, or 2^22 states when that is more.
    const std::size_t states_budget = std::max(limit, std::size_t{1} << 22);
    std::size_t states = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t card = count("the cardinality of variable " + std::to_string(i), states_budget);
      if (card == 0) fail(last_, "variable " + std::to_string(i) + " has cardinality 0 (expected at least 1)");
      if (card > detail::kMaxTableEntries) {
        throw LimitError(cursor_.location(last_.line, last_.column).str() + ": variable " + std::to_string(i) +
                         " has " + std::to_string(card) + " states, more than a table may hold (the limit is " +
                         detail::table_limit_text() + " entries)");
      }
      // Any answer about the variable holds one number per state (and the model one name per
      // state): a cardinality beyond the memory limit is refused before its names are made.
      try {
        check_table_entries(card, "the marginal of variable " + std::to_string(i));
      } catch (const LimitError& e) {
        throw LimitError(cursor_.location(last_.line, last_.column).str() + ": " + e.what());
      }
      states += card;
      if (states > states_budget)
        fail(last_, "the variables up to " + std::to_string(i) + " have " + std::to_string(states) +
                        " states in all, more than the file could describe (at most " + std::to_string(states_budget) +
                        ")");
      cards_.push_back(card);
      lines_.push_back(last_.line);
    }
    const std::size_t m = count("the number of functions", limit);
    std::vector<Function> functions;
    functions.reserve(room(m, 4));  // each function needs at least "0\n" for its scope and "1 x" for its table
    std::vector<std::size_t> in_scope(n, 0);  // 1 + the last function whose scope lists the variable
    for (std::size_t f = 0; f < m; ++f) {
      Function& fn = functions.emplace_back();
      const std::size_t k = count("the scope size of function " + std::to_string(f), limit);
      fn.line = last_.line;
      fn.column = last_.column;
      if (k > n) {
        fail(last_, "function " + std::to_string(f) + " has " + std::to_string(k) + " variables in its scope but the model has only " +
                        std::to_string(n));
      }
      for (std::size_t j = 0; j < k; ++j) {
        const std::size_t v = count("a variable index in the scope of function " + std::to_string(f), limit);
        if (v >= n) {
          fail(last_, "variable index " + std::to_string(v) + " in the scope of function " + std::to_string(f) +
                          " is out of range (the model has " + std::to_string(n) + " variables, 0 to " +
                          std::to_string(n - 1) + ")");
        }
        if (in_scope[v] == f + 1) {
          fail(last_, "variable " + std::to_string(v) + " appears twice in the scope of function " + std::to_string(f));
        }
        in_scope[v] = f + 1;
        fn.scope.push_back(static_cast<VariableId>(v));
      }
    }
    for (std::size_t f = 0; f < m; ++f) read_table(f, functions[f], bayes);
    cursor_.skip_space();
    if (!cursor_.at_end()) {
      const Tk extra = next();
      fail(extra, "unexpected " + describe(extra) + " after the last function table (the preamble declares " +
                      std::to_string(m) + " functions)");
    }
    if (bayes) return build_bayes(std::move(functions), options);
    return build_markov(std::move(functions));
  }

 private:
  static bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
           });
  }
  static std::string describe(const Tk& t) { return t.text.empty() ? "end of file" : quote_token(t.text); }

  Tk next() {
    cursor_.skip_space();
    Tk t{{}, cursor_.line(), cursor_.column()};
    t.text = cursor_.take_while([](char c) { return !TextCursor::is_space(c); });
    last_ = t;
    return t;
  }
  [[noreturn]] void fail(const Tk& t, const std::string& message) const {
    throw ParseError(cursor_.location(t.line, t.column), message);
  }
  std::size_t count(const std::string& what, std::size_t max) {
    const Tk t = next();
    std::size_t value = 0;
    if (!detail::parse_size(t.text, value)) {
      fail(t, "expected " + what + " (a non-negative integer), found " + describe(t));
    }
    if (value > max) fail(t, what + " is " + std::string(t.text) + ", more than the file could describe");
    return value;
  }

  void read_table(std::size_t f, Function& fn, bool bayes) {
    detail::TableSize table_size;
    for (const VariableId v : fn.scope) table_size.times(cards_[v]);
    const std::size_t size = detail::checked_entries(table_size, cursor_.location(fn.line, fn.column),
                                                     "the table of function " + std::to_string(f));
    const std::size_t declared = count("the number of entries in the table of function " + std::to_string(f),
                                       cursor_.text().size());
    if (declared != size) {
      std::string cards;
      for (const VariableId v : fn.scope) cards += (cards.empty() ? "" : " x ") + std::to_string(cards_[v]);
      fail(last_, "the table of function " + std::to_string(f) + " declares " + std::to_string(declared) +
                      " entries, expected " + std::to_string(size) +
                      (fn.scope.empty() ? std::string(" (empty scope)") : " (cardinalities " + cards + ")"));
    }
    const std::size_t child_card = fn.scope.empty() ? 1 : cards_[fn.scope.back()];
    fn.values.reserve(std::min(size, (cursor_.text().size() - cursor_.offset()) / 2 + 1));
    for (std::size_t i = 0; i < size; ++i) {
      const Tk t = next();
      double value = 0.0;
      if (t.text.empty()) {
        fail(t, "the file ends inside the table of function " + std::to_string(f) + " (read " + std::to_string(i) +
                    " of " + std::to_string(size) + " entries)");
      }
      if (const auto status = detail::parse_number(t.text, value); status != detail::NumberStatus::ok) {
        fail(t, "bad number " + quote_token(t.text) + " in the table of function " + std::to_string(f) +
                    (status == detail::NumberStatus::not_a_number ? std::string()
                                                                   : ": " + detail::number_problem(status)));
      }
      if (value < 0.0) {
        fail(t, "negative value " + std::string(t.text) + " in the table of function " + std::to_string(f) +
                    " (table entries must be >= 0)");
      }
      if (bayes && i % child_card == 0) fn.value_lines.push_back(t.line);
      fn.values.push_back(value);
    }
  }

  ModelVariant build_bayes(std::vector<Function> functions, const LoadOptions& options) {
    const std::size_t n = cards_.size();
    detail::BnSpec spec;
    spec.variables = variables();
    spec.variable_lines = lines_;
    spec.cpts.resize(n);
    std::vector<std::size_t> owner(n, 0);
    for (std::size_t f = 0; f < functions.size(); ++f) {
      Function& fn = functions[f];
      const SourceLocation where = cursor_.location(fn.line, fn.column);
      if (fn.scope.empty()) {
        throw ParseError(where, "function " + std::to_string(f) +
                                    " has an empty scope (in a BAYES model the last scope variable is the child)");
      }
      const VariableId child = fn.scope.back();
      detail::CptSpec& cpt = spec.cpts[child];
      if (cpt.present) {
        throw ParseError(where, "variable " + std::to_string(child) + " is the child (last in scope) of both function " +
                                    std::to_string(owner[child]) + " and function " + std::to_string(f));
      }
      owner[child] = f;
      cpt.present = true;
      cpt.line = fn.line;
      cpt.column = fn.column;
      cpt.parents.assign(fn.scope.begin(), fn.scope.end() - 1);
      cpt.table = std::move(fn.values);
      cpt.column_lines = std::move(fn.value_lines);
    }
    return detail::assemble_bayesian_network(std::move(spec), cursor_.file(), options, "function");
  }

  ModelVariant build_markov(std::vector<Function> functions) {
    MarkovNetworkBuilder builder;
    for (Variable& v : variables()) (void)builder.add_variable(std::move(v));
    for (Function& fn : functions) {
      try {
        builder.add_factor(std::move(fn.scope), std::move(fn.values));
      } catch (const ModelError& e) {
        throw ParseError(cursor_.location(fn.line, fn.column), e.what());
      }
    }
    try {
      return std::move(builder).build();
    } catch (const ModelError& e) {
      throw ParseError({cursor_.file(), 0, 0}, e.what());
    }
  }

  [[nodiscard]] std::vector<Variable> variables() const {
    std::vector<Variable> out(cards_.size());
    for (std::size_t i = 0; i < cards_.size(); ++i) {
      out[i].name = std::to_string(i);
      out[i].states.reserve(cards_[i]);
      for (std::size_t s = 0; s < cards_[i]; ++s) out[i].states.push_back(std::to_string(s));
    }
    return out;
  }

  TextCursor cursor_;
  Tk last_;
  std::vector<std::size_t> cards_;
  std::vector<int> lines_;
};

void append_preamble(std::string& out, const char* type, const VariableSet& vars, std::size_t functions) {
  out += type;
  out += '\n';
  out += std::to_string(vars.size()) + "\n";
  for (VariableId v = 0; v < vars.size(); ++v) out += (v ? " " : "") + std::to_string(vars[v].cardinality());
  out += "\n" + std::to_string(functions) + "\n";
}

void append_scope(std::string& out, std::span<const VariableId> scope) {
  out += std::to_string(scope.size());
  for (const VariableId v : scope) out += " " + std::to_string(v);
  out += '\n';
}

void append_table(std::string& out, std::span<const double> values) {
  out += '\n' + std::to_string(values.size()) + '\n';
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += ' ';
    detail::append_double(out, values[i]);
  }
  out += '\n';
}

}  // namespace

ModelVariant read_uai_string(const std::string& text, const std::string& filename, const LoadOptions& options) {
  Reader reader(detail::checked_text(text, filename), filename);
  return reader.read(options);
}

ModelVariant read_uai_file(const std::string& path, const LoadOptions& options) {
  const std::string text = detail::read_text_file(path);
  return read_uai_string(text, path, options);
}

std::string write_uai(const BayesianNetwork& bn) {
  std::string out;
  append_preamble(out, "BAYES", bn.variables(), bn.size());
  for (VariableId v = 0; v < bn.size(); ++v) {
    std::vector<VariableId> scope(bn.parents(v).begin(), bn.parents(v).end());
    scope.push_back(v);
    append_scope(out, scope);
  }
  // cpt_table is parents row-major then child fastest: exactly the scope order written above.
  for (VariableId v = 0; v < bn.size(); ++v) append_table(out, bn.cpt_table(v));
  return out;
}

std::string write_uai(const MarkovNetwork& mn) {
  std::string out;
  append_preamble(out, "MARKOV", mn.variables(), mn.factors().size());
  for (std::size_t f = 0; f < mn.factors().size(); ++f) append_scope(out, mn.scope(f));
  for (std::size_t f = 0; f < mn.factors().size(); ++f) {
    append_table(out, mn.factors()[f].values_in_order(mn.scope(f)));
  }
  return out;
}

}  // namespace pgm::io
