#pragma once
// Shared by the libFuzzer harnesses. A reader may accept its input or throw a pgm::Error; anything else
// (a crash, a sanitizer report, another exception escaping LLVMFuzzerTestOneInput, a hang) is a bug.
// Accepted models are written back and read again: the writers must emit only what the readers accept,
// and writing the re-read model must reproduce the same text (a fixed point), or something was lost.
#include <pgm/core/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

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

}  // namespace pgm::fuzz
