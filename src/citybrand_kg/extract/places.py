"""The document's own places: which city, province, district or town the text speaks for.

``document_places`` decides from the issuer, the proposal's body, the title and then the most
mentioned Chinese place, and records the full name for each level word so that a bare 市委 or
区文化局 can be expanded. Nothing here is guessed from outside the text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from collections.abc import Set as AbstractSet

from citybrand_kg.extract.gazetteers import GazetteerEntry, Lexicon
from citybrand_kg.model import EntityType, LetterInfo, PlaceContext

T = EntityType
_HAN_ONLY = re.compile(r"[\u3400-\u9fff]+")
_LEVEL_CHAR = re.compile(r"[区县镇](?![村乡街])")


def document_places(text: str, letter: LetterInfo, lexicon: Lexicon, word_starts: AbstractSet[int] | None = None) -> tuple[PlaceContext, GazetteerEntry | None]:
    """The document's :class:`PlaceContext` and the gazetteer row of its city or province.

    ``word_starts`` are the offsets where the tokenizer starts a word; a short place name that
    does not start a word (海城 in 滨海城市) is not counted.
    """
    main = _main_place(text, letter, lexicon, word_starts)
    levels: dict[str, str] = {}
    if main is not None:
        if main.type is T.CITY and main.label.endswith("市"):
            levels["市"] = main.label
        parent = lexicon.entries.get(main.parent) if main.parent else None
        province = parent if parent is not None else (main if main.type is T.REGION and main.country == "CN" else None)
        if province is not None and province.label.endswith("省"):
            levels["省"] = province.label
        if province is not None and province.label.endswith("自治区"):
            levels["自治区"] = province.label  # 自治区文化和旅游厅 → 某某自治区文化和旅游厅
        if main.type is T.CITY and main.label.endswith("自治州"):
            levels["州"] = _short_prefecture(main)
    for level, name in _local_levels(text, tuple(lexicon.word_set("not_local_places")), lambda name: lexicon.lookup(name) is not None).items():
        levels.setdefault(level, name)
    return PlaceContext(levels=levels, city=main.label if main else None), main


def _main_place(text: str, letter: LetterInfo, lexicon: Lexicon, word_starts: AbstractSet[int] | None) -> GazetteerEntry | None:
    for source in (letter.issuer, letter.proposal_body, letter.title):
        entry = _first_chinese_place(source or "", lexicon)
        if entry is not None:
            return entry
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for match in lexicon.index.find(text):
        entry = lexicon.entries[match.ids[0]]
        if word_starts is not None and match.end - match.begin <= 3 and match.begin not in word_starts:
            continue
        if _chinese_place(entry):
            counts[entry.id] += 1
            first.setdefault(entry.id, match.begin)
    if not counts:
        return None
    best = max(counts, key=lambda eid: (counts[eid], -first[eid]))
    return lexicon.entries[best]


def _first_chinese_place(text: str, lexicon: Lexicon) -> GazetteerEntry | None:
    for match in sorted(lexicon.index.find(text), key=lambda m: (m.begin, -(m.end - m.begin))):
        entry = lexicon.entries[match.ids[0]]
        if _chinese_place(entry) and entry.id != "country:CN":
            return entry
    return None


def _chinese_place(entry: GazetteerEntry) -> bool:
    return entry.type in (T.CITY, T.REGION) and entry.country == "CN"


def _local_levels(text: str, not_local: tuple[str, ...], known: Callable[[str], bool] = lambda name: False) -> dict[str, str]:
    """The district, county or town the text names most often (twice at least).

    Every occurrence of 区/县/镇 votes for the names of two to four characters ending there; the
    most voted name wins; on a tie, a name the gazetteers know (东西湖区 over 西湖区), else the
    shorter (桃浦镇 over 通过桃浦镇).
    """
    counts: Counter[tuple[str, str]] = Counter()
    for m in _LEVEL_CHAR.finditer(text):  # 民俗镇村: towns and villages, not a town
        end = m.end()
        for k in (2, 3, 4):
            name = text[max(0, m.start() - k) : end]
            if len(name) == k + 1 and _HAN_ONLY.fullmatch(name) and not name.endswith(not_local) and name[0] not in "各全本我该每在与和及的":
                counts[(m.group(0), name)] += 1
    levels: dict[str, str] = {}
    for (level, name), n in sorted(counts.items(), key=lambda item: (-item[1], not known(item[0][1]), len(item[0][1]), item[0][1])):
        if n >= 2 and level not in levels:
            levels[level] = name
    return levels


def _short_prefecture(entry: GazetteerEntry) -> str:
    """How bodies of an autonomous prefecture are named: its short form with 州 (大理州), else its label."""
    return next((alias for alias in entry.aliases if alias.endswith("州") and not alias.endswith("自治州")), entry.label)
