"""The letter's own facts: who issued the document, whom it answers, which proposal, when.

``letter_mentions`` turns the letter structure (:class:`~citybrand_kg.model.LetterInfo`) into
mentions of the addressee and the issuer; ``document_facts`` gathers what the relation patterns
need to know of the whole document (its city, issuer, only account, news dateline);
``letter_facts`` states ``issuedBy``, ``addressee``, ``respondsTo``, ``proposer``,
``submittedTo``, the proposal's number, session and title, and the document's date. These facts
are scored apart from the relations between things (``bench/evaluate_dev.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from citybrand_kg.extract.entities import clean_label, entity_key, gazetteer_entity
from citybrand_kg.extract.gazetteers import GazetteerEntry
from citybrand_kg.extract.mentions import P_LETTER
from citybrand_kg.extract.recognisers import canonical_body
from citybrand_kg.extract.relations import DocumentFacts
from citybrand_kg.model import (
    DOCUMENT,
    Entity,
    EntityType,
    LetterInfo,
    Mention,
    PlaceContext,
    Relation,
    ResolvedMention,
    Sentence,
    Span,
)

T = EntityType
Expander = Callable[[str], tuple[EntityType, str]]


def _as_written(label: str) -> tuple[EntityType, str]:
    return EntityType.GOVERNMENT_BODY, label


_DATELINE = re.compile(r"\d{1,2}月\d{1,2}日\s*(?:电|讯)")
_FILED = re.compile(r"^[^，,。；;\n]{0,6}?(?:\d{1,2}月\d{1,2}日\s*)?(?:电|讯|消息|报道|记者|通讯员|客户端)|^】")


def letter_mentions(text: str, sentences: tuple[Sentence, ...], letter: LetterInfo, places: PlaceContext, parties: frozenset[str] = frozenset(), expand: Expander = _as_written) -> list[Mention]:
    """Mentions of the addressee and the issuer where the letter's structure names them."""
    out = []

    def add(span: Span | None, type_: EntityType, label: str | None, aliases: tuple[str, ...] = ()) -> None:
        if span is None or not label:
            return
        out.append(Mention(span=span, surface=text[span.begin : span.end], type=type_, label=label, source="letter", sentence=sentence_at(sentences, span), priority=P_LETTER, aliases=aliases))

    if letter.addressee:
        add(letter.addressee_span, addressee_type(letter, parties), letter.addressee)
    for name, span in letter.co_addressees:
        add(span, T.PERSON, name)
    if letter.proposer:
        add(letter.proposer_span, T.PERSON, letter.proposer)
    if letter.issuer:
        short = canonical_body(letter.issuer, places)
        type_, full = expand(short)
        add(letter.issuer_span, type_, full, (short,) if full != short else ())
    return out


def document_facts(norm: str, letter: LetterInfo, places: PlaceContext, city_entry: GazetteerEntry | None, entities: list[Entity], linked: list[tuple[ResolvedMention, EntityType]], suffix_platforms: tuple[tuple[str, Entity], ...], expand: Expander = _as_written, brand_places: Mapping[str, GazetteerEntry] | None = None) -> DocumentFacts:
    """What the relation patterns know of the whole document; ``brand_places``: the place each brand
    label's own words name (好客山东 → 山东省)."""
    city = gazetteer_entity(city_entry).key if city_entry is not None else None
    issuer = entity_key(*expand(canonical_body(letter.issuer, places))) if letter.issuer else None
    accounts = [e.key for e in entities if e.type is T.ACCOUNT]
    suffixes = tuple((suffix, entity.key) for suffix, entity in suffix_platforms)
    publishers = dateline_outlets(norm, linked) + header_publishers(norm, letter, linked)
    named = tuple((brand, gazetteer_entity(place).key) for brand, place in (brand_places or {}).items())
    return DocumentFacts(city=city, issuer=issuer, single_account=accounts[0] if len(accounts) == 1 else None, platform_suffixes=suffixes, dateline_outlets=publishers, brand_places=named)


