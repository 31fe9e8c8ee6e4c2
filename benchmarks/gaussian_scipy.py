#!/usr/bin/python3
"""Gaussian conditioning side by side: SciPy on OpenBLAS (one thread) and pgm, in one run.

Conditions a 2000-dimensional Gaussian on a random 1000 of its variables — factor the observed
block, triangular solve, rank update, factor the result (the same steps as pgm's
Gaussian::condition) — and factors the 1000 x 1000 block alone. Times are CPU seconds
(time.process_time; OpenBLAS runs in this thread), the median of --repeat runs. With --pgm it then
runs pgm's benchmark binary (BM_GaussianCondition2000on1000_Random) and prints the ratio.

  benchmarks/gaussian_scipy.py --pgm build/benchmarks/pgm_benchmarks
"""
import argparse
import json
import os
import subprocess
import sys
import time

# One OpenBLAS thread, set before numpy loads OpenBLAS (CPU time = time on one core).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import scipy.linalg as la  # noqa: E402

DIM, OBSERVED = 2000, 1000


def problem(seed=2024):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((DIM, DIM))
    cov = np.eye(DIM) + a @ a.T / DIM  # the C++ benchmark's construction
    mean = rng.standard_normal(DIM)
    o = np.sort(rng.permutation(DIM)[:OBSERVED])
    h = np.setdiff1d(np.arange(DIM), o)
    return cov, mean, o, h, mean[o] + 0.5


def condition(cov, mean, o, h, x_o):
    s_oo = cov[np.ix_(o, o)]
    l_oo = la.cholesky(s_oo, lower=True, check_finite=False)
    w = la.solve_triangular(l_oo, cov[np.ix_(o, h)], lower=True, check_finite=False)
    z = la.solve_triangular(l_oo, x_o - mean[o], lower=True, check_finite=False)
    m = mean[h] + w.T @ z
    c = cov[np.ix_(h, h)] - w.T @ w
    l = la.cholesky(c, lower=True, check_finite=False)
    return m, c, l


def cpu_median(f, repeat):
    ts = []
    for _ in range(repeat):
        t0 = time.process_time()
        f()
        ts.append(time.process_time() - t0)
    return sorted(ts)[len(ts) // 2]


def pgm_figures(binary, repeat):
    out = subprocess.run(
        [binary, "--benchmark_filter=GaussianCondition2000on1000_Random", "--benchmark_format=json",
         f"--benchmark_repetitions={repeat}"],
        check=True, capture_output=True, text=True).stdout
    runs = [b for b in json.loads(out)["benchmarks"] if b.get("run_type") == "iteration"]
    med = lambda key: sorted(r[key] for r in runs)[len(runs) // 2]
    return med("condition_cpu_ms"), med("llt_cpu_ms")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pgm", help="path to pgm_benchmarks; also time pgm and print the ratio")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    cov, mean, o, h, x_o = problem()
    block = cov[np.ix_(o, o)]
    condition(cov, mean, o, h, x_o)  # warm up (page faults, OpenBLAS buffers)
    cond_s = cpu_median(lambda: condition(cov, mean, o, h, x_o), args.repeat)
    chol_s = cpu_median(lambda: la.cholesky(block, lower=True, check_finite=False), args.repeat)
    print(f"scipy {__import__('scipy').__version__} numpy {np.__version__}, OPENBLAS_NUM_THREADS="
          f"{os.environ['OPENBLAS_NUM_THREADS']}, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '')}")
    print(f"scipy condition 2000 on 1000: {1e3 * cond_s:.1f} ms CPU; cholesky 1000x1000: {1e3 * chol_s:.1f} ms CPU")
    if args.pgm:
        pc, pl = pgm_figures(args.pgm, args.repeat)
        print(f"pgm   condition 2000 on 1000: {pc:.1f} ms CPU; Eigen LLT 1000x1000: {pl:.1f} ms CPU")
        print(f"pgm / scipy: condition {pc / (1e3 * cond_s):.2f}, factor of the block {pl / (1e3 * chol_s):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
