// pgm: exact inference in probabilistic graphical models from the command line.
// The one place that turns exceptions into exit codes (see ExitCode in commands.hpp).
#include "pgm/commands.hpp"

#include <pgm/core/error.hpp>

#include <exception>
#include <iostream>

namespace {

int fail(int code, const char* message) {
  std::cout.flush();
  std::cerr << "pgm: error: " << message << '\n';
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace pgm::cli;
  CLI::App app{"Exact inference in probabilistic graphical models", "pgm"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "pgm 0.1.0");

  register_discrete_commands(app);
  register_independence_commands(app);
  register_gaussian_commands(app);
  register_format_commands(app);

  try {
    // Subcommand callbacks run inside parse(), so model and query errors surface here too.
    app.parse(argc, argv);
    std::cout.flush();
    return std::cout ? kOk : fail(kInternal, "could not write the output");
  } catch (const CLI::Success& e) {  // --help, --help-all, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Every command-line mistake is a usage error, whatever CLI11's own code for it.
    std::cout.flush();
    std::cerr << "pgm: error: " << e.what() << "\nRun with --help for more information.\n";
    return kUsage;
  } catch (const pgm::ParseError& e) {
    return fail(kModel, e.what());
  } catch (const pgm::ModelError& e) {
    return fail(kModel, e.what());
  } catch (const pgm::IoError& e) {
    return fail(kModel, e.what());
  } catch (const pgm::QueryError& e) {  // includes ZeroProbabilityEvidence
    return fail(kQuery, e.what());
  } catch (const pgm::LimitError& e) {
    return fail(kLimit, e.what());
  } catch (const pgm::NumericalError& e) {
    return fail(kNumerical, e.what());
  } catch (const std::exception& e) {
    return fail(kInternal, e.what());
  }
}
