"""``data/`` → a :class:`Lexicon`: gazetteer rows and the word lists the patterns use.

Gazetteers are TSV files under ``data/gazetteers/`` (schema in its README): one row per real-world
thing with a canonical Chinese label, aliases, an English label, a type, a Wikidata ID, a country
and a parent. Pattern word lists are plain files under ``data/patterns/``. Everything is loaded
once per process (``load_lexicon``) and never changes afterwards.
"""

from __future__ import annotations

import csv
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import ahocorasick

from citybrand_kg.errors import InputError
from citybrand_kg.model import PLACE_TYPES, EntityType
from citybrand_kg.resources import data_dir, read_table, read_word_list

COLUMNS = ("id", "label_zh", "aliases", "label_en", "type", "wikidata", "country", "parent", "risky_aliases")
_TYPES = {t.value: t for t in EntityType}


@dataclass(frozen=True)
class GazetteerEntry:
    id: str
    label: str
    type: EntityType
    aliases: tuple[str, ...] = ()
    label_en: str | None = None
    wikidata: str | None = None
    country: str | None = None
    parent: str | None = None
    risky: tuple[str, ...] = ()

    @property
    def surfaces(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


class Match(NamedTuple):
    """An occurrence of a surface: ``[begin, end)`` and the ids of the entries it names."""

    begin: int
    end: int
    ids: tuple[str, ...]


class SurfaceIndex:
    """Finds every occurrence of a set of surface strings in a text, overlapping ones included.

    An Aho-Corasick automaton (C code) scans the text once, whatever the number of surfaces.
    Matches come back ordered by start, longest first at the same start.
    """

    def __init__(self, surfaces: dict[str, tuple[str, ...]]) -> None:
        self.surfaces = surfaces
        self._automaton = ahocorasick.Automaton()
        for surface, ids in surfaces.items():
            if surface:
                self._automaton.add_word(surface, (len(surface), ids))
        if len(self._automaton):
            self._automaton.make_automaton()

    def find(self, text: str) -> list[Match]:
        if not len(self._automaton) or not text:
            return []
        found = []
        for last, (length, ids) in self._automaton.iter(text):
            begin, end = last + 1 - length, last + 1
            # only a surface starting or ending in ASCII needs the Latin-word test
            if (text[begin] >= "\x80" and text[last] >= "\x80") or _latin_bounded(text, begin, end):
                found.append(Match(begin, end, ids))
        if len(found) > 1:
            found.sort(key=lambda m: (m.begin, -m.end))
        return found


def _latin_bounded(text: str, begin: int, end: int) -> bool:
    """A surface that starts or ends in Latin letters must not continue a Latin word."""
    if text[begin].isascii() and text[begin].isalnum() and begin > 0:
        before = text[begin - 1]
        if before.isascii() and before.isalnum():
            return False
    if text[end - 1].isascii() and text[end - 1].isalnum() and end < len(text):
        after = text[end]
        if after.isascii() and after.isalnum():
            return False
    return True


@dataclass
class Lexicon:
    """Gazetteer entries plus pattern word lists, loaded from one data directory."""

    entries: dict[str, GazetteerEntry]
    index: SurfaceIndex
    risky_index: SurfaceIndex
    listed_risky_index: SurfaceIndex  # the risky names a list of places can vouch for
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    tables: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    account_suffixes: dict[str, str] = field(default_factory=dict)
    by_label: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def entry(self, entry_id: str) -> GazetteerEntry:
        return self.entries[entry_id]

    def lookup(self, surface: str, *types: EntityType) -> GazetteerEntry | None:
        """The entry a surface names (label, alias or risky alias), preferring the given types."""
        ids = self.by_label.get(surface, ())
        for entry_id in ids:
            if not types or self.entries[entry_id].type in types:
                return self.entries[entry_id]
        return None

    def word_set(self, name: str) -> frozenset[str]:
        return frozenset(self.words.get(name, ()))

    def pairs(self, name: str) -> tuple[tuple[str, str], ...]:
        """The rows of the two-column table ``data/patterns/<name>.tsv`` (header and comments left out)."""
        return tuple((row[0], row[1]) for row in self.tables.get(name, ()) if len(row) >= 2)


def read_gazetteer_file(path: Path) -> list[GazetteerEntry]:
    """Parse one gazetteer TSV; raise InputError naming the file and line when a row is malformed."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or tuple(header) != COLUMNS:
            raise InputError(f"{path}: the header must be the columns {', '.join(COLUMNS)}.")
        for line_no, row in enumerate(reader, start=2):
            if not row or not "".join(row).strip():
                continue
            rows.append(_entry(path, line_no, row))
    return rows


def _entry(path: Path, line_no: int, row: list[str]) -> GazetteerEntry:
    if len(row) != len(COLUMNS):
        raise InputError(f"{path}:{line_no}: expected {len(COLUMNS)} tab-separated columns, found {len(row)}.")
    values = dict(zip(COLUMNS, (cell.strip() for cell in row)))
    if values["type"] not in _TYPES:
        raise InputError(f"{path}:{line_no}: unknown type {values['type']!r}.")
    if not values["id"] or not values["label_zh"]:
        raise InputError(f"{path}:{line_no}: id and label_zh must not be empty.")
    return GazetteerEntry(
        id=values["id"],
        label=values["label_zh"],
        type=_TYPES[values["type"]],
        aliases=_split(values["aliases"]),
        label_en=values["label_en"] or None,
        wikidata=values["wikidata"] or None,
        country=values["country"] or None,
        parent=values["parent"] or None,
        risky=_split(values["risky_aliases"]),
    )


def _split(cell: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in cell.split("|") if part.strip()))


@functools.lru_cache(maxsize=4)
def load_lexicon(directory: Path | None = None) -> Lexicon:
    """Load ``data/gazetteers/*.tsv`` and ``data/patterns/*`` once."""
    root = directory or data_dir()
    entries: dict[str, GazetteerEntry] = {}
    for path in sorted((root / "gazetteers").glob("*.tsv")):
        for entry in read_gazetteer_file(path):
            if entry.id in entries:
                raise InputError(f"{path}: the id {entry.id!r} is used twice in the gazetteers.")
            entries[entry.id] = entry
    surfaces: dict[str, list[str]] = defaultdict(list)
    risky: dict[str, list[str]] = defaultdict(list)
    for entry in entries.values():
        for surface in entry.surfaces:
            surfaces[surface].append(entry.id)
        for surface in entry.risky:
            risky[surface].append(entry.id)
    by_label = {s: tuple(ids) for s, ids in surfaces.items()}
    for s, ids in risky.items():
        by_label.setdefault(s, tuple(ids))
    patterns = root / "patterns"
    words = {p.stem: read_word_list(p) for p in sorted(patterns.glob("*.txt"))}
    tables = {p.stem: read_table(p) for p in sorted(patterns.glob("*.tsv")) if p.stem != "traditional_characters"}
    suffixes = {row[0]: row[1] for row in tables.get("account_suffixes", ()) if len(row) >= 2}
    return Lexicon(
        entries=entries,
        index=SurfaceIndex({s: tuple(ids) for s, ids in surfaces.items()}),
        risky_index=SurfaceIndex({s: tuple(ids) for s, ids in risky.items()}),
        listed_risky_index=SurfaceIndex({s: tuple(ids) for s, ids in risky.items() if len(s) >= 2 and entries[ids[0]].type in PLACE_TYPES}),
        words=words,
        tables=tables,
        account_suffixes=suffixes,
        by_label=by_label,
    )
