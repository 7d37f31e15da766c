"""Extraction → RDF: entities, relations with their source sentence, NIF mentions, the document.

The layout is documented in ``ontology/README.md``. ``extraction_triples(extraction, base)`` is
pure and deterministic: the same extraction gives the same triples, and no blank nodes are used, so
the serialisation is byte-identical across runs. ``extraction_graph`` puts them in an rdflib graph;
batch builds skip the graph (its store costs more than the mapping itself) and write the triples
with ``ntriples_lines``, line for line what rdflib's N-Triples serialiser writes.

A document longer than ``BLOCK_CHARS`` also gets text blocks (``text_blocks``), so that the shapes
check anchors against a block instead of slicing the whole text; and ``graph_pieces`` gives its
graph in pieces of about ``PIECE_CHARS`` characters of text each, so that a long document is
written and validated a piece at a time (:mod:`citybrand_kg.rdf.pieces` says what a piece holds).
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
from collections.abc import Iterable, Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from citybrand_kg.model import (
    DOCUMENT,
    Entity,
    EntityType,
    Extraction,
    Relation,
    ResolvedMention,
    Sentence,
    Span,
)
from citybrand_kg.rdf.namespaces import CBO, CBR, ITSRDF, NIF, WD, bind_prefixes

_LINK_PREDICATES = {
    "issuedBy": CBO.issuedBy,
    "addressee": CBO.addressee,
    "respondsTo": CBO.respondsTo,
    "proposer": CBO.proposer,
    "submittedTo": CBO.submittedTo,
    "location": CBO.location,
    "country": CBO.country,
    "organizer": CBO.organizer,
    "partner": CBO.partner,
    "platform": CBO.platform,
    "brandOf": CBO.brandOf,
    "measure": CBO.measure,
    "city": CBO.city,
}
_LITERAL_PREDICATES = {"date": CBO.date, "proposalNumber": CBO.proposalNumber, "session": CBO.session, "title": DCTERMS.title}
_DATATYPES = {"gYear": XSD.gYear, "gYearMonth": XSD.gYearMonth, "date": XSD.date}


# Terms looked up once: a namespace attribute builds a new URIRef at every access.
CBO_Assertion = CBO.Assertion
CBO_Document = CBO.Document
CBO_Reply = CBO.Reply
CBO_approximate = CBO.approximate
CBO_documentNumber = CBO.documentNumber
CBO_rule = CBO.rule
CBO_unit = CBO.unit
CBO_value = CBO.value
DCTERMS_format = DCTERMS.format
DCTERMS_source = DCTERMS.source
DCTERMS_title = DCTERMS.title
ITSRDF_taIdentRef = ITSRDF.taIdentRef
NIF_Context = NIF.Context
NIF_Phrase = NIF.Phrase
NIF_Sentence = NIF.Sentence
NIF_anchorOf = NIF.anchorOf
NIF_beginIndex = NIF.beginIndex
NIF_endIndex = NIF.endIndex
NIF_isString = NIF.isString
NIF_referenceContext = NIF.referenceContext
NIF_sentence = NIF.sentence
NIF_superString = NIF.superString
CBO_TextBlock = CBO.TextBlock
OWL_sameAs = OWL.sameAs
PROV_wasDerivedFrom = PROV.wasDerivedFrom
RDF_object = RDF.object
RDF_predicate = RDF.predicate
RDF_subject = RDF.subject
RDF_type = RDF.type
RDFS_label = RDFS.label
SKOS_altLabel = SKOS.altLabel
XSD_decimal = XSD.decimal
XSD_nonNegativeInteger = XSD.nonNegativeInteger


@functools.lru_cache(maxsize=65536)
def _index(offset: int) -> Literal:
    """A code-point offset as a literal (offsets repeat across a document's nodes and documents)."""
    return Literal(offset, datatype=XSD_nonNegativeInteger)


@functools.lru_cache(maxsize=256)
def _cbo(name: str) -> URIRef:
    return CBO[name]


class Iris:
    """IRIs of one document's nodes under a base (``cbr:`` unless ``--base`` says otherwise)."""

    def __init__(self, base: str, doc_key: str) -> None:
        self.base = base
        self.document = URIRef(f"{base}doc/{doc_key}")

    def entity(self, key: str) -> URIRef:
        return self.document if key == DOCUMENT else URIRef(self.base + key)

    def sentence(self, sentence: Sentence) -> URIRef:
        return URIRef(f"{self.document}#sentence={sentence.span.begin},{sentence.span.end}")

    def block(self, span: Span) -> URIRef:
        return URIRef(f"{self.document}#block={span.begin},{span.end}")

    def mention(self, begin: int, end: int) -> URIRef:
        return URIRef(f"{self.document}#char={begin},{end}")

    def assertion(self, relation: Relation, sentence: URIRef) -> URIRef:
        basis = "\x1f".join((relation.subject, relation.predicate, relation.object, str(sentence)))
        return URIRef(f"{self.base}assertion/{hashlib.sha256(basis.encode('utf-8')).hexdigest()[:20]}")


Triple = tuple[URIRef, URIRef, URIRef | Literal]


class Triples(list[Triple]):
    """A list that takes ``add`` as a graph does, so the mapping reads the same either way."""

    add = list.append


def extraction_graph(extraction: Extraction, base: str = str(CBR)) -> Graph:
    graph = bind_prefixes(Graph())
    for triple in extraction_triples(extraction, base):
        graph.add(triple)
    return graph


def extraction_triples(extraction: Extraction, base: str = str(CBR)) -> Triples:
    """Every triple of one document's graph, in mapping order (duplicates possible)."""
    graph, nodes = Triples(), Nodes(extraction, base)
    nodes.write(graph, document=True, parts=letter_parts(extraction), sentences=used_sentences(extraction),
                blocks=nodes.blocks.referenced(extraction), entities=extraction.entities, mentions=extraction.mentions)
    for relation in extraction.relations:
        fact = nodes.fact(relation)
        graph.add(fact)
        nodes.assertion(graph, relation, fact)
    return graph


def used_sentences(extraction: Extraction) -> list[Sentence]:
    """The sentences the graph has a node for: those with a mention or a relation."""
    used = {m.sentence for m in extraction.mentions} | {r.sentence for r in extraction.relations}
    return [s for s in extraction.sentences if s.index in used]


def letter_parts(extraction: Extraction) -> list[tuple[str, Span]]:
    """The letter's sections, suggestions and commitments that have a node: (kind, span)."""
    letter = extraction.letter
    return [(kind, span) for kind, spans in (("section", letter.sections), ("suggestion", letter.suggestions), ("commitment", letter.commitments))
            for span in spans if span.begin < span.end]


# --- text blocks of a long document -------------------------------------------------------------

BLOCK_CHARS = 8_000
"""A document longer than this gets text blocks of at most about this many characters. A block is
sliced out of the document's text by the shapes' anchor check, and its sentences out of it, so the
check costs (number of blocks × text length) + (text length × block length): linear in practice,
and the short letters the project is about get no blocks at all."""


def text_blocks(length: int, sentences: Sequence[Span], parts: Sequence[Span], limit: int = BLOCK_CHARS) -> tuple[Span, ...]:
    """Blocks tiling a text of ``length`` characters when it is longer than ``limit`` (none when not).

    Each block starts where a sentence starts (the first at 0; the last ends at ``length``), so it
    holds whole sentences; it is at most ``limit`` characters unless one sentence or letter part is
    longer; and no block boundary falls inside a letter part, so each sentence and part lies in one
    block. ``sentences`` are in text order."""
    if length <= limit:
        return ()
    inside = _inside(parts)
    cuts, previous = [0], 0
    for begin in (s.begin for s in sentences if s.begin > 0 and not inside(s.begin)):
        if begin - cuts[-1] > limit and previous > cuts[-1]:
            cuts.append(previous)
        previous = begin
    if length - cuts[-1] > limit and previous > cuts[-1]:
        cuts.append(previous)
    return tuple(Span(begin, end) for begin, end in zip(cuts, [*cuts[1:], length], strict=True))


def _inside(parts: Sequence[Span]) -> functools.partial[bool]:
    """A test of whether an offset lies strictly inside one of ``parts`` (merged, so it is one bisection)."""
    merged: list[list[int]] = []
    for span in sorted(parts, key=lambda p: p.begin):
        if merged and span.begin < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], span.end)
        else:
            merged.append([span.begin, span.end])
    return functools.partial(_strictly_inside, [m[0] for m in merged], [m[1] for m in merged])


