// pgm: exact inference in probabilistic graphical models from the command line.
// The one place that turns exceptions into exit codes (see ExitCode in commands.hpp).
#include "pgm/commands.hpp"

#include <pgm/core/error.hpp>

#include <algorithm>
#include <cctype>
#include <exception>
#include <iostream>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using pgm::cli::UsageError;

int fail(int code, const char* message) {
  std::cout.flush();
  std::cerr << "pgm: error: " << message << '\n';
  return code;
}

// CLI11 names a negatable flag's default value in braces ("--no-renormalize{false}"), which reads as
// if the default were off; the help text states the default itself.
class Formatter : public CLI::Formatter {
 public:
  std::string make_option_name(const CLI::Option* opt, bool is_positional) const override {
    std::string name = CLI::Formatter::make_option_name(opt, is_positional);
    for (auto open = name.find('{'); open != std::string::npos; open = name.find('{', open)) {
      const auto close = name.find('}', open);
      if (close == std::string::npos) break;
      name.erase(open, close - open + 1);
    }
    return name;
  }
};

// Levenshtein distance, for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The candidate nearest to `word`, or "" when none is close enough to be a plausible typo.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  const std::size_t allowed = std::max<std::size_t>(2, std::min(word.size(), best.size()) / 3);
  return best_distance <= allowed ? best : std::string();
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

std::vector<std::string> long_names(const CLI::App& cmd) {
  std::vector<std::string> out;
  for (const CLI::Option* o : cmd.get_options()) {
    for (const auto& l : o->get_lnames()) out.push_back(l);
  }
  return out;
}

bool has_short_name(const CLI::App& cmd, char c) {
  const std::string s(1, c);
  const auto options = cmd.get_options();
  return std::any_of(options.begin(), options.end(), [&](const CLI::Option* o) { return o->check_sname(s); });
}

// Mistakes CLI11 reports unhelpfully, checked before it parses: an unknown or missing command, a
// misspelt long option, and a long option written with one dash ("-given X=y", which CLI11 would
// read as "-g iven"). Sets `command` to the command's name once known; UsageError on a mistake.
void check_arguments(const CLI::App& app, int argc, char** argv, std::string& command) {
  std::vector<std::string> commands;
  for (const CLI::App* sub : app.get_subcommands({})) commands.push_back(sub->get_name());
  int first = 1;
  while (first < argc && argv[first][0] == '-') ++first;  // --help, --version: CLI11's business
  // Anything else before the command is misplaced or misspelt.
  const std::vector<std::string> top = long_names(app);
  for (int i = 1; i < first; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || (arg.substr(0, 2) == "--" && std::find(top.begin(), top.end(), arg.substr(2)) != top.end()))
      continue;
    const auto start = arg.find_first_not_of('-');
    if (start == std::string_view::npos) continue;  // "-" or "--": CLI11 asks for the command
    const std::string name(arg.substr(start, arg.find('=') == std::string_view::npos ? arg.npos : arg.find('=') - start));
    if (first < argc && app.get_subcommands([&](const CLI::App* sub) { return sub->get_name() == argv[first]; })
                            .size() == 1) {
      const auto known = long_names(*app.get_subcommand(argv[first]));
      if (std::find(known.begin(), known.end(), name) != known.end()) {
        throw UsageError("'" + std::string(arg) + "' is an option of 'pgm " + argv[first] +
                         "': put it after the command");
      }
    }
    const std::string guess = nearest(name, top);
    throw UsageError("unknown option '" + std::string(arg) + "'" +
                     (guess.empty() ? "" : "; did you mean '--" + guess + "'?"));
  }
  if (first == argc) {
    if (argc == 1) throw UsageError("a command is required, one of: " + join(commands));
    return;
  }
  const std::string word = argv[first];
  if (word == "help") {
    throw UsageError("'help' is not a command: 'pgm --help' lists the commands and 'pgm COMMAND --help' describes one");
  }
  if (std::find(commands.begin(), commands.end(), word) == commands.end()) {
    const std::string guess = nearest(word, commands);
    throw UsageError("unknown command '" + word + "'" + (guess.empty() ? "" : "; did you mean '" + guess + "'?") +
                     " (the commands are " + join(commands) + ")");
  }
  command = word;
  const CLI::App& cmd = *app.get_subcommand(command);
  const std::vector<std::string> known = long_names(cmd);
  const std::string where = "'pgm " + command + "'";
  for (int i = first + 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;  // the rest are positionals
    if (arg.size() > 2 && arg.substr(0, 2) == "--") {
      const std::string name(arg.substr(2, arg.find('=') - 2));
      if (std::find(known.begin(), known.end(), name) != known.end()) continue;
      const std::string guess = nearest(name, known);
      throw UsageError("unknown option '--" + name + "' for " + where +
                       (guess.empty() ? "" : "; did you mean '--" + guess + "'?"));
    }
    // "-g" and "-n5" are short options; a dash, a letter and more letters is a long option missing
    // a dash (or a short option glued to a value that starts with a letter: ambiguous, refused).
    if (arg.size() > 2 && arg[0] == '-' && std::isalpha(static_cast<unsigned char>(arg[1])) &&
        std::isalpha(static_cast<unsigned char>(arg[2]))) {
      const std::string name(arg.substr(1, arg.find('=') - 1));
      std::string hint;
      const bool exact = std::find(known.begin(), known.end(), name) != known.end();
      if (exact) {
        hint = "did you mean '--" + std::string(arg.substr(1)) + "'? Long options take two dashes";
      } else if (const std::string guess = nearest(name, known); !guess.empty()) {
        hint = "did you mean '--" + guess + "'? Long options take two dashes";
      } else {
        hint = "long options take two dashes and short options are one letter";
      }
      if (!exact && has_short_name(cmd, arg[1])) {
        hint += "; for the short option -" + std::string(1, arg[1]) + " put a space before its value: '-" +
                std::string(1, arg[1]) + " " + std::string(arg.substr(2)) + "'";
      }
      throw UsageError("unknown option '" + std::string(arg) + "' for " + where + "; " + hint);
    }
  }
}

