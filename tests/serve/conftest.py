"""Fixtures of the serving tests: a read-only and a writable live server, an HTTP client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from citybrand_kg.serve.settings import ServerSettings
from tests.serve.live import TOKEN, LiveServer, start_server


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Read-only server with the default safety settings but a short timeout and row cap."""
    settings = ServerSettings(timeout=1.5, max_rows=20, workers=2, max_request_bytes=20_000)
    server = start_server(tmp_path_factory.mktemp("store-ro"), settings)
    yield server
    server.stop()


@pytest.fixture()
def writable(tmp_path: Path) -> Iterator[LiveServer]:
    """A fresh server that accepts writes with the bearer token."""
    settings = ServerSettings(timeout=3.0, allow_update=True, token=TOKEN, workers=1)
    server = start_server(tmp_path / "store-rw", settings)
    yield server
    server.stop()


@pytest.fixture()
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as session:
        yield session
