"""The only module that knows the order of the stages.

document → sentences → letter structure and places → mentions → entities → relations
→ :class:`Extraction` → RDF graph → validation.

``Extractor.extract(document)`` is the per-document extractor (pure apart from loading ``data/``
once); ``process_document(path, …)`` takes one file through reading, extraction, RDF and
validation. Batches of files (workers, cache, outputs) are :mod:`citybrand_kg.corpus`'s business.
Each stage is a module of :mod:`citybrand_kg.read`, :mod:`citybrand_kg.extract` or
:mod:`citybrand_kg.rdf`; this one only calls them in order.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from citybrand_kg.errors import InputError
from citybrand_kg.extract.entities import (
    implied_entities,
    link_mentions,
    merge_entities,
    places_named_in_labels,
    suffix_platforms,
)
from citybrand_kg.extract.gazetteers import Lexicon, load_lexicon
from citybrand_kg.extract.letter_facts import document_facts, letter_facts, letter_mentions
from citybrand_kg.extract.mentions import Recognisers, document_mentions
from citybrand_kg.extract.places import document_places
from citybrand_kg.extract.relations import RelationVocabulary, document_relations, sorted_relations
from citybrand_kg.model import Document, Extraction, Token
from citybrand_kg.read.documents import document_key, normalized, read_document
from citybrand_kg.read.letter import read_letter
from citybrand_kg.read.segmenter import Segmenter, shared_dictionary
from citybrand_kg.read.sentences import split_sentences

if TYPE_CHECKING:
    from citybrand_kg.rdf.mapping import Triple
    from citybrand_kg.rdf.pieces import Piece
    from citybrand_kg.rdf.validation import ValidationReport

log = logging.getLogger(__name__)

_HEAD_WORDS = ("government_units", "organization_heads", "event_heads", "media_heads", "units")
"""Vocabularies whose words end names of things, never a person's: jieba tags 宣传部 as a name."""

LONG_TEXT = 100_000
"""Characters above which a document's words are interned as they are cut."""


class Extractor:
    """Holds what is loaded once (gazetteers, patterns, the tokenizer) and extracts documents."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or load_lexicon()
        self._dictionary = shared_dictionary()
        self._heads = frozenset(word for kind in _HEAD_WORDS for word in self.lexicon.word_set(kind))
        self._segmenter = Segmenter(self._dictionary)
        self.recognisers = Recognisers.load(self.lexicon, self.is_word, self._dictionary.is_proper)
        self._suffix_platforms = suffix_platforms(self.lexicon)
        self._parties = self.lexicon.word_set("party_organizations")
        self._relation_words = RelationVocabulary(self.lexicon.pairs("relations"))

    def is_word(self, text: str) -> bool:
        """Is ``text`` a common word of the tokenizer's dictionary (宣传部), not a name (金彦, 王晓东)?"""
        if self._dictionary.frequency(text) < 20:
            return False
        # a name jieba tags nr (three characters) is no common word, unless one of our heads ends it (宣传部, 马拉松)
        return text not in self._dictionary.person_names or any(text[-k:] in self._heads for k in (1, 2, 3))

    def tokens(self, text: str, *, shared: bool = False) -> tuple[Token, ...]:
        return self._segmenter.tokens(text, shared=shared)

    def extract(self, document: Document) -> Extraction:
        text = document.text
        norm = normalized(text)
        doc_key = document_key(text)
        sentences = split_sentences(text)
        letter = read_letter(norm)
        shared = len(text) > LONG_TEXT  # a long text's repeated words held once
        tokens = {s.index: self.tokens(norm[s.span.begin : s.span.end], shared=shared) for s in sentences}
        starts = {s.span.begin + begin for s in sentences for begin in map(itemgetter(0), tokens[s.index])}
        places, city_entry = document_places(norm, letter, self.lexicon, starts)
        del starts  # the tokens and their offsets are the largest things extraction holds: let them go once used
        expand = self.recognisers.names.expand_body
        from_letter = letter_mentions(text, sentences, letter, places, self._parties, expand)
        blocked = (letter.proposal_designation[1],) if letter.proposal_designation else ()
        mentions = document_mentions(text, norm, sentences, tokens, from_letter, self.recognisers, places, blocked)
        del tokens
        entities, linked = link_mentions(doc_key, mentions, self.lexicon)
        named_places = places_named_in_labels(entities, self.lexicon)
        facts = document_facts(norm, letter, places, city_entry, entities, linked, self._suffix_platforms, expand, named_places)
        relations = document_relations(norm, sentences, linked, letter, facts, self._relation_words)
        own_entities, own_relations = letter_facts(doc_key, sentences, letter, places, facts, self._parties)
        own_entities += implied_entities([*relations, *own_relations], city_entry, self._suffix_platforms, {e.key for e in entities}, named_places.values())
        return Extraction(
            document=document,
            doc_key=doc_key,
            sentences=sentences,
            letter=letter,
            entities=tuple(merge_entities([*entities, *own_entities])),
            mentions=tuple(mention for mention, _type in linked),
            relations=tuple(sorted_relations([*own_relations, *relations])),
        )


# --- one document, end to end -------------------------------------------------------------------

