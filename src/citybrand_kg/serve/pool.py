"""Worker processes that run the queries, so that a timeout really stops the work.

pyoxigraph releases the GIL while it evaluates a query but offers no way to cancel one, so each
query runs in a worker process; when a query outlives the timeout its worker is killed and a new
one takes its place, while the other workers keep answering.

Each reader holds one copy of the dataset in memory, loaded from a snapshot file
(:meth:`GraphStore.copy_of`): the one prepared at start-up
(:class:`citybrand_kg.serve.store.Prepared`), later one written from the store on disk. Writes
(SPARQL Update, Graph Store PUT/POST/DELETE) go to a single writer process that holds the store
read-write. A write that succeeded raises the generation; a rejected one changes nothing. Readers
of an older generation take a new copy one at a time, in the background, outside any query's
timeout: the first writes the snapshot of the new generation, the next ones load it. No query is
answered from a copy older than the last write: while no reader of the current generation is
free, the writer answers from the store itself.

The parent talks to each worker over a :class:`multiprocessing.connection.Connection`; the event
loop waits until an answer can be read, then reads it.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from citybrand_kg.errors import StoreError
from citybrand_kg.serve.execution import execute
from citybrand_kg.serve.jobs import Job, Outcome
from citybrand_kg.serve.store import GraphStore, Prepared
from citybrand_kg.terminal import counted

logger = logging.getLogger(__name__)

READY = "ready"
RELOAD = "reload"  # a reader's job that only takes a fresh copy (sent after a write)
START_TIMEOUT = 1800.0  # copying a large store into memory takes a while (about 3 s per million quads)


class QueryTimeout(StoreError):
    """The job outlived the timeout; its worker was killed."""


class ServerBusy(StoreError):
    """No worker became free within the timeout."""


class WorkerFailed(StoreError):
    """The worker process died while running the job."""


def worker_main(conn: Connection, snapshot: Path, path: Path | None, writable: bool, fill: bool = False) -> None:
    """Entry point of a worker process: open the store (the writer: the store at ``path``, first
    filled with the ``snapshot`` if ``fill``; a reader: a copy of the ``snapshot`` file), answer
    jobs until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    store = GraphStore.open(path) if writable else GraphStore.copy_of(snapshot)
    if fill:
        store.fill(snapshot)
    conn.send(READY)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        if isinstance(job, tuple) and job[0] == RELOAD:  # (RELOAD, snapshot file, whether to write it first)
            store.close()
            if job[2]:
                _write_snapshot(path, job[1])
            store = GraphStore.copy_of(job[1])
            conn.send(READY)
            continue
        conn.send(execute(store, job))


def _write_snapshot(path: Path | None, target: Path, attempts: int = 6) -> None:
    """Write the snapshot of the store at ``path``, read-only. A snapshot taken while the writer is
    compacting can find a table file gone (RocksDB reports corruption); taking it again then succeeds."""
    if path is None:
        raise StoreError("there is no store to take a new copy from.")
    for attempt in range(attempts):
        try:
            snapshot = GraphStore.open_read_only(path)
            try:
                snapshot.write_snapshot(target)
            finally:
                snapshot.close()
            return
        except (RuntimeError, OSError, StoreError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * 2**attempt)


