"""Shared fixtures: paths, and the reference models written out in plain Python.

The tests run from the repository root (CTest sets the working directory) with
PYTHONPATH=<build>/python; PGM_CLI names the built command line.
"""
import itertools
import os
import pathlib

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"
SHARED = ROOT.parent / "shared"


def in_ci():
    return os.environ.get("CI", "") not in ("", "false", "0")


def cli_path():
    path = os.environ.get("PGM_CLI")
    if path:
        return pathlib.Path(path)
    for build in ("build", "build-release"):
        p = ROOT / build / "tools" / "pgm"
        if p.exists():
            return p
    return None


def cli():
    """The built pgm command line; skipped when absent, a failure under CI."""
    p = cli_path()
    if p is None or not p.exists():
        if in_ci():
            pytest.fail("the pgm command line is not built (PGM_CLI unset)")
        pytest.skip("the pgm command line is not built")
    return p


def need_shared(*parts):
    """A path under ../shared; skip when it is absent (fail under CI, where it must exist)."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        if in_ci():
            pytest.fail(f"{p} is missing (CI=true requires ../shared)")
        pytest.skip(f"{p} is absent (../shared networks not checked out)")
    return p


# The sprinkler network exactly as models/sprinkler.yaml writes it, as Python data: the input of
# from_dict and of the brute-force enumeration below.
SPRINKLER = {
    "name": "sprinkler",
    "type": "bayesian-network",
    "variables": {
        "Season": ["winter", "summer"],
        "Sprinkler": ["off", "on"],
        "Rain": ["no", "yes"],
        "WetGrass": ["dry", "wet"],
        "Slippery": ["no", "yes"],
    },
    "cpds": {
        "Season": {"probabilities": [0.6, 0.4]},
        "Sprinkler": {"parents": ["Season"], "probabilities": {"winter": [0.8, 0.2], "summer": [0.25, 0.75]}},
        "Rain": {"parents": ["Season"], "probabilities": {"winter": [0.2, 0.8], "summer": [0.9, 0.1]}},
        "WetGrass": {
            "parents": ["Sprinkler", "Rain"],
            "probabilities": {"off": {"no": [1.0, 0.0], "yes": [0.2, 0.8]}, "on": {"no": [0.1, 0.9], "yes": [0.05, 0.95]}},
        },
        "Slippery": {"parents": ["WetGrass"], "probabilities": {"dry": [1.0, 0.0], "wet": [0.3, 0.7]}},
    },
}

# Koller & Friedman's misconception network (models/misconception.yaml); Z = 7,201,840.
MISCONCEPTION = {
    "name": "misconception",
    "type": "markov-network",
    "variables": {"A": ["a0", "a1"], "B": ["b0", "b1"], "C": ["c0", "c1"], "D": ["d0", "d1"]},
    "factors": [
        {"scope": ["A", "B"], "values": [30, 5, 1, 10]},
        {"scope": ["B", "C"], "values": [100, 1, 1, 100]},
        {"scope": ["C", "D"], "values": [1, 100, 100, 1]},
        {"scope": ["D", "A"], "values": [100, 1, 1, 100]},
    ],
}


def bn_joint(spec):
    """The full joint of a YAML-structured Bayesian network by brute force: numpy array, one axis
    per variable in declared order."""
    names = list(spec["variables"])
    states = [spec["variables"][n] for n in names]
    joint = np.zeros([len(s) for s in states])
    for assignment in itertools.product(*[range(len(s)) for s in states]):
        p = 1.0
        for child, cpd in spec["cpds"].items():
            table = cpd["probabilities"]
            for parent in cpd.get("parents", []):
                table = table[states[names.index(parent)][assignment[names.index(parent)]]]
            p *= table[assignment[names.index(child)]]
        joint[assignment] = p
    return names, states, joint


def mn_joint(spec):
    """The unnormalised joint of a YAML-structured Markov network (values row-major, last fastest)."""
    names = list(spec["variables"])
    states = [spec["variables"][n] for n in names]
    joint = np.zeros([len(s) for s in states])
    for assignment in itertools.product(*[range(len(s)) for s in states]):
        p = 1.0
        for f in spec["factors"]:
            scope = f["scope"]
            shape = [len(spec["variables"][v]) for v in scope]
            p *= np.asarray(f["values"], dtype=float).reshape(shape)[tuple(assignment[names.index(v)] for v in scope)]
        joint[assignment] = p
    return names, states, joint


class Enumeration:
    """Posterior queries answered from an explicit joint table."""

    def __init__(self, names, states, joint):
        self.names, self.states, self.joint = names, states, joint

    def reduced(self, evidence):
        t = self.joint.copy()
        for var, state in (evidence or {}).items():
            axis = self.names.index(var)
            keep = np.zeros(t.shape[axis], dtype=bool)
            keep[self.states[axis].index(state)] = True
            shape = [1] * t.ndim
            shape[axis] = -1
            t = t * keep.reshape(shape)
        return t

    def p_evidence(self, evidence):
        return float(self.reduced(evidence).sum())

    def joint_of(self, targets, evidence=None):
        t = self.reduced(evidence)
        axes = [self.names.index(v) for v in targets]
        others = tuple(i for i in range(t.ndim) if i not in axes)
        m = t.sum(axis=others)
        # m's axes are the targets in declared order; put them in the order asked.
        declared = sorted(axes)
        m = np.transpose(m, [declared.index(a) for a in axes])
        return m / m.sum()

    def marginal(self, var, evidence=None):
        p = self.joint_of([var], evidence)
        return dict(zip(self.states[self.names.index(var)], p.tolist()))


@pytest.fixture(scope="session")
def sprinkler_enum():
    return Enumeration(*bn_joint(SPRINKLER))


@pytest.fixture(scope="session")
def misconception_enum():
    return Enumeration(*mn_joint(MISCONCEPTION))
