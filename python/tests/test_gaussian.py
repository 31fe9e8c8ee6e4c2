"""Gaussian and linear-Gaussian models against closed forms."""
import math

import numpy as np
import pytest

import pgm
from conftest import MODELS


@pytest.fixture(scope="module")
def bivariate():
    return pgm.load(MODELS / "bivariate.yaml")


def test_loaded_bivariate(bivariate):
    assert bivariate.kind == "gaussian" and bivariate.name == "bivariate"
    assert bivariate.variables == ["X1", "X2"]
    np.testing.assert_array_equal(bivariate.mean, [1.0, 2.0])
    np.testing.assert_array_equal(bivariate.covariance, [[2.0, 1.0], [1.0, 1.5]])


def check_conditioned(c):
    # X1 | X2 = 3: mean 1 + (1/1.5)(3 − 2) = 5/3, variance 2 − 1/1.5 = 4/3.
    assert c.kind == "gaussian"
    assert c.variables == ["X1"]
    assert isinstance(c.mean, np.ndarray) and isinstance(c.covariance, np.ndarray)
    assert c.mean.shape == (1,) and c.covariance.shape == (1, 1)
    assert c.mean[0] == pytest.approx(5 / 3, abs=1e-14)
    assert c.covariance[0, 0] == pytest.approx(4 / 3, abs=1e-14)


def test_condition(bivariate):
    check_conditioned(bivariate.condition({"X2": 3.0}))
    check_conditioned(bivariate.condition({"X2": 3}))  # an int is a value too


def test_constructed_from_numpy(bivariate):
    g = pgm.Gaussian(["X1", "X2"], np.array([1.0, 2.0]), np.array([[2.0, 1.0], [1.0, 1.5]]))
    assert g.kind == "gaussian" and g.variables == ["X1", "X2"]
    check_conditioned(g.condition({"X2": 3.0}))
    # Lists work as well as arrays.
    h = pgm.Gaussian(["X1", "X2"], [1.0, 2.0], [[2.0, 1.0], [1.0, 1.5]], name="b")
    assert h.name == "b"
    assert h.log_density({"X1": 0.5, "X2": 1.0}) == bivariate.log_density({"X1": 0.5, "X2": 1.0})


def test_mahalanobis_and_log_density():
    # Σ = [[4, 2], [2, 1.5]], det 2: d(2, 0) = √3, d(0, 1) = √2, d(1, 0.8) = √0.43.
    g = pgm.load(MODELS / "mahalanobis.yaml")
    for (x1, x2), d2 in (((2.0, 0.0), 3.0), ((0.0, 1.0), 2.0), ((1.0, 0.8), 0.43)):
        point = {"X1": x1, "X2": x2}
        assert g.mahalanobis(point) == pytest.approx(math.sqrt(d2), abs=1e-14)
        # ln N(x) = −½ (d² + 2 ln 2π + ln det Σ)
        assert g.log_density(point) == pytest.approx(-0.5 * (d2 + 2 * math.log(2 * math.pi) + math.log(2.0)), abs=1e-13)
    # Key order does not matter.
    assert g.mahalanobis({"X2": 0.0, "X1": 2.0}) == pytest.approx(math.sqrt(3.0), abs=1e-14)


def test_sample(bivariate):
    s = bivariate.sample(1000, seed=42)
    assert isinstance(s, np.ndarray) and s.shape == (1000, 2) and s.dtype == np.float64
    np.testing.assert_array_equal(s, bivariate.sample(1000, seed=42))
    assert not np.array_equal(s, bivariate.sample(1000, seed=43))
    big = bivariate.sample(40000, seed=1)
    # Standard errors at n = 40000: mean √(2/n) ≈ 0.007; covariance entries ≈ 0.01–0.015.
    np.testing.assert_allclose(big.mean(axis=0), [1.0, 2.0], atol=0.04)
    np.testing.assert_allclose(np.cov(big.T), [[2.0, 1.0], [1.0, 1.5]], atol=0.08)
    assert bivariate.sample(0, seed=1).shape == (0, 2)


def test_gaussian_marginals_and_probability_of_evidence(bivariate):
    m = bivariate.marginals(evidence={"X2": 3.0})
    assert list(m) == ["X1"]
    assert m["X1"]["mean"] == pytest.approx(5 / 3, abs=1e-14)
    assert m["X1"]["variance"] == pytest.approx(4 / 3, abs=1e-14)
    # The density of X2 = 3 under N(2, 1.5).
    want = -0.5 * (1 / 1.5 + math.log(2 * math.pi * 1.5))
    assert bivariate.log_probability_of_evidence({"X2": 3.0}) == pytest.approx(want, abs=1e-13)
    assert bivariate.probability_of_evidence({"X2": 3.0}) == pytest.approx(math.exp(want), abs=1e-14)


def test_linear_gaussian():
    m = pgm.load(MODELS / "linear-gaussian.yaml")
    assert m.kind == "linear-gaussian"
    assert m.variables == ["Aptitude", "Study", "Knowledge", "Exam", "Project", "Grade"]
    # Means from the structural equations (see the model file's comment).
    np.testing.assert_allclose(m.mean, [100, 10, 70, 66, 65, 65.6], atol=1e-12)
    # Var(Knowledge) = 0.25·225 + 4·9 + 25 = 117.25
    assert m.covariance[2, 2] == pytest.approx(117.25, abs=1e-10)
    # Given Knowledge = 80: Exam = 10 + 0.8·80 = 74 with its own variance 36.
    c = m.condition({"Knowledge": 80.0})
    i = c.variables.index("Exam")
    assert c.mean[i] == pytest.approx(74.0, abs=1e-10)
    assert c.covariance[i, i] == pytest.approx(36.0, abs=1e-10)
    assert "Knowledge" not in c.variables
    assert m.sample(10, seed=5).shape == (10, 6)
    assert m.blanket("Exam") == ["Knowledge", "Project", "Grade"]
    r = m.independent(["Exam"], ["Project"], given=["Knowledge"])
    assert r.independent is True
