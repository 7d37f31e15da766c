"""A long document's graph in pieces: each triple in exactly one piece, and validating the pieces
(each with its context) gives the results of validating the whole graph, defects included."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from rdflib.namespace import RDF, SH

from citybrand_kg.model import DOCUMENT, Extraction, Relation
from citybrand_kg.rdf import mapping as rdf
from citybrand_kg.rdf.files import load_shapes
from citybrand_kg.rdf.mapping import Nodes
from citybrand_kg.rdf.namespaces import CBO, CBR
from citybrand_kg.rdf.pieces import graph_pieces
from citybrand_kg.rdf.validation import PieceValidation, ValidationReport, counted_properties, validate_graph
from citybrand_kg.read.documents import read_document
from tests.conftest import SEED

BASE = str(CBR)
SMALL = 9_000  # characters of text per piece here: a block or two each, so the long seed gives several pieces


def report_keys(report: ValidationReport) -> Counter:
    graph = report.graph
    return Counter((graph.value(r, SH.focusNode), graph.value(r, SH.resultPath), graph.value(r, SH.sourceShape),
                    graph.value(r, SH.sourceConstraintComponent), graph.value(r, SH.value), frozenset(graph.objects(r, SH.resultMessage)))
                   for r in graph.subjects(RDF.type, SH.ValidationResult))


def whole(extraction: Extraction) -> ValidationReport:
    return validate_graph(rdf.extraction_graph(extraction, BASE))


def piecewise(extraction: Extraction) -> ValidationReport:
    validation = PieceValidation()
    for piece in graph_pieces(extraction, BASE, counted_properties(), SMALL):
        validation.add([*piece.own, *piece.context], ["".join(rdf.ntriples_lines(part)).encode() for part in (piece.own, piece.context)])
    return validation.report()


def assert_same(extraction: Extraction) -> Counter:
    expected, got = whole(extraction), piecewise(extraction)
    assert got.conforms == expected.conforms
    assert report_keys(got) == report_keys(expected)
    return report_keys(got)


def test_a_short_document_is_one_piece(extractor):
    extraction = extractor.extract(read_document(SEED))
    (piece,) = graph_pieces(extraction, BASE)
    assert piece.own == rdf.extraction_triples(extraction, BASE)
    assert piece.context == []
    assert piece.end == len(extraction.document.text)


def test_each_triple_of_a_long_document_is_in_exactly_one_piece(long_extraction):
    pieces = list(graph_pieces(long_extraction, BASE, counted_properties(), SMALL))
    assert len(pieces) >= 4
    owned = [set(piece.own) for piece in pieces]
    assert sum(len(o) for o in owned) == len(set().union(*owned))
    assert set().union(*owned) == set(rdf.extraction_triples(long_extraction, BASE))
    assert all(not (set(p.context) & set(p.own)) for p in pieces)
    ends = [p.end for p in pieces]
    assert ends == sorted(ends) and ends[-1] == pieces[0].length == len(long_extraction.document.text)


def test_piecewise_validation_of_a_conforming_document_equals_whole_validation(long_extraction):
    assert assert_same(long_extraction) == Counter()


def test_a_wrong_anchor_in_one_piece_is_reported_as_by_whole_validation(long_extraction):
    sentences = list(long_extraction.sentences)
    used = {m.sentence for m in long_extraction.mentions}
    index = next(i for i, s in enumerate(sentences) if s.index in used and s.span.begin > 20_000)
    span = sentences[index].span
    sentences[index] = replace(sentences[index], text="※" + sentences[index].text[1:])
    found = assert_same(replace(long_extraction, sentences=tuple(sentences)))
    assert {(key[2].split("#")[-1], str(key[4]).split("#")[-1]) for key in found} == {("AnchorIsSliceShape", f"sentence={span.begin},{span.end}")}


def test_defects_of_entities_and_relations_seen_from_several_pieces_are_reported_once(long_extraction):
    counts = Counter(m.entity for m in long_extraction.mentions)
    key = next(k for k, _n in counts.most_common() if k in {e.key for e in long_extraction.entities})
    entities = tuple(replace(e, label="《" + e.label + "》") if e.key == key else e for e in long_extraction.entities)
    relation = next(r for r in reversed(long_extraction.relations) if not r.literal and key not in (r.subject, r.object) and r.subject != DOCUMENT)
    first, last = long_extraction.relations[0].sentence, long_extraction.relations[-1].sentence
    dates = [Relation(DOCUMENT, "date", year, sentence, "test", literal=True, datatype="gYear") for year, sentence in (("2020", first), ("2024", last))]
    relations = (*long_extraction.relations, replace(relation, predicate="platform", rule="test"), *dates)
    found = assert_same(replace(long_extraction, entities=entities, relations=relations))
    shapes = Counter(k[2].split("#")[-1] for k in found)
    assert shapes["Entity-labelForm"] == 1
    assert shapes["PlatformShape"] == shapes["Platform-range"] == 1
    assert shapes["Document-date"] == 1  # two dates from sentences far apart, counted together


def test_relations_about_the_document_that_no_shape_counts_go_with_their_sentence(long_extraction):
    """So the document node's piece does not grow with the text (a long text states thousands of figures)."""
    pieces = list(graph_pieces(long_extraction, BASE, counted_properties(), SMALL))
    document = rdf.document_iri(long_extraction, BASE)
    figures = [sum(1 for s, p, _o in piece.own if s == document and p == CBO.measure) for piece in pieces]
    assert sum(1 for n in figures if n) > 1 and figures[-1] == 0, figures  # the figures each copy of the letter states
    counted = [sum(1 for s, p, _o in piece.own if s == document and p in counted_properties()) for piece in pieces]
    assert counted[:-1] == [0] * (len(pieces) - 1) and counted[-1]  # title, label …: with the document node, last


def test_no_shape_requires_a_relation():
    """A piece describes an entity it does not own by the triples the mapping writes for the entity,
    without its relations: that is all the shapes count on it as long as none requires a relation
    (``sh:minCount``, ``sh:qualifiedMinCount`` or ``sh:hasValue`` on a relation property)."""
    shapes_graph = load_shapes()
    relation_properties = {Nodes.predicate(Relation("s", name, "o", 0, "r", literal=name in ("date", "proposalNumber", "session", "title")))
                           for name in ("issuedBy", "addressee", "respondsTo", "proposer", "submittedTo", "location", "country", "organizer",
                                        "partner", "platform", "brandOf", "measure", "date", "proposalNumber", "session", "title")}
    required = {shapes_graph.value(shape, SH.path) for p in (SH.minCount, SH.qualifiedMinCount, SH.hasValue) for shape in shapes_graph.subjects(p, None)}
    assert not required & relation_properties
