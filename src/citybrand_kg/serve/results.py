"""Serialise SELECT / ASK results (SPARQL 1.1 JSON, XML, CSV, TSV) within the row cap.

Solutions are written as TSV first, one line per row, into a sink that stops the evaluation once
it holds ``max_rows + 1`` rows; the first ``max_rows`` are kept, and pyoxigraph's reader and
writers turn them into the requested format (they round-trip every term exactly).
"""

from __future__ import annotations

import pyoxigraph as ox

TSV = ox.QueryResultsFormat.TSV


class _Full(Exception):
    """Raised by :class:`_LineCounter` to stop a writer once it has enough rows."""


class _LineCounter:
    """A binary sink for pyoxigraph's TSV writer that gives up after ``limit`` lines."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.lines = 0
        self.parts: list[bytes] = []

    def write(self, chunk: bytes) -> int:
        self.parts.append(bytes(chunk))
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit:
            raise _Full
        return len(chunk)

    def flush(self) -> None:
        pass


def serialize_solutions(solutions: ox.QuerySolutions, fmt: ox.QueryResultsFormat, max_rows: int) -> tuple[bytes, bool]:
    """The solutions in ``fmt``, at most ``max_rows`` of them, and whether any were cut."""
    sink = _LineCounter(max_rows + 2)  # the header line, the rows kept, and one more
    try:
        solutions.serialize(sink, format=TSV)  # type: ignore[arg-type]  # a duck-typed binary file
    except _Full:
        pass
    lines = b"".join(sink.parts).split(b"\n")
    truncated = len(lines) > max_rows + 2  # the header, the rows, and what follows the last newline
    tsv = b"\n".join(lines[: max_rows + 1]) + b"\n" if truncated else b"\n".join(lines)
    if fmt == TSV:
        return tsv, truncated
    return ox.parse_query_results(tsv, TSV).serialize(format=fmt) or b"", truncated
