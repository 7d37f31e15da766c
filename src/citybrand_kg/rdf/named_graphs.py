"""Graph files → one named graph per source document.

Public functions (``source`` is a graph file path, an rdflib ``Graph`` or a ``Dataset``)::

    read_dataset(source) -> Dataset
    document_graphs(source) -> list[DocumentGraph]
    union_graph(source) -> Graph
    split_by_document(graph: Graph) -> list[DocumentGraph]
    partition(triples, terms) -> {document or None: triples}   (any RDF library's terms; the store uses it)
    entity_nodes(graph: Graph) -> set[Node]

A TriG / N-Quads input keeps the named graphs it has. A Turtle / N-Triples input (one merged
graph) is split here, by these rules:

* a *document* is an IRI subject typed ``cbo:Document`` (or a subclass such as ``cbo:Reply``) or
  ``nif:Context``, or carrying ``nif:isString``;
* its graph holds the document's own triples, every node whose ``nif:referenceContext`` is the
  document (sentences, mentions), every ``cbo:Assertion`` whose ``prov:wasDerivedFrom`` sentence
  belongs to it, and the description (types, labels, literals, links to non-entities) of every
  entity those nodes touch (``itsrdf:taIdentRef``, ``rdf:subject``/``rdf:object`` of an
  assertion, objects of the document's own triples), and the description of the entities the
  relations in the graph point to (so every node in a graph has its labels);
* a direct relation ``?s ?p ?o`` between two entities goes to the graph of every document that
  has an assertion of it; a relation no assertion records (letter relations such as
  ``cbo:proposer``) goes to every document graph that touches its subject;
* triples no document claims (ontology terms, entities no document mentions) stay in the
  *rest* graph, returned with ``name=None`` (the default graph).

Entities that several documents touch are described in each of their graphs: the union of the
graphs is the input graph, triple for triple.
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
from citybrand_kg.rdf.namespaces import CBO, ITSRDF, NIF, bind_prefixes

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
    """One graph per document (sorted by IRI), plus the rest graph when anything is left."""
    parts = partition(graph, RDFLIB_TERMS)
    out = [DocumentGraph(_as_iri(document), _new_graph(sorted(triples, key=_triple_key))) for document, triples in parts.items() if document is not None]
    if parts.get(None):
        out.append(DocumentGraph(None, _new_graph(sorted(parts[None], key=_triple_key))))
    logger.debug("split %d triples into %d document graphs", len(graph), len(out) - (None in parts))
    return out


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
    with its triples, and ``None`` with the triples no document claims (left out when there are none).
    Triples about entities that several documents touch are in each of their sets."""
    index = _Index.of(triples, terms)
    claimed: set[tuple[N, N, N]] = set()
    parts: dict[N | None, set[tuple[N, N, N]]] = {}
    for document in index.documents:
        parts[document] = part = _document_part(document, index)
        claimed |= part
    rest = {t for subject_triples in index.by_subject.values() for t in subject_triples if t not in claimed}
    if rest:
        parts[None] = rest
    return parts


@dataclass(frozen=True)
class _Index(Generic[N]):
    """One pass over the triples: by subject, documents, entities and who asserts what."""

    by_subject: dict[N, list[tuple[N, N, N]]]
    documents: list[N]
    entities: frozenset[N]
    parts_of: dict[N, list[N]]  # document → its sentences, mentions and assertions
    asserted_in: dict[tuple[N, N, N], frozenset[N]]  # relation → documents asserting it
    touching: frozenset[N]  # predicates whose object a document's node touches

    @classmethod
    def of(cls, triples: Iterable[tuple[N, N, N]], terms: Terms[N]) -> _Index[N]:
        rdf_type, reference_context, is_string = (terms.named(str(t)) for t in (RDF.type, NIF.referenceContext, NIF.isString))
        document_classes = frozenset(terms.named(str(c)) for c in DOCUMENT_CLASSES)
        assertion_class = terms.named(str(CBO.Assertion))
        by_subject: dict[N, list[tuple[N, N, N]]] = defaultdict(list)
        context: dict[N, N] = {}
        types: set[tuple[N, N]] = set()
        documents: set[N] = set()
        for triple in triples:
            subject, predicate, obj = triple
            by_subject[subject].append(triple)
            if predicate == reference_context:
                context[subject] = obj
            elif predicate == rdf_type:
                types.add((subject, obj))
                if obj in document_classes and terms.iri(subject) is not None:
                    documents.add(subject)
            elif predicate == is_string and terms.iri(subject) is not None:  # nif:isString: a nif:Context
                documents.add(subject)
        parts_of: dict[N, list[N]] = defaultdict(list)
        for node, context_node in context.items():
            parts_of[context_node].append(node)
        relation_terms = [terms.named(str(t)) for t in (RDF.subject, RDF.predicate, RDF.object)]
        derived_from = terms.named(str(PROV.wasDerivedFrom))
        asserted_in: dict[tuple[N, N, N], set[N]] = defaultdict(set)
        for assertion in sorted({s for s, o in types if o == assertion_class}, key=str):
            described = {p: o for _, p, o in by_subject[assertion]}
            source_document = _document_of(by_subject[assertion], context, derived_from, terms)
            if source_document is None:
                continue
            parts_of[source_document].append(assertion)
            relation = tuple(described.get(term) for term in relation_terms)
            if None not in relation:
                asserted_in[relation].add(source_document)  # type: ignore[index]
        cbo = str(CBO)
        non_entity = {str(c) for c in NON_ENTITY_CLASSES}
        entity_classes = {o for _, o in types if (iri := terms.iri(o)) is not None and iri.startswith(cbo) and iri not in non_entity}
        entities = frozenset(s for s, o in types if o in entity_classes)
        touching = frozenset(terms.named(str(t)) for t in _TOUCHING)
        return cls(dict(by_subject), sorted(documents, key=str), entities, dict(parts_of), {r: frozenset(d) for r, d in asserted_in.items()}, touching)


def _document_part(document: N, index: _Index[N]) -> set[tuple[N, N, N]]:
    owned = [document, *index.parts_of.get(document, ())]
    triples = {t for node in owned for t in index.by_subject.get(node, ())}
    touched = {o for s, p, o in triples if p in index.touching or s == document} & index.entities
    touched.discard(document)
    for entity in touched:
        for triple in index.by_subject.get(entity, ()):
            documents = index.asserted_in.get(triple)
            if triple[2] not in index.entities or documents is None or document in documents:
                triples.add(triple)
    reached = {o for _, _, o in triples if o in index.entities} - touched - {document}
    for entity in reached:  # described, so that every node in the graph has its labels
        triples.update(t for t in index.by_subject.get(entity, ()) if t[2] not in index.entities)
    return triples


_TOUCHING = frozenset({ITSRDF.taIdentRef, RDF.subject, RDF.object})


def _document_of(assertion_triples: list[tuple[N, N, N]], context: dict[N, N], derived_from: N, terms: Terms[N]) -> N | None:
    sentences = sorted((o for _, p, o in assertion_triples if p == derived_from), key=str)
    for sentence in sentences:
        document = context.get(sentence)
        if document is None and (iri := terms.iri(sentence)) is not None and "#" in iri:
            document = terms.named(iri.split("#", 1)[0])
        if document is not None:
            return document
    return None


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
