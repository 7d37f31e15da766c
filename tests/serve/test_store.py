"""The embedded store: named graphs per document, the union default graph, loading errors."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from citybrand_kg.errors import GraphError, QueryError, StoreError
from citybrand_kg.serve.store import GraphStore, uses_service, write_in_predicate_order

GRAPH = Path(__file__).parent / "fixtures" / "citybrand.trig"
DOCUMENTS = {
    "https://w3id.org/citybrand-kg/resource/doc/f842a3659336e2f5",
    "https://w3id.org/citybrand-kg/resource/doc/51fa8dbc54aab708",
}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def count(store: GraphStore, query: str = COUNT) -> int:
    return int(next(iter(store.query(query)))["n"].value)


ENTITIES = "https://w3id.org/citybrand-kg/resource/graph/entities"


def test_trig_keeps_one_named_graph_per_document_and_one_for_the_entities() -> None:
    store = GraphStore.open()
    report = store.load(GRAPH)
    assert set(report.graphs) == DOCUMENTS | {ENTITIES} == set(store.named_graphs())
    assert report.quads == len(store) == 317


HANGZHOU = "<https://w3id.org/citybrand-kg/resource/place/Q4970>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
DISTINCT = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


def test_the_union_default_graph_is_the_set_of_the_stored_triples() -> None:
    """Each triple is in one graph, so the engine's own union counts each once: Hangzhou, which
    both documents mention, is described once, in the entity graph."""
    store = GraphStore.open()
    store.load(GRAPH)
    assert count(store) == count(store, DISTINCT) == len(store)
    labels = f"SELECT (COUNT(*) AS ?n) WHERE {{ {HANGZHOU} {RDFS_LABEL} ?label }}"
    per_graph = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ENTITIES}> {{ {HANGZHOU} {RDFS_LABEL} ?label }} }}"
    assert count(store, labels) == count(store, per_graph) >= 1


def test_which_document_said_it_is_found_through_the_assertions() -> None:
    store = GraphStore.open()
    store.load(GRAPH)
    query = f"""PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?a rdf:subject ?event ; rdf:object {HANGZHOU} }} }}"""
    found = {row["g"].value for row in store.query(query)}  # type: ignore[union-attr]
    assert found and found <= DOCUMENTS


LABELS = f"{{0}} SELECT (COUNT(*) AS ?n) {{1}} WHERE {{{{ {HANGZHOU} {RDFS_LABEL} ?label }}}}"
GRAPHS = "{0} SELECT (COUNT(DISTINCT ?g) AS ?n) {1} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"


def test_several_default_graphs_whether_named_by_from_or_by_the_protocol() -> None:
    """FROM <a> FROM <b> (or default-graph-uri twice) makes a and b together the default graph."""
    store = GraphStore.open()
    store.load(GRAPH)
    first = min(DOCUMENTS)
    union = count(store, LABELS.format("", ""))
    prefix = f"PREFIX doc: <{first.rsplit('/', 1)[0]}/>"
    from_both = f"FROM doc:{first.rsplit('/', 1)[1]} FROM <{ENTITIES}>"
    assert count(store, LABELS.format(prefix, from_both)) == union >= 1
    assert count(store, LABELS.format(prefix, f"FROM doc:{first.rsplit('/', 1)[1]}")) == 0
    both = [ox.NamedNode(first), ox.NamedNode(ENTITIES)]
    assert int(next(iter(store.query(LABELS.format("", ""), default_graph=both)))["n"].value) == union
    assert count(store, GRAPHS.format(prefix, from_both)) == 0  # FROM alone: no named graphs
    assert count(store, GRAPHS.format(prefix, from_both + f" FROM NAMED <{ENTITIES}>")) == 1


def test_protocol_graphs_work_as_from_and_from_named() -> None:
    """default-graph-uri alone leaves no named graphs; named-graph-uri alone, an empty default graph."""
    store = GraphStore.open()
    store.load(GRAPH)
    first = ox.NamedNode(min(DOCUMENTS))
    assert int(next(iter(store.query(GRAPHS.format("", ""), default_graph=[first])))["n"].value) == 0
    assert int(next(iter(store.query(COUNT, named_graphs=[first])))["n"].value) == 0
    assert int(next(iter(store.query(GRAPHS.format("", ""), named_graphs=[first])))["n"].value) == 1


def test_from_inside_a_string_or_an_iri_leaves_the_union() -> None:
    store = GraphStore.open()
    store.load(GRAPH)
    quoted = 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(?o != "FROM <x>") FILTER(?p != <http://x/FROM>) } # FROM'
    assert count(store, quoted) == len(store)


def copy_in_memory(store: GraphStore, folder: Path) -> GraphStore:
    """What a query worker holds: the store's snapshot loaded into memory."""
    store.write_snapshot(folder / "snapshot.nq")
    return GraphStore.copy_of(folder / "snapshot.nq")


