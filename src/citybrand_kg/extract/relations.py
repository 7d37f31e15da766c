"""Sentence patterns over resolved mentions → relations.

``find_relations(clause_view, doc)`` is pure. It reads one sentence's normalised text and its
resolved mentions (each already linked to an entity key) and applies the genre's generic sentence
patterns, clause by clause:

- location: 在X举办Y / Y赴X巡演 / 走进X  (X a place; Y an event, work or organisation); 出访X…出席Y;
            作为Y的举办城市，X
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

from citybrand_kg.extract.quantities import datatype_of, find_dates, is_partial, with_year
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
from citybrand_kg.wordregex import WordTable

T = EntityType
_QUOTATION = re.compile(r"“[^“”]*”")
_SPEECH_END = re.compile(r"[。!！?？]")
_CLAUSE_END = re.compile(r"[,，;；:：。!！?？]")
_PLACE_JOIN = re.compile(r"^[、和及与]?$")
_ACTORS = (T.ORGANIZATION, T.GOVERNMENT_BODY, T.MEDIA_OUTLET)
_LOCATED = (T.EVENT, T.CREATIVE_WORK)
_MEASURED = (T.EVENT, T.ACCOUNT, T.MEDIA_OUTLET, T.ORGANIZATION, T.GOVERNMENT_BODY, T.CREATIVE_WORK)
_ACTOR_JOIN = re.compile(r"^[》”]?[、,和及与]?[《“]?$")


class RelationVocabulary:
    """The words of the patterns (``data/patterns/relations.tsv``) compiled once."""

    def __init__(self, rows: Iterable[tuple[str, str]]) -> None:
        table = WordTable(rows)
        alt = table.alt
        self.place_cue = re.compile(rf"(?:{alt('place_cue')})了?$")
        self.not_place_cue = re.compile(rf"(?:{alt('not_place_cue')})了?$")
        self.movement_cue = re.compile(rf"(?:{alt('movement_cue')})了?$")
        self.movement_anywhere = re.compile(alt("movement_cue"))
        self.partner_start = re.compile(rf"(?:{alt('partner_start')})$")
        self.partner_verb = re.compile(rf"({alt('partner_verb')})")
        self.organize = re.compile(rf"^\s*(?:{alt('organize_adverb')})?(?:{alt('organize_verb')})(?:了)?")
        self.organize_by = re.compile(rf"(?:{alt('organize_by')})$")
        self.by_verb = re.compile(rf"^(?:等[\u3400-\u9fff]{{0,4}}?)?\s*(?:联合|共同)?(?P<v>{alt('organize_verb')}|{alt('helper_verb')})")
        self.helper_verb = frozenset(table.words.get("helper_verb", ()))
        self.not_measured = re.compile(rf"^(?:{alt('not_measured_after')})")
        self.traveller = re.compile(rf"(?:{alt('traveller_head')})$")
        self.attend = re.compile(rf"(?:{alt('attend_verb')})(?:了)?$")


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
    brand_places: tuple[tuple[str, str], ...] = ()  # (brand label key, key of the place its label names)


_ENDS_WITH_DENG = re.compile(r"等\s*$")  # A、B、C等 (20余家)
_CLAUSE_PUNCT = re.compile(r"[,，;；。:：]")


def document_relations(norm: str, sentences: tuple[Sentence, ...], linked: list[tuple[ResolvedMention, EntityType]], letter: LetterInfo, facts: DocumentFacts, vocabulary: RelationVocabulary) -> list[Relation]:
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
        out += find_relations(local, index, sorted(items, key=lambda m: (m.begin, m.end)), dates, facts, vocabulary)
    return _most_precise_dates(out)


def _most_precise_dates(relations: list[Relation]) -> list[Relation]:
    """An event dated 2023 in one sentence and 2023-05-16 in another has one date, the precise one."""
    dates: dict[str, set[str]] = {}
    for r in relations:
        if r.predicate == "date":
            dates.setdefault(r.subject, set()).add(r.object)
    return [r for r in relations if r.predicate != "date" or not any(o != r.object and o.startswith(r.object + "-") for o in dates[r.subject])]


def sorted_relations(relations: Iterable[Relation]) -> list[Relation]:
    """Each relation once per sentence, ordered by sentence, predicate, subject and object."""
    unique: dict[tuple[str, str, str, int], Relation] = {}
    for r in relations:
        unique.setdefault((r.subject, r.predicate, r.object, r.sentence), r)
    return sorted(unique.values(), key=lambda r: (r.sentence, r.predicate, r.subject, r.object))


def clauses(text: str) -> list[Span]:
    """The sentence cut at commas, semicolons and colons, but not inside a quoted name (“你好，某地”文化周)."""
    names = [q.span() for q in _QUOTATION.finditer(text) if q.end() - q.start() <= 32 and not _SPEECH_END.search(q.group(0))] if "“" in text else []
    spans, start = [], 0
    for match in _CLAUSE_END.finditer(text):
        if names and any(b < match.start() < e for b, e in names):
            continue
        spans.append(Span(start, match.end()))
        start = match.end()
    if start < len(text):
        spans.append(Span(start, len(text)))
    return spans


def find_relations(text: str, index: int, linked: Sequence[Linked], dates: Sequence[tuple[Span, list[str]]], doc: DocumentFacts, vocabulary: RelationVocabulary) -> list[Relation]:
    """All relations one sentence states. ``text`` is the normalised sentence; spans are local."""
    v = vocabulary
    found: list[Relation] = []
    country_done: set[str] = set()
    spans = clauses(text)
    for clause in spans:
        inside = [m for m in linked if clause.begin <= m.begin < clause.end]
        found += _country(text, index, inside, country_done)
        found += _location(text, index, inside, v)
        found += _partner(text, index, clause, inside, linked, doc, v)
        found += _organizer(text, index, inside, v)
        found += _platform(text, index, clause, inside, doc)
    found += _trip_locations(text, index, linked, spans, found, v)
    found += _host_city(text, index, linked)
    found += _organized_by(text, index, linked, v)
    found += _brand_of(text, index, linked, doc)
    found += _dates(text, spans, index, linked, dates)
    found += _measures(text, spans, index, linked, v)
    return _unique(_without_co_organizers(found))


def _without_co_organizers(found: list[Relation]) -> list[Relation]:
    """由A、B和C共同主办的Y: A, B and C organise Y together; none is the other's partner."""
    if not any(r.predicate == "partner" for r in found):
        return found
    organizers: dict[str, set[str]] = {}  # event → its organisers
    for r in found:
        if r.predicate == "organizer":
            organizers.setdefault(r.subject, set()).add(r.object)
    together = {(a, b) for group in organizers.values() for a in group for b in group}
    return [r for r in found if not (r.predicate == "partner" and (r.subject, r.object) in together)]


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


