#pragma once
// PRIVATE: the shortest decimal text that reads back to the same double (round trips are exact).
#include <charconv>
#include <string>
#include <system_error>

namespace pgm::io::detail {

inline std::string format_double(double x) {
  char buf[32];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, x);
  if (ec != std::errc()) return "nan";
  return std::string(buf, p);
}

}  // namespace pgm::io::detail
