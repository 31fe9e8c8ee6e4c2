#pragma once
// The error policy: one root type, a few children, one exit code per child (see tools/pgm).
// Messages say what was found, where, and what was expected; no library file/line in what().
#include <stdexcept>
#include <string>

namespace pgm {

// A position in a user's file. line and column are 1-based; 0 means "not applicable".
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  // "file:line:column", "file:line" or "file", whichever parts are known.
  [[nodiscard]] std::string str() const;
};

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A model file that cannot be read: syntax, wrong shapes, bad numbers, inconsistent structure.
// what() is "file:line:column: message".
class ParseError : public Error {
 public:
  ParseError(SourceLocation where, const std::string& message);
  [[nodiscard]] const SourceLocation& where() const noexcept { return where_; }
  [[nodiscard]] const std::string& message() const noexcept { return message_; }

 private:
  SourceLocation where_;
  std::string message_;
};

// A model built through the C++ API that violates an invariant (cycle, CPT column sum, ...).
class ModelError : public Error {
 public:
  using Error::Error;
};

// A query that cannot be answered as asked: unknown variable or state, overlapping sets, ...
class QueryError : public Error {
 public:
  using Error::Error;
};

// The evidence has probability zero under the model, so no posterior exists.
class ZeroProbabilityEvidence : public QueryError {
 public:
  using QueryError::QueryError;
};

// A well-formed request the model or a format cannot express: writing a Markov network as BIF, a
// Gaussian as UAI, sampling a Markov network. Neither the input file nor the query is at fault.
class UnsupportedError : public Error {
 public:
  using Error::Error;
};

// A numerical precondition failed: not positive definite, not finite, ...
class NumericalError : public Error {
 public:
  using Error::Error;
};

// A file that cannot be opened or written.
class IoError : public Error {
 public:
  using Error::Error;
};

// The computation would exceed a size or memory limit; the message gives the figure.
class LimitError : public Error {
 public:
  using Error::Error;
};

}  // namespace pgm
