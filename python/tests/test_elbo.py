"""m.elbo: mean-field ELBO of discrete models checked against the explicit joint (conftest's
Enumeration: ln P(e), and the ELBO of the returned q recomputed from its definition), and the
latent linear-Gaussian ELBO against the one-factor model's closed forms worked out by hand."""
import itertools
import json
import math
import subprocess

import numpy as np
import pytest

import pgm
from conftest import MODELS, cli_path

DISCRETE_KEYS = ["elbo", "history", "iterations", "converged", "q", "log_probability_of_evidence", "gap"]
LATENT_KEYS = ["elbo", "reconstruction", "kl", "log_marginal_likelihood", "gap", "posterior"]


def elbo_by_definition(enum, q, evidence):
    """Σ_z q(z) ln p(z, e) + H(q) over the explicit joint."""
    t = enum.reduced(evidence)
    total = 0.0
    for idx in itertools.product(*[range(n) for n in t.shape]):
        w = 1.0
        for axis, name in enumerate(enum.names):
            state = enum.states[axis][idx[axis]]
            if name in evidence:
                w *= 1.0 if evidence[name] == state else 0.0
            else:
                w *= q[name][state]
        if w == 0.0:
            continue
        p = t[idx]
        if p == 0.0:
            return -math.inf
        total += w * (math.log(p) - math.log(w))
    return total


@pytest.mark.parametrize("evidence", [None, {"Slippery": "yes"}, {"Rain": "no", "WetGrass": "wet"}])
def test_sprinkler_mean_field(sprinkler_enum, evidence):
    m = pgm.load(str(MODELS / "sprinkler.yaml"))
    r = m.elbo(evidence)
    assert list(r) == DISCRETE_KEYS
    lp = math.log(sprinkler_enum.p_evidence(evidence))
    assert r["log_probability_of_evidence"] == pytest.approx(lp, abs=1e-12)
    assert r["elbo"] <= lp + 1e-12
    assert r["gap"] == pytest.approx(lp - r["elbo"], abs=1e-12)
    assert r["gap"] >= -1e-12
    assert len(r["history"]) == r["iterations"] + 1
    assert r["history"][-1] == r["elbo"]
    finite = [h for h in r["history"] if math.isfinite(h)]
    assert all(b >= a - 1e-12 for a, b in zip(finite, finite[1:]))
    assert set(r["q"]) == {v for v in m.variables if v not in (evidence or {})}
    assert r["elbo"] == pytest.approx(elbo_by_definition(sprinkler_enum, r["q"], evidence or {}), abs=1e-10)


def test_markov_network_bounds_log_z(misconception_enum):
    m = pgm.load(str(MODELS / "misconception.yaml"))
    r = m.elbo(seed=3)
    log_z = math.log(misconception_enum.p_evidence({}))
    assert r["log_probability_of_evidence"] == pytest.approx(log_z, rel=1e-12)
    assert r["elbo"] <= log_z + 1e-12
    assert r["elbo"] == pytest.approx(elbo_by_definition(misconception_enum, r["q"], {}), abs=1e-9)


def test_options_and_matches_cli():
    m = pgm.load(str(MODELS / "sprinkler.yaml"))
    assert m.elbo(max_iter=1)["iterations"] == 1
    assert m.elbo(seed=5) == m.elbo(seed=5)
    cli = cli_path()
    if cli is None:
        pytest.skip("the pgm command line is not built")
    out = subprocess.run([str(cli), "elbo", str(MODELS / "sprinkler.yaml"), "--given", "Slippery=yes", "--json"],
                         check=True, capture_output=True, text=True).stdout
    j = json.loads(out)
    r = m.elbo({"Slippery": "yes"})
    assert j["elbo"] == r["elbo"]
    assert j["q"] == r["q"]


def test_errors():
    m = pgm.load(str(MODELS / "sprinkler.yaml"))
    with pytest.raises(pgm.ZeroProbabilityEvidence):
        m.elbo({"Sprinkler": "off", "Rain": "no", "WetGrass": "wet"})
    with pytest.raises(pgm.QueryError):
        m.elbo({"Nope": "yes"})
    with pytest.raises(TypeError):
        m.elbo(point={"X": 1.0})
    with pytest.raises(ValueError):
        m.elbo(tol=-1.0)


def test_latent_one_factor_by_hand():
    # z ~ N(0, 1), x | z ~ N(2z + 1, 1): x ~ N(1, 5), z | x=3 ~ N(0.8, 0.2).
    m = pgm.load(str(MODELS / "factor-analysis.yaml"))
    l2pi = math.log(2 * math.pi)
    r = m.elbo(point={"X": 3.0}, q_mean={"Z": 0.0}, q_logvar={"Z": 0.0})
    assert list(r) == LATENT_KEYS
    assert r["reconstruction"] == pytest.approx(-0.5 * (l2pi + 8.0), abs=1e-12)
    assert r["kl"] == pytest.approx(0.0, abs=1e-15)
    assert r["log_marginal_likelihood"] == pytest.approx(-0.5 * (l2pi + math.log(5.0) + 0.8), abs=1e-12)
    assert r["gap"] == pytest.approx(0.5 * (math.log(0.2) + 1.64 / 0.2 - 1.0), abs=1e-12)
    assert r["posterior"]["mean"]["Z"] == pytest.approx(0.8, abs=1e-14)
    assert np.asarray(r["posterior"]["covariance"]) == pytest.approx(np.array([[0.2]]), abs=1e-14)
    exact = m.elbo(point={"X": 3.0})
    assert exact["gap"] == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(pgm.QueryError, match="missing: X"):
        m.elbo(point={})
    with pytest.raises(TypeError):
        m.elbo({"X": 3.0})
