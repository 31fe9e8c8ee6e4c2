#include <pgm/core/error.hpp>

namespace pgm {

std::string SourceLocation::str() const {
  std::string s = file.empty() ? std::string("<input>") : file;
  if (line > 0) {
    // append() rather than ':' + to_string(): g++ 12 -O3 gives a false -Wrestrict on the latter.
    s.append(":").append(std::to_string(line));
    if (column > 0) s.append(":").append(std::to_string(column));
  }
  return s;
}

ParseError::ParseError(SourceLocation where, const std::string& message)
    : Error(where.str() + ": " + message), where_(std::move(where)), message_(message) {}

}  // namespace pgm
