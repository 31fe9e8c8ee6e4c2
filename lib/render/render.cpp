// pgm::render: the picture is described first (nodes with HTML-like labels, edges, attributes) from
// the query API's answers, outside any lock; then the Graphviz part (cgraph graph, dot layout,
// gvRenderData) runs under one process-wide mutex, since Graphviz keeps global state (the
// context's plugins, cgraph's error buffer, the layout's statics).
#include <pgm/render/render.hpp>

#include <pgm/core/error.hpp>
#include <pgm/query/query.hpp>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace pgm::render {
namespace {

constexpr const char* kShade = "#d9d9d9";       // observed / conditioned-on nodes
constexpr const char* kBarColour = "#4477aa";   // the posterior's bar
constexpr const char* kBarRest = "#e8e8e8";     // the rest of the bar's track
constexpr const char* kTrailColour = "#d62728"; // the witness active trail
constexpr int kBarWidth = 60;                   // points, for probability 1
constexpr int kFontSize = 10;

// Text inside an HTML-like label or an attribute: Graphviz reads entities there.
std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string percent(double p) {
  if (!std::isfinite(p)) return "nan";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * std::clamp(p, 0.0, 1.0));
  return buf;
}

std::string number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", x);
  return buf;
}

struct Node {
  std::string name;
  std::string label;  // HTML-like (without the outer < >); empty: a plain box with the name
  std::string classes;
  bool shaded = false;
  bool emphasised = false;  // X or Y of the independence picture: a thicker, darker border
};

struct Edge {
  std::size_t tail = 0, head = 0;
  bool trail = false;
};

struct Picture {
  bool directed = true;
  std::vector<Node> nodes;
  std::vector<Edge> edges;
  std::string caption;
};

// Rows of a discrete node: one nested table per state (so that one element, with the row's id,
// holds its name, bar and percent). TARGET gives the cell an anchor, which is what makes Graphviz
// 2.43 write a group with the cell's ID (as "a_<ID>"; renamed after rendering).
std::string discrete_label(std::size_t v, const std::string& name, const std::vector<std::string>& states,
                           const std::vector<double>* posterior, std::optional<std::size_t> observed, bool shaded,
                           bool soft, std::size_t max_rows) {
  std::string l = "<TABLE BORDER=\"1\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\" COLOR=\"#555555\"";
  if (shaded) l += std::string(" BGCOLOR=\"") + kShade + "\"";
  if (soft) l += " STYLE=\"DASHED\"";
  l += ">";
  std::string title = "<B>" + escape(name) + "</B>";
  if (observed) title += " = " + escape(states[*observed]);
  l += "<TR><TD>" + title + "</TD></TR>";
  if (posterior) {
    std::size_t widest = 1;
    for (const auto& s : states) widest = std::max(widest, s.size());
    const int name_width = static_cast<int>(widest) * kFontSize * 6 / 10 + 4;
    // The rows shown: every state, or the most probable max_rows (ties to the lower index) and the
    // observed one, in state order.
    std::vector<std::size_t> shown(states.size());
    for (std::size_t s = 0; s < shown.size(); ++s) shown[s] = s;
    const std::size_t keep = std::max<std::size_t>(max_rows, 1);
    if (shown.size() > keep) {
      const auto more_probable = [&](std::size_t a, std::size_t b) {
        const double pa = (*posterior)[a], pb = (*posterior)[b];
        return pa > pb || (!(pb > pa) && a < b);
      };
      std::nth_element(shown.begin(), shown.begin() + static_cast<std::ptrdiff_t>(keep), shown.end(), more_probable);
      shown.resize(keep);
      if (observed && std::find(shown.begin(), shown.end(), *observed) == shown.end()) shown.back() = *observed;
      std::sort(shown.begin(), shown.end());
    }
    for (const std::size_t s : shown) {
      const double p = (*posterior)[s];
      const std::string id = "pgm-s-" + std::to_string(v) + "-" + std::to_string(s);
      const std::string pct = percent(p);
      const int filled = std::isfinite(p) ? static_cast<int>(std::lround(std::clamp(p, 0.0, 1.0) * kBarWidth)) : 0;
      std::string state = escape(states[s]);
      if (observed && *observed == s) state = "<B>" + state + "</B>";
      l += "<TR><TD ID=\"" + id + "\" TARGET=\"_self\" TOOLTIP=\"" + escape(name) + "=" + escape(states[s]) + ": " +
           pct + "\"><TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\"><TR>";
      l += "<TD ALIGN=\"LEFT\" WIDTH=\"" + std::to_string(name_width) + "\">" + state + "</TD>";
      if (filled > 0)
        l += "<TD FIXEDSIZE=\"TRUE\" WIDTH=\"" + std::to_string(filled) + "\" HEIGHT=\"9\" BGCOLOR=\"" + kBarColour +
             "\"></TD>";
      if (filled < kBarWidth)
        l += "<TD FIXEDSIZE=\"TRUE\" WIDTH=\"" + std::to_string(kBarWidth - filled) + "\" HEIGHT=\"9\" BGCOLOR=\"" +
             kBarRest + "\"></TD>";
      l += "<TD ALIGN=\"RIGHT\" WIDTH=\"46\">" + pct + "</TD></TR></TABLE></TD></TR>";
    }
    if (shown.size() < states.size()) {
      double rest = 1.0;
      for (const std::size_t s : shown) rest -= (*posterior)[s];
      l += "<TR><TD ALIGN=\"LEFT\"><I>… " + std::to_string(states.size() - shown.size()) + " more states, " +
           percent(std::max(rest, 0.0)) + " in all</I></TD></TR>";
    }
  }
  return l + "</TABLE>";
}

