"""What a running app holds: its settings, its worker pool and the store directory."""

from __future__ import annotations

import hmac
import json
import logging
import shutil
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from citybrand_kg.serve.jobs import Job, Outcome, StatsJob
from citybrand_kg.serve.pool import WorkerPool
from citybrand_kg.serve.protocol import ProtocolError
from citybrand_kg.serve.settings import ServerSettings
from citybrand_kg.serve.store import Prepared

logger = logging.getLogger(__name__)


class Runtime:
    """The pool that runs jobs, plus a per-generation cache of the dataset statistics."""

    def __init__(self, prepared: Prepared, settings: ServerSettings) -> None:
        self.prepared = prepared
        self.settings = settings
        self.pool = WorkerPool(
            prepared,
            size=settings.workers,
            timeout=settings.timeout,
            writable=settings.allow_update,
        )
        self._stats: tuple[int, dict[str, Any]] | None = None

    async def start(self) -> None:
        await self.pool.start()

    async def stop(self) -> None:
        await self.pool.close()
        shutil.rmtree(self.prepared.temporary, ignore_errors=True)

    async def read(self, job: Job) -> Outcome:
        return await self.pool.run(job)

    async def write(self, job: Job) -> Outcome:
        return await self.pool.write(job)

    async def stats(self) -> dict[str, Any]:
        """Quads and named graphs, recomputed only after a write."""
        generation = self.pool.generation
        if self._stats is None or self._stats[0] != generation:
            outcome = await self.read(StatsJob())
            self._stats = (generation, json.loads(outcome.body))
        return self._stats[1]


def authorize(request: Request, settings: ServerSettings) -> None:
    """Refuse writes unless the server allows them and the request carries the bearer token."""
    if not settings.allow_update or not settings.token:
        raise ProtocolError(403, "this endpoint is read-only; start it with --allow-update and --token to write.")
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    valid = scheme.lower() == "bearer" and hmac.compare_digest(credentials.strip().encode(), settings.token.encode())
    if not valid:
        challenge = {"WWW-Authenticate": 'Bearer realm="citybrand-kg"'}
        raise ProtocolError(401, "writes need the header 'Authorization: Bearer <token>'.", challenge)


def outcome_response(outcome: Outcome) -> Response:
    """A worker's outcome as an HTTP response."""
    headers = dict(outcome.headers)
    if outcome.status == 204:
        return Response(status_code=204, headers=headers)
    headers["content-type"] = outcome.media_type
    return Response(outcome.body, status_code=outcome.status, headers=headers)
