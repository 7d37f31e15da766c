"""`citybrand-kg serve` as a process: Ctrl-C or SIGTERM stop it cleanly and remove its temporary
files; a --store folder keeps the graph and its writes for the next start."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.serve.live import GRAPH, serving_url


def _serve(tmp_path: Path, *arguments: str) -> tuple[subprocess.Popen[str], str, list[str]]:
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONIOENCODING": "utf-8"}
    process = subprocess.Popen(
        [sys.executable, "-m", "citybrand_kg", "serve", *(arguments or (str(GRAPH),)), "--host", "127.0.0.1", "--port", "0", "--workers", "1"],
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


def test_a_store_folder_keeps_the_graph_and_its_writes_for_the_next_start(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    written = "ASK { <urn:test:written> <urn:test:p> \"kept\" }"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    process, url, _ = _serve(tmp_path, str(GRAPH), "--store", str(store), "--allow-update", "--token", "t")
    try:
        before = httpx.get(url + "sparql", params={"query": count}, headers=JSON, timeout=30).json()
        update = 'INSERT DATA { GRAPH <urn:test:g> { <urn:test:written> <urn:test:p> "kept" } }'
        assert httpx.post(url + "sparql", data={"update": update}, headers={"Authorization": "Bearer t"}, timeout=30).status_code == 204
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)
    process, url, _ = _serve(tmp_path, "--store", str(store))  # no graph files: the store as it was left
    try:
        assert httpx.get(url + "sparql", params={"query": written}, headers=JSON, timeout=30).json()["boolean"] is True
        after = httpx.get(url + "sparql", params={"query": count}, headers=JSON, timeout=30).json()
        assert int(after["results"]["bindings"][0]["n"]["value"]) == int(before["results"]["bindings"][0]["n"]["value"]) + 1
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(60) == 0
    assert store.is_dir() and not list(tmp_path.glob("citybrand-kg-*"))


JSON = {"Accept": "application/sparql-results+json"}
