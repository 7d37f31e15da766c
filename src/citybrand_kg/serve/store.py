"""The embedded store: a pyoxigraph (RocksDB or in-memory) dataset of citybrand-kg graphs.

Layout of the dataset
---------------------
* **TriG / N-Quads** files keep their named graphs as written (``build`` writes one graph per
  document and one entity graph); triples in their default graph stay in the default graph.
* **Turtle / N-Triples** files carry no graph names, so they are split with the rule of
  :mod:`citybrand_kg.rdf.named_graphs` (the one ``build``, export and loading use): each
  document's own nodes in its graph, every other triple once in the entity graph. A Turtle file
  and the TriG file of the same build load into the same named graphs, graph for graph (test).

Each triple is in one graph, so the union of the graphs is a set. Queries run with Oxigraph's own
union default graph (the default graph and every named graph), unless the query names its own
dataset (``FROM`` / ``FROM NAMED``) or the caller passes ``default_graph`` / ``named_graphs``
(the SPARQL protocol's ``default-graph-uri`` / ``named-graph-uri``), which work as SPARQL says.
Oxigraph counts a triple once per graph it is in (its issue 1919): only a triple someone wrote
into two graphs of their own would count twice.

Queries run as written. (A rewrite that put the triple patterns of each basic graph pattern in the
order cheapest to join, by counts per predicate, saved 18-19% on the benchmark's 3-way join over
a million triples and nothing elsewhere: under the 20% an optimisation needs to keep its lines.)
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import logging
import re
import tempfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from citybrand_kg.errors import GraphError, MalformedQuery, StoreError
from citybrand_kg.rdf.syntaxes import graph_file, read_quads

logger = logging.getLogger(__name__)


GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


@dataclass(frozen=True)
class LoadReport:
    """What loading one file added: its new quads and the named graphs it created."""

    path: Path
    quads: int
    graphs: tuple[str, ...]


class GraphStore:
    """A pyoxigraph store plus the directory it lives in (``None`` when in memory)."""

    def __init__(self, store: ox.Store, path: Path | None, *, read_only: bool = False) -> None:
        self._store: ox.Store | None = store
        self.path = path
        self.read_only = read_only

    @classmethod
    def open(cls, path: Path | None = None) -> GraphStore:
        """Open (or create) a persistent store at ``path``, or an in-memory one."""
        try:
            store = ox.Store(str(path)) if path is not None else ox.Store()
        except OSError as exc:
            raise StoreError(f"{path}: cannot open the store: {exc}.") from exc
        return cls(store, path)

    @classmethod
    def open_read_only(cls, path: Path) -> GraphStore:
        """Open a snapshot of the store at ``path``; other processes may keep writing to it."""
        try:
            store = ox.Store.read_only(str(path))
        except OSError as exc:
            raise StoreError(f"{path}: cannot open the store read-only: {exc}.") from exc
        return cls(store, path, read_only=True)

    def write_snapshot(self, target: Path) -> None:
        """Every quad as N-Quads in predicate and object order, into the file ``target``."""
        unsorted = target.with_name(target.name + ".unsorted")
        try:
            self.oxigraph.dump(str(unsorted), format=ox.RdfFormat.N_QUADS)
            write_in_predicate_order(unsorted, target)
        finally:
            unsorted.unlink(missing_ok=True)

    @classmethod
    def copy_of(cls, snapshot: Path) -> GraphStore:
        """A read-only store in memory of a snapshot file (:meth:`write_snapshot`): what a query
        worker holds, since joins run several times faster in memory than on RocksDB (a 3-way
        join over a million triples: 63 ms against 240 ms)."""
        memory = ox.Store()
        memory.load(path=str(snapshot), format=ox.RdfFormat.N_QUADS, lenient=True)  # validated when first loaded
        return cls(memory, None, read_only=True)

    def fill(self, snapshot: Path, lines: int = 200_000) -> None:
        """Bulk-load a snapshot file into this store, ``lines`` at a time: the bulk loader's memory
        grows with what it is given at once (a million quads in one go: about 1 GB; in chunks of
        200,000: about 300 MB, and a little faster)."""
        store = self.writable()
        with snapshot.open("rb") as quads:
            while chunk := b"".join(itertools.islice(quads, lines)):
                store.bulk_load(chunk, format=ox.RdfFormat.N_QUADS)

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store."""
        if self._store is None:
            raise StoreError(f"{self.path or 'in-memory store'}: the store is closed.")
        return self._store

    def writable(self) -> ox.Store:
        """The pyoxigraph store, for writing: every write comes through here."""
        if self.read_only:
            raise StoreError("this copy of the store is read-only.")
        return self.oxigraph

    def quads(self, graph: GraphName | None = None) -> Iterator[ox.Quad]:
        """The quads of one graph, or of all (``None``)."""
        return iter(self.oxigraph.quads_for_pattern(None, None, None, graph))

    def close(self) -> None:
        """Release the handle so another process can open the directory read-write."""
        if self._store is not None and not self.read_only and self.path is not None:
            self._store.flush()
        self._store = None
        gc.collect()

    def __len__(self) -> int:
        """Number of quads (all graphs)."""
        return len(self.oxigraph)

    def named_graphs(self) -> list[str]:
        """IRIs (or blank-node ids) of the named graphs, sorted."""
        return sorted(graph.value for graph in self.oxigraph.named_graphs())

    def load(self, path: Path) -> LoadReport:
        """Load one graph file, keeping or deriving its named graphs (see the module docstring)."""
        store = self.writable()
        syntax = graph_file(path)
        before, graphs_before = len(store), set(self.named_graphs())
        if syntax.oxigraph in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            try:  # RocksDB loads fastest in bulk; in memory, bulk loading holds three times the memory
                (store.bulk_load if self.path else store.load)(path=str(path), format=syntax.oxigraph)
            except SyntaxError as exc:
                raise GraphError(f"{path}: is not valid {syntax.name} ({str(exc).strip().splitlines()[0][:200]}).") from exc
        else:  # triples are split by document; quads a file names a graph for (JSON-LD) keep it
            parsed = read_quads(path)
            named = [quad for quad in parsed if not isinstance(quad.graph_name, ox.DefaultGraph)]
            store.bulk_extend([*split_by_document(quad.triple for quad in parsed if isinstance(quad.graph_name, ox.DefaultGraph)), *named])
        graphs = tuple(sorted(set(self.named_graphs()) - graphs_before))
        return LoadReport(path=path, quads=len(store) - before, graphs=graphs)

    def query(
        self,
        sparql: str,
        *,
        default_graph: Sequence[GraphName] | None = None,
        named_graphs: Sequence[ox.NamedNode | ox.BlankNode] | None = None,
    ) -> QueryResult:
        """Run a query over the union default graph, or over the dataset that ``default_graph`` /
        ``named_graphs`` or the query's FROM clauses give (see the module docstring)."""
        kwargs: dict[str, Any] = {}
        if default_graph or named_graphs:  # as FROM / FROM NAMED: naming one kind leaves the other empty
            kwargs = {"default_graph": list(default_graph or ()), "named_graphs": list(named_graphs or ())}
        elif not _FROM.search(_IGNORED.sub(" ", sparql)):
            kwargs = {"use_default_graph_as_union": True}
        try:
            return self.oxigraph.query(sparql, **kwargs)
        except SyntaxError as exc:
            raise MalformedQuery(f"malformed SPARQL query: {_first_line(exc)}") from exc
        except OSError as exc:
            raise StoreError(f"the query failed while reading the store: {exc}.") from exc

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update (the default graph of an update is the store's default graph)."""
        store = self.writable()
        try:
            store.update(sparql)
        except SyntaxError as exc:
            raise MalformedQuery(f"malformed SPARQL update: {_first_line(exc)}") from exc
        except OSError as exc:
            raise StoreError(f"the update failed: {exc}.") from exc


@dataclass(frozen=True)
class Prepared:
    """A dataset handed over to the server's workers."""

    snapshot: Path
    """Its quads as N-Quads in predicate and object order: what the query workers load first."""
    store: Path | None
    """The RocksDB folder writes go to, which readers copy after a write; None when read-only
    with nothing on disk."""
    temporary: Path
    """A folder of the server's own (the snapshot, a temporary store), removed when it stops."""
    fill: bool = False
    """Whether the writer first fills the (new) store with the snapshot."""


def prepare(store: GraphStore, folder: Path, *, writable: bool) -> Prepared:
    """Hand ``store`` over to a server, which takes it (the handle is closed): its snapshot is
    written into ``folder``; an in-memory store that is to take writes becomes a RocksDB folder
    there, which the writer fills while the readers load their copies."""
    snapshot = folder / "snapshot.nq"
    store.write_snapshot(snapshot)
    on_disk = store.path
    store.close()
    if on_disk is None and writable:
        return Prepared(snapshot, folder / "store", folder, fill=True)
    return Prepared(snapshot, on_disk, folder)


def prepare_files(paths: Sequence[Path], store_dir: Path | None, folder: Path, *, writable: bool) -> tuple[Prepared, list[LoadReport]]:
    """Load graph files into the store at ``store_dir`` (in memory when None) and :func:`prepare`
    it. ``serve`` runs this in a process of its own, whose memory goes back to the system when
    it ends (a million quads take about 550 MB there, at most)."""
    store = GraphStore.open(store_dir)
    reports = [store.load(path) for path in paths]
    return prepare(store, folder, writable=writable), reports


def write_in_predicate_order(source: Path, target: Path, buckets: int = 64) -> None:
    """The lines of the N-Quads file ``source`` into ``target``, each predicate's lines together and
    sorted by what follows the subject: the predicate, then the object (then the graph).

    pyoxigraph's in-memory store allocates a node per quad as it is inserted and chains the nodes
    of each subject, predicate, object and graph; a pattern with a constant predicate walks its
    predicate's chain. Loaded in this order, a predicate's chain lies in one stretch of memory
    instead of being strewn across the store, which matters when the cache is cold (the host did
    other work between queries). Over a million triples, with the cache emptied before each query:
    count per class 83 → 33 ms, the 3-way join 46 → 35 ms, the 2-hop path 20 → 15 ms.

    The lines are first dealt into ``buckets`` files by their predicate, then each bucket is sorted
    in memory: only one bucket's lines are held at a time (a million lines take about 2.5 s).
    Oxigraph writes one quad per line, its subject, a space, then its predicate; a line of another
    shape only sorts elsewhere: no line is changed or lost.
    """
    with tempfile.TemporaryDirectory(prefix="citybrand-kg-sort-", dir=target.parent) as folder:
        parts = [Path(folder) / str(number) for number in range(buckets)]
        with contextlib.ExitStack() as stack:
            files = [stack.enter_context(part.open("wb")) for part in parts]
            with source.open("rb") as lines:
                for line in lines:
                    line = line if line.endswith(b"\n") else line + b"\n"
                    start = line.find(b" ") + 1
                    files[zlib.crc32(line[start : line.find(b" ", start)]) % buckets].write(line)
        with target.open("wb") as out:
            for part in parts:
                bucket = part.read_bytes().split(b"\n")
                bucket.pop()  # after the last newline
                bucket.sort(key=_after_subject)
                out.write(b"".join(line + b"\n" for line in bucket))


def _after_subject(line: bytes) -> bytes:
    return line[line.find(b" ") + 1 :]


def split_by_document(triples: Iterable[ox.Triple]) -> Iterator[ox.Quad]:
    """Put each triple into its document's graph or the entity graph (see the module docstring)."""
    from citybrand_kg.rdf.named_graphs import (  # rdflib's namespaces: loaded only for Turtle
        Terms,
        entity_graph_name,
        partition,
    )

    terms: Terms[Any] = Terms(named=ox.NamedNode, iri=lambda node: node.value if isinstance(node, ox.NamedNode) else None)
    parts = partition(((t.subject, t.predicate, t.object) for t in triples), terms)
    entities = entity_graph_name(document.value for document in parts if document is not None)
    for document, part in parts.items():
        graph = document or (ox.NamedNode(entities) if entities else ox.DefaultGraph())
        for subject, predicate, obj in part:
            yield ox.Quad(subject, predicate, obj, graph)


_IGNORED = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
)
"""Strings, IRIs and comments, where a keyword is no keyword."""
_FROM = re.compile(r"\bFROM\b", re.IGNORECASE)
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


def uses_service(sparql: str) -> bool:
    """Whether a ``SERVICE`` keyword occurs outside strings, IRIs and comments."""
    return bool(_SERVICE.search(_IGNORED.sub(" ", sparql)))


def _first_line(exc: BaseException, limit: int = 200) -> str:
    """The parser's complaint on one line (its message may list hundreds of expected characters)."""
    line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return line if len(line) <= limit else line[:limit] + "…"
