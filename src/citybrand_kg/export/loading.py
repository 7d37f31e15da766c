"""Push a citybrand-kg graph into a remote store over the SPARQL 1.1 Graph Store HTTP Protocol.

Public functions::

    load_graph(source: str | Path | Graph | Dataset, endpoint: str, *,
               query_endpoint: str | None = None, auth_header: str | None = None,
               auth: httpx.Auth | None = None, batch_triples: int = 50_000, retries: int = 3,
               backoff: float = 0.5, timeout: float = 60.0, rest_graph: str | None = REST_GRAPH,
               client: httpx.Client | None = None) -> LoadReport
    derive_query_endpoint(endpoint: str) -> str
    parse_auth_header(text: str) -> tuple[str, str]

Each named graph of the source (one per document and the entity graph, see
:mod:`citybrand_kg.rdf.named_graphs`) replaces the graph of that name: ``PUT
{endpoint}?graph={name}``, so loading the same graph again is idempotent. A graph larger than
``batch_triples`` is sent as one ``PUT`` (the first batch, with every triple that has a blank
node) followed by ``POST`` requests for the rest. Triples in the source's default graph go to
``rest_graph`` (``None``: the store's default graph, ``PUT {endpoint}?default``). Bodies are N-Triples sent as ``text/turtle`` (N-Triples is a
subset of Turtle, the one syntax every Graph Store accepts).

Connection errors, time-outs and 5xx answers are retried ``retries`` times with exponential
backoff (``backoff``, ``2 × backoff``, …); a 4xx answer fails at once. Finally the target's
query endpoint is asked how many triples each loaded named graph holds and how many distinct
triples they hold together; ``LoadReport.ok`` is true when both match what was sent (triples sent
to the default graph, with ``rest_graph=None``, are not checked: stores differ in what their
default graph means).

``query_endpoint`` defaults to :func:`derive_query_endpoint`'s guess (Oxigraph ``/store`` →
``/query``, Fuseki ``/{ds}/data`` → ``/{ds}/query``, GraphDB/RDF4J
``/repositories/{id}/rdf-graphs/service`` → ``/repositories/{id}``, Virtuoso
``/sparql-graph-crud[-auth]`` → ``/sparql[-auth]``, Neptune ``/sparql/gsp/`` → ``/sparql``).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
from rdflib import BNode, Dataset, Graph
from rdflib.term import Node

from citybrand_kg.errors import StoreError, UsageError
from citybrand_kg.rdf.named_graphs import DocumentGraph, document_graphs
from citybrand_kg.terminal import counted

logger = logging.getLogger(__name__)

REST_GRAPH = "https://w3id.org/citybrand-kg/resource/graph/shared"
"""Named graph for the triples of a source's default graph (what a dataset puts in no named graph)."""

CONTENT_TYPE = "text/turtle; charset=utf-8"
RETRY_STATUSES = frozenset(range(500, 600)) | {408, 429}
_HEADER = re.compile(r"^([!#$%&'*+.^_`|~0-9A-Za-z-]+):\s*(.*)$")
_QUERY_PATHS: tuple[tuple[str, str], ...] = (
    (r"/store/?$", "/query"),  # Oxigraph
    (r"/rdf-graphs/service/?$", ""),  # GraphDB, RDF4J
    (r"/sparql-graph-crud(-auth)?/?$", r"/sparql\1"),  # Virtuoso
    (r"/sparql/gsp/?$", "/sparql"),  # Neptune
    (r"/data/?$", "/query"),  # Fuseki
)


@dataclass(frozen=True)
class GraphLoad:
    """One named graph sent: its name (``None`` = default graph), triples and requests."""

    name: str | None
    triples: int
    requests: int


@dataclass(frozen=True)
class LoadReport:
    endpoint: str
    query_endpoint: str
    graphs: tuple[GraphLoad, ...]
    triples_sent: int  # sum over graphs
    local_triples: int  # distinct triples of the source graph sent to named graphs
    remote_triples: int | None  # distinct triples in the loaded graphs, per the target
    remote_graph_triples: dict[str, int] = field(default_factory=dict)  # per graph, per the target

    @property
    def ok(self) -> bool:
        per_graph = all(self.remote_graph_triples.get(g.name, -1) == g.triples for g in self.graphs if g.name)
        return self.remote_triples == self.local_triples and per_graph


def load_graph(
    source: str | Path | Graph | Dataset,
    endpoint: str,
    *,
    query_endpoint: str | None = None,
    auth_header: str | None = None,
    auth: httpx.Auth | None = None,
    batch_triples: int = 50_000,
    retries: int = 3,
    backoff: float = 0.5,
    timeout: float = 60.0,
    rest_graph: str | None = REST_GRAPH,
    client: httpx.Client | None = None,
) -> LoadReport:
    if batch_triples < 1:
        raise UsageError(f"batch size must be at least 1 triple, not {batch_triples}.")
    query_url = query_endpoint or derive_query_endpoint(endpoint)
    parts = document_graphs(source)
    headers = dict([parse_auth_header(auth_header)]) if auth_header else {}
    sender = _Sender(endpoint, headers, retries, backoff)
    with client or httpx.Client(timeout=timeout, auth=auth) as http:
        loads = tuple(sender.send(http, _name(part, rest_graph), part.graph, batch_triples) for part in parts)
        counts = _remote_counts(sender, http, query_url, [load.name for load in loads])
    local = len({triple for part in parts if _name(part, rest_graph) for triple in part.graph})
    report = LoadReport(endpoint, query_url, loads, sum(load.triples for load in loads), local, *counts)
    log = logger.debug if report.ok else logger.warning  # the caller reports a good load
    log("loaded %s (%d triples sent, %d local, %s remote) into %s",
        counted(len(loads), "graph"), report.triples_sent, local, report.remote_triples, endpoint)
    return report