def _location(text: str, index: int, inside: list[Linked], v: RelationVocabulary) -> list[Relation]:
    out = [
        _rel(event.key, "location", place.key, index, "location:place-before-name")
        for place, event in itertools.pairwise(inside)
        if place.type is T.COUNTRY and event.type in (T.EVENT, T.CREATIVE_WORK) and place.end == event.begin
    ]
    out += _cued_locations(text, index, inside, v)
    return out + [  # 扬州举办某某展: a place that holds an event is where it is
        _rel(event.key, "location", place.key, index, "location:place-holds")
        for i, place in enumerate(inside)
        if place.type in PLACE_TYPES and v.organize.match(text[place.end :])
        for event in [e for e in inside[i + 1 :] if e.type is T.EVENT][:1]
    ]


def _cued_locations(text: str, index: int, inside: list[Linked], v: RelationVocabulary) -> list[Relation]:
    """在X举办Y / Y在X举行 / 赴X巡演: the events and works of the clause are where the cue says; a
    delegation or a body that goes (赴X, 访问X, 出访X) is where it goes."""
    out: list[Relation] = []
    for cue_end, targets in _place_lists_after_cue(text, inside, v):
        subjects = [m for m in inside if m.type in _LOCATED]
        out += [_rel(s.key, "location", p.key, index, "location:cue-place") for s in subjects for p in targets]
        if v.movement_cue.search(text[max(0, cue_end - 3) : cue_end]):
            travellers = [m for m in inside if m.type in _ACTORS and m.end <= cue_end and v.traveller.search(text[m.begin : m.end])]
            out += [_rel(s.key, "location", p.key, index, "location:goes-to") for s in travellers[-1:] for p in targets]
    return out


