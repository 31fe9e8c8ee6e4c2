"""The discrete contract: load/loads/from_dict, marginals, query, joint, conditional, P(e),
independence and blankets, against hand-computed values and brute-force enumeration."""
import copy
import math

import numpy as np
import pytest

import pgm
from conftest import MISCONCEPTION, MODELS, SPRINKLER

EVIDENCE_SETS = [
    None,
    {"WetGrass": "wet"},
    {"WetGrass": "wet", "Season": "summer"},
    {"Slippery": "yes", "Sprinkler": "off"},
    {"Rain": "no", "WetGrass": "dry"},
]


@pytest.fixture(scope="module")
def sprinkler():
    return pgm.load(str(MODELS / "sprinkler.yaml"))


def assert_marginals(got, want_names, enum, evidence, tol=1e-12):
    assert list(got) == list(want_names)
    for var in want_names:
        want = enum.marginal(var, evidence)
        assert list(got[var]) == list(want), var
        for state, p in want.items():
            assert got[var][state] == pytest.approx(p, abs=tol), (var, state, evidence)


def test_metadata(sprinkler):
    assert sprinkler.name == "sprinkler"
    assert sprinkler.kind == "bayesian-network"
    assert sprinkler.variables == SPRINKLER["variables"]
    assert list(sprinkler.variables) == ["Season", "Sprinkler", "Rain", "WetGrass", "Slippery"]
    assert len(sprinkler) == 5
    assert "sprinkler" in repr(sprinkler) and "bayesian-network" in repr(sprinkler)
    assert "jt" in pgm.engines() and "ve" in pgm.engines()


def test_hand_computed_sprinkler_posteriors(sprinkler):
    # P(wet) = 0.6 (0.8·0.8·0.8 + 0.2·0.2·0.9 + 0.2·0.8·0.95) + 0.4 (0.25·0.1·0.8 + 0.75·0.9·0.9 + 0.75·0.1·0.95)
    #        = 0.6·0.7 + 0.4·0.69875 = 0.6995;  P(Rain=yes, wet) = 0.6·0.664 + 0.4·0.09125 = 0.4349.
    for method in ("jt", "ve", "auto"):
        m = sprinkler.marginals(evidence={"WetGrass": "wet"}, method=method)
        assert m["Rain"]["yes"] == pytest.approx(0.4349 / 0.6995, abs=1e-12)
        assert m["Rain"]["no"] == pytest.approx(1 - 0.4349 / 0.6995, abs=1e-12)
        assert m["Season"]["winter"] == pytest.approx(0.42 / 0.6995, abs=1e-12)
        assert m["WetGrass"] == {"dry": 0.0, "wet": 1.0}
        assert m["Slippery"]["yes"] == pytest.approx(0.7, abs=1e-12)
    assert sprinkler.probability_of_evidence({"WetGrass": "wet"}) == pytest.approx(0.6995, abs=1e-12)
    assert sprinkler.log_probability_of_evidence({"WetGrass": "wet"}) == pytest.approx(math.log(0.6995), abs=1e-12)


@pytest.mark.parametrize("evidence", EVIDENCE_SETS)
@pytest.mark.parametrize("method", ["jt", "ve"])
def test_marginals_match_enumeration(sprinkler, sprinkler_enum, evidence, method):
    got = sprinkler.marginals(evidence=evidence, method=method)
    assert_marginals(got, sprinkler_enum.names, sprinkler_enum, evidence)


@pytest.mark.parametrize("evidence", EVIDENCE_SETS)
def test_query_and_probability_of_evidence(sprinkler, sprinkler_enum, evidence):
    got = sprinkler.query(["Rain", "Season"], evidence=evidence)
    assert_marginals(got, ["Rain", "Season"], sprinkler_enum, evidence)
    one = sprinkler.query("Slippery", evidence=evidence, method="ve")
    assert_marginals(one, ["Slippery"], sprinkler_enum, evidence)
    pe = sprinkler_enum.p_evidence(evidence)
    assert sprinkler.probability_of_evidence(evidence) == pytest.approx(pe, abs=1e-14)
    assert sprinkler.log_probability_of_evidence(evidence) == pytest.approx(math.log(pe), abs=1e-12)


