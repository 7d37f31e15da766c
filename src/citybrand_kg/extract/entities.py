"""Resolved mentions → entities with stable keys (aliases merged within and across documents).

An entity's key is ``{kind}/{id}``: the Wikidata QID when the gazetteer knows it, otherwise a
readable slug of the canonical label (with a short hash when the slug had to drop characters).
The same label of the same type gives the same key in every document, so 人民日报 in two letters is
one node; a pattern-found name that a gazetteer row lists (中国日报社) takes that row's identity.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import replace

from citybrand_kg.extract.gazetteers import GazetteerEntry, Lexicon
from citybrand_kg.extract.recognisers import QUOTE_MARKS
from citybrand_kg.model import Entity, EntityType, Mention, Quantity, Relation, ResolvedMention

T = EntityType
KIND = {
    T.PERSON: "person",
    T.ORGANIZATION: "organization",
    T.GOVERNMENT_BODY: "government-body",
    T.MEDIA_OUTLET: "media",
    T.PLATFORM: "platform",
    T.ACCOUNT: "account",
    T.PLACE: "place",
    T.COUNTRY: "country",
    T.REGION: "region",
    T.CITY: "city",
    T.EVENT: "event",
    T.BRAND_LABEL: "brand",
    T.CREATIVE_WORK: "creative-work",
    T.QUANTITY: "quantity",
    T.PROPOSAL: "proposal",
}
_COMPATIBLE = {
    T.ORGANIZATION: (T.ORGANIZATION, T.GOVERNMENT_BODY, T.MEDIA_OUTLET),
    T.MEDIA_OUTLET: (T.MEDIA_OUTLET,),
    T.GOVERNMENT_BODY: (T.GOVERNMENT_BODY, T.ORGANIZATION),
    T.CITY: (T.CITY, T.REGION),
    T.PERSON: (),
}


_LABEL_MARKS = str.maketrans("", "", "“”‘’\"'《》「」『』〈〉")
_NOT_SLUG = re.compile(r"[^0-9A-Za-z\u3400-\u9fff\uf900-\ufaff]+")


def clean_label(label: str) -> str:
    """A label as the contract wants it: no quotation or book-title marks, no outer blanks."""
    return label.translate(_LABEL_MARKS).strip()


def slug(label: str) -> str:
    """A readable, IRI-safe key for a label; lossy slugs get a short hash so they stay unique."""
    text = _NOT_SLUG.sub("-", label).strip("-")
    if text != label or not text:
        text = f"{text}-{hashlib.sha1(label.encode('utf-8')).hexdigest()[:6]}".strip("-")
    return text


def entity_key(type_: EntityType, label: str, wikidata: str | None = None) -> str:
    return f"{KIND[type_]}/{wikidata or slug(label)}"


_GAZETTEER_ENTITIES: dict[int, tuple[GazetteerEntry, Entity]] = {}


def gazetteer_entity(entry: GazetteerEntry) -> Entity:
    """The entity of a gazetteer row (remembered per row: the same rows are linked again and again)."""
    known = _GAZETTEER_ENTITIES.get(id(entry))
    if known is not None and known[0] is entry:
        return known[1]
    entity = _gazetteer_entity(entry)
    if len(_GAZETTEER_ENTITIES) >= 100_000:
        _GAZETTEER_ENTITIES.clear()
    _GAZETTEER_ENTITIES[id(entry)] = (entry, entity)
    return entity


def _gazetteer_entity(entry: GazetteerEntry) -> Entity:
    return Entity(
        key=entity_key(entry.type, entry.label, entry.wikidata),
        type=entry.type,
        label=entry.label,
        label_en=entry.label_en,
        aliases=tuple(a for a in entry.aliases if a != entry.label),
        wikidata=entry.wikidata,
    )


def link_mention(mention: Mention, lexicon: Lexicon) -> Entity:
    """The entity one mention names (before merging)."""
    if mention.key is not None and mention.key in lexicon.entries:
        return gazetteer_entity(lexicon.entries[mention.key])
    types = _COMPATIBLE.get(mention.type, (mention.type,))
    if mention.type is not T.QUANTITY and types:  # a person is never a gazetteer row (海宁代表)
        entry = lexicon.lookup(mention.label, *types)
        if entry is not None:
            return gazetteer_entity(entry)
    label = clean_label(mention.label)
    return Entity(key=entity_key(mention.type, label), type=mention.type, label=label, aliases=_aliases(mention))


def _aliases(mention: Mention) -> tuple[str, ...]:
    found = list(mention.aliases)
    surface = mention.surface.translate(QUOTE_MARKS).strip()
    if surface and surface != mention.label and mention.source != "reference":  # 本届论坛 names no event
        found.append(surface)
    bracket = _BRACKETED.fullmatch(mention.label)
    if bracket and bracket["after"].strip():  # 中国(某地)国际某某节: also known without the place
        found.append(bracket["before"] + bracket["after"])
    elif bracket:  # 精彩济南(Incredible Jinan): each half names it
        found.extend(p.strip() for p in (bracket["before"], bracket["inner"]) if p.strip())
    return tuple(dict.fromkeys(found))


_BRACKETED = re.compile(r"(?P<before>.+?)[（(](?P<inner>[^（）()]+)[）)](?P<after>.*)")


def quantity_entity(doc_key: str, mention: Mention, quantity: Quantity) -> Entity:
    key = f"quantity/{doc_key}-{mention.span.begin}-{mention.span.end}"
    return Entity(key=key, type=T.QUANTITY, label=mention.label, quantity=quantity)


def merge_entities(entities: Iterable[Entity]) -> list[Entity]:
    """One entity per key: aliases united, the first English label and Wikidata ID kept."""
    merged: dict[str, Entity] = {}
    for entity in entities:
        known = merged.get(entity.key)
        if known is None:
            merged[entity.key] = entity
            continue
        aliases = tuple(dict.fromkeys((*known.aliases, *entity.aliases)))
        aliases = tuple(a for a in aliases if a != known.label)
        merged[entity.key] = replace(
            known,
            aliases=aliases,
            label_en=known.label_en or entity.label_en,
            wikidata=known.wikidata or entity.wikidata,
            date=known.date or entity.date,
        )
    return sorted(merged.values(), key=lambda e: e.key)


def resolved(mention: Mention, entity: Entity) -> ResolvedMention:
    return ResolvedMention(span=mention.span, surface=mention.surface, entity=entity.key, sentence=mention.sentence)


def link_mentions(doc_key: str, mentions: list[Mention], lexicon: Lexicon) -> tuple[list[Entity], list[tuple[ResolvedMention, EntityType]]]:
    """The entities the mentions name (merged by key) and each mention linked to its entity."""
    entities: list[Entity] = []
    linked: list[tuple[ResolvedMention, EntityType]] = []
    for mention in mentions:
        if mention.type is T.QUANTITY:
            if mention.quantity is None:
                continue
            entity = quantity_entity(doc_key, mention, mention.quantity)
        else:
            entity = link_mention(mention, lexicon)
        entities.append(entity)
        linked.append((resolved(mention, entity), entity.type))
    return merge_editions(merge_entities(entities), linked)


_EDITION = re.compile(r"^(?:(?:19|20)\d{2}年?)?(?:第[一二三四五六七八九十百零〇两\d]+[届期次季轮])?")
_MARKS = re.compile(r"[\s\-—–·.,，、:：“”\"'《》()（）]")
_GENERIC_TAIL = re.compile(r"(?:系列活动|主题活动|活动)$")


def event_core(label: str) -> str:
    """What names an event whatever its edition or punctuation: 第十次某某会-某某恳谈会 → 某某会某某恳谈会."""
    return _GENERIC_TAIL.sub("", _MARKS.sub("", _EDITION.sub("", label)))


def merge_editions(entities: list[Entity], linked: list[tuple[ResolvedMention, EntityType]]) -> tuple[list[Entity], list[tuple[ResolvedMention, EntityType]]]:
    """One node per event: names that differ only by an edition, a year, punctuation or a trailing
    活动 are one event, labelled by the longest name, the others its aliases."""
    groups: dict[str, list[Entity]] = {}
    for entity in entities:
        if entity.type is T.EVENT and len(core := event_core(entity.label)) >= 3:
            groups.setdefault(core, []).append(entity)
    renamed: dict[str, Entity] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        keep = max(members, key=lambda e: (len(e.label), e.label))
        names = tuple(dict.fromkeys(n for e in members for n in (e.label, *e.aliases) if n != keep.label))
        merged = replace(keep, aliases=tuple(dict.fromkeys((*keep.aliases, *names))))
        for member in members:
            renamed[member.key] = merged
    if not renamed:
        return entities, linked
    out = {e.key: e for e in entities if e.key not in renamed}
    out.update({e.key: e for e in renamed.values()})
    relinked = [(replace(m, entity=renamed[m.entity].key) if m.entity in renamed else m, t) for m, t in linked]
    return sorted(out.values(), key=lambda e: e.key), relinked


def suffix_platforms(lexicon: Lexicon) -> tuple[tuple[str, Entity], ...]:
    """Platforms named by an account's suffix (公众号 → 微信), longest suffix first."""
    return tuple(
        (suffix, gazetteer_entity(lexicon.entries[pid]))
        for suffix, pid in sorted(lexicon.account_suffixes.items(), key=lambda kv: -len(kv[0]))
        if pid in lexicon.entries
    )


