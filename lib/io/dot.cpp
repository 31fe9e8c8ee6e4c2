#include <pgm/io/dot.hpp>

#include <string_view>

namespace pgm::io {
namespace {

// A DOT double-quoted ID: only '"' needs escaping; backslashes are escaped too so that a name
// ending in '\' cannot swallow the closing quote. Newlines become the DOT escape "\n".
void append_id(std::string& out, std::string_view name) {
  out += '"';
  for (const char c : name) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c != '\r') {
      out += c;
    }
  }
  out += '"';
}

void append_header(std::string& out, const char* kind, const std::string& name) {
  out += kind;
  out += ' ';
  append_id(out, name.empty() ? std::string_view("model") : std::string_view(name));
  out += " {\n";
}

}  // namespace

std::string write_dot(const BayesianNetwork& bn) {
  std::string out;
  append_header(out, "digraph", bn.name());
  out += "  node [shape=ellipse];\n";
  for (VariableId v = 0; v < bn.size(); ++v) {
    out += "  ";
    append_id(out, bn.variable(v).name);
    out += ";\n";
  }
  for (VariableId v = 0; v < bn.size(); ++v) {
    for (const VariableId p : bn.parents(v)) {
      out += "  ";
      append_id(out, bn.variable(p).name);
      out += " -> ";
      append_id(out, bn.variable(v).name);
      out += ";\n";
    }
  }
  out += "}\n";
  return out;
}

std::string write_dot(const MarkovNetwork& mn) {
  std::string out;
  append_header(out, "graph", mn.name());
  out += "  node [shape=ellipse];\n";
  for (VariableId v = 0; v < mn.size(); ++v) {
    out += "  ";
    append_id(out, mn.variable(v).name);
    out += ";\n";
  }
  for (const auto& [u, v] : mn.graph().edges()) {
    out += "  ";
    append_id(out, mn.variable(u).name);
    out += " -- ";
    append_id(out, mn.variable(v).name);
    out += ";\n";
  }
  out += "}\n";
  return out;
}

}  // namespace pgm::io
