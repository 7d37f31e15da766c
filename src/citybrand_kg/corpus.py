"""Batch builds: files and folders → per-document results (in parallel, cached) → outputs.

``build(paths, settings)`` lists the inputs, processes each document with
:func:`citybrand_kg.pipeline.process_document` in ``settings.jobs`` worker processes, reuses the
cached result of any document whose bytes, tool version and data files are unchanged, and streams
the results, in input order, into three files written atomically at the end:

- ``graph.trig``: one named graph per document (named by the document IRI) with the document's
  own nodes, and one entity graph with every other triple, once (``ontology/README.md``);
- ``graph.ttl``: the merged graph, shared triples written once (pretty Turtle up to
  ``PRETTY_LIMIT`` triples, N-Triples lines, which are Turtle too, above it);
- ``validation.ttl``: the SHACL report of every document graph that does not conform.

The parent process keeps no graph in memory: only a 64-bit digest per distinct triple about a
shared entity, and the entity keys for the summary. Workers write each document's N-Triples to a
spool file in a folder of the output folder (``.spool.*``), which the build copies into the cache
and the outputs and removes; the folder goes when the build ends, however it ends. An interrupted
build leaves the previous outputs and a consistent cache.

``progress(done, total, source)`` counts bytes of input files: a document counts its size once it
is done, and a document under way the part of it done (its extraction, then each piece of its
graph), which the workers report through a queue, so a long document moves the bar.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from multiprocessing import SimpleQueue
from pathlib import Path
from typing import IO

from citybrand_kg import __version__
from citybrand_kg.atomic import replacing, write_text
from citybrand_kg.errors import GraphError, UsageError
from citybrand_kg.pipeline import DocumentResult, Extractor, GraphText, process_document
from citybrand_kg.rdf.namespaces import CBR
from citybrand_kg.read.documents import input_files
from citybrand_kg.terminal import counted

log = logging.getLogger(__name__)
PRETTY_LIMIT = 200_000
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class BuildSettings:
    out: Path = Path("out")
    base: str | None = None
    max_bytes: int = 20 * 1024 * 1024
    validate: bool = True
    jobs: int = 1
    cache: bool = True
    cache_dir: Path | None = None

    @property
    def cache_path(self) -> Path:
        return self.cache_dir or self.out / ".cache"


@dataclass
class BuildResult:
    documents: int = 0
    extracted: int = 0
    cached: int = 0
    failures: list[str] = field(default_factory=list)
    nonconforming: list[str] = field(default_factory=list)
    triples: int = 0
    relations: int = 0
    entities: dict[str, str] = field(default_factory=dict)  # key → class
    outputs: dict[str, Path] = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        return not self.nonconforming

    def entity_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for type_name in self.entities.values():
            counts[type_name] = counts.get(type_name, 0) + 1
        return dict(sorted(counts.items()))


_IRI_START = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")


def checked_base(base: str) -> str:
    """A base IRI for resources: absolute, without spaces, ending in / or # so that keys follow it."""
    if not _IRI_START.match(base):
        raise UsageError(f"{base!r}: --base must be an absolute IRI such as https://example.org/kg/.")
    if not base.endswith(("/", "#")):
        raise UsageError(f"{base}: --base must end with / or # (keys are appended to it: {base}/city/…).")
    return base


def default_inputs() -> list[Path]:
    from citybrand_kg.resources import data_dir

    return sorted((data_dir() / "seed").glob("*.txt"))


def build(paths: list[Path], settings: BuildSettings, extractor: Extractor | None = None, progress: Progress | None = None) -> BuildResult:
    """Build the graph of ``paths`` (the bundled seed when empty) into ``settings.out``.

    The outputs are replaced only when at least one document was built: a mistyped path, or a
    folder where every file is bad, leaves the previous outputs as they were (``result.outputs``
    is then empty, and ``result.failures`` says why).
    """
    files, failures = input_files(paths or default_inputs())
    result = BuildResult(failures=failures)
    if not files:
        return result
    outputs = {"graph": settings.out / "graph.ttl", "dataset": settings.out / "graph.trig", "validation": settings.out / "validation.ttl"}
    created = not settings.out.exists()
    try:
        settings.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GraphError(f"{settings.out}: cannot be used as the output folder ({exc.strerror or exc}).") from exc
    handle, name = tempfile.mkstemp(prefix=".graph.", suffix=".nt", dir=settings.out)
    os.close(handle)
    merged_tmp = Path(name)
    meter = _Meter(files, progress)
    try:
        with (_spool_folder(settings.out) as spool, contextlib.closing(_results(files, settings, extractor, spool, meter)) as results,
              replacing(outputs["dataset"]) as dataset_tmp, dataset_tmp.open("wb") as dataset, merged_tmp.open("wb") as merged):
            reports = _consume(results, result, dataset, merged, meter, settings.base or str(CBR))
            if not result.documents:
                raise _NothingBuilt
        _write_merged(merged_tmp, outputs["graph"], result.triples)
    except _NothingBuilt:
        merged_tmp.unlink(missing_ok=True)
        if created:
            _remove_if_empty(settings.out)
        return result
    finally:
        merged_tmp.unlink(missing_ok=True)
    _write_report(outputs["validation"], reports)
    result.outputs = outputs
    return result