def _trip_locations(text: str, index: int, linked: Sequence[Linked], spans: list[Span], found: list[Relation], v: RelationVocabulary) -> list[Relation]:
    """出访X…, 出席Y和Z: the events a trip's later clauses attend are where the trip went, unless
    their own clause says where they are."""
    if not v.movement_anywhere.search(text):
        return []
    trips = [(begin, targets) for begin, targets in _place_lists_after_cue(text, list(linked), v)
             if v.movement_cue.search(text[max(0, begin - 3) : begin])]
    if not trips:
        return []
    located = {r.subject for r in found if r.predicate == "location"}
    out: list[Relation] = []
    for begin, targets in trips:
        went = {t.key for t in targets}
        trip_clause = next((c for c in spans if c.begin <= begin < c.end), None)
        for clause in spans:
            if trip_clause is None or clause.begin < trip_clause.end:
                continue
            inside = [m for m in linked if clause.begin <= m.begin < clause.end]
            if any(m.type in PLACE_TYPES and m.key not in went for m in inside):
                break  # a clause naming another place: the trip's places stop here
            events = [m for m in inside if m.type is T.EVENT and m.key not in located]
            if events and v.attend.search(text[clause.begin : events[0].begin].rstrip()):
                out += [_rel(e.key, "location", p.key, index, "location:trip-attends") for e in events for p in targets]
    return out


_HOST = re.compile(r"的(?:举办城市|举办地|主办城市|承办城市|东道主城市|东道主)\s*[,，]?\s*")


def _host_city(text: str, index: int, linked: Sequence[Linked]) -> list[Relation]:
    """作为Y的举办城市，X…: the place that follows is where the event Y is held."""
    out: list[Relation] = []
    if "作为" not in text:
        return out
    for i, m in enumerate(linked):
        if m.type is not T.EVENT or not text[max(0, m.begin - 10) : m.begin].rstrip("“《0123456789年第届").endswith("作为"):
            continue
        host = _HOST.match(text, m.end)
        after = linked[i + 1] if i + 1 < len(linked) else None
        if host and after is not None and after.type in PLACE_TYPES and after.begin == host.end():
            out.append(_rel(m.key, "location", after.key, index, "location:host-city"))
    return out


def _place_lists_after_cue(text: str, inside: list[Linked], v: RelationVocabulary) -> list[tuple[int, list[Linked]]]:
    """Places introduced by 在/赴/到…, each with the places listed after it (赴西班牙、葡萄牙); not
    after a word that only ends like a cue (得到美国…的支持)."""
    found: list[tuple[int, list[Linked]]] = []
    taken: set[Linked] = set()
    for i, m in enumerate(inside):
        if m.type not in PLACE_TYPES or m in taken:
            continue
        if v.place_cue.search(text[max(0, m.begin - 3) : m.begin]) and not v.not_place_cue.search(text[max(0, m.begin - 4) : m.begin]):
            targets = [m]
            for follower in inside[i + 1 :]:
                if follower.type in PLACE_TYPES and _PLACE_JOIN.match(text[targets[-1].end : follower.begin]):
                    targets.append(follower)
                else:
                    break
            taken.update(targets)
            found.append((m.begin, targets))
    return found