class Worker:
    """One worker process and the parent's end of its connection."""

    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.generation = 0  # the pool's count of writes its copy reflects: a new worker has the prepared snapshot

    @classmethod
    def spawn(cls, context: Any, prepared: Prepared, writable: bool, *, fill: bool = False) -> Worker:
        """A reader starts with the prepared snapshot (generation 0), and catches up from there."""
        parent, child = context.Pipe()
        arguments = (child, prepared.snapshot, prepared.store, writable, fill)
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

    async def call(self, job: Job) -> Outcome:
        self._send(job)
        outcome = await self._receive()
        if not isinstance(outcome, Outcome):
            raise WorkerFailed(f"a worker process answered {outcome!r}.")
        return outcome

    async def refresh(self, generation: int, snapshot: Path, *, write: bool) -> None:
        """Take a copy of the store as it is now (the pool's ``generation``) from the ``snapshot``
        file, which this reader first writes if ``write``."""
        self._send((RELOAD, snapshot, write))
        if await self._receive() != READY:
            raise WorkerFailed("a worker process did not reload.")
        self.generation = generation

    def _send(self, message: Any) -> None:
        try:
            self.conn.send(message)
        except (OSError, ValueError) as exc:
            raise WorkerFailed("a worker process died before it got the job.") from exc

    async def _receive(self) -> Any:
        """The next message, read once it has begun to arrive (the loop is never blocked waiting)."""
        try:
            if not self.conn.poll():
                loop = asyncio.get_running_loop()
                readable = loop.create_future()
                descriptor = self.conn.fileno()
                loop.add_reader(descriptor, _settle, readable)
                try:
                    await readable
                finally:
                    loop.remove_reader(descriptor)
                    os.set_blocking(descriptor, True)  # uvloop leaves it non-blocking; the rest is read at once
            return self.conn.recv()
        except (EOFError, OSError, ValueError) as exc:
            raise WorkerFailed("a worker process died while running the query.") from exc

    def kill(self) -> None:
        self.process.kill()
        self.process.join(2.0)
        self.conn.close()

    async def stop(self) -> None:
        """Ask the worker to exit after its current job; kill it if it has not within 2 s."""
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        await asyncio.to_thread(self.process.join, 2.0)
        if self.process.is_alive():
            self.process.kill()
            await asyncio.to_thread(self.process.join, 2.0)
        self.conn.close()


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class WorkerPool:
    """Readers answer queries in parallel; one optional writer applies updates in order."""

    def __init__(self, prepared: Prepared, *, size: int, timeout: float, writable: bool) -> None:
        self.prepared = prepared
        self.size = size
        self.timeout = timeout
        self.writable = writable
        self.generation = 0
        self._context = multiprocessing.get_context("spawn")
        # Last in, first out: under light load the same worker takes the next job, its store still
        # warm in the cache. Only readers of the current generation wait here.
        self._idle: asyncio.LifoQueue[Worker] = asyncio.LifoQueue()
        self._stale: list[Worker] = []  # readers waiting for their turn to take a new copy
        self._refreshing: asyncio.Task[None] | None = None
        self._snapshot = (0, prepared.snapshot)  # the newest snapshot file and its generation
        self._workers: set[Worker] = set()
        self._writer: Worker | None = None
        self._writer_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Start every worker and wait until each has opened the store."""
        readers = [self._spawn(writable=False) for _ in range(self.size)]
        if self.writable:
            self._writer = self._spawn(writable=True, fill=self.prepared.fill)
        await asyncio.gather(*(worker.wait_ready() for worker in [*readers, *([self._writer] if self._writer else [])]))
        for worker in readers:
            self._idle.put_nowait(worker)
        logger.info("%s ready%s", counted(self.size, "query worker"), ", and one for updates" if self.writable else "")

    def _spawn(self, *, writable: bool, fill: bool = False) -> Worker:
        worker = Worker.spawn(self._context, self.prepared, writable, fill=fill)
        self._workers.add(worker)
        return worker

    async def run(self, job: Job) -> Outcome:
        """Run a read job on a free reader of the current generation (or, while none is free
        and others are taking their new copy, on the writer), within the timeout."""
        if self._idle.empty() and self._writer is not None and self._catching_up():
            return await self._on_writer(job, writes=False)
        worker = await self._free_reader()
        outcome = await self._call(worker, job, replace=self._replace_reader)
        self._release(worker)
        return outcome

    def _catching_up(self) -> bool:
        return bool(self._stale) or self._refreshing is not None and not self._refreshing.done()

    async def _free_reader(self) -> Worker:
        """An idle reader, taken at once when there is one; otherwise the first one freed within
        the timeout."""
        if not self._idle.empty():
            return self._idle.get_nowait()
        try:
            return await asyncio.wait_for(self._idle.get(), self.timeout)
        except TimeoutError:
            raise ServerBusy(f"every query worker stayed busy for {self.timeout:g} s.") from None

    def _release(self, worker: Worker) -> None:
        """A free reader goes back to the idle ones, or, if a write came since its copy was
        taken, to the queue of readers taking a new one."""
        if worker.generation == self.generation:
            self._idle.put_nowait(worker)
        else:
            self._stale.append(worker)
            self._refresh_in_turn()

    def _refresh_in_turn(self) -> None:
        if self._refreshing is None or self._refreshing.done():
            self._refreshing = asyncio.create_task(self._refresh_stale())

    async def _refresh_stale(self) -> None:
        """Readers take their new copy one at a time, the others answering meanwhile. The first
        reader to catch up with a write writes the snapshot file of the store; the next ones load it."""
        while self._stale:
            worker = self._stale.pop(0)
            try:
                while worker.generation != self.generation:
                    generation, snapshot = self._snapshot
                    write = generation != self.generation
                    if write:
                        generation, snapshot = self.generation, self.prepared.temporary / f"snapshot-{self.generation}.nq"
                    await asyncio.wait_for(worker.refresh(generation, snapshot, write=write), START_TIMEOUT)
                    if write:
                        self._forget(self._snapshot[1])
                        self._snapshot = (generation, snapshot)
            except (WorkerFailed, TimeoutError):
                await self._replace_reader(worker)
                continue
            logger.info("query worker %s holds the copy after write %d", worker.process.pid, worker.generation)
            self._idle.put_nowait(worker)

    def _forget(self, snapshot: Path) -> None:
        """Remove a snapshot file no reader will load again (the prepared one stays, for new readers)."""
        if snapshot != self.prepared.snapshot:
            snapshot.unlink(missing_ok=True)

    def _background(self, coroutine: Any) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def write(self, job: Job) -> Outcome:
        """Run a write job on the writer, one at a time; once it succeeded, every query that
        starts sees it."""
        return await self._on_writer(job, writes=True)

    async def _on_writer(self, job: Job, *, writes: bool) -> Outcome:
        if self._writer is None:
            raise StoreError("this server was started read-only.")
        try:
            await asyncio.wait_for(self._writer_lock.acquire(), self.timeout)
        except TimeoutError:
            raise ServerBusy(f"the writer stayed busy for {self.timeout:g} s.") from None
        try:
            outcome = await self._call(self._writer, job, replace=self._replace_writer)
            if writes and outcome.status < 400:  # a rejected write (malformed, refused) changed nothing
                self.generation += 1
                while not self._idle.empty():  # idle readers are now behind: they take turns to catch up
                    self._stale.append(self._idle.get_nowait())
                if self._stale:
                    self._refresh_in_turn()
            return outcome
        finally:
            self._writer_lock.release()

    async def _call(self, worker: Worker, job: Job, *, replace: Any) -> Outcome:
        try:
            async with asyncio.timeout(self.timeout):
                return await worker.call(job)
        except TimeoutError:
            await replace(worker)
            raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped.") from None
        except (asyncio.CancelledError, WorkerFailed):
            await replace(worker)
            raise

    async def _replace_reader(self, worker: Worker) -> None:
        self._retire(worker)
        self._background(self._enlist(self._spawn(writable=False)))

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
        self._release(worker)

    async def close(self) -> None:
        """Stop all workers (those still running a job are killed)."""
        for task in [*self._tasks, *([self._refreshing] if self._refreshing else [])]:
            task.cancel()
        await asyncio.gather(*(worker.stop() for worker in list(self._workers)))
        self._workers.clear()
