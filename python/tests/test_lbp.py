"""method='lbp' (issue 11): loopy belief propagation through the existing query calls, against
brute-force enumeration: exact on a tree-shaped network, approximate (and says so) on a loop."""
import pytest

import pgm
from conftest import Enumeration, MISCONCEPTION, bn_joint, mn_joint

# A polytree: A -> C <- B, C -> D (no undirected loop), so LBP is exact.
POLYTREE = {
    "name": "polytree",
    "type": "bayesian-network",
    "variables": {"A": ["a0", "a1"], "B": ["b0", "b1", "b2"], "C": ["c0", "c1"], "D": ["d0", "d1"]},
    "cpds": {
        "A": {"probabilities": [0.3, 0.7]},
        "B": {"probabilities": [0.2, 0.5, 0.3]},
        "C": {
            "parents": ["A", "B"],
            "probabilities": {
                "a0": {"b0": [0.9, 0.1], "b1": [0.4, 0.6], "b2": [0.0, 1.0]},
                "a1": {"b0": [0.25, 0.75], "b1": [0.5, 0.5], "b2": [0.8, 0.2]},
            },
        },
        "D": {"parents": ["C"], "probabilities": {"c0": [0.7, 0.3], "c1": [0.1, 0.9]}},
    },
}


@pytest.mark.parametrize("evidence", [None, {"D": "d1"}, {"C": "c0", "D": "d0"}, {"A": "a0", "D": "d1"}])
def test_lbp_exact_on_a_polytree(evidence):
    m = pgm.from_dict(POLYTREE)
    enum = Enumeration(*bn_joint(POLYTREE))
    got = m.marginals(evidence=evidence, method="lbp")
    for var in enum.names:
        for state, p in enum.marginal(var, evidence).items():
            assert got[var][state] == pytest.approx(p, abs=1e-10), (var, state)
    r = m.answer(evidence=evidence, method="lbp")
    assert r.method == "lbp"
    assert r.approximate["converged"] is True
    assert r.approximate["iterations"] >= 1
    assert r.approximate["max_change"] < 1e-9
    assert r.probability_of_evidence == pytest.approx(enum.p_evidence(evidence), abs=1e-10)
    assert m.answer(evidence=evidence, method="jt").approximate is None


def test_lbp_on_a_loop_is_approximate():
    # The misconception network is a 4-cycle with strong couplings: LBP converges, but not to the
    # exact marginals (measured: the largest error per variable is 0.19 to 0.25).
    m = pgm.from_dict(MISCONCEPTION)
    enum = Enumeration(*mn_joint(MISCONCEPTION))
    r = m.answer(method="lbp")
    assert r.approximate["converged"] is True
    worst = max(abs(r.marginals[v][s] - p) for v in enum.names for s, p in enum.marginal(v).items())
    assert 1e-3 < worst < 0.5


def test_lbp_refuses_a_joint():
    m = pgm.from_dict(POLYTREE)
    with pytest.raises(pgm.QueryError, match="marginals only"):
        m.joint(["A", "B"], method="lbp")


def test_lbp_options():
    m = pgm.from_dict(MISCONCEPTION)
    r = m.answer(method="lbp", max_iterations=3, tolerance=1e-12)
    assert r.approximate == {"iterations": 3, "converged": False, "max_change": r.approximate["max_change"]}
    assert r.approximate["max_change"] >= 1e-12
    # Damping on a tree: still exact.
    enum = Enumeration(*bn_joint(POLYTREE))
    got = pgm.from_dict(POLYTREE).marginals(evidence={"D": "d1"}, method="lbp", damping=0.6, tolerance=1e-14,
                                            max_iterations=100000)
    for state, p in enum.marginal("A", {"D": "d1"}).items():
        assert got["A"][state] == pytest.approx(p, abs=1e-10)
    with pytest.raises(ValueError):
        m.marginals(method="lbp", max_iterations=0)
    for bad in ({"damping": 1.0}, {"damping": -0.5}, {"tolerance": 0.0}, {"tolerance": float("nan")}):
        with pytest.raises(pgm.QueryError):
            m.marginals(method="lbp", **bad)
