#!/usr/bin/env bash
# Runs `pgm bench` on the shared bnlearn networks (alarm to munin) and prints a Markdown table.
#   benchmarks/networks.sh [build-dir] [evidence-sets]      (default: build, 10)
# Times are medians per evidence set, one core, model already loaded; the bound columns are the
# memcpy-measured bandwidth bounds of the same run (see bench/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
sets=${2:-10}
pgm="$build/tools/pgm"
nets=(alarm hailfinder hepar2 win95pts pathfinder andes pigs water munin1 diabetes link mildew barley munin)
echo "| network | nodes | treewidth | clique entries | load ms | triangulation ms | VE one target ms | JT all marginals, no evidence ms | JT all marginals, 10% observed ms | min bound ms | touched bound ms | JT / touched bound | peak MiB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${nets[@]}"; do
  f="../shared/networks/bif/$n.bif"
  [ -f "$f" ] || continue
  "$pgm" bench "$f" --evidence-sets "$sets" --seed 1 --json | python3 -c '
import json, sys
j = json.load(sys.stdin)
t = j["jt_all_marginals_seconds_per_set"]
ev = sorted(t[1:])[len(t[1:]) // 2] if len(t) > 1 else float("nan")
ms = lambda s: "%.3f" % (s * 1e3)
print("| %s | %d | %d | %d | %s | %s | %s | %s | %s | %s | %s | %.1f | %.0f |" % (
  j["model"], j["variables"], j["treewidth"], j["total_clique_size"], ms(j["load_seconds"]),
  ms(j["triangulation_seconds"]), ms(j["ve_single_query_seconds"]), ms(t[0]), ms(ev),
  ms(j["bandwidth_bound_seconds"]), ms(j["touched_bound_seconds"]), j["jt_no_evidence_over_touched_bound"],
  j["peak_memory_bytes"] / 2**20))'
done
