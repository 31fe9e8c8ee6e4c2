#include <pgm/core/error.hpp>
#include <pgm/graph/undirected_graph.hpp>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>

#include <algorithm>

namespace pgm {

struct UndirectedGraph::Impl {
  using Graph = boost::adjacency_list<boost::setS, boost::vecS, boost::undirectedS>;
  Graph g;
  std::vector<std::vector<VariableId>> neighbours;
  explicit Impl(std::size_t n) : g(n), neighbours(n) {}
};

UndirectedGraph::UndirectedGraph(std::size_t n) : impl_(std::make_unique<Impl>(n)) {}
UndirectedGraph::UndirectedGraph(const UndirectedGraph& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
UndirectedGraph& UndirectedGraph::operator=(const UndirectedGraph& o) {
  if (this != &o) impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}
UndirectedGraph::UndirectedGraph(UndirectedGraph&&) noexcept = default;
UndirectedGraph& UndirectedGraph::operator=(UndirectedGraph&&) noexcept = default;
UndirectedGraph::~UndirectedGraph() = default;

void UndirectedGraph::add_edge(VariableId u, VariableId v) {
  const std::size_t n = num_nodes();
  if (u >= n || v >= n) throw ModelError("edge " + std::to_string(u) + " - " + std::to_string(v) + " names a node outside the graph");
  if (u == v || boost::edge(u, v, impl_->g).second) return;
  boost::add_edge(u, v, impl_->g);
  auto& a = impl_->neighbours[u];
  a.insert(std::lower_bound(a.begin(), a.end(), v), v);
  auto& b = impl_->neighbours[v];
  b.insert(std::lower_bound(b.begin(), b.end(), u), u);
}

void UndirectedGraph::add_clique(std::span<const VariableId> nodes) {
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (std::size_t j = i + 1; j < nodes.size(); ++j) add_edge(nodes[i], nodes[j]);
}

std::size_t UndirectedGraph::num_nodes() const noexcept { return boost::num_vertices(impl_->g); }
std::size_t UndirectedGraph::num_edges() const noexcept { return boost::num_edges(impl_->g); }
bool UndirectedGraph::has_edge(VariableId u, VariableId v) const {
  if (u >= num_nodes() || v >= num_nodes()) return false;
  return boost::edge(u, v, impl_->g).second;
}
std::span<const VariableId> UndirectedGraph::neighbours(VariableId v) const { return impl_->neighbours.at(v); }

std::vector<std::pair<VariableId, VariableId>> UndirectedGraph::edges() const {
  std::vector<std::pair<VariableId, VariableId>> out;
  out.reserve(num_edges());
  for (VariableId u = 0; u < num_nodes(); ++u)
    for (VariableId v : impl_->neighbours[u])
      if (u < v) out.emplace_back(u, v);
  return out;
}

bool UndirectedGraph::is_clique(std::span<const VariableId> nodes) const {
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (std::size_t j = i + 1; j < nodes.size(); ++j)
      if (nodes[i] != nodes[j] && !has_edge(nodes[i], nodes[j])) return false;
  return true;
}

std::pair<std::vector<std::size_t>, std::size_t> UndirectedGraph::connected_components() const {
  std::vector<std::size_t> comp(num_nodes());
  const std::size_t k = num_nodes() == 0 ? 0 : boost::connected_components(impl_->g, comp.data());
  return {std::move(comp), k};
}

UndirectedGraph UndirectedGraph::moralize(const Dag& dag) {
  UndirectedGraph m(dag.num_nodes());
  for (VariableId v = 0; v < dag.num_nodes(); ++v) {
    const auto ps = dag.parents(v);
    for (VariableId p : ps) m.add_edge(p, v);
    m.add_clique(ps);
  }
  return m;
}

}  // namespace pgm
