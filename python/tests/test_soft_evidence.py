"""soft_evidence= and jeffrey= (issue 11): the numbers of docs/soft-evidence.md by hand, the
auxiliary-child network built in plain Python (P(aux = obs | x) = lambda(x) / max lambda, aux
observed), results equal to the command line's JSON, and the refusals."""
import json
import math
import subprocess

import pytest

import pgm
from conftest import MODELS, cli_path, in_ci

RAIN = """name: rain
type: bayesian-network
variables:
  Rain: [yes, no]
  Grass: [wet, dry]
cpds:
  Rain:
    probabilities: [0.2, 0.8]
  Grass:
    parents: [Rain]
    probabilities:
      yes: [0.9, 0.1]
      no: [0.2, 0.8]
"""


@pytest.fixture(scope="module")
def rain():
    return pgm.loads(RAIN)


@pytest.fixture(scope="module")
def asia():
    return pgm.load(str(MODELS / "asia.yaml"))


def test_worked_example(rain):
    # Soft: Rain ~ [0.2*0.8, 0.8*0.2] = [0.5, 0.5]; P(wet) = 0.5*0.9 + 0.5*0.2; P(e) = 0.32.
    m = rain.marginals(soft_evidence={"Rain": [0.8, 0.2]})
    assert m["Rain"]["yes"] == pytest.approx(0.5, abs=1e-15)
    assert m["Grass"]["wet"] == pytest.approx(0.55, abs=1e-15)
    assert rain.probability_of_evidence(soft_evidence={"Rain": [0.8, 0.2]}) == pytest.approx(0.32, abs=1e-15)
    # Jeffrey: Rain fixed to [0.8, 0.2]; P(wet) = 0.8*0.9 + 0.2*0.2 = 0.76.
    j = rain.query(["Grass", "Rain"], jeffrey={"Rain": [0.8, 0.2]})
    assert j["Rain"]["yes"] == pytest.approx(0.8, abs=1e-15)
    assert j["Grass"]["wet"] == pytest.approx(0.76, abs=1e-15)
    x = rain.mpe(soft_evidence={"Rain": [0.8, 0.2]})
    assert x.assignment == {"Rain": "yes", "Grass": "wet"}
    assert x.probability == pytest.approx(0.2 * 0.9 * 0.8, abs=1e-15)
    mp = rain.map(["Grass"], soft_evidence={"Rain": [0.8, 0.2]})
    assert mp.assignment == {"Grass": "wet"}
    assert mp.posterior_probability == pytest.approx(0.55, abs=1e-15)
    assert mp.probability == pytest.approx(0.55 * 0.32, abs=1e-15)


RAIN_DICT = {
    "name": "rain",
    "type": "bayesian-network",
    "variables": {"Rain": ["yes", "no"], "Grass": ["wet", "dry"]},
    "cpds": {
        "Rain": {"probabilities": [0.2, 0.8]},
        "Grass": {"parents": ["Rain"], "probabilities": {"yes": [0.9, 0.1], "no": [0.2, 0.8]}},
    },
}


def test_auxiliary_child_network(rain):
    # The same soft evidence as auxiliary children aux_X with P(obs | x) = lambda(x) / max lambda.
    lam = {"Grass": [0.3, 0.6], "Rain": [2.0, 0.5]}
    d = json.loads(json.dumps(RAIN_DICT))
    for name, l in lam.items():
        top = max(l)
        d["variables"]["aux_" + name] = ["obs", "other"]
        d["cpds"]["aux_" + name] = {
            "parents": [name],
            "probabilities": {s: [l[i] / top, 1 - l[i] / top] for i, s in enumerate(rain.variables[name])},
        }
    aux = pgm.from_dict(d)
    for hard in ({}, {"Grass": "wet"}):
        obs = {**hard, "aux_Grass": "obs", "aux_Rain": "obs"}
        want = aux.marginals(obs, method="ve")
        for method in ("ve", "jt", "lbp", "auto"):
            got = rain.marginals(hard, method=method, soft_evidence=lam)
            for v, dist in got.items():
                for s, p in dist.items():
                    assert p == pytest.approx(want[v][s], abs=1e-12), (method, v, s)
        pe = rain.probability_of_evidence(hard, soft_evidence=lam)
        assert pe == pytest.approx(aux.probability_of_evidence(obs) * 0.6 * 2.0, rel=1e-12)
    # By hand, no hard evidence: weights P(r, g) * lam_R(r) * lam_G(g).
    w = {("yes", "wet"): 0.2 * 0.9 * 2.0 * 0.3, ("yes", "dry"): 0.2 * 0.1 * 2.0 * 0.6,
         ("no", "wet"): 0.8 * 0.2 * 0.5 * 0.3, ("no", "dry"): 0.8 * 0.8 * 0.5 * 0.6}
    total = sum(w.values())
    got = rain.marginals(soft_evidence=lam)
    assert got["Rain"]["yes"] == pytest.approx((w[("yes", "wet")] + w[("yes", "dry")]) / total, abs=1e-15)
    assert rain.probability_of_evidence(soft_evidence=lam) == pytest.approx(total, abs=1e-15)


