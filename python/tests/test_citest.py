"""pgm.citest against SciPy (Debian python3-scipy) and on samples from models whose independences
are known: chi2 = chi2_contingency(correction=False), g2 = lambda_="log-likelihood", conditional
tests as sums of per-stratum SciPy results with the adjusted dof recomputed here, fisher-z against a
numpy partial correlation and scipy.stats.norm.sf."""
import math

import numpy as np
import pytest

import pgm
from conftest import MODELS

stats = pytest.importorskip("scipy.stats")


def table_of(x, y):
    """The contingency table of two label lists over the categories seen (rows x, columns y)."""
    xs, ys = sorted(set(x)), sorted(set(y))
    t = np.zeros((len(xs), len(ys)))
    for a, b in zip(x, y):
        t[xs.index(a), ys.index(b)] += 1
    return t


def scipy_stratified(x, y, z, lambda_=None):
    """Σ over strata of SciPy's statistic on the table of seen categories; dof (r−1)(c−1) per stratum."""
    stat, dof = 0.0, 0
    for s in sorted(set(z)):
        idx = [i for i, v in enumerate(z) if v == s]
        t = table_of([x[i] for i in idx], [y[i] for i in idx])
        if t.shape[0] < 2 or t.shape[1] < 2:
            continue
        res = stats.chi2_contingency(t, correction=False, lambda_=lambda_)
        stat += res[0]
        dof += res[2]
        assert res[2] == (t.shape[0] - 1) * (t.shape[1] - 1)
    return stat, dof


@pytest.mark.parametrize("test,lambda_", [("chi2", None), ("g2", "log-likelihood")])
@pytest.mark.parametrize("seed", range(6))
def test_unconditional_against_scipy(test, lambda_, seed):
    rng = np.random.default_rng(seed)
    kx, ky, n = rng.integers(2, 5), rng.integers(2, 6), int(rng.integers(30, 400))
    x = [f"x{v}" for v in rng.integers(0, kx, n)]
    y = [f"y{v}" for v in rng.integers(0, ky, n)]
    r = pgm.citest({"X": x, "Y": y}, "X", "Y", test=test)
    stat, p, dof, _ = stats.chi2_contingency(table_of(x, y), correction=False, lambda_=lambda_)
    assert r["test"] == test
    assert r["statistic"] == pytest.approx(stat, rel=1e-12)
    assert r["dof"] == dof
    assert r["p_value"] == pytest.approx(p, rel=1e-10)
    assert r["n"] == n
    assert r["independent"] == (r["p_value"] > 0.05)


@pytest.mark.parametrize("test,lambda_", [("chi2", None), ("g2", "log-likelihood")])
@pytest.mark.parametrize("seed", range(6))
def test_conditional_against_scipy_strata(test, lambda_, seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(20, 300))
    # Few rows per stratum so that categories go unseen and the dof adjustment matters.
    z1 = [f"c{v}" for v in rng.integers(0, 3, n)]
    z2 = [f"d{v}" for v in rng.integers(0, 4, n)]
    x = [f"x{v}" for v in rng.integers(0, 3, n)]
    y = [f"y{v}" for v in rng.integers(0, 4, n)]
    r = pgm.citest({"X": x, "Y": y, "Z1": z1, "Z2": z2}, "X", "Y", given=["Z1", "Z2"], test=test, alpha=0.01)
    stat, dof = scipy_stratified(x, y, list(zip(z1, z2)), lambda_)
    assert r["statistic"] == pytest.approx(stat, rel=1e-12)
    assert r["dof"] == dof
    assert r["p_value"] == pytest.approx(stats.chi2.sf(stat, dof), rel=1e-9)
    assert r["alpha"] == 0.01


def test_tiny_p_value_matches_scipy():
    x = ["a"] * 600 + ["b"] * 600
    y = ["u"] * 590 + ["v"] * 10 + ["u"] * 10 + ["v"] * 590
    r = pgm.citest({"X": x, "Y": y}, "X", "Y")
    stat, p, dof, _ = stats.chi2_contingency(table_of(x, y), correction=False)
    assert 0 < p < 1e-200
    assert r["p_value"] == pytest.approx(p, rel=1e-9)
    assert not r["independent"]


def partial_correlation(data):
    """−P_xy / √(P_xx P_yy) with P the inverse of the correlation matrix (numpy's own inverse)."""
    p = np.linalg.inv(np.corrcoef(data, rowvar=False))
    return -p[0, 1] / math.sqrt(p[0, 0] * p[1, 1])


