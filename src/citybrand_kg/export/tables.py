"""RDF graph → flat tables of entities and relations (for CSV, GraphML, Neo4j and networkx).

Public functions::

    entity_rows(graph: Graph) -> list[EntityRow]
    relation_rows(graph: Graph) -> list[RelationRow]
    local_name(iri: str) -> str

An *entity* is a subject typed with a ``cbo:`` class other than ``cbo:Assertion`` (documents
and proposals included). A *relation* is a triple whose subject and object are both entities
(``rdf:type`` aside); its ``sentences`` are the ``prov:wasDerivedFrom`` sentences of the
``cbo:Assertion`` nodes that record it. Literal-valued properties become entity columns.
Both lists are sorted, so everything built from them is deterministic.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from citybrand_kg.rdf.named_graphs import entity_nodes
from citybrand_kg.rdf.namespaces import CBO, WD

CLASS_ORDER: tuple[str, ...] = (
    "Reply", "Document", "Proposal", "Person", "GovernmentBody", "MediaOutlet", "Organization",
    "SocialMediaPlatform", "SocialMediaAccount", "Country", "Region", "City", "Place", "Event",
    "BrandLabel", "CreativeWork", "Quantity",
)
"""Contract classes, most specific first: an entity's ``cls`` is the first of its types here
(a ``cbo:`` class outside this list, i.e. a subclass declared in ``ontology/``, wins over all)."""

SUPERCLASSES: dict[str, tuple[str, ...]] = {
    "Reply": ("Document",),
    "GovernmentBody": ("Organization",),
    "MediaOutlet": ("Organization",),
    "Country": ("Place",),
    "Region": ("Place",),
    "City": ("Place",),
}
"""The contract's subclass axioms, for tools that want every label (Neo4j node labels)."""

ATTRIBUTES: dict[URIRef, str] = {
    CBO.date: "date",
    CBO.value: "value",
    CBO.unit: "unit",
    CBO.approximate: "approximate",
    CBO.proposalNumber: "proposal_number",
    CBO.documentNumber: "document_number",
    CBO.session: "session",
    DCTERMS.title: "title",
    DCTERMS.source: "source",
}
"""Literal properties that become entity columns (several values are joined with ``; ``)."""

ATTRIBUTE_COLUMNS: tuple[str, ...] = tuple(sorted(set(ATTRIBUTES.values())))


@dataclass(frozen=True)
class EntityRow:
    iri: str
    cls: str  # cbo local name, e.g. "MediaOutlet"
    label_zh: str
    label_en: str
    labels_other: tuple[tuple[str, str], ...]  # (language, label) for other languages / untagged ("")
    alt_labels: tuple[tuple[str, str], ...]  # (language, label), sorted
    wikidata: str  # QID or ""
    attributes: tuple[tuple[str, str], ...]  # (column, lexical value), sorted

    @property
    def label(self) -> str:
        """The label to show: Chinese, else English, else a document's title or file name, else the IRI's end."""
        return (self.label_zh or self.label_en or self.attribute("title") or self.attribute("source")
                or local_name(self.iri))

    def attribute(self, column: str) -> str:
        return dict(self.attributes).get(column, "")


@dataclass(frozen=True)
class RelationRow:
    subject: str
    predicate: str
    object: str
    sentences: tuple[str, ...]  # sentence IRIs of the assertions recording it
    rules: tuple[str, ...]

    @property
    def name(self) -> str:
        return local_name(self.predicate)


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``."""
    return re.split(r"[#/]", iri)[-1]


def entity_rows(graph: Graph) -> list[EntityRow]:
    return sorted((_entity_row(graph, node) for node in entity_nodes(graph)), key=lambda row: row.iri)


def relation_rows(graph: Graph) -> list[RelationRow]:
    entities = entity_nodes(graph)
    provenance = _assertion_provenance(graph)
    rows = []
    for s, p, o in graph:
        if s in entities and o in entities and p != RDF.type:
            sentences, rules = provenance.get((s, p, o), (set(), set()))
            rows.append(RelationRow(str(s), str(p), str(o), tuple(sorted(sentences)), tuple(sorted(rules))))
    return sorted(rows, key=lambda r: (r.subject, r.predicate, r.object))


def primary_class(types: set[str]) -> str:
    known = [t for t in CLASS_ORDER if t in types]
    extra = sorted(types - set(CLASS_ORDER))
    return (extra + known + ["Thing"])[0]


def _entity_row(graph: Graph, node: Node) -> EntityRow:
    types = {str(o)[len(str(CBO)):] for o in graph.objects(node, RDF.type) if str(o).startswith(str(CBO))}
    labels = _tagged(graph.objects(node, RDFS.label))
    zh = [text for lang, text in labels if lang == "zh"]
    en = [text for lang, text in labels if lang == "en"]
    others = tuple((lang, text) for lang, text in labels if lang not in ("zh", "en"))
    return EntityRow(
        iri=str(node),
        cls=primary_class(types),
        label_zh=zh[0] if zh else "",
        label_en=en[0] if en else "",
        labels_other=others + tuple(("zh", t) for t in zh[1:]) + tuple(("en", t) for t in en[1:]),
        alt_labels=_tagged(graph.objects(node, SKOS.altLabel)),
        wikidata=_wikidata(graph, node),
        attributes=_attributes(graph, node),
    )


def _tagged(literals: object) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((lit.language or "", str(lit)) for lit in literals if isinstance(lit, Literal)))  # type: ignore[attr-defined]


def _wikidata(graph: Graph, node: Node) -> str:
    for predicate in (OWL.sameAs, SKOS.exactMatch):
        for target in sorted(graph.objects(node, predicate), key=str):
            if str(target).startswith(str(WD)):
                return str(target)[len(str(WD)):]
    return ""


def _attributes(graph: Graph, node: Node) -> tuple[tuple[str, str], ...]:
    values: dict[str, set[str]] = defaultdict(set)
    for predicate, column in ATTRIBUTES.items():
        for value in graph.objects(node, predicate):
            if isinstance(value, Literal):
                values[column].add(_lexical(value))
    return tuple(sorted((column, "; ".join(sorted(v))) for column, v in values.items()))


def _lexical(value: Literal) -> str:
    text = str(value)
    if value.datatype is not None and str(value.datatype).endswith("#decimal"):
        try:
            return format(Decimal(text).normalize(), "f")
        except InvalidOperation:
            return text
    return text


def _assertion_provenance(graph: Graph) -> dict[tuple[Node, Node, Node], tuple[set[str], set[str]]]:
    result: dict[tuple[Node, Node, Node], tuple[set[str], set[str]]] = {}
    for assertion in graph.subjects(RDF.type, CBO.Assertion):
        key = tuple(graph.value(assertion, term) for term in (RDF.subject, RDF.predicate, RDF.object))
        sentences, rules = result.setdefault(key, (set(), set()))  # type: ignore[arg-type]
        sentences.update(str(s) for s in graph.objects(assertion, PROV.wasDerivedFrom))
        rules.update(str(r) for r in graph.objects(assertion, CBO.rule))
    return result
