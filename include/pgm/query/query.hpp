#pragma once
// A query and its named result: what every front end asks and prints.
#include <pgm/inference/loopy_belief_propagation.hpp>
#include <pgm/inference/sampling.hpp>
#include <pgm/query/evidence.hpp>

#include <Eigen/Core>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pgm::query {

struct Query {
  enum class Shape {
    marginals,    // one posterior per target
    joint,        // the joint posterior of the targets
    conditional,  // P(target | given_variable = y, e) for every state y (one target)
  };
  // By name, in the order the answer lists them; repeats refused. Empty with `marginals`: every
  // variable (continuous models: every unobserved variable).
  std::vector<std::string> targets;
  Shape shape = Shape::marginals;
  std::string given_variable;  // conditional only
  Evidence evidence;
  // An engine name (engine_names(): "ve", "jt", "gaussian", ...) or "auto": discrete marginals of
  // more than one target by the junction tree (variable elimination when the tree is over the
  // memory limit), one target, joints and conditionals by variable elimination, continuous models
  // in closed form. "jt" calibrates the tree for the evidence's observed variables
  // (Model::junction_tree_for), so its numbers do not depend on which front end asks.
  std::string method = "auto";
};

struct EngineOptions {
  // Refuse (LimitError, with the figure) inference whose tables would need more bytes. The
  // command line sets half the machine's memory; the library default is 8 GiB.
  std::size_t max_memory_bytes = std::size_t{8} << 30;
  // ---- issue 11, approximate inference: the "lbp" engine's iteration cap, tolerance and damping.
  LoopyBeliefPropagationOptions lbp;
  // ---- issue 11, approximate inference: the "lw" and "gibbs" engines' samples, burn-in and seed.
  SamplingOptions sampling;
};

// ---- issue 11, approximate inference: how an iterative engine ("lbp") ended.
struct ApproximateInfo {
  std::size_t iterations = 0;
  bool converged = false;
  double max_change = 0;  // the largest message change in the last iteration
};

// ---- issue 11, approximate inference: what a sampling engine ("lw", "gibbs") adds to its answer.
struct SamplingInfo {
  std::size_t samples = 0;  // samples the estimates use (after burn-in)
  std::size_t burn_in = 0;  // gibbs: sweeps discarded first; 0 for lw
  std::uint64_t seed = 0;
  // standard_errors[i][s]: the estimated standard error of marginals[i][s] (NaN for gibbs with one
  // sample: no batch to compare).
  std::vector<std::vector<double>> standard_errors;
  std::optional<double> effective_sample_size;  // lw: (Σw)² / Σw²; nullopt for gibbs
  // lw: Result::probability_of_evidence is the unbiased estimate (the mean weight) and this its
  // standard error. gibbs estimates no P(e): false, and Result's P(e) fields are NaN.
  bool probability_of_evidence_estimated = false;
  std::optional<double> probability_of_evidence_standard_error;
};

struct Result {
  Query::Shape shape = Query::Shape::marginals;
  // Targets in the order asked, and each one's state names (empty for continuous variables).
  std::vector<std::string> variables;
  std::vector<std::vector<std::string>> states;

  // marginals: marginals[i] is P(variables[i] | e) over states[i].
  std::vector<std::vector<double>> marginals;
  // joint: P(variables | e) row-major, first variable slowest; joint_shape the cardinalities.
  std::vector<double> joint;
  std::vector<std::size_t> joint_shape;
  // conditional: variables = {x}; for each state y_j of given_variable, P(x | y_j, e), or nullopt
  // when P(y_j | e) = 0; given_probabilities[j] = P(y_j | e).
  std::string given_variable;
  std::vector<std::string> given_states;
  std::vector<std::optional<std::vector<double>>> conditional;
  std::vector<double> given_probabilities;

  // P(e) for a Bayesian network (1 without evidence); for a Markov network the partition function
  // of the model reduced by e (Z without evidence; may overflow to inf); for a continuous model the
  // density of the observed values (1 without evidence). The log is finite whenever P(e) > 0, even
  // when the plain value under- or overflows.
  double probability_of_evidence = 1.0;
  double log_probability_of_evidence = 0.0;
  std::string method;  // the engine that answered ("ve", "jt", "gaussian", ...)

  // Continuous models: the posterior mean and covariance of `variables`, in that order.
  Eigen::VectorXd mean;
  Eigen::MatrixXd covariance;
  // Conditioning warnings (an ill-conditioned observed block).
  std::vector<std::string> warnings;
  // ---- issue 11: set by approximate engines only ("lbp": marginals approximate, P(e) the Bethe
  // estimate, exact on tree-shaped factor graphs); nullopt for the exact engines.
  std::optional<ApproximateInfo> approximate;
  // ---- issue 11: set by the sampling engines ("lw", "gibbs") only; their caveats (a table whose
  // zeros can trap a Gibbs chain) are in `warnings`.
  std::optional<SamplingInfo> sampling;
};

}  // namespace pgm::query
