"""JSON results assembled from TSV mean the same as pyoxigraph's own JSON writer's, for any terms."""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citybrand_kg.serve import jsonresults
from citybrand_kg.serve.jsonresults import tsv_to_json

JSON, TSV = ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.TSV
XSD = "http://www.w3.org/2001/XMLSchema#"


def both_ways(document: dict[str, Any]) -> tuple[Any, Any]:
    """The results ``document`` written by pyoxigraph as JSON, and as TSV turned into JSON here."""
    native, assembled = both_ways_as_written(document)
    return json.loads(native), json.loads(assembled)


def both_ways_as_written(document: dict[str, Any]) -> tuple[bytes, bytes]:
    text = json.dumps(document).encode()
    native = ox.parse_query_results(text, JSON).serialize(format=JSON) or b""
    tsv = ox.parse_query_results(text, JSON).serialize(format=TSV) or b""
    assembled = tsv_to_json(tsv)
    assert tsv_to_json(tsv, rows=max(tsv.count(b"\n") - 1, 0)) == assembled  # rows counted by the caller
    return native, assembled


def results(names: list[str], rows: list[list[dict[str, Any] | None]]) -> dict[str, Any]:
    bindings = [{name: term for name, term in zip(names, row, strict=True) if term is not None} for row in rows]
    return {"head": {"vars": names}, "results": {"bindings": bindings}}


def iri(value: str) -> dict[str, Any]:
    return {"type": "uri", "value": value}


def literal(value: str, *, language: str | None = None, datatype: str | None = None) -> dict[str, Any]:
    term: dict[str, Any] = {"type": "literal", "value": value}
    if language:
        term["xml:lang"] = language
    if datatype:
        term["datatype"] = datatype
    return term


AWKWARD = [
    iri("http://example.org/中文?q=1#frag"),
    {"type": "bnode", "value": "b1"},
    literal('tab\there, newline\nthere, cr\r, "quoted" \\ {"a":1},{} <result> 中文'),
    literal("control \x01\x08\x0c\x1f and delete \x7f"),
    literal('ends in a backslash \\'),
    literal('looks tagged"@en', language="zh-hans"),
    literal('looks typed"^^<http://x>', datatype="http://example.org/type"),
    literal("hello", language="en-gb"),
    literal("a", language="en"),
    literal("7", datatype=XSD + "integer"),
    literal("-0.5", datatype=XSD + "decimal"),
    literal("1.5E3", datatype=XSD + "double"),
    literal("NaN", datatype=XSD + "double"),
    literal("true", datatype=XSD + "boolean"),
    literal("1", datatype=XSD + "boolean"),
    literal("not a number", datatype=XSD + "integer"),
    literal("2020-01-01", datatype=XSD + "date"),
    literal(""),
    {"type": "triple", "value": {"subject": iri("http://example.org/s"), "predicate": iri("http://example.org/p"),
                                 "object": literal("o", language="en")}},
    None,
]


def test_every_kind_of_term_in_one_column() -> None:
    native, assembled = both_ways(results(["x"], [[term] for term in AWKWARD]))
    assert assembled == native


def test_every_kind_of_term_in_columns_of_one_kind() -> None:
    names = [f"v{index}" for index in range(len(AWKWARD))]
    native, assembled = both_ways(results(names, [AWKWARD, AWKWARD]))
    assert assembled == native


@pytest.mark.parametrize("names,rows", [([], []), ([], [[]]), ([], [[], []]), (["x", "y"], []),
                                        (["x", "y"], [[None, None]]), (["x", "y"], [[None, iri("http://a")]])])
def test_empty_shapes(names: list[str], rows: list[list[Any]]) -> None:
    native, assembled = both_ways(results(names, rows))
    assert assembled == native


@pytest.mark.parametrize("width", [1, 2, 3])
def test_rows_of_iris_alone(width: int) -> None:
    names = [f"v{index}" for index in range(width)]
    rows = [[iri(f"http://example.org/{column}/{row}") for column in range(width)] for row in range(300)]
    native, assembled = both_ways_as_written(results(names, rows))
    assert assembled == native  # byte for byte


