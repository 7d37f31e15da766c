"""``create_app(store, settings)``: the Starlette app behind ``citybrand-kg serve``.

Routes: ``/`` the page, ``/static/*`` its assets, ``/sparql`` the SPARQL 1.1 Protocol,
``/store`` and ``/rdf-graph-store`` the Graph Store Protocol, ``/api/catalogue`` the page's
example queries, ``/api/stats`` the dataset size and server limits.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from citybrand_kg.errors import StoreError
from citybrand_kg.serve.description import DESCRIPTION_PREFIXES, describe_service
from citybrand_kg.serve.examples import page_catalogue
from citybrand_kg.serve.graph_store import graph_store
from citybrand_kg.serve.jobs import QueryJob, UpdateJob
from citybrand_kg.serve.negotiation import (
    GRAPH_FORMATS,
    GRAPH_TYPES,
    RESULTS_FORMATS,
    RESULTS_TYPES,
    accept_from,
    preferred,
)
from citybrand_kg.serve.pool import QueryTimeout, ServerBusy, WorkerFailed
from citybrand_kg.serve.protocol import ProtocolError, SparqlRequest, parse_sparql_request
from citybrand_kg.serve.runtime import Runtime, authorize, outcome_response
from citybrand_kg.serve.settings import ServerSettings
from citybrand_kg.serve.store import GraphStore, Prepared, prepare, uses_service

logger = logging.getLogger(__name__)

STATIC = Path(str(resources.files("citybrand_kg.serve") / "static"))
DESCRIPTION_TYPES = (*GRAPH_TYPES, "text/html")  # the service description, or the page
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
}


def create_app(store: GraphStore | Prepared, settings: ServerSettings | None = None) -> Starlette:
    """The app serving ``store``, which it takes over (see :func:`citybrand_kg.serve.store.prepare`)."""
    settings = settings or ServerSettings()
    if isinstance(store, GraphStore):
        store = prepare(store, Path(tempfile.mkdtemp(prefix="citybrand-kg-")), writable=settings.allow_update)
    runtime = Runtime(store, settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = Starlette(
        routes=_routes(),
        middleware=_middleware(settings),
        exception_handlers=_exception_handlers(),  # type: ignore[arg-type]
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app


def _routes() -> list[Route | Mount]:
    methods = ["GET", "HEAD", "PUT", "POST", "DELETE"]
    return [
        Route("/", page, methods=["GET"]),
        Route("/sparql", sparql_endpoint, methods=["GET", "POST"]),
        Route("/store", graph_store, methods=methods),
        Route("/rdf-graph-store", graph_store, methods=methods),
        Route("/api/catalogue", catalogue, methods=["GET"]),
        Route("/api/stats", stats, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


def _middleware(settings: ServerSettings) -> list[Middleware]:
    if not settings.origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=settings.origins,
            allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
            allow_headers=["Accept", "Authorization", "Content-Type"],
            expose_headers=["X-SPARQL-Truncated", "X-SPARQL-Max-Rows", "Location"],
            max_age=600,
        )
    ]


def _exception_handlers() -> dict[type[Exception], object]:
    return {
        ProtocolError: _protocol_error,
        QueryTimeout: _unavailable,
        ServerBusy: _unavailable,
        WorkerFailed: _failed,
        StoreError: _failed,
    }


async def _protocol_error(request: Request, exc: ProtocolError) -> Response:
    return _message(exc.status, str(exc), exc.headers)


async def _unavailable(request: Request, exc: Exception) -> Response:
    logger.warning("%s %s: %s", request.method, request.url.path, exc)
    return _message(503, str(exc))


async def _failed(request: Request, exc: Exception) -> Response:
    logger.error("%s %s: %s", request.method, request.url.path, exc)
    return _message(500, str(exc))


def _message(status: int, text: str, headers: dict[str, str] | None = None) -> Response:
    return Response(text.rstrip() + "\n", status_code=status, media_type="text/plain", headers=headers)


async def page(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", headers=PAGE_HEADERS)


async def catalogue(request: Request) -> Response:
    return JSONResponse(page_catalogue())


async def stats(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    settings = runtime.settings
    limits = {"timeout": settings.timeout, "max_rows": settings.max_rows, "allow_update": settings.allow_update}
    return JSONResponse({**await runtime.stats(), **limits})


async def sparql_endpoint(request: Request) -> Response:
    """Query (GET or POST), update (POST only) or, with neither, the service description."""
    runtime: Runtime = request.app.state.runtime
    operation = await parse_sparql_request(request, runtime.settings.max_request_bytes)
    if operation.update is not None:
        return await _update(request, runtime, operation)
    if operation.query is None:
        if request.method == "POST":
            raise ProtocolError(400, "the request has neither a 'query' nor an 'update'.")
        return await _service_description(request, runtime)
    return await _query(request, runtime, operation)


async def _query(request: Request, runtime: Runtime, operation: SparqlRequest) -> Response:
    sparql = operation.query or ""
    if uses_service(sparql):
        raise ProtocolError(400, "SERVICE (federated query) is disabled on this endpoint.")
    accept = accept_from(request.headers.get("accept"), operation.format)
    if preferred(accept, RESULTS_TYPES) is None and preferred(accept, GRAPH_TYPES) is None:
        offered = ", ".join([*RESULTS_FORMATS, *GRAPH_FORMATS])
        raise ProtocolError(406, f"cannot answer in {accept}; this endpoint writes {offered}.")
    job = QueryJob(
        sparql,
        accept=accept,
        default_graphs=operation.default_graphs,
        named_graphs=operation.named_graphs,
        max_rows=runtime.settings.max_rows,
    )
    return outcome_response(await runtime.read(job))


async def _update(request: Request, runtime: Runtime, operation: SparqlRequest) -> Response:
    if request.method != "POST":
        raise ProtocolError(400, "SPARQL Update must be sent by POST.")
    authorize(request, runtime.settings)
    if operation.default_graphs or operation.named_graphs:
        raise ProtocolError(400, "default-graph-uri and named-graph-uri apply to queries, not updates.")
    return outcome_response(await runtime.write(UpdateJob(operation.update or "")))


async def _service_description(request: Request, runtime: Runtime) -> Response:
    chosen = preferred(request.headers.get("accept"), DESCRIPTION_TYPES)
    if chosen == "text/html":
        return RedirectResponse("/", status_code=303)
    if chosen is None or GRAPH_FORMATS[chosen].supports_datasets:
        chosen = "text/turtle"
    endpoint = str(request.url.replace(query=""))
    triples = describe_service(endpoint, await runtime.stats(), allow_update=runtime.settings.allow_update)
    prefixes = DESCRIPTION_PREFIXES if chosen == "text/turtle" else None
    body = ox.serialize(triples, format=GRAPH_FORMATS[chosen], prefixes=prefixes) or b""
    return Response(body, media_type=chosen)
