"""The worker pool: large answers under both loops, timeouts, cancelled requests, and readers catching up after writes."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import uvloop

from citybrand_kg.serve.jobs import QueryJob
from citybrand_kg.serve.pool import QueryTimeout, ServerBusy, Worker, WorkerPool
from citybrand_kg.serve.store import GraphStore, Prepared, prepare


def run_on(loop_name: str, main: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    return uvloop.run(main()) if loop_name == "uvloop" else asyncio.run(main())


def _prepared(path: Path, *, writable: bool = False) -> Prepared:
    """The store at ``path`` handed over to a pool, as a server does."""
    folder = path.parent / "prepared"
    folder.mkdir(exist_ok=True)
    return prepare(GraphStore.open(path), folder, writable=writable)


def _store_of_triples(path: Path, count: int, text: Callable[[int], str] = str) -> Path:
    """A store of ``count`` triples in one named graph, the object of triple i ``text(i)``."""
    store = GraphStore.open(path)
    node = ox.NamedNode
    store.oxigraph.extend(
        ox.Quad(node(f"urn:test:s{index}"), node("urn:test:p"), ox.Literal(text(index)), node("urn:test:g"))
        for index in range(count)
    )
    store.close()
    return path


LOOPS = pytest.mark.parametrize("loop_name", ["asyncio", "uvloop"])


@LOOPS
def test_a_worker_answers_larger_than_the_pipe_buffer(tmp_path: Path, loop_name: str) -> None:
    """About 2 MB of JSON, many times a pipe's buffer, arrives whole under both loops, twice."""
    _store_of_triples(tmp_path / "store", 15_000, lambda index: f"value {index} " * 3)
    job = QueryJob(sparql="SELECT * WHERE { ?s ?p ?o }", accept="application/sparql-results+json", max_rows=20_000)

    async def main() -> tuple[int, bytes]:
        worker = Worker.spawn(multiprocessing.get_context("spawn"), _prepared(tmp_path / "store"), False)
        try:
            await worker.wait_ready()
            outcome = await worker.call(job)
            again = await worker.call(job)
            assert again.body == outcome.body
            return outcome.status, outcome.body
        finally:
            await worker.stop()

    status, body = run_on(loop_name, main)
    assert status == 200 and len(body) > 1_500_000
    assert len(json.loads(body)["results"]["bindings"]) == 15_000


def test_readers_reload_after_a_write_outside_any_query(tmp_path: Path) -> None:
    """After a write the idle readers take a new copy in turn, so that the next query is not
    charged with the reload, and that query sees the write."""
    from citybrand_kg.serve.jobs import UpdateJob

    GraphStore.open(tmp_path / "store").close()
    count = QueryJob(sparql="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", accept="text/tab-separated-values")

    async def main() -> tuple[list[int], bytes]:
        pool = WorkerPool(_prepared(tmp_path / "store", writable=True), size=2, timeout=30.0, writable=True)
        await pool.start()
        try:
            await pool.write(UpdateJob('INSERT DATA { <urn:test:s> <urn:test:p> "written" }'))
            for _ in range(200):  # no query runs while the readers catch up
                if pool._idle.qsize() == 2 and all(w.generation == pool.generation for w in pool._idle._queue):  # type: ignore[attr-defined]
                    break
                await asyncio.sleep(0.05)
            generations = [worker.generation for worker in pool._idle._queue]  # type: ignore[attr-defined]
            outcome = await pool.run(count)
            return generations, outcome.body
        finally:
            await pool.close()

    generations, body = asyncio.run(main())
    assert generations == [1, 1]
    assert body.splitlines()[1].startswith(b"1")


