"""m.fit and m.loglik: counts by hand, the priors' formulas, EM's never-decreasing history, and
equality with `pgm fit --json` / `pgm loglik --json` on the same data."""
import json
import math
import random
import subprocess

import numpy as np
import pytest

import pgm
from conftest import MODELS, cli

# A -> B, both binary; the starting parameters only matter for EM.
AB = {
    "name": "ab",
    "type": "bayesian-network",
    "variables": {"A": ["a0", "a1"], "B": ["b0", "b1"]},
    "cpds": {
        "A": {"probabilities": [0.5, 0.5]},
        "B": {"parents": ["A"], "probabilities": {"a0": [0.5, 0.5], "a1": [0.5, 0.5]}},
    },
}
# Counts: (a0, b0) x2, (a0, b1) x1, (a1, b1) x1.
ROWS = [{"A": "a0", "B": "b0"}, {"A": "a0", "B": "b0"}, {"A": "a0", "B": "b1"}, {"A": "a1", "B": "b1"}]


def p_a0(m):
    return m.marginals()["A"]["a0"]


def p_b0_given(m, a):
    return m.query(["B"], evidence={"A": a})["B"]["b0"]


def test_maximum_likelihood_by_hand():
    m = pgm.from_dict(AB)
    fitted, info = m.fit(ROWS)
    assert p_a0(fitted) == pytest.approx(3 / 4, abs=1e-15)
    assert p_b0_given(fitted, "a0") == pytest.approx(2 / 3, abs=1e-15)
    assert p_b0_given(fitted, "a1") == pytest.approx(0.0, abs=1e-15)
    want = 3 * math.log(3 / 4) + math.log(1 / 4) + 2 * math.log(2 / 3) + math.log(1 / 3) + math.log(1.0)
    assert info["log_likelihood"] == pytest.approx(want, rel=1e-12)
    assert info["em"] is False and info["rows"] == 4 and info["unseen_parent_configurations"] == 0
    assert fitted.loglik(ROWS)["total"] == pytest.approx(want, rel=1e-12)


def test_priors_by_hand():
    m = pgm.from_dict(AB)
    d, info = m.fit(ROWS, prior="dirichlet:1")  # (n + 1) / (N + 2)
    assert p_a0(d) == pytest.approx(4 / 6, abs=1e-15)
    assert p_b0_given(d, "a0") == pytest.approx(3 / 5, abs=1e-15)
    assert p_b0_given(d, "a1") == pytest.approx(1 / 3, abs=1e-15)
    assert "log_posterior" in info and "log_posterior_history" in info
    b, _ = m.fit(ROWS, prior="bdeu:4")  # A: 4 / 2 = 2 per count; B: 4 / (2 * 2) = 1 per count
    assert p_a0(b) == pytest.approx((3 + 2) / (4 + 4), abs=1e-15)
    assert p_b0_given(b, "a0") == pytest.approx((2 + 1) / (3 + 2), abs=1e-15)


def test_unseen_parent_configuration_is_uniform_and_counted():
    m = pgm.from_dict(AB)
    fitted, info = m.fit([{"A": "a0", "B": "b0"}, {"A": "a0", "B": "b1"}, {"A": "a0", "B": "b0"}])
    # P(A = a1) = 0 now, so read B's table itself: UAI lists P(B | A) last, a0's column first.
    table = [float(x) for x in fitted.dumps("uai").split()[-4:]]
    assert table == pytest.approx([2 / 3, 1 / 3, 0.5, 0.5], abs=1e-15)
    assert info["unseen_parent_configurations"] == 1
    assert info["warnings"]


def test_em_history_never_decreases_and_matches_the_cli(tmp_path):
    m = pgm.load(MODELS / "asia.yaml")
    draws = m.sample(400, seed=11)
    names = list(m.variables)
    rng = random.Random(5)
    rows = []
    for d in draws:
        rows.append({v: (m.variables[v][d[i]] if rng.random() > 0.3 else None) for i, v in enumerate(names)})
    fitted, info = m.fit(rows, max_iter=15, tol=0)
    h = info["history"]
    assert info["em"] is True and info["iterations"] == 15 and len(h) == 16 and info["stop_reason"] == "max-iter"
    assert all(b >= a - 1e-9 * abs(a) for a, b in zip(h, h[1:]))
    assert h[0] == pytest.approx(m.loglik(rows)["total"], rel=1e-12)  # l0: the starting parameters
    assert h[-1] == pytest.approx(fitted.loglik(rows)["total"], rel=1e-12)

    path = tmp_path / "rows.csv"
    with open(path, "w") as f:
        f.write(",".join(names) + "\n")
        for r in rows:
            f.write(",".join(r[v] or "" for v in names) + "\n")
    out = subprocess.run([str(cli()), "fit", str(MODELS / "asia.yaml"), "--data", str(path), "--max-iter", "15",
                          "--tol", "0", "-o", str(tmp_path / "fitted.yaml"), "--json"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    j = json.loads(out.stdout)
    from_csv, info_csv = m.fit(path, max_iter=15, tol=0)
    assert info_csv["history"] == pytest.approx(j["history"], rel=1e-12)
    assert info["history"] == pytest.approx(j["history"], rel=1e-12)
    out = subprocess.run([str(cli()), "loglik", str(MODELS / "asia.yaml"), "--data", str(path), "--json"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    j = json.loads(out.stdout)
    got = m.loglik(path)
    np.testing.assert_array_equal(got["rows"], np.array(j["rows"]))
    assert got["total"] == j["total"]


def test_errors():
    m = pgm.from_dict(AB)
    with pytest.raises(pgm.QueryError):
        m.fit(ROWS, prior="dirichlet:-1")
    with pytest.raises(pgm.QueryError, match="maybe"):
        m.fit([{"A": "maybe"}])
    with pytest.raises(pgm.QueryError, match="nosuch"):
        m.loglik([{"nosuch": "x"}])
    with pytest.raises(pgm.QueryError, match="cannot open"):
        m.loglik("/nonexistent/rows.csv")
    with pytest.raises(ValueError):
        m.fit(ROWS, threads=0)
    mn = pgm.load(MODELS / "misconception.yaml")
    with pytest.raises(pgm.Error):
        mn.fit([{"A": "a0"}])
