"""The only module that knows the order of the stages.

document → sentences → letter structure and places → mentions → entities → relations
→ :class:`Extraction` → RDF graph → validation → files.

``Extractor.extract(document)`` is the per-document extractor (pure apart from loading ``data/``
once); ``process_document(path, …)`` takes one file through extraction, RDF and validation.
Batches of files (workers, cache, outputs) are :mod:`citybrand_kg.corpus`'s business.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from operator import itemgetter
from pathlib import Path

from . import letter as letter_stage
from .documents import SUPPORTED_SUFFIXES, normalized, read_document
from .entities import (
    clean_label,
    entity_key,
    gazetteer_entity,
    link_mention,
    merge_entities,
    quantity_entity,
    resolved,
)
from .errors import CitybrandError, InputError
from .gazetteers import GazetteerEntry, Lexicon, load_lexicon
from .mentions import P_LETTER, PlaceContext, SentenceView, find_mentions, resolve_mentions
from .model import (
    Document,
    Entity,
    EntityType,
    Extraction,
    LetterInfo,
    Mention,
    Relation,
    ResolvedMention,
    Sentence,
    Span,
    Token,
)
from .names import NameRules, canonical_body
from .places import document_places
from .quantities import find_dates
from .relations import DOCUMENT, DocumentFacts, Linked, find_relations
from .segmenter import Dictionary, Segmenter, load_dictionary
from .sentences import split_sentences

log = logging.getLogger(__name__)
T = EntityType


# --- the extractor ----------------------------------------------------------------------------

class Extractor:
    """Holds what is loaded once (gazetteers, patterns, the tokenizer) and extracts documents."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or load_lexicon()
        self._dictionary = _dictionary()
        self._segmenter = Segmenter(self._dictionary)
        self.rules = NameRules(self.lexicon, self.is_word)
        # platforms named by an account's suffix (公众号 → 微信), longest suffix first; loaded once
        self._suffix_platforms = tuple(
            (suffix, gazetteer_entity(self.lexicon.entries[pid]))
            for suffix, pid in sorted(self.lexicon.account_suffixes.items(), key=lambda kv: -len(kv[0]))
            if pid in self.lexicon.entries
        )

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
        letter = letter_stage.read_letter(norm)
        tokens = {s.index: self.tokens(norm[s.span.begin : s.span.end]) for s in sentences}
        starts: set[int] = set()  # where the tokenizer starts a word, in document offsets
        for s in sentences:
            starts.update(map(s.span.begin.__add__, map(itemgetter(0), tokens[s.index])))
        places, city_entry = document_places(norm, letter, self.lexicon, starts)
        mentions = sorted(self._mentions(text, norm, sentences, tokens, letter, places), key=lambda m: (m.span.begin, m.span.end))
        entities, resolved_mentions = self._entities(doc_key, mentions)
        facts = self._facts(norm, letter, places, city_entry, entities, resolved_mentions)
        relations = self._relations(norm, sentences, resolved_mentions, entities, letter, facts)
        letter_entities, letter_relations = self._letter_facts(doc_key, norm, sentences, letter, places, facts)
        letter_entities += self._implied_entities(relations, city_entry, facts, {e.key for e in entities})
        entities = merge_entities([*entities, *letter_entities])
        return Extraction(
            document=document,
            doc_key=doc_key,
            sentences=sentences,
            letter=letter,
            entities=tuple(entities),
            mentions=tuple(mention for mention, _type in resolved_mentions),
            relations=tuple(_sorted_relations([*letter_relations, *relations])),
        )

    # --- stages -------------------------------------------------------------------------

    def _implied_entities(self, relations: list[Relation], city_entry: GazetteerEntry | None, facts: DocumentFacts, known: set[str]) -> list[Entity]:
        """Nodes a relation points at without a mention: the document's city (brandOf), a platform
        named only by an account's suffix (“某某”头条号 → 今日头条)."""
        implied = {entity.key: entity for _suffix, entity in self._suffix_platforms}
        if city_entry is not None:
            implied[gazetteer_entity(city_entry).key] = gazetteer_entity(city_entry)
        used = {r.object for r in relations} - known
        return [implied[key] for key in sorted(used) if key in implied]

    def _mentions(self, text: str, norm: str, sentences: tuple[Sentence, ...], tokens: dict[int, tuple[Token, ...]], letter: LetterInfo, places: PlaceContext) -> list[Mention]:
        letter_mentions = _letter_mentions(text, sentences, letter, places)
        found: list[Mention] = []
        for sentence in sentences:
            b, e = sentence.span.begin, sentence.span.end
            view = SentenceView(index=sentence.index, offset=b, text=norm[b:e], original=text[b:e], tokens=tokens[sentence.index])
            candidates = find_mentions(view, self.lexicon, self.rules, places)
            candidates += [m for m in letter_mentions if m.sentence == sentence.index]
            found += resolve_mentions(candidates)
        return found + _repeated_names(text, norm, sentences, found)

    def _entities(self, doc_key: str, mentions: list[Mention]) -> tuple[list[Entity], list[tuple[ResolvedMention, EntityType]]]:
        entities: list[Entity] = []
        linked: list[tuple[ResolvedMention, EntityType]] = []
        for mention in mentions:
            if mention.type is T.QUANTITY:
                if mention.quantity is None:
                    continue
                entity = quantity_entity(doc_key, mention, mention.quantity)
            else:
                entity = link_mention(mention, self.lexicon)
            entities.append(entity)
            linked.append((resolved(mention, entity), entity.type))
        return merge_entities(entities), linked

    def _facts(self, norm: str, letter: LetterInfo, places: PlaceContext, city_entry, entities: list[Entity], linked: list) -> DocumentFacts:
        city = gazetteer_entity(city_entry).key if city_entry is not None else None
        issuer = entity_key(T.GOVERNMENT_BODY, canonical_body(letter.issuer, places)) if letter.issuer else None
        accounts = [e.key for e in entities if e.type is T.ACCOUNT]
        suffixes = tuple((suffix, entity.key) for suffix, entity in self._suffix_platforms)
        return DocumentFacts(city=city, issuer=issuer, single_account=accounts[0] if len(accounts) == 1 else None, platform_suffixes=suffixes, dateline_outlets=_dateline_outlets(norm, linked))

    def _relations(self, norm: str, sentences: tuple[Sentence, ...], linked: list, entities: list[Entity], letter: LetterInfo, facts: DocumentFacts) -> list[Relation]:
        by_sentence: dict[int, list[Linked]] = {}
        for mention, type_ in linked:
            sentence = sentences[mention.sentence]
            by_sentence.setdefault(mention.sentence, []).append(
                Linked(mention.span.begin - sentence.span.begin, mention.span.end - sentence.span.begin, type_, mention.entity)
            )
        out: list[Relation] = []
        for index, items in sorted(by_sentence.items()):
            sentence = sentences[index]
            local = norm[sentence.span.begin : sentence.span.end]
            dates = find_dates(local, letter.date)
            out += find_relations(local, index, sorted(items, key=lambda m: (m.begin, m.end)), dates, facts)
        return out

    def _letter_facts(self, doc_key: str, norm: str, sentences: tuple[Sentence, ...], letter: LetterInfo, places: PlaceContext, facts: DocumentFacts) -> tuple[list[Entity], list[Relation]]:
        entities: list[Entity] = []
        relations: list[Relation] = []

        def rel(subject: str, predicate: str, obj: str, span: Span | None, rule: str, **kw: object) -> None:
            index = _sentence_at(sentences, span) if span else 0
            relations.append(Relation(subject=subject, predicate=predicate, object=obj, sentence=index, rule=rule, **kw))  # type: ignore[arg-type]

        if letter.issuer and facts.issuer:
            rel(DOCUMENT, "issuedBy", facts.issuer, letter.issuer_span, "letter:issuer")
        for outlet, dateline in facts.dateline_outlets:
            rel(DOCUMENT, "issuedBy", outlet, dateline, "news:dateline")
        if letter.date:
            rel(DOCUMENT, "date", letter.date, letter.date_span, "letter:date", literal=True, datatype="date")
        addressee_key = None
        if letter.addressee:
            type_ = _addressee_type(letter)
            addressee_key = entity_key(type_, letter.addressee)
            if letter.is_reply:  # the contract: only a Reply has an addressee
                rel(DOCUMENT, "addressee", addressee_key, letter.addressee_span, "letter:addressee")
        if letter.is_reply:
            proposal, span = _proposal_entity(doc_key, norm, letter, places)
            entities.append(proposal)
            rel(DOCUMENT, "respondsTo", proposal.key, span, "letter:proposal")
            if letter.proposal_number:
                rel(proposal.key, "proposalNumber", letter.proposal_number, span, "letter:proposal", literal=True, datatype="string")
            if letter.proposal_session:
                rel(proposal.key, "session", letter.proposal_session, span, "letter:proposal", literal=True, datatype="string")
            if letter.proposal_title:
                rel(proposal.key, "title", letter.proposal_title, letter.proposal_title_span, "letter:proposal-title", literal=True, datatype="zh")
            if addressee_key and _addressee_type(letter) is T.PERSON:
                rel(proposal.key, "proposer", addressee_key, letter.addressee_span, "letter:proposer")
            body = _submitted_to(letter, places)
            if body is not None:
                entities.append(Entity(key=entity_key(T.GOVERNMENT_BODY, body), type=T.GOVERNMENT_BODY, label=body))
                rel(proposal.key, "submittedTo", entity_key(T.GOVERNMENT_BODY, body), span, "letter:submitted-to")
        return entities, relations


