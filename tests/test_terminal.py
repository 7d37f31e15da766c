"""What the terminal shows: tables that fit, counts that read well, files skipped with a word."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from citybrand_kg.read.documents import input_files
from citybrand_kg.terminal import MAX_CELL, aligned, counted, display_width, shortened


def test_a_long_cell_does_not_widen_the_table() -> None:
    text = "杭州" * 3000
    lines = aligned(["doc", "text"], [["a", text], ["b", "short"]])
    assert max(display_width(line) for line in lines) <= MAX_CELL + 10
    assert lines[2].endswith("…") and lines[3].endswith("short")
    assert aligned(["text"], [[text]], max_cell=None)[2] == text


@pytest.mark.parametrize("width", [1, 2, 5, 60])
def test_shortened_fits_its_width(width: int) -> None:
    for text in ("abcdefghij" * 10, "中文字符" * 30, "a中b文" * 40):
        cut = shortened(text, width)
        assert display_width(cut) <= max(width, 1) and cut.endswith("…")
    assert shortened("two\nlines", width=60) == "two lines"


@pytest.mark.parametrize(("number", "text"), [(0, "0 graphs"), (1, "1 graph"), (2, "2 graphs")])
def test_counted(number: int, text: str) -> None:
    assert counted(number, "graph") == text


def test_a_folder_names_the_files_it_skips(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    for name in ("a.txt", "b.pdf", "c.xlsx", "notes", "d.md"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        files, failures = input_files([tmp_path])
    assert [f.name for f in files] == ["a.txt", "d.md", "notes"] and failures == []
    assert "skipped 2 files" in caplog.text and "b.pdf" in caplog.text and "c.xlsx" in caplog.text
