"""The ontology declares the public contract, documents every term in Chinese and English, and
stays in sync with ``CBO`` in ``citybrand_kg.namespaces``.

The contract's terms are listed here on purpose: the ontology must not drift away from them.
"""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from citybrand_kg.rdf.namespaces import CBO, NIF
from citybrand_kg.resources import ontology_path

ONTOLOGY = URIRef("https://w3id.org/citybrand-kg/ontology")
# Plain namespaces: pytest probes module attributes, which rdflib's closed XSD and SDO warn about.
SDO = Namespace("https://schema.org/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

CONTRACT_CLASSES = [
    "Document",
    "Reply",
    "Proposal",
    "Person",
    "Organization",
    "GovernmentBody",
    "MediaOutlet",
    "SocialMediaPlatform",
    "SocialMediaAccount",
    "Place",
    "Country",
    "Region",
    "City",
    "Event",
    "BrandLabel",
    "CreativeWork",
    "Quantity",
]
EXTENSION_CLASSES = ["Assertion"]

# property: (domain classes or None, range classes or datatypes)
CONTRACT_PROPERTIES: dict[str, tuple[set[URIRef] | None, set[URIRef]]] = {
    "issuedBy": ({CBO.Document}, {CBO.Organization}),
    "addressee": ({CBO.Reply}, {CBO.Person, CBO.Organization}),  # a delegation is an Organization
    "respondsTo": ({CBO.Reply}, {CBO.Proposal}),
    "proposer": ({CBO.Proposal}, {CBO.Person, CBO.Organization}),  # a delegation, a party committee
    "submittedTo": ({CBO.Proposal}, {CBO.GovernmentBody}),
    "proposalNumber": ({CBO.Proposal}, {XSD.string}),
    "location": ({CBO.Event, CBO.Organization, CBO.CreativeWork}, {CBO.Place}),
    "country": ({CBO.Organization}, {CBO.Country}),
    "organizer": ({CBO.Event}, {CBO.Organization}),
    "partner": ({CBO.Event, CBO.Organization, CBO.SocialMediaAccount}, {CBO.Organization}),
    "platform": ({CBO.SocialMediaAccount}, {CBO.SocialMediaPlatform}),
    "brandOf": ({CBO.BrandLabel}, {CBO.City, CBO.Region}),  # a province's brand is a Region's
    "date": (None, {XSD.date, XSD.gYearMonth, XSD.gYear}),
    "measure": (None, {CBO.Quantity}),
    "value": ({CBO.Quantity}, {XSD.decimal}),
    "unit": ({CBO.Quantity}, {XSD.string}),
    "approximate": ({CBO.Quantity}, {XSD.boolean}),
}
EXTENSION_PROPERTIES: dict[str, tuple[set[URIRef] | None, set[URIRef]]] = {
    "documentNumber": ({CBO.Document}, {XSD.string}),
    "city": ({CBO.Document}, {CBO.City, CBO.Region}),
    "session": ({CBO.Proposal}, {XSD.string}),
    "rule": ({CBO.Assertion}, {XSD.string}),
}
PROPERTIES = CONTRACT_PROPERTIES | EXTENSION_PROPERTIES

SUBCLASSES = [
    (CBO.Reply, CBO.Document),
    (CBO.GovernmentBody, CBO.Organization),
    (CBO.MediaOutlet, CBO.Organization),
    (CBO.Country, CBO.Place),
    (CBO.Region, CBO.Place),
    (CBO.City, CBO.Place),
    (CBO.Assertion, RDF.Statement),
]

ALIGNMENTS = [
    (CBO.Person, RDFS.subClassOf, SDO.Person),
    (CBO.Organization, RDFS.subClassOf, SDO.Organization),
    (CBO.Organization, RDFS.subClassOf, ORG.Organization),
    (CBO.GovernmentBody, RDFS.subClassOf, SDO.GovernmentOrganization),
    (CBO.MediaOutlet, RDFS.subClassOf, SDO.NewsMediaOrganization),
    (CBO.Place, RDFS.subClassOf, SDO.Place),
    (CBO.Country, RDFS.subClassOf, SDO.Country),
    (CBO.City, RDFS.subClassOf, SDO.City),
    (CBO.Event, RDFS.subClassOf, SDO.Event),
    (CBO.CreativeWork, RDFS.subClassOf, SDO.CreativeWork),
    (CBO.Document, RDFS.subClassOf, SDO.DigitalDocument),
    (CBO.Document, RDFS.subClassOf, PROV.Entity),
    (CBO.Document, RDFS.subClassOf, NIF.Context),
    (CBO.Quantity, RDFS.subClassOf, SDO.QuantitativeValue),
    (CBO.BrandLabel, RDFS.subClassOf, SKOS.Concept),
    (CBO.SocialMediaAccount, RDFS.subClassOf, SDO.ProfilePage),
    (CBO.SocialMediaPlatform, RDFS.subClassOf, SDO.WebSite),
    (CBO.Assertion, RDFS.subClassOf, PROV.Entity),
    (CBO.location, RDFS.subPropertyOf, SDO.location),
    (CBO.organizer, RDFS.subPropertyOf, SDO.organizer),
    (CBO.partner, SKOS.closeMatch, ORG.linkedTo),
    (CBO.date, RDFS.subPropertyOf, DCTERMS.date),
]

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_path(), format="turtle")


