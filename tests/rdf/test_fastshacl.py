"""The fast SHACL validator gives pyshacl's verdict and pyshacl's results.

Every example graph under ``tests/shapes/`` and the seed graph (with mutated copies of it) is
validated twice: by pyshacl exactly as the build calls it, and by ``citybrand_kg.fastshacl``. The
verdicts must agree and so must the results: the set of (focus node, result path, source shape)
and, stricter, the multiset of (focus node, result path, source shape, constraint component, value).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SH

from citybrand_kg.rdf.fastshacl import (
    FastReport,
    FastValidator,
    UnsupportedShapeError,
    default_validator,
    validate_fast,
)
from citybrand_kg.rdf.files import load_ontology, load_shapes

EXAMPLES = sorted((Path(__file__).parent / "shapes").glob("*/*.ttl"))
CBO = Namespace("https://w3id.org/citybrand-kg/ontology#")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # open: pytest probes module attributes

Key = tuple[object, object, object, object, object]


def pyshacl_keys(report: Graph) -> Counter[Key]:
    return Counter(
        (report.value(r, SH.focusNode), report.value(r, SH.resultPath), report.value(r, SH.sourceShape),
         report.value(r, SH.sourceConstraintComponent), report.value(r, SH.value))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    )


def fast_keys(report: FastReport) -> Counter[Key]:
    return Counter((r.focus, r.path, r.shape, r.component, r.value) for r in report.results)


def assert_same_as_pyshacl(graph: Graph) -> FastReport:
    """Both validators agree on ``graph``; returns the fast report."""
    conforms, report, text = validate(graph, shacl_graph=load_shapes(), ont_graph=load_ontology(),
                                      inference="none", advanced=True, allow_warnings=True)
    assert isinstance(report, Graph), text
    fast = validate_fast(graph)
    assert fast.conforms == conforms, text
    want, got = pyshacl_keys(report), fast_keys(fast)
    assert {k[:3] for k in got} == {k[:3] for k in want}, text
    assert got == want, f"only pyshacl: {want - got}\nonly fast: {got - want}"
    ntriples = graph.serialize(format="nt")
    assert fast_keys(validate_fast(ntriples)) == got, "N-Triples input differs"
    by_triples = default_validator().validate_triples(list(graph), ntriples.encode())
    assert fast_keys(by_triples) == got, "triples input (the batch path) differs"
    assert pyshacl_keys(fast.to_rdf()) == got
    assert list(fast.to_rdf().objects(None, SH.conforms)) == [Literal(fast.conforms)]
    return fast


def test_the_example_folders_are_globbed() -> None:
    assert len(EXAMPLES) >= 100, EXAMPLES
    assert {path.parent.name for path in EXAMPLES} == {"conforms", "violates"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_example_same_as_pyshacl(path: Path) -> None:
    report = assert_same_as_pyshacl(Graph().parse(path, format="turtle"))
    assert report.conforms == (path.parent.name == "conforms")


# ---------------------------------------------------------------------------- the seed graph


@pytest.fixture(scope="module")
def seed(seed_build) -> Graph:
    return Graph().parse(seed_build.outputs["graph"], format="turtle")  # a copy of its own: tests mutate it


def copy(graph: Graph) -> Graph:
    clone = Graph()
    for triple in graph:
        clone.add(triple)
    return clone


def first(graph: Graph, predicate: URIRef, cls: URIRef | None = None) -> tuple:
    """The first (subject, object) of ``predicate``, the subject typed ``cls`` if given."""
    return next((s, o) for s, o in sorted(graph.subject_objects(predicate))
                if cls is None or (s, RDF.type, cls) in graph)


def drop_zh_label(g: Graph) -> None:
    entity, label = next((s, o) for s, o in sorted(g.subject_objects(RDFS.label))
                         if (s, RDF.type, CBO.Event) in g and o.language == "zh")
    g.remove((entity, RDFS.label, label))


def swap_offsets(g: Graph) -> None:
    mention, begin = first(g, NIF.beginIndex, NIF.Phrase)
    end = g.value(mention, NIF.endIndex)
    g.set((mention, NIF.beginIndex, end))
    g.set((mention, NIF.endIndex, begin))


def second_zh_label(g: Graph) -> None:
    entity, _ = first(g, RDFS.label, CBO.Person)
    g.add((entity, RDFS.label, Literal("另一个名字", lang="zh")))


def wrong_datatype(g: Graph) -> None:
    quantity, value = first(g, CBO.value)
    g.set((quantity, CBO.value, Literal(str(value))))  # a plain string instead of xsd:decimal
    sentence, begin = first(g, NIF.beginIndex, NIF.Sentence)
    g.set((sentence, NIF.beginIndex, Literal(int(begin), datatype=XSD.integer)))


def wrong_class_link(g: Graph) -> None:
    document, _ = first(g, CBO.issuedBy)
    person = next(iter(sorted(g.subjects(RDF.type, CBO.Person))))
    g.add((document, CBO.issuedBy, person))  # a person, not an organisation
    mention, _ = first(g, URIRef("http://www.w3.org/2005/11/its/rdf#taIdentRef"))
    g.set((mention, URIRef("http://www.w3.org/2005/11/its/rdf#taIdentRef"), document))


def ill_typed_and_blank(g: Graph) -> None:
    # (An ill-typed nif:endIndex would do, but pyshacl crashes on it in the SPARQL arithmetic.)
    quantity, _ = first(g, CBO.value)
    g.set((quantity, CBO.value, Literal("约540", datatype=XSD.decimal)))
    entity, _ = first(g, RDFS.label, CBO.City)
    g.add((entity, RDFS.label, BNode()))


MUTATIONS = [drop_zh_label, swap_offsets, second_zh_label, wrong_datatype, wrong_class_link,
             ill_typed_and_blank]


def test_seed_same_as_pyshacl(seed: Graph) -> None:
    assert len(seed) > 1000
    assert assert_same_as_pyshacl(seed).conforms


@pytest.mark.parametrize("mutate", MUTATIONS, ids=lambda f: f.__name__)
def test_mutated_seed_same_as_pyshacl(seed: Graph, mutate) -> None:
    graph = copy(seed)
    mutate(graph)
    report = assert_same_as_pyshacl(graph)
    assert not report.conforms
    assert all(len(r.messages) >= 2 for r in report.results)  # the shapes' Chinese and English


def test_merged_documents_same_as_pyshacl(seed: Graph) -> None:
    """Three renamed copies in one graph: each SPARQL check runs once for all documents."""
    base = "https://w3id.org/citybrand-kg/resource/"
    merged = Graph()
    for i in range(3):
        for s, p, o in seed:
            s, o = (URIRef(str(t).replace(base, f"{base}copy{i}/")) if isinstance(t, URIRef) else t
                    for t in (s, o))
            merged.add((s, p, o))
    mention, _ = first(merged, NIF.sentence)
    context = merged.value(mention, NIF.referenceContext)
    other = next(s for s in sorted(merged.subjects(RDF.type, NIF.Sentence))
                 if merged.value(s, NIF.referenceContext) != context)
    merged.set((mention, NIF.sentence, other))  # a mention in a sentence of another document
    report = assert_same_as_pyshacl(merged)
    assert {r.shape.split("#")[-1] for r in report.results} >= {"MentionInSentenceShape"}


# ---------------------------------------------------------------------------- what it refuses


@pytest.mark.parametrize("extra", [
    "ex:S sh:path ( ex:p ex:q ) ; sh:minCount 1 .",
    "ex:S sh:path ex:p ; sh:closed true .",
    "ex:S sh:path ex:p ; sh:minLength 2 .",
    "ex:S sh:rule [ a sh:TripleRule ] .",
])
def test_unsupported_constructs_are_refused_at_compile_time(extra: str) -> None:
    shapes = Graph().parse(data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:PropertyShape ; sh:targetClass ex:C .
        {extra}""", format="turtle")
    with pytest.raises(UnsupportedShapeError):
        FastValidator(shapes, load_ontology())