def test_the_workers_copy_is_in_memory_read_only_and_answers_the_same(tmp_path: Path) -> None:
    store = GraphStore.open(tmp_path / "store")
    store.load(GRAPH)
    store.update('INSERT DATA { <urn:test:s> <urn:test:p> "in the default graph" }')
    copy = copy_in_memory(store, tmp_path)
    assert copy.path is None and copy.read_only
    assert set(copy.quads()) == set(store.quads()) and len(copy) == 318
    assert [quad.object.value for quad in copy.quads(ox.DefaultGraph())] == ["in the default graph"]
    join = f"""PREFIX itsrdf: <http://www.w3.org/2005/11/its/rdf#>
    SELECT ?m ?e ?l WHERE {{ ?e {RDFS_LABEL} ?l . ?m itsrdf:taIdentRef ?e . ?e a ?type }}"""
    rows = {tuple(term.value for term in row) for row in store.query(join)}  # type: ignore[union-attr]
    assert rows and {tuple(term.value for term in row) for row in copy.query(join)} == rows  # type: ignore[union-attr]
    with pytest.raises(StoreError, match="read-only"):
        copy.update("CLEAR ALL")
    with pytest.raises(StoreError, match="read-only"):
        copy.load(GRAPH)


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
    """The merged Turtle of a build loads into the same named graphs as its TriG, graph for graph."""
    trig = GraphStore.open()
    trig.load(GRAPH)
    turtle_path = tmp_path / "graph.ttl"
    union = trig.query("CONSTRUCT WHERE { ?s ?p ?o }")
    turtle_path.write_bytes(ox.serialize(union, format=ox.RdfFormat.TURTLE))
    turtle = GraphStore.open(tmp_path / "store")
    report = turtle.load(turtle_path)
    assert set(report.graphs) == DOCUMENTS | {ENTITIES} == set(turtle.named_graphs())
    for graph in [*DOCUMENTS, ENTITIES]:
        assert graph_triples(turtle, ox.NamedNode(graph)) == graph_triples(trig, ox.NamedNode(graph))
    assert graph_triples(turtle, ox.DefaultGraph()) == graph_triples(trig, ox.DefaultGraph()) == set()


def test_turtle_triples_no_document_claims_go_to_the_entity_graph_or_without_documents_the_default(tmp_path: Path) -> None:
    union = GraphStore.open()
    union.load(GRAPH)
    data = ox.serialize(union.query("CONSTRUCT WHERE { ?s ?p ?o }"), format=ox.RdfFormat.N_TRIPLES)
    extra = b"<https://example.org/term> <http://www.w3.org/2000/01/rdf-schema#label> \"unclaimed\" .\n"
    (tmp_path / "graph.nt").write_bytes(data + extra)
    store = GraphStore.open()
    store.load(tmp_path / "graph.nt")
    assert graph_triples(store, ox.DefaultGraph()) == set()
    assert any(str(t.object) == '"unclaimed"' for t in graph_triples(store, ox.NamedNode(ENTITIES)))
    (tmp_path / "alone.nt").write_bytes(extra)
    alone = GraphStore.open()
    alone.load(tmp_path / "alone.nt")
    assert [str(t.object) for t in graph_triples(alone, ox.DefaultGraph())] == ['"unclaimed"']


def test_persistent_store_reopens_read_only(tmp_path: Path) -> None:
    store = GraphStore.open(tmp_path / "store")
    store.load(GRAPH)
    store.close()
    snapshot = GraphStore.open_read_only(tmp_path / "store")
    assert len(snapshot) == 317


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
    ("query", "service"),
    [
        ('SELECT * WHERE { ?s ?p "SERVICE" }', False),
        ("SELECT * WHERE { ?s <http://x/SERVICE> ?o } # SERVICE", False),
        ("select * where { service <http://x> { ?s ?p ?o } }", True),
    ],
)
def test_service_is_found_outside_strings_iris_and_comments(query: str, service: bool) -> None:
    assert uses_service(query) is service


def test_the_workers_copy_is_loaded_in_predicate_and_object_order(tmp_path: Path) -> None:
    """An in-memory store iterates its quads in reverse order of insertion, which is also the order
    their nodes were allocated in: each predicate's quads, and within them each object's, come as
    one run."""
    store = GraphStore.open()
    store.load(GRAPH)
    quads = list(copy_in_memory(store, tmp_path).oxigraph)
    assert len(quads) == len(store)
    predicates = [quad.predicate for quad in quads]
    assert runs(predicates) == len(set(predicates)) > 10
    pairs = [(quad.predicate, quad.object) for quad in quads]
    assert runs(pairs) == len(set(pairs))


def runs(items: list[object]) -> int:
    return sum(1 for index, item in enumerate(items) if index == 0 or items[index - 1] != item)


@pytest.mark.parametrize("buckets", [1, 3, 64])
def test_predicate_order_moves_lines_and_changes_none(tmp_path: Path, buckets: int) -> None:
    lines = [
        b'<urn:s1> <urn:b> "a literal with  spaces and a \\n" <urn:g> .',
        b"_:x <urn:a> <urn:o> .",
        b'<urn:s2> <urn:b> "2"^^<http://www.w3.org/2001/XMLSchema#integer> .',
        b"<urn:s3> <urn:a> _:y <urn:g> .",
        b'<urn:s1> <urn:c> "lang"@zh .',
        b"<urn:s9> <urn:a> <urn:o> .",
        b"<urn:s0> <urn:a> <urn:o> .",
    ]
    (tmp_path / "in.nq").write_bytes(b"\n".join(lines))  # no newline at the end
    write_in_predicate_order(tmp_path / "in.nq", tmp_path / "out.nq", buckets)
    ordered = (tmp_path / "out.nq").read_bytes().split(b"\n")
    assert ordered.pop() == b"" and sorted(ordered) == sorted(lines)
    predicates = [line.split(b" ")[1] for line in ordered]
    assert runs(predicates) == len(set(predicates))  # each predicate's lines together
    for predicate in set(predicates):  # in object order, equal ones as given
        mine = [line for line in ordered if line.split(b" ")[1] == predicate]
        assert mine == sorted((line for line in lines if line.split(b" ")[1] == predicate), key=lambda line: line.split(b" ", 1)[1])
    assert len(list(ox.parse(b"\n".join(ordered), format=ox.RdfFormat.N_QUADS))) == len(lines)
