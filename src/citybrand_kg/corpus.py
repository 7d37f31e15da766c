"""Batch builds: files and folders → per-document results (in parallel, cached) → outputs.

``build(paths, settings)`` lists the inputs, processes each document with
:func:`citybrand_kg.pipeline.process_document` in ``settings.jobs`` worker processes, reuses the
cached result of any document whose bytes, tool version and data files are unchanged, and streams
the results, in input order, into three files written atomically at the end:

- ``graph.trig``: one named graph per document (named by the document IRI);
- ``graph.ttl``: the merged graph, shared triples written once (pretty Turtle up to
  ``PRETTY_LIMIT`` triples, N-Triples lines, which are Turtle too, above it);
- ``validation.ttl``: the SHACL report of every document graph that does not conform.

The parent process keeps no graph in memory: only a 64-bit digest per distinct triple about a
shared entity, and the entity keys for the summary. An interrupted build leaves the previous outputs and a consistent cache.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
import signal
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

from citybrand_kg import __version__
from citybrand_kg.atomic import replacing, write_bytes, write_text
from citybrand_kg.errors import GraphError, UsageError
from citybrand_kg.pipeline import DocumentResult, Extractor, process_document
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
    try:
        with replacing(outputs["dataset"]) as dataset_tmp, dataset_tmp.open("w", encoding="utf-8") as dataset, merged_tmp.open("w", encoding="utf-8") as merged:
            reports = _consume(_results(files, settings, extractor), result, dataset, merged, len(files), progress, settings.base or str(CBR))
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


class _NothingBuilt(Exception):
    """Raised inside the output's ``replacing`` block so that the previous file is kept."""


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:  # not empty (a cache, other files): leave it
        pass


def _consume(results: Iterator[DocumentResult], result: BuildResult, dataset: IO[str], merged: IO[str], total: int, progress: Progress | None, base: str) -> list[str]:
    """Stream the results into the outputs. Only triples that several documents can share (those
    about entities) are remembered, as 64-bit digests; a document's own nodes (the document, its
    sentences, mentions, assertions and figures) are written straight through."""
    shared: set[int] = set()
    documents: set[str] = set()
    local = 0
    own = (f"<{base}assertion/", f"<{base}quantity/")
    reports: list[str] = []
    for done, item in enumerate(results, start=1):
        if progress is not None:
            progress(done, total, item.source)
        if item.error is not None:
            result.failures.append(item.error)
            continue
        result.documents += 1
        result.cached += item.cached
        result.extracted += not item.cached
        if item.doc_iri in documents:  # the same text twice: one graph
            continue
        documents.add(item.doc_iri or "")
        result.relations += item.relations
        result.entities.update(dict(item.entities))
        if not item.conforms:
            result.nonconforming.append(item.path)
            reports.append(item.report)
        dataset.write(f"<{item.doc_iri}> {{\n{item.ntriples}}}\n")
        mine = (f"<{item.doc_iri}", *own)
        kept = []
        for line in item.ntriples.splitlines(keepends=True):
            if line.startswith(mine):
                kept.append(line)
                local += 1
                continue
            digest = int.from_bytes(hashlib.blake2b(line.encode("utf-8"), digest_size=8).digest(), "big")
            if digest not in shared:
                shared.add(digest)
                kept.append(line)
        merged.write("".join(kept))
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

def _results(files: list[Path], settings: BuildSettings, extractor: Extractor | None) -> Iterator[DocumentResult]:
    """Results in input order: cache entries read once, as their turn comes; the rest extracted."""
    keyed = [(path, _cache_key(path, settings)) for path in files]
    pending = [(path, key) for path, key in keyed if not (settings.cache and _cache_file(settings, key).is_file())]
    waiting = {key for _path, key in pending}
    fresh: dict[str, DocumentResult] = {}
    work = _process_serially(pending, settings, extractor) if settings.jobs <= 1 or len(pending) <= 1 else _process_in_parallel(pending, settings)
    iterator = iter(work)
    for path, key in keyed:
        if key not in waiting:
            hit = _cached(settings, key)
            if hit is None:  # an entry that cannot be read: extract the document again, here
                extractor = extractor or Extractor()
                hit = next(_process_serially([(path, key)], settings, extractor))
                _store(settings, hit)
            yield hit
            continue
        while key not in fresh:
            item = next(iterator)
            fresh[item.key] = item
            _store(settings, item)
        yield fresh.pop(key)


def _process_serially(pending: list[tuple[Path, str]], settings: BuildSettings, extractor: Extractor | None) -> Iterator[DocumentResult]:
    extractor = extractor or Extractor()
    for path, key in pending:
        yield process_document(path, key, extractor, base=settings.base, max_bytes=settings.max_bytes, validate=settings.validate)


_WORKER: Extractor | None = None


def _init_worker() -> None:
    """Workers leave Ctrl-C to the parent, which stops the build and keeps the old outputs."""
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER = Extractor()


def _work(item: tuple[Path, str], settings: BuildSettings) -> DocumentResult:
    assert _WORKER is not None
    return process_document(item[0], item[1], _WORKER, base=settings.base, max_bytes=settings.max_bytes, validate=settings.validate)


def _process_in_parallel(pending: list[tuple[Path, str]], settings: BuildSettings) -> Iterator[DocumentResult]:
    with ProcessPoolExecutor(max_workers=settings.jobs, initializer=_init_worker) as pool:
        try:
            yield from pool.map(functools.partial(_work, settings=settings), pending, chunksize=max(1, min(32, len(pending) // (settings.jobs * 8) or 1)))
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


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


def cache_entry(item: DocumentResult) -> bytes:
    """One document's cache entry: a line of JSON (the summary, and the byte lengths of the two
    texts), then the N-Triples and the validation report as they are. Escaping 400 KB of
    N-Triples into a JSON string cost the build's parent process more than everything else it
    does per document."""
    ntriples, report = item.ntriples.encode("utf-8"), item.report.encode("utf-8")
    header = {k: v for k, v in asdict(item).items() if k not in ("ntriples", "report", "cached")}
    header |= {"ntriples_bytes": len(ntriples), "report_bytes": len(report)}
    return json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n" + ntriples + report


def read_cache_entry(path: Path) -> DocumentResult | None:
    """The result a cache entry holds, or None when it is missing, truncated or damaged."""
    try:
        data = path.read_bytes()
        end = data.index(b"\n")
        header = json.loads(data[:end])
        sizes = header.pop("ntriples_bytes"), header.pop("report_bytes")
        if len(data) - end - 1 != sizes[0] + sizes[1]:
            return None
        body = data[end + 1 :]
        header |= {"ntriples": body[: sizes[0]].decode("utf-8"), "report": body[sizes[0] :].decode("utf-8")}
        header["entities"] = tuple(tuple(pair) for pair in header["entities"])
        return DocumentResult(**header, cached=True)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # ValueError covers JSON and UTF-8 errors
        return None


def _store(settings: BuildSettings, item: DocumentResult) -> None:
    if settings.cache and item.error is None:
        write_bytes(_cache_file(settings, item.key), cache_entry(item))


def summary_rows(result: BuildResult) -> Iterable[tuple[str, str]]:
    yield ("documents", f"{result.documents} ({result.extracted} extracted, {result.cached} from cache)")
    yield ("failures", str(len(result.failures)))
    for name, count in result.entity_counts().items():
        yield (f"entities: {name}", str(count))
    yield ("relations", str(result.relations))
    yield ("triples", str(result.triples))
    yield ("conforms", "yes" if result.conforms else f"no ({counted(len(result.nonconforming), 'document')})")
