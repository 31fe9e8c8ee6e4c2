"""m.render() and Model._repr_svg_ (issue 13): the picture read back as XML, the percentages shown
against brute-force enumeration (conftest's plain-Python joints), the formats' signatures."""
import xml.etree.ElementTree as ET

import pytest

import pgm
from conftest import MODELS, SHARED

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    assert isinstance(svg, str)
    return ET.fromstring(svg.encode())


def groups(root, cls):
    return {g.get("id"): g for g in root.iter(SVG + "g") if cls in (g.get("class") or "").split()}


def by_id(root, ident):
    return next(e for e in root.iter() if e.get("id") == ident)


def percent(root, v, s):
    texts = [t.text for t in by_id(root, f"pgm-s-{v}-{s}").iter(SVG + "text")]
    assert texts[-1].endswith("%") and texts[-1][-3] == ".", texts  # one decimal
    return float(texts[-1][:-1])


def test_nodes_titles_and_enumerated_percentages(sprinkler_enum):
    m = pgm.load(str(MODELS / "sprinkler.yaml"))
    evidence = {"WetGrass": "wet"}
    root = parse(m.render(evidence=evidence))
    nodes = groups(root, "node")
    names = list(m.variables)
    assert sorted(nodes) == sorted(f"pgm-v-{v}" for v in range(len(names)))
    for v, name in enumerate(names):
        assert nodes[f"pgm-v-{v}"].find(SVG + "title").text == name
        for s, state in enumerate(m.variables[name]):
            p = sprinkler_enum.marginal(name, evidence)[state]
            assert abs(percent(root, v, s) - 100 * p) <= 0.05 + 1e-9, (name, state)
    assert "pgm-observed" in nodes["pgm-v-3"].get("class").split()
    assert "pgm-observed" not in nodes["pgm-v-2"].get("class").split()


def test_soft_evidence(sprinkler_enum):
    m = pgm.load(str(MODELS / "sprinkler.yaml"))
    root = parse(m.render(soft_evidence={"Rain": [1, 3]}))
    # By hand: P(Rain=yes) = .52, times 3 against .48: 1.56 / 2.04.
    assert percent(root, 2, 1) == 76.5


def test_markov_network_undirected():
    m = pgm.load(str(MODELS / "misconception.yaml"))
    edges = groups(parse(m.render()), "edge")
    assert sorted(g.find(SVG + "title").text for g in edges.values()) == ["A--B", "A--D", "B--C", "C--D"]


def test_formats_and_types():
    m = pgm.load(str(MODELS / "asia.yaml"))
    png = m.render(format="png")
    assert isinstance(png, bytes) and png[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = m.render(format="pdf")
    assert isinstance(pdf, bytes) and pdf[:4] == b"%PDF"
    dot = m.render(format="dot")
    assert isinstance(dot, str) and dot.startswith("digraph")
    assert m._repr_svg_() == m.render()
    with pytest.raises(pgm.QueryError, match="jpg"):
        m.render(format="jpg")


def test_bad_evidence_is_refused():
    m = pgm.load(str(MODELS / "sprinkler.yaml"))
    with pytest.raises(pgm.QueryError, match="maybe"):
        m.render(evidence={"Rain": "maybe"})


def test_gaussian_mean_and_sd():
    m = pgm.load(str(MODELS / "bivariate.yaml"))
    root = parse(m.render(evidence={"X2": 3.0}))
    # X1 | X2 = 3: mean 5/3, variance 4/3 (bivariate.yaml's comment).
    text = "|".join(t.text for t in groups(root, "node")["pgm-v-0"].iter(SVG + "text"))
    assert "1.667 ± 1.155" in text


def test_munin_names_only():
    path = SHARED / "networks" / "bif" / "munin.bif"
    if not path.exists():
        pytest.skip(f"{path} not found")
    m = pgm.load(str(path))
    svg = m._repr_svg_()
    assert len(groups(parse(svg), "node")) == 1041
    assert "pgm-s-" not in svg