std::string continuous_label(const std::string& name, const std::string& line, bool shaded) {
  std::string l = "<TABLE BORDER=\"1\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"3\" COLOR=\"#555555\"";
  if (shaded) l += std::string(" BGCOLOR=\"") + kShade + "\"";
  l += "><TR><TD><B>" + escape(name) + "</B></TD></TR>";
  if (!line.empty()) l += "<TR><TD>" + escape(line) + "</TD></TR>";
  return l + "</TABLE>";
}

// "{A, B}", "A" or "∅", as `pgm independent` prints sets.
std::string set_text(const std::vector<std::string>& names) {
  if (names.empty()) return "∅";
  if (names.size() == 1) return names.front();
  std::string t = "{";
  for (std::size_t i = 0; i < names.size(); ++i) t += (i ? ", " : "") + names[i];
  return t + "}";
}

Picture describe(const Model& model, const query::Evidence& evidence, const Options& options) {
  Picture pic;
  const auto& vars = model.variables();
  const std::size_t n = vars.size();
  if (n > options.max_variables)
    throw LimitError("a picture of " + std::to_string(n) + " variables is refused: Graphviz's layout of more than " +
                     std::to_string(options.max_variables) + " would take minutes");

  // Edges: parents → child; undirected u < v for Markov networks and Gaussians.
  if (const BayesianNetwork* bn = model.bayesian_network()) {
    for (VariableId v = 0; v < n; ++v)
      for (const VariableId p : bn->parents(v)) pic.edges.push_back({p, v});
  } else if (const LinearGaussianNetwork* lg = model.linear_gaussian_network()) {
    for (VariableId v = 0; v < n; ++v)
      for (const VariableId p : lg->parents(v)) pic.edges.push_back({p, v});
  } else if (const MarkovNetwork* mn = model.markov_network()) {
    pic.directed = false;
    for (const auto& [u, v] : mn->graph().edges()) pic.edges.push_back({u, v});
  } else {
    pic.directed = false;  // the precision graph: the Markov blankets
    for (VariableId v = 0; v < n; ++v)
      for (const std::string& w : model.blanket(vars[v].name)) {
        const VariableId u = model.id(w);
        if (u < v) pic.edges.push_back({u, v});
      }
  }

  std::vector<bool> shaded(n, false);
  std::vector<bool> soft(n, false);
  std::vector<std::optional<std::size_t>> observed(n);
  for (const auto& [v, s] : evidence.hard()) {
    shaded[v] = true;
    observed[v] = s;
  }
  for (const auto& [v, lambda] : evidence.soft()) soft[v] = true;
  std::vector<std::string> role(n);  // "pgm-x" / "pgm-y" in the independence picture
  std::vector<std::optional<double>> values(n);
  for (const auto& [name, x] : evidence.values()) {
    const VariableId v = model.id(name);
    shaded[v] = true;
    values[v] = x;
  }

  if (options.independence) {
    const Independence& ind = *options.independence;
    const query::IndependenceResult r = model.independent(ind.x, ind.y, ind.given, ind.tolerance);
    for (const std::string& z : r.given) shaded[model.id(z)] = true;
    for (const std::string& a : r.x) role[model.id(a)] = "pgm-x";
    for (const std::string& b : r.y) role[model.id(b)] = "pgm-y";
    std::string statement = set_text(r.x) + " ⟂ " + set_text(r.y) + " | " + set_text(r.given);
    if (r.independent) {
      pic.caption = statement + " holds (" + r.method + "): independent";
    } else {
      pic.caption = statement + " does not hold (" + r.method + "): dependent";
      if (r.trail) {
        // Mark the edges along the trail: forward means trail[i] → trail[i + 1].
        const auto& t = *r.trail;
        std::map<std::pair<std::size_t, std::size_t>, std::size_t> index;
        for (std::size_t e = 0; e < pic.edges.size(); ++e) index[{pic.edges[e].tail, pic.edges[e].head}] = e;
        for (std::size_t i = 0; i + 1 < t.size(); ++i) {
          std::size_t a = model.id(t[i]), b = model.id(t[i + 1]);
          if (r.directed ? !r.trail_forward[i] : a > b) std::swap(a, b);
          if (const auto it = index.find({a, b}); it != index.end()) pic.edges[it->second].trail = true;
        }
        pic.caption += "; active trail in red";
      }
    }
  }
  if (!options.caption.empty()) pic.caption += (pic.caption.empty() ? "" : "\n") + options.caption;

  const bool bars = options.bars && n <= options.max_bar_variables;
  query::Result result;
  // A continuous model with every variable observed has nothing to infer (the query API refuses
  // it): every node just shows its value.
  if (bars && (model.discrete() || evidence.values().size() < n)) {
    query::Query q;
    q.evidence = evidence;
    q.method = options.method;
    query::EngineOptions engine;
    engine.max_memory_bytes = options.max_memory_bytes;
    result = model.answer(q, engine);
  }

  pic.nodes.resize(n);
  if (model.discrete()) {
    std::vector<const std::vector<double>*> posterior(n, nullptr);
    if (bars)
      for (std::size_t i = 0; i < result.variables.size(); ++i) posterior[model.id(result.variables[i])] = &result.marginals[i];
    for (VariableId v = 0; v < n; ++v) {
      // Names only (over the bar cut-off): a plain box, which Graphviz lays out faster than a table
      // and without the few hundred bytes Graphviz 2.43 leaks per HTML-like label.
      if (posterior[v] == nullptr && !observed[v]) continue;
      pic.nodes[v].label = discrete_label(v, vars[v].name, vars[v].states, posterior[v], observed[v], shaded[v], soft[v],
                                          options.max_state_rows);
    }
  } else {
    std::vector<std::string> line(n);
    if (bars)
      for (std::size_t i = 0; i < result.variables.size(); ++i) {
        const double var = result.covariance(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(i));
        line[model.id(result.variables[i])] =
            number(result.mean(static_cast<Eigen::Index>(i))) + " ± " + number(std::sqrt(std::max(var, 0.0)));
      }
    for (VariableId v = 0; v < n; ++v) {
      if (values[v]) line[v] = "= " + number(*values[v]);
      pic.nodes[v].label = continuous_label(vars[v].name, line[v], shaded[v]);
    }
  }
  for (VariableId v = 0; v < n; ++v) {
    pic.nodes[v].name = vars[v].name;
    pic.nodes[v].shaded = shaded[v];
    if (observed[v] || values[v]) pic.nodes[v].classes = "pgm-observed";
    else if (shaded[v]) pic.nodes[v].classes = "pgm-given";
    if (soft[v]) pic.nodes[v].classes += std::string(pic.nodes[v].classes.empty() ? "" : " ") + "pgm-soft";
    if (!role[v].empty()) {
      pic.nodes[v].classes += (pic.nodes[v].classes.empty() ? "" : " ") + role[v];
      pic.nodes[v].emphasised = true;
      // The table's own border: BORDER="1" ... COLOR="#555555" on the outer <TABLE>.
      std::string& l = pic.nodes[v].label;
      if (const auto at = l.find("BORDER=\"1\""); at != std::string::npos) l.replace(at, 10, "BORDER=\"3\"");
      if (const auto at = l.find("COLOR=\"#555555\""); at != std::string::npos) l.replace(at, 15, "COLOR=\"#000000\"");
    }
  }
  return pic;
}