def test_brackets_that_add_up_are_not_taken_for_iris() -> None:
    """A triple term of IRIs has ten brackets: with four numbers beside it, as many as five IRIs."""
    triple = {"type": "triple", "value": {"subject": iri("http://example.org/s"), "predicate": iri("http://example.org/p"),
                                          "object": iri("http://example.org/o")}}
    number = literal("1", datatype=XSD + "integer")
    for names, rows in ((["x"], [[triple], [number], [number], [number], [number]]),
                        (["x", "y"], [[triple, number], [number, number], [number, iri("http://example.org/i")]])):
        native, assembled = both_ways(results(names, rows))
        assert assembled == native


def test_escapes_json_does_not_share_are_read_not_copied() -> None:
    """pyoxigraph's TSV writer escapes only what JSON also escapes, but TSV allows Turtle's other
    escapes (\\' and \\U....); written by another writer, they must not reach the JSON as they are."""
    tsv = (b'?x\n"it\\\'s"\n"smile \\U0001F600 and \\u00e9"@en\n"\\b\\f"^^<http://example.org/dt>\n'
           b'"\\\\\\\'"\n')
    native = json.loads(ox.parse_query_results(tsv, TSV).serialize(format=JSON) or b"")
    assert json.loads(tsv_to_json(tsv)) == native


def test_a_column_of_one_kind_takes_no_cell_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the module: homogeneous columns are converted without a step per cell."""
    def refuse(name: bytes, cell: bytes) -> bytes:
        raise AssertionError(f"{cell!r} was converted alone")

    monkeypatch.setattr(jsonresults, "_through_pyoxigraph", refuse)
    rows = [[iri(f"http://example.org/e/{index}"), literal(f"标签 {index}", language="zh"),
             literal(str(index), datatype=XSD + "integer"), None if index % 3 else literal(f'"{index}"')]
            for index in range(50)]
    native, assembled = both_ways_as_written(results(["event", "label", "n", "maybe"], rows))
    assert assembled == native  # byte for byte


# Random terms: IRIs and blank nodes pyoxigraph accepts, literals of any text with or without a
# language tag or a datatype (numbers, booleans, well or ill formed), triple terms, unbound.
iri_paths = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Co", "Cs", "Zs", "Zl", "Zp"),
                                  exclude_characters='<>"{}|^`\\ %[]'), max_size=8)
iris = iri_paths.map(lambda path: iri("http://example.org/" + path))
blanks = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,5}", fullmatch=True).map(lambda label: {"type": "bnode", "value": label})
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12) | st.sampled_from(
    ['"', "\\", '\\"', '"@en', '"^^<x>', "\t\n\r", "\x00"])
lexical = st.integers(-10**6, 10**6).map(str) | st.sampled_from(["1.5", "-.5", "+3", "1e5", "1.0E-2", "true", "false",
                                                                 "0", "1", "INF", "abc", " 1"])
datatypes = st.sampled_from([XSD + kind for kind in ("integer", "decimal", "double", "boolean", "string", "date")]
                            + ["http://example.org/dt"])
literals = st.one_of(
    texts.map(literal),
    st.tuples(texts, st.sampled_from(["en", "zh", "zh-hans", "en-gb", "x-private-1"])).map(
        lambda pair: literal(pair[0], language=pair[1])),
    st.tuples(lexical | texts, datatypes).map(lambda pair: literal(pair[0], datatype=pair[1])),
)
simple_terms = iris | blanks | literals
terms = simple_terms | st.tuples(iris | blanks, iris, simple_terms).map(
    lambda spo: {"type": "triple", "value": {"subject": spo[0], "predicate": spo[1], "object": spo[2]}})


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    width = draw(st.integers(0, 4))
    names = [f"v{index}" for index in range(width)]
    # A column draws from one kind of term most of the time, as real results do.
    columns = [draw(st.sampled_from([iris, blanks, literals, texts.map(literal), terms])) for _ in range(width)]
    rows = draw(st.lists(st.tuples(*[st.none() | column for column in columns]).map(list), max_size=12))
    return results(names, rows)


@given(documents())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_results_mean_the_same(document: dict[str, Any]) -> None:
    try:
        native, assembled = both_ways(document)
    except (SyntaxError, ValueError):  # a term pyoxigraph refuses to read: nothing to compare
        return
    assert assembled == native
