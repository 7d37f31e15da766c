"""A real server on 127.0.0.1 (uvicorn in a thread, worker processes behind it)."""

from __future__ import annotations

import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from citybrand_kg.serve.app import create_app
from citybrand_kg.serve.settings import ServerSettings
from citybrand_kg.serve.store import GraphStore

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


def serving_url(process: subprocess.Popen[str], seconds: float = 120) -> tuple[str, list[str]]:
    """The page URL a ``citybrand-kg serve`` process announces on stderr, and the lines it keeps
    collecting there (read in a thread, so that the pipe never fills); kills it and fails the test
    when it does not announce one in time."""
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            if " at http" in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(seconds):
        process.kill()
        pytest.fail("the server did not start: " + "".join(lines))
    return lines[-1].split(" at ")[-1].strip(), lines
