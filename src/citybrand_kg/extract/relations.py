"""Sentence patterns over resolved mentions → relations.

``find_relations(clause_view, doc)`` is pure. It reads one sentence's normalised text and its
resolved mentions (each already linked to an entity key) and applies the genre's generic sentence
patterns, clause by clause:

- location: 在X举办Y / Y赴X巡演 / 走进X  (X a place; Y an event, work or organisation)
- country:  X《媒体》 (a country written right before an outlet)
- partner:  与X(、Y)联合举办Z / 与X合作 / 联动  (X organisations)
- organizer: X举办/主办/召开Y
- platform: 在Facebook、推特…开设账号“Y” / “Y”微信公众号、抖音号
- brandOf:  every brand label → the place written before it, or the document's city
- date:     the date written in the event's clause (or inside its name)
- measure:  a figure → the event, account or organisation of its clause, else the sentence's
            event, else the document.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from citybrand_kg.extract.quantities import datatype_of, find_dates
from citybrand_kg.model import (
    DOCUMENT,
    PLACE_TYPES,
    EntityType,
    LetterInfo,
    Relation,
    ResolvedMention,
    Sentence,
    Span,
)

T = EntityType
_CLAUSE_END = re.compile(r"[,，;；:：。!！?？]")
_TO_PLACE = re.compile(r"(?:在|赴|到|于|走进|登陆|前往|出访|落地|亮相|远赴)$")
_PLACE_JOIN = re.compile(r"^[、和及与]?$")
_PARTNER_START = re.compile(r"(?:与|同|携手|联合|和)$")
_PARTNER_VERB = re.compile(r"(联合举办|共同举办|联合主办|合办|举办|主办|承办|推出|合作|战略合作|签订|签署|联动|共建|形成|建立|开展|共同)")
_ORGANIZE = re.compile(r"^\s*(?:成功|先后|共同|联合|积极|精心|还|也|将|已)?(?:举办|主办|承办|召开|举行|发起|组织|策划|开展|推出|启动)(?:了)?")
_ACTORS = (T.ORGANIZATION, T.GOVERNMENT_BODY, T.MEDIA_OUTLET)
_LOCATED = (T.EVENT, T.CREATIVE_WORK, T.ORGANIZATION, T.GOVERNMENT_BODY)
_MEASURED = (T.EVENT, T.ACCOUNT, T.MEDIA_OUTLET, T.ORGANIZATION, T.GOVERNMENT_BODY, T.CREATIVE_WORK)


class Linked(NamedTuple):
    """A resolved mention with what relations need: its span within the sentence, type and key
    (a named tuple: one per mention, compared and hashed often)."""

    begin: int
    end: int
    type: EntityType
    key: str


@dataclass(frozen=True)
class DocumentFacts:
    """What the relation patterns know of the whole document."""

    city: str | None = None  # key of the document's city
    issuer: str | None = None  # key of the issuing body
    single_account: str | None = None  # key of the only account the document names
    platform_suffixes: tuple[tuple[str, str], ...] = ()  # (账号 suffix, platform key)
    dateline_outlets: tuple[tuple[str, Span], ...] = ()  # outlets that filed a news story


_ENDS_WITH_DENG = re.compile(r"等\s*$")  # A、B、C等 (20余家)
_CLAUSE_PUNCT = re.compile(r"[,，;；。:：]")


def document_relations(norm: str, sentences: tuple[Sentence, ...], linked: list[tuple[ResolvedMention, EntityType]], letter: LetterInfo, facts: DocumentFacts) -> list[Relation]:
    """The relations of every sentence that has mentions (dates resolved against the letter's date)."""
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


def sorted_relations(relations: Iterable[Relation]) -> list[Relation]:
    """Each relation once per sentence, ordered by sentence, predicate, subject and object."""
    unique: dict[tuple[str, str, str, int], Relation] = {}
    for r in relations:
        unique.setdefault((r.subject, r.predicate, r.object, r.sentence), r)
    return sorted(unique.values(), key=lambda r: (r.sentence, r.predicate, r.subject, r.object))


def clauses(text: str) -> list[Span]:
    spans, start = [], 0
    for match in _CLAUSE_END.finditer(text):
        spans.append(Span(start, match.end()))
        start = match.end()
    if start < len(text):
        spans.append(Span(start, len(text)))
    return spans


def find_relations(text: str, index: int, linked: Sequence[Linked], dates: Sequence[tuple[Span, list[str]]], doc: DocumentFacts) -> list[Relation]:
    """All relations one sentence states. ``text`` is the normalised sentence; spans are local."""
    found: list[Relation] = []
    country_done: set[str] = set()
    spans = clauses(text)
    for clause in spans:
        inside = [m for m in linked if clause.begin <= m.begin < clause.end]
        found += _country(text, index, inside, country_done)
        found += _location(text, index, inside, country_done)
        found += _partner(text, index, clause, inside, linked, doc)
        found += _organizer(text, index, inside)
        found += _platform(text, index, clause, inside, doc)
    found += _brand_of(index, linked, doc)
    found += _dates(spans, index, linked, dates)
    found += _measures(text, spans, index, linked)
    return _unique(found)


def _rel(subject: str, predicate: str, obj: str, index: int, rule: str, **kw: object) -> Relation:
    return Relation(subject=subject, predicate=predicate, object=obj, sentence=index, rule=rule, **kw)  # type: ignore[arg-type]


def _country(text: str, index: int, inside: list[Linked], done: set[str]) -> list[Relation]:
    """英国《卫报》、《泰晤士报》、法国《世界报》: a country qualifies the outlets after it."""
    out = []
    current: Linked | None = None
    previous: Linked | None = None
    for m in inside:
        if m.type is T.COUNTRY:
            current = m
        elif m.type in _ACTORS and current is not None and previous is not None:
            gap = text[previous.end : m.begin]
            if (previous is current and gap in ("", "《")) or (previous.type is T.MEDIA_OUTLET and re.fullmatch(r"》?[、和及]?《?", gap)):
                out.append(_rel(m.key, "country", current.key, index, "country:place-before-outlet"))
                done.add(m.key)
            else:
                current = None
        else:
            current = None
        previous = m
    return out


def _location(text: str, index: int, inside: list[Linked], skip: set[str]) -> list[Relation]:
    out = [
        _rel(event.key, "location", place.key, index, "location:place-before-name")
        for place, event in itertools.pairwise(inside)
        if place.type is T.COUNTRY and event.type in (T.EVENT, T.CREATIVE_WORK) and place.end == event.begin
    ]
    return out + _cued_locations(text, index, inside, skip)


def _cued_locations(text: str, index: int, inside: list[Linked], skip: set[str]) -> list[Relation]:
    targets = _place_list_after_cue(text, inside)
    if not targets:
        return []
    subjects = [m for m in inside if m.type in _LOCATED and m.key not in skip]
    return [_rel(s.key, "location", p.key, index, "location:cue-place") for s in subjects for p in targets]


def _place_list_after_cue(text: str, inside: list[Linked]) -> list[Linked]:
    """Places introduced by 在/赴/到…, with the places listed after them (赴西班牙、葡萄牙)."""
    targets: list[Linked] = []
    for i, m in enumerate(inside):
        if m.type not in PLACE_TYPES:
            continue
        if _TO_PLACE.search(text[max(0, m.begin - 2) : m.begin]):
            targets.append(m)
            for follower in inside[i + 1 :]:
                if follower.type in PLACE_TYPES and _PLACE_JOIN.match(text[targets[-1].end : follower.begin]):
                    targets.append(follower)
                else:
                    break
    return list(dict.fromkeys(targets))


def _partner(text: str, index: int, clause: Span, inside: list[Linked], linked: Sequence[Linked], doc: DocumentFacts) -> list[Relation]:
    out: list[Relation] = []
    for i, m in enumerate(inside):
        if m.type not in _ACTORS or not _PARTNER_START.search(text[max(clause.begin, m.begin - 2) : m.begin]):
            continue
        partners = [m]
        for follower in inside[i + 1 :]:
            if follower.type in _ACTORS and re.fullmatch(r"[、和及与]?", text[partners[-1].end : follower.begin]):
                partners.append(follower)
            else:
                break
        rest = text[partners[-1].end : clause.end]
        verb = _PARTNER_VERB.search(rest)
        if verb is None:
            continue
        cue_begin = m.begin - len(_PARTNER_START.search(text[max(clause.begin, m.begin - 2) : m.begin]).group(0))  # type: ignore[union-attr]
        subject = _partner_subject(text, cue_begin, clause, inside, linked, partners, doc)
        if subject is None:
            continue
        out += [_rel(subject, "partner", p.key, index, "partner:yu-X-verb") for p in partners if p.key != subject]
    return out


def _partner_subject(text: str, cue_begin: int, clause: Span, inside: list[Linked], linked: Sequence[Linked], partners: list[Linked], doc: DocumentFacts) -> str | None:
    before = [m for m in inside if m.end <= cue_begin and m.type in (*_ACTORS, T.ACCOUNT, T.EVENT)]
    if before and cue_begin - before[-1].end <= 2:
        return before[-1].key
    events = [m for m in linked if m.type is T.EVENT and m.begin >= partners[-1].end]
    if events:
        return events[0].key
    if text[max(clause.begin, cue_begin - 3) : cue_begin].endswith(("账号", "帐号")) and doc.single_account:
        return doc.single_account
    return doc.issuer


def _organizer(text: str, index: int, inside: list[Linked]) -> list[Relation]:
    out = []
    for i, m in enumerate(inside):
        if m.type not in _ACTORS or _PARTNER_START.search(text[max(0, m.begin - 2) : m.begin]):
            continue
        verb = _ORGANIZE.match(text[m.end :])
        if verb is None:
            continue
        events = [e for e in inside[i + 1 :] if e.type is T.EVENT]
        if events:
            out.append(_rel(events[0].key, "organizer", m.key, index, "organizer:X-holds-Y"))
    return out


def _platform(text: str, index: int, clause: Span, inside: list[Linked], doc: DocumentFacts) -> list[Relation]:
    """在Facebook、推特平台开设账号“Y” / “Y”微信公众号、抖音号 / “Y”脸书和推特账号."""
    accounts = [m for m in inside if m.type is T.ACCOUNT]
    out = []
    for account in accounts:
        keys = [p.key for p in inside if p.type is T.PLATFORM and p.end <= account.begin and not re.search(r"号[、,，]", text[p.end : account.begin])]
        tail = _account_tail(text, account.end, clause.end)
        keys += [p.key for p in inside if p.type is T.PLATFORM and account.end <= p.begin < account.end + len(tail)]
        for suffix, platform in doc.platform_suffixes:
            if suffix in tail:
                keys.append(platform)
                tail = tail.replace(suffix, "")
        out += [_rel(account.key, "platform", p, index, "platform:account-on") for p in dict.fromkeys(keys)]
    return out


def _account_tail(text: str, begin: int, end: int) -> str:
    """The words after an account name that say where it is (官方微信号、官方小红书账号)."""
    match = re.match(r"[”》]?[^“”,，;；。]*?(?:账号|帐号|公众号|号)(?:[、和及与][^“”,，;；。]*?(?:账号|帐号|公众号|号))*", text[begin:end])
    return match.group(0) if match else ""


def _brand_of(index: int, linked: Sequence[Linked], doc: DocumentFacts) -> list[Relation]:
    out = []
    for i, m in enumerate(linked):
        if m.type is not T.BRAND_LABEL:
            continue
        owner = next((p.key for p in reversed(linked[:i]) if p.type in (T.CITY, T.REGION)), None) or doc.city
        if owner is not None:
            out.append(_rel(m.key, "brandOf", owner, index, "brandOf:label-of-city"))
    return out


def _dates(spans: list[Span], index: int, linked: Sequence[Linked], dates: Sequence[tuple[Span, list[str]]]) -> list[Relation]:
    out = []
    for m in linked:
        if m.type is not T.EVENT:
            continue
        clause = next((c for c in spans if c.begin <= m.begin < c.end), None)
        chosen = (
            [d for d in dates if m.begin <= d[0].begin < m.end]
            or [d for d in dates if clause and clause.begin <= d[0].begin < clause.end]
            or [d for d in dates if d[0].end <= m.begin][-1:]
        )
        for _span, values in chosen[:1]:
            out += [_rel(m.key, "date", v, index, "date:in-clause", literal=True, datatype=datatype_of(v)) for v in values]
    return out


def _measures(text: str, spans: list[Span], index: int, linked: Sequence[Linked]) -> list[Relation]:
    """A figure belongs to the event or account its sentence is about, else to an outlet or body
    its clause names; the total of an enumeration (A、B、C等20余家) never belongs to its members."""
    out = []
    for i, m in enumerate(linked):
        if m.type is not T.QUANTITY:
            continue
        clause = next(c for c in spans if c.begin <= m.begin < c.end)
        members = _enumerated(text, linked, i)
        before = [s for s in linked[:i] if s not in members] if members else list(linked[:i])
        subject = next((s.key for s in reversed(before) if s.type in (T.EVENT, T.ACCOUNT)), None)
        if subject is None:
            local = [s for s in before if s.type in _MEASURED and clause.begin <= s.begin]
            subject = local[-1].key if local and not members else None
        if subject is None:
            after = [s for s in linked[i + 1 :] if s.type is T.EVENT]
            subject = after[0].key if after and not members else DOCUMENT
        out.append(_rel(subject, "measure", m.key, index, "measure:sentence-subject"))
    return out


def _enumerated(text: str, linked: Sequence[Linked], i: int) -> set[Linked]:
    """The members of the list a figure totals (新浪、搜狐、头条等20余家 → 新浪 搜狐 头条)."""
    quantity = linked[i]
    if not _ENDS_WITH_DENG.search(text[max(0, quantity.begin - 2) : quantity.begin]):
        return set()
    members: set[Linked] = set()
    end = quantity.begin - 1
    for m in reversed(linked[:i]):
        gap = text[m.end : end]
        if len(gap) > 12 or _CLAUSE_PUNCT.search(gap):
            break
        members.add(m)
        end = m.begin
    return members


def _unique(relations: list[Relation]) -> list[Relation]:
    seen: dict[tuple[str, str, str], Relation] = {}
    for r in relations:
        seen.setdefault((r.subject, r.predicate, r.object), r)
    return list(seen.values())
