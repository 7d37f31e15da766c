"""Server settings: the knobs of ``citybrand-kg serve``."""

from __future__ import annotations

from dataclasses import dataclass

from citybrand_kg.errors import UsageError


@dataclass(frozen=True)
class ServerSettings:
    """Limits and switches of one server; the defaults are the safe ones."""

    timeout: float = 5.0
    """Seconds a query or update may run before its worker process is killed."""
    max_rows: int = 10_000
    """Rows (SELECT) or triples (CONSTRUCT/DESCRIBE) returned at most; the rest are cut."""
    max_request_bytes: int = 1_000_000
    """Largest request body (and GET query string) accepted."""
    max_upload_bytes: int = 50_000_000
    """Largest Graph Store Protocol upload accepted."""
    allow_update: bool = False
    token: str | None = None
    cors_origins: str = "*"
    """``*``, a comma-separated list of origins, or empty for no CORS headers."""
    workers: int = 2
    """Query worker processes; a slow query occupies one of them until the timeout."""

    def __post_init__(self) -> None:
        if not self.timeout > 0:  # not "<= 0", which nan passes; inf means no limit
            raise UsageError(f"the query timeout must be a positive number of seconds, not {self.timeout}.")
        if self.max_rows < 1 or self.workers < 1:
            raise UsageError("--max-rows and --workers must be at least 1.")
        if self.allow_update and not self.token:
            raise UsageError("--allow-update needs a bearer token (--token) that clients must send.")

    @property
    def origins(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]
