"""A real server on 127.0.0.1 (uvicorn in a thread, worker processes behind it)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from citybrand_kg.server import ServerSettings, create_app
from citybrand_kg.store import GraphStore

FIXTURES = Path(__file__).parent / "fixtures"
GRAPH = FIXTURES / "citybrand.trig"
TOKEN = "test-token"


@dataclass
class LiveServer:
    url: str
    server: uvicorn.Server
    thread: threading.Thread

    @property
    def sparql(self) -> str:
        return self.url + "sparql"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)


def start_server(store_dir: Path, settings: ServerSettings) -> LiveServer:
    """Load the fixture graph into ``store_dir`` and serve it on a free port."""
    store = GraphStore.open(store_dir)
    store.load(GRAPH)
    config = uvicorn.Config(create_app(store, settings), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    return LiveServer(f"http://127.0.0.1:{port}/", server, thread)


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