// Graphviz's own messages (a bad label, a failed layout), collected instead of printed.
std::string g_graphviz_messages;
int collect_message(char* text) {
  if (g_graphviz_messages.size() < 4096) g_graphviz_messages += text;
  return 0;
}

std::mutex g_graphviz_mutex;

GVC_t* context() {
  static GVC_t* gvc = [] {
    agseterr(AGERR);
    agseterrf(collect_message);
    return gvContext();
  }();
  return gvc;
}

void set(void* obj, const char* name, const std::string& value) {
  agsafeset(obj, const_cast<char*>(name), const_cast<char*>(value.c_str()), const_cast<char*>(""));
}

// Graphviz writes "-" in ids and classes as "&#45;" and the id of a table cell's anchor as
// "a_<ID>": make them exactly "pgm-v-3", "pgm-s-3-1", "pgm-e-0-3", "node pgm-observed", as the
// contract has them (the same strings to an XML parser, but plain for a regular expression).
std::string tidy_svg_ids(const std::string& svg) {
  std::string out;
  out.reserve(svg.size());
  std::size_t at = 0;
  for (;;) {
    const std::size_t id = svg.find(" id=\"", at);
    const std::size_t cls = svg.find(" class=\"", at);
    const std::size_t found = std::min(id, cls);
    if (found == std::string::npos) break;
    const std::size_t start = found + (found == id ? 5 : 8);
    const std::size_t end = svg.find('"', start);
    if (end == std::string::npos) break;
    out.append(svg, at, start - at);
    std::string value = svg.substr(start, end - start);
    if (value.rfind("a_pgm&#45;", 0) == 0) value.erase(0, 2);
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (value.compare(i, 5, "&#45;") == 0) {
        out += '-';
        i += 4;
      } else {
        out += value[i];
      }
    }
    at = end;
  }
  out.append(svg, at, std::string::npos);
  return out;
}

