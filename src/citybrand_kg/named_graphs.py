"""Graph files → one named graph per source document.

Public functions::

    read_dataset(source: str | Path | Graph | Dataset) -> Dataset
    document_graphs(dataset: Dataset) -> list[DocumentGraph]
    split_by_document(graph: Graph) -> list[DocumentGraph]

A TriG / N-Quads input keeps the named graphs it has. A Turtle / N-Triples input (one merged
graph) is split here, by these rules:

* a *document* is a subject typed ``cbo:Document`` (or a subclass such as ``cbo:Reply``) or
  ``nif:Context``;
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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import PROV, RDF
from rdflib.term import Node
from rdflib.util import guess_format

from citybrand_kg.errors import GraphError
from citybrand_kg.namespaces import CBO, ITSRDF, NIF, bind_prefixes

logger = logging.getLogger(__name__)

DOCUMENT_CLASSES = frozenset({CBO.Document, CBO.Reply, NIF.Context})
QUAD_FORMATS = frozenset({"trig", "nquads"})
NON_ENTITY_CLASSES = frozenset({CBO.Assertion})


@dataclass(frozen=True)
class DocumentGraph:
    """The triples of one document (``name`` is its IRI), or the rest (``name is None``)."""

    name: URIRef | None
    graph: Graph


def read_dataset(source: str | Path | Graph | Dataset) -> Dataset:
    """Parse a graph file (format by extension) or wrap an in-memory graph as a dataset."""
    if isinstance(source, Dataset):
        return source
    dataset = Dataset()
    bind_prefixes(dataset)
    if isinstance(source, Graph):
        for triple in source:
            dataset.add(triple)
        return dataset
    path = Path(source)
    fmt = guess_format(str(path)) or "turtle"
    try:
        dataset.parse(path, format=fmt)
    except FileNotFoundError as exc:
        raise GraphError(f"{path}: no such graph file.") from exc
    except Exception as exc:  # rdflib raises many parser-specific types
        raise GraphError(f"{path}: cannot be parsed as {fmt} ({exc}).") from exc
    return dataset


def document_graphs(dataset: Dataset) -> list[DocumentGraph]:
    """Named graphs of the dataset when it has any, else its default graph split by document."""
    named = [g for g in dataset.graphs() if g.identifier != dataset.default_graph.identifier and len(g)]
    if not named:
        return split_by_document(dataset.default_graph)
    parts = [DocumentGraph(_as_iri(g.identifier), _copy(g)) for g in named]
    if len(dataset.default_graph):
        parts.append(DocumentGraph(None, _copy(dataset.default_graph)))
    return sorted(parts, key=_graph_sort_key)


def split_by_document(graph: Graph) -> list[DocumentGraph]:
    """One graph per document (sorted by IRI), plus the rest graph when anything is left."""
    documents = sorted(
        s for s in {s for s, o in graph.subject_objects(RDF.type) if o in DOCUMENT_CLASSES}
        if isinstance(s, URIRef)
    )
    index = _Index.of(graph)
    claimed: set[tuple[Node, Node, Node]] = set()
    parts = []
    for document in documents:
        part = _document_part(graph, document, index)
        claimed.update(part)
        parts.append(DocumentGraph(document, part))
    rest = _new_graph(t for t in graph if t not in claimed)
    if len(rest):
        parts.append(DocumentGraph(None, rest))
    logger.debug("split %d triples into %d document graphs", len(graph), len(documents))
    return parts


def entity_nodes(graph: Graph) -> set[Node]:
    """Subjects typed with a ``cbo:`` class other than ``cbo:Assertion`` (documents included)."""
    return {
        s for s, o in graph.subject_objects(RDF.type)
        if isinstance(o, URIRef) and o.startswith(str(CBO)) and o not in NON_ENTITY_CLASSES
    }


@dataclass(frozen=True)
class _Index:
    entities: frozenset[Node]
    assertions_of: dict[Node, tuple[Node, ...]]  # document → its assertions
    asserted_in: dict[tuple[Node, Node, Node], frozenset[Node]]  # relation → documents

    @classmethod
    def of(cls, graph: Graph) -> _Index:
        assertions_of: dict[Node, list[Node]] = defaultdict(list)
        asserted_in: dict[tuple[Node, Node, Node], set[Node]] = defaultdict(set)
        for assertion in graph.subjects(RDF.type, CBO.Assertion):
            document = _document_of(graph, assertion)
            if document is None:
                continue
            assertions_of[document].append(assertion)
            s, p, o = (graph.value(assertion, term) for term in (RDF.subject, RDF.predicate, RDF.object))
            if s is not None and p is not None and o is not None:
                asserted_in[(s, p, o)].add(document)
        return cls(
            frozenset(entity_nodes(graph)),
            {d: tuple(a) for d, a in assertions_of.items()},
            {r: frozenset(d) for r, d in asserted_in.items()},
        )


def _document_part(graph: Graph, document: URIRef, index: _Index) -> Graph:
    owned = {document, *graph.subjects(NIF.referenceContext, document), *index.assertions_of.get(document, ())}
    touched = set(graph.objects(document, None))
    for node in owned:
        touched.update(graph.objects(node, ITSRDF.taIdentRef))
        touched.update(graph.objects(node, RDF.subject))
        touched.update(graph.objects(node, RDF.object))
    touched = (touched & index.entities) - {document}
    part = _new_graph(t for node in owned for t in graph.triples((node, None, None)))
    for entity in touched:
        for triple in graph.triples((entity, None, None)):
            documents = index.asserted_in.get(triple)
            if triple[2] not in index.entities or documents is None or document in documents:
                part.add(triple)
    reached = {o for o in part.objects() if o in index.entities} - touched - {document}
    for entity in reached:  # described, so that every node in the graph has its labels
        part += (t for t in graph.triples((entity, None, None)) if t[2] not in index.entities)
    return part


def _document_of(graph: Graph, assertion: Node) -> Node | None:
    for sentence in sorted(graph.objects(assertion, PROV.wasDerivedFrom), key=str):
        document = graph.value(sentence, NIF.referenceContext)
        if document is None and isinstance(sentence, URIRef) and "#" in sentence:
            document = URIRef(sentence.split("#", 1)[0])
        if document is not None:
            return document
    return None


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