def cli_json(*args):
    p = cli_path()
    if p is None or not p.exists():
        if in_ci():
            pytest.fail("the pgm command line is not built (PGM_CLI unset)")
        pytest.skip("the pgm command line is not built")
    r = subprocess.run([str(p), *map(str, args), "--json"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_equal_to_the_command_line(asia):
    path = str(MODELS / "asia.yaml")
    out = cli_json("marginals", path, "--given", "smoke=yes", "--soft", "dysp=0.8,0.2", "--soft", "xray=0.1,0.7")
    got = asia.marginals({"smoke": "yes"}, soft_evidence={"dysp": [0.8, 0.2], "xray": [0.1, 0.7]})
    assert got == out["marginals"]
    assert out["soft_evidence"] == {"dysp": [0.8, 0.2], "xray": [0.1, 0.7]}
    r = asia.answer(evidence={"smoke": "yes"}, soft_evidence={"dysp": [0.8, 0.2], "xray": [0.1, 0.7]})
    assert r.probability_of_evidence == out["probability_of_evidence"]
    assert r.log_probability_of_evidence == out["log_probability_of_evidence"]

    out = cli_json("query", path, "lung", "bronc", "--jeffrey", "either=0.3,0.7", "--soft", "dysp=0.8,0.2")
    got = asia.query(["lung", "bronc"], method="ve", soft_evidence={"dysp": [0.8, 0.2]}, jeffrey={"either": [0.3, 0.7]})
    assert got == out["marginals"]
    assert out["jeffrey"] == {"either": [0.3, 0.7]}

    out = cli_json("mpe", path, "--soft", "dysp=0.8,0.2", "--given", "asia=yes")
    x = asia.mpe({"asia": "yes"}, soft_evidence={"dysp": [0.8, 0.2]})
    assert x.assignment == out["assignment"]
    assert x.probability == out["probability"]
    assert x.log_probability == out["log_probability"]


def test_refusals(asia):
    with pytest.raises(pgm.QueryError, match="every state likelihood zero"):
        asia.marginals(soft_evidence={"dysp": [0, 0]})
    with pytest.raises(pgm.QueryError, match="non-negative"):
        asia.marginals(soft_evidence={"dysp": [-1, 1]})
    with pytest.raises(pgm.QueryError, match="2 states"):
        asia.marginals(soft_evidence={"dysp": [1]})
    with pytest.raises(pgm.QueryError, match="unknown variable 'nope'"):
        asia.marginals(soft_evidence={"nope": [1, 1]})
    with pytest.raises(pgm.QueryError, match="finite"):
        asia.marginals(soft_evidence={"dysp": [math.inf, 1]})
    with pytest.raises(pgm.QueryError, match="sums to"):
        asia.marginals(jeffrey={"dysp": [0.5, 0.6]})
    with pytest.raises(TypeError):
        asia.marginals(soft_evidence={"dysp": "0.8,0.2"})
    with pytest.raises(TypeError):
        asia.marginals(soft_evidence=[0.8, 0.2])
    with pytest.raises(pgm.ZeroProbabilityEvidence):
        asia.marginals({"smoke": "yes"}, soft_evidence={"smoke": [0, 1]})
    g = pgm.load(str(MODELS / "bivariate.yaml"))
    with pytest.raises(pgm.QueryError, match="discrete model"):
        g.marginals(soft_evidence={"X1": [1, 2]})