std::string draw(const Picture& pic, const Options& options) {
  std::lock_guard lock(g_graphviz_mutex);
  GVC_t* gvc = context();
  g_graphviz_messages.clear();
  Agraph_t* g = agopen(const_cast<char*>("pgm"), pic.directed ? Agdirected : Agundirected, nullptr);
  if (g == nullptr) throw Error("Graphviz could not create a graph");
  struct Close {
    GVC_t* gvc;
    Agraph_t* g;
    bool laid_out = false;
    ~Close() {
      if (laid_out) gvFreeLayout(gvc, g);
      agclose(g);
    }
  } close{gvc, g};

  set(g, "fontname", "Helvetica");
  set(g, "fontsize", "12");
  set(g, "nodesep", "0.25");
  set(g, "ranksep", "0.4");
  // Cairo's bitmaps are at most 32767 pixels a side; a larger PNG would be scaled with a message on
  // stderr. Ask for at most 340 inches (at 96 dpi) instead: the layout is scaled down the same way.
  if (options.format == Format::png) set(g, "size", "340,340");
  // dot's defaults are fast enough: munin (1,041 nodes, names only) lays out in about 0.4 s of CPU
  // (benchmarks/render_benchmark.cpp), so no mincross or spline limits are set for large graphs.
  if (!pic.caption.empty()) {
    std::string label;
    for (const char c : pic.caption) {  // Graphviz reads escapes in labels: \n a line break, \\ a backslash
      if (c == '\n') label += "\\n";
      else if (c == '\\') label += "\\\\";
      else label += c;
    }
    set(g, "label", label);
    set(g, "labelloc", "b");
  }
  // Node and edge attributes must be declared (with a default) before agsafeset sets them.
  agattr(g, AGNODE, const_cast<char*>("shape"), const_cast<char*>("plain"));
  agattr(g, AGNODE, const_cast<char*>("fontname"), const_cast<char*>("Helvetica"));
  agattr(g, AGNODE, const_cast<char*>("fontsize"), const_cast<char*>(std::to_string(kFontSize).c_str()));
  agattr(g, AGEDGE, const_cast<char*>("color"), const_cast<char*>("#555555"));
  agattr(g, AGEDGE, const_cast<char*>("arrowsize"), const_cast<char*>("0.7"));

  std::vector<Agnode_t*> nodes(pic.nodes.size());
  for (std::size_t v = 0; v < pic.nodes.size(); ++v) {
    nodes[v] = agnode(g, const_cast<char*>(pic.nodes[v].name.c_str()), 1);
    set(nodes[v], "id", "pgm-v-" + std::to_string(v));
    if (pic.nodes[v].label.empty()) {  // the label stays Graphviz's default, the node's name
      set(nodes[v], "shape", "box");
      set(nodes[v], "style", "filled");
      set(nodes[v], "fillcolor", pic.nodes[v].shaded ? kShade : "white");
      set(nodes[v], "color", pic.nodes[v].emphasised ? "#000000" : "#555555");
      if (pic.nodes[v].emphasised) set(nodes[v], "penwidth", "3");
    } else {
      char* html = agstrdup_html(g, const_cast<char*>(pic.nodes[v].label.c_str()));
      agsafeset(nodes[v], const_cast<char*>("label"), html, const_cast<char*>(""));
      agstrfree(g, html);
    }
    if (!pic.nodes[v].classes.empty()) set(nodes[v], "class", pic.nodes[v].classes);
  }
  for (const Edge& e : pic.edges) {
    Agedge_t* edge = agedge(g, nodes[e.tail], nodes[e.head], nullptr, 1);
    set(edge, "id", "pgm-e-" + std::to_string(e.tail) + "-" + std::to_string(e.head));
    if (e.trail) {
      set(edge, "class", "pgm-trail");
      set(edge, "color", kTrailColour);
      set(edge, "penwidth", "3");
    }
  }

  if (gvLayout(gvc, g, "dot") != 0)
    throw Error("Graphviz could not lay the graph out" +
                (g_graphviz_messages.empty() ? std::string() : ": " + g_graphviz_messages));
  close.laid_out = true;
  // An error Graphviz reports but survives (a label it could not parse falls back to the name) is
  // a bug here: refuse rather than draw a picture without its numbers.
  if (!g_graphviz_messages.empty()) throw Error("Graphviz: " + g_graphviz_messages);
  char* data = nullptr;
  unsigned int length = 0;
  const std::string format(to_string(options.format));
  if (gvRenderData(gvc, g, format.c_str(), &data, &length) != 0 || data == nullptr)
    throw Error("Graphviz could not render " + format +
                (g_graphviz_messages.empty() ? std::string() : ": " + g_graphviz_messages));
  std::string out(data, length);
  gvFreeRenderData(data);
  if (options.format == Format::svg) out = tidy_svg_ids(out);
  return out;
}

}  // namespace

