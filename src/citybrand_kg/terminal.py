"""Text for the terminal: display widths of Chinese text, aligned tables (``query``, ``analyze``),
counts with their nouns."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def display_width(text: str) -> int:
    """Terminal columns: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` terminal columns."""
    return text + " " * (width - display_width(text))


MAX_CELL = 60
"""Terminal columns a table cell may take; a longer one ends in … (the json and csv formats keep it whole)."""


def shortened(text: str, width: int = MAX_CELL) -> str:
    """``text`` on one line, cut to ``width`` terminal columns with a final … when longer."""
    text = " ".join(text.split())
    if display_width(text) <= width:
        return text
    out, used = [], 1
    for ch in text:
        used += display_width(ch)
        if used > width:
            break
        out.append(ch)
    return "".join(out) + "…"


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``1 graph``, ``2 graphs`` (``plural`` for nouns that do not take an s)."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def aligned(header: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "", *, max_cell: int | None = MAX_CELL) -> list[str]:
    """The lines of a table: the header, a rule of dashes, then the rows, columns two spaces apart;
    cells longer than ``max_cell`` columns are shortened (None keeps them whole)."""
    if max_cell is not None:
        rows = [[shortened(cell, max_cell) for cell in row] for row in rows]
    widths = [max(display_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [indent + "  ".join(pad(h, w) for h, w in zip(header, widths)).rstrip(), indent + "  ".join("-" * w for w in widths)]
    lines += [indent + "  ".join(pad(c, w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return lines
