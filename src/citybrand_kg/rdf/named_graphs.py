"""Graph files → named graphs: one per source document, and one for the entities.

Public functions (``source`` is a graph file path, an rdflib ``Graph`` or a ``Dataset``)::

    read_dataset(source) -> Dataset
    document_graphs(source) -> list[DocumentGraph]
    union_graph(source) -> Graph
    split_by_document(graph: Graph) -> list[DocumentGraph]
    partition(triples, terms) -> {document or None: triples}   (any RDF library's terms; the store uses it)
    entity_graph_name(documents) -> IRI or None
    entity_nodes(graph: Graph) -> set[Node]

Each triple is in exactly one graph, so the union of the graphs is a set and a store's own
union default graph counts every triple once. A TriG / N-Quads input keeps the named graphs it
has. A Turtle / N-Triples input (one merged graph) is split here, by the rule ``build`` writes
its TriG with:

* a *document* is an IRI subject typed ``cbo:Document`` (or a subclass such as ``cbo:Reply``) or
  ``nif:Context``, or carrying ``nif:isString``;
* a document's graph holds the triples whose subject is the document, one of its nodes (an IRI
  ``{document}#…``, or a node whose ``nif:referenceContext`` is the document: sentences, text
  blocks, mentions) or a ``cbo:Assertion`` derived from one of its sentences
  (``prov:wasDerivedFrom``);
* every other triple (the entities' types, labels and links, the relations between entities,
  figures, proposals, ontology terms) goes to the *entity graph*, ``{base}graph/entities``, where
  ``{base}`` is what comes before ``doc/`` in the first document's IRI; with no document at all
  they stay in the default graph (``name=None``).

"Which document said this" is answered through the assertions, which are in the document graphs.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import PROV, RDF
from rdflib.term import Node

from citybrand_kg.rdf.files import read_dataset as read_graph_file
from citybrand_kg.rdf.namespaces import CBO, CBR, NIF, bind_prefixes

logger = logging.getLogger(__name__)

DOCUMENT_CLASSES = frozenset({CBO.Document, CBO.Reply, NIF.Context})
NON_ENTITY_CLASSES = frozenset({CBO.Assertion})


@dataclass(frozen=True)
class DocumentGraph:
    """The triples of one document (``name`` is its IRI), or the rest (``name is None``)."""

    name: URIRef | None
    graph: Graph


def read_dataset(source: str | Path | Graph | Dataset) -> Dataset:
    """Parse a graph file (format by suffix, see :mod:`citybrand_kg.rdf.files`) or wrap an
    in-memory graph as a dataset."""
    if isinstance(source, Dataset):
        return source
    if isinstance(source, Graph):
        dataset = Dataset()
        for triple in source:
            dataset.add(triple)
    else:
        dataset = read_graph_file(Path(source))
    bind_prefixes(dataset)
    return dataset


def document_graphs(source: str | Path | Graph | Dataset) -> list[DocumentGraph]:
    """Named graphs of a dataset when it has any, else the (default) graph split by document."""
    if not isinstance(source, Dataset) and isinstance(source, Graph):
        return split_by_document(source)
    dataset = read_dataset(source)
    named = _named(dataset)
    if not named:
        return split_by_document(dataset.default_graph)
    parts = [DocumentGraph(_as_iri(g.identifier), _copy(g)) for g in named]
    if len(dataset.default_graph):
        parts.append(DocumentGraph(None, _copy(dataset.default_graph)))
    return sorted(parts, key=_graph_sort_key)


def union_graph(source: str | Path | Graph | Dataset) -> Graph:
    """All triples of the source in one graph (a plain graph is returned as it is)."""
    if not isinstance(source, Dataset) and isinstance(source, Graph):
        return source
    dataset = read_dataset(source)
    named = _named(dataset)
    if not named:
        return dataset.default_graph
    merged = _copy(dataset.default_graph)
    for graph in named:
        merged += graph
    return merged


def _named(dataset: Dataset) -> list[Graph]:
    default = dataset.default_graph.identifier
    return sorted((g for g in dataset.graphs() if g.identifier != default and len(g)), key=lambda g: str(g.identifier))


def split_by_document(graph: Graph) -> list[DocumentGraph]:
    """One graph per document (sorted by IRI), then the entity graph (or, with no document, the
    default graph) when anything is left."""
    parts = partition(graph, RDFLIB_TERMS)
    out = [DocumentGraph(_as_iri(document), _new_graph(sorted(triples, key=_triple_key))) for document, triples in parts.items() if document is not None]
    if parts.get(None):
        name = entity_graph_name(str(part.name) for part in out)
        out.append(DocumentGraph(None if name is None else URIRef(name), _new_graph(sorted(parts[None], key=_triple_key))))
    logger.debug("split %d triples into %d document graphs", len(graph), len(parts) - (None in parts))
    return out


def entity_graph_name(documents: Iterable[str]) -> str | None:
    """``{base}graph/entities`` for the base of the first document IRI ``{base}doc/…`` (the
    project's own base for a document named otherwise); ``None`` when there is no document."""
    for document in documents:
        base = document[: document.rindex("/doc/") + 1] if "/doc/" in document else str(CBR)
        return f"{base}graph/entities"
    return None


def entity_nodes(graph: Graph) -> set[Node]:
    """Subjects typed with a ``cbo:`` class other than ``cbo:Assertion`` (documents included)."""
    return {s for s, o in graph.subject_objects(RDF.type) if _is_entity_class(o)}


def _is_entity_class(node: Node) -> bool:
    return isinstance(node, URIRef) and node.startswith(str(CBO)) and node not in NON_ENTITY_CLASSES


Triple = tuple[Node, Node, Node]
N = TypeVar("N", bound=Hashable)


@dataclass(frozen=True)
class Terms(Generic[N]):
    """How :func:`partition` reads the terms of one RDF library (rdflib here, pyoxigraph in the store)."""

    named: Callable[[str], N]  # the node of an IRI
    iri: Callable[[N], str | None]  # the IRI of a node; None for literals and blank nodes


RDFLIB_TERMS: Terms[Node] = Terms(named=URIRef, iri=lambda node: str(node) if isinstance(node, URIRef) else None)


def partition(triples: Iterable[tuple[N, N, N]], terms: Terms[N]) -> dict[N | None, set[tuple[N, N, N]]]:
    """The split of the module docstring, for any RDF library's terms: each document (in IRI order)
    with its triples, and ``None`` with every other triple (left out when there is none). Each
    triple is in exactly one set."""
    rdf_type, reference_context, is_string, derived_from, assertion_class = (
        terms.named(str(t)) for t in (RDF.type, NIF.referenceContext, NIF.isString, PROV.wasDerivedFrom, CBO.Assertion))
    document_classes = frozenset(terms.named(str(c)) for c in DOCUMENT_CLASSES)
    listed = list(triples)
    documents: set[N] = set()
    assertions: set[N] = set()
    owner: dict[N, N] = {}  # node → the document it belongs to
    sources: dict[N, list[N]] = defaultdict(list)  # node → the sentences it was derived from
    for subject, predicate, obj in listed:
        if predicate == reference_context:
            owner[subject] = obj
        elif predicate == derived_from:
            sources[subject].append(obj)
        elif predicate == rdf_type and obj == assertion_class:
            assertions.add(subject)
        elif terms.iri(subject) is not None and (predicate == is_string or predicate == rdf_type and obj in document_classes):
            documents.add(subject)
    for document in documents:
        owner[document] = document
    for node in assertions:  # an assertion goes with its first sentence's document
        for sentence in sorted(sources.get(node, ()), key=str):
            found = owner.get(sentence) or _by_fragment(sentence, documents, terms)
            if found is not None:
                owner[node] = found
                break
    parts: dict[N | None, set[tuple[N, N, N]]] = {document: set() for document in sorted(documents, key=str)}
    for triple in listed:
        found = owner.get(triple[0]) or _by_fragment(triple[0], documents, terms)
        parts.setdefault(found if found in documents else None, set()).add(triple)
    return {name: part for name, part in parts.items() if part}


def _by_fragment(node: N, documents: set[N], terms: Terms[N]) -> N | None:
    """The document ``{document}#…`` names a node of, if any."""
    iri = terms.iri(node)
    if iri is None or "#" not in iri:
        return None
    document = terms.named(iri.split("#", 1)[0])
    return document if document in documents else None


def _triple_key(triple: Triple) -> tuple[str, str, str]:
    return (str(triple[0]), str(triple[1]), triple[2].n3())


def _new_graph(triples: Iterable[tuple[Node, Node, Node]] = ()) -> Graph:
    graph = bind_prefixes(Graph())
    for triple in triples:
        graph.add(triple)
    return graph


def _copy(graph: Graph) -> Graph:
    return _new_graph(graph.triples((None, None, None)))


def _as_iri(name: Node) -> URIRef | None:
    return name if isinstance(name, URIRef) else None


def _graph_sort_key(part: DocumentGraph) -> tuple[int, str]:
    return (part.name is None, str(part.name or ""))