_REPEATABLE = (T.ACCOUNT, T.EVENT, T.BRAND_LABEL, T.CREATIVE_WORK, T.ORGANIZATION, T.GOVERNMENT_BODY, T.MEDIA_OUTLET)


def _repeated_names(text: str, norm: str, sentences: tuple[Sentence, ...], found: list[Mention]) -> list[Mention]:
    """Names the patterns found once (“郑州文旅”公众号), found again where the text repeats them plain."""
    from .gazetteers import SurfaceIndex

    names = {m.label: m for m in found if m.type in _REPEATABLE and m.key is None and len(m.label) >= 3 and m.source != "letter"}
    if not names:
        return []
    index = SurfaceIndex({normalized(label): (label,) for label in names})  # labels are as written; the scan reads the folded copy
    taken: dict[int, list[Span]] = {}
    for m in found:
        taken.setdefault(m.sentence, []).append(m.span)
    extra: list[Mention] = []
    for sentence in sentences:
        b, e = sentence.span.begin, sentence.span.end
        spans = taken.setdefault(sentence.index, [])
        for match in index.find(norm[b:e]):
            span = Span(b + match.begin, b + match.end)
            if any(span.overlaps(other) for other in spans):
                continue
            source = names[match.ids[0]]
            extra.append(replace(source, span=span, surface=text[span.begin : span.end], source="repeat", sentence=sentence.index))
            spans.append(span)
    return extra