@pytest.mark.parametrize("evidence", EVIDENCE_SETS)
def test_joint(sprinkler, sprinkler_enum, evidence):
    d = sprinkler.joint(["Season", "Rain"], evidence=evidence)
    assert d.variables == ["Season", "Rain"]
    assert d.states == [["winter", "summer"], ["no", "yes"]]
    assert isinstance(d.values, np.ndarray) and d.values.shape == (2, 2)
    np.testing.assert_allclose(d.values, sprinkler_enum.joint_of(["Season", "Rain"], evidence), atol=1e-12, rtol=0)
    pe = sprinkler_enum.p_evidence(evidence)
    assert d.probability_of_evidence == pytest.approx(pe, abs=1e-14)
    assert d.log_probability_of_evidence == pytest.approx(math.log(pe), abs=1e-12)
    # Axis order follows the order asked, first variable on axis 0.
    r = sprinkler.joint(["Rain", "WetGrass", "Season"], evidence=evidence)
    assert r.values.shape == (2, 2, 2)
    np.testing.assert_allclose(r.values, sprinkler_enum.joint_of(["Rain", "WetGrass", "Season"], evidence),
                               atol=1e-12, rtol=0)
    assert "joint" in repr(r)


def test_joint_hand_computed(sprinkler):
    # P(Season, Rain) without evidence: winter 0.6·(0.2, 0.8), summer 0.4·(0.9, 0.1).
    d = sprinkler.joint(["Season", "Rain"])
    np.testing.assert_allclose(d.values, [[0.12, 0.48], [0.36, 0.04]], atol=1e-15, rtol=0)
    assert d.probability_of_evidence == 1.0
    assert d.log_probability_of_evidence == 0.0


def test_conditional(sprinkler, sprinkler_enum):
    ev = {"WetGrass": "wet"}
    table = sprinkler.conditional("Rain", given="Season", evidence=ev)
    assert list(table) == ["winter", "summer"]
    for season in ("winter", "summer"):
        want = sprinkler_enum.marginal("Rain", {**ev, "Season": season})
        assert list(table[season]) == ["no", "yes"]
        for state, p in want.items():
            assert table[season][state] == pytest.approx(p, abs=1e-12)
    # Hand: P(Rain=yes | winter, wet) = 0.664/0.7, P(Rain=yes | summer, wet) = 0.09125/0.69875.
    assert table["winter"]["yes"] == pytest.approx(0.664 / 0.7, abs=1e-12)
    assert table["summer"]["yes"] == pytest.approx(0.09125 / 0.69875, abs=1e-12)
    # P(WetGrass=dry | Slippery=yes) = 0: that row is None.
    rows = sprinkler.conditional("Rain", given="WetGrass", evidence={"Slippery": "yes"})
    assert rows["dry"] is None
    want = sprinkler_enum.marginal("Rain", {"Slippery": "yes", "WetGrass": "wet"})
    assert rows["wet"]["yes"] == pytest.approx(want["yes"], abs=1e-12)


def test_impossible_evidence_has_zero_probability(sprinkler):
    ev = {"WetGrass": "dry", "Slippery": "yes"}
    assert sprinkler.probability_of_evidence(ev) == 0.0
    assert sprinkler.log_probability_of_evidence(ev) == -math.inf
    with pytest.raises(pgm.ZeroProbabilityEvidence):
        sprinkler.marginals(evidence=ev)


def test_from_dict_and_loads_equal_load(sprinkler):
    text = (MODELS / "sprinkler.yaml").read_text()
    for other in (pgm.from_dict(SPRINKLER), pgm.loads(text), pgm.loads(text, format="yaml")):
        assert other.name == sprinkler.name and other.variables == sprinkler.variables
        ev = {"WetGrass": "wet", "Season": "winter"}
        assert other.marginals(evidence=ev) == sprinkler.marginals(evidence=ev)
    # The input dict is not modified; numpy arrays and tuples are accepted as lists.
    spec = copy.deepcopy(SPRINKLER)
    spec["cpds"]["Season"]["probabilities"] = np.array([0.6, 0.4])
    spec["cpds"]["Rain"]["parents"] = ("Season",)
    assert pgm.from_dict(spec).marginals() == sprinkler.marginals()
    assert spec["cpds"]["Season"]["probabilities"].tolist() == [0.6, 0.4]


def test_states_named_like_yaml_booleans_and_numbers():
    # Strings stay strings through from_dict: states "no"/"yes"/"1"/"null".
    spec = {
        "name": "tricky",
        "type": "bayesian-network",
        "variables": {"A": ["no", "1"], "B": ["null", "true"]},
        "cpds": {"A": {"probabilities": [0.25, 0.75]},
                 "B": {"parents": ["A"], "probabilities": {"no": [0.5, 0.5], "1": [0.1, 0.9]}}},
    }
    m = pgm.from_dict(spec)
    assert m.variables == {"A": ["no", "1"], "B": ["null", "true"]}
    assert m.marginals()["B"]["true"] == pytest.approx(0.25 * 0.5 + 0.75 * 0.9, abs=1e-15)


def test_format_override(tmp_path):
    text = (MODELS / "sprinkler.yaml").read_text()
    odd = tmp_path / "sprinkler.txt"
    odd.write_text(text)
    m = pgm.load(odd, format="yaml")  # os.PathLike accepted
    assert m.name == "sprinkler"
    with pytest.raises(pgm.ModelError):
        pgm.load(odd)  # unknown extension without format=


