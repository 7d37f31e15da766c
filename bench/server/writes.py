"""Start-up, memory and writes of `citybrand-kg serve` on a generated graph of N triples.

Starts the server with updates allowed (2 query workers and the writer), reports the start-up time
and the peak RSS of its process tree, then:

- sends one SPARQL Update that succeeds and times how long until a query sees it, while a second
  client keeps querying (its worst latency and any error during the readers' catching up);
- sends one malformed update (400) and times the next queries (no reader reloads).

    python bench/server/writes.py --size 1000000
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate
from run import ROOT, TreeMemory, free_port, wait_until_up

TOKEN = "bench-token"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?class }"
SEEN = "ASK { <urn:bench:written> <urn:bench:p> ?o }"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--watch", type=float, default=20.0, help="seconds to keep querying after the write")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "_work" / "writes")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    data = args.work / "graph.nq"
    triples = generate(args.size, data)
    port = free_port()
    code = (
        "import logging; logging.basicConfig(level=logging.INFO, format='%(created).3f %(message)s'); "
        "from pathlib import Path; from citybrand_kg.serve.server import serve; "
        f"serve([Path({str(data)!r})], store_dir=None, port={port}, timeout=60, workers={args.workers}, "
        f"allow_update=True, token={TOKEN!r})"
    )
    log = (args.work / "server.log").open("w")
    process = subprocess.Popen([sys.executable, "-c", code], env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""}, stderr=log)
    memory = TreeMemory(process.pid)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        startup = wait_until_up(url, process, 3600)
        print(f"{triples:,} triples: up after {startup:.1f} s; peak RSS so far {memory.peak / 2**20:,.0f} MB", flush=True)
        with httpx.Client(timeout=120) as client:

            def ask(query: str) -> httpx.Response:
                return client.get(url, params={"query": query}, headers={"Accept": "application/sparql-results+json"})

            before = [_timed(lambda: ask(COUNT)) for _ in range(5)]
            watcher = _Watcher(url, args.watch)
            sent, sent_at = time.perf_counter(), time.time()
            answer = client.post(url, data={"update": 'INSERT DATA { <urn:bench:written> <urn:bench:p> "x" }'},
                                 headers={"Authorization": f"Bearer {TOKEN}"})
            done = time.perf_counter()
            assert answer.status_code == 204, answer.text
            while not ask(SEEN).json()["boolean"]:
                time.sleep(0.05)
            seen = time.perf_counter()
            watcher.join()
            rejected = client.post(url, data={"update": "INSERT DATA { not sparql }"},
                                   headers={"Authorization": f"Bearer {TOKEN}"})
            after = [_timed(lambda: ask(COUNT)) for _ in range(5)]
        print(f"write: answered in {done - sent:.2f} s, seen by a query {seen - done:.2f} s after its answer", flush=True)
        print(f"another client meanwhile: {watcher.count} queries over {args.watch:g} s, worst {watcher.worst:.2f} s, "
              f"errors {watcher.errors}", flush=True)
        print(f"count query p50 before the write {statistics.median(before) * 1000:.0f} ms; after a rejected update "
              f"({rejected.status_code}) {statistics.median(after) * 1000:.0f} ms", flush=True)
        caught_up = [float(line.split()[0]) - sent_at for line in (args.work / "server.log").read_text().splitlines() if "holds the copy after write" in line]
        print(f"readers holding the written copy, seconds after the write was sent: {', '.join(f'{t:.1f}' for t in caught_up) or 'none'}")
        print(f"peak RSS of the process tree: {memory.peak / 2**20:,.0f} MB", flush=True)
    finally:
        memory.stop()
        process.terminate()
        process.wait(60)
        log.close()
        shutil.rmtree(args.work, ignore_errors=True)


def _timed(call) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    response = call()
    assert response.status_code == 200, response.text
    return time.perf_counter() - started


class _Watcher(threading.Thread):
    """A client querying one after the other for ``seconds``: count, worst latency, errors."""

    def __init__(self, url: str, seconds: float) -> None:
        super().__init__(daemon=True)
        self.url, self.seconds, self.count, self.worst, self.errors = url, seconds, 0, 0.0, 0
        self.start()

    def run(self) -> None:
        end = time.monotonic() + self.seconds
        with httpx.Client(timeout=120) as client:
            while time.monotonic() < end:
                started = time.perf_counter()
                response = client.get(self.url, params={"query": COUNT})
                self.worst = max(self.worst, time.perf_counter() - started)
                self.count += 1
                self.errors += response.status_code != 200


if __name__ == "__main__":
    main()
