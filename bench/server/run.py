"""Benchmark the citybrand-kg SPARQL endpoint against `oxigraph serve` and rdflib-endpoint.

Generates graphs of the requested sizes (bench/server/generate.py) in the layout citybrand-kg
writes (one named graph per document, one entity graph: each triple in one graph), serves the
same N-Quads file with each server on 127.0.0.1 (each answering with the union of the graphs for
its default graph), and measures p50/p99 latency and throughput at 1 and 16 concurrent clients for
four query shapes. For citybrand-kg it also reports the start-up time and the peak memory (RSS) of
its whole process tree. Prints one markdown table per size.

    python bench/server/run.py --sizes 100000 1000000

Needs the `oxigraph` and `rdflib-endpoint` executables next to the Python interpreter
(pip install oxigraph rdflib-endpoint). Every loop is bounded by a request count, and every
request by a timeout.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
from generate import generate

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PREFIXES = """PREFIX cbo: <https://w3id.org/citybrand-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
"""
SHAPES = {
    "count per class": "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class",
    "3-way join": """SELECT ?event ?media ?countryLabel WHERE {
  ?event cbo:partner ?media . ?media cbo:country ?country . ?country rdfs:label ?countryLabel }""",
    "text filter": """SELECT ?event ?label WHERE {
  ?event a cbo:Event ; rdfs:label ?label FILTER(CONTAINS(?label, "音乐节")) }""",
    "2-hop path": """SELECT ?event ?country WHERE {
  ?event cbo:location/cbo:location ?country . ?country a cbo:Country }""",
}
CONCURRENCY = (1, 16)


class TreeMemory:
    """The peak resident memory of a process and all its descendants, sampled every 0.2 s."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._done = pid, 0, threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while not self._done.wait(0.2):
            self.peak = max(self.peak, sum(_rss(pid) for pid in _tree(self.pid)))

    def stop(self) -> None:
        self._done.set()


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


@dataclass
class Server:
    name: str
    endpoint: str
    process: subprocess.Popen[bytes]
    requests: int
    skipped: set[str] = field(default_factory=set)
    rows: dict[str, int] = field(default_factory=dict)  # by query, counted at the warm-up
    memory: TreeMemory | None = None
    startup: float = 0.0

    def stop(self) -> None:
        if self.memory is not None:
            self.memory.stop()
            STARTS[self.name] = (self.startup, self.memory.peak)
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


@dataclass
class Measure:
    p50: float
    p99: float
    throughput: float
    rows: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], limit: float) -> float:
    started = time.monotonic()
    query = {"query": "ASK { ?s ?p ?o }"}
    while time.monotonic() - started < limit:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}")
        try:
            if httpx.get(url, params=query, timeout=5).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url}: not up after {limit} s")


def start_ours(data: Path, workers: int, requests: int) -> Server:
    """`citybrand-kg serve` as a user starts it: read-only, nothing kept on disk."""
    port = free_port()
    code = (
        "import sys; from pathlib import Path; from citybrand_kg.serve.server import serve; "
        f"serve([Path({str(data)!r})], store_dir=None, port={port}, "
        f"timeout=300, max_rows=1_000_000, workers={workers})"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen([sys.executable, "-c", code], env=env)
    return Server("citybrand-kg", f"http://127.0.0.1:{port}/sparql", process, requests)


def start_oxigraph(data: Path, work: Path, requests: int) -> Server:
    location = work / "oxigraph"
    shutil.rmtree(location, ignore_errors=True)  # every start loads the data file afresh
    subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(data)],
                   check=True, capture_output=True)
    port = free_port()
    command = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(location),
               "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return Server("oxigraph serve", f"http://127.0.0.1:{port}/query", process, requests)


