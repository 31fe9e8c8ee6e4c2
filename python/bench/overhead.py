#!/usr/bin/env python3
"""Python overhead per query, and 2 threads' throughput vs 1 (a benchmark, not a test).

    cmake --build build --target pgm_python pgm_python_bench
    PYTHONPATH=build/python /usr/bin/python3 python/bench/overhead.py [--network ../shared/networks/bif/alarm.bif]

The query: every posterior marginal of alarm given 5 observed variables, by the junction tree,
evidence built from names on every call, the same from C++ (build/python/pgm_python_bench) in the
same run. Figures are CPU time per query (the machine is shared), medians of --rounds rounds,
alternating Python and C++ so both see the same load.
"""
import argparse
import json
import pathlib
import statistics
import subprocess
import threading
import time

import pgm

ROOT = pathlib.Path(__file__).resolve().parents[2]


def python_round(model, evidence, method, n):
    model.marginals(evidence=evidence, method=method)
    c0, t0 = time.process_time(), time.perf_counter()
    for _ in range(n):
        model.marginals(evidence=evidence, method=method)
    return 1e9 * (time.perf_counter() - t0) / n, 1e9 * (time.process_time() - c0) / n


def cpp_round(binary, network, evidence, method, n):
    args = [str(binary), str(network), str(n), method] + [f"{k}={v}" for k, v in evidence.items()]
    out = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
    return out["wall_ns"], out["cpu_ns"]


def throughput(model, evidence, method, threads, n):
    """Queries per second of wall time with `threads` threads doing n queries each."""
    def work():
        for _ in range(n):
            model.marginals(evidence=evidence, method=method)

    ts = [threading.Thread(target=work) for _ in range(threads)]
    t0 = time.perf_counter()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return threads * n / (time.perf_counter() - t0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--network", default=str(ROOT.parent / "shared" / "networks" / "bif" / "alarm.bif"))
    ap.add_argument("--cpp", default=str(ROOT / "build" / "python" / "pgm_python_bench"))
    ap.add_argument("--method", default="jt")
    ap.add_argument("-n", type=int, default=2000, help="queries per round")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()

    model = pgm.load(args.network)
    names = list(model.variables)
    # 5 observed variables spread over the network, each in its first state.
    picked = [names[i * len(names) // 5] for i in range(5)]
    evidence = {v: model.variables[v][0] for v in picked}
    print(f"{model.name}: {len(names)} variables, evidence {evidence}, method {args.method}")

    py_cpu, cc_cpu, py_wall, cc_wall = [], [], [], []
    for _ in range(args.rounds):
        w, c = python_round(model, evidence, args.method, args.n)
        py_wall.append(w)
        py_cpu.append(c)
        w, c = cpp_round(args.cpp, args.network, evidence, args.method, args.n)
        cc_wall.append(w)
        cc_cpu.append(c)
    ratios = [p / c for p, c in zip(py_cpu, cc_cpu)]
    print(f"per query, CPU: Python {statistics.median(py_cpu) / 1e3:.1f} us, C++ {statistics.median(cc_cpu) / 1e3:.1f} us;"
          f" ratio median {statistics.median(ratios):.3f} (rounds: {', '.join(f'{r:.3f}' for r in ratios)})")
    print(f"per query, wall: Python {statistics.median(py_wall) / 1e3:.1f} us, C++ {statistics.median(cc_wall) / 1e3:.1f} us")

    one = [throughput(model, evidence, args.method, 1, args.n) for _ in range(args.rounds)]
    two = [throughput(model, evidence, args.method, 2, args.n) for _ in range(args.rounds)]
    print(f"throughput: 1 thread {statistics.median(one):.0f}/s, 2 threads {statistics.median(two):.0f}/s;"
          f" ratio {statistics.median(two) / statistics.median(one):.2f}")


if __name__ == "__main__":
    main()