@contextlib.contextmanager
def _spool_folder(out: Path) -> Iterator[Path]:
    """A folder for the workers' spool files, removed with whatever is left in it when the build
    ends, however it ends. The results are closed first (``contextlib.closing`` inside this), which
    waits for the workers still busy, so that none writes into the folder after it is gone."""
    spool = Path(tempfile.mkdtemp(prefix=".spool.", dir=out))
    try:
        yield spool
    finally:
        shutil.rmtree(spool, ignore_errors=True)


class _NothingBuilt(Exception):
    """Raised inside the output's ``replacing`` block so that the previous file is kept."""


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:  # not empty (a cache, other files): leave it
        pass


class _Meter:
    """A build's progress in bytes of input: each document counts its file's size once it is done,
    and a document under way the fraction of it that its worker (or this process) reports."""

    def __init__(self, files: list[Path], progress: Progress | None) -> None:
        self.progress, self.sizes = progress, [_size(path) for path in files]
        self.index = {str(path): number for number, path in enumerate(files)}
        self.total, self.done, self.count = sum(self.sizes), 0, 0
        self.under_way: dict[int, int] = {}  # document number → bytes of it done
        self._lock = threading.Lock()  # workers report from a thread of their own

    def within(self, path: Path) -> Callable[[float], None] | None:
        """What a document processed in this process reports its fraction done to."""
        return None if self.progress is None else functools.partial(self.partly, str(path))

    def partly(self, path: str, fraction: float) -> None:
        """The document ``path`` is ``fraction`` done."""
        with self._lock:
            number = self.index.get(path)
            if number is not None and number >= self.count:  # not counted whole already
                self.under_way[number] = int(self.sizes[number] * min(fraction, 1.0))
                self._report(Path(path).name)

    def finished(self, source: str) -> None:
        """The next document in input order is done."""
        with self._lock:
            self.done += self.sizes[self.count]
            self.under_way.pop(self.count, None)
            self.count += 1
            self._report(source)

    def _report(self, source: str) -> None:
        if self.progress is not None:
            self.progress(self.done + sum(self.under_way.values()), self.total, source)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _consume(results: Iterator[DocumentResult], result: BuildResult, dataset: IO[bytes], merged: IO[bytes], meter: _Meter, base: str) -> list[str]:
    """Stream the results into the outputs: a document's own nodes (the document, its sentences,
    blocks and mentions, its assertions) into its graph, written straight through; every other
    triple (about entities, which several documents can share) once into the entity graph,
    remembered as a 64-bit digest. The entity graph is written last, from a spool file."""
    shared: set[int] = set()
    documents: set[str] = set()
    local = 0
    assertion = f"<{base}assertion/".encode()
    reports: list[str] = []
    with tempfile.TemporaryFile(dir=Path(dataset.name).parent) as entities:
        for item in results:
            try:
                meter.finished(item.source)
                if item.error is not None:
                    result.failures.append(item.error)
                    continue
                result.documents += 1
                result.cached += item.cached
                result.extracted += not item.cached
                if item.doc_iri in documents or item.graph is None:  # the same text twice: one graph
                    continue
                documents.add(item.doc_iri or "")
                result.relations += item.relations
                result.entities.update(dict(item.entities))
                if not item.conforms:
                    result.nonconforming.append(item.path)
                    reports.append(item.report)
                dataset.write(f"<{item.doc_iri}> {{\n".encode())
                mine = (f"<{item.doc_iri}>".encode(), f"<{item.doc_iri}#".encode(), assertion)
                for line in item.graph.lines():
                    if line.startswith(mine):
                        dataset.write(line)
                        merged.write(line)
                        local += 1
                        continue
                    digest = int.from_bytes(hashlib.blake2b(line, digest_size=8).digest(), "big")
                    if digest not in shared:
                        shared.add(digest)
                        entities.write(line)
                        merged.write(line)
                dataset.write(b"}\n")
            finally:
                if item.graph is not None and not item.cached:  # a fresh result's spool file: copied, done with
                    Path(item.graph.path).unlink(missing_ok=True)
        if shared:
            entities.seek(0)
            dataset.write(f"<{base}graph/entities> {{\n".encode())  # entity_graph_name of these documents
            shutil.copyfileobj(entities, dataset)
            dataset.write(b"}\n")
    result.triples = local + len(shared)
    return reports


