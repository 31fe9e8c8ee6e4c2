// Helpers shared by the commands: model options, loading, --given parsing. The reading itself is
// the library's (pgm::Model::load, query::parse_assignments); this file only words it for flags.
#include "pgm/commands.hpp"

#include <pgm/core/error.hpp>

#include <unistd.h>

#include <limits>
#include <string>
#include <string_view>

namespace pgm::cli {
namespace {

// Runs `read`; a ParseError about the file name (the library says "name the format") gains the
// option that names it. Only when the file name was the trouble (format_of fails the same way),
// not for an error inside the file.
template <class Read>
auto with_format_hint(const ModelOptions& opts, Read read) {
  try {
    return read();
  } catch (const ParseError& e) {
    if (!opts.format.empty()) throw;
    try {
      (void)io::format_of(opts.path);
    } catch (const ParseError& f) {
      if (f.message() == e.message()) throw ParseError(e.where(), e.message() + " with " + opts.format_flag);
    }
    throw;
  }
}

}  // namespace

void add_model_options(CLI::App& cmd, ModelOptions& opts) {
  // No existence check here: a missing file is a model error (exit 3), not a usage error.
  cmd.add_option("model", opts.path, "Model file (.yaml/.yml, .bif, .xmlbif/.xml, .uai)")->required();
  cmd.add_option("--format", opts.format, "Model format, overriding the file extension (yaml, bif, xmlbif, uai)")
      ->check(CLI::Validator(
          [](std::string& name) -> std::string {
            try {
              (void)io::parse_format(name);
              return {};
            } catch (const ParseError& e) {
              return e.message();
            } catch (const Error& e) {
              return e.what();
            }
          },
          "FORMAT", "format"));
  // On by default for inference: BIF files print rounded CPTs (columns off by ~1e-8), and without
  // rescaling engines that prune barren nodes and engines that do not disagree at that level.
  cmd.add_flag("--renormalize,!--no-renormalize", opts.renormalize,
               "Rescale CPT columns that sum to 1 within 1e-6 to sum to exactly 1 (default: on)");
}

Model load_model(const ModelOptions& opts) {
  query::LoadOptions options;
  if (!opts.format.empty()) options.format = io::parse_format(opts.format);
  options.renormalize = opts.renormalize;
  return with_format_hint(opts, [&] { return Model::load(opts.path, options); });
}

Assignments parse_assignments(const std::vector<std::string>& given, const char* flag) {
  const bool point = std::string_view(flag) == "--point";
  try {
    return query::parse_assignments(given, flag,
                                    point ? query::AssignmentItems::coordinates : query::AssignmentItems::states);
  } catch (const query::MalformedAssignment& e) {
    throw UsageError(e.what());  // a value the command line cannot mean anything by: exit 2
  }
}

// "8G", "512M", "100k" or a plain byte count; empty means half of physical memory.
void split_name_list(const std::string& text, std::string_view option, std::string_view what,
                     std::string_view example, std::vector<std::string>& out) {
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    std::string name = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto first = name.find_first_not_of(" \t");
    const auto last = name.find_last_not_of(" \t");
    name = first == std::string::npos ? std::string() : name.substr(first, last - first + 1);
    if (name.empty())
      throw UsageError(std::string(option) + " '" + text + "' has an empty " + std::string(what) + "; expected " +
                       std::string(example));
    out.push_back(std::move(name));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
}

std::size_t parse_memory(const std::string& text) {
  if (text.empty()) {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page = sysconf(_SC_PAGE_SIZE);
    if (pages > 0 && page > 0) return static_cast<std::size_t>(pages) * static_cast<std::size_t>(page) / 2;
    return std::size_t{4} << 30;
  }
  std::size_t pos = 0;
  double value = 0;
  try {
    value = std::stod(text, &pos);
  } catch (const std::exception&) {
    throw UsageError("--max-memory '" + text + "' is not a size; expected e.g. 8G, 512M or a byte count");
  }
  const std::string unit = text.substr(pos);
  double mult = 1;
  if (unit == "k" || unit == "K" || unit == "KiB") mult = 1024.0;
  else if (unit == "M" || unit == "MiB") mult = 1024.0 * 1024;
  else if (unit == "G" || unit == "GiB") mult = 1024.0 * 1024 * 1024;
  else if (!unit.empty()) throw UsageError("--max-memory '" + text + "' has unknown unit '" + unit + "'; use k, M or G");
  if (!(value > 0)) throw UsageError("--max-memory must be positive, got '" + text + "'");
  // Converting a double beyond the range of size_t is undefined: saturate instead.
  const double bytes = value * mult;
  if (!(bytes < 1.8e19)) return std::numeric_limits<std::size_t>::max();
  return static_cast<std::size_t>(bytes);
}

Assignments with_evidence_file(const std::string& evidence_file, Assignments given) {
  if (evidence_file.empty()) return query::combine_assignments({}, "", std::move(given), "--given");
  return query::combine_assignments(query::read_evidence_file(evidence_file), evidence_file, std::move(given),
                                    "--given");
}

void add_evidence_options(CLI::App& cmd, std::vector<std::string>& given, std::string& evidence_file) {
  // One value per occurrence, so `--given A=a X` does not swallow the target X.
  cmd.add_option("--given,-g", given, "Evidence NAME=STATE[,NAME=STATE...]; repeatable")
      ->allow_extra_args(false)
      ->type_name("A=a,B=b");
  cmd.add_option("--evidence-file,-e", evidence_file,
                 "Evidence file: UAI .evid, or NAME=STATE lines; combined with --given")
      ->type_name("FILE");
}

void add_max_memory_option(CLI::App& cmd, std::string& max_memory) {
  cmd.add_option("--max-memory", max_memory,
                 "Refuse inference whose tables would exceed this size (e.g. 8G, 512M, a byte count; default: half of "
                 "the machine's memory)")
      ->type_name("SIZE");
}

void add_soft_options(CLI::App& cmd, SoftOptions& opts, bool jeffrey) {
  cmd.add_option("--soft", opts.soft,
                 "Soft (virtual) evidence NAME=L1,L2,...: a non-negative likelihood per state of NAME, in declared "
                 "order; the posterior is proportional to P(x, given) times the likelihoods, and P(e) is their "
                 "weighted sum; repeatable (one variable each; a variable given twice gets the product)")
      ->allow_extra_args(false)
      ->type_name("X=0.8,0.2");
  if (!jeffrey) return;
  cmd.add_option("--jeffrey", opts.jeffrey,
                 "Jeffrey's rule NAME=Q1,Q2,...: fix the posterior marginal of NAME to this distribution (sums to "
                 "1), the rest following as sum_x q(x) P(. | x, e); repeatable (several variables: iterative "
                 "proportional fitting); P(e) stays that of the other evidence")
      ->allow_extra_args(false)
      ->type_name("X=0.3,0.7");
}

SoftGiven parse_soft_options(const SoftOptions& opts) {
  try {
    return {query::parse_soft(opts.soft, "--soft"), query::parse_soft(opts.jeffrey, "--jeffrey")};
  } catch (const query::MalformedAssignment& e) {
    throw UsageError(e.what());  // as a malformed --given: exit 2
  }
}

query::Evidence apply_soft(const Model& model, query::Evidence evidence, const SoftGiven& given,
                           std::size_t max_memory_bytes) {
  if (!given.soft.empty()) evidence = evidence.with_soft(model, given.soft);
  if (!given.jeffrey.empty()) evidence = query::jeffrey_evidence(model, evidence, given.jeffrey, max_memory_bytes);
  return evidence;
}

}  // namespace pgm::cli
