"""Text blocks: a long document's sentences and letter parts are checked against a block of at most
about 8,000 characters, not against the whole text; a short document has no blocks."""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, SH

from citybrand_kg.model import Span
from citybrand_kg.rdf import mapping as rdf
from citybrand_kg.rdf.namespaces import CBO, NIF
from citybrand_kg.rdf.validation import validate_graph
from citybrand_kg.read.documents import read_document
from tests.conftest import SEED

CBS = Namespace("https://w3id.org/citybrand-kg/shapes#")


def spans(*pairs: tuple[int, int]) -> list[Span]:
    return [Span(b, e) for b, e in pairs]


def test_a_text_no_longer_than_the_limit_has_no_blocks():
    assert rdf.text_blocks(100, spans((0, 50), (50, 100)), [], limit=100) == ()


def test_blocks_tile_the_text_and_start_at_sentences():
    sentences = spans((0, 30), (31, 60), (61, 90), (91, 120), (121, 150))
    blocks = rdf.text_blocks(155, sentences, [], limit=64)
    assert blocks == tuple(spans((0, 61), (61, 121), (121, 155)))


def test_a_sentence_longer_than_the_limit_is_a_block_of_its_own():
    blocks = rdf.text_blocks(200, spans((0, 10), (10, 150), (150, 200)), [], limit=60)
    assert blocks == tuple(spans((0, 10), (10, 150), (150, 200)))


def test_no_block_boundary_falls_inside_a_letter_part():
    sentences = spans((0, 30), (30, 60), (60, 90), (90, 120))
    blocks = rdf.text_blocks(120, sentences, spans((20, 70)), limit=50)
    assert blocks == tuple(spans((0, 90), (90, 120)))


def graph_of(extraction) -> Graph:
    return rdf.extraction_graph(extraction)


def test_the_seed_has_no_blocks(extractor):
    graph = graph_of(extractor.extract(read_document(SEED)))
    assert not set(graph.subjects(RDF.type, CBO.TextBlock))
    assert not set(graph.triples((None, NIF.superString, None)))


def test_each_sentence_and_letter_part_of_a_long_document_lies_in_one_block(long_extraction):
    graph = graph_of(long_extraction)
    text = long_extraction.document.text
    blocks = set(graph.subjects(RDF.type, CBO.TextBlock))
    assert len(blocks) >= 3
    for block in blocks:
        begin, end = (graph.value(block, p).toPython() for p in (NIF.beginIndex, NIF.endIndex))
        assert str(graph.value(block, NIF.anchorOf)) == text[begin:end]
        assert end - begin <= rdf.BLOCK_CHARS
    strings = [*graph.subjects(RDF.type, NIF.Sentence), *graph.subjects(RDF.type, CBO.Section), *graph.subjects(RDF.type, CBO.Commitment)]
    assert len(strings) > 100
    for node in strings:
        (block,) = graph.objects(node, NIF.superString)
        assert block in blocks
        inner = [graph.value(node, p).toPython() for p in (NIF.beginIndex, NIF.endIndex)]
        outer = [graph.value(block, p).toPython() for p in (NIF.beginIndex, NIF.endIndex)]
        assert outer[0] <= inner[0] < inner[1] <= outer[1]


def test_a_long_document_conforms_and_a_wrong_block_anchor_is_reported(long_extraction):
    graph = graph_of(long_extraction)
    assert validate_graph(graph).conforms
    block = sorted(graph.subjects(RDF.type, CBO.TextBlock))[1]
    anchor = str(graph.value(block, NIF.anchorOf))
    graph.set((block, NIF.anchorOf, Literal(anchor[:-1] + "※")))
    report = validate_graph(graph)
    assert not report.conforms
    results = list(report.graph.subjects(RDF.type, SH.ValidationResult))
    assert [(report.graph.value(r, SH.sourceShape), report.graph.value(r, SH.value)) for r in results] == [(CBS.AnchorIsSliceShape, block)]
