#!/usr/bin/env bash
# Runs `pgm bench` on the shared bnlearn networks and prints a Markdown table.
#   benchmarks/networks.sh [build-dir] [evidence-sets]        (default: build, 10)
#       per network: load, triangulation, VE, JT all marginals (CPU time of this thread, median per
#       evidence set), bandwidth bounds, peak memory.
#   benchmarks/networks.sh cells [build-dir] [sets-per-kind]  (default: build, 1)
#       the cells of the peer comparison (../shared/perf/peers.md): all marginals with no evidence,
#       5 observed and 10 % observed; tree reused (cold: a new pattern each call; warm: the pattern
#       cached) and one-shot (build + calibrate once: evidence-free tree / tree for the pattern).
#       CPU time, min of 5 runs (one-shot 3), median over the sets.
# The bound columns are the memcpy-measured bandwidth bounds of the same run (see benchmarks/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=table
if [ "${1:-}" = cells ]; then
  mode=cells
  shift
fi
build=${1:-build}
pgm="$build/tools/pgm"

if [ "$mode" = cells ]; then
  sets=${2:-1}
  nets=(alarm win95pts pigs munin link diabetes barley hailfinder andes pathfinder water mildew hepar2 insurance child)
  echo "| network | reused cold none / 5 obs / 10 % | reused warm none / 5 obs / 10 % | one-shot none / 5 obs / 10 % | one-shot for the pattern none / 5 obs / 10 % |"
  echo "|---|---|---|---|---|"
  for n in "${nets[@]}"; do
    f="../shared/networks/bif/$n.bif"
    [ -f "$f" ] || continue
    "$pgm" bench "$f" --cells --evidence-sets "$sets" --seed 1 --json | python3 -c '
import json, sys
j = json.load(sys.stdin)
def t(s):
    return "%.3g us" % (s * 1e6) if s < 1e-3 else ("%.3g ms" % (s * 1e3) if s < 1 else "%.3g s" % s)
cols = ["reused_cold_cpu_seconds", "reused_warm_cpu_seconds", "one_shot_cpu_seconds", "one_shot_pattern_cpu_seconds"]
print("| %s | %s |" % (j["model"], " | ".join(" / ".join(t(c[k]) for c in j["cells"]) for k in cols)))'
  done
  exit 0
fi

sets=${2:-10}
nets=(alarm hailfinder hepar2 win95pts pathfinder andes pigs water munin1 diabetes link mildew barley munin)
echo "| network | nodes | treewidth | clique entries | load ms | triangulation ms (CPU) | VE one target ms (CPU) | JT all marginals, no evidence ms (CPU) | JT all marginals, 10% observed ms (CPU) | min bound ms | touched bound ms | JT / touched bound | peak MiB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${nets[@]}"; do
  f="../shared/networks/bif/$n.bif"
  [ -f "$f" ] || continue
  "$pgm" bench "$f" --evidence-sets "$sets" --seed 1 --json | python3 -c '
import json, sys
j = json.load(sys.stdin)
t = j["jt_all_marginals_cpu_seconds_per_set"]
ev = sorted(t[1:])[len(t[1:]) // 2] if len(t) > 1 else float("nan")
ms = lambda s: "%.3f" % (s * 1e3)
print("| %s | %d | %d | %d | %s | %s | %s | %s | %s | %s | %s | %.1f | %.0f |" % (
  j["model"], j["variables"], j["treewidth"], j["total_clique_size"], ms(j["load_seconds"]),
  ms(j["triangulation_cpu_seconds"]), ms(j["ve_single_query_cpu_seconds"]), ms(t[0]), ms(ev),
  ms(j["bandwidth_bound_seconds"]), ms(j["touched_bound_seconds"]), t[0] / j["touched_bound_seconds"] if j["touched_bound_seconds"] > 0 else 0,
  j["peak_memory_bytes"] / 2**20))'
done
