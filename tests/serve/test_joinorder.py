"""Join order: triple patterns reordered by their counts, within their own runs, with the same answers."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citybrand_kg.errors import QueryError
from citybrand_kg.serve.joinorder import PredicateStats, reorder
from citybrand_kg.serve.store import GraphStore

EX = "http://example.org/"
PREFIX = f"PREFIX : <{EX}>\n"
# :big has many triples, :mid fewer, :small few; :absent none at all.
STATS = PredicateStats(
    1110,
    {f"{EX}big": (1000, 1000, 10), f"{EX}mid": (100, 100, 100), f"{EX}small": (10, 10, 10)},
)


def test_the_cheapest_pattern_goes_first_and_the_chain_stays_connected() -> None:
    written = PREFIX + "SELECT * WHERE { ?a :big ?b . ?b :mid ?c . ?c :small ?d }"
    assert reorder(written, STATS) == PREFIX + "SELECT * WHERE { ?c :small ?d . ?b :mid ?c . ?a :big ?b }"


def test_a_pattern_sharing_no_variable_waits_for_the_connected_ones() -> None:
    written = PREFIX + "SELECT * WHERE { ?a :big ?b . ?x :small ?y . ?b :mid ?c . ?c :big ?a }"
    planned = reorder(written, STATS)
    assert planned == PREFIX + "SELECT * WHERE { ?x :small ?y . ?b :mid ?c . ?c :big ?a . ?a :big ?b }"


def test_bound_positions_and_absent_predicates_count() -> None:
    # :absent matches nothing, so it goes first; a constant object makes :big cheap (1000 / 10).
    written = PREFIX + "SELECT * WHERE { ?a :mid ?b . ?a :big :k . ?a :absent ?z }"
    assert reorder(written, STATS) == PREFIX + "SELECT * WHERE { ?a :absent ?z . ?a :big :k . ?a :mid ?b }"


def test_dollar_and_question_mark_name_the_same_variable() -> None:
    written = PREFIX + "SELECT * WHERE { ?a :big ?b . $b :mid ?c . ?z :mid ?w }"
    # $b is ?b: once $b :mid ?c has bound it, ?a :big ?b is connected, so it goes before ?z :mid ?w.
    assert reorder(written, STATS) == PREFIX + "SELECT * WHERE { $b :mid ?c . ?a :big ?b . ?z :mid ?w }"


def test_a_relative_iri_is_guessed_from_the_size_not_taken_for_an_absent_predicate() -> None:
    written = f"BASE <{EX}>\n" + PREFIX + "SELECT * WHERE { ?a <big> ?b . ?b :small ?c }"
    assert reorder(written, STATS) == f"BASE <{EX}>\n" + PREFIX + "SELECT * WHERE { ?b :small ?c . ?a <big> ?b }"


def test_semicolons_and_commas_are_spelled_out() -> None:
    written = PREFIX + "SELECT * { ?s :big ?o ; :small ?p , ?q . }"
    # Once ?s is bound, ?s :big ?o and ?s :small ?q are both expected to match once: written order.
    assert reorder(written, STATS) == PREFIX + "SELECT * { ?s :small ?p . ?s :big ?o . ?s :small ?q . }"


def test_runs_are_reordered_only_within_themselves() -> None:
    written = (
        PREFIX + "SELECT * WHERE { ?a :big ?b . ?b :small ?c . OPTIONAL { ?c :mid ?d } "
        "?d :big ?e . ?e :small ?f FILTER(?f != ?a) }"
    )
    assert reorder(written, STATS) == (
        PREFIX + "SELECT * WHERE { ?b :small ?c . ?a :big ?b . OPTIONAL { ?c :mid ?d } "
        "?e :small ?f . ?d :big ?e FILTER(?f != ?a) }"
    )


@pytest.mark.parametrize(
    "where",
    [
        "{ ?a :big ?b . ?b :small ?c }",  # already in order? no: see the first assertion below
        "{ ?c :small ?d . ?b :mid ?c . ?a :big ?b }",  # already the cheapest order
        "{ ?a :big ?b }",  # one pattern
        "{ ?a :big/:mid ?b . ?b :small ?c }",  # a property path
        "{ ?a :big [ :mid ?b ] . ?b :small ?c }",  # a blank-node property list
        "{ ?a :big ( ?b ?c ) . ?b :small ?c }",  # a collection
        "{ VALUES ?a { :x :big :y } ?a :small ?b }",
        "{ ?a :big ?b . ?b :small ?c ` }",  # a character the lexer does not know
    ],
)
def test_what_is_left_as_written(where: str) -> None:
    written = PREFIX + "SELECT * WHERE " + where
    if where == "{ ?a :big ?b . ?b :small ?c }":
        assert reorder(written, STATS) != written  # the control: this one does change
        return
    assert reorder(written, STATS) is written


def test_values_blocks_are_data() -> None:
    written = PREFIX + "SELECT * WHERE { ?a :big ?b . ?b :small ?c } VALUES (?a ?b ?c) { (:x :big :y) }"
    assert reorder(written, STATS) == (
        PREFIX + "SELECT * WHERE { ?b :small ?c . ?a :big ?b } VALUES (?a ?b ?c) { (:x :big :y) }"
    )


@pytest.mark.parametrize("head", ["SELECT ?a {", "SELECT * WHERE { GRAPH ?g {", "SELECT * { FILTER(true) {"])
def test_groups_after_a_variable_or_a_parenthesis_are_patterns(head: str) -> None:
    closing = "}" * head.count("{")
    written = PREFIX + head + " ?a :big ?b . ?b :small ?c " + closing
    assert reorder(written, STATS) == PREFIX + head + " ?b :small ?c . ?a :big ?b " + closing


def test_construct_templates_are_left_as_written() -> None:
    written = PREFIX + "CONSTRUCT { ?a :big ?b . ?b :small ?c } WHERE { ?c :small ?d . ?b :mid ?c . ?a :big ?b }"
    assert reorder(written, STATS) is written


def test_strings_comments_and_iris_are_kept_as_written() -> None:
    written = (
        PREFIX + 'SELECT * WHERE { ?a :big "x . y ; z"@en . # a comment . with dots\n'
        f"?a <{EX}small> '''long\n\"text\"''' }}"
    )
    planned = reorder(written, STATS)
    assert planned == PREFIX + f"SELECT * WHERE {{ ?a <{EX}small> '''long\n\"text\"''' . ?a :big \"x . y ; z\"@en }}"


def test_statistics_of_a_store() -> None:
    store = ox.Store()
    for index in range(6):
        store.add(ox.Quad(ox.NamedNode(f"{EX}s{index}"), ox.NamedNode(f"{EX}p"), ox.NamedNode(f"{EX}o{index % 2}")))
    store.add(ox.Quad(ox.NamedNode(f"{EX}s0"), ox.NamedNode(f"{EX}q"), ox.Literal("x")))
    stats = PredicateStats.of(store)
    assert stats.triples == 7
    assert stats.by_predicate == {f"{EX}p": (6, 6, 2), f"{EX}q": (1, 1, 1)}


# Equivalence: on random data, the reordered query has the same solutions, as a multiset.
PREDICATES = ["p", "q", "r"]
NODES = [f"n{index}" for index in range(6)]
VARIABLES = ["?a", "?b", "?c", "?d"]
terms = st.one_of(st.sampled_from(VARIABLES), st.sampled_from([f":{node}" for node in NODES]))
patterns = st.tuples(terms, st.sampled_from([f":{name}" for name in PREDICATES] + ["?p"]), terms)
edges = st.lists(st.tuples(st.sampled_from(NODES), st.sampled_from(PREDICATES), st.sampled_from(NODES)), max_size=40)


def solutions(store: ox.Store, sparql: str) -> Counter[tuple[str, ...]]:
    result = store.query(sparql, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [variable.value for variable in result.variables]
    return Counter(tuple(str(row[name]) for name in names) for row in result)


@settings(max_examples=150, deadline=None)
@given(
    edges,
    st.lists(patterns, min_size=2, max_size=5),
    st.lists(patterns, min_size=0, max_size=3),
    st.sampled_from(["{{ {first} OPTIONAL {{ {second} }} }}", "{{ {first} . {second} }}",
                     "{{ {first} FILTER(true) {second} }}", "{{ {{ {first} }} UNION {{ {second} }} }}"]),
)
def test_reordering_keeps_the_solutions(edges, first, second, shape) -> None:
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(EX + p), ox.NamedNode(EX + o)) for s, p, o in edges)
    stats = PredicateStats.of(store)
    text = " . ".join(" ".join(pattern) for pattern in first)
    other = " . ".join(" ".join(pattern) for pattern in second)
    written = PREFIX + "SELECT * WHERE " + shape.format(first=text, second=other)
    assert solutions(store, reorder(written, stats)) == solutions(store, written)


def test_the_workers_copy_answers_in_join_order_and_reports_errors_as_written() -> None:
    store = GraphStore.open()
    quads = [ox.Quad(ox.NamedNode(f"{EX}e{index}"), ox.NamedNode(f"{EX}big"), ox.NamedNode(f"{EX}m{index % 50}"),
                     ox.NamedNode(f"{EX}doc{index % 3}")) for index in range(300)]
    quads += [ox.Quad(ox.NamedNode(f"{EX}m{index}"), ox.NamedNode(f"{EX}small"), ox.NamedNode(f"{EX}c{index % 2}"),
                      ox.NamedNode(f"{EX}doc{index % 3}")) for index in range(5)]
    store.writable().extend(quads)
    view = store.in_memory()
    written = PREFIX + "SELECT ?e ?c WHERE { ?e :big ?m . ?m :small ?c }"
    assert view._stats is not None and reorder(written, view._stats) != written
    rows = {(row["e"].value, row["c"].value) for row in view.query(written)}  # type: ignore[union-attr]
    expected = {(f"{EX}e{index}", f"{EX}c{index % 50 % 2}") for index in range(300) if index % 50 < 5}
    assert rows == expected
    malformed = written + " LIMIT many"
    assert reorder(malformed, view._stats) != malformed  # rewritten, and still malformed
    with pytest.raises(QueryError) as raised:
        view.query(malformed)
    with pytest.raises(SyntaxError) as direct:
        ox.Store().query(malformed)
    assert str(direct.value) in str(raised.value)


def test_every_pattern_is_kept_once() -> None:
    for order in itertools.permutations(["?a :big ?b", "?b :mid ?c", "?c :small ?d", "?d :big ?e"]):
        written = PREFIX + "SELECT * WHERE { " + " . ".join(order) + " }"
        planned = reorder(written, STATS)
        body = planned[planned.index("{") + 1 : planned.rindex("}")]
        assert sorted(part.strip() for part in body.split(" . ")) == sorted(order)


def test_a_rewrite_that_breaks_a_query_falls_back_to_the_query_as_written(monkeypatch, caplog) -> None:
    store = GraphStore.open()
    store.writable().add(ox.Quad(ox.NamedNode(f"{EX}a"), ox.NamedNode(f"{EX}big"), ox.NamedNode(f"{EX}b")))
    monkeypatch.setattr("citybrand_kg.serve.store.reorder", lambda sparql, stats: sparql + " }")
    view = store.in_memory()  # queries with the (broken) reorder above
    with caplog.at_level("WARNING", logger="citybrand_kg.serve.store"):
        rows = list(view.query(PREFIX + "SELECT ?x WHERE { ?x :big ?y }"))  # type: ignore[arg-type]
    assert [row["x"].value for row in rows] == [f"{EX}a"]
    assert "ran it as written" in caplog.text


def test_the_page_queries_answer_the_same_in_join_order() -> None:
    from citybrand_kg.serve.examples import ENTITY_FACTS_QUERY, ENTITY_SOURCES_QUERY, EXAMPLES, NETWORK_QUERY

    store = GraphStore.open()
    store.load(Path(__file__).parent / "fixtures" / "citybrand.trig")
    view = store.in_memory()
    assert view._stats is not None
    event = "https://w3id.org/citybrand-kg/resource/event/hangzhou-culture-week"
    queries = [example.sparql for example in EXAMPLES] + [
        NETWORK_QUERY, ENTITY_FACTS_QUERY.replace("{iri}", event), ENTITY_SOURCES_QUERY.replace("{iri}", event)
    ]
    rewritten = 0
    for query in queries:
        planned = reorder(query, view._stats)
        rewritten += planned != query
        assert solutions(view.oxigraph, planned) == solutions(view.oxigraph, query), query
    assert rewritten  # some of them are rewritten, or this would compare nothing
