#!/usr/bin/env python3
"""Python overhead per query, and 2 threads' throughput vs 1 (a benchmark, not a test).

    cmake --build build --target pgm_python pgm_python_bench
    PYTHONPATH=build/python /usr/bin/python3 python/bench/overhead.py [--network ../shared/networks/bif/alarm.bif]

The query: every posterior marginal of alarm given 5 observed variables, by the junction tree,
evidence built from names on every call, the same from C++ (build/python/pgm_python_bench) in the
same run. Figures are CPU time per query (the machine is shared), medians of --rounds rounds,
alternating Python and C++ so both see the same load.

Threads: the same query from 1 thread, from 2 threads sharing the model, and from 2 forked
processes (the same work with no GIL to share), n queries each, rounds alternating so all three
see the same load. Reported: the wall-time throughput of 2 threads over 1 (2.0 is perfect scaling
on an idle 2-core machine), of 2 threads over 2 processes (the fair figure on a shared machine:
1.0 means the threads do as well as GIL-free processes given the same CPU), the cores each run
obtained (CPU time / wall time), and CPU per query with 2 threads over 1 (above 1.0: contention).
"""
import argparse
import json
import multiprocessing
import os
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
    """`threads` threads doing n queries each: (queries per wall second, CPU ns per query, cores used)."""
    start = threading.Barrier(threads + 1)

    def work():
        start.wait()
        for _ in range(n):
            model.marginals(evidence=evidence, method=method)

    ts = [threading.Thread(target=work) for _ in range(threads)]
    for t in ts:
        t.start()
    c0, t0 = time.process_time(), time.perf_counter()
    start.wait()
    for t in ts:
        t.join()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return threads * n / wall, 1e9 * cpu / (threads * n), cpu / wall


def processes(model, evidence, method, k, n):
    """The no-GIL reference: k forked processes doing n queries each, same tuple as throughput()."""
    ctx = multiprocessing.get_context("fork")
    start = ctx.Barrier(k + 1)

    def work():
        start.wait()
        for _ in range(n):
            model.marginals(evidence=evidence, method=method)

    ps = [ctx.Process(target=work) for _ in range(k)]
    for p in ps:
        p.start()
    c0, t0 = os.times(), time.perf_counter()
    start.wait()
    for p in ps:
        p.join()
    wall, c1 = time.perf_counter() - t0, os.times()
    cpu = (c1.children_user + c1.children_system) - (c0.children_user + c0.children_system)
    return k * n / wall, 1e9 * cpu / (k * n), cpu / wall


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

    one, two, procs = [], [], []
    load0 = os.getloadavg()[0]
    for _ in range(args.rounds):  # alternating, so all three see the same load
        one.append(throughput(model, evidence, args.method, 1, args.n))
        two.append(throughput(model, evidence, args.method, 2, args.n))
        procs.append(processes(model, evidence, args.method, 2, args.n))
    load1 = os.getloadavg()[0]
    med = statistics.median
    rounds = lambda rs: ", ".join(f"{r:.2f}" for r in rs)  # noqa: E731
    wall_ratio = [b[0] / a[0] for a, b in zip(one, two)]
    vs_procs = [b[0] / p[0] for b, p in zip(two, procs)]
    fair = [(b[0] / a[0]) / (b[2] / a[2]) for a, b in zip(one, two)]
    cpu_ratio = [b[1] / a[1] for a, b in zip(one, two)]
    print(f"threads ({os.cpu_count()} CPUs, load average {load0:.1f} -> {load1:.1f}): queries/s on cores obtained:"
          f" 1 thread {med(a[0] for a in one):.0f} on {med(a[2] for a in one):.2f},"
          f" 2 threads {med(b[0] for b in two):.0f} on {med(b[2] for b in two):.2f},"
          f" 2 processes {med(p[0] for p in procs):.0f} on {med(p[2] for p in procs):.2f}")
    print(f"  wall throughput 2 threads / 1 thread: median {med(wall_ratio):.2f} (rounds: {rounds(wall_ratio)})")
    print(f"  wall throughput 2 threads / 2 processes (no GIL): median {med(vs_procs):.2f} (rounds: {rounds(vs_procs)})")
    print(f"  2 threads / 1 per core obtained: median {med(fair):.2f}; CPU per query 2 threads / 1: median {med(cpu_ratio):.2f}")


if __name__ == "__main__":
    main()