def dateline_outlets(norm: str, linked: list[tuple[ResolvedMention, EntityType]]) -> tuple[tuple[str, Span], ...]:
    """The outlets that filed a news story: named in the dateline (中新网宁波3月2日电, 齐鲁网·闪电新闻4月13日讯,
    【某报讯】, 国际在线消息(记者 …)) or in a byline (（某日报记者 …）, 某网通讯员 …), in the first lines."""
    head = norm[: min(len(norm), 600)]
    lines_end = [m.end() for m in re.finditer(r"\n", head)][:5]
    limit = lines_end[-1] if len(lines_end) >= 5 else len(head)
    out = []
    for m, type_ in linked:
        if type_ is not T.MEDIA_OUTLET or m.span.begin >= limit:
            continue
        after = norm[m.span.end : m.span.end + 12]
        line_start = norm.rfind("\n", 0, m.span.begin) + 1
        dateline = _DATELINE.search(norm, m.span.end, norm.find("\n", m.span.end) if "\n" in norm[m.span.end :] else len(norm))
        if _FILED.match(after) or (dateline is not None and line_start <= m.span.begin and not norm[m.span.end : dateline.start()].count("。")):
            out.append((m.entity, m.span))
    return tuple(dict.fromkeys(out))


def header_publishers(norm: str, letter: LetterInfo, linked: list[tuple[ResolvedMention, EntityType]]) -> tuple[tuple[str, Span], ...]:
    """Who published the text by its header: the body or outlet on a 来源：line, and, in a report
    without a dateline, the body its title opens with (某市外办:…, 某市友协多措并举…)."""
    out = []
    if letter.source_span is not None:
        out += [(m.entity, m.span) for m, type_ in linked if type_.is_organization and letter.source_span.contains(m.span)]
    if not letter.is_reply and letter.title_span is not None and _DATELINE.search(norm[:600]) is None:
        first = [(m, type_) for m, type_ in linked if m.span.begin == letter.title_span.begin]
        out += [(m.entity, m.span) for m, type_ in first if type_ in (T.GOVERNMENT_BODY, T.ORGANIZATION)]
    return tuple(out)


def letter_facts(doc_key: str, sentences: tuple[Sentence, ...], letter: LetterInfo, places: PlaceContext, facts: DocumentFacts, parties: frozenset[str] = frozenset()) -> tuple[list[Entity], list[Relation]]:
    """The proposal and the body it went to (entities), and the letter's own relations."""
    entities: list[Entity] = []
    relations: list[Relation] = []

    def rel(subject: str, predicate: str, obj: str, span: Span | None, rule: str, **kw: object) -> None:
        index = sentence_at(sentences, span) if span else 0
        relations.append(Relation(subject=subject, predicate=predicate, object=obj, sentence=index, rule=rule, **kw))  # type: ignore[arg-type]

    if letter.issuer and facts.issuer:
        rel(DOCUMENT, "issuedBy", facts.issuer, letter.issuer_span, "letter:issuer")
    for outlet, dateline in facts.dateline_outlets:
        rel(DOCUMENT, "issuedBy", outlet, dateline, "news:dateline")
    if letter.date:
        rel(DOCUMENT, "date", letter.date, letter.date_span, "letter:date", literal=True, datatype="date")
    if facts.city:  # the place the document speaks for, even when it is only named inside other names
        rel(DOCUMENT, "city", facts.city, letter.issuer_span, "document:place")
    addressee_key = None
    if letter.addressee:
        addressee_key = entity_key(addressee_type(letter, parties), letter.addressee)
        if letter.is_reply:  # the contract: only a Reply has an addressee
            rel(DOCUMENT, "addressee", addressee_key, letter.addressee_span, "letter:addressee")
    if letter.is_reply:
        proposal, span = proposal_entity(doc_key, letter, places)
        entities.append(proposal)
        rel(DOCUMENT, "respondsTo", proposal.key, span, "letter:proposal")
        if letter.proposal_number:
            rel(proposal.key, "proposalNumber", letter.proposal_number, span, "letter:proposal", literal=True, datatype="string")
        if letter.proposal_session:
            rel(proposal.key, "session", letter.proposal_session, span, "letter:proposal", literal=True, datatype="string")
        if letter.proposal_title:
            rel(proposal.key, "title", letter.proposal_title, letter.proposal_title_span, "letter:proposal-title", literal=True, datatype="zh")
        if addressee_key and (addressee_type(letter, parties) is T.PERSON or letter.addressee_role == "代表团") or addressee_key and letter.addressee_role == "机关" and not letter.proposer:
            rel(proposal.key, "proposer", addressee_key, letter.addressee_span, "letter:proposer")
        if letter.proposer:
            rel(proposal.key, "proposer", entity_key(T.PERSON, letter.proposer), letter.proposer_span, "letter:proposer-named")
        for name, co_span in letter.co_addressees:
            rel(DOCUMENT, "addressee", entity_key(T.PERSON, name), co_span, "letter:addressee")
            rel(proposal.key, "proposer", entity_key(T.PERSON, name), co_span, "letter:proposer")
        body = submitted_to(letter, places)
        if body is not None:
            entities.append(Entity(key=entity_key(T.GOVERNMENT_BODY, body), type=T.GOVERNMENT_BODY, label=body))
            rel(proposal.key, "submittedTo", entity_key(T.GOVERNMENT_BODY, body), span, "letter:submitted-to")
    return entities, relations