def _partner(text: str, index: int, clause: Span, inside: list[Linked], linked: Sequence[Linked], doc: DocumentFacts, v: RelationVocabulary) -> list[Relation]:
    out: list[Relation] = []
    for i, m in enumerate(inside):
        if m.type not in _ACTORS:
            continue
        lead = inside[i - 1].begin if i and inside[i - 1].type in PLACE_TYPES and inside[i - 1].end == m.begin else m.begin  # 与越南某大学: the country qualifies the partner
        if not v.partner_start.search(text[max(clause.begin, lead - 2) : lead]):
            continue
        partners = [m]
        last_end = m.end
        for follower in inside[i + 1 :]:
            if follower.key == partners[-1].key and text[last_end : follower.begin] in ("(", "（"):
                last_end = follower.end + 1 if text[follower.end : follower.end + 1] in (")", "）") else follower.end
                continue  # 中国国际电视台(CGTN): the same partner again, in brackets
            if follower.type in _ACTORS and re.fullmatch(r"[、和及与]?", text[last_end : follower.begin]):
                partners.append(follower)
                last_end = follower.end
            else:
                break
        rest = text[last_end : clause.end]
        verb = v.partner_verb.search(rest)
        if verb is None or (text[max(clause.begin, lead - 3) : lead].endswith("由") and v.by_verb.match(rest)):
            continue  # 由A与B联合主办: organizers, not partners
        cue_begin = lead - len(v.partner_start.search(text[max(clause.begin, lead - 2) : lead]).group(0))  # type: ignore[union-attr]
        subject = _partner_subject(text, cue_begin, clause, inside, linked, partners, doc)
        if subject is None:
            continue
        body = next((x.type for x in linked if x.key == subject), T.GOVERNMENT_BODY) is T.GOVERNMENT_BODY  # the issuer is a body
        out += [_rel(subject, "partner", p.key, index, "partner:yu-X-verb") for p in partners
                if p.key != subject and not (body and p.type is T.GOVERNMENT_BODY)]  # two bodies at work together: administration, not partnership
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


def _organizer(text: str, index: int, inside: list[Linked], v: RelationVocabulary) -> list[Relation]:
    """X举办Y, X、Z主办的Y: the actors right before an organising verb organise the next event,
    unless a partner cue opens their list (与甲、乙联合举办)."""
    out = []
    for i, m in enumerate(inside):
        if m.type not in _ACTORS or v.partner_start.search(text[max(0, m.begin - 2) : m.begin]):
            continue
        verb = v.organize.match(text[m.end :])
        if verb is None:
            continue
        events = [e for e in inside[i + 1 :] if e.type is T.EVENT]
        if events:
            actors = _actor_list_ending(text, inside[: i + 1])
            if v.partner_start.search(text[max(0, actors[0].begin - 2) : actors[0].begin]):
                continue  # 联合甲、乙举办: the list after 联合 are partners, the one before it organises
            out += [_rel(events[0].key, "organizer", a.key, index, "organizer:X-holds-Y") for a in actors]
    return out


def _actor_list_ending(text: str, before: list[Linked]) -> list[Linked]:
    """The actors of a list that ends with the last of ``before`` (A、B和C主办: all three)."""
    actors = [before[-1]]
    for m in reversed(before[:-1]):
        if m.type in _ACTORS and _ACTOR_JOIN.match(text[m.end : actors[-1].begin]):
            actors.append(m)
        else:
            break
    return actors[::-1]


def _organized_by(text: str, index: int, linked: Sequence[Linked], v: RelationVocabulary) -> list[Relation]:
    """由A、B和C(等)(联合|共同)主办(的Y), then 'D、E承办': the lists before the verbs organise the event
    (Y after 的, else the event the sentence names before 由, else the first after); a helper
    (协办, 协助举办) is a partner."""
    out: list[Relation] = []
    for i, m in enumerate(linked):
        if m.type not in _ACTORS or not v.organize_by.search(text[max(0, m.begin - 1) : m.begin]):
            continue
        groups: list[tuple[list[Linked], str, int]] = []
        position = i
        while position < len(linked) and linked[position].type in _ACTORS:
            actors, last = [linked[position]], linked[position]
            while position + 1 < len(linked) and linked[position + 1].type in (*_ACTORS, *PLACE_TYPES) and _ACTOR_JOIN.match(text[last.end : linked[position + 1].begin]):
                position += 1
                last = linked[position]
                if last.type in _ACTORS:  # 与日本大阪府、大阪市及某中心: the places host, the bodies organise
                    actors.append(last)
            said = v.by_verb.match(text[last.end :].lstrip("》”"))
            if said is None:
                break
            groups.append((actors, said.group("v"), last.end + len(text[last.end :]) - len(text[last.end :].lstrip("》”")) + said.end()))
            position += 1
            if position >= len(linked) or not re.fullmatch(r"\s*[,，、]\s*", text[groups[-1][2] : linked[position].begin]):
                break
        if not groups:
            continue
        event = _organized_event(text, linked, m.begin, groups[-1][2])
        if event is None:
            continue
        for actors, verb, _end in groups:
            predicate = "partner" if verb in v.helper_verb else "organizer"
            out += [_rel(event.key, predicate, a.key, index, "organizer:by-X") for a in actors]
    return out


