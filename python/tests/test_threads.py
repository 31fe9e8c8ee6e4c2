"""Queries release the GIL: another thread keeps answering while one is inside a long query.

Robust on a loaded 2-core machine (and even on one core): the check is not a speed-up but that the
short-query thread makes progress *during* the long query. With the GIL held for the whole C++
call, its longest pause would be at least one long call; with the GIL released it is a few
scheduler slices.
"""
import random
import threading
import time

import pytest

import pgm
from conftest import MODELS


def grid(n, seed=1):
    """An n×n binary grid Markov network (treewidth n): a long exact query from a small file."""
    rng = random.Random(seed)
    name = lambda i, j: f"V{i}_{j}"  # noqa: E731
    variables = {name(i, j): ["s0", "s1"] for i in range(n) for j in range(n)}
    factors = []
    for i in range(n):
        for j in range(n):
            for di, dj in ((0, 1), (1, 0)):
                if i + di < n and j + dj < n:
                    factors.append({"scope": [name(i, j), name(i + di, j + dj)],
                                    "values": [rng.uniform(0.5, 2.0) for _ in range(4)]})
    return pgm.from_dict({"name": f"grid{n}", "type": "markov-network", "variables": variables, "factors": factors})


def test_other_threads_answer_during_a_long_query():
    long_model = grid(15)
    short_model = pgm.load(MODELS / "sprinkler.yaml")
    t0 = time.perf_counter()
    long_model.query(["V0_0"], method="ve")
    one_long = time.perf_counter() - t0
    assert one_long > 0.02, f"the long query took only {one_long:.4f} s; make the grid larger"

    done = threading.Event()
    started = threading.Event()
    long_calls = []

    def long_worker():
        started.set()
        for _ in range(3):
            a = time.perf_counter()
            long_model.query(["V0_0"], method="ve")
            long_calls.append(time.perf_counter() - a)
        done.set()

    worker = threading.Thread(target=long_worker)
    worker.start()
    started.wait()
    stamps = []
    answers = 0
    while not done.is_set():
        m = short_model.marginals(evidence={"WetGrass": "wet"})
        assert m["Rain"]["yes"] == pytest.approx(0.4349 / 0.6995, abs=1e-12)
        answers += 1
        stamps.append(time.perf_counter())
    worker.join()
    longest = min(long_calls)
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    max_gap = max(gaps) if gaps else float("inf")
    print(f"long query {longest * 1e3:.1f} ms; {answers} short answers meanwhile; longest pause {max_gap * 1e3:.1f} ms")
    # Held GIL: one pause per long call of about its length. Released: far shorter.
    assert answers > 3 * len(long_calls)
    assert max_gap < 0.5 * longest


def test_two_threads_share_one_model_and_agree():
    m = pgm.load(MODELS / "sprinkler.yaml")
    want = m.marginals(evidence={"WetGrass": "wet"}, method="ve")
    results = [None, None]
    errors = []

    def work(k):
        try:
            out = None
            for _ in range(300):
                out = m.marginals(evidence={"WetGrass": "wet"}, method="jt" if k else "ve")
            results[k] = out
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for r in results:
        for var, states in want.items():
            for s, p in states.items():
                assert r[var][s] == pytest.approx(p, abs=1e-12)
