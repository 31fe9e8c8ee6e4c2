// pgm's Python bindings (the extension pgm._pgm; python/pgm/__init__.py is the public face).
// Only conversion lives here: every answer comes from the library's query API.
#include <pgm/core/error.hpp>

#include <pybind11/pybind11.h>

namespace py = pybind11;

PYBIND11_MODULE(_pgm, m) {
  m.doc() = "pgm: exact inference in graphical models (compiled part)";
}
