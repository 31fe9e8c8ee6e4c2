// libFuzzer harness: evidence files (UAI .evid and NAME=STATE lines, recognised automatically), then
// the pairs resolved against a fixed model as the command line does.
#include "fixed_model.hpp"
#include "harness.hpp"

#include <pgm/io/evidence.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pgm;
  const BayesianNetwork& bn = fuzz::fixed_model();
  try {
    const io::Assignments pairs = io::read_evidence_string(fuzz::text_of(data, size), "fuzz.evid");
    (void)bn.evidence(pairs);
  } catch (const Error&) {
  }
  return 0;
}
