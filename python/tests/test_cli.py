"""Python and the command line give the same numbers (the same library behind both).

Both ask the library's query API: variable elimination takes the same route, and the junction tree
is the one built for the evidence's observed variables (Model::junction_tree_for) whether a one-shot
`pgm marginals --given ...` or a long-lived Python Model asks. So every number agrees bit for bit,
as printed with 17 significant digits in --json.
"""
import json
import math
import subprocess

import pytest

import pgm
from conftest import MODELS, cli, need_shared

NETWORKS = ["asia.bif", "alarm.bif", "child.bif", "insurance.bif", "sachs.bif"]


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
    assert got == out["marginals"]  # identical floats, same order of states
    # P(e) of the same marginals query (the standalone probability_of_evidence may take another route).
    assert r.probability_of_evidence == out["probability_of_evidence"]
    assert r.log_probability_of_evidence == out["log_probability_of_evidence"]
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


def test_alarm_queries_match_the_command_line_bit_for_bit():
    path = need_shared("networks", "bif", "alarm.bif")
    model = pgm.load(path)
    names = list(model.variables)
    # More evidence patterns than a Model keeps trees for (64), asked of one Model, so some are
    # answered by a cached tree, some by a rebuilt one: every answer still equals the one-shot CLI's.
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1:]][::7][:70]
    assert len(pairs) == 70
    sets = [{a: model.variables[a][0], b: model.variables[b][-1]} for a, b in pairs]
    sets.append(sets[0])
    targets = [names[1], names[-2], names[len(names) // 3]]
    for ev in sets:
        given = ",".join(f"{k}={v}" for k, v in ev.items())
        code, out = run_json("query", path, *targets, "--given", given, "--method", "jt")
        if code != 0:
            with pytest.raises(pgm.ZeroProbabilityEvidence) as e:
                model.query(targets, evidence=ev, method="jt")
            assert str(e.value) == out.strip().removeprefix("pgm: error: ")
            continue
        assert model.query(targets, evidence=ev, method="jt") == out["marginals"], ev
        r = model.answer(targets, evidence=ev, method="jt")
        assert r.probability_of_evidence == out["probability_of_evidence"]
        assert r.log_probability_of_evidence == out["log_probability_of_evidence"]
    ev = sets[1]
    given = ",".join(f"{k}={v}" for k, v in ev.items())
    code, out = run_json("query", path, targets[0], "--by", targets[1], "--given", given, "--method", "jt")
    assert code == 0, out
    assert model.conditional(targets[0], given=targets[1], evidence=ev, method="jt") == out["conditional"]["table"]


def test_a_refused_tree_reads_the_same_less_the_command_line_hints():
    path = MODELS / "asia.yaml"
    model = pgm.load(path)
    r = subprocess.run([str(cli()), "marginals", str(path), "--given", "xray=yes", "--max-memory", "100"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 5, r.stderr
    cli_message = r.stderr.strip().removeprefix("pgm: error: ")
    hint = " (--max-memory SIZE sets the limit; --method ve uses variable elimination)"
    assert cli_message.endswith(hint)
    with pytest.raises(pgm.LimitError) as e:
        model.marginals(evidence={"xray": "yes"}, method="jt", max_memory=100)
    assert str(e.value) == cli_message.removesuffix(hint)
    assert "--" not in str(e.value)