// CLI11 says "model is required" for a missing positional; say which argument and what it is.
std::string explain_missing(const CLI::App& app, const std::string& command, const std::string& message) {
  if (message == "A subcommand is required") {  // e.g. "pgm --"
    std::vector<std::string> commands;
    for (const CLI::App* sub : app.get_subcommands({})) commands.push_back(sub->get_name());
    return "a command is required, one of: " + join(commands);
  }
  const std::string suffix = " is required";
  if (command.empty() || message.size() <= suffix.size() ||
      message.compare(message.size() - suffix.size(), suffix.size(), suffix) != 0)
    return message;
  const std::string name = message.substr(0, message.size() - suffix.size());
  for (const CLI::Option* o : app.get_subcommand(command)->get_options()) {
    if (!o->nonpositional() && o->get_name(true) == name) {
      std::string what = o->get_description();
      if (!what.empty()) what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
      return "missing the " + name + " argument: " + what;
    }
  }
  return message;
}

int usage_error(const std::string& command, const std::string& message) {
  std::cout.flush();
  std::cerr << "pgm: error: " << message << "\nRun 'pgm" << (command.empty() ? "" : " " + command)
            << " --help' for more information.\n";
  return pgm::cli::kUsage;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace pgm::cli;
  CLI::App app{"Exact inference in probabilistic graphical models", "pgm"};
  app.formatter(std::make_shared<Formatter>());  // before the subcommands, which copy it
  app.require_subcommand(1);
  app.set_version_flag("--version", "pgm 0.1.0");
  app.footer(
      "Exit codes: 0 ok, 2 bad command line (unknown option, malformed value), 3 unreadable or invalid model file, "
      "4 query the model cannot answer (unknown variable or state, zero-probability evidence, a conversion or "
      "operation the model or format does not support), 5 refused as too large (see --max-memory), "
      "6 numerical failure.");

  register_discrete_commands(app);
  register_independence_commands(app);
  register_gaussian_commands(app);
  register_format_commands(app);
  register_explain_commands(app);
  register_batch_commands(app);  // issue 11: batch inference
  register_citest_commands(app);  // issue 12: independence tests on data
  register_fit_commands(app);  // issue 12: parameter learning
  register_elbo_commands(app);  // issue 12: the ELBO
  register_expect_commands(app);  // issue 12: expectations, entropy, mutual information
  register_render_commands(app);  // issue 13: pictures
  register_serve_commands(app);  // issue 13: pgm serve, the page and JSON API over HTTP

  std::string command;
  try {
    check_arguments(app, argc, argv, command);
    // Subcommand callbacks run inside parse(), so model and query errors surface here too.
    app.parse(argc, argv);
    std::cout.flush();
    return std::cout ? kOk : fail(kInternal, "could not write the output");
  } catch (const CLI::Success& e) {  // --help, --help-all, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Every command-line mistake is a usage error, whatever CLI11's own code for it.
    return usage_error(command, explain_missing(app, command, e.what()));
  } catch (const UsageError& e) {
    return usage_error(command, e.what());
  } catch (const pgm::ParseError& e) {
    return fail(kModel, e.what());
  } catch (const pgm::ModelError& e) {
    return fail(kModel, e.what());
  } catch (const pgm::IoError& e) {
    return fail(kModel, e.what());
  } catch (const pgm::QueryError& e) {  // includes ZeroProbabilityEvidence
    return fail(kQuery, e.what());
  } catch (const pgm::UnsupportedError& e) {
    return fail(kQuery, e.what());
  } catch (const pgm::LimitError& e) {
    return fail(kLimit, e.what());
  } catch (const pgm::NumericalError& e) {
    return fail(kNumerical, e.what());
  } catch (const std::exception& e) {
    return fail(kInternal, e.what());
  }
}
