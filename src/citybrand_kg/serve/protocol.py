"""Read a SPARQL 1.1 Protocol request: GET, POST form-encoded, POST direct.

Form bodies are parsed here with :mod:`urllib.parse`, so no multipart library is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.requests import Request

from citybrand_kg.errors import QueryError

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


class ProtocolError(QueryError):
    """A request the protocol does not allow; ``status`` is the HTTP answer."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


@dataclass(frozen=True)
class SparqlRequest:
    """The operation and dataset of one protocol request."""

    query: str | None = None
    update: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None


def media_type(request: Request) -> str:
    """The request's ``Content-Type`` without parameters, lower-cased."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing (413) anything larger than ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ProtocolError(413, f"the request body is {declared} bytes; the limit is {limit}.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProtocolError(413, f"the request body is larger than the {limit}-byte limit.")
        chunks.append(chunk)
    return b"".join(chunks)


async def parse_sparql_request(request: Request, limit: int) -> SparqlRequest:
    """The query or update of a GET or POST to ``/sparql``, with its graph parameters."""
    if len(request.url.query) > limit:
        raise ProtocolError(414, f"the query string is longer than {limit} bytes; send the query by POST.")
    url_params = parse_qsl(request.url.query, keep_blank_values=True)
    if request.method == "GET":
        return _from_params(url_params)
    kind = media_type(request)
    body = _decode(await read_body(request, limit))
    if kind == FORM:
        return _from_params(url_params + parse_qsl(body, keep_blank_values=True))
    if kind == QUERY:
        return _with_operation(_from_params(url_params, direct=True), query=body)
    if kind == UPDATE:
        return _with_operation(_from_params(url_params, direct=True), update=body)
    raise ProtocolError(
        415, f"POST to /sparql needs Content-Type {FORM}, {QUERY} or {UPDATE}, not {kind or 'none'}."
    )


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the request body is not UTF-8 (byte {exc.start}).") from exc


def _from_params(params: list[tuple[str, str]], *, direct: bool = False) -> SparqlRequest:
    queries = [value for name, value in params if name == "query"]
    updates = [value for name, value in params if name == "update"]
    if direct and (queries or updates):
        raise ProtocolError(400, "a direct POST carries the operation in its body, not in the URL.")
    if len(queries) + len(updates) > 1:
        raise ProtocolError(400, "send exactly one 'query' or one 'update' parameter.")
    if any(name in ("using-graph-uri", "using-named-graph-uri") for name, _ in params):
        raise ProtocolError(400, "using-graph-uri and using-named-graph-uri are not supported; use USING.")
    formats = [value for name, value in params if name == "format"]
    return SparqlRequest(
        query=queries[0] if queries else None,
        update=updates[0] if updates else None,
        default_graphs=tuple(value for name, value in params if name == "default-graph-uri"),
        named_graphs=tuple(value for name, value in params if name == "named-graph-uri"),
        format=formats[0] if formats else None,
    )


def _with_operation(request: SparqlRequest, **operation: str) -> SparqlRequest:
    fields = {**request.__dict__, **operation}
    return SparqlRequest(**fields)