std::string_view to_string(Format format) {
  switch (format) {
    case Format::svg: return "svg";
    case Format::png: return "png";
    case Format::pdf: return "pdf";
    case Format::dot: return "dot";
  }
  return "svg";
}

Format parse_format(std::string_view name) {
  if (name == "svg") return Format::svg;
  if (name == "png") return Format::png;
  if (name == "pdf") return Format::pdf;
  if (name == "dot" || name == "gv") return Format::dot;
  throw QueryError("unknown picture format '" + std::string(name) + "'; expected svg, png, pdf or dot");
}

Format format_from_path(std::string_view path) {
  const std::size_t slash = path.find_last_of('/');
  const std::size_t dot = path.find_last_of('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    throw QueryError("'" + std::string(path) +
                     "' has no picture extension; expected .svg, .png, .pdf or .dot");
  }
  std::string ext(path.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == "svg" || ext == "png" || ext == "pdf" || ext == "dot" || ext == "gv") return parse_format(ext);
  throw QueryError("unknown picture extension '." + std::string(path.substr(dot + 1)) + "' of '" +
                   std::string(path) + "'; expected .svg, .png, .pdf or .dot");
}

std::string render(const Model& model, const query::Evidence& evidence, const Options& options) {
  const query::Evidence e = evidence.for_model(model);
  return draw(describe(model, e, options), options);
}

}  // namespace pgm::render

// Graphviz 2.43 leaks a little on every HTML-like label it parses and emits (htmlparse,
// initMapData: about 3 KB per picture of asia), and fontconfig/glib/pango keep process-lifetime
// caches; none of it is ours to free. Under AddressSanitizer (CI's sanitizer pass, leak detection
// on) these are suppressed by module here, next to the calls that cause them. cgraph is not
// suppressed: a graph this file forgot to agclose would still be reported.
#if defined(__SANITIZE_ADDRESS__)
#define PGM_RENDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PGM_RENDER_ASAN 1
#endif
#endif
#ifdef PGM_RENDER_ASAN
extern "C" const char* __lsan_default_suppressions();
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libgvc.so\nleak:libgvplugin_\nleak:libfontconfig.so\nleak:libglib-2.0.so\nleak:libgobject-2.0.so\n"
         "leak:libpango\nleak:libcairo.so\nleak:libharfbuzz.so\n";
}
#endif