def _strictly_inside(begins: list[int], ends: list[int], offset: int) -> bool:
    i = bisect.bisect_left(begins, offset) - 1
    return i >= 0 and offset < ends[i]


class Blocks:
    """A document's text blocks (none for a short document) and which block holds an offset."""

    def __init__(self, extraction: Extraction) -> None:
        parts = [span for _kind, span in letter_parts(extraction)]
        self.spans = text_blocks(len(extraction.document.text), [s.span for s in extraction.sentences], parts)
        self._begins = [b.begin for b in self.spans]

    def index(self, span: Span) -> int:
        """The block holding ``span`` (a sentence or letter part); 0 when there are no blocks."""
        return max(0, bisect.bisect_right(self._begins, span.begin) - 1)

    def referenced(self, extraction: Extraction) -> list[Span]:
        """The blocks that hold a sentence of the graph or a letter part, in text order."""
        if not self.spans:
            return []
        spans = [s.span for s in used_sentences(extraction)] + [span for _kind, span in letter_parts(extraction)]
        return [self.spans[i] for i in sorted({self.index(span) for span in spans})]


# --- the nodes ----------------------------------------------------------------------------------

_PARTS = {"section": ("Section", "section"), "suggestion": ("Suggestion", "suggestion"), "commitment": ("Commitment", "commitment")}


