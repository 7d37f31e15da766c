"""The vocabularies of the graph.

``CBO`` lists every term of ``ontology/citybrand.ttl``; ``tests/rdf/test_ontology.py`` checks
that the two stay in sync, so code names terms as ``CBO.Event``, never as IRI strings.
"""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

__all__ = [
    "CBO",
    "CBR",
    "DCTERMS",
    "ITSRDF",
    "NIF",
    "ORG",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SDO",
    "SKOS",
    "WD",
    "XSD",
    "bind_prefixes",
]


class CBO(DefinedNamespace):
    """
    City Brand Knowledge Graph Ontology

    Classes and properties for the entities and relations of city branding and international
    communication found in Chinese government replies to CPPCC proposals and NPC suggestions.

    Generated from: ontology/citybrand.ttl (version 0.1.0)
    """

    _fail = True
    _NS = Namespace("https://w3id.org/citybrand-kg/ontology#")

    # http://www.w3.org/2002/07/owl#Class
    Assertion: URIRef  # A reified record of one extracted relation, derived from a nif:Sentence.
    BrandLabel: URIRef  # A city brand label or slogan.
    City: URIRef  # A city.
    Commitment: URIRef  # A sentence committing the replying body to future work; a LetterPart.
    Country: URIRef  # A country.
    CreativeWork: URIRef  # A named work such as a play, a film or a book.
    Document: URIRef  # A source text; also a nif:Context.
    Event: URIRef  # A named event: exhibition, forum, festival, campaign or tour.
    GovernmentBody: URIRef  # A Party, government, people's congress or CPPCC body or unit.
    LetterPart: URIRef  # A stretch of a reply with a role of its own; a nif:String.
    MediaOutlet: URIRef  # A news agency, newspaper, broadcaster or news website.
    Organization: URIRef  # Any named organisation.
    Person: URIRef  # A named person.
    Place: URIRef  # A place.
    Proposal: URIRef  # A CPPCC proposal or an NPC suggestion that a reply answers.
    Quantity: URIRef  # A figure stated in a text with its unit.
    Region: URIRef  # A province, special administrative region or supranational area.
    Reply: URIRef  # A reply letter to a proposal or suggestion.
    Section: URIRef  # An enumerated section heading of a reply; a LetterPart.
    SocialMediaAccount: URIRef  # An account on one or more social media platforms.
    SocialMediaPlatform: URIRef  # A social media platform.
    Suggestion: URIRef  # A suggestion of the proposer quoted in a reply; a LetterPart.
    TextBlock: URIRef  # A run of whole sentences of a long document, for checking anchors; a nif:String.

    # http://www.w3.org/2002/07/owl#ObjectProperty
    addressee: URIRef  # Whom the reply is addressed to.
    brandOf: URIRef  # The city (or region) a brand label stands for.
    city: URIRef  # The city or region a document is about.
    commitment: URIRef  # A Commitment of the document.
    country: URIRef  # The country an organisation belongs to; a sub-property of location.
    issuedBy: URIRef  # The organisation that wrote or signed the document.
    location: URIRef  # Where an event takes place, an organisation is based or a work is set.
    measure: URIRef  # A figure the text states about the thing.
    organizer: URIRef  # An organisation that organises or hosts the event.
    partner: URIRef  # An organisation that an event, organisation or account works with.
    platform: URIRef  # A social media platform the account is on.
    proposer: URIRef  # The person who made the proposal.
    respondsTo: URIRef  # The proposal the reply answers.
    section: URIRef  # A Section heading of the document.
    submittedTo: URIRef  # The body the proposal was submitted to.
    suggestion: URIRef  # A Suggestion of the proposer quoted in the document.

    # http://www.w3.org/2002/07/owl#DatatypeProperty
    approximate: URIRef  # Whether the figure is approximate (xsd:boolean).
    date: URIRef  # xsd:gYear, xsd:gYearMonth or xsd:date.
    documentNumber: URIRef  # The official document number.
    proposalNumber: URIRef  # The number of the proposal, as a string.
    rule: URIRef  # The extraction rule that produced an assertion.
    session: URIRef  # The session the proposal was made at.
    unit: URIRef  # The unit or measure word of a quantity.
    value: URIRef  # The numeric value of a quantity (xsd:decimal).


CBR = Namespace("https://w3id.org/citybrand-kg/resource/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")
WD = Namespace("http://www.wikidata.org/entity/")

PREFIXES: dict[str, Namespace | type[DefinedNamespace]] = {
    "cbo": CBO,
    "cbr": CBR,
    "nif": NIF,
    "itsrdf": ITSRDF,
    "wd": WD,
    "skos": SKOS,
    "prov": PROV,
    "dcterms": DCTERMS,
    "schema": SDO,
    "org": ORG,
    "owl": OWL,
    "xsd": XSD,
    "rdfs": RDFS,
    "rdf": RDF,
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes on ``graph`` (replacing other bindings of them); return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, URIRef(str(namespace)), override=True, replace=True)
    return graph
