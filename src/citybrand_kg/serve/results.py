"""Serialise SELECT / ASK results (SPARQL 1.1 JSON, XML, CSV, TSV) within the row cap.

SELECT results are written by pyoxigraph's own (Rust) writers, and no term becomes a Python
object: JSON is assembled from pyoxigraph's TSV with bytes operations
(:mod:`citybrand_kg.serve.jsonresults`), which costs less than pyoxigraph's JSON writer. The row
cap is enforced in one of two ways:

* **bounded** results come from a query whose evaluation was already limited to
  ``max_rows + 1`` rows (see ``execution.run_query``). XML is written straight; a sound upper
  bound on the rows, read off the bytes, settles almost every case, and only when it cannot (a
  result near the cap) is the body converted to TSV to count its rows exactly. The other
  formats are written from TSV, whose lines are its rows.
* **unbounded** results are written as TSV (one line per row) to a writer that stops the
  evaluation once it holds ``max_rows + 1`` rows; the kept rows are then converted to the
  requested format.

Cutting a result to its first ``max_rows`` rows always goes through TSV: a TSV line is one row,
and pyoxigraph's TSV reader and writers round-trip every term exactly.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from citybrand_kg.serve.jsonresults import tsv_to_json

TSV = ox.QueryResultsFormat.TSV
CSV = ox.QueryResultsFormat.CSV
JSON = ox.QueryResultsFormat.JSON
XML = ox.QueryResultsFormat.XML
SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"


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

    @property
    def value(self) -> bytes:
        return b"".join(self.parts)


def serialize_solutions(
    solutions: ox.QuerySolutions, fmt: ox.QueryResultsFormat, max_rows: int, *, bounded: bool
) -> tuple[bytes, bool]:
    """The solutions in ``fmt``, at most ``max_rows`` of them, and whether any were cut.

    ``bounded``: the evaluation yields at most ``max_rows + 1`` rows.
    """
    if bounded and fmt == XML:  # the others are written from TSV below
        body = solutions.serialize(format=fmt) or b""
        if _row_bound(body) <= max_rows:
            return body, False
        tsv = ox.parse_query_results(body, fmt).serialize(format=TSV) or b""
        if _rows(tsv) <= max_rows:
            return body, False
    else:
        tsv = (solutions.serialize(format=TSV) or b"") if bounded else _tsv_head(solutions, max_rows + 1)
        rows = _rows(tsv)
        if rows <= max_rows:
            return _convert(tsv, fmt, rows), False
    return _convert(_first_rows(tsv, max_rows), fmt, max_rows), True


def _tsv_head(solutions: ox.QuerySolutions, rows: int) -> bytes:
    """The header and at most the first ``rows`` rows (and maybe a few more) as TSV."""
    sink = _LineCounter(rows + 1)  # + 1: the header line
    try:
        solutions.serialize(sink, format=TSV)  # type: ignore[arg-type]  # a duck-typed binary file
    except _Full:
        pass
    return sink.value


def _rows(tsv: bytes) -> int:
    return max(tsv.count(b"\n") - 1, 0)


def _first_rows(tsv: bytes, rows: int) -> bytes:
    end = -1
    for _ in range(rows + 1):
        end = tsv.index(b"\n", end + 1)
    return tsv[: end + 1]


def _convert(tsv: bytes, fmt: ox.QueryResultsFormat, rows: int | None = None) -> bytes:
    if fmt == TSV:
        return tsv
    if fmt == JSON:
        return tsv_to_json(tsv, rows)
    return ox.parse_query_results(tsv, TSV).serialize(format=fmt) or b""


def _row_bound(xml: bytes) -> int:
    """An upper bound on the rows of an XML results document, whatever its layout: every row is
    a ``<result>`` element, and ``<`` never appears unescaped in text."""
    return xml.count(b"<result")


def serialize_boolean(value: bool, fmt: ox.QueryResultsFormat) -> bytes:
    """An ASK answer → bytes in ``fmt``."""
    text = "true" if value else "false"
    if fmt == JSON:
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == XML:
        return (
            f'<?xml version="1.0"?>\n<sparql xmlns="{SPARQL_RESULTS_NS}"><head/>'
            f"<boolean>{text}</boolean></sparql>\n"
        ).encode()
    return f"{text}\r\n".encode() if fmt == CSV else f"{text}\n".encode()
