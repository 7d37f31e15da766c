"""The embedded store: named graphs per document, the union default graph, loading errors."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from citybrand_kg.errors import GraphError, QueryError, StoreError
from citybrand_kg.serve.store import GraphStore, in_predicate_order, scan_query

GRAPH = Path(__file__).parent / "fixtures" / "citybrand.trig"
DOCUMENTS = {
    "https://w3id.org/citybrand-kg/resource/doc/f842a3659336e2f5",
    "https://w3id.org/citybrand-kg/resource/doc/51fa8dbc54aab708",
}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def count(store: GraphStore, query: str = COUNT) -> int:
    return int(next(iter(store.query(query)))["n"].value)


def test_trig_keeps_one_named_graph_per_document() -> None:
    store = GraphStore.open()
    report = store.load(GRAPH)
    assert set(report.graphs) == DOCUMENTS == set(store.named_graphs())
    assert report.quads == len(store) == 321


def test_queries_see_the_union_of_all_graphs() -> None:
    store = GraphStore.open()
    store.load(GRAPH)
    distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    assert count(store, distinct) > 250


HANGZHOU = "<https://w3id.org/citybrand-kg/resource/place/Q4970>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


def test_the_union_is_a_set_of_triples_not_one_copy_per_graph() -> None:
    """Hangzhou is described in both document graphs; the union holds its labels once, as an RDF
    merge does (Oxigraph's own union default graph would count them twice)."""
    store = GraphStore.open()
    store.load(GRAPH)
    labels = f"SELECT (COUNT(*) AS ?n) WHERE {{ {HANGZHOU} {RDFS_LABEL} ?label }}"
    per_graph = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {HANGZHOU} {RDFS_LABEL} ?label }} }}"
    assert count(store, labels) >= 1
    assert count(store, per_graph) == 2 * count(store, labels)
    distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    assert count(store) == count(store, distinct) < len(store)


LABELS = f"{{0}} SELECT (COUNT(*) AS ?n) {{1}} WHERE {{{{ {HANGZHOU} {RDFS_LABEL} ?label }}}}"
GRAPHS = "{0} SELECT (COUNT(DISTINCT ?g) AS ?n) {1} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"


@pytest.mark.parametrize("view", [False, True], ids=["plain-store", "merged-view"])
def test_several_default_graphs_are_merged_whether_named_by_from_or_by_the_protocol(view: bool) -> None:
    """FROM <a> FROM <b> (or default-graph-uri twice) makes the RDF merge of a and b the default
    graph: Hangzhou's labels, in both document graphs, count once (Oxigraph alone counts them twice)."""
    store = GraphStore.open()
    store.load(GRAPH)
    store = store.merged_view() if view else store
    first, second = sorted(DOCUMENTS)
    union = count(store, LABELS.format("", ""))
    prefix = f"PREFIX doc: <{first.rsplit('/', 1)[0]}/>"
    from_both = f"FROM doc:{first.rsplit('/', 1)[1]} FROM <{second}>"
    assert count(store, LABELS.format(prefix, from_both)) == union >= 1
    both = [ox.NamedNode(first), ox.NamedNode(second)]
    assert int(next(iter(store.query(LABELS.format("", ""), default_graph=both)))["n"].value) == union
    assert count(store, GRAPHS.format(prefix, from_both)) == 0  # FROM alone: no named graphs
    assert count(store, GRAPHS.format(prefix, from_both + f" FROM NAMED <{second}>")) == 1


def test_protocol_graphs_work_as_from_and_from_named() -> None:
    """default-graph-uri alone leaves no named graphs; named-graph-uri alone, an empty default graph."""
    store = GraphStore.open()
    store.load(GRAPH)
    first = ox.NamedNode(min(DOCUMENTS))
    assert int(next(iter(store.query(GRAPHS.format("", ""), default_graph=[first])))["n"].value) == 0
    assert int(next(iter(store.query(COUNT, named_graphs=[first])))["n"].value) == 0
    assert int(next(iter(store.query(GRAPHS.format("", ""), named_graphs=[first])))["n"].value) == 1


