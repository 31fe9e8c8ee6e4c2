"""Model.dumps and Model.independencies: what `pgm convert` and `pgm independencies` print, from
Python, against values read off the graph by hand."""
import pytest

import pgm
from conftest import MODELS


def test_dumps_round_trips_every_discrete_format():
    m = pgm.load(str(MODELS / "sprinkler.yaml"), renormalize=False)
    want = m.marginals({"WetGrass": "wet"}, method="ve")
    for fmt in ("yaml", "bif", "xmlbif", "uai"):
        back = pgm.loads(m.dumps(fmt), format=fmt, renormalize=False)
        got = back.marginals({"WetGrass": "wet"} if fmt != "uai" else {"3": "1"}, method="ve")
        if fmt == "uai":  # UAI names variables and states by index
            assert got["2"] == {"0": want["Rain"]["no"], "1": want["Rain"]["yes"]}
        else:
            assert got == want, fmt
    assert m.dumps("dot").startswith("digraph")


def test_dumps_refuses_what_a_format_cannot_hold():
    with pytest.raises(pgm.UnsupportedError, match="Bayesian networks only"):
        pgm.load(str(MODELS / "misconception.yaml")).dumps("bif")
    with pytest.raises(pgm.UnsupportedError, match="Gaussian"):
        pgm.load(str(MODELS / "bivariate.yaml")).dumps("yaml")
    with pytest.raises(pgm.Error):
        pgm.load(str(MODELS / "sprinkler.yaml")).dumps("docx")


def test_independencies_of_the_sprinkler_network():
    # Season -> Sprinkler, Season -> Rain, {Sprinkler, Rain} -> WetGrass -> Slippery: each variable
    # is independent of its non-descendants (other than its parents) given its parents; Season has
    # none and is left out.
    got = pgm.load(str(MODELS / "sprinkler.yaml")).independencies()
    assert got == [
        {"node": "Sprinkler", "independent_of": ["Rain"], "given": ["Season"]},
        {"node": "Rain", "independent_of": ["Sprinkler"], "given": ["Season"]},
        {"node": "WetGrass", "independent_of": ["Season"], "given": ["Sprinkler", "Rain"]},
        {"node": "Slippery", "independent_of": ["Season", "Sprinkler", "Rain"], "given": ["WetGrass"]},
    ]


def test_independencies_of_a_markov_cycle():
    # A - B - C - D - A: each variable is independent of the opposite corner given its two neighbours.
    got = pgm.load(str(MODELS / "misconception.yaml")).independencies()
    assert [(d["node"], d["independent_of"], d["given"]) for d in got] == [
        ("A", ["C"], ["B", "D"]),
        ("B", ["D"], ["A", "C"]),
        ("C", ["A"], ["B", "D"]),
        ("D", ["B"], ["A", "C"]),
    ]