_ADMINISTRATIVE = ("prov:", "pref:", "city:", "county:", "district:")


def places_named_in_labels(entities: Iterable[Entity], lexicon: Lexicon) -> dict[str, GazetteerEntry]:
    """The Chinese province, city, county or district a brand label names (好客山东 → 山东省,
    某地风景独好 → that place): brand key → the longest such place in its label. Macro-regions
    (江南, 岭南) and risky short names describe a kind of place, not the one branded."""
    out = {}
    for entity in entities:
        if entity.type is not T.BRAND_LABEL:
            continue
        rows = [(m.end - m.begin, -m.begin, lexicon.entries[m.ids[0]]) for m in lexicon.index.find(entity.label)]
        rows = [row for row in rows if row[2].country == "CN" and row[2].id.startswith(_ADMINISTRATIVE)]
        if rows:
            out[entity.key] = max(rows, key=lambda row: row[:2])[2]
    return out


def implied_entities(relations: list[Relation], city_entry: GazetteerEntry | None, platforms: tuple[tuple[str, Entity], ...], known: set[str], places: Iterable[GazetteerEntry] = ()) -> list[Entity]:
    """Nodes a relation points at without a mention: the document's city (brandOf), a platform
    named only by an account's suffix (“某某”头条号 → 今日头条), a place named inside a brand label."""
    implied = {entity.key: entity for _suffix, entity in platforms}
    for entry in (*places, *((city_entry,) if city_entry is not None else ())):
        implied[gazetteer_entity(entry).key] = gazetteer_entity(entry)
    used = {r.object for r in relations} - known
    return [implied[key] for key in sorted(used) if key in implied]
