"""The SHACL shapes under ``shapes/``, checked against small data graphs.

Every file in ``tests/shapes/conforms/`` must conform. Every file in ``tests/shapes/violates/``
must not, and names in its first lines the shapes that must report it, one per line::

    # expect: <https://w3id.org/citybrand-kg/shapes#Mention-beforeEnd>

The results must come from exactly those shapes (``sh:sourceShape``), so each example shows one
rule and trips no other. Validation is called as::

    pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True)

``ont_graph`` mixes the ontology's axioms into (a copy of) the data graph, so ``sh:class`` and
``sh:targetClass`` follow ``rdfs:subClassOf`` (a cbo:GovernmentBody is a cbo:Organization).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from citybrand_kg.rdf.namespaces import CBO
from citybrand_kg.resources import ontology_path, shapes_dir

EXAMPLES = Path(__file__).parent / "shapes"
CONFORMING = sorted((EXAMPLES / "conforms").glob("*.ttl"))
VIOLATING = sorted((EXAMPLES / "violates").glob("*.ttl"))
EXPECT = re.compile(r"^#\s*expect:\s*<?([^<>\s]+)>?\s*$")
INSTANCES = """
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT DISTINCT ?node WHERE { ?node a/rdfs:subClassOf* ?class }
"""


def load_shapes() -> Graph:
    graph = Graph()
    for path in sorted(shapes_dir().glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_path(), format="turtle")


def run_validation(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, Graph, str]:
    conforms, report, text = validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True
    )
    assert isinstance(report, Graph), text
    return bool(conforms), report, text


def expected_shapes(path: Path) -> set[URIRef]:
    expected = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        match = EXPECT.match(line)
        if match:
            expected.add(URIRef(match.group(1)))
    return expected


def reported_shapes(report: Graph) -> set[Node]:
    return {
        shape
        for result in report.subjects(RDF.type, SH.ValidationResult)
        for shape in report.objects(result, SH.sourceShape)
    }


def named_shapes(shapes: Graph) -> set[URIRef]:
    named = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    return {shape for shape in named if isinstance(shape, URIRef)}


# ---------------------------------------------------------------------------- the examples


def test_example_folders_are_populated() -> None:
    assert len(CONFORMING) >= 8, CONFORMING
    assert len(VIOLATING) >= 120, VIOLATING


@pytest.mark.parametrize("path", CONFORMING, ids=lambda path: path.stem)
def test_conforming_example(path: Path, shapes: Graph, ontology: Graph) -> None:
    conforms, _, text = run_validation(Graph().parse(path, format="turtle"), shapes, ontology)
    assert conforms, text


@pytest.mark.parametrize("path", VIOLATING, ids=lambda path: path.stem)
def test_violating_example(path: Path, shapes: Graph, ontology: Graph) -> None:
    expected = expected_shapes(path)
    assert expected, f"{path.name} names no '# expect: <shape>' line"
    conforms, report, text = run_validation(Graph().parse(path, format="turtle"), shapes, ontology)
    assert not conforms, f"{path.name} conforms but should violate {sorted(expected)}"
    assert reported_shapes(report) == expected, text
    for result in report.subjects(RDF.type, SH.ValidationResult):
        messages = list(report.objects(result, SH.resultMessage))
        assert len(messages) >= 2, f"{path.name}: a result without its Chinese and English messages\n{text}"


# ---------------------------------------------------------------------------- the shapes themselves


def test_every_expected_shape_exists(shapes: Graph) -> None:
    known = named_shapes(shapes)
    for path in VIOLATING:
        assert expected_shapes(path) <= known, f"{path.name} expects a shape that does not exist"


def test_every_shape_has_a_violating_example(shapes: Graph) -> None:
    expected = set().union(*(expected_shapes(path) for path in VIOLATING))
    missing = named_shapes(shapes) - expected
    assert not missing, f"shapes without a violating example: {sorted(missing)}"


def test_every_shape_has_messages_in_chinese_and_english(shapes: Graph) -> None:
    for shape in named_shapes(shapes):
        languages = sorted(
            m.language or "" for m in shapes.objects(shape, SH.message) if isinstance(m, Literal)
        )
        assert languages == ["en", "zh"], f"{shape} has messages in {languages}"


def test_every_shape_has_a_target(shapes: Graph) -> None:
    """Shapes carry their own targets: pyshacl checks a property shape reached through sh:property
    once per focus node, but a targeted one once for all of them (much faster on big graphs)."""
    for shape in named_shapes(shapes):
        kinds = {p for p in (SH.targetClass, SH.targetSubjectsOf) if (shape, p, None) in shapes}
        others = {p for p in (SH.targetNode, SH.targetObjectsOf, SH.target) if (shape, p, None) in shapes}
        assert kinds and not others, f"{shape} needs sh:targetClass or sh:targetSubjectsOf targets"


def test_shapes_name_only_declared_ontology_terms(shapes: Graph, ontology: Graph) -> None:
    declared = {str(term) for term in ontology.subjects(RDFS.label, None)}
    used = {
        str(node)
        for triple in shapes
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(str(CBO))
    }
    assert used <= declared, f"undeclared terms in shapes/: {sorted(used - declared)}"


def focus_nodes(shape: URIRef, shapes: Graph, data: Graph) -> Iterator[Node]:
    for cls in shapes.objects(shape, SH.targetClass):
        assert isinstance(cls, URIRef)
        instances = data.query(INSTANCES, initBindings={"class": cls})
        yield from (row[0] for row in instances)  # type: ignore[index]
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        yield from data.subjects(prop, None)


def exercised(shape: URIRef, shapes: Graph, data: Graph) -> bool:
    """Whether ``data`` gives ``shape`` something to check: a focus node, and a value at its path."""
    path = shapes.value(shape, SH.path)
    for node in focus_nodes(shape, shapes, data):
        if path is None or (node, path, None) in data:
            return True
    return False


def test_every_shape_is_exercised_by_a_conforming_example(shapes: Graph, ontology: Graph) -> None:
    examples = [Graph().parse(path, format="turtle") + ontology for path in CONFORMING]
    for shape in named_shapes(shapes):
        path = shapes.value(shape, SH.path)
        assert path is None or isinstance(path, URIRef), f"{shape}: only simple paths are expected"
        assert any(exercised(shape, shapes, data) for data in examples), (
            f"no conforming example gives {shape} anything to check"
        )
