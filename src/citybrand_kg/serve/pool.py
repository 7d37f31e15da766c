"""Worker processes that run the queries, so that a timeout really stops the work.

pyoxigraph releases the GIL while it evaluates a query but offers no way to cancel one, so each
query runs in a worker process that has the store open read-only; when a query outlives the
timeout its worker is killed and a fresh one is started, while the other workers keep answering.
Readers hold a merged view of the snapshot in memory (the union default graph as a set of
triples, see :mod:`citybrand_kg.serve.store`; pyoxigraph's in-memory store also answers joins several
times faster than RocksDB), at the cost of about 2.5 times a plain in-memory copy per worker
and a reload when a worker is replaced. Writes (SPARQL Update, Graph Store PUT/POST/DELETE) go to a single
writer process that holds the store read-write; after each write the generation number goes up
and the readers reload their snapshot at once (idle ones) or as soon as their current job ends,
outside any query's timeout; a job never sees an older snapshot than the last write.

The parent talks to each worker over a socket pair read by an asyncio protocol (whatever the
loop: asyncio's or uvloop); a response body crosses it as raw bytes, not pickled. Where the
system has ``memfd_create`` (Linux), each worker also shares an answer buffer with the parent, an
anonymous memory file handed over the socket pair at start: a body that fits is written there
and only its length crosses the socket, which spares the parent reading it in pieces (a 148 KB
answer: 0.2-0.3 ms less per query over HTTP).
"""

from __future__ import annotations

import asyncio
import logging
import mmap
import multiprocessing
import os
import pickle
import signal
import socket
import struct
import time
from collections import deque
from multiprocessing import reduction
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from citybrand_kg.errors import StoreError
from citybrand_kg.serve.execution import execute
from citybrand_kg.serve.jobs import Job, Outcome
from citybrand_kg.serve.store import GraphStore
from citybrand_kg.terminal import counted

logger = logging.getLogger(__name__)

READY = "ready"
RELOAD = "reload"  # a reader's job that only takes a fresh snapshot (sent after a write)
START_TIMEOUT = 1800.0  # copying a large store into memory takes a while (about 30 s per million quads)


class QueryTimeout(StoreError):
    """The job outlived the timeout; its worker was killed."""


class ServerBusy(StoreError):
    """No worker became free within the timeout."""


class WorkerFailed(StoreError):
    """The worker process died while running the job."""


ANSWER_BUFFER = 8 << 20
"""Bytes of each worker's answer buffer (memory is taken only as far as answers have reached);
larger bodies cross the socket."""
IN_BUFFER = 1 << 63  # set in a frame header's body size: the body is in the answer buffer


def worker_main(conn: Connection, path: str, writable: bool, generation: int = 0, buffer_size: int = 0) -> None:
    """Entry point of a worker process: open the store, answer jobs until told to stop.

    ``generation`` is the pool's count of writes when the store was opened; a job of a later
    generation makes a reader take a fresh snapshot first (``RELOAD`` does only that). With a
    ``buffer_size``, the parent sends the answer buffer's file descriptor first."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    answers = _map_buffer(reduction.recv_handle(conn), buffer_size) if buffer_size else None
    channel = _socket_of(conn)
    store = _open(path, writable)
    send_frame(channel, READY)
    while True:
        try:
            message, _ = receive_frame(channel)
        except (EOFError, OSError):
            return
        if message is None:
            return
        job_generation, job = message
        if not writable and job_generation != generation:
            store.close()
            store, generation = _open(path, writable), job_generation
        if job == RELOAD:
            send_frame(channel, READY)
            continue
        outcome = execute(store, job)
        send_answer(channel, (outcome.status, outcome.media_type, outcome.headers), outcome.body, answers)


def _socket_of(conn: Connection) -> socket.socket:
    """The socket under a ``Pipe()`` end (a socket pair on POSIX), which takes the end over."""
    channel = socket.socket(fileno=os.dup(conn.fileno()))
    conn.close()
    return channel


# Frames on the worker's socket, both ways: a header (length of the pickled part, length of the
# raw part), a small pickled object, then raw bytes (a response body) that are never pickled.
HEADER = struct.Struct("!IQ")


def frame_head(message: Any, body_size: int = 0) -> bytes:
    """A frame's header and pickled part; the raw body, if any, follows it on the socket."""
    meta = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(meta), body_size) + meta


