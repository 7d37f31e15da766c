"""`serve(...)`: load the graphs into a store, then run the SPARQL endpoint and web page until stopped."""

from __future__ import annotations

import logging
import multiprocessing
import shutil
import signal
import socket
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from citybrand_kg.errors import UsageError
from citybrand_kg.serve.app import create_app
from citybrand_kg.serve.settings import ServerSettings
from citybrand_kg.serve.store import Prepared, prepare_files
from citybrand_kg.terminal import counted

__all__ = ["serve"]

logger = logging.getLogger(__name__)


def serve(
    graphs: list[Path],
    *,
    store_dir: Path | None,
    host: str = "127.0.0.1",
    port: int = 8000,
    timeout: float = 5.0,
    max_rows: int = 10000,
    allow_update: bool = False,
    token: str | None = None,
    cors_origins: str = "*",
    workers: int = 2,
    ready_message: Callable[[str], None] | None = None,
) -> None:
    """Load ``graphs`` into the store at ``store_dir`` (a temporary one if None) and serve it.

    Blocks until interrupted. ``ready_message`` receives the page's URL once the server listens.
    """
    settings = ServerSettings(
        timeout=timeout, max_rows=max_rows, allow_update=allow_update, token=token,
        cors_origins=cors_origins, workers=workers,
    )
    if store_dir is not None and not graphs and not store_dir.is_dir():
        raise UsageError(f"{store_dir}: no store there and no graph files to load into it.")
    if store_dir is None and not graphs and not allow_update:
        raise UsageError("no graph to serve: name graph files (citybrand-kg build writes out/graph.trig), a --store folder, or --allow-update to fill an empty store.")
    _check_port(host, port)
    folder = Path(tempfile.mkdtemp(prefix="citybrand-kg-"))
    previous = _stop_on_signals()
    try:
        prepared = _loaded(graphs, store_dir, folder, writable=allow_update)
        _run(create_app(prepared, settings), host, port, ready_message)
    except _Stopped as stop:
        logger.info("citybrand-kg: stopped (%s).", signal.Signals(stop.signum).name)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        shutil.rmtree(folder, ignore_errors=True)


def _loaded(graphs: list[Path], store_dir: Path | None, folder: Path, *, writable: bool) -> Prepared:
    """The graph files loaded and prepared in a process of its own (:func:`prepare_files`)."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:  # leaving it (a signal too) ends the process at once
        prepared, reports = pool.apply(prepare_files, (graphs, store_dir, folder), {"writable": writable})
    for report in reports:
        logger.info("loaded %s: %s into %s", report.path, counted(report.quads, "quad"), counted(len(report.graphs), "graph"))
    return prepared


class _Stopped(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_stopped(signum: int, frame: object) -> None:
    raise _Stopped(signum)


def _stop_on_signals() -> dict[int, Any]:
    """SIGINT and SIGTERM end ``serve`` normally, so that the temporary store is removed.

    uvicorn shuts down gracefully on these signals and then raises them again with the handlers it
    found in place; these are the handlers it finds. Returns the previous handlers to restore.
    """
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {signum: signal.signal(signum, _raise_stopped) for signum in (signal.SIGINT, signal.SIGTERM)}


def _run(app: Any, host: str, port: int, ready_message: Callable[[str], None] | None) -> None:
    import uvicorn

    class AnnouncingServer(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if self.started and ready_message is not None:
                ready_message(page_url(host, self.servers[0].sockets[0].getsockname()[1]))

    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="on")
    AnnouncingServer(config).run()


def page_url(host: str, port: int) -> str:
    """``http://host:port/``, with brackets around an IPv6 host."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _check_port(host: str, port: int) -> None:
    """Fail at once, before loading anything, when the address cannot be listened on."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise UsageError(f"{host}:{port}: cannot listen there ({exc.strerror or exc}); is another server using the port?") from exc
