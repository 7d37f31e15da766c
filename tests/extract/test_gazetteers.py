"""The gazetteers load, follow their schema, and a malformed row is reported with file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from citybrand_kg.errors import InputError
from citybrand_kg.extract.gazetteers import COLUMNS, load_lexicon, read_gazetteer_file
from citybrand_kg.model import EntityType
from citybrand_kg.resources import data_dir

FILES = sorted((data_dir() / "gazetteers").glob("*.tsv"))


def test_the_glob_finds_the_files() -> None:
    assert len(FILES) >= 7


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_rows_follow_the_schema(path: Path) -> None:
    rows = read_gazetteer_file(path)
    assert rows
    for row in rows:
        assert row.label and row.id
        assert row.wikidata is None or re.fullmatch(r"Q[1-9][0-9]*", row.wikidata), row.id
        assert all(len(alias) > 1 for alias in row.aliases), f"{row.id}: one-character aliases belong in risky_aliases"
        assert row.country is None or re.fullmatch(r"[A-Z]{2}", row.country), row.id


def test_every_country_is_there_with_its_chinese_name() -> None:
    lexicon = load_lexicon()
    countries = [e for e in lexicon.entries.values() if e.type is EntityType.COUNTRY]
    assert len(countries) >= 190
    for name in ("德国", "美国", "巴西", "蒙古国", "韩国", "希腊", "挪威"):
        assert lexicon.lookup(name, EntityType.COUNTRY) is not None, name


def test_aliases_resolve_to_one_row() -> None:
    lexicon = load_lexicon()
    assert lexicon.lookup("脸谱").id == lexicon.lookup("Facebook").id
    assert lexicon.lookup("新华通讯社").id == lexicon.lookup("新华社").id


def test_ids_are_unique_across_files() -> None:
    ids = [row.id for path in FILES for row in read_gazetteer_file(path)]
    assert len(ids) == len(set(ids))


def test_malformed_rows_are_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("\t".join(COLUMNS) + "\nx:1\t某地\t\t\tNotAType\t\t\t\t\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.tsv:2: unknown type"):
        read_gazetteer_file(bad)
    short = tmp_path / "short.tsv"
    short.write_text("\t".join(COLUMNS) + "\nx:1\t某地\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"short.tsv:2: expected 9"):
        read_gazetteer_file(short)


@pytest.mark.parametrize(("text", "spans"), [
    ("CGTN报道", [(0, 4)]),
    ("在CGTN上开设账号", [(1, 5)]),
    ("XCGTN", []),  # a Latin name must not be the tail of a longer Latin word
    ("CGTNX", []),  # nor its head
])
def test_latin_names_are_found_only_as_whole_words(text: str, spans: list[tuple[int, int]]) -> None:
    found = [(m.begin, m.end) for m in load_lexicon().index.find(text) if "CGTN" in text[m.begin : m.end]]
    assert found == spans


def test_scan_finds_overlapping_names_longest_first_at_each_start() -> None:
    lexicon = load_lexicon()
    text = "浙江日报报道了浙江省的活动"
    found = [(m.begin, m.end) for m in lexicon.index.find(text)]
    assert found == sorted(found, key=lambda span: (span[0], -span[1]))
    assert (0, 4) in found and (0, 2) in found  # 浙江日报 and 浙江 both, the longer first