def _organized_event(text: str, linked: Sequence[Linked], by_begin: int, verbs_end: int) -> Linked | None:
    after = [e for e in linked if e.type is T.EVENT and e.begin >= verbs_end]
    if after and text[verbs_end : after[0].begin].strip().startswith("的") and len(text[verbs_end : after[0].begin]) <= 12:
        return after[0]
    before = [e for e in linked if e.type is T.EVENT and e.end <= by_begin]
    if before:
        return before[-1]
    return after[0] if after else None


def _platform(text: str, index: int, clause: Span, inside: list[Linked], doc: DocumentFacts) -> list[Relation]:
    """在Facebook、推特平台开设账号“Y” / “Y”微信公众号、抖音号 / “Y”脸书和推特账号."""
    accounts = [m for m in inside if m.type is T.ACCOUNT]
    out = []
    for account in accounts:
        own = [p for p in inside if p.type is T.PLATFORM and p.end <= account.begin and _ACCOUNT_PREFIX.fullmatch(text[p.end : account.begin])]
        if own:  # 微信公众号“甲”和抖音号“乙”: each account on the platform written right before it
            out.append(_rel(account.key, "platform", own[-1].key, index, "platform:account-on"))
            continue
        tail = _account_tail(text, account.end, clause.end)
        after = [p.key for p in inside if p.type is T.PLATFORM and account.end <= p.begin <= account.end + max(len(tail), 1)]
        keys = [] if after else [p.key for p in inside if p.type is T.PLATFORM and p.end <= account.begin and not re.search(r"号[、,，]", text[p.end : account.begin])]
        keys += after  # “甲”微博和“乙”视频号: a platform written right after an account is its own
        for suffix, platform in doc.platform_suffixes:
            if suffix in tail:
                keys.append(platform)
                tail = tail.replace(suffix, "")
        out += [_rel(account.key, "platform", p, index, "platform:account-on") for p in dict.fromkeys(keys)]
    return out


_ACCOUNT_PREFIX = re.compile(r"(?:官方)?(?:公众号|账号|帐号|号)?[“\"]?")


def _account_tail(text: str, begin: int, end: int) -> str:
    """The words after an account name that say where it is (官方微信号、官方小红书账号)."""
    match = re.match(r"[”》]?[^“”,，;；。]*?(?:账号|帐号|公众号|号)(?:[、和及与][^“”,，;；。]*?(?:账号|帐号|公众号|号))*", text[begin:end])
    return match.group(0) if match else ""


def _brand_of(text: str, index: int, linked: Sequence[Linked], doc: DocumentFacts) -> list[Relation]:
    """A brand label belongs to the place written after it with a dash (活力之都--沈阳, 钢都/玉都--鞍山),
    else to the place its own words name (好客山东), else to the place written before it, else to
    the document's own city."""
    out = []
    named = dict(doc.brand_places)
    for i, m in enumerate(linked):
        if m.type is not T.BRAND_LABEL:
            continue
        dashed = re.match(r"^(?:[/／][\u3400-\u9fff]{2,8})*(?:--|——|—|-)", text[m.end :])
        after = [p for p in linked[i + 1 :] if p.type in (T.CITY, T.REGION)]
        if dashed and after and after[0].begin == m.end + dashed.end():
            owner: str | None = after[0].key
        else:
            owner = named.get(m.key) or next((p.key for p in reversed(linked[:i]) if p.type in (T.CITY, T.REGION)), None) or doc.city
        if owner is not None:
            out.append(_rel(m.key, "brandOf", owner, index, "brandOf:label-of-city"))
    return out


