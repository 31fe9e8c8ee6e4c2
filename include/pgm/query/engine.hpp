#pragma once
// One engine interface; engines are created by name from one registry, so a new engine (loopy
// belief propagation, sampling, max-product) is one new class and one registry entry, not a switch
// in every front end.
#include <pgm/core/error.hpp>
#include <pgm/query/model.hpp>
#include <pgm/query/query.hpp>

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pgm::query {

// A LimitError raised while building the structure an engine needs for a query (the junction tree
// for the evidence's observed variables), not while computing the answer: an engine that builds no
// such structure ("ve") may still answer. "auto" falls back on it; front ends can say so.
class StructureLimitError : public LimitError {
 public:
  using LimitError::LimitError;
};

class Engine {
 public:
  virtual ~Engine();
  // The registry name ("ve", "jt", ...).
  [[nodiscard]] virtual std::string_view name() const = 0;
  // Thread-safe (const). QueryError for a query the model cannot answer (unknown or repeated
  // targets, a shape the engine cannot give), ZeroProbabilityEvidence naming the evidence and the
  // model when P(e) = 0, LimitError beyond EngineOptions::max_memory_bytes (StructureLimitError
  // when it is the engine's structure for the query that is too large).
  [[nodiscard]] virtual Result answer(const Query& query) const = 0;
};

// What the registry holds per engine.
struct EngineInfo {
  std::string name;
  std::string description;
  // The model kinds it answers; make_engine refuses others with QueryError.
  std::vector<ModelKind> kinds;
  std::function<std::unique_ptr<Engine>(const Model&, const EngineOptions&)> make;
  // Whether it uses soft evidence (Evidence::soft()). Engines that do not are refused by name
  // (QueryError) when a query carries soft evidence, by make_engine's one check; off by default,
  // so an engine must say it handles soft evidence before it is given any.
  bool soft_evidence = false;
};

// The engine `method` names for this model, or "auto" (see Query::method), which picks per query.
// The engine keeps a copy of the Model (shared state), so it may outlive the caller's copy.
// QueryError for an unknown name (listing the known ones) or a kind the engine does not answer.
[[nodiscard]] std::unique_ptr<Engine> make_engine(const Model& model, std::string_view method = "auto",
                                                  EngineOptions options = {});
// Targets by id, as every engine reads Query::targets: QueryError on an unknown name (listing the
// known ones) or a name given twice. For front ends that check a query before answering it.
[[nodiscard]] std::vector<VariableId> target_ids(const Model& model, std::span<const std::string> targets);

// Registered names in registration order ("ve", "jt", "gaussian"), "auto" not included.
[[nodiscard]] std::vector<std::string> engine_names();
[[nodiscard]] std::vector<EngineInfo> engines();
// Adds an engine (for engines outside the library, and tests). QueryError if the name is taken
// or is "auto". Thread-safe.
void register_engine(EngineInfo info);

}  // namespace pgm::query
