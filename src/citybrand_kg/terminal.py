"""Text for the terminal: display widths of Chinese text and aligned tables (``query``, ``analyze``)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def display_width(text: str) -> int:
    """Terminal columns: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` terminal columns."""
    return text + " " * (width - display_width(text))


def aligned(header: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "") -> list[str]:
    """The lines of a table: the header, a rule of dashes, then the rows, columns two spaces apart."""
    widths = [max(display_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [indent + "  ".join(pad(h, w) for h, w in zip(header, widths)).rstrip(), indent + "  ".join("-" * w for w in widths)]
    lines += [indent + "  ".join(pad(c, w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return lines