def _write_merged(ntriples: Path, target: Path, triples: int) -> None:
    """Grouped, sorted Turtle for graphs up to PRETTY_LIMIT triples; the N-Triples lines (valid Turtle) above."""
    if triples <= PRETTY_LIMIT:
        from rdflib import Graph

        from citybrand_kg.rdf.turtle import turtle_text

        write_text(target, turtle_text(Graph().parse(ntriples, format="nt")))
    else:
        with replacing(target) as temporary:
            os.replace(ntriples, temporary)


def _write_report(target: Path, reports: list[str]) -> None:
    from rdflib import BNode, Graph, Literal
    from rdflib.namespace import RDF, SH

    graph = Graph()
    graph.bind("sh", SH)
    report = BNode("report")
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(not reports)))
    for text in reports:
        part = Graph().parse(data=text, format="nt")
        for node in part.subjects(SH.result, None):
            for result in part.objects(node, SH.result):
                graph.add((report, SH.result, result))
        for triple in part:
            if triple[1] not in (SH.conforms, SH.result) and triple[2] != SH.ValidationReport:
                graph.add(triple)
    write_text(target, graph.serialize(format="turtle"))


# --- per-document work, cached and in parallel --------------------------------------------------

def _results(files: list[Path], settings: BuildSettings, extractor: Extractor | None, spool: Path, meter: _Meter) -> Generator[DocumentResult, None, None]:
    """Results in input order: cache entries read once, as their turn comes; the rest extracted,
    their graphs written into the folder ``spool``."""
    keyed = [(path, _cache_key(path, settings)) for path in files]
    pending = [(path, key) for path, key in keyed if not (settings.cache and _cache_file(settings, key).is_file())]
    waiting = {key for _path, key in pending}
    fresh: dict[str, DocumentResult] = {}
    work = _process_serially(pending, settings, extractor, spool, meter) if settings.jobs <= 1 or len(pending) <= 1 else _process_in_parallel(pending, settings, spool, meter)
    with contextlib.closing(work):  # stops the workers at once if this stops, even while a traceback holds this frame
        for path, key in keyed:
            if key not in waiting:
                hit = _cached(settings, key)
                if hit is None:  # an entry that cannot be read: extract the document again, here
                    extractor = extractor or Extractor()
                    hit = next(_process_serially([(path, key)], settings, extractor, spool, meter))
                    _store(settings, hit)
                yield hit
                continue
            while key not in fresh:
                item = next(work)
                fresh[item.key] = item
                _store(settings, item)
            yield fresh.pop(key)


def _process_serially(pending: list[tuple[Path, str]], settings: BuildSettings, extractor: Extractor | None, spool: Path, meter: _Meter) -> Generator[DocumentResult, None, None]:
    extractor = extractor or Extractor()
    for path, key in pending:
        yield process_document(path, key, extractor, spool=spool, base=settings.base, max_bytes=settings.max_bytes, validate=settings.validate, progress=meter.within(path))


_WORKER: Extractor | None = None
_PROGRESS: SimpleQueue[tuple[str, float] | None] | None = None


def _init_worker(progress: SimpleQueue[tuple[str, float] | None] | None) -> None:
    """Workers leave Ctrl-C to the parent, which stops the build and keeps the old outputs; they
    report how far they are in a document to ``progress``, when the build shows progress."""
    global _WORKER, _PROGRESS
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER = Extractor()
    _PROGRESS = progress


def _work(item: tuple[Path, str], settings: BuildSettings, spool: Path) -> DocumentResult:
    assert _WORKER is not None
    report = None if _PROGRESS is None else functools.partial(_tell, str(item[0]))
    return process_document(item[0], item[1], _WORKER, spool=spool, base=settings.base, max_bytes=settings.max_bytes, validate=settings.validate, progress=report)


def _tell(path: str, fraction: float) -> None:
    assert _PROGRESS is not None
    _PROGRESS.put((path, fraction))


