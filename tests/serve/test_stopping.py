"""`citybrand-kg serve` as a process: Ctrl-C or SIGTERM stop it cleanly and remove its temporary files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.serve.live import GRAPH, serving_url


def _serve(tmp_path: Path) -> tuple[subprocess.Popen[str], str, list[str]]:
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONIOENCODING": "utf-8"}
    process = subprocess.Popen(
        [sys.executable, "-m", "citybrand_kg", "serve", str(GRAPH), "--host", "127.0.0.1", "--port", "0", "--workers", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
    )
    url, lines = serving_url(process)
    return process, url, lines


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_serve_and_removes_its_temporary_files(signum: int, tmp_path: Path) -> None:
    process, url, lines = _serve(tmp_path)
    try:
        assert httpx.get(url + "sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30).status_code == 200
        assert list(tmp_path.glob("citybrand-kg-*")), "the snapshot should live in TMPDIR while serving"
        process.send_signal(signum)
        assert process.wait(60) == 0, "".join(lines)
    finally:  # a failed assertion above must not leave the server running
        if process.poll() is None:
            process.kill()
            process.wait(30)
    assert not list(tmp_path.glob("citybrand-kg-*")), "the temporary folder was left behind"
    said = "".join(lines)
    assert "interrupted" not in said and "Traceback" not in said, said
