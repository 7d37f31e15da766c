"""The batch path (triples written as N-Triples lines) gives exactly what rdflib writes for the
same document's graph."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, XSD

from citybrand_kg.rdf import mapping as rdf
from citybrand_kg.read.documents import read_document

SEED = Path(__file__).resolve().parents[2] / "data" / "seed" / "hangzhou_cppcc_292_reply.txt"


def rdflib_lines(graph: Graph) -> list[str]:
    return sorted(set(graph.serialize(format="nt").splitlines(keepends=True)) - {"\n"})


def test_seed_lines_equal_rdflib_serialisation(extractor):
    extraction = extractor.extract(read_document(SEED))
    lines = rdf.ntriples_lines(rdf.extraction_triples(extraction))
    assert lines == rdflib_lines(rdf.extraction_graph(extraction))
    assert len(lines) > 500


def test_literals_with_quotes_backslashes_and_breaks_are_escaped_as_rdflib_does():
    node = URIRef("https://w3id.org/citybrand-kg/resource/x")
    objects = [
        Literal('他说“好”和 "ok" \\ 完'),
        Literal("第一行\n第二行\r\n", lang="zh"),
        Literal("12.50", datatype=XSD.decimal),
        Literal(True),
        Literal("2024-05", datatype=XSD.gYearMonth),
    ]
    triples = [(node, RDFS.label, o) for o in objects]
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    assert rdf.ntriples_lines(triples) == rdflib_lines(graph)
    assert Graph().parse(data="".join(rdf.ntriples_lines(triples)), format="nt").isomorphic(graph)
