"""The embedded store: a pyoxigraph (RocksDB or in-memory) dataset of citybrand-kg graphs.

Layout of the dataset
---------------------
* **TriG / N-Quads** files keep their named graphs as written (the pipeline writes one graph per
  document, named by the document IRI); triples in their default graph stay in the default graph.
* **Turtle / N-Triples** files carry no graph names, so they are split by document with the rule
  of :mod:`citybrand_kg.rdf.named_graphs` (the one export and loading use): a document's graph holds
  its own triples, its sentences and mentions, the assertions derived from its sentences, and the
  description of every entity it touches; an entity several documents touch is described in each
  of their graphs; what no document claims (ontology terms, entities no document mentions) goes
  to the default graph.

  So a Turtle file and the TriG file of the same build load into the same named graphs, graph for
  graph (test), not only the same union.

Queries run with the **union of all graphs** (the default graph and every named graph) as their
default graph, unless the query names its own dataset (``FROM`` / ``FROM NAMED``) or the caller
passes ``default_graph`` / ``named_graphs`` (the SPARQL protocol's ``default-graph-uri`` /
``named-graph-uri``).

The union is an RDF merge, a *set* of triples: an entity described in the graphs of ten documents
is one set of triples in the union, so it matches once and counts once. Oxigraph's own union
default graph (``use_default_graph_as_union``) is a bag, matching such a triple once per graph
(Oxigraph issue 1919, fixed after the 0.5 releases), so it is not used: union queries run on a
**merged view** (:meth:`GraphStore.merged_view`), an in-memory copy whose default graph holds the
merge and whose named graphs are the stored ones. The query workers hold one each; a plain store
builds one when first asked a union query and keeps it until its next write.

A query's own dataset works as SPARQL says: ``FROM`` graphs are merged into the default graph
and ``FROM NAMED`` graphs are the only named ones; the protocol's ``default-graph-uri`` /
``named-graph-uri`` work the same way and take precedence. When several graphs make the default
graph, a scratch store holds their merge (Oxigraph would again count a triple once per graph);
the query's FROM clauses are then read with rdflib's parser.

A merged view holds the merge twice: beside the named graphs, and alone in a second store. Union
queries without a ``GRAPH`` pattern run on the second one, because pyoxigraph's in-memory store
finds a default-graph pattern's quads among those of every graph (a 3-way join over 100k triples
takes 2–3× as long beside the document graphs as alone). Those queries first have the triple
patterns of each basic graph pattern put in the order cheapest to join, by counts taken from the
merge (:mod:`citybrand_kg.serve.joinorder`); the rewritten text is kept per query text. Both stores of
a merged view are loaded sorted by predicate and object (:func:`in_predicate_order`), so that a
scan of one predicate reads one stretch of memory.
"""

from __future__ import annotations

import functools
import gc
import itertools
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from citybrand_kg.errors import GraphError, MalformedQuery, StoreError
from citybrand_kg.rdf.syntaxes import graph_file, read_quads
from citybrand_kg.serve.joinorder import PredicateStats, reorder
from citybrand_kg.serve.remembered import remembered
from citybrand_kg.terminal import counted

logger = logging.getLogger(__name__)


GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


@dataclass(frozen=True)
class LoadReport:
    """What loading one file added: its new quads and the named graphs it created."""

    path: Path
    quads: int
    graphs: tuple[str, ...]


@dataclass(frozen=True)
class QueryFeatures:
    """What a query asks for outside its patterns, found by a lexical scan."""

    has_dataset: bool
    has_service: bool
    has_graph: bool
    """Whether a ``GRAPH`` keyword may occur (a false alarm costs speed, never correctness)."""
    from_clauses: int
    """How many ``FROM`` keywords not followed by ``NAMED`` (clauses of the default graph)."""


