#!/usr/bin/env bash
# Builds the libFuzzer harnesses and runs each for a fixed time; fails if any finds a crash, a sanitizer
# report, a leak, an out-of-memory or a timeout (hang), printing the reproducer's path.
#   fuzz/run.sh [build-dir] [seconds-per-harness]      (defaults: build-fuzz, 60)
# Seeds: tests/data (and models/) of this checkout and ../shared/networks if present, copied into
# <build-dir>/fuzz/seeds at each run (files up to MAX_LEN bytes only). What a run finds is kept in
# <build-dir>/fuzz/corpus/<harness> (grown across runs) and reproducers in <build-dir>/fuzz/artifacts.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-build-fuzz}"
seconds="${2:-60}"
shared="$root/../shared/networks"
MAX_LEN=32768         # model files: room for the small bnlearn networks (alarm, child, asia, ...)
MAX_LEN_SMALL=4096    # evidence files and --given values

if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DPGM_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
    -DPGM_BUILD_TESTS=OFF -DPGM_BUILD_TOOLS=OFF -DPGM_BUILD_BENCHMARKS=OFF
fi
cmake --build "$build" --target pgm_fuzz
build="$(cd "$build" && pwd)"
work="$build/fuzz"

# Reproducers of bugs still awaiting their fix (tests/data/fuzz/awaiting-fix.txt) are not seeds: they
# would only find the known crash again.
awaiting=" $( (grep -v '^#' "$root/tests/data/fuzz/awaiting-fix.txt" 2>/dev/null || true) | awk 'NF {printf "%s ", $1}')"

# seeds NAME MAX FILE... : copies the existing, small enough files into the harness's seed directory.
seeds() {
  local name="$1" max="$2" f
  shift 2
  for f in "$@"; do
    [[ $f == "$root/tests/data/fuzz/"* && $awaiting == *" ${f#"$root/tests/data/fuzz/"} "* ]] && continue
    [[ -f "$f" && $(stat -c %s "$f") -le $max ]] && cp "$f" "$work/seeds/$name/" || true
  done
}

rm -rf "$work/seeds"
for name in yaml bif xmlbif uai evidence given csv request; do
  mkdir -p "$work/seeds/$name" "$work/corpus/$name" "$work/artifacts/$name"
done
shopt -s nullglob globstar
seeds yaml "$MAX_LEN" "$root"/models/*.yaml "$root"/tests/data/**/*.yaml "$root"/tests/data/fuzz/yaml/*
seeds bif "$MAX_LEN" "$root"/tests/data/**/*.bif "$root"/tests/data/fuzz/bif/* "$shared"/bif/*.bif "$shared"/bif/dialects/*
seeds xmlbif "$MAX_LEN" "$root"/tests/data/**/*.xml "$root"/tests/data/**/*.xmlbif "$root"/tests/data/fuzz/xmlbif/*
seeds uai "$MAX_LEN" "$root"/tests/data/**/*.uai "$root"/tests/data/fuzz/uai/* "$shared"/uai/*.uai
seeds evidence "$MAX_LEN_SMALL" "$root"/tests/data/**/*.evid* "$root"/tests/data/fuzz/evidence/* "$shared"/uai/*.evid
seeds given "$MAX_LEN_SMALL" "$root"/tests/data/fuzz/given/*
printf 'Rain=yes,Sprinkler=off\n0=1\n' >"$work/seeds/given/two-values"
printf ' Rain = no , 1=2\n' >"$work/seeds/given/spaces"
# csv (pgm batch --data): rows for the fixed model of fuzz/fixed_model.hpp, in the dialects the reader takes.
seeds csv "$MAX_LEN_SMALL" "$root"/tests/data/**/*.csv "$root"/tests/data/fuzz/csv/*
printf 'Rain,Sprinkler,0\nyes,off,1\n,on,\nno,,0\n' >"$work/seeds/csv/rows"
printf '\xef\xbb\xbf"Rain" , "1"\r\n"yes",\r\n\r\n"n""o","2"\r\nmaybe,0,extra\n"open\n' >"$work/seeds/csv/dialects"
# request (pgm serve's API, fuzz/request_fuzz.cpp): the first byte picks the endpoint (0 query, 1 independent,
# 2 render), the rest is the JSON body or the query string.
seeds request "$MAX_LEN_SMALL" "$root"/tests/data/fuzz/request/*
printf '\x00{"evidence": {"Rain": "yes"}, "soft_evidence": {"Sprinkler": [0.8, 0.2]}, "targets": ["1"]}' >"$work/seeds/request/query"
printf '\x00{"evidence": {"0": "1"}}' >"$work/seeds/request/query-evidence"
printf '\x01{"x": ["Rain"], "y": ["1"], "given": ["Sprinkler"]}' >"$work/seeds/request/independent"
printf '\x02given=Rain%%3Dyes,0=1&soft=Sprinkler=0.8,0.2' >"$work/seeds/request/render"

failed=()
summary=()
for name in yaml bif xmlbif uai evidence given csv request; do
  max="$MAX_LEN"
  [[ $name == evidence || $name == given || $name == csv || $name == request ]] && max="$MAX_LEN_SMALL"
  dict="$root/fuzz/dict/$name.dict"
  [[ $name == given ]] && dict="$root/fuzz/dict/evidence.dict"
  log="$work/$name.log"
  echo "== fuzz $name (${seconds}s) =="
  rc=0
  ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}" \
    "$work/pgm_fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max" \
    -dict="$dict" -artifact_prefix="$work/artifacts/$name/" -print_final_stats=1 \
    "$work/corpus/$name" "$work/seeds/$name" >"$log" 2>&1 || rc=$?
  last="$(grep -E '^#[0-9]+' "$log" | tail -n1 || true)"
  execs="$(grep -E 'stat::average_exec_per_sec' "$log" | awk '{print $2}' || true)"
  summary+=("$(printf '%-9s %8s exec/s  %s' "$name" "${execs:-?}" "$(sed -E 's/^#([0-9]+)\s+\S+\s+/runs \1 /' <<<"$last")")")
  if [[ $rc -ne 0 ]]; then
    failed+=("$name")
    tail -n 60 "$log"
    for f in "$work/artifacts/$name"/*; do echo "REPRODUCER ($name): $f   (re-run: $work/pgm_fuzz_$name $f)"; done
  fi
done

echo "== fuzz summary (log per harness: $work/<name>.log) =="
printf '%s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: FAILED: ${failed[*]} (add each reproducer under tests/data/fuzz/<format>/, see fuzz/README.md)"
  exit 1
fi
