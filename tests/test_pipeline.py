"""The seed build: conformance, provenance, stable IRIs, byte-identical and golden Turtle."""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF

from citybrand_kg.corpus import BuildSettings, build
from citybrand_kg.rdf.namespaces import CBO, ITSRDF, NIF

SEED = Path(__file__).resolve().parents[1] / "data" / "seed" / "hangzhou_cppcc_292_reply.txt"

GOLDEN = Path(__file__).parent / "golden" / "seed.ttl"


def test_seed_conforms(seed_build) -> None:
    assert seed_build.conforms, seed_build.outputs["validation"].read_text(encoding="utf-8")
    assert not seed_build.failures
    assert seed_build.outputs["validation"].exists()


def test_every_anchor_is_the_slice_of_its_context(seed_graph: Graph) -> None:
    nodes = list(seed_graph.subjects(NIF.anchorOf, None))
    assert len(nodes) > 50
    for node in nodes:
        context = seed_graph.value(node, NIF.referenceContext)
        text = str(seed_graph.value(context, NIF.isString))
        begin = int(seed_graph.value(node, NIF.beginIndex))
        end = int(seed_graph.value(node, NIF.endIndex))
        assert begin < end
        assert text[begin:end] == str(seed_graph.value(node, NIF.anchorOf))


def test_every_mention_links_an_entity_with_one_chinese_label(seed_graph: Graph) -> None:
    from rdflib.namespace import RDFS

    for mention in seed_graph.subjects(ITSRDF.taIdentRef, None):
        entity = seed_graph.value(mention, ITSRDF.taIdentRef)
        labels = [label for label in seed_graph.objects(entity, RDFS.label) if label.language == "zh"]
        assert len(labels) == 1, entity


def test_every_relation_is_traceable_to_its_sentence(seed_graph: Graph) -> None:
    assertions = list(seed_graph.subjects(RDF.type, CBO.Assertion))
    assert len(assertions) >= 40
    for assertion in assertions:
        s, p, o = (seed_graph.value(assertion, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        assert (s, p, o) in seed_graph
        sentence = seed_graph.value(assertion, PROV.wasDerivedFrom)
        assert (sentence, RDF.type, NIF.Sentence) in seed_graph


def test_two_builds_are_byte_identical(seed_build, tmp_path: Path, extractor) -> None:
    again = build([SEED], BuildSettings(out=tmp_path / "again", validate=False, cache=False), extractor)
    for name in ("graph", "dataset"):
        assert again.outputs[name].read_bytes() == seed_build.outputs[name].read_bytes()


def test_iris_are_stable_and_content_addressed(seed_graph: Graph) -> None:
    documents = set(seed_graph.subjects(NIF.isString, None))
    key = hashlib.sha256(SEED.read_text(encoding="utf-8").encode("utf-8")).hexdigest()[:16]  # the text's content address
    assert documents == {URIRef(f"https://w3id.org/citybrand-kg/resource/doc/{key}")}
    assert (URIRef("https://w3id.org/citybrand-kg/resource/country/Q183"), RDF.type, CBO.Country) in seed_graph


def test_golden_turtle(seed_build, request: pytest.FixtureRequest) -> None:
    produced = seed_build.outputs["graph"].read_text(encoding="utf-8")
    if request.config.getoption("--update-golden") or not GOLDEN.exists():
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(produced, encoding="utf-8")
        if not request.config.getoption("--update-golden"):
            pytest.fail(f"{GOLDEN} did not exist; it has been written, check it in")
    expected = GOLDEN.read_text(encoding="utf-8")
    if produced != expected:
        diff = "".join(list(difflib.unified_diff(expected.splitlines(True), produced.splitlines(True), "golden", "produced"))[:80])
        pytest.fail(f"the seed graph differs from {GOLDEN} (rerun with --update-golden if intended):\n{diff}")


def test_base_option_moves_every_resource(tmp_path: Path, extractor) -> None:
    result = build([SEED], BuildSettings(out=tmp_path, base="https://example.org/kg/", validate=False), extractor)
    graph = Graph().parse(result.outputs["graph"], format="turtle")
    subjects = {str(s) for s in graph.subjects() if isinstance(s, URIRef)}
    assert subjects and all(s.startswith("https://example.org/kg/") for s in subjects)