class GraphStore:
    """A pyoxigraph store plus the directory it lives in (``None`` when in memory)."""

    def __init__(self, store: ox.Store, path: Path | None, *, read_only: bool = False) -> None:
        self._store: ox.Store | None = store
        self.path = path
        self.read_only = read_only
        self._merged: _MergedParts | None = None  # set on a merged view only
        self._view: GraphStore | None = None  # a plain store's merged view, until its next write

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

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store."""
        if self._store is None:
            raise StoreError(f"{self.path or 'in-memory store'}: the store is closed.")
        return self._store

    @property
    def is_merged_view(self) -> bool:
        """Whether this is a read-only view whose default graph is the merge of all graphs."""
        return self._merged is not None

    def merged_view(self) -> GraphStore:
        """A read-only, in-memory copy whose default graph is the RDF merge of every graph.

        Its named graphs are the stored ones; the stored default graph is kept aside, so the Graph
        Store reads (:meth:`quads`) and the counts still describe the stored dataset; the merge is
        also kept alone in a second store for the queries without ``GRAPH``. In memory because
        pyoxigraph's in-memory store also answers joins several times faster than RocksDB; it
        takes two to three times the memory of the stored quads in RocksDB's place.
        """
        if self.is_merged_view:
            return self
        memory = ox.Store()
        # Each dump is sorted as it is taken, so that only the sorted copy is alive while loading.
        quads = in_predicate_order(self.oxigraph.dump(format=ox.RdfFormat.N_QUADS) or b"")
        memory.load(quads, ox.RdfFormat.N_QUADS, lenient=True)  # validated when first loaded
        del quads
        own_default = ox.Store()
        own_default.extend(memory.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        stored = len(memory)
        memory.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        merge = ox.Store()
        merged = in_predicate_order(memory.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b"")
        merge.bulk_load(merged, format=ox.RdfFormat.N_TRIPLES)
        del merged
        view = GraphStore(memory, None, read_only=True)
        reordered = remembered(QUERIES_KEPT, LONGEST_KEPT)(functools.partial(reorder, stats=PredicateStats.of(merge)))
        view._merged = _MergedParts(own_default, merge, stored, reordered)
        return view

    def writable(self) -> ox.Store:
        """The pyoxigraph store, for writing: every write goes through here (or through
        :meth:`load` / :meth:`update`, which come here), so a cached merged view is dropped."""
        if self.is_merged_view:
            raise StoreError("a merged view is read-only; write to the store it was made from.")
        self._view = None
        return self.oxigraph

    def quads(self, graph: GraphName | None = None) -> Iterator[ox.Quad]:
        """The stored quads of one graph, or of all (``None``); on a merged view the stored
        default graph, not the merge."""
        if self._merged is None:
            return iter(self.oxigraph.quads_for_pattern(None, None, None, graph))
        if isinstance(graph, ox.DefaultGraph):
            return iter(self._merged.own_default)
        if graph is not None:
            return iter(self.oxigraph.quads_for_pattern(None, None, None, graph))
        named = (self.oxigraph.quads_for_pattern(None, None, None, name) for name in self.oxigraph.named_graphs())
        return itertools.chain(self._merged.own_default, itertools.chain.from_iterable(named))

    def close(self) -> None:
        """Release the handle so another process can open the directory read-write."""
        if self._store is not None and not self.read_only and self.path is not None:
            self._store.flush()
        self._store = None
        gc.collect()

    def __len__(self) -> int:
        """Number of stored quads (all graphs; a merged view does not count its merge)."""
        return len(self.oxigraph) if self._merged is None else self._merged.stored_quads

    def triple_count(self) -> int:
        """Number of quads in the dataset (all graphs)."""
        return len(self)

    def named_graphs(self) -> list[str]:
        """IRIs (or blank-node ids) of the named graphs, sorted."""
        return sorted(graph.value for graph in self.oxigraph.named_graphs())

    def load(self, path: Path) -> LoadReport:
        """Load one graph file, keeping or deriving its named graphs (see the module docstring)."""
        self.writable()
        syntax = graph_file(path)
        if syntax.oxigraph in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            try:
                return self._load_dataset(path, syntax.oxigraph)
            except SyntaxError as exc:
                raise GraphError(f"{path}: is not valid {syntax.name} ({str(exc).strip().splitlines()[0][:200]}).") from exc
        return self._load_split(path)

    def load_all(self, paths: Iterable[Path]) -> list[LoadReport]:
        """Load several files in order; logs one line per file."""
        reports = []
        for path in paths:
            report = self.load(path)
            logger.info("loaded %s: %s into %s", path, counted(report.quads, "quad"), counted(len(report.graphs), "graph"))
            reports.append(report)
        return reports

    def _load_dataset(self, path: Path, fmt: ox.RdfFormat) -> LoadReport:
        before, graphs_before = len(self.oxigraph), set(self.named_graphs())
        self.oxigraph.bulk_load(path=str(path), format=fmt)
        graphs = tuple(sorted(set(self.named_graphs()) - graphs_before))
        return LoadReport(path=path, quads=len(self.oxigraph) - before, graphs=graphs)

    def _load_split(self, path: Path) -> LoadReport:
        """Triples are split by document; quads a file names a graph for (JSON-LD) keep it."""
        parsed = read_quads(path)
        named = [quad for quad in parsed if not isinstance(quad.graph_name, ox.DefaultGraph)]
        quads = [*split_by_document(quad.triple for quad in parsed if isinstance(quad.graph_name, ox.DefaultGraph)), *named]
        self.oxigraph.bulk_extend(quads)
        return _report(path, quads)

    def query(
        self,
        sparql: str,
        *,
        default_graph: Sequence[GraphName] | None = None,
        named_graphs: Sequence[ox.NamedNode | ox.BlankNode] | None = None,
    ) -> QueryResult:
        """Run a query over the union default graph, or over the dataset that ``default_graph`` /
        ``named_graphs`` or the query's FROM clauses give (see the module docstring)."""
        features = scan_query(sparql)
        dataset = protocol_dataset(default_graph, named_graphs)
        if dataset is None and features.from_clauses > 1:
            dataset = query_dataset(sparql)
        store, kwargs, planned = self.oxigraph, dict[str, Any](), sparql
        if dataset is not None and len(dataset.default) > 1:  # their RDF merge, in a scratch store
            store = self._merged_graphs(dataset)
            kwargs = {"default_graph": [ox.DefaultGraph()], "named_graphs": list(dataset.named)}
        elif dataset is not None:
            kwargs = {"default_graph": list(dataset.default), "named_graphs": list(dataset.named)}
        elif not features.has_dataset:  # the union default graph: the merge
            if self._merged is None:
                if self._view is None:
                    self._view = self.merged_view()
                return self._view.query(sparql)
            if not features.has_graph:
                store, planned = self._merged.merge, self._merged.planned(sparql)
        try:
            return _run(store, sparql, planned, kwargs)
        except SyntaxError as exc:
            raise MalformedQuery(f"malformed SPARQL query: {_first_line(exc)}") from exc
        except OSError as exc:
            raise StoreError(f"the query failed while reading the store: {exc}.") from exc

    def _merged_graphs(self, dataset: QueryDataset) -> ox.Store:
        """A scratch store: the RDF merge of the dataset's default graphs as its default graph,
        its named graphs copied. Costs time in proportion to those graphs."""
        scratch = ox.Store()
        triples = ox.RdfFormat.N_TRIPLES
        for graph in dataset.default:
            scratch.load(self.oxigraph.dump(format=triples, from_graph=graph) or b"", format=triples)
        for name in dataset.named:
            if self.oxigraph.contains_named_graph(name):
                scratch.load(self.oxigraph.dump(format=triples, from_graph=name) or b"", format=triples, to_graph=name)
        return scratch

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update (the default graph of an update is the store's default graph)."""
        store = self.writable()
        try:
            store.update(sparql)
        except SyntaxError as exc:
            raise MalformedQuery(f"malformed SPARQL update: {_first_line(exc)}") from exc
        except OSError as exc:
            raise StoreError(f"the update failed: {exc}.") from exc


def in_predicate_order(lines_of_quads: bytes) -> bytes:
    """The lines of an N-Triples or N-Quads document sorted by what follows the subject: the
    predicate, then the object (then the graph); lines equal in those keep their order. The
    merged view loads its stores in this order.

    pyoxigraph's in-memory store allocates a node per quad as it is inserted and chains the nodes
    of each subject, predicate, object and graph. A pattern with a constant predicate (most
    patterns) walks its predicate's chain, and one with a constant object and predicate walks the
    object's chain, checking each node's predicate. Loaded in this order, a predicate's chain lies
    in one stretch of memory, and an object's chain in one stretch per predicate, instead of being
    strewn across the whole store. On a cold cache (the host did other work between queries) that
    makes the benchmark's queries at 100k triples faster: through the server, the 2-hop path by
    0.6–0.7 ms (5.3 to 4.6 ms) and the count per class by about 3 ms, in predicate order alone;
    in one process, the object order takes another 0.2 ms from the 2-hop path and 0.6 ms from the
    3-way join, and the same 2-hop path inside ``GRAPH ?g`` (on the store of the named graphs)
    takes 11.7 ms instead of 20.0. Sorting costs about 2.6 s per million lines.

    Oxigraph writes one triple or quad per line, its subject an IRI or a blank node, then one
    space; the rest of the line starts with the predicate. A line of another shape (a triple term
    as subject) only sorts elsewhere: no line is changed or lost.
    """
    lines = lines_of_quads.rstrip(b"\n").split(b"\n")
    lines.sort(key=_after_subject)
    return b"\n".join(lines) + b"\n"


def _after_subject(line: bytes) -> bytes:
    return line[line.find(b" ") + 1 :]


def _run(store: ox.Store, sparql: str, planned: str, kwargs: dict[str, Any]) -> QueryResult:
    """``planned`` (``sparql`` in join order), or ``sparql`` as written when the rewrite does not
    parse: a malformed query gets its own error, and a rewrite that broke a valid query (a bug)
    costs a warning, not an answer."""
    if planned is sparql:
        return store.query(sparql, **kwargs)
    try:
        return store.query(planned, **kwargs)
    except SyntaxError:
        result = store.query(sparql, **kwargs)
    logger.warning("the join order made a valid query malformed; ran it as written: %.200s", sparql)
    return result


@dataclass(frozen=True)
class _MergedParts:
    """What a merged view keeps beside its store of named graphs and merged default graph."""

    own_default: ox.Store  # the stored default graph, for the Graph Store reads
    merge: ox.Store  # the merge again, alone: the union queries without GRAPH run here
    stored_quads: int  # the stored dataset's size, the merge not counted
    reordered: Callable[[str], str]  # query text → in join order, by the merge's counts (remembered)

    def planned(self, sparql: str) -> str:
        """``sparql`` with its triple patterns in join order; ``sparql`` itself when unchanged."""
        planned = self.reordered(sparql)
        return sparql if planned == sparql else planned


@dataclass(frozen=True)
class QueryDataset:
    """An RDF dataset named by a request: the graphs merged into the default graph, the named ones."""

    default: tuple[GraphName, ...]
    named: tuple[ox.NamedNode | ox.BlankNode, ...]


def protocol_dataset(
    default_graph: Sequence[GraphName] | None,
    named_graphs: Sequence[ox.NamedNode | ox.BlankNode] | None,
) -> QueryDataset | None:
    """The dataset of the protocol's ``default-graph-uri`` / ``named-graph-uri``, which work as
    FROM / FROM NAMED do: naming only default graphs leaves no named graphs, and naming only
    named graphs leaves an empty default graph. ``None`` when neither is given."""
    if not default_graph and not named_graphs:
        return None
    return QueryDataset(tuple(default_graph or ()), tuple(named_graphs or ()))


def query_dataset(sparql: str) -> QueryDataset | None:
    """The dataset of the query's FROM / FROM NAMED clauses, read by rdflib's parser (prefixed
    names and BASE resolved); ``None`` if rdflib cannot parse the query (Oxigraph then answers
    as written, with its own reading of several FROM clauses: a triple in two of them counts
    twice, Oxigraph issue 1919)."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        algebra = prepareQuery(sparql).algebra
    except Exception:  # noqa: BLE001 - any failure of the second parser leaves the query to Oxigraph
        return None
    clauses = dict.get(algebra, "datasetClause") or []  # not CompValue.get, which returns the key when it is missing
    default = tuple(ox.NamedNode(str(clause["default"])) for clause in clauses if "default" in clause)
    named = tuple(ox.NamedNode(str(clause["named"])) for clause in clauses if "named" in clause)
    return QueryDataset(default, named)


def split_by_document(triples: Iterable[ox.Triple]) -> Iterator[ox.Quad]:
    """Put each triple into the graph of every document that claims it, or the default graph."""
    from citybrand_kg.rdf.named_graphs import Terms, partition  # rdflib's namespaces: loaded only for Turtle

    terms: Terms[Any] = Terms(named=ox.NamedNode, iri=lambda node: node.value if isinstance(node, ox.NamedNode) else None)
    parts = partition(((t.subject, t.predicate, t.object) for t in triples), terms)
    for document, part in parts.items():
        graph = ox.DefaultGraph() if document is None else document
        for subject, predicate, obj in part:
            yield ox.Quad(subject, predicate, obj, graph)


def _report(path: Path, quads: Sequence[ox.Quad]) -> LoadReport:
    graphs = {quad.graph_name.value for quad in quads if not isinstance(quad.graph_name, ox.DefaultGraph)}
    return LoadReport(path=path, quads=len(quads), graphs=tuple(sorted(graphs)))


_IGNORED = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
)
_DATASET = re.compile(r"\bFROM\b", re.IGNORECASE)
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)
_GRAPH = re.compile(r"\bGRAPH\b", re.IGNORECASE)
_FROM_DEFAULT = re.compile(r"\bFROM\b(?!\s+NAMED\b)", re.IGNORECASE)


QUERIES_KEPT = 1024  # query texts whose scan and join order are remembered (see remembered.py)
LONGEST_KEPT = 20_000  # characters


@remembered(QUERIES_KEPT, LONGEST_KEPT)  # the parent and every worker scan each query
def scan_query(sparql: str) -> QueryFeatures:
    """Find FROM, SERVICE and GRAPH keywords outside strings, IRIs and comments."""
    code = _IGNORED.sub(" ", sparql)
    return QueryFeatures(
        has_dataset=bool(_DATASET.search(code)),
        has_service=bool(_SERVICE.search(code)),
        has_graph=bool(_GRAPH.search(code)),
        from_clauses=len(_FROM_DEFAULT.findall(code)),
    )


def _first_line(exc: BaseException, limit: int = 200) -> str:
    """The parser's complaint on one line (its message may list hundreds of expected characters)."""
    line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return line if len(line) <= limit else line[:limit] + "…"