def _process_in_parallel(pending: list[tuple[Path, str]], settings: BuildSettings, spool: Path, meter: _Meter) -> Generator[DocumentResult, None, None]:
    progress: SimpleQueue[tuple[str, float] | None] | None = SimpleQueue() if meter.progress is not None else None
    with ProcessPoolExecutor(max_workers=settings.jobs, initializer=_init_worker, initargs=(progress,)) as pool, _listening(progress, meter):
        try:
            yield from pool.map(functools.partial(_work, settings=settings, spool=spool), pending, chunksize=max(1, min(32, len(pending) // (settings.jobs * 8) or 1)))
        except BaseException:  # waits for the chunks under way (the interpreter would wait for them at exit anyway): none writes a spool file after the build removed their folder
            pool.shutdown(wait=True, cancel_futures=True)
            raise


@contextlib.contextmanager
def _listening(progress: SimpleQueue[tuple[str, float] | None] | None, meter: _Meter) -> Iterator[None]:
    """A thread passing what the workers report on the documents under way to ``meter``, so that
    the progress bar moves while a worker builds a long document."""
    if progress is None:
        yield
        return
    listener = threading.Thread(target=_pass_on, args=(progress, meter), daemon=True)
    listener.start()
    try:
        yield
    finally:
        progress.put(None)
        listener.join()


def _pass_on(progress: SimpleQueue[tuple[str, float] | None], meter: _Meter) -> None:
    for path, fraction in iter(progress.get, None):
        meter.partly(path, fraction)


# --- the cache ----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def data_fingerprint() -> str:
    """Digest of everything that changes results besides the code: gazetteers, patterns, shapes, ontology."""
    from citybrand_kg.resources import data_dir, ontology_path, shapes_dir

    digest = hashlib.sha256(__version__.encode())
    roots = [data_dir() / "gazetteers", data_dir() / "patterns", shapes_dir()]
    for path in sorted(p for root in roots for p in root.rglob("*") if p.is_file()) + [ontology_path()]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for module in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(module.read_bytes())
    return digest.hexdigest()


def _cache_key(path: Path, settings: BuildSettings) -> str:
    digest = hashlib.sha256(data_fingerprint().encode())
    digest.update(f"{settings.base}|{settings.validate}|{settings.max_bytes}|{path.name}".encode())
    try:
        digest.update(path.read_bytes())
    except OSError:
        digest.update(str(path).encode())
    return digest.hexdigest()


def _cache_file(settings: BuildSettings, key: str) -> Path:
    return settings.cache_path / key[:2] / f"{key}.entry"


def _cached(settings: BuildSettings, key: str) -> DocumentResult | None:
    return read_cache_entry(_cache_file(settings, key)) if settings.cache else None


def write_cache_entry(path: Path, item: DocumentResult) -> None:
    """One document's cache entry, written atomically: a line of JSON (the summary, and the byte
    lengths of the two texts), then the N-Triples (copied from where the result has them) and the
    validation report as they are. Escaping 400 KB of N-Triples into a JSON string cost the
    build's parent process more than everything else it does per document."""
    report = item.report.encode("utf-8")
    length = item.graph.length if item.graph is not None else 0
    header = {k: v for k, v in asdict(item).items() if k not in ("graph", "report", "cached")}
    header |= {"ntriples_bytes": length, "report_bytes": len(report)}
    with replacing(path) as temporary, temporary.open("wb") as out:
        out.write(json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n")
        if item.graph is not None:
            out.writelines(item.graph.chunks())
        out.write(report)


def read_cache_entry(path: Path) -> DocumentResult | None:
    """The result a cache entry holds (its graph left in the entry, read when it is copied), or
    None when it is missing, truncated or damaged."""
    try:
        with path.open("rb") as handle:
            header = json.loads(handle.readline())
            start, size = handle.tell(), os.fstat(handle.fileno()).st_size
            sizes = header.pop("ntriples_bytes"), header.pop("report_bytes")
            if size - start != sizes[0] + sizes[1]:
                return None
            handle.seek(start + sizes[0])
            header["report"] = handle.read().decode("utf-8")
        header["graph"] = GraphText(str(path), start, sizes[0])
        header["entities"] = tuple(tuple(pair) for pair in header["entities"])
        return DocumentResult(**header, cached=True)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # ValueError covers JSON and UTF-8 errors
        return None


def _store(settings: BuildSettings, item: DocumentResult) -> None:
    if settings.cache and item.error is None:
        write_cache_entry(_cache_file(settings, item.key), item)


def summary_rows(result: BuildResult) -> Iterable[tuple[str, str]]:
    yield ("documents", f"{result.documents} ({result.extracted} extracted, {result.cached} from cache)")
    yield ("failures", str(len(result.failures)))
    for name, count in result.entity_counts().items():
        yield (f"entities: {name}", str(count))
    yield ("relations", str(result.relations))
    yield ("triples", str(result.triples))
    yield ("conforms", "yes" if result.conforms else f"no ({counted(len(result.nonconforming), 'document')})")
