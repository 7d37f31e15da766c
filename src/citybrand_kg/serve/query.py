"""Run a SPARQL query over graph files and render the answer as a table, JSON or CSV.

``run_query(paths, sparql)`` loads the files into an in-memory store (the same store and layout as
``serve``) and returns a :class:`QueryAnswer`; the render functions are pure.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from citybrand_kg.errors import GraphError, UsageError
from citybrand_kg.serve.store import GraphStore
from citybrand_kg.terminal import aligned, counted


@dataclass(frozen=True)
class QueryAnswer:
    kind: str  # "select", "ask" or "graph"
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[str | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[str, ...] = field(default=())


_UPDATE = re.compile(r"^\s*(?:(?:PREFIX|BASE)[^\n]*\n\s*)*(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)


def checked_query(sparql: str) -> str:
    """The query, or a UsageError in one sentence when it is empty or an update (a query that is
    not SPARQL at all is reported by the store as :class:`MalformedQuery`, exit code 2)."""
    if not sparql.strip():
        raise UsageError("the query is empty.")
    if _UPDATE.match(sparql):
        raise UsageError("the query is an update; `query` runs SELECT, ASK, CONSTRUCT and DESCRIBE (serve --allow-update takes updates).")
    return sparql


def run_query(paths: list[Path], sparql: str) -> QueryAnswer:
    store = GraphStore.open(None)
    for path in paths:
        if not path.exists():
            raise GraphError(f"{path}: no such graph file.")
        store.load(path)
    result = store.query(sparql)
    if isinstance(result, ox.QueryBoolean):
        return QueryAnswer(kind="ask", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        rows = tuple(tuple(_term(solution[v]) for v in variables) for solution in result)
        return QueryAnswer(kind="select", variables=variables, rows=rows)
    return QueryAnswer(kind="graph", triples=tuple(sorted(f"{t.subject} {t.predicate} {t.object} ." for t in result)))


def _term(term: object) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return term.value
    return term.value if hasattr(term, "value") else str(term)


def render(answer: QueryAnswer, fmt: str) -> str:
    if answer.kind == "ask":
        return json.dumps({"boolean": answer.boolean}) if fmt == "json" else ("true" if answer.boolean else "false")
    if answer.kind == "graph":
        return "\n".join(answer.triples)
    if fmt == "json":
        return json.dumps([dict(zip(answer.variables, row)) for row in answer.rows], ensure_ascii=False, indent=2)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(answer.variables)
        writer.writerows([["" if v is None else v for v in row] for row in answer.rows])
        return buffer.getvalue().rstrip("\n")
    return _table(answer)


def _table(answer: QueryAnswer) -> str:
    rows = [["" if v is None else v for v in row] for row in answer.rows]
    return "\n".join([*aligned(answer.variables, rows), f"({counted(len(answer.rows), 'row')})"])
