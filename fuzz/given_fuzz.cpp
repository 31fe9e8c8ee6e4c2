// libFuzzer harness: the command line's --given parser (tools/pgm/common.cpp, compiled in), then the
// pairs resolved against a fixed model. Each input line is the value of one --given option.
#include "fixed_model.hpp"
#include "harness.hpp"

#include "pgm/commands.hpp"

#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pgm;
  const BayesianNetwork& bn = fuzz::fixed_model();
  const std::string text = fuzz::text_of(data, size);
  std::vector<std::string> given;
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    given.emplace_back(rest.substr(0, nl));
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  try {
    (void)bn.evidence(cli::parse_assignments(given));
  } catch (const Error&) {
  } catch (const cli::UsageError&) {  // a malformed item: the command line's usage error (exit 2)
  }
  return 0;
}
