"""method='lw' | 'gibbs' (issue 11): the samplers through the existing query calls, against
brute-force enumeration: every estimate within 5 of its own standard errors (and an absolute bound),
the sampling attributes of the Result, seeds, and refused options."""
import math

import pytest

import pgm
from conftest import MISCONCEPTION, SPRINKLER, Enumeration, bn_joint, mn_joint


def check_within(result, enum, evidence):
    assert result.standard_errors is not None
    for var, states in result.marginals.items():
        exact = enum.marginal(var, evidence)
        for state, p in states.items():
            se = result.standard_errors[var][state]
            assert se is not None and se >= 0
            assert abs(p - exact[state]) <= 5 * se + 1e-3, (var, state, p, exact[state], se)
            assert abs(p - exact[state]) <= 0.03, (var, state)


@pytest.mark.parametrize("evidence", [None, {"WetGrass": "wet"}, {"Slippery": "yes", "Season": "summer"}])
def test_lw_on_sprinkler(evidence):
    m = pgm.from_dict(SPRINKLER)
    enum = Enumeration(*bn_joint(SPRINKLER))
    r = m.answer(evidence=evidence, method="lw", samples=20000, seed=3)
    assert r.method == "lw"
    assert r.samples == 20000
    assert r.seed == 3
    assert r.burn_in is None
    assert r.warnings == []
    check_within(r, enum, evidence)
    pe = enum.p_evidence(evidence)
    assert r.probability_of_evidence == pytest.approx(math.exp(r.log_probability_of_evidence))
    se = r.probability_of_evidence_standard_error
    assert abs(r.probability_of_evidence - pe) <= 5 * se + 1e-12
    assert 1 < r.effective_sample_size <= 20000 + 1e-6


@pytest.mark.parametrize("evidence", [None, {"A": "a1"}, {"B": "b0", "D": "d1"}])
def test_gibbs_on_a_markov_network(evidence):
    m = pgm.from_dict(MISCONCEPTION)
    enum = Enumeration(*mn_joint(MISCONCEPTION))
    r = m.answer(evidence=evidence, method="gibbs", samples=20000, burn_in=500)
    assert r.method == "gibbs"
    assert r.samples == 20000 and r.burn_in == 500 and r.seed == 0
    assert r.effective_sample_size is None
    assert r.probability_of_evidence is None and r.log_probability_of_evidence is None
    check_within(r, enum, evidence)


def test_marginals_takes_the_sampling_kwargs():
    m = pgm.from_dict(SPRINKLER)
    a = m.marginals(evidence={"Rain": "yes"}, method="gibbs", samples=3000, seed=2**64 - 1)
    b = m.marginals(evidence={"Rain": "yes"}, method="gibbs", samples=3000, seed=2**64 - 1)
    c = m.marginals(evidence={"Rain": "yes"}, method="gibbs", samples=3000, seed=1)
    assert a == b
    assert a != c
    enum = Enumeration(*bn_joint(SPRINKLER))
    for state, p in enum.marginal("Season", {"Rain": "yes"}).items():
        assert a["Season"][state] == pytest.approx(p, abs=0.05)


def test_gibbs_default_burn_in_and_blocks():
    # WetGrass's CPT has a zero linking Sprinkler, Rain and WetGrass (and Slippery's one linking
    # WetGrass and Slippery): they are sampled as one block, so no warning and right answers.
    r = pgm.from_dict(SPRINKLER).answer(method="gibbs", samples=200)
    assert r.burn_in == 1000
    assert r.warnings == []
    enum = Enumeration(*bn_joint(SPRINKLER))
    check_within(pgm.from_dict(SPRINKLER).answer(method="gibbs", samples=20000, evidence={"Slippery": "yes"}), enum,
                 {"Slippery": "yes"})


def test_gibbs_warns_when_zeros_tie_too_many_states():
    wide = {
        "name": "wide",
        "type": "markov-network",
        "variables": {f"X{i}": ["s0", "s1"] for i in range(13)},
        "factors": [{"scope": [f"X{i}" for i in range(13)], "values": [0.0] + [1.0] * (2**13 - 1)}],
    }
    r = pgm.from_dict(wide).answer(method="gibbs", samples=100)
    assert len(r.warnings) == 1
    assert "factor 1 has zero entries" in r.warnings[0] and "reducible" in r.warnings[0]


def test_exact_engines_have_no_sampling_attributes():
    r = pgm.from_dict(SPRINKLER).answer(method="jt")
    assert r.standard_errors is None and r.samples is None and r.effective_sample_size is None
    assert r.probability_of_evidence == pytest.approx(1.0)


def test_refusals():
    m = pgm.from_dict(SPRINKLER)
    with pytest.raises(pgm.QueryError, match="method 'lw' answers bayesian-network"):
        pgm.from_dict(MISCONCEPTION).marginals(method="lw")
    with pytest.raises(pgm.QueryError, match="single-variable marginals only"):
        m.joint(["Rain", "Season"], method="gibbs")
    with pytest.raises(pgm.QueryError, match="none of the 10 samples"):
        m.marginals(evidence={"WetGrass": "wet", "Rain": "no", "Sprinkler": "off"}, method="lw", samples=10)
    with pytest.raises(pgm.ZeroProbabilityEvidence):
        m.marginals(evidence={"WetGrass": "wet", "Rain": "no", "Sprinkler": "off"}, method="gibbs", samples=10)
    for bad in ({"samples": 0}, {"samples": -5}, {"samples": 10**9 + 1}, {"burn_in": -1}, {"seed": -1},
                {"seed": 2**64}):
        with pytest.raises(ValueError):
            m.marginals(method="gibbs", **bad)
    for bad in ({"burn_in": "10"}, {"seed": 1.5}, {"seed": True}):
        with pytest.raises(TypeError):
            m.marginals(method="gibbs", **bad)
