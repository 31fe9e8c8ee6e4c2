"""Every exception type, with the command line's messages, and no crash on wrong Python types."""
import copy
import subprocess

import numpy as np
import pytest

import pgm
from conftest import MISCONCEPTION, MODELS, SPRINKLER, cli_path


@pytest.fixture(scope="module")
def sprinkler():
    return pgm.load(MODELS / "sprinkler.yaml")


def test_hierarchy():
    assert issubclass(pgm.Error, Exception)
    for cls in (pgm.ModelError, pgm.QueryError, pgm.LimitError, pgm.NumericalError, pgm.UnsupportedError):
        assert issubclass(cls, pgm.Error)
    assert issubclass(pgm.ZeroProbabilityEvidence, pgm.QueryError)
    assert pgm.ModelError("x").file is None and pgm.ModelError("x").line is None


def cli_error(*args):
    """The command line's message for the same failure (stderr without 'pgm: error: ')."""
    cli = cli_path()
    if cli is None:
        return None
    r = subprocess.run([str(cli), *map(str, args)], capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    return r.stderr.strip().removeprefix("pgm: error: ")


def test_model_error_with_position(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ntype: bayesian-network\nvariables:\n  A: [a, b]\ncpds:\n  A:\n    probabilities: [0.5, 0.6]\n")
    with pytest.raises(pgm.ModelError) as e:
        pgm.load(bad)
    assert e.value.file == str(bad) and e.value.line == 7 and isinstance(e.value.column, int)
    assert "sums to 1.1" in str(e.value)
    want = cli_error("marginals", bad)
    if want is not None:
        assert str(e.value) == want


def test_model_error_from_dict_names_the_line():
    spec = copy.deepcopy(SPRINKLER)
    spec["cpds"]["Rain"]["probabilities"]["summer"] = [0.9, 0.2]
    with pytest.raises(pgm.ModelError) as e:
        pgm.from_dict(spec)
    assert e.value.file == "<dict>"
    assert "Rain" in str(e.value)
    line = pgm.to_yaml(spec).splitlines()[e.value.line - 1]
    assert "0.2" in line and "summer" in line


def test_model_error_syntax_and_structure():
    with pytest.raises(pgm.ModelError) as e:
        pgm.loads("name: [unclosed\n", filename="mine.yaml")
    assert e.value.file == "mine.yaml" and e.value.line is not None
    cyclic = copy.deepcopy(SPRINKLER)
    cyclic["cpds"]["Season"] = {"parents": ["Slippery"], "probabilities": {"no": [0.5, 0.5], "yes": [0.5, 0.5]}}
    with pytest.raises(pgm.ModelError, match="cycle"):
        pgm.from_dict(cyclic)
    with pytest.raises(pgm.ModelError):
        pgm.loads("network x { }", format="nope")
    with pytest.raises(pgm.ModelError):  # not a covariance: not positive definite
        pgm.Gaussian(["a", "b"], [0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(pgm.ModelError):  # sizes disagree
        pgm.Gaussian(["a", "b"], [0.0], [[1.0, 0.0], [0.0, 1.0]])


def test_missing_file_is_a_model_error(tmp_path):
    missing = tmp_path / "none.yaml"
    with pytest.raises(pgm.ModelError) as e:
        pgm.load(missing)
    assert str(missing) in str(e.value)
    want = cli_error("marginals", missing)
    if want is not None:
        assert str(e.value) == want


def test_query_errors(sprinkler):
    with pytest.raises(pgm.QueryError, match="Nope"):
        sprinkler.query(["Nope"])
    with pytest.raises(pgm.QueryError, match="maybe"):
        sprinkler.marginals(evidence={"Rain": "maybe"})
    with pytest.raises(pgm.QueryError):
        sprinkler.marginals(method="magic")
    with pytest.raises(pgm.QueryError):
        sprinkler.blanket("Nope")
    with pytest.raises(pgm.QueryError):
        sprinkler.independent(["Rain"], ["Rain"])
    with pytest.raises(pgm.QueryError):  # Gaussian operations on a discrete model
        sprinkler.condition({"Rain": 1.0})
    with pytest.raises(pgm.QueryError):
        sprinkler.mahalanobis({"Rain": 1.0})
    g = pgm.load(MODELS / "bivariate.yaml")
    with pytest.raises(pgm.QueryError):  # not a full point
        g.mahalanobis({"X1": 1.0})
    with pytest.raises(pgm.QueryError):
        g.condition({"X3": 1.0})
    with pytest.raises(pgm.QueryError):
        g.condition({"X1": float("nan")})


def test_zero_probability_evidence(sprinkler):
    ev = {"WetGrass": "dry", "Slippery": "yes"}
    for call in (lambda: sprinkler.marginals(evidence=ev), lambda: sprinkler.joint(["Rain"], evidence=ev),
                 lambda: sprinkler.query(["Rain"], evidence=ev, method="ve")):
        with pytest.raises(pgm.ZeroProbabilityEvidence) as e:
            call()
        assert isinstance(e.value, pgm.QueryError)
    want = cli_error("marginals", MODELS / "sprinkler.yaml", "--given", "WetGrass=dry,Slippery=yes")
    if want is not None:
        with pytest.raises(pgm.ZeroProbabilityEvidence) as e:
            sprinkler.marginals(evidence=ev)
        assert str(e.value) == want


def test_limit_error(sprinkler):
    with pytest.raises(pgm.LimitError):
        sprinkler.marginals(method="jt", max_memory=8)
    # Variable elimination does not take a memory limit yet (a query-API gap): only the tree is checked.
    assert sprinkler.marginals(max_memory=2**70)["Rain"]["yes"] == pytest.approx(0.52, abs=1e-15)


def test_numerical_error():
    g = pgm.load(MODELS / "mahalanobis.yaml")
    # log-density below the double range: the command line's exit 6 and message.
    with pytest.raises(pgm.NumericalError) as e:
        g.log_density({"X1": 1e300, "X2": 0.0})
    assert "8.66e+299" in str(e.value)


@pytest.mark.xfail(reason="query-API gap: the command line adds 'about -3.75e+599' to the library's message", strict=False)
def test_numerical_error_message_is_the_command_lines():
    g = pgm.load(MODELS / "mahalanobis.yaml")
    want = cli_error("score", MODELS / "mahalanobis.yaml", "--point", "X1=1e300,X2=0")
    if want is None:
        pytest.skip("the pgm command line is not built")
    with pytest.raises(pgm.NumericalError) as e:
        g.log_density({"X1": 1e300, "X2": 0.0})
    assert str(e.value) == want


def test_unsupported_error():
    with pytest.raises(pgm.UnsupportedError):
        pgm.from_dict(MISCONCEPTION).sample(10, seed=1)


@pytest.mark.parametrize("call", [
    lambda m: m.marginals(evidence=5),
    lambda m: m.marginals(evidence={"Rain": object()}),
    lambda m: m.marginals(evidence={3: "yes"}),
    lambda m: m.marginals(evidence={"Rain": "yes", "Season": 1.0}),
    lambda m: m.query(5),
    lambda m: m.query([1, 2]),
    lambda m: m.joint(None),
    lambda m: m.conditional(1, given="Season"),
    lambda m: m.independent(["Rain"], [3]),
    lambda m: m.blanket(None),
    lambda m: m.marginals(max_memory="1G"),
    lambda m: m.sample("ten"),
    lambda m: m.marginals(method=None),
    lambda m: pgm.load(5),
    lambda m: pgm.loads(5),
    lambda m: pgm.from_dict([1, 2]),
    lambda m: pgm.from_dict({"name": object()}),
    lambda m: pgm.Gaussian("X", [0.0], [[1.0]]),
    lambda m: pgm.Gaussian(["X"], "zero", [[1.0]]),
    lambda m: pgm.Gaussian(["X"], np.zeros((2, 2, 2)), [[1.0]]),
])
def test_wrong_python_types_raise_type_errors(sprinkler, call):
    with pytest.raises((TypeError, ValueError)):
        call(sprinkler)


@pytest.mark.parametrize("call", [
    lambda m: m.sample(-1),
    lambda m: m.sample(5, seed=-1),
    lambda m: m.marginals(max_memory=-1),
    lambda m: m.answer(shape="cube"),
])
def test_bad_values_raise_value_errors(sprinkler, call):
    with pytest.raises(ValueError):
        call(sprinkler)


def test_odd_but_well_typed_calls_never_crash(sprinkler):
    g = pgm.load(MODELS / "bivariate.yaml")
    calls = [
        lambda: sprinkler.query([]),
        lambda: sprinkler.joint([]),
        lambda: sprinkler.joint(["Rain", "Rain"]),
        lambda: sprinkler.conditional("Rain", given="Rain"),
        lambda: sprinkler.conditional("Rain", given="Nope"),
        lambda: sprinkler.independent([], []),
        lambda: sprinkler.marginals(evidence={"": ""}),
        lambda: sprinkler.sample(5, evidence={"WetGrass": "dry", "Slippery": "yes"}),
        lambda: g.marginals(evidence={"X1": 1.0, "X2": 2.0}),
        lambda: g.condition({"X1": 1.0, "X2": 2.0}),
        lambda: g.condition({}),
        lambda: g.sample(3, evidence={"X2": 1e308}),
        lambda: g.joint(["X1"]),
        lambda: g.conditional("X1", given="X2"),
        lambda: g.blanket("X1"),
        lambda: pgm.loads(""),
        lambda: pgm.loads("\x00\xff"),
        lambda: pgm.from_dict({}),
        lambda: pgm.from_dict({"type": "gaussian", "variables": ["X"], "mean": [float("nan")], "covariance": [[1.0]]}),
        lambda: pgm.Gaussian([], [], np.zeros((0, 0))),
    ]
    for call in calls:
        try:
            call()
        except pgm.Error:
            pass
