#include <pgm/core/error.hpp>
#include <pgm/graph/dag.hpp>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/topological_sort.hpp>

#include <algorithm>
#include <iterator>

namespace pgm {

// setS out-edges forbid parallel edges; vecS vertices because models never remove variables, so a
// vertex descriptor is the VariableId. Parent/child arrays mirror the graph for allocation-free walks.
struct Dag::Impl {
  using Graph = boost::adjacency_list<boost::setS, boost::vecS, boost::bidirectionalS>;
  Graph g;
  std::vector<std::vector<VariableId>> parents;
  std::vector<std::vector<VariableId>> children;
  explicit Impl(std::size_t n) : g(n), parents(n), children(n) {}
};

Dag::Dag(std::size_t n) : impl_(std::make_unique<Impl>(n)) {}
Dag::Dag(const Dag& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
Dag& Dag::operator=(const Dag& o) {
  if (this != &o) impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}
Dag::Dag(Dag&&) noexcept = default;
Dag& Dag::operator=(Dag&&) noexcept = default;
Dag::~Dag() = default;

namespace {
void insert_sorted(std::vector<VariableId>& v, VariableId x) { v.insert(std::lower_bound(v.begin(), v.end(), x), x); }
}  // namespace

void Dag::add_edge(VariableId u, VariableId v) {
  const std::size_t n = num_nodes();
  if (u >= n || v >= n) throw ModelError("edge " + std::to_string(u) + " -> " + std::to_string(v) + " names a node outside the graph");
  if (boost::edge(u, v, impl_->g).second) return;
  boost::add_edge(u, v, impl_->g);
  insert_sorted(impl_->parents[v], u);
  insert_sorted(impl_->children[u], v);
}

std::size_t Dag::num_nodes() const noexcept { return boost::num_vertices(impl_->g); }
std::size_t Dag::num_edges() const noexcept { return boost::num_edges(impl_->g); }
bool Dag::has_edge(VariableId u, VariableId v) const {
  if (u >= num_nodes() || v >= num_nodes()) return false;
  return boost::edge(u, v, impl_->g).second;
}
std::span<const VariableId> Dag::parents(VariableId v) const { return impl_->parents.at(v); }
std::span<const VariableId> Dag::children(VariableId v) const { return impl_->children.at(v); }

std::vector<std::pair<VariableId, VariableId>> Dag::edges() const {
  std::vector<std::pair<VariableId, VariableId>> out;
  out.reserve(num_edges());
  for (VariableId u = 0; u < num_nodes(); ++u)
    for (VariableId v : impl_->children[u]) out.emplace_back(u, v);
  return out;
}

std::optional<std::vector<VariableId>> Dag::find_cycle() const {
  // Iterative DFS with colours; a grey target closes a cycle, read back along the stack.
  const std::size_t n = num_nodes();
  enum : unsigned char { white, grey, black };
  std::vector<unsigned char> colour(n, white);
  std::vector<std::pair<VariableId, std::size_t>> stack;
  for (VariableId root = 0; root < n; ++root) {
    if (colour[root] != white) continue;
    stack.emplace_back(root, 0);
    colour[root] = grey;
    while (!stack.empty()) {
      auto& [u, next] = stack.back();
      const auto& ch = impl_->children[u];
      if (next < ch.size()) {
        const VariableId w = ch[next++];
        if (colour[w] == grey) {
          std::vector<VariableId> cycle;
          auto it = std::find_if(stack.begin(), stack.end(), [w](const auto& p) { return p.first == w; });
          for (; it != stack.end(); ++it) cycle.push_back(it->first);
          cycle.push_back(w);
          return cycle;
        }
        if (colour[w] == white) {
          colour[w] = grey;
          stack.emplace_back(w, 0);
        }
      } else {
        colour[u] = black;
        stack.pop_back();
      }
    }
  }
  return std::nullopt;
}

std::vector<VariableId> Dag::topological_order() const {
  if (auto c = find_cycle()) {
    std::string s;
    for (std::size_t i = 0; i < c->size(); ++i) s += (i ? " -> " : "") + std::to_string((*c)[i]);
    throw ModelError("the graph has a directed cycle: " + s);
  }
  std::vector<Impl::Graph::vertex_descriptor> rev;
  rev.reserve(num_nodes());
  boost::topological_sort(impl_->g, std::back_inserter(rev));
  return {rev.rbegin(), rev.rend()};
}

std::vector<bool> Dag::ancestral_mask(std::span<const VariableId> nodes) const {
  std::vector<bool> mask(num_nodes(), false);
  std::vector<VariableId> stack;
  for (VariableId v : nodes)
    if (v < mask.size() && !mask[v]) {
      mask[v] = true;
      stack.push_back(v);
    }
  while (!stack.empty()) {
    const VariableId v = stack.back();
    stack.pop_back();
    for (VariableId p : impl_->parents[v])
      if (!mask[p]) {
        mask[p] = true;
        stack.push_back(p);
      }
  }
  return mask;
}

std::vector<bool> Dag::descendant_mask(VariableId v) const {
  std::vector<bool> mask(num_nodes(), false);
  std::vector<VariableId> stack{v};
  while (!stack.empty()) {
    const VariableId u = stack.back();
    stack.pop_back();
    for (VariableId c : impl_->children.at(u))
      if (!mask[c]) {
        mask[c] = true;
        stack.push_back(c);
      }
  }
  return mask;
}

}  // namespace pgm