def _dates(text: str, spans: list[Span], index: int, linked: Sequence[Linked], dates: Sequence[tuple[Span, list[str]]]) -> list[Relation]:
    """An event's date: a year in its name, joined with a day written beside it without a year
    (2023某大会将于5月16日举办 → 2023-05-16); else the first full date of its clause that lies
    neither inside another event's name nor inside a quotation (获评“2023某某榜样”); else the last
    full date before it in the sentence. A day without a year is never a date on its own."""
    events = [m for m in linked if m.type is T.EVENT]
    if not events:
        return []
    quotes = [Span(q.start(), q.end()) for q in _QUOTATION.finditer(text)] if "“" in text else []
    out = []
    for m in events:
        clause = next((c for c in spans if c.begin <= m.begin < c.end), None)
        own = [values for span, values in dates if (m.begin <= span.begin < m.end or span.end == m.begin) and not is_partial(values[0])]  # in or right before the name
        free = [(span, values) for span, values in dates
                if not (m.begin <= span.begin < m.end or span.end == m.begin)
                and not any(e.begin <= span.begin < e.end for e in events)
                and not any(q.begin <= span.begin < q.end and not (q.begin <= m.begin < q.end) for q in quotes)]
        in_clause = [(span, values) for span, values in free if clause and clause.begin <= span.begin < clause.end]
        days = [values[0] for span, values in sorted(in_clause, key=lambda d: (d[0].begin < m.end, d[0].begin)) if is_partial(values[0])]
        full = [values for _span, values in in_clause if not is_partial(values[0])]
        earlier = [values for span, values in free if span.end <= m.begin and not is_partial(values[0])]
        if own and len(own[0]) == 1 and len(own[0][0]) == 4 and days:
            chosen = [with_year(own[0][0], days[0])]
        else:
            chosen = (own or full or earlier[-1:] or [[]])[0]
        out += [_rel(m.key, "date", v, index, "date:in-clause", literal=True, datatype=datatype_of(v)) for v in chosen]
    return out


def _measures(text: str, spans: list[Span], index: int, linked: Sequence[Linked], v: RelationVocabulary) -> list[Relation]:
    """A figure belongs to the event or account its sentence is about, else to an outlet or body
    its clause names; the total of an enumeration (A、B、C等20余家) never belongs to its members."""
    out = []
    for i, m in enumerate(linked):
        if m.type is not T.QUANTITY:
            continue
        clause = next(c for c in spans if c.begin <= m.begin < c.end)
        members = _enumerated(text, linked, i)
        before = [s for s in linked[:i] if s not in members and not (s.type is T.EVENT and v.not_measured.match(text[s.end :]))]
        subject = next((s.key for s in reversed(before) if s.type in (T.EVENT, T.ACCOUNT)), None)
        if subject is None:
            local = [s for s in before if s.type in _MEASURED and clause.begin <= s.begin and not _listed_by_deng(text, linked, s)]
            subject = local[-1].key if local and not members else None
        if subject is None:
            after = [s for s in linked[i + 1 :] if s.type is T.EVENT and s.begin < clause.end and not v.not_measured.match(text[s.end :])]
            subject = after[0].key if after and not members else DOCUMENT
        out.append(_rel(subject, "measure", m.key, index, "measure:sentence-subject"))
    return out


def _listed_by_deng(text: str, linked: Sequence[Linked], m: Linked) -> bool:
    """Is the mention an item of a list closed by 等 (美联社、路透社、法新社等境外媒体): an example of a
    kind, not what the clause is about?"""
    end = m.end
    for other in linked:
        if other.begin >= end and re.fullmatch(r"[、和及与]", text[end : other.begin] or "-"):
            end = other.end  # the list goes on
    return text.startswith("等", end)


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
