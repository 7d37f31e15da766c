"""Case tables: test cases that are data, in ``tests/cases/*.tsv``.

A table is UTF-8, tab-separated, with a header line naming its columns; lines starting with ``#``
are comments. In a cell, ``\\n`` stands for a line break and ``\\t`` for a tab. Lists inside a cell
are separated by `` | `` and pairs are written ``Type=label`` (mentions) or
``subject > predicate > object`` (relations). Each row becomes a ``pytest.param`` whose id is
its ``case`` column, so a failure names the row.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CASES = Path(__file__).parent / "cases"


def rows(name: str) -> list[dict[str, str]]:
    """The rows of ``tests/cases/<name>.tsv`` as dicts of their columns (empty cells are '')."""
    lines = [line for line in (CASES / f"{name}.tsv").read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    header = lines[0].split("\t")
    out = []
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) > len(header):
            raise ValueError(f"{name}.tsv: row {number} has {len(cells)} cells, the header {len(header)}")
        cells += [""] * (len(header) - len(cells))
        out.append({key: cell.replace("\\n", "\n").replace("\\t", "\t").strip() for key, cell in zip(header, cells)})
    return out


def params(name: str, *columns: str) -> list[pytest.ParameterSet]:
    """``pytest.param`` objects of the given columns, one per row, with the row's ``case`` as id."""
    return [pytest.param(*(row[c] for c in columns), id=row.get("case") or None) for row in rows(name)]


def items(cell: str) -> list[str]:
    """The items of a list cell (`` | ``-separated); none for an empty cell."""
    return [item.strip() for item in cell.split(" | ") if item.strip()]


def typed(cell: str) -> set[tuple[str, str]]:
    """``Type=label | Type=label`` → {(type, label)}."""
    return {tuple(item.split("=", 1)) for item in items(cell)}  # type: ignore[misc]


def triples(cell: str) -> set[tuple[str, str, str]]:
    """``subject > predicate > object | …`` → {(subject, predicate, object)}."""
    return {tuple(part.strip() for part in item.split(">")) for item in items(cell)}  # type: ignore[misc]
