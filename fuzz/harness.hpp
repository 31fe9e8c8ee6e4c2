#pragma once
// Shared by the libFuzzer harnesses. A reader may accept its input or throw a pgm::Error; anything else
// (a crash, a sanitizer report, another exception escaping LLVMFuzzerTestOneInput, a hang) is a bug.
// Accepted models are written back and read again: the writers must emit only what the readers accept,
// and writing the re-read model must reproduce the same text (a fixed point), or something was lost.
// Small accepted discrete models are also answered, by the junction tree and by variable elimination:
// every marginal must be a distribution and the two engines must agree (no silent NaN, no wrong answer).
#include <pgm/core/error.hpp>
#include <pgm/core/size.hpp>
#include <pgm/inference/junction_tree.hpp>
#include <pgm/inference/variable_elimination.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

// Every harness is one translation unit that includes this header, so this is defined once per binary.
// A few kilobytes of BIF ('default' rows) or UAI can declare a legitimate table of hundreds of megabytes;
// reading, writing and re-reading it twice takes longer than the fuzzer's timeout under ASan without
// being a bug. Tables are capped at 8 MiB here, so such inputs exercise the limit's error path instead.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pgm::set_max_table_bytes(std::size_t{8} << 20);
  return 0;
}

namespace pgm::fuzz {

inline std::string text_of(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

[[noreturn]] inline void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "pgm fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

// write(read(text)) read again must succeed and write the same text.
template <class Read, class Write>
void check_round_trip(const std::string& written, Read read, Write write) {
  std::string again;
  try {
    again = write(read(written));
  } catch (const Error& e) {
    fail("a written model does not read back", std::string(e.what()) + "\n--- written ---\n" + written);
  }
  if (again != written) fail("writing the re-read model gives different text", written + "\n--- then ---\n" + again);
}

// Marginals of a small model (at most 20 variables, clique tables of at most 1 MB) by both engines,
// given `evidence`. Where the junction tree finds P(e) = 0, variable elimination must say so too.
template <class Network>
void check_answers(const Network& model, const Evidence& evidence) {
  JunctionTreeOptions options;
  options.max_memory_bytes = std::size_t{1} << 20;
  options.triangulation_restarts.effort = 0;  // no restarts: fast
  std::vector<Factor> jt;
  bool zero = false;
  try {
    jt = JunctionTree(model, options).calibrate(evidence).marginals();
  } catch (const ZeroProbabilityEvidence&) {
    zero = true;
  } catch (const Error&) {
    return;  // too large, or a Markov network whose partition function is 0 or not finite: refused
  }
  const VariableElimination ve(model);
  for (VariableId v = 0; v < model.size(); ++v) {
    const std::string& name = model.variables()[v].name;
    Factor by_ve;
    try {
      by_ve = ve.marginal(v, evidence);
    } catch (const ZeroProbabilityEvidence& e) {
      if (zero) continue;
      fail("variable elimination finds P(e) = 0 where the junction tree does not", name + ": " + e.what());
    } catch (const Error& e) {
      fail("variable elimination refuses a marginal the junction tree answers", name + ": " + e.what());
    }
    if (zero) fail("the junction tree finds P(e) = 0 where variable elimination does not", name);
    const auto a = jt[v].values();
    const auto b = by_ve.values();
    if (a.size() != b.size()) fail("the engines' marginals differ in size", name);
    double sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!(a[i] >= 0 && a[i] <= 1 + 1e-9)) fail("a junction-tree marginal is not a probability", name);
      if (!(std::abs(a[i] - b[i]) <= 1e-6)) {
        fail("the engines disagree", name + ": " + std::to_string(a[i]) + " vs " + std::to_string(b[i]));
      }
      sum += a[i];
    }
    if (!(std::abs(sum - 1) <= 1e-9)) fail("a marginal does not sum to 1", name);
  }
}

// No evidence, then the last variable (often a leaf) observed in its first state.
template <class Network>
void check_answers(const Network& model) {
  if (model.size() == 0 || model.size() > 20) return;
  check_answers(model, {});
  check_answers(model, {{static_cast<VariableId>(model.size() - 1), 0}});
}

}  // namespace pgm::fuzz
