"""Serialise SELECT / ASK results (SPARQL 1.1 JSON, XML, CSV, TSV) within the row cap.

Results come from pyoxigraph's own writers. The row cap is kept in one of two ways:

* **bounded** results come from a query whose evaluation was already limited to ``max_rows + 1``
  rows (see ``execution.run_query``). They are written in the requested format at once; a sound
  upper bound on their rows, read off the bytes (every row of JSON opens a ``{``, of XML a
  ``<result``, of TSV a line), settles almost every case. Only a result near the cap is read back
  and counted exactly. (CSV cannot be read back: it is written from TSV as below.)
* **unbounded** results are written as TSV (one line per row) into a sink that stops the
  evaluation once it holds ``max_rows + 1`` rows.

A result with more than ``max_rows`` rows is cut to its first ``max_rows`` as TSV (a TSV line is a
row, and pyoxigraph's TSV reader and writers round-trip every term exactly), then written in the
requested format.
"""

from __future__ import annotations

import pyoxigraph as ox

TSV = ox.QueryResultsFormat.TSV
_ROW_MARK = {ox.QueryResultsFormat.JSON: b"{", ox.QueryResultsFormat.XML: b"<result", TSV: b"\n"}


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


def serialize_solutions(solutions: ox.QuerySolutions, fmt: ox.QueryResultsFormat, max_rows: int, *, bounded: bool) -> tuple[bytes, bool]:
    """The solutions in ``fmt``, at most ``max_rows`` of them, and whether any were cut.

    ``bounded``: the evaluation yields at most ``max_rows + 1`` rows.
    """
    if bounded and fmt in _ROW_MARK:
        body = solutions.serialize(format=fmt) or b""
        if body.count(_ROW_MARK[fmt]) <= max_rows:
            return body, False
        tsv = body if fmt == TSV else ox.parse_query_results(body, fmt).serialize(format=TSV) or b""
    else:
        sink = _LineCounter(max_rows + 2)  # the header line, the rows kept, and one more
        try:
            solutions.serialize(sink, format=TSV)  # type: ignore[arg-type]  # a duck-typed binary file
        except _Full:
            pass
        tsv = b"".join(sink.parts)
    lines = tsv.split(b"\n")
    if len(lines) <= max_rows + 2:  # the header, the rows, and what follows the last newline
        return (tsv if fmt == TSV else ox.parse_query_results(tsv, TSV).serialize(format=fmt) or b""), False
    kept = b"\n".join(lines[: max_rows + 1]) + b"\n"
    return (kept if fmt == TSV else ox.parse_query_results(kept, TSV).serialize(format=fmt) or b""), True