_DATELINE = re.compile(r"\d{1,2}月\d{1,2}日\s*(?:电|讯)")


def _dateline_outlets(norm: str, linked: list) -> tuple[tuple[str, Span], ...]:
    """The outlets named in a news dateline (中新网宁波3月2日电, 齐鲁网·闪电新闻4月13日讯)."""
    match = _DATELINE.search(norm[:600])
    if match is None:
        return ()
    line_start = norm.rfind("\n", 0, match.start()) + 1
    return tuple((m.entity, m.span) for m, type_ in linked if type_ is T.MEDIA_OUTLET and line_start <= m.span.begin < match.start())


def _addressee_type(letter: LetterInfo) -> EntityType:
    return {"代表团": T.ORGANIZATION, "机关": T.GOVERNMENT_BODY}.get(letter.addressee_role or "", T.PERSON)


def _letter_mentions(text: str, sentences: tuple[Sentence, ...], letter: LetterInfo, places: PlaceContext) -> list[Mention]:
    out = []

    def add(span: Span | None, type_: EntityType, label: str | None) -> None:
        if span is None or not label:
            return
        out.append(Mention(span=span, surface=text[span.begin : span.end], type=type_, label=label, source="letter", sentence=_sentence_at(sentences, span), priority=P_LETTER))

    if letter.addressee:
        add(letter.addressee_span, _addressee_type(letter), letter.addressee)
    if letter.issuer:
        add(letter.issuer_span, T.GOVERNMENT_BODY, canonical_body(letter.issuer, places))
    return out


