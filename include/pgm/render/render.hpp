#pragma once
// Pictures of a model and its posteriors (issue 13): the network laid out by Graphviz's dot engine,
// used in-process (cgraph + gvc; no Graphviz header here, and the `dot` program is never run).
//
// Each variable is a node showing its name and, for a discrete model, one row per state (name, a bar,
// the posterior in percent with one decimal); a Gaussian or linear-Gaussian model shows the posterior
// mean ± standard deviation. Observed variables are shaded and show their observed state. Markov
// networks (and Gaussians, by their precision graph) are drawn undirected. Posteriors come from the
// query API (Model::answer with Options::method); nothing is computed here.
//
// SVG ids (a contract with the page of `pgm serve`; docs/render.md): variable v's node group is
// <g id="pgm-v-<v>" class="node ...">, its title the variable's name; state s's row is an element
// with id "pgm-s-<v>-<s>" holding the percent text; the edge u→v (u < v when undirected) is
// <g id="pgm-e-<u>-<v>" class="edge ...">. v and s are the model's own indices (Model::variables()).
#include <pgm/query/evidence.hpp>
#include <pgm/query/model.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgm::render {

enum class Format { svg, png, pdf, dot };

// By the path's extension (.svg, .png, .pdf, .dot/.gv, any case); pgm::QueryError naming the path
// and the extension otherwise.
[[nodiscard]] Format format_from_path(std::string_view path);
// "svg", "png", "pdf", "dot"; and back (QueryError naming the text and the choices).
[[nodiscard]] std::string_view to_string(Format format);
[[nodiscard]] Format parse_format(std::string_view name);

// Above this many variables the state rows are left out (names only, and no inference is run):
// bars make a 1,000-node picture unreadable and its layout slow.
inline constexpr std::size_t kDefaultMaxBarVariables = 200;
// A variable with more states than this shows only its most probable ones (and its observed one),
// in state order, then a row "… N more states" with their total: a UAI variable may have 10^5 states,
// whose rows Graphviz would lay out for minutes.
inline constexpr std::size_t kDefaultMaxStateRows = 50;
// Pictures of more variables are refused (LimitError): Graphviz's layout grows much faster than the
// graph (5,000 unconnected nodes 0.6 s, 20,000 over 30 s), and a 40 KB UAI file can declare 20,000.
inline constexpr std::size_t kDefaultMaxVariables = 5000;

// The independence picture (`pgm independent --render`): X, Y and the conditioning set by name.
// The conditioning set is shaded; when X and Y are dependent, the edges of the witness active
// trail (Model::independent's, the one `pgm independent --json` reports) get class "pgm-trail",
// a distinct colour and a thicker pen; a caption states the answer.
struct Independence {
  std::vector<std::string> x, y, given;
  double tolerance = kIndependenceTolerance;  // Gaussians: partial correlations up to it count as zero
};

struct Options {
  Format format = Format::svg;
  // State rows (and inference) only for models with at most this many variables.
  std::size_t max_bar_variables = kDefaultMaxBarVariables;
  bool bars = true;  // false: names only, whatever the size
  std::size_t max_state_rows = kDefaultMaxStateRows;  // at least 1
  std::size_t max_variables = kDefaultMaxVariables;
  // The engine that computes the posteriors ("auto" or a name of query::engine_names()) and its
  // memory limit (LimitError beyond it, as for any query).
  std::string method = "auto";
  std::size_t max_memory_bytes = std::size_t{8} << 30;
  std::optional<Independence> independence;
  std::string caption;  // a line under the picture (after the independence caption, if any)
};

// The picture's bytes: SVG or DOT text, or PNG/PDF binary. Thread-safe: Graphviz keeps global
// state, so every Graphviz call is serialised by a mutex inside lib/render (inference runs outside it).
// Errors: as Model::answer (QueryError for bad evidence, ZeroProbabilityEvidence, LimitError) and
// Model::independent; pgm::Error if Graphviz fails.
[[nodiscard]] std::string render(const pgm::Model& model, const pgm::query::Evidence& evidence,
                                 const Options& options = {});

}  // namespace pgm::render
