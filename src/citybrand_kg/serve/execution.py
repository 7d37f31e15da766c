"""Run a job against a store and turn the answer into an :class:`Outcome` (inside a worker).

Pure apart from the store: the same code runs in-process in tests and in worker processes.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Iterable

import pyoxigraph as ox

from citybrand_kg.errors import QueryError, StoreError
from citybrand_kg.serve.jobs import (
    GraphReadJob,
    GraphScope,
    GraphTarget,
    GraphWriteJob,
    Job,
    Outcome,
    QueryJob,
    StatsJob,
    UpdateJob,
)
from citybrand_kg.serve.negotiation import (
    GRAPH_FORMATS,
    GRAPH_TYPES,
    RESULTS_FORMATS,
    RESULTS_TYPES,
    preferred,
)
from citybrand_kg.serve.results import serialize_solutions
from citybrand_kg.serve.store import GraphStore, QueryResult
from citybrand_kg.serve.vocabulary import PREFIXES

logger = logging.getLogger(__name__)

TRIPLE_FORMATS = tuple(media for media, fmt in GRAPH_FORMATS.items() if not fmt.supports_datasets)
DATASET_FORMATS = ("application/trig", "application/n-quads")


def execute(store: GraphStore, job: Job) -> Outcome:
    """Dispatch on the job type; every failure becomes an error outcome, never an exception."""
    try:
        return _dispatch(store, job)
    except QueryError as exc:
        return Outcome.error(400, str(exc))
    except (StoreError, OSError, ValueError, RuntimeError) as exc:
        logger.warning("job failed: %s", exc)
        return Outcome.error(500, f"the query failed: {exc}")
    except Exception as exc:  # a worker must answer, whatever went wrong
        logger.exception("job crashed")
        return Outcome.error(500, f"the server failed on this request: {exc!r}")


def _dispatch(store: GraphStore, job: Job) -> Outcome:
    if isinstance(job, QueryJob):
        return run_query(store, job)
    if isinstance(job, UpdateJob):
        store.update(job.sparql)
        return Outcome(204)
    if isinstance(job, GraphReadJob):
        return read_graph(store, job)
    if isinstance(job, GraphWriteJob):
        return write_graph(store, job)
    return dataset_stats(store, job)


def run_query(store: GraphStore, job: QueryJob) -> Outcome:
    """Evaluate, cap at ``max_rows``, serialise as negotiated."""
    result, bounded = _evaluate(store, job)
    if isinstance(result, ox.QueryBoolean):
        return _boolean_outcome(result, job.accept)
    if isinstance(result, ox.QuerySolutions):
        return _solutions_outcome(result, job.accept, job.max_rows, bounded)
    return _triples_outcome(result, job.accept, job.max_rows)


def _evaluate(store: GraphStore, job: QueryJob) -> tuple[QueryResult, bool]:
    """The query's result, and whether its evaluation stops after ``max_rows + 1`` solutions.

    The query is first run with ``LIMIT max_rows + 1`` appended (on a line of its own, after any
    comment). That parses only when the query has no top-level LIMIT and no trailing VALUES
    block, and then the LIMIT applies to the whole query: a SELECT gives the first rows it
    would have given anyway, an ASK the same answer. CONSTRUCT and DESCRIBE are run again as
    written, since their LIMIT counts solutions, not triples; so are the queries the appended
    LIMIT does not fit (their parse errors are the original query's).
    """
    default_graph = [_graph_node(iri) for iri in job.default_graphs]
    named_graphs = [ox.NamedNode(iri) for iri in job.named_graphs]

    def query(sparql: str) -> QueryResult:
        return store.query(sparql, default_graph=default_graph, named_graphs=named_graphs)

    try:
        result = query(f"{job.sparql}\nLIMIT {job.max_rows + 1}")
    except QueryError:
        return query(job.sparql), False
    if isinstance(result, ox.QueryTriples):
        return query(job.sparql), False
    return result, True


def _graph_node(iri: str) -> ox.NamedNode | ox.DefaultGraph:
    """The empty IRI names the store's default graph."""
    return ox.DefaultGraph() if iri == "" else ox.NamedNode(iri)


def _boolean_outcome(value: ox.QueryBoolean, accept: str) -> Outcome:
    media_type = preferred(accept, RESULTS_TYPES)
    if media_type is None:
        return _not_acceptable("ASK", RESULTS_TYPES)
    return Outcome(200, value.serialize(format=RESULTS_FORMATS[media_type]) or b"", _with_charset(media_type))


def _solutions_outcome(solutions: ox.QuerySolutions, accept: str, max_rows: int, bounded: bool) -> Outcome:
    media_type = preferred(accept, RESULTS_TYPES)
    if media_type is None:
        return _not_acceptable("SELECT", RESULTS_TYPES)
    body, truncated = serialize_solutions(solutions, RESULTS_FORMATS[media_type], max_rows, bounded=bounded)
    return Outcome(200, body, _with_charset(media_type), _truncation_headers(max_rows) if truncated else {})


def _triples_outcome(triples: ox.QueryTriples, accept: str, max_rows: int) -> Outcome:
    media_type = preferred(accept, GRAPH_TYPES)
    if media_type is None:
        return _not_acceptable("CONSTRUCT/DESCRIBE", GRAPH_TYPES)
    collected = list(itertools.islice(triples, max_rows + 1))
    headers = _truncation_headers(max_rows) if len(collected) > max_rows else {}
    body = serialize_rdf(collected[:max_rows], GRAPH_FORMATS[media_type])
    return Outcome(200, body, _with_charset(media_type), headers)


def serialize_rdf(items: Iterable[ox.Triple] | Iterable[ox.Quad], fmt: ox.RdfFormat) -> bytes:
    """Triples or quads in ``fmt``, with the project prefixes where the format has them."""
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML):
        return ox.serialize(items, format=fmt, prefixes=PREFIXES) or b""
    return ox.serialize(items, format=fmt) or b""