@dataclass(frozen=True)
class GraphText:
    """Where a document's graph lies as N-Triples: ``length`` bytes from ``offset`` of the file at
    ``path``. A fresh result's graph is a spool file of its own, which the build removes once it has
    copied it into its outputs; a cached result's is the body of its cache entry. So a result sent
    between processes or kept in the build's queue is a few hundred bytes, whatever the document's size."""

    path: str
    offset: int = 0
    length: int = 0

    def chunks(self) -> Iterator[bytes]:
        """The bytes, a megabyte at a time."""
        with open(self.path, "rb") as handle:
            handle.seek(self.offset)
            left = self.length
            while left > 0:
                chunk = handle.read(min(left, 1 << 20))
                if not chunk:
                    raise OSError(f"{self.path}: ends before the {self.length} bytes of its graph.")
                left -= len(chunk)
                yield chunk

    def lines(self) -> Iterator[bytes]:
        """The N-Triples lines, each with its line feed (the only line break N-Triples leaves unescaped)."""
        rest = b""
        for chunk in self.chunks():
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            yield from (line + b"\n" for line in lines)
        if rest:
            yield rest


@dataclass(frozen=True)
class DocumentResult:
    """What a worker sends back for one file: where its graph's N-Triples are, and a summary."""

    path: str
    source: str
    key: str
    doc_iri: str | None = None
    graph: GraphText | None = None
    entities: tuple[tuple[str, str], ...] = ()  # (entity IRI, class)
    relations: int = 0
    conforms: bool = True
    report: str = ""  # N-Triples of the SHACL report when the graph does not conform
    error: str | None = None
    cached: bool = False


EXTRACTION_SHARE = 0.25
"""About the part of a document's time that extraction takes (the rest is mapping, validating and
writing its graph, piece by piece): what a long document reports as done once it is extracted."""


def process_document(path: Path, key: str, extractor: Extractor, *, spool: Path, base: str | None = None, max_bytes: int = 20 * 1024 * 1024, validate: bool = True,
                     progress: Callable[[float], None] | None = None) -> DocumentResult:
    """Read, extract, map to RDF and validate one file; a file that cannot be read is a result too.

    The graph is written to a new file in the folder ``spool`` and validated a piece at a time
    (:mod:`citybrand_kg.rdf.pieces`), so a long document's graph is never held whole. ``progress``
    is told the fraction of the document done, after extraction and after each piece."""
    try:
        document = read_document(path, max_bytes=max_bytes)
    except InputError as exc:
        return DocumentResult(path=str(path), source=path.name, key=key, error=str(exc))
    with _collector_paused():
        return _processed(document, path, key, extractor, spool, base, validate, progress or _ignore)


def _processed(document: Document, path: Path, key: str, extractor: Extractor, spool: Path, base: str | None, validate: bool, tell: Callable[[float], None]) -> DocumentResult:
    from citybrand_kg.rdf.mapping import document_iri
    from citybrand_kg.rdf.namespaces import CBR
    from citybrand_kg.rdf.pieces import graph_pieces
    from citybrand_kg.rdf.validation import counted_properties

    extraction = extractor.extract(document)
    tell(EXTRACTION_SHARE)
    prefix = base or str(CBR)
    keys = {e.key: e.type.value for e in extraction.entities}
    result = DocumentResult(
        path=str(path),
        source=document.source,
        key=key,
        doc_iri=str(document_iri(extraction, prefix)),
        entities=tuple(sorted((prefix + k, t) for k, t in keys.items())),
        relations=len({(r.subject, r.predicate, r.object) for r in extraction.relations}),
    )
    pieces = graph_pieces(extraction, prefix, counted_properties() if validate else None)
    del extraction  # the pieces let its parts go as they are written
    verdict, graph = _write_graph(pieces, spool, validate, lambda done: tell(EXTRACTION_SHARE + (1 - EXTRACTION_SHARE) * done))
    return replace(result, graph=graph, conforms=verdict is None or verdict.conforms,
                   report="" if verdict is None or verdict.conforms else verdict.graph.serialize(format="nt"))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a document is extracted and its graph written.
    Both make millions of small objects, next to none of them in a cycle, and every full
    collection walked all that was alive (the gazetteers, the extraction) once more: a quarter of
    extraction's time and half of validation's on a long document. What cycles there are wait for
    the collector's next run, after the document."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _write_graph(pieces: Iterator[Piece], spool: Path, validate: bool, progress: Callable[[float], None]) -> tuple[ValidationReport | None, GraphText]:
    """Write a document's graph to a new spool file a piece at a time, validating each piece
    with its context; the file is removed if anything fails."""
    from citybrand_kg.rdf.validation import PieceValidation

    validation = PieceValidation() if validate else None
    handle, name = tempfile.mkstemp(prefix=".spool.", suffix=".nt", dir=spool)
    try:
        with os.fdopen(handle, "wb") as out:
            for piece in pieces:
                own = _ntriples(piece.own)
                out.write(own)
                if validation is not None:
                    validation.add([*piece.own, *piece.context], [own, _ntriples(piece.context)])
                progress(piece.end / piece.length)
                del piece, own  # before the next piece is built: one piece at a time in memory
            size = out.tell()
        return (validation.report() if validation is not None else None), GraphText(name, 0, size)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _ntriples(triples: list[Triple]) -> bytes:
    """Distinct sorted N-Triples lines as UTF-8 (the lines, and then their text, go at once)."""
    from citybrand_kg.rdf.mapping import ntriples_lines

    return "".join(ntriples_lines(triples)).encode("utf-8")


def _ignore(_fraction: float) -> None:
    """No one is watching this document's progress."""


__all__ = ["DocumentResult", "Extractor", "GraphText", "process_document"]
