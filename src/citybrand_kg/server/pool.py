"""Worker processes that run the queries, so that a timeout really stops the work.

pyoxigraph releases the GIL while it evaluates a query but offers no way to cancel one, so each
query runs in a worker process that has the store open read-only; when a query outlives the
timeout its worker is killed and a fresh one is started, while the other workers keep answering.
Readers copy the snapshot into memory by default (pyoxigraph's in-memory store answers joins
several times faster than RocksDB), at the cost of one copy of the data per worker and a reload
when a worker is replaced. Writes (SPARQL Update, Graph Store PUT/POST/DELETE) go to a single
writer process that holds the store read-write; after each write the generation number goes up
and the readers reload their snapshot before their next job.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from citybrand_kg.errors import StoreError
from citybrand_kg.server.execution import execute
from citybrand_kg.server.jobs import Job, Outcome
from citybrand_kg.store import GraphStore

logger = logging.getLogger(__name__)

READY = "ready"
START_TIMEOUT = 1800.0  # copying a large store into memory takes a while (about 30 s per million quads)


class QueryTimeout(StoreError):
    """The job outlived the timeout; its worker was killed."""


class ServerBusy(StoreError):
    """No worker became free within the timeout."""


class WorkerFailed(StoreError):
    """The worker process died while running the job."""


def worker_main(conn: Connection, path: str, writable: bool, in_memory: bool = True) -> None:
    """Entry point of a worker process: open the store, answer jobs until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    store = _open(path, writable, in_memory)
    conn.send(READY)
    generation = 0
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        job_generation, job = message
        if not writable and job_generation != generation:
            store.close()
            store, generation = _open(path, writable, in_memory), job_generation
        conn.send(execute(store, job))


def _open(path: str, writable: bool, in_memory: bool, attempts: int = 6) -> GraphStore:
    """Open the store for a worker. A read-only snapshot taken while the writer is compacting can
    find a table file gone (RocksDB reports corruption); taking the snapshot again then succeeds."""
    if writable:
        return GraphStore.open(Path(path))
    for attempt in range(attempts):
        try:
            return _snapshot(path, in_memory)
        except (RuntimeError, OSError, StoreError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")


def _snapshot(path: str, in_memory: bool) -> GraphStore:
    snapshot = GraphStore.open_read_only(Path(path))
    if not in_memory:
        return snapshot
    copy = snapshot.in_memory_copy()
    snapshot.close()
    return copy


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn

    @classmethod
    def spawn(cls, context: Any, path: Path, writable: bool, in_memory: bool) -> Worker:
        parent, child = context.Pipe()
        arguments = (child, str(path), writable, in_memory)
        process = context.Process(target=worker_main, args=arguments, daemon=True)
        process.start()
        child.close()
        return cls(process, parent)

    async def wait_ready(self) -> None:
        try:
            answer = await asyncio.wait_for(self._receive(), START_TIMEOUT)
        except WorkerFailed as exc:
            raise WorkerFailed(f"a worker process exited while opening the store (code {self.process.exitcode}).") from exc
        if answer != READY:
            raise WorkerFailed("a worker process did not start.")

    async def call(self, generation: int, job: Job) -> Outcome:
        self.conn.send((generation, job))
        outcome = await self._receive()
        if not isinstance(outcome, Outcome):
            raise WorkerFailed(f"a worker process answered {outcome!r}.")
        return outcome

    async def _receive(self) -> Any:
        loop = asyncio.get_running_loop()
        readable: asyncio.Future[None] = loop.create_future()
        descriptor = self.conn.fileno()
        loop.add_reader(descriptor, _resolve, readable)
        try:
            await readable
        finally:
            loop.remove_reader(descriptor)
        try:
            return self.conn.recv()
        except (EOFError, OSError) as exc:
            raise WorkerFailed("a worker process died while running the query.") from exc

    def kill(self) -> None:
        self.process.kill()
        self.process.join(2.0)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(2.0)
        if self.process.is_alive():
            self.kill()
        self.conn.close()


class WorkerPool:
    """Readers answer queries in parallel; one optional writer applies updates in order."""

    def __init__(self, path: Path, *, size: int, timeout: float, writable: bool, in_memory: bool = True) -> None:
        self.path = path
        self.in_memory = in_memory
        self.size = size
        self.timeout = timeout
        self.writable = writable
        self.generation = 0
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[Worker] = asyncio.Queue()
        self._workers: set[Worker] = set()
        self._writer: Worker | None = None
        self._write_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Start every worker and wait until each has opened the store."""
        readers = [self._spawn(writable=False) for _ in range(self.size)]
        if self.writable:
            self._writer = self._spawn(writable=True)
        await asyncio.gather(*(worker.wait_ready() for worker in [*readers, *self._extra_writer()]))
        for worker in readers:
            self._idle.put_nowait(worker)
        logger.info("%d query workers ready (writer: %s)", self.size, self.writable)

    def _extra_writer(self) -> list[Worker]:
        return [self._writer] if self._writer else []

    def _spawn(self, *, writable: bool) -> Worker:
        worker = Worker.spawn(self._context, self.path, writable, self.in_memory)
        self._workers.add(worker)
        return worker

    async def run(self, job: Job) -> Outcome:
        """Run a read job on a free reader, within the timeout."""
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.timeout)
        except TimeoutError:
            raise ServerBusy(f"every query worker stayed busy for {self.timeout:g} s.") from None
        outcome = await self._call(worker, job, replace=self._replace_reader)
        self._idle.put_nowait(worker)
        return outcome

    async def write(self, job: Job) -> Outcome:
        """Run a write job on the writer, one at a time; readers see it from the next job on."""
        if self._writer is None:
            raise StoreError("this server was started read-only.")
        async with self._write_lock:
            try:
                return await self._call(self._writer, job, replace=self._replace_writer)
            finally:
                self.generation += 1

    async def _call(self, worker: Worker, job: Job, *, replace: Any) -> Outcome:
        try:
            return await asyncio.wait_for(worker.call(self.generation, job), self.timeout)
        except TimeoutError:
            await replace(worker)
            raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped.") from None
        except (asyncio.CancelledError, WorkerFailed):
            await replace(worker)
            raise

    async def _replace_reader(self, worker: Worker) -> None:
        self._retire(worker)
        fresh = self._spawn(writable=False)
        task = asyncio.create_task(self._enlist(fresh))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _replace_writer(self, worker: Worker) -> None:
        self._retire(worker)
        self._writer = self._spawn(writable=True)
        await self._writer.wait_ready()

    def _retire(self, worker: Worker) -> None:
        logger.warning("killing worker process %s", worker.process.pid)
        worker.kill()
        self._workers.discard(worker)

    async def _enlist(self, worker: Worker) -> None:
        try:
            await worker.wait_ready()
        except (WorkerFailed, TimeoutError):
            logger.error("a replacement worker failed to start; %d left", len(self._workers) - 1)
            self._workers.discard(worker)
            return
        self._idle.put_nowait(worker)

    async def close(self) -> None:
        """Stop all workers (those still running a job are killed)."""
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self._workers):
            await asyncio.to_thread(worker.stop)
        self._workers.clear()