def _truncation_headers(max_rows: int) -> dict[str, str]:
    return {"X-SPARQL-Truncated": "true", "X-SPARQL-Max-Rows": str(max_rows)}


def _not_acceptable(form: str, offered: tuple[str, ...]) -> Outcome:
    return Outcome.error(406, f"{form} results are available as {', '.join(offered)}; none is acceptable.")


def _with_charset(media_type: str) -> str:
    textual = media_type.startswith("text/") or media_type.endswith(("json", "xml"))
    return f"{media_type}; charset=utf-8" if textual else media_type


def read_graph(store: GraphStore, job: GraphReadJob) -> Outcome:
    """Graph Store GET: one graph as triples, or the whole dataset as quads."""
    offered = DATASET_FORMATS if job.target.scope is GraphScope.DATASET else TRIPLE_FORMATS
    media_type = preferred(job.accept, offered)
    if media_type is None:
        return _not_acceptable("graphs", offered)
    if job.target.scope is GraphScope.DATASET:
        return Outcome(200, serialize_rdf(store.quads(), GRAPH_FORMATS[media_type]), _with_charset(media_type))
    graph = _target_node(job.target)
    if not _graph_exists(store, graph):
        return Outcome.error(404, f"there is no graph {job.target.label} in this store.")
    triples = (quad.triple for quad in store.quads(graph))
    return Outcome(200, serialize_rdf(triples, GRAPH_FORMATS[media_type]), _with_charset(media_type))


def _target_node(target: GraphTarget) -> ox.NamedNode | ox.DefaultGraph:
    return ox.NamedNode(target.iri) if target.scope is GraphScope.NAMED and target.iri else ox.DefaultGraph()


def _graph_exists(store: GraphStore, graph: ox.NamedNode | ox.DefaultGraph) -> bool:
    return isinstance(graph, ox.DefaultGraph) or store.oxigraph.contains_named_graph(graph)


def write_graph(store: GraphStore, job: GraphWriteJob) -> Outcome:
    """Graph Store PUT / POST / DELETE (writer process only)."""
    graph = _target_node(job.target)
    existed = _graph_exists(store, graph)
    if job.method == "DELETE":
        return _delete_graph(store, job.target, graph, existed)
    parsed = _parse_payload(job)
    if isinstance(parsed, Outcome):
        return parsed
    if job.method == "PUT":
        _clear(store, job.target, graph)
    store.writable().extend(parsed)
    if isinstance(graph, ox.NamedNode) and not existed:
        store.writable().add_graph(graph)
        return Outcome(201, headers={"Location": f"?graph={job.target.iri}"})
    return Outcome(204)


def _delete_graph(store: GraphStore, target: GraphTarget, graph: ox.NamedNode | ox.DefaultGraph, existed: bool) -> Outcome:
    if not existed:
        return Outcome.error(404, f"there is no graph {target.label} in this store.")
    _clear(store, target, graph)
    return Outcome(204)


def _clear(store: GraphStore, target: GraphTarget, graph: ox.NamedNode | ox.DefaultGraph) -> None:
    oxigraph = store.writable()
    if target.scope is GraphScope.DATASET:
        oxigraph.clear()
    elif isinstance(graph, ox.NamedNode):
        if oxigraph.contains_named_graph(graph):
            oxigraph.remove_graph(graph)
    else:
        oxigraph.clear_graph(graph)


def _parse_payload(job: GraphWriteJob) -> list[ox.Quad] | Outcome:
    media_type = job.content_type.split(";", 1)[0].strip().lower()
    fmt = GRAPH_FORMATS.get(media_type)
    if fmt is None:
        return Outcome.error(415, f"cannot read {media_type or 'a body without Content-Type'}; "
                             f"send one of {', '.join(GRAPH_FORMATS)}.")
    try:
        quads = list(ox.parse(job.data, format=fmt, base_iri=job.target.iri, rename_blank_nodes=True))
    except (SyntaxError, ValueError) as exc:
        return Outcome.error(400, f"the {fmt.name} body is malformed: {exc}")
    if job.target.scope is GraphScope.DATASET:
        return quads
    if any(not isinstance(quad.graph_name, ox.DefaultGraph) for quad in quads):
        return Outcome.error(400, f"the body names graphs; send triples for graph {job.target.label}.")
    graph = _target_node(job.target)
    return [ox.Quad(quad.subject, quad.predicate, quad.object, graph) for quad in quads]


def dataset_stats(store: GraphStore, job: StatsJob) -> Outcome:
    """Quads, named graphs and a sample of graph names, as JSON."""
    graphs = [graph.value for graph in itertools.islice(store.oxigraph.named_graphs(), job.max_graphs)]
    stats = {"quads": len(store), "named_graphs": sum(1 for _ in store.oxigraph.named_graphs()), "sample": graphs}
    return Outcome(200, json.dumps(stats).encode(), "application/json")