RUNAWAY = QueryJob(sparql="SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
QUICK = QueryJob(sparql="ASK { ?s ?p ?o }", accept="text/tab-separated-values")


async def _until_a_reader_is_idle(pool: WorkerPool) -> None:
    """Wait (at most 30 s) for a reader to be free again, e.g. a replacement to come up."""
    for _ in range(600):
        if not pool._idle.empty():
            return
        await asyncio.sleep(0.05)


@LOOPS
def test_a_query_waits_for_a_busy_reader_only_as_long_as_the_timeout(tmp_path: Path, loop_name: str) -> None:
    """With its only reader running a runaway query, a second query is refused as busy once the
    timeout has passed (its replacement is not up yet), and the pool answers again afterwards."""
    path = _store_of_triples(tmp_path / "store", 300)

    async def main() -> tuple[BaseException | None, BaseException | None, float, bytes]:
        pool = WorkerPool(_prepared(path, writable=False), size=1, timeout=1.0, writable=False)
        await pool.start()
        try:
            loop = asyncio.get_running_loop()
            runaway = asyncio.ensure_future(pool.run(RUNAWAY))
            await asyncio.sleep(0.05)
            started = loop.time()
            waiting = await asyncio.gather(pool.run(QUICK), return_exceptions=True)
            waited = loop.time() - started
            first = await asyncio.gather(runaway, return_exceptions=True)
            await _until_a_reader_is_idle(pool)  # the replacement comes up
            return first[0], waiting[0], waited, (await pool.run(QUICK)).body
        finally:
            await pool.close()

    first, second, waited, body = run_on(loop_name, main)
    assert isinstance(first, QueryTimeout)
    assert isinstance(second, ServerBusy), second
    assert 0.9 < waited < 3.0
    assert body.splitlines()[-1] == b"true"


@LOOPS
def test_a_cancelled_request_takes_its_worker_down_with_it(tmp_path: Path, loop_name: str) -> None:
    """A request given up while its query runs (a client that disconnected) kills that worker,
    whose place a fresh one takes; the query does not run on unseen."""
    path = _store_of_triples(tmp_path / "store", 300)

    async def main() -> tuple[bool, bool, int, bytes]:
        pool = WorkerPool(_prepared(path, writable=False), size=1, timeout=60.0, writable=False)
        await pool.start()
        try:
            (worker,) = pool._workers
            request = asyncio.ensure_future(pool.run(RUNAWAY))
            await asyncio.sleep(0.3)
            request.cancel()
            cancelled = isinstance((await asyncio.gather(request, return_exceptions=True))[0], asyncio.CancelledError)
            await _until_a_reader_is_idle(pool)
            return cancelled, worker.process.is_alive(), len(pool._workers), (await pool.run(QUICK)).body
        finally:
            await pool.close()

    cancelled, alive, workers, body = run_on(loop_name, main)
    assert cancelled and not alive
    assert workers == 1
    assert body.splitlines()[-1] == b"true"


def test_a_rejected_update_changes_nothing_and_no_reader_reloads(tmp_path: Path) -> None:
    from citybrand_kg.serve.jobs import UpdateJob

    GraphStore.open(tmp_path / "store").close()

    async def main() -> tuple[int, int, list[int]]:
        pool = WorkerPool(_prepared(tmp_path / "store", writable=True), size=2, timeout=30.0, writable=True)
        await pool.start()
        try:
            before = pool.generation
            outcome = await pool.write(UpdateJob("INSERT DATA { this is not SPARQL }"))
            generations = [worker.generation for worker in pool._idle._queue]  # type: ignore[attr-defined]
            return outcome.status, pool.generation - before, generations
        finally:
            await pool.close()

    status, bumped, generations = asyncio.run(main())
    assert status == 400 and bumped == 0 and generations == [0, 0]


def test_readers_take_their_new_copy_one_at_a_time_and_queries_meanwhile_see_the_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a write, no two readers reload at once, and only the first writes the snapshot file; a
    query sent right after the write sees it, answered by a reader that has caught up or, while
    none is free, by the writer."""
    from citybrand_kg.serve.jobs import UpdateJob

    path = _store_of_triples(tmp_path / "store", 2_000)
    count = QueryJob(sparql="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", accept="text/tab-separated-values")
    refreshing: list[int] = []  # how many readers are reloading, sampled as each starts
    written: list[bool] = []  # whether each reload wrote the snapshot file first
    running = 0
    refresh = Worker.refresh

    async def counted_refresh(worker: Worker, generation: int, snapshot: Path, *, write: bool) -> None:
        nonlocal running
        running += 1
        refreshing.append(running)
        written.append(write)
        try:
            await refresh(worker, generation, snapshot, write=write)
        finally:
            running -= 1

    monkeypatch.setattr(Worker, "refresh", counted_refresh)

    async def main() -> tuple[list[bytes], list[int]]:
        pool = WorkerPool(_prepared(path, writable=True), size=3, timeout=30.0, writable=True)
        await pool.start()
        try:
            await pool.write(UpdateJob('INSERT DATA { <urn:test:new> <urn:test:p> "written" }'))
            answers = [(await pool.run(count)).body for _ in range(5)]
            for _ in range(400):
                if pool._idle.qsize() == 3:
                    break
                await asyncio.sleep(0.05)
            return answers, [worker.generation for worker in pool._idle._queue]  # type: ignore[attr-defined]
        finally:
            await pool.close()

    answers, generations = asyncio.run(main())
    assert all(answer.splitlines()[1].startswith(b"2001") for answer in answers), answers
    assert generations == [1, 1, 1]
    assert len(refreshing) == 3 and max(refreshing) == 1
    assert written == [True, False, False]


def test_the_writer_fills_a_new_store_with_the_snapshot_of_a_store_in_memory(tmp_path: Path) -> None:
    """A store in memory handed over to take writes: the writer first fills a store on disk with
    its snapshot, so a write adds to the graph rather than starting an empty one."""
    from citybrand_kg.serve.jobs import UpdateJob

    memory = GraphStore.open()
    memory.writable().extend(ox.Quad(ox.NamedNode(f"urn:test:s{index}"), ox.NamedNode("urn:test:p"), ox.Literal(str(index)))
                             for index in range(50))
    prepared = prepare(memory, tmp_path, writable=True)
    assert prepared.fill and prepared.store == tmp_path / "store"
    count = QueryJob(sparql="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", accept="text/tab-separated-values")

    async def main() -> bytes:
        pool = WorkerPool(prepared, size=1, timeout=30.0, writable=True)
        await pool.start()
        try:
            await pool.write(UpdateJob('INSERT DATA { <urn:test:new> <urn:test:p> "written" }'))
            return (await pool.run(count)).body
        finally:
            await pool.close()

    assert asyncio.run(main()).splitlines()[1].startswith(b"51")
    assert len(GraphStore.open_read_only(tmp_path / "store")) == 51
