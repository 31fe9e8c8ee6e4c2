#pragma once
// The what() of the exception of type E that f throws, or "no <E>" when it throws none — so a test can
// assert on the message with one EXPECT and a readable failure.
#include <string>

namespace pgm::testing {

template <class E, class F>
std::string error_message(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "no exception of the expected type";
}

}  // namespace pgm::testing
