"""m.mpe and m.map: values worked out by hand (sprinkler, misconception) and by brute force over
every assignment (conftest's Enumeration), the documented tie-break, the errors, the GIL."""
import itertools
import math
import threading

import pytest

import pgm
from conftest import MODELS

# Sprinkler: winter off yes wet yes = 0.6*0.8*0.8*0.8*0.7 = 0.21504 is the largest joint entry;
# given Slippery=no, winter off no dry no = 0.6*0.8*0.2 = 0.096.
SPRINKLER_MPE = {"Season": "winter", "Sprinkler": "off", "Rain": "yes", "WetGrass": "wet", "Slippery": "yes"}


@pytest.fixture(scope="module")
def sprinkler():
    return pgm.load(str(MODELS / "sprinkler.yaml"))


def test_mpe_sprinkler(sprinkler):
    x = sprinkler.mpe()
    assert x.assignment == SPRINKLER_MPE
    assert list(x.assignment) == ["Season", "Sprinkler", "Rain", "WetGrass", "Slippery"]
    assert x.probability == pytest.approx(0.21504, abs=1e-14)
    assert x.log_probability == pytest.approx(math.log(0.21504), abs=1e-13)
    assert x.posterior_probability is None
    given = sprinkler.mpe({"Slippery": "no"})
    assert given.assignment == {"Season": "winter", "Sprinkler": "off", "Rain": "no", "WetGrass": "dry",
                                "Slippery": "no"}
    assert given.probability == pytest.approx(0.096, abs=1e-14)
    assert given.evidence == {"Slippery": "no"}


def test_map_sprinkler(sprinkler):
    # P(Rain=yes, Slippery=yes) = 0.7 * 0.4349 = 0.30443; P(Slippery=yes) = 0.48965.
    x = sprinkler.map(["Rain"], {"Slippery": "yes"})
    assert x.assignment == {"Rain": "yes"}
    assert x.probability == pytest.approx(0.30443, abs=1e-13)
    assert x.posterior_probability == pytest.approx(0.30443 / 0.48965, abs=1e-13)
    assert x.log_probability == pytest.approx(math.log(0.30443), abs=1e-12)


def test_mpe_markov_network_is_normalised():
    # a0 b1 c1 d0: 5 * 100 * 100 * 100 over Z = 7,201,840 (Koller & Friedman, Fig. 4.1).
    m = pgm.load(str(MODELS / "misconception.yaml"))
    x = m.mpe()
    assert x.assignment == {"A": "a0", "B": "b1", "C": "c1", "D": "d0"}
    assert x.probability == pytest.approx(5e6 / 7201840, abs=1e-13)


def brute(model_dict, evidence, targets):
    """Max over the targets of P(targets, e) summed over the rest, and the lexicographically smallest
    optimum by state index in declared order, from the joint table written out in Python."""
    names = list(model_dict["variables"])
    states = model_dict["variables"]
    cpds = model_dict["cpds"]
    table = {}
    for combo in itertools.product(*(range(len(states[n])) for n in names)):
        a = dict(zip(names, combo))
        if any(states[k][a[k]] != v for k, v in evidence.items()):
            continue
        p = 1.0
        for n in names:
            parents = cpds[n].get("parents", [])
            column = cpds[n]["probabilities"]
            for par in parents:
                column = column[states[par][a[par]]]
            p *= column[a[n]]
        key = tuple(a[t] for t in sorted(targets, key=names.index))
        table[key] = table.get(key, 0.0) + p
    best = max(table.values())
    arg = min(k for k, v in table.items() if v >= best * (1 - 1e-9))
    ordered = sorted(targets, key=names.index)
    return best, {t: states[t][arg[ordered.index(t)]] for t in targets}


TIED = {
    "name": "tied",
    "type": "bayesian-network",
    "variables": {"A": ["a0", "a1", "a2"], "B": ["b0", "b1"], "C": ["c0", "c1"]},
    "cpds": {
        "A": {"probabilities": [0.25, 0.5, 0.25]},
        "B": {"parents": ["A"], "probabilities": {"a0": [0.5, 0.5], "a1": [0.5, 0.5], "a2": [1.0, 0.0]}},
        "C": {"parents": ["B"], "probabilities": {"b0": [0.5, 0.5], "b1": [0.0, 1.0]}},
    },
}


@pytest.mark.parametrize("evidence", [{}, {"C": "c1"}, {"B": "b0"}, {"A": "a0"}])
def test_ties_and_map_against_brute_force(evidence):
    m = pgm.from_dict(TIED)
    names = ["A", "B", "C"]
    free = [n for n in names if n not in evidence]
    best, arg = brute(TIED, evidence, free)
    x = m.mpe(evidence)
    assert x.probability == pytest.approx(best, abs=1e-15)
    assert x.assignment == {**{n: arg[n] for n in free}, **evidence}
    assert list(x.assignment) == names
    pe = m.probability_of_evidence(evidence or None)
    for k in range(1, len(free) + 1):
        for targets in itertools.permutations(free, k):
            best, arg = brute(TIED, evidence, list(targets))
            r = m.map(list(targets), evidence)
            assert r.assignment == arg
            assert list(r.assignment) == list(targets)
            assert r.probability == pytest.approx(best, abs=1e-15)
            assert r.posterior_probability == pytest.approx(best / pe, abs=1e-14)


def test_errors(sprinkler):
    with pytest.raises(pgm.ZeroProbabilityEvidence):
        sprinkler.mpe({"WetGrass": "dry", "Slippery": "yes"})
    with pytest.raises(pgm.ZeroProbabilityEvidence):
        sprinkler.map(["Rain"], {"WetGrass": "dry", "Slippery": "yes"})
    with pytest.raises(pgm.QueryError):
        sprinkler.map(["Nope"])
    with pytest.raises(pgm.QueryError):
        sprinkler.mpe({"Rain": "maybe"})
    with pytest.raises(pgm.LimitError):
        sprinkler.mpe(max_memory=8)
    with pytest.raises(pgm.QueryError):
        pgm.load(str(MODELS / "bivariate.yaml")).mpe()


def test_threads(sprinkler):
    out = []

    def work():
        for _ in range(50):
            out.append(sprinkler.mpe({"Slippery": "no"}).probability)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(out) == 200 and all(p == out[0] for p in out)
