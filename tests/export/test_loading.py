"""Loading into a real Oxigraph server over the Graph Store Protocol, and the HTTP edge cases."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from citybrand_kg.errors import StoreError, UsageError
from citybrand_kg.export.loading import REST_GRAPH, derive_query_endpoint, load_graph, parse_auth_header
from citybrand_kg.rdf.named_graphs import split_by_document
from tests.kg_samples import DOCUMENTS, MINI_GRAPH, mini_graph

ENTITIES = "https://w3id.org/citybrand-kg/resource/graph/entities"


def oxigraph_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "oxigraph"
    return str(beside_python) if beside_python.exists() else shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``oxigraph serve`` on a free loopback port; yields its base URL."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server binary (PyPI package 'oxigraph') is not installed")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [binary, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/query", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"oxigraph did not start: {process.stderr.read().decode() if process.stderr else ''}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def remote_count(base: str, query: str) -> int:
    answer = httpx.post(f"{base}/query", data={"query": query},
                        headers={"Accept": "application/sparql-results+json"}, timeout=30)
    answer.raise_for_status()
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


DISTINCT = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"


@pytest.mark.oxigraph_server
def test_loading_twice_is_idempotent(oxigraph: str) -> None:
    for _ in range(2):
        report = load_graph(MINI_GRAPH, f"{oxigraph}/store", batch_triples=100)
        assert report.ok, report
        assert report.query_endpoint == f"{oxigraph}/query"
        assert report.local_triples == len(mini_graph()) == report.remote_triples
        assert sorted(report.remote_graph_triples) == [*DOCUMENTS, ENTITIES]
        assert max(g.requests for g in report.graphs) > 1  # one PUT, then POSTs
    assert remote_count(oxigraph, DISTINCT) == len(mini_graph())


@pytest.mark.oxigraph_server
def test_the_load_command_says_one_line(oxigraph: str) -> None:
    """The CLI's summary, once, without a line per HTTP request."""
    done = subprocess.run([sys.executable, "-m", "citybrand_kg", "load", str(MINI_GRAPH), "--endpoint", f"{oxigraph}/store"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    said = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert len(said) == 1 and "triples sent" in said[0], said


@pytest.mark.oxigraph_server
def test_seed_graph_loads_twice_with_the_local_count(oxigraph: str, seed_build) -> None:
    out = seed_build.outputs["graph"].parent
    local = Graph().parse(out / "graph.ttl")
    for _ in range(2):
        report = load_graph(out / "graph.ttl", f"{oxigraph}/store")
        assert report.ok, report
        assert report.remote_triples == report.local_triples == len(local)
    trig = load_graph(out / "graph.trig", f"{oxigraph}/store")  # the pipeline's own named graphs
    assert trig.ok and trig.local_triples == len(local)


@pytest.mark.oxigraph_server
def test_triples_no_document_claims_go_to_the_entity_graph_and_a_default_graph_to_the_shared_one(oxigraph: str) -> None:
    graph = mini_graph()
    entities = load_graph(graph, f"{oxigraph}/store").remote_graph_triples[ENTITIES]
    graph.add((URIRef("https://w3id.org/citybrand-kg/ontology#Event"), RDF.type, OWL.Class))
    graph.add((URIRef("https://w3id.org/citybrand-kg/ontology#Event"), RDFS.label, Literal("event", lang="en")))
    report = load_graph(graph, f"{oxigraph}/store")
    assert report.ok and report.remote_graph_triples[ENTITIES] == entities + 2  # replaced, not added to
    dataset = Dataset()
    dataset.add((URIRef("urn:test:s"), RDFS.label, Literal("in no named graph")))
    shared = load_graph(dataset, f"{oxigraph}/store")
    assert shared.ok and shared.remote_graph_triples[REST_GRAPH] == 1


def mock_client(handler) -> httpx.Client:  # type: ignore[no-untyped-def]
    return httpx.Client(transport=httpx.MockTransport(handler))


def counting_store(fail_first: int = 0, status: int = 503):  # type: ignore[no-untyped-def]
    """A fake Graph Store that fails the first requests, then stores what it is sent."""
    seen: list[httpx.Request] = []
    sizes: dict[str, int] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) <= fail_first:
            return httpx.Response(status)
        if request.url.path == "/store":
            lines = [line for line in request.content.decode().splitlines() if line.strip()]
            name = request.url.params["graph"]
            sizes[name] = (0 if request.method == "PUT" else sizes.get(name, 0)) + len(lines)
            return httpx.Response(204)
        if "GROUP BY" in parse_qs(request.content.decode())["query"][0]:
            rows = [{"g": {"type": "uri", "value": g}, "n": {"type": "literal", "value": str(n)}}
                    for g, n in sizes.items()]
        else:
            rows = [{"n": {"type": "literal", "value": str(len(mini_graph()))}}]
        return httpx.Response(200, json={"head": {"vars": []}, "results": {"bindings": rows}})

    return handler, seen


def test_retries_server_errors_with_backoff() -> None:
    handler, seen = counting_store(fail_first=2)
    report = load_graph(MINI_GRAPH, "http://store.test/store", retries=3, backoff=0, client=mock_client(handler))
    assert report.ok and len(seen) == 2 + len(DOCUMENTS) + 1 + 2  # failures, the graphs, the two counts


def test_gives_up_after_the_retries() -> None:
    handler, seen = counting_store(fail_first=99)
    with pytest.raises(StoreError, match="503"):
        load_graph(MINI_GRAPH, "http://store.test/store", retries=2, backoff=0, client=mock_client(handler))
    assert len(seen) == 3


def test_client_errors_are_not_retried() -> None:
    handler, seen = counting_store(fail_first=1, status=401)
    with pytest.raises(StoreError, match="401"):
        load_graph(MINI_GRAPH, "http://store.test/store", backoff=0, client=mock_client(handler))
    assert len(seen) == 1


def test_connection_errors_are_retried() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(StoreError, match="failed after 2 tries"):
        load_graph(MINI_GRAPH, "http://store.test/store", retries=1, backoff=0, client=mock_client(handler))
    assert len(calls) == 2


def test_auth_header_is_sent_with_every_request() -> None:
    handler, seen = counting_store()
    load_graph(MINI_GRAPH, "http://store.test/store", auth_header="Authorization: Bearer s3cret",
               client=mock_client(handler))
    assert seen and all(r.headers["Authorization"] == "Bearer s3cret" for r in seen)


def test_batches_put_first_then_post() -> None:
    handler, seen = counting_store()
    report = load_graph(MINI_GRAPH, "http://store.test/store", batch_triples=60, client=mock_client(handler))
    assert report.ok
    methods = [r.method for r in seen if r.url.path == "/store" and r.url.params["graph"] == DOCUMENTS[0]]
    triples = len(next(part.graph for part in split_by_document(mini_graph()) if str(part.name) == DOCUMENTS[0]))
    assert triples > 120 and methods[0] == "PUT" and set(methods[1:]) == {"POST"} and len(methods) == -(-triples // 60)


@pytest.mark.parametrize("store,query", [
    ("http://localhost:7878/store", "http://localhost:7878/query"),
    ("http://localhost:3030/ds/data", "http://localhost:3030/ds/query"),
    ("http://localhost:7200/repositories/kg/rdf-graphs/service", "http://localhost:7200/repositories/kg"),
    ("http://localhost:8890/sparql-graph-crud", "http://localhost:8890/sparql"),
    ("http://localhost:8890/sparql-graph-crud-auth", "http://localhost:8890/sparql-auth"),
    ("https://cluster.example:8182/sparql/gsp/", "https://cluster.example:8182/sparql"),
])
def test_query_endpoint_heuristics(store: str, query: str) -> None:
    assert derive_query_endpoint(store) == query


def test_unknown_store_url_asks_for_the_query_endpoint() -> None:
    with pytest.raises(UsageError, match="query endpoint"):
        derive_query_endpoint("http://localhost:9999/graphs")


@pytest.mark.parametrize("text,header", [
    ("Authorization: Bearer abc", ("Authorization", "Bearer abc")),
    ("Bearer abc", ("Authorization", "Bearer abc")),
    ("X-Api-Key: k:1", ("X-Api-Key", "k:1")),
])
def test_auth_header_forms(text: str, header: tuple[str, str]) -> None:
    assert parse_auth_header(text) == header