def test_merged_view_keeps_the_stored_dataset_apart_from_the_merge(tmp_path: Path) -> None:
    store = GraphStore.open(tmp_path / "store")
    store.load(GRAPH)
    store.update('INSERT DATA { <urn:test:s> <urn:test:p> "in the default graph" }')
    view = store.merged_view()
    assert view.is_merged_view and view.merged_view() is view
    assert len(view) == len(store) == 322
    assert set(view.quads()) == set(store.quads())
    assert [quad.object.value for quad in view.quads(ox.DefaultGraph())] == ["in the default graph"]
    assert set(view.named_graphs()) == DOCUMENTS
    assert count(view) == count(store) < len(view)
    both_routes = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o OPTIONAL { GRAPH <urn:test:none> { ?s ?p ?x } } }"
    assert scan_query(both_routes).has_graph and not scan_query(COUNT).has_graph
    assert count(view, both_routes) == count(view)  # the merge beside the named graphs, and alone
    with pytest.raises(StoreError, match="read-only"):
        view.update("CLEAR ALL")
    with pytest.raises(StoreError, match="read-only"):
        view.load(GRAPH)


def runs(items: list[object]) -> int:
    return sum(1 for index, item in enumerate(items) if index == 0 or items[index - 1] != item)


def test_the_merged_view_is_loaded_in_predicate_and_object_order() -> None:
    """An in-memory store iterates its quads in reverse order of insertion, which is also the
    order their nodes were allocated in: in the merge, and among the named graphs' quads beside
    it, each predicate's quads, and within them each object's, must come as one run."""
    store = GraphStore.open()
    store.load(GRAPH)
    view = store.merged_view()
    assert view._merged is not None
    merge = list(view._merged.merge)
    named = [quad for quad in view.oxigraph if not isinstance(quad.graph_name, ox.DefaultGraph)]
    assert len(merge) == count(store) and len(named) == len(store)
    for quads in (merge, named):
        predicates = [quad.predicate for quad in quads]
        assert runs(predicates) == len(set(predicates)) > 10
        pairs = [(quad.predicate, quad.object) for quad in quads]
        assert runs(pairs) == len(set(pairs))


def test_predicate_order_moves_lines_and_changes_none() -> None:
    lines = [
        b'<urn:s1> <urn:b> "a literal with  spaces and a \\n" .',
        b"_:x <urn:a> <urn:o> .",
        b'<urn:s2> <urn:b> "2"^^<http://www.w3.org/2001/XMLSchema#integer> .',
        b"<urn:s3> <urn:a> _:y .",
        b'<urn:s1> <urn:c> "lang"@zh .',
        b"<urn:s9> <urn:a> <urn:o> .",
        b"<urn:s0> <urn:a> <urn:o> .",
    ]
    ordered = in_predicate_order(b"\n".join(lines) + b"\n")
    expected = [lines[index] for index in (1, 5, 6, 3, 2, 0, 4)]  # by predicate, object; else as given
    assert ordered == b"\n".join(expected) + b"\n"
    assert in_predicate_order(b"\n".join(lines)) == ordered  # no newline at the end
    parsed = {quad.triple for quad in ox.parse(ordered, format=ox.RdfFormat.N_TRIPLES)}
    assert len(parsed) == len(lines)


def test_a_plain_store_sees_its_own_writes_after_a_union_query() -> None:
    store = GraphStore.open()
    store.load(GRAPH)
    before = count(store)
    store.update('INSERT DATA { GRAPH <urn:test:g> { <urn:test:s> <urn:test:p> "new" } }')
    assert count(store) == before + 1
    store.writable().add(ox.Quad(ox.NamedNode("urn:test:s"), ox.NamedNode("urn:test:p"), ox.Literal("direct")))
    assert count(store) == before + 2


def graph_triples(store: GraphStore, graph: ox.NamedNode | ox.DefaultGraph) -> set[ox.Triple]:
    return {quad.triple for quad in store.oxigraph.quads_for_pattern(None, None, None, graph)}