def addressee_type(letter: LetterInfo, parties: frozenset[str] = frozenset()) -> EntityType:
    """A delegation is an organisation, a body addressed as such a government body (but the committee of
    a party other than the CPC an organisation: ``parties``), anyone else a person."""
    if letter.addressee_role == "机关" and letter.addressee and letter.addressee.startswith(tuple(parties)):
        return T.ORGANIZATION
    return {"代表团": T.ORGANIZATION, "机关": T.GOVERNMENT_BODY}.get(letter.addressee_role or "", T.PERSON)


def proposal_entity(doc_key: str, letter: LetterInfo, places: PlaceContext) -> tuple[Entity, Span | None]:
    """The proposal a reply answers, labelled by its designation (else its title), keyed by its number."""
    number = letter.proposal_number
    span = None
    label = letter.proposal_title or "提案" if letter.proposal_kind == "提案" else letter.proposal_title or "建议"
    if letter.proposal_designation is not None:
        label, span = letter.proposal_designation
    owner = places.city or ""
    key_basis = f"{owner}-{letter.proposal_session or ''}-{letter.proposal_kind}-{number}" if number else f"{doc_key}-{letter.proposal_kind}"
    entity = Entity(key=entity_key(T.PROPOSAL, key_basis), type=T.PROPOSAL, label=clean_label(label))
    return entity, span or letter.proposal_title_span


def submitted_to(letter: LetterInfo, places: PlaceContext) -> str | None:
    """The CPPCC committee or people's congress the proposal went to, when the text names it."""
    if not letter.proposal_body:
        return None
    body = letter.proposal_body
    kind = "政协" if "政协" in body or letter.proposal_kind == "提案" else "人大"
    match = re.match(r"^(?!政协|人大)(?P<p>[\u3400-\u9fff]*?(?:市|省|区|县|州|自治区))(?=政协|人大|第|[一二三四五六七八九十\d]+届)", body)
    own_level = next((level for level in ("市", "州", "盟", "自治区", "省") if places.expand(level)), "市")  # 政协第十四届…: the document's own
    prefix = match.group("p") if match else own_level
    if match is None and (place := re.match(r"^(?:政协|人大)(?P<p>(?!第)[\u3400-\u9fff]{2,8}?)(?=第?[一二三四五六七八九十\d]+届)", body)):
        prefix = place.group("p")  # 政协某州十二届三次会议
        # the place as the document's own levels write it (政协西双版纳… → 西双版纳州政协)
        prefix = next((full for level in ("州", "市", "盟", "县", "区") if (full := places.expand(level)) and full[: -len(level)] == prefix), prefix)
    return canonical_body(prefix + kind, places)


def sentence_at(sentences: tuple[Sentence, ...], span: Span) -> int:
    """The index of the sentence a span starts in (0 when none holds it)."""
    for sentence in sentences:
        if sentence.span.begin <= span.begin < sentence.span.end:
            return sentence.index
    return 0
