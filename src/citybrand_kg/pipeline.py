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

import logging
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from citybrand_kg.errors import InputError
from citybrand_kg.extract.entities import implied_entities, link_mentions, merge_entities, suffix_platforms
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

log = logging.getLogger(__name__)


class Extractor:
    """Holds what is loaded once (gazetteers, patterns, the tokenizer) and extracts documents."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or load_lexicon()
        self._dictionary = shared_dictionary()
        self._segmenter = Segmenter(self._dictionary)
        self.recognisers = Recognisers.load(self.lexicon, self.is_word)
        self._suffix_platforms = suffix_platforms(self.lexicon)
        self._parties = self.lexicon.word_set("party_organizations")
        self._relation_words = RelationVocabulary(self.lexicon.pairs("relations"))

    def is_word(self, text: str) -> bool:
        """Is ``text`` a common word of the tokenizer's dictionary (宣传部), not a name (金彦)?"""
        return self._dictionary.frequency(text) >= 20

    def tokens(self, text: str) -> tuple[Token, ...]:
        return self._segmenter.tokens(text)

    def extract(self, document: Document) -> Extraction:
        text = document.text
        norm = normalized(text)
        doc_key = document_key(text)
        sentences = split_sentences(text)
        letter = read_letter(norm)
        tokens = {s.index: self.tokens(norm[s.span.begin : s.span.end]) for s in sentences}
        starts = {s.span.begin + begin for s in sentences for begin in map(itemgetter(0), tokens[s.index])}
        places, city_entry = document_places(norm, letter, self.lexicon, starts)
        expand = self.recognisers.names.expand_body
        from_letter = letter_mentions(text, sentences, letter, places, self._parties, expand)
        blocked = (letter.proposal_designation[1],) if letter.proposal_designation else ()
        mentions = document_mentions(text, norm, sentences, tokens, from_letter, self.recognisers, places, blocked)
        entities, linked = link_mentions(doc_key, mentions, self.lexicon)
        facts = document_facts(norm, letter, places, city_entry, entities, linked, self._suffix_platforms, expand)
        relations = document_relations(norm, sentences, linked, letter, facts, self._relation_words)
        own_entities, own_relations = letter_facts(doc_key, sentences, letter, places, facts, self._parties)
        own_entities += implied_entities([*relations, *own_relations], city_entry, self._suffix_platforms, {e.key for e in entities})
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
class DocumentResult:
    """What a worker sends back for one file: its graph as sorted N-Triples lines and a summary."""

    path: str
    source: str
    key: str
    doc_iri: str | None = None
    ntriples: str = ""
    entities: tuple[tuple[str, str], ...] = ()  # (entity IRI, class)
    relations: int = 0
    conforms: bool = True
    report: str = ""  # N-Triples of the SHACL report when the graph does not conform
    error: str | None = None
    cached: bool = False


def process_document(path: Path, key: str, extractor: Extractor, *, base: str | None = None, max_bytes: int = 20 * 1024 * 1024, validate: bool = True) -> DocumentResult:
    """Read, extract, map to RDF and validate one file; a file that cannot be read is a result too."""
    from citybrand_kg.rdf import mapping as rdf
    from citybrand_kg.rdf.namespaces import CBR

    try:
        document = read_document(path, max_bytes=max_bytes)
    except InputError as exc:
        return DocumentResult(path=str(path), source=path.name, key=key, error=str(exc))
    extraction = extractor.extract(document)
    prefix = base or str(CBR)
    triples = rdf.extraction_triples(extraction, prefix)
    ntriples = "".join(rdf.ntriples_lines(triples))
    conforms, report = True, ""
    if validate:
        from citybrand_kg.rdf.validation import validate_triples

        verdict = validate_triples(triples, ntriples)
        conforms = verdict.conforms
        report = "" if conforms else verdict.graph.serialize(format="nt")
    keys = {e.key: e.type.value for e in extraction.entities}
    return DocumentResult(
        path=str(path),
        source=document.source,
        key=key,
        doc_iri=str(rdf.document_iri(extraction, prefix)),
        ntriples=ntriples,
        entities=tuple(sorted((prefix + k, t) for k, t in keys.items())),
        relations=len({(r.subject, r.predicate, r.object) for r in extraction.relations}),
        conforms=conforms,
        report=report,
    )



__all__ = ["DocumentResult", "Extractor", "process_document"]
