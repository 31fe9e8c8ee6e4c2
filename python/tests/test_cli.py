"""Python and the command line give the same numbers (the same library behind both).

A one-shot `pgm marginals --given ...` builds its junction tree for the evidence's observed variables,
while a Python Model keeps one tree for every query: both are exact, and they agree to rounding
(a few units in the last place), which is what the junction-tree comparisons allow. Variable
elimination takes the same route in both and must agree bit for bit.
"""
import json
import math
import subprocess

import pytest

import pgm
from conftest import MODELS, cli_path, in_ci, need_shared

NETWORKS = ["asia.bif", "alarm.bif", "child.bif", "insurance.bif", "sachs.bif"]


def cli():
    p = cli_path()
    if p is None or not p.exists():
        if in_ci():
            pytest.fail("the pgm command line is not built (PGM_CLI unset)")
        pytest.skip("the pgm command line is not built")
    return p


def run_json(*args):
    r = subprocess.run([str(cli()), *map(str, args), "--json"], capture_output=True, text=True, timeout=300)
    return r.returncode, (json.loads(r.stdout) if r.returncode == 0 else r.stderr)


def evidence_sets(model):
    names = list(model.variables)
    first, last, mid = names[0], names[-1], names[len(names) // 2]
    return [
        {},
        {last: model.variables[last][0]},
        {first: model.variables[first][-1], mid: model.variables[mid][0]},
    ]


def compare(path, model, evidence, method):
    given = ",".join(f"{k}={v}" for k, v in evidence.items())
    args = ["marginals", path, "--method", method] + (["--given", given] if given else [])
    code, out = run_json(*args)
    if code != 0:
        with pytest.raises(pgm.Error) as e:
            model.marginals(evidence=evidence, method=method)
        assert str(e.value) == out.strip().removeprefix("pgm: error: ")
        return
    got = model.marginals(evidence=evidence, method=method)
    assert list(got) == list(out["marginals"])  # same variables in the same order
    r = model.answer(evidence=evidence, method=method)
    if method == "ve" or not evidence:
        assert got == out["marginals"]  # identical floats, same order of states
        # P(e) of the same marginals query (the standalone probability_of_evidence may take another route).
        assert r.probability_of_evidence == out["probability_of_evidence"]
        assert r.log_probability_of_evidence == out["log_probability_of_evidence"]
    else:
        for name, states in out["marginals"].items():
            assert list(got[name]) == list(states)
            for state, p in states.items():
                assert got[name][state] == pytest.approx(p, rel=1e-13, abs=1e-15), (name, state)
        assert r.probability_of_evidence == pytest.approx(out["probability_of_evidence"], rel=1e-13)
        assert r.log_probability_of_evidence == pytest.approx(out["log_probability_of_evidence"], rel=1e-13, abs=1e-13)
    assert model.probability_of_evidence(evidence) == pytest.approx(out["probability_of_evidence"], rel=1e-12)


@pytest.mark.parametrize("network", NETWORKS)
def test_shared_networks_match_the_command_line(network):
    path = need_shared("networks", "bif", network)
    model = pgm.load(path)
    for evidence in evidence_sets(model):
        for method in ("jt", "ve"):
            compare(path, model, evidence, method)


def test_sprinkler_matches_the_command_line():
    path = MODELS / "sprinkler.yaml"
    model = pgm.load(path)
    compare(path, model, {"WetGrass": "wet"}, "jt")
    compare(path, model, {"WetGrass": "dry", "Slippery": "yes"}, "jt")  # both refuse, same message
    ev = {"WetGrass": "wet"}
    code, out = run_json("query", path, "Season", "Rain", "--given", "WetGrass=wet", "--joint")
    assert code == 0, out
    d = model.joint(["Season", "Rain"], evidence=ev)
    assert out["joint"]["variables"] == d.variables
    assert d.values.reshape(-1).tolist() == out["joint"]["table"]
    assert d.probability_of_evidence == out["probability_of_evidence"]
    assert d.log_probability_of_evidence == out["log_probability_of_evidence"]
    code, out = run_json("query", path, "Rain", "--by", "Season", "--given", "WetGrass=wet")
    assert code == 0, out
    assert model.conditional("Rain", given="Season", evidence=ev) == out["conditional"]["table"]