def test_engine_dependent_sparql_is_refused() -> None:
    """rdflib joins a group lazily, so ?p is bound inside the second FILTER for pyshacl only."""
    shapes = Graph().parse(data='''
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select """
            SELECT $this ?value WHERE {
                VALUES ?p { <http://example.org/p> }
                { ?value <http://example.org/q> $this . FILTER NOT EXISTS { $this ?p ?value } }
            }""" ] .''', format="turtle")
    with pytest.raises(UnsupportedShapeError, match=r"\?p"):
        FastValidator(shapes)


def test_the_project_shapes_compile() -> None:
    validator = FastValidator(load_shapes(), load_ontology())
    assert len(validator.top) >= 50


def test_falling_back_to_pyshacl_is_decided_once_per_process(monkeypatch, caplog) -> None:
    """Shapes the fast engine cannot run are compiled, refused and reported once, not per document."""
    from citybrand_kg.rdf import fastshacl, validation

    calls: list[int] = []

    def refuse() -> None:
        calls.append(1)
        raise fastshacl.UnsupportedShapeError("a construct the engine lacks")

    monkeypatch.setattr(fastshacl, "default_validator", refuse)
    validation._fast_validator.cache_clear()
    try:
        with caplog.at_level("WARNING"):
            verdicts = [_validated_in_pieces(validation.PieceValidation(), 2) for _ in range(3)]
            counted = validation.counted_properties()
    finally:
        validation._fast_validator.cache_clear()
    assert all(v.conforms for v in verdicts)
    assert counted is None  # with pyshacl, every property is taken as counted
    assert len(calls) == 1 and caplog.text.count("falling back to pyshacl") == 1


def _validated_in_pieces(validation, pieces: int):
    for _ in range(pieces):
        validation.add([], [b""])
    return validation.report()
