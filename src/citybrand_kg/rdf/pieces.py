"""One document's graph in pieces, each written and validated on its own.

A few MB of text give millions of triples; holding them, their N-Triples and the validator's index
at once took gigabytes. ``graph_pieces(extraction, base)`` gives the same triples a piece at a time:

- a document without text blocks (see :func:`citybrand_kg.rdf.mapping.text_blocks`) is one piece,
  its whole graph;
- a longer one gives one piece per run of consecutive blocks of about ``PIECE_CHARS`` characters
  (the blocks, their sentences and letter parts with the document's link to each part, the
  mentions and assertions of those sentences, and the entities first referred to there, with their
  descriptions), then the document node. The extraction's mentions, relations and entities go as
  their piece is built (the caller lets go of the extraction once it has the generator).

A relation's triple goes with its subject when the shapes count that property on a node
(``counted``: ``sh:minCount``, ``sh:maxCount``, qualified counts, ``sh:hasValue``,
``sh:lessThan``), so that each piece counts all of a node's values; any other goes with the first
piece that asserts it. So the document's counted properties (title, date, city …) are counted in
its own piece, and the figures and issuers a long text states about the document, which no shape
counts, spread over the pieces instead of making the document's piece grow with the text.

Each triple of the document's graph is in exactly one piece's ``own``. ``context`` adds the triples
of other pieces that the shapes read when they check ``own``, so that validating ``own + context``
of every piece and merging the results gives what validating the whole graph gives
(``tests/rdf/test_pieces.py`` holds them to it):

- the document's types and text (``rdf:type``, ``nif:isString``): the SPARQL constraints target the
  ``nif:Context`` and slice its text, strings name it as ``nif:referenceContext`` (``sh:class``),
  and relations about the document check its class;
- the whole description of every entity the piece refers to (mention links, subjects and objects of
  relations and assertions) and does not own: the type alone would do for ``sh:class``, but the
  entity shapes then fire on it and would miss its labels;
- the relation triple of each assertion whose relation another piece owns (``AssertionStatedShape``).

A node in the context is thus described as fully as in its own piece for what the shapes count
(no shape requires a relation, which a test checks): the shapes find the same in both, which makes
the merged results duplicates, never new ones. No shape compares nodes with each other across the
graph, and the SPARQL constraints read a document's strings, mentions, assertions and letter parts,
which lie in the piece of their block with what they point to.
"""

from __future__ import annotations

from collections.abc import Container, Iterator
from dataclasses import dataclass, field

from rdflib import URIRef

from citybrand_kg.model import DOCUMENT, Entity, Extraction, Relation, ResolvedMention, Sentence, Span
from citybrand_kg.rdf.mapping import Nodes, Triple, Triples, extraction_triples, letter_parts, used_sentences
from citybrand_kg.rdf.namespaces import NIF, RDF

PIECE_CHARS = 16_000
"""Characters of text per piece of a long document: some 20,000 triples, whose validation takes
about 20 MB. Each piece's context repeats the document's text, so much smaller pieces would spend
more on it than on their own triples."""


@dataclass(frozen=True)
class Piece:
    """Part of one document's graph: ``own`` are its triples, ``context`` the triples of other
    pieces that its validation reads; the pieces so far reach ``end`` characters into the text of
    ``length`` (for progress)."""

    own: list[Triple]
    context: list[Triple]
    end: int
    length: int


def graph_pieces(extraction: Extraction, base: str, counted: Container[URIRef] | None = None, piece_chars: int = PIECE_CHARS) -> Iterator[Piece]:
    """The document's graph as pieces, in order; their ``own`` triples are ``extraction_triples``'s.
    ``counted`` are the properties whose values on a node the shapes count (None: any may be)."""
    nodes = Nodes(extraction, base)
    if not nodes.blocks.spans:
        yield Piece(extraction_triples(extraction, base), [], len(nodes.text), len(nodes.text))
        return
    layout = _Layout(extraction, nodes, piece_chars, counted)
    del extraction  # the layout holds what is left to write
    for number in [*range(1, len(layout.runs) + 1), 0]:
        yield layout.piece(number)