def send_frame(channel: socket.socket, message: Any, body: bytes = b"") -> None:
    """Send one frame on a blocking socket (worker side)."""
    channel.sendall(frame_head(message, len(body)))
    if body:
        channel.sendall(body)


def send_answer(channel: socket.socket, message: Any, body: bytes, answers: mmap.mmap | None) -> None:
    """Send a frame whose body goes into the answer buffer when there is one and it fits."""
    if answers is None or not 0 < len(body) <= len(answers):
        send_frame(channel, message, body)
        return
    answers[: len(body)] = body
    channel.sendall(frame_head(message, len(body) | IN_BUFFER))


def _answer_buffer(size: int) -> tuple[mmap.mmap, int] | None:
    """An anonymous memory file of ``size`` bytes, mapped, and its descriptor; None without
    ``memfd_create``."""
    create = getattr(os, "memfd_create", None)
    if not size or create is None:
        return None
    descriptor = create("citybrand-kg-answers")
    try:
        os.ftruncate(descriptor, size)
        return mmap.mmap(descriptor, size), descriptor
    except OSError:
        os.close(descriptor)
        raise


def _map_buffer(descriptor: int, size: int) -> mmap.mmap:
    """The worker's mapping of the answer buffer (the mapping keeps the memory file alive)."""
    try:
        return mmap.mmap(descriptor, size)
    finally:
        os.close(descriptor)


def receive_frame(channel: socket.socket) -> tuple[Any, bytes]:
    """Receive one frame on a blocking socket (worker side)."""
    meta_size, body_size = HEADER.unpack(_receive_exactly(channel, HEADER.size))
    meta = _receive_exactly(channel, meta_size)
    return pickle.loads(meta), _receive_exactly(channel, body_size)


def _receive_exactly(channel: socket.socket, size: int) -> bytes:
    buffer = bytearray(size)
    view = memoryview(buffer)
    received = 0
    while received < size:
        count = channel.recv_into(view[received:])
        if count == 0:
            raise EOFError("the other end closed the channel")
        received += count
    return bytes(buffer)