def test_turtle_is_split_by_document_like_the_trig(tmp_path: Path) -> None:
    """The merged Turtle of a build loads into the same named graphs as its TriG, graph for graph:
    an entity two documents mention (Hangzhou, Q4970) is described in both of their graphs."""
    trig = GraphStore.open()
    trig.load(GRAPH)
    turtle_path = tmp_path / "graph.ttl"
    union = trig.query("CONSTRUCT WHERE { ?s ?p ?o }")
    turtle_path.write_bytes(ox.serialize(union, format=ox.RdfFormat.TURTLE))
    turtle = GraphStore.open(tmp_path / "store")
    report = turtle.load(turtle_path)
    assert set(report.graphs) == DOCUMENTS == set(turtle.named_graphs())
    for document in DOCUMENTS:
        assert graph_triples(turtle, ox.NamedNode(document)) == graph_triples(trig, ox.NamedNode(document))
    assert graph_triples(turtle, ox.DefaultGraph()) == graph_triples(trig, ox.DefaultGraph()) == set()
    hangzhou = "ASK { GRAPH <%s> { <https://w3id.org/citybrand-kg/resource/place/Q4970> rdfs:label ?label } }"
    prefix = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    assert all(turtle.query(prefix + hangzhou % document) for document in DOCUMENTS)


def test_turtle_triples_no_document_claims_stay_in_the_default_graph(tmp_path: Path) -> None:
    turtle_path = tmp_path / "graph.ttl"
    union = GraphStore.open()
    union.load(GRAPH)
    data = ox.serialize(union.query("CONSTRUCT WHERE { ?s ?p ?o }"), format=ox.RdfFormat.N_TRIPLES)
    extra = b"<https://example.org/term> <http://www.w3.org/2000/01/rdf-schema#label> \"unclaimed\" .\n"
    turtle_path.write_bytes(data + extra)
    store = GraphStore.open()
    store.load(turtle_path)
    default = graph_triples(store, ox.DefaultGraph())
    assert [str(t.object) for t in default] == ['"unclaimed"']


def test_persistent_store_reopens_read_only(tmp_path: Path) -> None:
    store = GraphStore.open(tmp_path / "store")
    store.load(GRAPH)
    store.close()
    snapshot = GraphStore.open_read_only(tmp_path / "store")
    assert len(snapshot) == 321


def test_unknown_extension_and_broken_file_are_graph_errors(tmp_path: Path) -> None:
    store = GraphStore.open()
    (tmp_path / "graph.xlsx").write_bytes(b"PK")
    with pytest.raises(GraphError, match="names no graph format"):
        store.load(tmp_path / "graph.xlsx")
    with pytest.raises(GraphError, match="no such graph file"):
        store.load(tmp_path / "missing.ttl")
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .", encoding="utf-8")
    with pytest.raises(GraphError, match="broken.ttl"):
        store.load(broken)


def test_malformed_query_is_a_query_error() -> None:
    with pytest.raises(QueryError, match="malformed SPARQL query"):
        GraphStore.open().query("SELECT ?x WHERE {")


@pytest.mark.parametrize(
    ("query", "dataset", "service", "graph"),
    [
        ("SELECT * FROM <g> WHERE { ?s ?p ?o }", True, False, False),
        ('SELECT * WHERE { ?s ?p "FROM SERVICE GRAPH" }', False, False, False),
        ("SELECT * WHERE { ?s <http://x/FROM> ?o } # FROM GRAPH", False, False, False),
        ("select * where { service <http://x> { ?s ?p ?o } }", False, True, False),
        ("select * where { graph ?g { ?s ?p ?o } }", False, False, True),
    ],
)
def test_scan_query_ignores_strings_iris_and_comments(query: str, dataset: bool, service: bool, graph: bool) -> None:
    features = scan_query(query)
    assert (features.has_dataset, features.has_service, features.has_graph) == (dataset, service, graph)


def test_scan_query_counts_the_default_graph_clauses() -> None:
    query = 'SELECT * FROM <a> from\n<b> FROM NAMED <c> WHERE { ?s ?p "FROM <d>" } # FROM <e>'
    assert scan_query(query).from_clauses == 2


def test_scan_query_of_a_long_query_is_not_remembered_but_the_same() -> None:
    padding = "# " + "x" * 30_000 + "\n"
    query = padding + "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } SERVICE <http://x> {} }"
    assert scan_query(query) == scan_query(query[len(padding):])
    assert scan_query(query).has_graph and scan_query(query).has_service