@pytest.mark.parametrize("k", [0, 1, 3])
def test_fisher_z_against_numpy(k):
    rng = np.random.default_rng(k)
    n = 200
    z = rng.normal(size=(n, k))
    x = z.sum(axis=1) + rng.normal(size=n)
    y = 0.3 * x + z.sum(axis=1) * 0.5 + rng.normal(size=n)
    data = {"X": x, "Y": y}
    for j in range(k):
        data[f"Z{j}"] = z[:, j]
    r = pgm.citest(data, "X", "Y", given=[f"Z{j}" for j in range(k)], test="fisher-z")
    rho = partial_correlation(np.column_stack([x, y, z]))
    zstat = math.atanh(rho) * math.sqrt(n - k - 3)
    assert r["test"] == "fisher-z"
    assert r["statistic"] == pytest.approx(zstat, rel=1e-10)
    assert r["dof"] == n - k - 3
    assert r["p_value"] == pytest.approx(2 * stats.norm.sf(abs(zstat)), rel=1e-9)


def test_data_forms_agree(tmp_path):
    rows = [("a", "x", "p"), ("a", "x", "p"), ("a", "y", "q"), ("b", "y", "p"), ("b", "x", "q"), ("b", "y", "q"),
            ("a", "", "p")]
    path = tmp_path / "d.csv"
    path.write_text("A,B,C\n" + "".join(",".join(r) + "\n" for r in rows))
    columns = {"A": [r[0] for r in rows], "B": [r[1] or None for r in rows], "C": [r[2] for r in rows]}
    row_dicts = [{"A": a, "C": c, **({"B": b} if b else {})} for a, b, c in rows]
    results = [pgm.citest(d, "A", "B", given="C") for d in (str(path), path, columns, row_dicts)]
    for r in results[1:]:
        assert r == results[0]
    assert results[0]["n"] == 6
    assert set(results[0]) == {"test", "statistic", "dof", "p_value", "alpha", "independent", "n"}


def test_errors(tmp_path):
    data = {"A": ["a", "b", "a"], "B": ["x", "y", "y"]}
    with pytest.raises(pgm.QueryError, match="no column 'Q'"):
        pgm.citest(data, "A", "Q")
    with pytest.raises(pgm.QueryError):
        pgm.citest(data, "A", "A")
    with pytest.raises(pgm.QueryError):
        pgm.citest(data, "A", "B", test="t")
    with pytest.raises(pgm.QueryError):
        pgm.citest(data, "A", "B", alpha=1.0)
    with pytest.raises(pgm.QueryError, match="not a finite number"):
        pgm.citest(data, "A", "B", test="fisher-z")
    with pytest.raises(pgm.QueryError, match="cannot open"):
        pgm.citest(str(tmp_path / "none.csv"), "A", "B")
    with pytest.raises(ValueError):
        pgm.citest({"A": ["a", "b"], "B": ["x"]}, "A", "B")
    with pytest.raises(TypeError):
        pgm.citest(42, "A", "B")


def named_samples(model, n, seed):
    """m.sample's state indices as a dict of columns of state names."""
    draws = model.sample(n, seed=seed)
    return {name: [states[i] for i in draws[:, j]] for j, (name, states) in enumerate(model.variables.items())}


def test_explaining_away_samples():
    m = pgm.load(str(MODELS / "explaining-away.yaml"))
    data = named_samples(m, 20000, 11)
    for test in ("chi2", "g2"):
        marginal = pgm.citest(data, "Burglary", "Earthquake", test=test, alpha=0.01)
        assert marginal["independent"], marginal
        given = pgm.citest(data, "Burglary", "Earthquake", given="Alarm", test=test)
        assert given["p_value"] < 1e-6 and not given["independent"], given


def test_gaussian_samples():
    m = pgm.load(str(MODELS / "bivariate.yaml"))  # covariance 1: correlation 1/√3
    draws = m.sample(5000, seed=5)
    r = pgm.citest({"X1": draws[:, 0], "X2": draws[:, 1]}, "X1", "X2", test="fisher-z")
    assert r["p_value"] < 1e-6
    lg = pgm.load(str(MODELS / "linear-gaussian.yaml"))
    draws = lg.sample(5000, seed=6)
    cols = {name: draws[:, j] for j, name in enumerate(lg.variables)}
    assert pgm.citest(cols, "Aptitude", "Study", test="fisher-z", alpha=0.01)["independent"]
    assert pgm.citest(cols, "Exam", "Project", given="Knowledge,Study", test="fisher-z", alpha=0.01)["independent"]
    assert pgm.citest(cols, "Exam", "Project", given=["Knowledge", "Study", "Grade"], test="fisher-z")["p_value"] < 1e-6