class Nodes:
    """Writes the triples of one document's nodes, a node at a time: ``extraction_triples`` writes
    them all, :func:`citybrand_kg.rdf.pieces.graph_pieces` a piece of the document at a time. It
    keeps the document, its letter and sentences, not the extraction's mentions, entities and
    relations, which the pieces let go one piece at a time."""

    def __init__(self, extraction: Extraction, base: str) -> None:
        self.document, self.letter, self.text = extraction.document, extraction.letter, extraction.document.text
        self.iris = Iris(base, extraction.doc_key)
        self.blocks = Blocks(extraction)
        self._sentences = {s.index: s for s in extraction.sentences}
        self._sentence_iris: dict[int, URIRef] = {}

    def write(self, graph: Triples, *, document: bool, parts: Iterable[tuple[str, Span]], sentences: Iterable[Sentence],
              blocks: Iterable[Span], entities: Iterable[Entity], mentions: Iterable[ResolvedMention]) -> None:
        """The nodes of a whole document or of one piece, always in this order."""
        if document:
            self.document_node(graph)
        for kind, span in parts:
            self.letter_part(graph, kind, span)
        for sentence in sentences:
            self.sentence(graph, sentence)
        for span in blocks:
            self.block(graph, span)
        for entity in entities:
            self.entity(graph, entity)
        for mention in mentions:
            self.mention(graph, mention)

    def document_node(self, graph: Triples) -> None:
        doc, letter, document = self.iris.document, self.letter, self.document
        graph.add((doc, RDF_type, CBO_Reply if letter.is_reply else CBO_Document))
        graph.add((doc, RDF_type, NIF_Context))
        graph.add((doc, NIF_isString, Literal(document.text)))
        graph.add((doc, DCTERMS_source, Literal(document.source)))
        graph.add((doc, DCTERMS_format, Literal(document.media_type)))
        if letter.title:
            title = Literal(document.text[letter.title_span.begin : letter.title_span.end] if letter.title_span else letter.title, lang="zh")
            graph.add((doc, DCTERMS_title, title))
            graph.add((doc, RDFS_label, title))  # so that lists and the network name a document
        else:
            graph.add((doc, RDFS_label, Literal(document.source)))
        if letter.document_number:
            graph.add((doc, CBO_documentNumber, Literal(letter.document_number)))

    def letter_part(self, graph: Triples, kind: str, span: Span) -> None:
        """A section heading, a quoted suggestion of the proposer, or a commitment of the reply, and the document's link to it."""
        class_name, predicate = _PARTS[kind]
        node = URIRef(f"{self.iris.document}#{kind}={span.begin},{span.end}")
        graph.add((self.iris.document, _cbo(predicate), node))
        graph.add((node, RDF_type, _cbo(class_name)))
        self._string(graph, node, span, Literal(self.text[span.begin : span.end]))

    def sentence(self, graph: Triples, sentence: Sentence) -> None:
        node = self.sentence_iri(sentence.index)
        graph.add((node, RDF_type, NIF_Sentence))
        self._string(graph, node, sentence.span, Literal(sentence.text))

    def _string(self, graph: Triples, node: URIRef, span: Span, anchor: Literal) -> None:
        """What a sentence and a letter part have in common: offsets, anchor, and the block that holds them."""
        graph.add((node, NIF_referenceContext, self.iris.document))
        graph.add((node, NIF_beginIndex, _index(span.begin)))
        graph.add((node, NIF_endIndex, _index(span.end)))
        graph.add((node, NIF_anchorOf, anchor))
        if self.blocks.spans:
            graph.add((node, NIF_superString, self.iris.block(self.blocks.spans[self.blocks.index(span)])))

    def block(self, graph: Triples, span: Span) -> None:
        node = self.iris.block(span)
        graph.add((node, RDF_type, CBO_TextBlock))
        graph.add((node, NIF_referenceContext, self.iris.document))
        graph.add((node, NIF_beginIndex, _index(span.begin)))
        graph.add((node, NIF_endIndex, _index(span.end)))
        graph.add((node, NIF_anchorOf, Literal(self.text[span.begin : span.end])))

    def mention(self, graph: Triples, mention: ResolvedMention) -> None:
        node = self.iris.mention(mention.span.begin, mention.span.end)
        graph.add((node, RDF_type, NIF_Phrase))
        graph.add((node, NIF_referenceContext, self.iris.document))
        graph.add((node, NIF_beginIndex, _index(mention.span.begin)))
        graph.add((node, NIF_endIndex, _index(mention.span.end)))
        graph.add((node, NIF_anchorOf, Literal(mention.surface)))
        graph.add((node, ITSRDF_taIdentRef, self.iris.entity(mention.entity)))
        graph.add((node, NIF_sentence, self.sentence_iri(mention.sentence)))

    def entity(self, graph: Triples, entity: Entity) -> None:
        node = self.iris.entity(entity.key)
        graph.add((node, RDF_type, _cbo(entity.type.value)))
        graph.add((node, RDFS_label, Literal(entity.label, lang="zh")))
        if entity.label_en:
            graph.add((node, RDFS_label, Literal(entity.label_en, lang="en")))
        for alias in entity.aliases:
            graph.add((node, SKOS_altLabel, Literal(alias, lang=_lang(alias))))
        if entity.wikidata:
            graph.add((node, OWL_sameAs, WD[entity.wikidata]))
        if entity.quantity is not None:
            q = entity.quantity
            graph.add((node, CBO_value, Literal(q.value, datatype=XSD_decimal)))
            if q.unit:
                graph.add((node, CBO_unit, Literal(q.unit)))
            graph.add((node, CBO_approximate, Literal(q.approximate)))

    def fact(self, relation: Relation) -> Triple:
        """The triple a relation states (``?event cbo:location ?place``)."""
        subject, predicate = self.iris.entity(relation.subject), self.predicate(relation)
        if not relation.literal:
            return subject, predicate, self.iris.entity(relation.object)
        obj: Literal
        if relation.datatype == "zh":
            obj = Literal(relation.object, lang="zh")
        elif relation.datatype in _DATATYPES:
            obj = Literal(relation.object, datatype=_DATATYPES[relation.datatype])
        else:
            obj = Literal(relation.object)
        return subject, predicate, obj

    @staticmethod
    def predicate(relation: Relation) -> URIRef:
        return (_LITERAL_PREDICATES if relation.literal else _LINK_PREDICATES)[relation.predicate]

    def assertion(self, graph: Triples, relation: Relation, fact: Triple) -> None:
        """The record of one relation with the sentence it came from."""
        sentence = self.sentence_iri(relation.sentence)
        node = self.iris.assertion(relation, sentence)
        graph.add((node, RDF_type, CBO_Assertion))
        graph.add((node, RDF_subject, fact[0]))
        graph.add((node, RDF_predicate, fact[1]))
        graph.add((node, RDF_object, fact[2]))
        graph.add((node, PROV_wasDerivedFrom, sentence))
        graph.add((node, CBO_rule, Literal(relation.rule)))

    def sentence_iri(self, index: int) -> URIRef:
        found = self._sentence_iris.get(index)
        if found is None:
            found = self._sentence_iris[index] = self.iris.sentence(self._sentences[index])
        return found