_PROPOSAL_REF = re.compile(r"(?:[\u3400-\u9fff]{0,12}?(?:政协|人大)[\u3400-\u9fff\d]{0,16}?)?第?(?P<num>\d{1,7})号(?:提案|建议)")


def _proposal_entity(doc_key: str, norm: str, letter: LetterInfo, places: PlaceContext) -> tuple[Entity, Span | None]:
    number = letter.proposal_number
    span = None
    label = letter.proposal_title or "提案" if letter.proposal_kind == "提案" else letter.proposal_title or "建议"
    if number:
        for match in _PROPOSAL_REF.finditer(norm):
            if match.group("num") == number:
                span = Span(match.start(), match.end())
                label = re.sub(r"^(?:关于)?对", "", match.group(0))
                break
    owner = places.city or ""
    key_basis = f"{owner}-{letter.proposal_session or ''}-{letter.proposal_kind}-{number}" if number else f"{doc_key}-{letter.proposal_kind}"
    entity = Entity(key=entity_key(T.PROPOSAL, key_basis), type=T.PROPOSAL, label=clean_label(label))
    return entity, span or letter.proposal_title_span


def _submitted_to(letter: LetterInfo, places: PlaceContext) -> str | None:
    """The CPPCC committee or people's congress the proposal went to, when the text names it."""
    if not letter.proposal_body:
        return None
    body = letter.proposal_body
    kind = "政协" if "政协" in body or letter.proposal_kind == "提案" else "人大"
    match = re.match(r"^(?P<p>[\u3400-\u9fff]*?(?:市|省|区|县|州|自治区))(?=政协|人大|第|[一二三四五六七八九十\d]+届)", body)
    prefix = match.group("p") if match else "市"
    name = canonical_body(prefix + kind, places)
    return None if name.startswith(("市", "省", "区", "县")) else name


def _sentence_at(sentences: tuple[Sentence, ...], span: Span) -> int:
    for sentence in sentences:
        if sentence.span.begin <= span.begin < sentence.span.end:
            return sentence.index
    return 0


def _sorted_relations(relations: Iterable[Relation]) -> list[Relation]:
    unique: dict[tuple[str, str, str, int], Relation] = {}
    for r in relations:
        unique.setdefault((r.subject, r.predicate, r.object, r.sentence), r)
    return sorted(unique.values(), key=lambda r: (r.sentence, r.predicate, r.subject, r.object))


def document_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


_DICTIONARY: Dictionary | None = None


def _dictionary() -> Dictionary:
    """jieba's dictionary, loaded once per process (from the user's cache after the first run)."""
    global _DICTIONARY
    if _DICTIONARY is None:
        _DICTIONARY = load_dictionary()
    return _DICTIONARY


# --- reading inputs -----------------------------------------------------------------------------

def input_files(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """Files named or found in folders (sorted); missing paths are reported, not raised."""
    files, failures = [], []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in SUPPORTED_SUFFIXES)
            if not found:
                failures.append(f"{path}: the folder holds no .txt, .html or .docx files.")
            files += found
        elif path.exists():
            files.append(path)
        else:
            failures.append(f"{path}: no such file or folder.")
    return files, failures


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
    from . import rdf
    from .namespaces import CBR

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
        from .validation import validate_triples

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



__all__ = ["CitybrandError", "DocumentResult", "Extractor", "document_key", "input_files", "process_document"]