@dataclass
class _Share:
    """What one piece of a long document holds; ``facts`` are the relations whose triples it states."""

    blocks: list[Span] = field(default_factory=list)
    parts: list[tuple[str, Span]] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[ResolvedMention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    facts: list[Relation] = field(default_factory=list)


class _Layout:
    """Which piece each node of a long document's graph belongs to: pieces 1… are the runs of
    blocks, piece 0 (written last) the document node. An entity belongs to the first piece that refers to it, a stated
    relation to its subject's piece, everything else to the piece of its sentence or block."""

    def __init__(self, extraction: Extraction, nodes: Nodes, piece_chars: int, counted: Container[URIRef] | None) -> None:
        self.nodes = nodes
        self.runs = _runs([b.end - b.begin for b in nodes.blocks.spans], piece_chars)
        self._piece_of_block = [number for number, run in enumerate(self.runs, start=1) for _block in run]
        self._sentences = {s.index: s for s in extraction.sentences}
        self._entities = {e.key: e for e in extraction.entities}
        self.owner = self._owners(extraction)
        self.shares = [_Share() for _ in range(len(self.runs) + 1)]
        for sentence in used_sentences(extraction):
            self.shares[self._piece_of(sentence.span)].sentences.append(sentence)
        for kind, span in letter_parts(extraction):
            self.shares[self._piece_of(span)].parts.append((kind, span))
        for span in nodes.blocks.referenced(extraction):
            self.shares[self._piece_of(span)].blocks.append(span)
        for mention in extraction.mentions:
            self.shares[self._piece_of_sentence(mention.sentence)].mentions.append(mention)
        self._fact_piece: dict[tuple[str, ...], int] = {}
        for relation in extraction.relations:
            number = self._piece_of_sentence(relation.sentence)
            self.shares[number].relations.append(relation)
            if counted is None or nodes.predicate(relation) in counted:
                number = self.owner[relation.subject]
            key = _fact_key(relation)
            if number < self._fact_piece.get(key, number + 1):
                self._fact_piece[key] = number
        stated: dict[tuple[str, ...], Relation] = {}
        for relation in extraction.relations:
            stated.setdefault(_fact_key(relation), relation)
        for key, relation in stated.items():
            self.shares[self._fact_piece[key]].facts.append(relation)
        for entity in extraction.entities:
            self.shares[self.owner.get(entity.key, 0)].entities.append(entity)
        document = Triples()
        nodes.document_node(document)
        self._document = [t for t in document if t[1] in (RDF.type, NIF.isString)]

    def _piece_of(self, span: Span) -> int:
        return self._piece_of_block[self.nodes.blocks.index(span)]

    def _piece_of_sentence(self, index: int) -> int:
        return self._piece_of(self._sentences[index].span)

    def _owners(self, extraction: Extraction) -> dict[str, int]:
        """Each entity's piece: the first that refers to it (0 for the document, and for an entity
        that nothing refers to)."""
        owner: dict[str, int] = {DOCUMENT: 0}
        refs = [(m.entity, m.sentence) for m in extraction.mentions]
        refs += [(key, r.sentence) for r in extraction.relations for key in _keys(r)]
        for key, sentence in refs:
            number = self._piece_of_sentence(sentence)
            if number < owner.get(key, number + 1):
                owner[key] = number
        return owner

    def piece(self, number: int) -> Piece:
        """Piece ``number``: its own triples and the context its validation needs."""
        share, nodes = self.shares[number], self.nodes
        self.shares[number] = _Share()  # each piece is built once: let its share go
        own = Triples()
        nodes.write(own, document=number == 0, parts=share.parts, sentences=share.sentences, blocks=share.blocks,
                    entities=share.entities, mentions=share.mentions)
        own.extend(nodes.fact(relation) for relation in share.facts)
        context = Triples(self._document if number else ())
        for relation in share.relations:
            fact = nodes.fact(relation)
            nodes.assertion(own, relation, fact)
            if self._fact_piece[_fact_key(relation)] != number:
                context.add(fact)
        referred = [m.entity for m in share.mentions] + [key for r in [*share.relations, *share.facts] for key in _keys(r)]
        for key in dict.fromkeys(referred):
            if key != DOCUMENT and key in self._entities and self.owner[key] != number:
                nodes.entity(context, self._entities[key])
        end = nodes.blocks.spans[self.runs[number - 1][-1]].end if number else len(nodes.text)
        return Piece(own, list(dict.fromkeys(context)), end, len(nodes.text))


def _fact_key(relation: Relation) -> tuple[str, ...]:
    """What tells the triples that relations state apart (the rule and sentence do not)."""
    return relation.subject, relation.predicate, relation.object, str(relation.literal), str(relation.datatype)


def _keys(relation: Relation) -> tuple[str, ...]:
    """The entities a relation refers to."""
    return (relation.subject,) if relation.literal else (relation.subject, relation.object)


def _runs(lengths: list[int], limit: int) -> list[list[int]]:
    """Consecutive block numbers grouped into runs of at most ``limit`` characters (at least one block each)."""
    runs: list[list[int]] = [[]]
    size = 0
    for index, length in enumerate(lengths):
        if runs[-1] and size + length > limit:
            runs.append([])
            size = 0
        runs[-1].append(index)
        size += length
    return runs


__all__ = ["PIECE_CHARS", "Piece", "graph_pieces"]
