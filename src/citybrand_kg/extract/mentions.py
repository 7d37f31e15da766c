"""Sentence → candidate mentions (gazetteer, patterns, figures) → resolved, non-overlapping spans.

``find_mentions(sentence, context)`` is pure: it reads the sentence's normalised text (same
offsets as the original) and the document's :class:`PlaceContext`, and returns candidates from
every recogniser. ``resolve_mentions(candidates)`` picks among them with one explicit sort key:
higher priority, then longer span, then earlier start. The recognisers know the genre's naming
patterns (heads, levels, quotation conventions), never particular names: names live in ``data/``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from operator import itemgetter

from citybrand_kg.extract.brand_labels import BrandLabels
from citybrand_kg.extract.event_names import EventNames
from citybrand_kg.extract.gazetteers import GazetteerEntry, Lexicon, Match, SurfaceIndex
from citybrand_kg.extract.place_names import PlaceNames
from citybrand_kg.extract.quantities import find_quantities
from citybrand_kg.extract.recognisers import NameRules, joined
from citybrand_kg.model import (
    PLACE_TYPES,
    EntityType,
    Mention,
    PlaceContext,
    Sentence,
    SentenceView,
    Span,
    Token,
)
from citybrand_kg.read.documents import normalized

T = EntityType
HAN = r"\u3400-\u9fff"

# Priorities: explicit structure beats lists of names, which beat free-standing heads.
P_LETTER = 50
P_QUOTED_LIST = 40
P_ACCOUNT = 35
P_GOVERNMENT = 30
P_GAZETTEER = 20
P_PATTERN = 10
P_QUANTITY = 5
_BEGIN = itemgetter(0)  # of a Token
_ENCLOSED = re.compile(r"《[^《》]{2,60}》|“[^“”]{6,80}”")  # titles and long quoted names
_SPEECH = re.compile(r"[。！？!?]")  # a quotation with a full stop is what someone said, not a name


@dataclass(frozen=True)
class Recognisers:
    """Every recogniser, compiled once from the lexicon: gazetteers, names, place names."""

    lexicon: Lexicon
    names: NameRules
    places: PlaceNames
    events: EventNames
    brands: BrandLabels

    @classmethod
    def load(cls, lexicon: Lexicon, is_word: Callable[[str], bool], is_proper: Callable[[str], bool] = lambda _w: False) -> Recognisers:
        names = NameRules(lexicon, is_word, is_proper)
        return cls(lexicon=lexicon, names=names, places=PlaceNames(names), events=EventNames(names), brands=BrandLabels(names))


def document_mentions(text: str, norm: str, sentences: tuple[Sentence, ...], tokens: dict[int, tuple[Token, ...]], letter_mentions: list[Mention], recognisers: Recognisers, places: PlaceContext, blocked: tuple[Span, ...] = ()) -> list[Mention]:
    """The resolved mentions of a whole document, in text order: each sentence's candidates (and the
    letter structure's mentions in it) resolved, then the pattern-found names found again. No event
    mention overlaps a ``blocked`` span (the proposal's designation: its session is not an event)."""
    found: list[Mention] = []
    for sentence in sentences:
        b, e = sentence.span.begin, sentence.span.end
        view = SentenceView(index=sentence.index, offset=b, text=norm[b:e], original=text[b:e], tokens=tokens[sentence.index])
        candidates = find_mentions(view, recognisers, places)
        if blocked:
            candidates = [c for c in candidates if c.type is not T.EVENT or not any(c.span.overlaps(span) for span in blocked)]
        candidates += [m for m in letter_mentions if m.sentence == sentence.index]
        found += resolve_mentions(candidates)
    repeats, replaced = repeated_names(text, norm, sentences, found)
    if replaced:
        found = [m for m in found if id(m) not in replaced]
    found += repeats
    found += event_references(text, norm, sentences, found, recognisers.events)
    return sorted(found, key=lambda m: (m.span.begin, m.span.end))


def find_mentions(view: SentenceView, recognisers: Recognisers, places: PlaceContext) -> list[Mention]:
    """Every candidate mention in one sentence, from all recognisers."""
    lexicon, rules = recognisers.lexicon, recognisers.names
    matches = lexicon.index.find(view.text)  # once per sentence: the gazetteer and the qualifier test read it
    found: list[Mention] = []
    found += gazetteer_mentions(view, lexicon, matches)
    found += rules.government_bodies(view, places)
    found += rules.labelled_bodies(view) if "：" in view.text or ":" in view.text else []
    found += rules.embassies(view)
    found += rules.foreign_ministries(view)
    found += rules.accounts(view)
    found += recognisers.events.events(view)
    found += rules.works_and_media(view)
    found += rules.organizations(view, places)
    found += rules.persons(view)
    found += rules.local_places(view, places)
    found += recognisers.places.areas(view, found)
    found += recognisers.places.villages(view)
    found += recognisers.places.foreign_places(view, found)
    found += recognisers.places.foreign_lists(view, found)
    found += recognisers.brands.labels(view, found)
    found += quantity_mentions(view, rules)
    starting: dict[int, list[Match]] = {}
    for match in matches:
        starting.setdefault(match.begin, []).append(match)
    found = [strip_qualifiers(m, view, lexicon, starting, rules.is_word) for m in found]
    return [m for m in found if m.label and not rules.is_generic(m)]


_QUALIFIED = (T.EVENT, T.ORGANIZATION, T.GOVERNMENT_BODY, T.BRAND_LABEL, T.CREATIVE_WORK)
_QUOTED_ITEMS = ("pattern:brand-list", "pattern:brand-quote")  # items of a quoted list: the quotation says where each begins
_YEAR_PREFIX = re.compile(r"^(?:19|20)\d{2}年?(?=\D)")


def strip_qualifiers(mention: Mention, view: SentenceView, lexicon: Lexicon, starting: dict[int, list[Match]] | None = None, is_word: Callable[[str], bool] | None = None) -> Mention:
    """A name found by a pattern loses what only qualifies it.

    - a leading year is the event's date, not its name (2019国际海岸生活节 → 国际海岸生活节);
    - a leading foreign country (意大利某博物馆, 法国某电影节) or, for a brand label,
      the city or region it belongs to (广州花城 → 花城) becomes a mention of its own: the span starts
      after it and the relations stage links the two. A label that is the whole of a quotation
      (“某地烧烤”) or an item of a quoted list (“某朝古都、某地水城”) is kept as written: the
      quotation marks and the list's separators say where it begins.
    """
    if mention.source in ("gazetteer", "letter", "quantity", "pattern:embassy", "pattern:foreign-ministry") or mention.type not in _QUALIFIED:
        return mention  # a mission's sending country is part of its name (韩国驻沈阳总领事馆), and a ministry's (法国文化部)
    label = mention.label
    if mention.type is T.EVENT and (year := _YEAR_PREFIX.match(label)):
        label = label[year.end() :]
    begin, end = mention.span.begin - view.offset, mention.span.end - view.offset
    if mention.type is T.BRAND_LABEL and (mention.source in _QUOTED_ITEMS or view.text[begin - 1 : begin] == "“" and view.text[end : end + 1] == "”"):
        return mention
    if starting is None:
        starting = {begin: [Match(begin + m.begin, begin + m.end, m.ids) for m in lexicon.index.find(view.text[begin:end]) if m.begin == 0]}
    for found in starting.get(begin, ()):
        match = Match(0, found.end - begin, found.ids)
        if found.end > end or end - found.end < 2:
            continue
        entry = lexicon.entries[match.ids[0]]
        foreign_country = entry.type is T.COUNTRY and entry.country != "CN" and entry.id != "country:CN"
        own_place = mention.type is T.BRAND_LABEL and entry.type in (T.CITY, T.REGION) and entry.country == "CN"
        if (foreign_country and mention.type is not T.BRAND_LABEL) or own_place:
            surface = view.original[begin : begin + match.end]
            cut = begin + match.end
            if foreign_country and is_word is not None and _only_common_words(view, cut, end, lexicon, is_word):
                return mention  # 新加坡航空公司, 韩国贸易协会: without the country nothing names it
            label = label.removeprefix(surface)
            return replace(mention, span=Span(view.offset + cut, mention.span.end), surface=view.original[cut : mention.span.end - view.offset], label=label)
    return replace(mention, label=label) if label != mention.label else mention


def _only_common_words(view: SentenceView, begin: int, end: int, lexicon: Lexicon, is_word: Callable[[str], bool]) -> bool:
    """Is the text from ``begin`` to ``end`` common words only (贸易协会, 航空公司), no place in
    it, or does one word run across ``begin`` (新加坡航空公司 is one word)?"""
    if any(t.begin < begin < t.end for t in view.tokens):
        return True
    words = [t.text for t in view.tokens if begin <= t.begin and t.end <= end]
    covered = sum(len(w) for w in words) == end - begin
    return covered and all(is_word(w) or len(w) == 1 for w in words) and not any(
        lexicon.entries[m.ids[0]].type in PLACE_TYPES for m in lexicon.index.find(view.text[begin:end]))


def gazetteer_mentions(view: SentenceView, lexicon: Lexicon, matches: list[Match] | None = None) -> list[Mention]:
    """Gazetteer names, with three guards of context:

    - a two-character place must start a word (海城 is not in 滨海|城市, 海口 not in 入海口), an
      organisation's name must be whole words (新疆大学 is not in 新疆|大学生), and a ministry is not
      named in 部门 (文旅部门);
    - a place inside a title in 《》 or a long quoted name is part of that name, not a mention;
    - a risky place name (东北, 西南) counts only in a list of other places (东北、西北、西南地区);
    - a country's name that opens a fixed term or an envoy's title (中国特色…, 中国驻…) is not the
      country (``country_fixed_terms.txt``).
    """
    text = view.text
    starts = set(map(_BEGIN, view.tokens))
    ends: set[int] | None = None  # made when an organisation's name is found
    enclosed = [m.span() for m in _ENCLOSED.finditer(text) if not _SPEECH.search(m.group(0))] if "《" in text or "“" in text else []
    out = []
    place_ends: set[int] = set()
    for match in lexicon.index.find(text) if matches is None else matches:
        entry = lexicon.entries[match.ids[0]]
        end = match.end
        if entry.type in PLACE_TYPES:
            if match.end - match.begin <= 3 and match.begin not in starts and match.begin not in place_ends:
                continue  # 海城 in 滨海|城市; but 巴黎 in the one word 法国巴黎 follows a place
            if enclosed and any(b < match.begin and match.end < e for b, e in enclosed):
                continue
            if entry.type is T.COUNTRY and text.startswith(lexicon.words.get("country_fixed_terms", ()), match.begin):
                continue  # 中国特色社会主义, 中国驻日本大使: a fixed term or an envoy's title, not the country
        elif entry.type is T.ORGANIZATION:
            ends = ends if ends is not None else {token.end for token in view.tokens}
            if match.begin not in starts or match.end not in ends:
                continue  # 新疆大学|生, 升|华为: an organisation's name is whole words
        elif entry.type is T.GOVERNMENT_BODY and text[end - 1 : end + 1] == "部门":
            continue  # 文旅部门, 外交部门: departments of a kind, no ministry named
        elif entry.type is T.MEDIA_OUTLET and text[end : end + 1] == "社" and entry.label.endswith("报"):
            end += 1  # 某某日报社: the paper's publisher is the paper
        out.append(_gazetteer_mention(view, match.begin, end, entry.id, lexicon))
        if entry.type in PLACE_TYPES:
            place_ends.add(match.end)
    out += _listed_risky_places(view, lexicon, out)
    out += _abbreviated_countries(view, lexicon)
    return out


_ONE_CHARACTER_LIST = re.compile(r"[\u3400-\u9fff](?:、[\u3400-\u9fff])+(?=[\u3400-\u9fff]{0,2}(?:三国|四国|五国|等国|两国|国|[^\u3400-\u9fff]))")


def _abbreviated_countries(view: SentenceView, lexicon: Lexicon) -> list[Mention]:
    """中、日、韩三国: one-character abbreviations of countries in a list are the countries."""
    out = []
    starts = {token.begin for token in view.tokens}
    for run in _ONE_CHARACTER_LIST.finditer(view.text) if "、" in view.text else ():
        if run.start() not in starts:
            continue
        chars = run.group(0).split("、")
        entries = [_country_of_abbreviation(ch, lexicon) for ch in chars]
        if all(entries):
            for i, entry in enumerate(entries):
                begin = run.start() + 2 * i
                out.append(_gazetteer_mention(view, begin, begin + 1, entry.id, lexicon))  # type: ignore[union-attr]
    return out


def _country_of_abbreviation(ch: str, lexicon: Lexicon) -> GazetteerEntry | None:
    if ch == "中":
        return lexicon.entries.get("country:CN")
    for entry_id in lexicon.risky_index.surfaces.get(ch, ()):
        if lexicon.entries[entry_id].type is T.COUNTRY:
            return lexicon.entries[entry_id]
    return None


def _gazetteer_mention(view: SentenceView, begin: int, end: int, entry_id: str, lexicon: Lexicon) -> Mention:
    entry = lexicon.entries[entry_id]
    return Mention(
        span=Span(view.offset + begin, view.offset + end),
        surface=view.original[begin:end],
        type=entry.type,
        label=entry.label,
        source="gazetteer",
        sentence=view.index,
        key=entry.id,
        priority=P_GAZETTEER,
    )


def _listed_risky_places(view: SentenceView, lexicon: Lexicon, found: list[Mention]) -> list[Mention]:
    places = {(m.span.begin - view.offset, m.span.end - view.offset) for m in found if m.type in PLACE_TYPES}
    if not places:
        return []  # no place for a risky name to stand in a list with
    risky = lexicon.listed_risky_index.find(view.text)  # two characters or more, places only
    added: list[Mention] = []
    changed = True
    while changed:
        changed = False
        for match in risky:
            if (match.begin, match.end) in places:
                continue
            if any(joined(view.text, e, match.begin) or joined(view.text, match.end, b) for b, e in places):
                places.add((match.begin, match.end))
                added.append(_gazetteer_mention(view, match.begin, match.end, match.ids[0], lexicon))
                changed = True
    return added


def quantity_mentions(view: SentenceView, rules: NameRules) -> list[Mention]:
    out = []
    for span, quantity in find_quantities(view.text, rules.quantity_pattern, rules.arabic_only_units, rules.counted_in_words):
        surface = view.original[span.begin : span.end]
        out.append(
            Mention(
                span=Span(view.offset + span.begin, view.offset + span.end),
                surface=surface,
                type=T.QUANTITY,
                label=surface,
                source="quantity",
                sentence=view.index,
                priority=P_QUANTITY,
                quantity=quantity,
            )
        )
    return out


def resolution_key(mention: Mention) -> tuple[int, int, int, int]:
    """Sort key of the resolver, best first.

    Spans delimited by the text itself (quotation marks, letter structure, account names) come
    first; among the rest the longer span wins, then the higher priority, then the earlier start.
    """
    delimited = 1 if mention.priority >= P_ACCOUNT else 0
    return (-delimited, -len(mention.span), -mention.priority, mention.span.begin)


def resolve_mentions(candidates: Iterable[Mention]) -> list[Mention]:
    """Keep the best candidates that do not overlap an already kept one; return them in text order."""
    kept: list[Mention] = []
    for mention in sorted(candidates, key=resolution_key):
        if len(mention.span) == 0:
            continue
        if any(mention.span.overlaps(other.span) for other in kept):
            continue
        kept.append(mention)
    return sorted(kept, key=lambda m: (m.span.begin, m.span.end))


_REPEATABLE = (T.ACCOUNT, T.EVENT, T.BRAND_LABEL, T.CREATIVE_WORK, T.ORGANIZATION, T.GOVERNMENT_BODY, T.MEDIA_OUTLET)


def repeated_names(text: str, norm: str, sentences: tuple[Sentence, ...], found: list[Mention]) -> tuple[list[Mention], set[int]]:
    """Names the patterns found once (“郑州文旅”公众号), found again where the text repeats them plain,
    and the ids of the found places such a repeat takes in (郑州 in 郑州文旅官方抖音号)."""
    names = {m.label: m for m in found if m.type in _REPEATABLE and m.key is None and len(m.label) >= 3 and m.source != "letter"}
    if not names:
        return [], set()
    index = SurfaceIndex({normalized(label): (label,) for label in names})  # labels are as written; the scan reads the folded copy
    taken: dict[int, list[Mention]] = {}
    for m in found:
        taken.setdefault(m.sentence, []).append(m)
    extra: list[Mention] = []
    replaced: set[int] = set()
    for sentence in sentences:
        b, e = sentence.span.begin, sentence.span.end
        here = taken.setdefault(sentence.index, [])
        for match in index.find(norm[b:e]):
            span = Span(b + match.begin, b + match.end)
            overlapping = [m for m in here if span.overlaps(m.span)]
            if any(m.type not in PLACE_TYPES or not (span.begin <= m.span.begin and m.span.end <= span.end) for m in overlapping):
                continue
            gone = {id(m) for m in overlapping}  # a place inside the repeated name is part of it
            replaced |= gone
            here[:] = [m for m in here if id(m) not in gone]
            source = names[match.ids[0]]
            repeat = replace(source, span=span, surface=text[span.begin : span.end], source="repeat", sentence=sentence.index)
            extra.append(repeat)
            here.append(repeat)
    return extra, replaced


def event_references(text: str, norm: str, sentences: tuple[Sentence, ...], found: list[Mention], events: EventNames) -> list[Mention]:
    """此次大会, 本届论坛, 本次主题展览, and a sentence opening with a bare head (大会将举办…): a
    phrase that refers back to a named event by its head is a mention of the latest event before it
    whose name ends with that head (never a bare 活动)."""
    named = sorted((m for m in found if m.type is T.EVENT), key=lambda m: m.span.begin)
    if not named:
        return []
    taken = sorted((m.span.begin, m.span.end) for m in found)
    out: list[Mention] = []
    at_starts = (m for s in sentences if (m := events.bare_reference.match(norm, s.span.begin, s.span.end)))
    for match in itertools.chain(events.reference.finditer(norm), at_starts):
        head = match.group("head")
        span = Span(match.start("head"), match.end())
        if head in events.activity_heads or any(b < span.end and span.begin < e for b, e in taken):
            continue
        earlier = [m for m in named if m.span.end <= span.begin and any(_same_head(name, head) for name in (m.label, *m.aliases))]
        if not earlier:
            continue
        sentence = next((s for s in sentences if s.span.begin <= span.begin < s.span.end), None)
        if sentence is None or span.end > sentence.span.end:
            continue
        antecedent = earlier[-1]
        out.append(replace(antecedent, span=span, surface=text[span.begin : span.end], source="reference", sentence=sentence.index, priority=P_PATTERN, aliases=()))
    return out


def _same_head(label: str, head: str) -> bool:
    """Does an event's name end with the head a reference uses (大会, 主题展览 ~ 主题展, 展览 ~ 展)?"""
    return label.endswith(head) or (head.endswith("展览") and label.endswith(head[:-1])) or (len(head) >= 2 and label.endswith(head[-2:]))