def _lang(text: str) -> str:
    return "en" if text.isascii() and any(ch.isalpha() for ch in text) else "zh"


def ntriples_lines(triples: list[Triple]) -> list[str]:
    """Distinct N-Triples lines, sorted; each as rdflib's N-Triples serialiser writes it."""
    written: dict[int, str] = {}  # by object identity: every term stays alive during the call
    get = written.get

    def text(term: URIRef | Literal) -> str:
        if type(term) is URIRef and not _INVALID_IRI.search(term):
            found = f"<{term}>"  # what URIRef.n3() gives a valid IRI, without its slower check
        else:
            found = _literal(term) if isinstance(term, Literal) else term.n3()
        written[id(term)] = found
        return found

    lines = {f"{get(id(s)) or text(s)} {get(id(p)) or text(p)} {get(id(o)) or text(o)} .\n" for s, p, o in triples}
    return sorted(lines)


_INVALID_IRI = re.compile(r'[<>" {}|\\^`]')  # the characters rdflib's URIRef.n3() refuses
_ESCAPED = re.compile(r'[\\\n"\r]')


def _literal(literal: Literal) -> str:
    text = str(literal)
    if _ESCAPED.search(text):
        text = text.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r")
    quoted = f'"{text}"'
    if literal.language:
        return f"{quoted}@{literal.language}"
    return f"{quoted}^^<{literal.datatype}>" if literal.datatype else quoted


def document_iri(extraction: Extraction, base: str = str(CBR)) -> URIRef:
    return Iris(base, extraction.doc_key).document


__all__ = ["BLOCK_CHARS", "Blocks", "EntityType", "Iris", "Nodes", "Triple", "Triples", "document_iri", "extraction_graph", "extraction_triples",
           "letter_parts", "ntriples_lines", "text_blocks", "used_sentences"]