def derive_query_endpoint(endpoint: str) -> str:
    """The SPARQL query URL of a Graph Store URL, for the stores named in the module docstring."""
    parts = urlsplit(endpoint)
    for pattern, replacement in _QUERY_PATHS:
        if re.search(pattern, parts.path):
            path = re.sub(pattern, replacement, parts.path)
            return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    raise UsageError(
        f"cannot tell the SPARQL query endpoint of {endpoint}; pass it explicitly (--query-endpoint)."
    )


def parse_auth_header(text: str) -> tuple[str, str]:
    """``"Name: value"`` → ``(Name, value)``; a bare ``"Bearer …"`` / ``"Basic …"`` is an Authorization."""
    match = _HEADER.match(text.strip())
    if match and " " not in match.group(1):
        return match.group(1), match.group(2)
    if text.strip():
        return "Authorization", text.strip()
    raise UsageError("the auth header is empty; give it as 'Name: value', e.g. 'Authorization: Bearer …'.")


def _name(part: DocumentGraph, rest_graph: str | None) -> str | None:
    return str(part.name) if part.name is not None else rest_graph


@dataclass(frozen=True)
class _Sender:
    endpoint: str
    headers: dict[str, str]
    retries: int
    backoff: float

    def send(self, http: httpx.Client, name: str | None, graph: Graph, batch_triples: int) -> GraphLoad:
        url = self._graph_url(name)
        requests = 0
        for number, body in enumerate(_batches(graph, batch_triples)):
            method = "PUT" if number == 0 else "POST"
            self.request(http, method, url, content=body.encode("utf-8"),
                         headers={**self.headers, "Content-Type": CONTENT_TYPE})
            requests += 1
        logger.debug("sent %d triples to graph %s in %d requests", len(graph), name or "default", requests)
        return GraphLoad(name, len(graph), requests)

    def request(self, http: httpx.Client, method: str, url: str, **kwargs: object) -> httpx.Response:
        for attempt in range(self.retries + 1):
            try:
                response = http.request(method, url, **kwargs)  # type: ignore[arg-type]
            except httpx.TransportError as exc:
                if attempt == self.retries:
                    raise StoreError(f"{url}: {method} failed after {attempt + 1} tries ({exc}).") from exc
                problem = str(exc) or type(exc).__name__
            else:
                if response.status_code < 400:
                    return response
                if response.status_code not in RETRY_STATUSES or attempt == self.retries:
                    raise StoreError(
                        f"{url}: {method} answered {response.status_code} {response.reason_phrase}"
                        f" ({_snippet(response)})."
                    )
                problem = f"HTTP {response.status_code}"
            delay = self.backoff * 2**attempt
            logger.warning("%s %s: %s; retrying in %.1f s", method, url, problem, delay)
            time.sleep(delay)
        raise AssertionError("unreachable")

    def _graph_url(self, name: str | None) -> str:
        joiner = "&" if "?" in self.endpoint else "?"
        if name is None:
            return f"{self.endpoint}{joiner}default"
        return str(httpx.URL(self.endpoint).copy_merge_params({"graph": name}))


def _batches(graph: Graph, size: int) -> Iterator[str]:
    """N-Triples bodies; the first holds every blank-node triple (blank nodes are scoped per request)."""
    with_blank = [t for t in graph if _has_blank(t)]
    plain = sorted(t for t in graph if not _has_blank(t))
    first = with_blank + plain[: max(size - len(with_blank), 0)]
    yield _ntriples(first)
    rest = plain[len(first) - len(with_blank):]
    for start in range(0, len(rest), size):
        yield _ntriples(rest[start:start + size])


def _has_blank(triple: tuple[Node, Node, Node]) -> bool:
    return any(isinstance(term, BNode) for term in triple)


def _ntriples(triples: list[tuple[Node, Node, Node]]) -> str:
    batch = Graph()
    for triple in triples:
        batch.add(triple)
    return batch.serialize(format="nt", encoding="utf-8").decode("utf-8")


def _remote_counts(
    sender: _Sender, http: httpx.Client, query_url: str, names: list[str | None]
) -> tuple[int | None, dict[str, int]]:
    named = sorted(n for n in names if n is not None)
    if not named:
        return None, {}
    values = " ".join(f"<{n}>" for n in named)
    per_graph = _select(sender, http, query_url,
                        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
                        " GROUP BY ?g")
    distinct = _select(sender, http, query_url,
                       "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE "
                       f"{{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} }}")
    counts = {row["g"]: int(row["n"]) for row in per_graph if "g" in row}
    return (int(distinct[0]["n"]) if distinct else 0), counts


def _select(sender: _Sender, http: httpx.Client, url: str, query: str) -> list[dict[str, str]]:
    response = sender.request(
        http, "POST", url, data={"query": query},
        headers={**sender.headers, "Accept": "application/sparql-results+json"},
    )
    try:
        bindings = response.json()["results"]["bindings"]
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"{url}: the count query did not return SPARQL JSON results ({_snippet(response)}).") from exc
    return [{key: value["value"] for key, value in row.items()} for row in bindings]


def _snippet(response: httpx.Response) -> str:
    text = " ".join(response.text.split())
    return text[:200] or "no body"
