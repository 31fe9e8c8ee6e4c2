"""m.expect (E, Var, Cov, correlation, entropy, mutual information) against values by hand, and
Model.transform / Model.sum / + for Gaussians against the closed form and numpy sampling."""
import math

import numpy as np
import pytest

import pgm
from conftest import MODELS

HY = math.log(3) - 2 / 3 * math.log(2)  # H(Y) for Y = X², X uniform on {-1, 0, 1}


def test_uncorrelated_dependent():
    m = pgm.load(str(MODELS / "uncorrelated-dependent.yaml"))
    r = m.expect(["X", "Y"])
    assert list(r) == ["expectation", "variance", "covariance", "correlation", "entropy",
                       "mutual_information", "evidence"]
    assert r["expectation"]["X"] == pytest.approx(0, abs=1e-15)
    assert r["expectation"]["Y"] == pytest.approx(2 / 3, abs=1e-15)
    assert r["variance"]["X"] == pytest.approx(2 / 3, abs=1e-15)
    assert r["variance"]["Y"] == pytest.approx(2 / 9, abs=1e-15)
    assert r["covariance"] == pytest.approx(0, abs=1e-15)
    assert r["entropy"]["X"] == pytest.approx(math.log(3), abs=1e-14)
    assert r["mutual_information"] == pytest.approx(HY, abs=1e-14)
    g = m.expect(["X", "Y"], evidence={"Y": "1"})
    assert g["correlation"] is None  # Var[Y | Y = 1] = 0
    assert g["variance"]["X"] == pytest.approx(1, abs=1e-15)
    assert g["evidence"] == {"Y": "1"}


def test_values_and_given_set():
    m = pgm.load(str(MODELS / "explaining-away.yaml"))
    r = m.expect(["Burglary"])
    assert list(r) == ["entropy", "evidence"]
    assert r["entropy"]["Burglary"] == pytest.approx(-(0.9 * math.log(0.9) + 0.1 * math.log(0.1)), abs=1e-14)
    v = m.expect(["Burglary", "Earthquake"], values={"Burglary": [0, 1], "Earthquake": [0, 1]})
    assert v["expectation"] == pytest.approx({"Burglary": 0.1, "Earthquake": 0.2}, abs=1e-15)
    assert v["covariance"] == pytest.approx(0, abs=1e-15)
    c = m.expect(["Burglary", "Earthquake"], given_set=["Alarm"])
    assert c["mutual_information"] == pytest.approx(0, abs=1e-15)
    assert c["conditional_mutual_information"] > 1e-3
    assert c["given_set"] == ["Alarm"]
    with pytest.raises(pgm.QueryError):
        m.expect(["Burglary"], values={"Burglary": [0, 1, 2]})
    with pytest.raises(pgm.QueryError):
        m.expect(["Burglary", "Burglary"])
    with pytest.raises(pgm.QueryError):
        m.expect(["Nope"])


def test_gaussian_expect():
    g = pgm.Gaussian(["A", "B"], [1.0, 2.0], [[2.0, 1.0], [1.0, 1.5]])
    r = g.expect(["A", "B"])
    assert r["correlation"] == pytest.approx(1 / math.sqrt(3), abs=1e-15)
    assert r["mutual_information"] == pytest.approx(-0.5 * math.log(2 / 3), abs=1e-14)
    assert r["entropy"]["A"] == pytest.approx(0.5 * math.log(2 * math.pi * math.e * 2), abs=1e-14)
    d = pgm.Gaussian(["A", "B"], [0.0, 0.0], [[2.0, 0.0], [0.0, 3.0]])
    assert d.expect(["A", "B"])["mutual_information"] == 0.0


def test_transform_closed_form_and_sampling():
    mu = np.array([1.0, 2.0, -1.0])
    sigma = np.array([[2.0, 1.0, 0.3], [1.0, 1.5, -0.2], [0.3, -0.2, 1.0]])
    g = pgm.Gaussian(["X1", "X2", "X3"], mu, sigma)
    a = np.array([[1.0, 1.0, 0.0], [0.5, -1.0, 2.0]])
    b = np.array([3.0, -4.0])
    t = g.transform(a, b)
    assert t.variables == ["Y1", "Y2"]
    np.testing.assert_allclose(t.mean, a @ mu + b, atol=1e-14)
    np.testing.assert_allclose(t.covariance, a @ sigma @ a.T, atol=1e-13)
    # Against numpy: transformed samples of X have the same moments (within sampling error).
    rng = np.random.default_rng(7)
    xs = rng.multivariate_normal(mu, sigma, size=200_000)
    ys = xs @ a.T + b
    np.testing.assert_allclose(ys.mean(axis=0), t.mean, atol=0.03)
    np.testing.assert_allclose(np.cov(ys.T), t.covariance, atol=0.1)  # sd of the 6.4 entry: 0.02
    one = g.transform([[1.0, 1.0, 1.0]], names=["S"])
    assert one.variables == ["S"]
    assert one.covariance[0, 0] == pytest.approx(sigma.sum(), abs=1e-13)
    with pytest.raises(pgm.QueryError):
        g.transform(np.ones((4, 3)))  # rank 1 < 4 rows: singular
    with pytest.raises(pgm.QueryError):
        g.transform(np.ones((2, 2)))


def test_sum_closed_form_and_sampling():
    x = pgm.Gaussian(["A", "B"], [1.0, 2.0], [[2.0, 1.0], [1.0, 1.5]])
    y = pgm.Gaussian(["C", "D"], [-1.0, 5.0], [[1.0, -0.5], [-0.5, 4.0]])
    s = x + y
    assert s.variables == ["A", "B"]
    np.testing.assert_allclose(s.mean, [0.0, 7.0], atol=0)
    np.testing.assert_allclose(s.covariance, [[3.0, 0.5], [0.5, 5.5]], atol=0)
    np.testing.assert_allclose(x.sum(y).covariance, s.covariance, atol=0)
    rng = np.random.default_rng(3)
    zs = (rng.multivariate_normal(x.mean, x.covariance, size=200_000)
          + rng.multivariate_normal(y.mean, y.covariance, size=200_000))
    np.testing.assert_allclose(zs.mean(axis=0), s.mean, atol=0.03)
    np.testing.assert_allclose(np.cov(zs.T), s.covariance, atol=0.1)
    with pytest.raises(pgm.QueryError):
        x + pgm.Gaussian(["U"], [0.0], [[1.0]])
