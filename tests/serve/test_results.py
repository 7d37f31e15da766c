"""The row cap and the native result writers, run in-process (the same code the workers run)."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest

from citybrand_kg.serve.execution import execute
from citybrand_kg.serve.jobs import QueryJob
from citybrand_kg.serve.store import GraphStore

EX = "http://example.org/"
FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "text/csv": ox.QueryResultsFormat.CSV,
}
ROWS = 30
# Terms a writer could get wrong: tabs, newlines, quotes, braces and tags in text, a blank node, a
# language tag, a datatype, a triple term.
AWKWARD = [
    ox.Literal('tab\there, newline\nthere, "quoted" {"a":1},{} <result> 中文'),
    ox.Literal("hello", language="en-GB"),
    ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
    ox.BlankNode("b1"),
    ox.Triple(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("o")),
]


@pytest.fixture(scope="module")
def store() -> GraphStore:
    store = GraphStore.open()
    quads = [
        ox.Quad(ox.NamedNode(f"{EX}item/{index:02d}"), ox.NamedNode(EX + "value"), AWKWARD[index % len(AWKWARD)],
                ox.NamedNode(f"{EX}graph/{index % 3}"))
        for index in range(ROWS)
    ]
    store.oxigraph.extend(quads)
    return store


def run(store: GraphStore, sparql: str, max_rows: int, accept: str = "application/sparql-results+json"):
    outcome = execute(store, QueryJob(sparql, accept=accept, max_rows=max_rows))
    assert outcome.status == 200, outcome.text
    return outcome


def rows_of(outcome, accept: str) -> list:
    if accept == "text/csv":
        return list(csv.reader(io.StringIO(outcome.body.decode())))[1:]
    return [tuple(solution) for solution in ox.parse_query_results(outcome.body, FORMATS[accept])]


ORDERED = f"SELECT ?s ?o WHERE {{ ?s <{EX}value> ?o }} ORDER BY ?s"
SHAPES = {
    "bounded": ORDERED,  # the appended LIMIT fits
    "own limit": ORDERED + " LIMIT 1000",  # it does not: the writer stops instead
    "trailing values": f"SELECT ?s ?o WHERE {{ ?s <{EX}value> ?o }} ORDER BY ?s VALUES ?unused {{ 1 }}",
    "ends in a comment": ORDERED + " # LIMIT 3",
}


@pytest.mark.parametrize("accept", list(FORMATS))
@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("max_rows", [1, ROWS // 2, ROWS - 1, ROWS, ROWS + 1, 1000])
def test_cap_keeps_the_first_rows_in_every_format(store: GraphStore, accept: str, shape: str, max_rows: int) -> None:
    full = run(store, SHAPES[shape], 1000, accept)
    capped = run(store, SHAPES[shape], max_rows, accept)
    assert rows_of(capped, accept) == rows_of(full, accept)[:max_rows]
    truncated = max_rows < ROWS
    assert ("X-SPARQL-Truncated" in capped.headers) is truncated
    if truncated:
        assert capped.headers == {"X-SPARQL-Truncated": "true", "X-SPARQL-Max-Rows": str(max_rows)}


@pytest.mark.parametrize("accept", [media for media in FORMATS if media != "text/csv"])
def test_every_term_survives_the_writers(store: GraphStore, accept: str) -> None:
    outcome = run(store, ORDERED, 1000, accept)
    objects = [solution["o"] for solution in ox.parse_query_results(outcome.body, FORMATS[accept])]
    named = [term for term in AWKWARD if not isinstance(term, ox.BlankNode)]
    assert set(named) <= set(objects)
    assert sum(isinstance(term, ox.BlankNode) for term in objects) == ROWS // len(AWKWARD)


def test_offset_in_the_query_is_kept_under_the_cap(store: GraphStore) -> None:
    everything = rows_of(run(store, ORDERED, 1000), "application/sparql-results+json")
    offset = run(store, ORDERED + " OFFSET 5", 10)
    assert rows_of(offset, "application/sparql-results+json") == everything[5:15]
    assert offset.headers["X-SPARQL-Truncated"] == "true"


def test_ask_and_construct_are_not_limited_by_solutions(store: GraphStore) -> None:
    ask = run(store, f"ASK {{ <{EX}item/29> ?p ?o }}", 1)
    assert bool(ox.parse_query_results(ask.body, ox.QueryResultsFormat.JSON)) is True
    # Every solution gives two triples: the cap counts triples.
    construct = f"CONSTRUCT {{ ?s <{EX}a> ?o . ?s <{EX}b> ?o }} WHERE {{ ?s <{EX}value> ?o }}"
    outcome = run(store, construct, 10, "application/n-triples")
    assert len(outcome.body.decode().strip().splitlines()) == 10
    assert outcome.headers["X-SPARQL-Truncated"] == "true"
    whole = run(store, construct, 1000, "application/n-triples")
    assert len(whole.body.decode().strip().splitlines()) == 2 * ROWS
    assert "X-SPARQL-Truncated" not in whole.headers


def test_a_malformed_query_reports_its_own_error(store: GraphStore) -> None:
    outcome = execute(store, QueryJob("SELECT ?s WHERE { ?s ?p ", max_rows=10))
    assert outcome.status == 400
    assert "LIMIT" not in outcome.text
    limited_twice = execute(store, QueryJob("SELECT ?s WHERE { ?s ?p ?o } LIMIT 3 LIMIT 4", max_rows=10))
    assert limited_twice.status == 400
    assert "line 1" in limited_twice.text or "1:" in limited_twice.text
