#pragma once
// The JSON shapes the commands print with --json, one builder each, shared by the commands and by
// `pgm serve` (tools/pgm/serve), so an endpoint's body is the command's output byte for byte.
// Builders only shape answers the library gave; they ask it nothing.
#include "pgm/output.hpp"

#include <pgm/query.hpp>

#include <optional>
#include <string>
#include <vector>

namespace pgm::cli {

// `pgm marginals --json` and `pgm query --json TARGETS` (marginals): {"marginals": ..., "evidence":
// ..., ["soft_evidence"], ["jeffrey"], "probability_of_evidence", "log_probability_of_evidence",
// and the approximation's or sampler's fields when it has them}. `given`, `soft` and `jeffrey` are
// the evidence as shown (as given; soft repeats multiplied).            (discrete.cpp)
[[nodiscard]] Json marginals_json(const query::Result& r, const query::Assignments& given,
                                  const query::SoftAssignments& soft, const query::JeffreyTargets& jeffrey);

// `pgm info --json` of any model (discrete in discrete.cpp, Gaussian in gaussian.cpp).
[[nodiscard]] Json info_json(const Model& model);
[[nodiscard]] Json gaussian_info_json(const Model& model);  // QueryError for a discrete model

// `pgm query --json` on a Gaussian or linear-Gaussian model: the posterior `post` given `values`
// (in the order given) and the conditioning's warnings.                  (gaussian.cpp)
[[nodiscard]] Json gaussian_query_json(const Gaussian& post, const ContinuousEvidence& values,
                                       const std::vector<std::string>& warnings);

// `pgm independent --json`: the structural answer and, with --numeric, the numbers'.  (independence.cpp)
[[nodiscard]] Json independent_json(const query::IndependenceResult& answer,
                                    const std::optional<query::NumericIndependenceResult>& numeric);

}  // namespace pgm::cli