def start_oxigraph_memory(data: Path, requests: int) -> Server:
    """`oxigraph serve` without a location (an in-memory store), loaded over its Graph Store API."""
    port = free_port()
    command = [str(BIN / "oxigraph"), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/query", process, 60)  # empty until loaded below
    with data.open("rb") as quads:
        response = httpx.post(base + "/store", content=quads, headers={"Content-Type": "application/n-quads"},
                              timeout=3600)
    response.raise_for_status()
    return Server("oxigraph memory", base + "/query", process, requests)


def start_rdflib(data: Path, requests: int) -> Server:
    port = free_port()
    command = [str(BIN / "rdflib-endpoint"), "serve", str(data), "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return Server("rdflib-endpoint", f"http://127.0.0.1:{port}/", process, requests)


class Client:
    """One client: a keep-alive HTTP/1.1 connection (the standard library's, whose own cost per
    request is small next to the servers'), used by one thread at a time."""

    def __init__(self, endpoint: str, timeout: float) -> None:
        url = urllib.parse.urlsplit(endpoint)
        self.path = url.path or "/"
        self.connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=timeout)
        self.connection.connect()

    def target(self, query: str) -> str:
        return self.path + "?" + urllib.parse.urlencode({"query": PREFIXES + query})

    def get(self, target: str) -> tuple[float, bytes]:
        """One request: its latency (until the whole body is read) and the body. A server may have
        closed the kept-alive connection while it was idle (uvicorn does after 5 s, which happens
        between the steps of an interleaved run); the request is then sent again on a new one,
        and only that one is timed, as a pooling client would."""
        try:
            return self._timed(target)
        except STALE:
            self.connection.close()
            self.connection.connect()
            return self._timed(target)

    def _timed(self, target: str) -> tuple[float, bytes]:
        started = time.perf_counter()
        self.connection.request("GET", target, headers=ACCEPT)
        response = self.connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise BenchError(f"HTTP {response.status}: {body[:300]!r}")
        return elapsed, body

    def close(self) -> None:
        self.connection.close()


class BenchError(Exception):
    """A request failed (status other than 200, or a transport error)."""


ACCEPT = {"Accept": "application/sparql-results+json"}
FAILURES = (BenchError, OSError, http.client.HTTPException)
STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


def rows_of(body: bytes) -> int:
    return len(json.loads(body)["results"]["bindings"])


def measure(server: Server, query: str, clients: int, total: int, timeout: float) -> Measure:
    """``clients`` threads, each with its own connection, send ``total // clients`` requests one
    after the other. Responses are not parsed (the warm-up counted the rows); their sizes are
    checked against each other."""
    per_client = max(1, total // clients)
    connections = [Client(server.endpoint, timeout) for _ in range(clients)]
    target = connections[0].target(query)
    latencies: list[float] = []
    sizes: set[int] = set()

    def run(client: Client) -> None:
        for _ in range(per_client):
            elapsed, body = client.get(target)
            latencies.append(elapsed)
            sizes.add(len(body))

    try:
        with ThreadPoolExecutor(clients) as pool:
            started = time.perf_counter()
            for future in [pool.submit(run, client) for client in connections]:
                future.result()
            wall = time.perf_counter() - started
    finally:
        for client in connections:
            client.close()
    if len(sizes) > 1:
        print(f"  {server.name}: answers of different sizes {sorted(sizes)}", flush=True)
    return summary(latencies, len(latencies) / wall, server.rows.get(query, 0))


def summary(latencies: list[float], throughput: float, rows: int) -> Measure:
    """p50 and p99 of ``latencies``, with the throughput and the rows."""
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return Measure(statistics.median(ordered), p99, throughput, rows)


def warm_up(server: Server, timeout: float) -> None:
    """One request per shape, to count its rows; a shape that fails is skipped for this server."""
    warm = Client(server.endpoint, timeout)
    for shape, query in SHAPES.items():
        try:
            server.rows[query] = rows_of(warm.get(warm.target(query))[1])
        except FAILURES as exc:
            print(f"  {server.name} / {shape}: warm-up failed ({exc!r}); skipped", flush=True)
            server.skipped.add(shape)
    warm.close()


def bench_server(server: Server, timeout: float, concurrency: tuple[int, ...] = CONCURRENCY) -> Results:
    """Every shape at every level of ``concurrency``, this server alone."""
    results: Results = {}
    for shape, query in SHAPES.items():
        for clients in concurrency:
            if shape in server.skipped:
                results[(shape, clients)] = None
                continue
            total = server.requests if clients == 1 else max(server.requests, clients * 2)
            try:
                results[(shape, clients)] = measure(server, query, clients, total, timeout)
            except FAILURES as exc:
                print(f"  {server.name} / {shape} / {clients}: failed ({exc!r})", flush=True)
                results[(shape, clients)] = None
            print(f"  {server.name:16} {shape:16} c={clients:2}: {fmt(results[(shape, clients)])}", flush=True)
    return results


def bench_interleaved(servers: list[Server], timeout: float) -> dict[str, Results]:
    """One client per server, their requests alternating: in every step each server due a request
    gets one, in an order that rotates, so that the host's slow and fast spells fall on all of
    them alike. A server with fewer requests has them spread evenly over the steps. Throughput
    is requests over the server's own time."""
    results: dict[str, Results] = {server.name: {} for server in servers}
    steps = max(server.requests for server in servers)
    for shape, query in SHAPES.items():
        active = [server for server in servers if shape not in server.skipped]
        clients = {server.name: Client(server.endpoint, timeout) for server in active}
        latencies: dict[str, list[float]] = {server.name: [] for server in active}
        failed: set[str] = set()
        try:
            for step in range(steps):
                turn = step % len(active) if active else 0
                for server in active[turn:] + active[:turn]:
                    due = (step + 1) * server.requests // steps - step * server.requests // steps
                    if server.name in failed or not due:
                        continue
                    client = clients[server.name]
                    try:
                        latencies[server.name].append(client.get(client.target(query))[0])
                    except FAILURES as exc:
                        print(f"  {server.name} / {shape} / 1: failed ({exc!r})", flush=True)
                        failed.add(server.name)
        finally:
            for client in clients.values():
                client.close()
        for server in servers:
            found = latencies.get(server.name, [])
            if server.name in failed or not found:
                results[server.name][(shape, 1)] = None
                continue
            results[server.name][(shape, 1)] = summary(found, len(found) / sum(found), server.rows.get(query, 0))
            print(f"  {server.name:16} {shape:16} c= 1: {fmt(results[server.name][(shape, 1)])} (interleaved)",
                  flush=True)
    return results


IN_PROCESS = "pyoxigraph in-process"
# Reference columns, when measured: (results name, column title).
REFERENCES = [("oxigraph memory", "oxigraph serve (memory)"), (IN_PROCESS, "pyoxigraph in-process, no HTTP")]


def bench_in_process(data: Path, requests: int) -> dict[tuple[str, int], Measure | None]:
    """A reference, not a server: each query, as written, evaluated and written as JSON by pyoxigraph
    in this process, over an in-memory store of the quads with the union as the default graph."""
    merge = ox.Store()
    merge.load(path=str(data), format=ox.RdfFormat.N_QUADS)
    results: dict[tuple[str, int], Measure | None] = {}
    for shape, query in SHAPES.items():
        sparql = PREFIXES + query
        rows = rows_of(merge.query(sparql, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON) or b"")
        latencies = []
        started = time.perf_counter()
        for _ in range(requests):
            begun = time.perf_counter()
            merge.query(sparql, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)
            latencies.append(time.perf_counter() - begun)
        results[(shape, 1)] = summary(latencies, requests / (time.perf_counter() - started), rows)
        results[(shape, 16)] = None
        print(f"  {IN_PROCESS:16} {shape:16} c= 1: {fmt(results[(shape, 1)])}", flush=True)
    return results


def fmt(measure: Measure | None) -> str:
    if measure is None:
        return "—"
    return f"{measure.p50 * 1000:.1f} / {measure.p99 * 1000:.1f} ms, {measure.throughput:.1f} q/s"


def ratio(numerator: Measure | None, denominator: Measure | None) -> str:
    if numerator is None or denominator is None:
        return "—"
    return f"{numerator.p50 / denominator.p50:.2f}×"


def table(size: int, triples: int, results: dict[str, Results], rounds: list[dict[str, Results]]) -> str:
    ours, oxigraph, rdflib = (results.get(name, {}) for name in ("citybrand-kg", "oxigraph serve", "rdflib-endpoint"))
    references = [(title, found) for name, title in REFERENCES if (found := results.get(name)) is not None]
    extra_head = "".join(f" {title} |" for title, _ in references)
    extra_rule = " --- |" * len(references)
    spread_head, spread_rule = (" rdflib ÷ ours, each round |", " --- |") if len(rounds) > 1 else ("", "")
    what = "p50 / p99 latency, throughput"
    if len(rounds) > 1:
        what = f"Medians over {len(rounds)} rounds (each starting every server afresh) of p50, p99 and throughput"
    started = ", ".join(f"{name} {seconds:.1f} s, {peak / 2**20:,.0f} MB" for name, (seconds, peak) in STARTS.items())
    lines = [
        f"### {triples:,} triples",
        "",
        f"{what}. Ratios compare p50 latency.",
        f"Start-up (to the first answer; Oxigraph's after `oxigraph load`) and peak RSS of each server's process tree: {started}.",
        "",
        f"| query | clients | rows | citybrand-kg | oxigraph serve |{extra_head} rdflib-endpoint | ours ÷ oxigraph "
        + f"| rdflib ÷ ours |{spread_head}",
        f"| --- | ---: | ---: | --- | --- |{extra_rule} --- | ---: | ---: |{spread_rule}",
    ]
    for shape in SHAPES:
        for clients in CONCURRENCY:
            key = (shape, clients)
            mine = ours.get(key)
            rows = str(mine.rows) if mine else "—"
            answered = {f"{name} (round {number + 1})": found[key].rows
                        for number, each in enumerate(rounds) for name, found in each.items() if found.get(key)}
            if len(set(answered.values())) > 1:  # the servers disagree: the timings are not comparable
                rows += " (differ: " + ", ".join(f"{name} {count}" for name, count in answered.items()) + ")"
            extra = "".join(f" {fmt(found.get(key))} |" for _, found in references)
            spread = ""
            if len(rounds) > 1:
                each = [ratio(r.get("rdflib-endpoint", {}).get(key), r.get("citybrand-kg", {}).get(key)) for r in rounds]
                spread = " " + ", ".join(each) + " |"
            lines.append(
                f"| {shape} | {clients} | {rows} | {fmt(mine)} | {fmt(oxigraph.get(key))} |{extra} {fmt(rdflib.get(key))} "
                f"| {ratio(mine, oxigraph.get(key))} | {ratio(rdflib.get(key), mine)} |{spread}"
            )
    return "\n".join(lines)


Results = dict[tuple[str, int], Measure | None]


def run_size(size: int, args: argparse.Namespace) -> str:
    work = args.work / f"size-{size}"
    STARTS.clear()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    data = work / "graph.nq"
    triples = generate(size, data)
    print(f"generated {triples} triples: one named graph per document, one for the entities", flush=True)
    starters = [
        lambda: start_ours(data, args.workers, args.requests),
        lambda: start_oxigraph(data, work, args.requests),
    ]
    if args.oxigraph_memory:
        starters.append(lambda: start_oxigraph_memory(data, args.requests))
    if not args.skip_rdflib:
        starters.append(lambda: start_rdflib(data, args.rdflib_requests))
    rounds: list[dict[str, Results]] = []
    for number in range(args.rounds):
        print(f"round {number + 1} of {args.rounds}", flush=True)
        results = run_interleaved(starters, args) if args.interleave else run_one_by_one(starters, args)
        if args.in_process:
            results[IN_PROCESS] = bench_in_process(data, args.requests)
        rounds.append(results)
    shutil.rmtree(work, ignore_errors=True)
    return table(size, triples, median_of(rounds), rounds)


STARTS: dict[str, tuple[float, int]] = {}  # server → start-up seconds, peak RSS of its process tree (bytes)


def start(starter: Callable[[], Server], args: argparse.Namespace) -> Server:
    server = starter()
    server.memory = TreeMemory(server.process.pid)
    try:
        ready = wait_until_up(server.endpoint, server.process, args.startup_limit)
        server.startup = ready
        print(f"{server.name} up after {ready:.1f} s", flush=True)
        warm_up(server, args.request_timeout)
    except BaseException:
        server.stop()
        raise
    return server


def run_one_by_one(starters: list[Callable[[], Server]], args: argparse.Namespace) -> dict[str, Results]:
    """Each server started, measured and stopped before the next starts."""
    results: dict[str, Results] = {}
    for starter in starters:
        server = start(starter, args)
        try:
            results[server.name] = bench_server(server, args.request_timeout)
        finally:
            server.stop()
    return results


def run_interleaved(starters: list[Callable[[], Server]], args: argparse.Namespace) -> dict[str, Results]:
    """Every server up at once: the one-client cells interleaved, then the other levels one server at a time."""
    servers: list[Server] = []
    try:
        for starter in starters:
            servers.append(start(starter, args))
        results = bench_interleaved(servers, args.request_timeout)
        for server in servers:
            results[server.name].update(bench_server(server, args.request_timeout, CONCURRENCY[1:]))
        return results
    finally:
        for server in servers:
            server.stop()


def median_of(rounds: list[dict[str, Results]]) -> dict[str, Results]:
    """Per server and cell, the median over the rounds of p50, of p99 and of throughput."""
    merged: dict[str, Results] = {}
    for name in rounds[0]:
        merged[name] = {}
        for key in rounds[0][name]:
            found = [measure for results in rounds if (measure := results.get(name, {}).get(key)) is not None]
            if len(found) < len(rounds):
                merged[name][key] = None
                continue
            merged[name][key] = Measure(
                statistics.median(m.p50 for m in found),
                statistics.median(m.p99 for m in found),
                statistics.median(m.throughput for m in found),
                found[0].rows,
            )
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--requests", type=int, default=40, help="requests per cell (per server, shape, clients)")
    parser.add_argument("--rdflib-requests", type=int, default=8, help="the same for rdflib-endpoint")
    parser.add_argument("--workers", type=int, default=2, help="citybrand-kg query worker processes")
    parser.add_argument("--request-timeout", type=float, default=300.0)
    parser.add_argument("--startup-limit", type=float, default=1800.0)
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every server this many times, afresh, and report medians (the host is noisy)")
    parser.add_argument("--skip-rdflib", action="store_true")
    parser.add_argument("--oxigraph-memory", action="store_true",
                        help="also measure `oxigraph serve` with an in-memory store (a reference column)")
    parser.add_argument("--interleave", action="store_true",
                        help="keep every server up at once and alternate their one-client requests "
                        "(side by side in time; the 16-client cells still run one server at a time)")
    parser.add_argument("--in-process", action="store_true",
                        help="also time pyoxigraph answering the queries as written in this process, "
                        "without HTTP (one client; a reference column)")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "_work")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; clients and servers share this machine.", flush=True)
    tables = [run_size(size, args) for size in args.sizes]
    print("\n\n".join(tables))


if __name__ == "__main__":
    main()
