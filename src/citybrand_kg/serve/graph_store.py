"""SPARQL 1.1 Graph Store HTTP Protocol at /store and /rdf-graph-store."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from citybrand_kg.serve.jobs import GraphReadJob, GraphScope, GraphTarget, GraphWriteJob
from citybrand_kg.serve.negotiation import accept_from
from citybrand_kg.serve.protocol import ProtocolError, media_type, read_body
from citybrand_kg.serve.runtime import Runtime, authorize, outcome_response


def graph_target(request: Request) -> GraphTarget:
    """``?default``, ``?graph=IRI`` or neither (the whole dataset)."""
    params = request.query_params
    graphs = params.getlist("graph")
    if "default" in params and graphs or len(graphs) > 1:
        raise ProtocolError(400, "name one graph: either ?default or a single ?graph=IRI.")
    if graphs:
        return GraphTarget(GraphScope.NAMED, graphs[0])
    return GraphTarget(GraphScope.DEFAULT if "default" in params else GraphScope.DATASET)


async def graph_store(request: Request) -> Response:
    """GET/HEAD reads for anyone; PUT/POST/DELETE only with --allow-update and the token."""
    runtime: Runtime = request.app.state.runtime
    target = graph_target(request)
    if request.method in ("GET", "HEAD"):
        accept = accept_from(request.headers.get("accept"), request.query_params.get("format"))
        return outcome_response(await runtime.read(GraphReadJob(target, accept)))
    authorize(request, runtime.settings)
    if request.method in ("PUT", "DELETE") and target.scope is GraphScope.DATASET:
        raise ProtocolError(400, f"{request.method} needs ?default or ?graph=IRI.")
    data = b"" if request.method == "DELETE" else await read_body(request, runtime.settings.max_upload_bytes)
    job = GraphWriteJob(request.method, target, data, media_type(request))
    return outcome_response(await runtime.write(job))