def test_bif_text_round_trip():
    bif = """network tiny { }
variable A { type discrete [ 2 ] { a0, a1 }; }
variable B { type discrete [ 2 ] { b0, b1 }; }
probability ( A ) { table 0.3, 0.7; }
probability ( B | A ) { (a0) 0.9, 0.1; (a1) 0.2, 0.8; }
"""
    m = pgm.loads(bif, format="bif")
    assert m.variables == {"A": ["a0", "a1"], "B": ["b0", "b1"]}
    # P(A=a1 | B=b1) = 0.7·0.8 / (0.3·0.1 + 0.7·0.8) = 0.56/0.59
    assert m.marginals(evidence={"B": "b1"})["A"]["a1"] == pytest.approx(0.56 / 0.59, abs=1e-14)


def test_markov_network(misconception_enum):
    m = pgm.load(MODELS / "misconception.yaml")
    assert m.kind == "markov-network"
    assert m.variables == MISCONCEPTION["variables"]
    # The book's partition function, and enumeration.
    assert m.probability_of_evidence() == pytest.approx(7201840.0, rel=1e-14)
    assert misconception_enum.p_evidence(None) == pytest.approx(7201840.0, rel=1e-14)
    for ev in (None, {"A": "a1"}, {"B": "b0", "D": "d1"}):
        for method in ("jt", "ve"):
            assert_marginals(m.marginals(evidence=ev, method=method), misconception_enum.names, misconception_enum, ev)
        assert m.probability_of_evidence(ev) == pytest.approx(misconception_enum.p_evidence(ev), rel=1e-13)
    d = m.joint(["A", "B"])
    np.testing.assert_allclose(d.values, misconception_enum.joint_of(["A", "B"]), atol=1e-12, rtol=0)
    assert pgm.from_dict(MISCONCEPTION).marginals() == m.marginals()


def is_trail(trail, x, y, edges):
    return (trail[0] in x and trail[-1] in y
            and all((a, b) in edges or (b, a) in edges for a, b in zip(trail, trail[1:])))


def test_d_separation(sprinkler):
    edges = {(p, c) for c, cpd in SPRINKLER["cpds"].items() for p in cpd.get("parents", [])}
    r = sprinkler.independent(["Sprinkler"], ["Rain"], given=["Season"])
    assert r.independent is True and r.trail is None and bool(r)
    # Observing the collider WetGrass (or its descendant Slippery) opens Sprinkler → WetGrass ← Rain.
    r = sprinkler.independent(["Sprinkler"], ["Rain"], given=["Season", "WetGrass"])
    assert r.independent is False and r.trail == ["Sprinkler", "WetGrass", "Rain"]
    r = sprinkler.independent("Sprinkler", "Rain", given=["Season", "Slippery"])
    assert r.independent is False and r.trail == ["Sprinkler", "WetGrass", "Rain"]
    # Unobserved, the only trails go through Season.
    r = sprinkler.independent(["Sprinkler"], ["Rain"])
    assert r.independent is False and is_trail(r.trail, ["Sprinkler"], ["Rain"], edges) and "Season" in r.trail
    assert sprinkler.independent(["Season"], ["Slippery"], given=["WetGrass"]).independent is True
    assert sprinkler.independent(["Season"], ["Slippery"]).independent is False
    assert "dependent" in repr(r)


def test_separation_in_a_markov_network():
    m = pgm.load(MODELS / "misconception.yaml")
    assert m.independent(["A"], ["C"], given=["B", "D"]).independent is True
    r = m.independent(["A"], ["C"], given=["B"])
    assert r.independent is False and r.trail == ["A", "D", "C"]


def test_blanket(sprinkler):
    assert sprinkler.blanket("WetGrass") == ["Sprinkler", "Rain", "Slippery"]
    # Parents, children and the children's other parents (Rain, through WetGrass).
    assert sprinkler.blanket("Sprinkler") == ["Season", "Rain", "WetGrass"]
    assert sprinkler.blanket("Slippery") == ["WetGrass"]
    assert pgm.load(MODELS / "misconception.yaml").blanket("A") == ["B", "D"]


def test_discrete_sampling(sprinkler):
    s = sprinkler.sample(20000, seed=7)
    assert s.shape == (20000, 5)
    np.testing.assert_array_equal(s, sprinkler.sample(20000, seed=7))
    # P(Rain = yes) = 0.6·0.8 + 0.4·0.1 = 0.52; the standard error at n = 20000 is 0.0035.
    assert abs(s[:, 2].mean() - 0.52) < 0.02
    given = sprinkler.sample(2000, seed=3, evidence={"WetGrass": "wet"})
    assert (given[:, 3] == 1).all()