def _open(path: str, writable: bool, attempts: int = 6) -> GraphStore:
    """Open the store for a worker. A read-only snapshot taken while the writer is compacting can
    find a table file gone (RocksDB reports corruption); taking the snapshot again then succeeds."""
    if writable:
        return GraphStore.open(Path(path))
    for attempt in range(attempts):
        try:
            return _snapshot(path)
        except (RuntimeError, OSError, StoreError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")


def _snapshot(path: str) -> GraphStore:
    snapshot = GraphStore.open_read_only(Path(path))
    view = snapshot.merged_view()
    snapshot.close()
    return view


class _Frames(asyncio.Protocol):
    """The parent's end of a worker's socket: cuts the byte stream into frames as it arrives.

    A protocol rather than ``loop.sock_recv_into``: under uvloop each of those calls costs about
    1.5 ms more than asyncio's (a worker round trip of 1.96 ms against 0.47 ms for ``ASK {}``),
    while a transport reads whatever has arrived in one callback.
    """

    def __init__(self, answers: mmap.mmap | None = None) -> None:
        self.answers = answers  # the worker's answer buffer, if it has one
        self.transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._frames: deque[tuple[bytes, bytes]] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._lost = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        while len(buffer) >= HEADER.size:
            meta_size, body_size = HEADER.unpack_from(buffer)
            answers = self.answers
            if not body_size & IN_BUFFER or answers is None or answers.closed:
                answers = None
            end = HEADER.size + meta_size + (0 if answers is not None else body_size)
            if len(buffer) < end:
                break
            with memoryview(buffer) as view:  # one copy of each part, not a slice and then a copy
                meta = bytes(view[HEADER.size : HEADER.size + meta_size])
                # Copied out at once: the worker writes its next answer only after its next job.
                body = answers[: body_size & ~IN_BUFFER] if answers is not None else bytes(view[HEADER.size + meta_size : end])
                self._frames.append((meta, body))
            del buffer[:end]
        if self._frames:
            self._wake()

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost = True
        self._wake()

    def send(self, message: Any) -> bool:
        """Write one frame without a body; False when the channel is already closed."""
        if self.transport is None or self.transport.is_closing():
            return False
        self.transport.write(frame_head(message))
        return True

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def receive(self) -> tuple[Any, bytes]:
        """The next frame: its unpickled message and its raw body."""
        while not self._frames:
            if self._lost:
                raise EOFError("the worker closed its channel")
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        meta, body = self._frames.popleft()
        return pickle.loads(meta), body


class Worker:
    """One worker process and the parent's end of its socket, read by the event loop."""

    def __init__(self, process: BaseProcess, channel: socket.socket, generation: int = 0,
                 answers: mmap.mmap | None = None) -> None:
        self.process = process
        self.channel = channel
        self.answers = answers
        self.generation = generation  # the pool's write count its snapshot reflects
        self._frames: _Frames | None = None

    @classmethod
    def spawn(cls, context: Any, path: Path, writable: bool, generation: int = 0,
              buffer_size: int = ANSWER_BUFFER) -> Worker:
        parent, child = context.Pipe()
        buffer = _answer_buffer(buffer_size)
        arguments = (child, str(path), writable, generation, buffer_size if buffer else 0)
        process = context.Process(target=worker_main, args=arguments, daemon=True)
        process.start()
        child.close()
        answers = None
        if buffer is not None:
            answers, descriptor = buffer
            try:
                reduction.send_handle(parent, descriptor, process.pid)
            finally:
                os.close(descriptor)
        channel = _socket_of(parent)
        channel.setblocking(False)
        return cls(process, channel, generation, answers)

    async def _connected(self) -> _Frames:
        if self._frames is None:
            loop = asyncio.get_running_loop()
            _, self._frames = await loop.connect_accepted_socket(lambda: _Frames(self.answers), sock=self.channel)
        return self._frames

    async def wait_ready(self) -> None:
        try:
            answer, _ = await asyncio.wait_for(self._receive(), START_TIMEOUT)
        except WorkerFailed as exc:
            raise WorkerFailed(f"a worker process exited while opening the store (code {self.process.exitcode}).") from exc
        if answer != READY:
            raise WorkerFailed("a worker process did not start.")

    async def call(self, generation: int, job: Job) -> Outcome:
        answer, body = await self._exchange((generation, job))
        try:
            status, media_type, headers = answer
        except (TypeError, ValueError):
            raise WorkerFailed(f"a worker process answered {answer!r}.") from None
        self.generation = generation
        return Outcome(status, body, media_type, headers)

    async def refresh(self, generation: int) -> None:
        """Take the snapshot of ``generation`` now, outside any query and its timeout."""
        answer, _ = await self._exchange((generation, RELOAD))
        if answer != READY:
            raise WorkerFailed(f"a worker process answered {answer!r} to a reload.")
        self.generation = generation

    async def _exchange(self, message: Any) -> tuple[Any, bytes]:
        if not (await self._connected()).send(message):
            raise WorkerFailed("a worker process died before it got the job.")
        return await self._receive()

    async def _receive(self) -> tuple[Any, bytes]:
        try:
            return await (await self._connected()).receive()
        except (EOFError, OSError) as exc:
            raise WorkerFailed("a worker process died while running the query.") from exc

    def kill(self) -> None:
        self.process.kill()
        self.process.join(2.0)
        self._close_channel()

    async def stop(self) -> None:
        """Ask the worker to exit after its current job; kill it if it has not within 2 s."""
        (await self._connected()).send(None)
        await asyncio.to_thread(self.process.join, 2.0)
        if self.process.is_alive():
            self.process.kill()
            await asyncio.to_thread(self.process.join, 2.0)
        self._close_channel()

    def _close_channel(self) -> None:
        if self._frames is not None and self._frames.transport is not None:
            self._frames.transport.close()
        else:
            self.channel.close()
        if self.answers is not None:
            self.answers.close()


class WorkerPool:
    """Readers answer queries in parallel; one optional writer applies updates in order."""

    def __init__(self, path: Path, *, size: int, timeout: float, writable: bool) -> None:
        self.path = path
        self.size = size
        self.timeout = timeout
        self.writable = writable
        self.generation = 0
        self._context = multiprocessing.get_context("spawn")
        # Last in, first out: under light load the same worker takes the next job, its store still
        # warm in the shared cache (one client at 100k triples: 7-9% lower p50 over eight alternations).
        self._idle: asyncio.LifoQueue[Worker] = asyncio.LifoQueue()
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
        logger.info("%s ready%s", counted(self.size, "query worker"), ", and one for updates" if self.writable else "")

    def _extra_writer(self) -> list[Worker]:
        return [self._writer] if self._writer else []

    def _spawn(self, *, writable: bool) -> Worker:
        worker = Worker.spawn(self._context, self.path, writable, self.generation)
        self._workers.add(worker)
        return worker

    async def run(self, job: Job) -> Outcome:
        """Run a read job on a free reader, within the timeout."""
        worker = await self._free_reader()
        outcome = await self._call(worker, job, replace=self._replace_reader)
        self._release(worker)
        return outcome

    async def _free_reader(self) -> Worker:
        """An idle reader, taken at once when there is one; otherwise the first one freed within
        the timeout. (``wait_for`` runs what it waits for as a task of its own, which costs a turn
        of the event loop each way: 0.12-0.2 ms per query when the host is busy.)"""
        if not self._idle.empty():
            return self._idle.get_nowait()
        try:
            return await asyncio.wait_for(self._idle.get(), self.timeout)
        except TimeoutError:
            raise ServerBusy(f"every query worker stayed busy for {self.timeout:g} s.") from None

    def _release(self, worker: Worker) -> None:
        """A free reader goes back to the idle ones, after taking the newest snapshot if a write
        came since its own: that reload is not charged to anyone's query timeout."""
        if worker.generation == self.generation:
            self._idle.put_nowait(worker)
        else:
            self._background(self._refresh(worker))

    async def _refresh(self, worker: Worker) -> None:
        try:
            while worker.generation != self.generation:
                await asyncio.wait_for(worker.refresh(self.generation), START_TIMEOUT)
        except (WorkerFailed, TimeoutError):
            await self._replace_reader(worker)
            return
        self._idle.put_nowait(worker)

    def _background(self, coroutine: Any) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def write(self, job: Job) -> Outcome:
        """Run a write job on the writer, one at a time; readers see it from the next job on."""
        if self._writer is None:
            raise StoreError("this server was started read-only.")
        async with self._write_lock:
            changed = True  # unless the writer answers that it refused the job
            try:
                outcome = await self._call(self._writer, job, replace=self._replace_writer)
                changed = outcome.status < 400  # a rejected update (malformed, refused) wrote nothing
                return outcome
            finally:
                if changed:
                    self.generation += 1
                    while not self._idle.empty():  # idle readers reload now, not in their next query
                        self._background(self._refresh(self._idle.get_nowait()))

    async def _call(self, worker: Worker, job: Job, *, replace: Any) -> Outcome:
        try:
            async with asyncio.timeout(self.timeout):  # not wait_for: no task of its own (see _free_reader)
                return await worker.call(self.generation, job)
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
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*(worker.stop() for worker in list(self._workers)))
        self._workers.clear()
