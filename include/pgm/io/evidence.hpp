#pragma once
// Evidence files. Two forms are recognised automatically:
//  - UAI `.evid`: whitespace-separated integers, either the one-line form `N v1 s1 ... vN sN` or the
//    older form with a leading sample count `1` then `N v1 s1 ...` (only one sample is supported).
//    Variables and states are returned as their indices in text ("3", "1"), which is how UAI models
//    are named by read_uai_file.
//  - `name=state` per line; blank lines and `#` comments are ignored, spaces around names trimmed.
#include <string>
#include <utility>
#include <vector>

namespace pgm::io {

using Assignments = std::vector<std::pair<std::string, std::string>>;

// ParseError (file, line, column) on malformed content, IoError if unreadable. The pairs are
// returned in file order; names are resolved against a model later (VariableSet::evidence).
[[nodiscard]] Assignments read_evidence_file(const std::string& path);
[[nodiscard]] Assignments read_evidence_string(const std::string& text, const std::string& filename);

}  // namespace pgm::io