def cbo(name: str) -> URIRef:
    return URIRef(str(CBO) + name)


def declared_terms(graph: Graph) -> set[URIRef]:
    return {
        term
        for kind in TERM_TYPES
        for term in graph.subjects(RDF.type, kind)
        if isinstance(term, URIRef) and str(term).startswith(str(CBO))
    }


def members(graph: Graph, node: Node) -> set[Node]:
    """A named class or datatype, or the members of an owl:unionOf."""
    if isinstance(node, BNode):
        union = graph.value(node, OWL.unionOf)
        assert union is not None, f"an anonymous class other than owl:unionOf: {node}"
        return set(Collection(graph, union))
    return {node}


def literals(graph: Graph, term: URIRef, predicate: URIRef, language: str) -> list[Literal]:
    return [o for o in graph.objects(term, predicate) if isinstance(o, Literal) and o.language == language]


def test_header(ontology: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY, OWL.versionInfo) is not None
    assert ontology.value(ONTOLOGY, OWL.versionIRI) is not None
    assert ontology.value(ONTOLOGY, DCTERMS.license) is not None
    for language in ("zh", "en"):
        assert len(literals(ontology, ONTOLOGY, DCTERMS.title, language)) == 1


@pytest.mark.parametrize("name", CONTRACT_CLASSES + EXTENSION_CLASSES)
def test_class_is_declared(ontology: Graph, name: str) -> None:
    assert (cbo(name), RDF.type, OWL.Class) in ontology


@pytest.mark.parametrize("name", sorted(PROPERTIES))
def test_property_is_declared_with_domain_and_range(ontology: Graph, name: str) -> None:
    domain, range_ = PROPERTIES[name]
    term = cbo(name)
    is_datatype = all(str(member).startswith(str(XSD)) for member in range_)
    kind = OWL.DatatypeProperty if is_datatype else OWL.ObjectProperty
    assert (term, RDF.type, kind) in ontology
    declared_domains = [members(ontology, node) for node in ontology.objects(term, RDFS.domain)]
    assert declared_domains == ([domain] if domain else [])
    assert [members(ontology, node) for node in ontology.objects(term, RDFS.range)] == [range_]


@pytest.mark.parametrize(("sub", "sup"), SUBCLASSES, ids=lambda term: term.split("#")[-1])
def test_subclass_axiom(ontology: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subClassOf, sup) in ontology


def test_country_is_a_location(ontology: Graph) -> None:
    assert (CBO.country, RDFS.subPropertyOf, CBO.location) in ontology


@pytest.mark.parametrize("axiom", ALIGNMENTS, ids=lambda axiom: f"{axiom[0].split('#')[-1]}-{axiom[2]}")
def test_alignment(ontology: Graph, axiom: tuple[URIRef, URIRef, URIRef]) -> None:
    assert axiom in ontology


def test_every_term_is_labelled_and_commented_in_chinese_and_english(ontology: Graph) -> None:
    for term in declared_terms(ontology):
        for predicate in (RDFS.label, RDFS.comment):
            for language in ("zh", "en"):
                found = literals(ontology, term, predicate, language)
                assert len(found) == 1, f"{term} has {len(found)} {predicate} @{language}"
        assert (term, RDFS.isDefinedBy, ONTOLOGY) in ontology


def test_every_ontology_term_used_is_declared(ontology: Graph) -> None:
    used = {
        node
        for triple in ontology
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(str(CBO))
    }
    assert used <= declared_terms(ontology), sorted(used - declared_terms(ontology))


def test_namespace_class_is_in_sync_with_the_ontology(ontology: Graph) -> None:
    in_ontology = {str(term)[len(str(CBO)) :] for term in declared_terms(ontology)}
    in_code = set(CBO.__annotations__)
    assert in_code - in_ontology == set(), "in CBO but not in ontology/citybrand.ttl"
    assert in_ontology - in_code == set(), "in ontology/citybrand.ttl but not in CBO"


def test_namespace_class_refuses_unknown_terms() -> None:
    with pytest.raises(AttributeError):
        CBO.Organisation  # noqa: B018
