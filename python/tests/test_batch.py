"""m.batch against `pgm batch`: the same columns and the same numbers, read back from the CLI's
CSV (shortest round-trip repr, so float(cell) is the exact double), and against one-at-a-time
queries; missing keys, None and NaN unobserved; bad rows; predict's state names.

asia by hand: P(asia=yes) = 0.01, P(tub=yes) = 0.01*0.05 + 0.99*0.01 = 0.0104.
"""
import csv
import io
import math
import random
import subprocess
import warnings

import numpy as np
import pytest

import pgm
from conftest import MODELS, cli, need_shared


def sampled_rows(model, n, seed, keep, columns):
    """Rows drawn from the model, each cell kept with probability `keep` (else left out or None)."""
    draws = model.sample(n, seed)
    names = list(model.variables)
    rng = random.Random(seed)
    rows = []
    for draw in draws:
        row = {}
        for c in columns:
            v = names.index(c)
            u = rng.random()
            if u < keep:
                row[c] = model.variables[c][int(draw[v])]
            elif u < (1 + keep) / 2:
                row[c] = None
        rows.append(row)
    return rows


def write_csv(path, rows, columns):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for row in rows:
            w.writerow([row.get(c) or "" for c in columns])


def run_cli(*args):
    r = subprocess.run([str(cli()), "batch", *map(str, args)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return list(csv.reader(io.StringIO(r.stdout)))


def assert_same_as_cli(result, table, predict=False):
    header, body = table[0], table[1:]
    assert list(result) == header
    assert result["row"].dtype == np.int64
    assert list(result["row"]) == [int(r[0]) for r in body]
    for j, name in enumerate(header[1:], start=1):
        col = result[name]
        if col.dtype == object:
            assert list(col) == [r[j] for r in body], name
        else:
            assert col.dtype == np.float64
            assert [float(x) for x in col] == [float(r[j]) for r in body], name  # exact


@pytest.mark.parametrize("threads", [1, 2])
def test_asia_equals_cli(tmp_path, threads):
    m = pgm.load(str(MODELS / "asia.yaml"))
    columns = ["dysp", "asia", "smoke", "xray"]
    rows = sampled_rows(m, 300, 3, 0.5, columns)
    data = tmp_path / "rows.csv"
    write_csv(data, rows, columns)
    got = m.batch(rows, threads=threads)
    assert_same_as_cli(got, run_cli(MODELS / "asia.yaml", "--data", data, "--threads", threads))
    # ... and one-at-a-time queries, to the bit.
    for r in range(0, 300, 17):
        evidence = {k: v for k, v in rows[r].items() if v is not None}
        want = m.marginals(evidence, method="jt")
        for v, states in m.variables.items():
            for s in states:
                assert got[f"{v}={s}"][r] == want[v][s]


def test_alarm_targets_given_loglik_predict_equal_cli(tmp_path):
    alarm = need_shared("networks", "bif", "alarm.bif")
    m = pgm.load(str(alarm))
    columns = ["HRBP", "CO", "BP", "SAO2", "EXPCO2"]
    rows = sampled_rows(m, 200, 8, 0.8, columns)
    data = tmp_path / "rows.csv"
    write_csv(data, rows, columns)
    got = m.batch(rows, targets=["LVFAILURE", "HYPOVOLEMIA"], given={"INTUBATION": "NORMAL"})
    assert_same_as_cli(got, run_cli(alarm, "--data", data, "--targets", "LVFAILURE,HYPOVOLEMIA",
                                    "--given", "INTUBATION=NORMAL"))
    assert_same_as_cli(m.batch(rows, loglik=True), run_cli(alarm, "--data", data, "--loglik"))
    few = rows[:40]
    write_csv(data, few, columns)
    pred = m.batch(few, targets=["LVFAILURE", "HYPOVOLEMIA"], predict=True)
    assert_same_as_cli(pred, run_cli(alarm, "--data", data, "--targets", "LVFAILURE,HYPOVOLEMIA", "--predict"))
    assert pred["LVFAILURE"].dtype == object


def test_loglik_by_hand_and_missing_forms():
    m = pgm.load(str(MODELS / "asia.yaml"))
    got = m.batch([{"asia": "yes"}, {"tub": "yes", "asia": None}, {"asia": float("nan")}], loglik=True)
    assert list(got) == ["row", "log_likelihood"]
    assert got["log_likelihood"][0] == pytest.approx(math.log(0.01), abs=1e-12)
    assert got["log_likelihood"][1] == pytest.approx(math.log(0.0104), abs=1e-12)
    assert got["log_likelihood"][2] == pytest.approx(0.0, abs=1e-12)


def test_bad_rows():
    m = pgm.load(str(MODELS / "asia.yaml"))
    rows = [{"asia": "yes"}, {"asia": "perhaps"}, {"tub": "yes", "either": "no"}, {"smoke": "no"}]
    with pytest.raises(pgm.QueryError, match=r"^row 2: unknown state 'perhaps'"):
        m.batch(rows)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = m.batch(rows, skip_bad_rows=True, loglik=True)
    assert list(got["row"]) == [1, 4]
    assert got["log_likelihood"][1] == pytest.approx(math.log(0.5), abs=1e-12)
    assert any("skipped 2 of 4 rows" in str(w.message) for w in caught)
    with pytest.raises(pgm.QueryError, match=r"^row 3: unknown variable 'Smoke'"):
        m.batch([{}, {}, {"Smoke": "yes"}])
    with pytest.raises(TypeError):
        m.batch([{"asia": 1.5}])
    with pytest.raises(TypeError):
        m.batch({"asia": "yes"})
    with pytest.raises(ValueError):
        m.batch([{}], loglik=True, predict=True)
    with pytest.raises(ValueError):
        m.batch([{}], threads=0)
    with pytest.raises(pgm.QueryError):
        m.batch([{}], targets=["lungs"])


def test_empty_rows_give_empty_columns():
    m = pgm.load(str(MODELS / "asia.yaml"))
    got = m.batch([], targets="asia")
    assert list(got) == ["row", "asia=yes", "asia=no", "log_probability_of_evidence"]
    assert all(len(v) == 0 for v in got.values())


def test_continuous_models_are_refused():
    g = pgm.load(str(MODELS / "bivariate.yaml"))
    with pytest.raises(pgm.UnsupportedError):
        g.batch([{}])


def test_first_row_numbers_rows_and_messages():
    m = pgm.load(str(MODELS / "asia.yaml"))
    got = m.batch([{"asia": "yes"}, {}], loglik=True, first_row=11)
    assert list(got["row"]) == [11, 12]
    with pytest.raises(pgm.QueryError, match=r"^row 12: unknown state 'maybe'"):
        m.batch([{}, {"asia": "maybe"}], first_row=11)
    with pytest.raises(pgm.QueryError, match=r"^row 13: unknown variable 'Asia'"):
        m.batch([{}, {}, {"Asia": "yes"}], first_row=11)
    with pytest.raises(ValueError):
        m.batch([{}], first_row=0)
