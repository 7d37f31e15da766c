"""The SPARQL 1.1 Service Description returned by GET /sparql without a query."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

RESULT_FORMATS = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "JSON-LD", "RDF_XML",
)
DESCRIPTION_PREFIXES = {"sd": SD, "formats": FORMATS, "void": VOID}


def describe_service(endpoint: str, stats: dict[str, Any], *, allow_update: bool) -> list[ox.Triple]:
    """Triples describing the endpoint, its result formats and its dataset."""
    service = ox.BlankNode("service")
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, _sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
    ]
    if allow_update:
        triples.append(ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Update")))
    triples.extend(ox.Triple(service, _sd("resultFormat"), ox.NamedNode(FORMATS + name)) for name in RESULT_FORMATS)
    triples.extend(_dataset(service, stats))
    return triples


def _dataset(service: ox.BlankNode, stats: dict[str, Any]) -> list[ox.Triple]:
    dataset, default = ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")
    triples = [
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, _sd("Graph")),
        ox.Triple(default, ox.NamedNode(VOID + "triples"), ox.Literal(str(stats["quads"]), datatype=_integer())),
    ]
    for index, name in enumerate(stats["sample"]):
        named = ox.BlankNode(f"graph{index}")
        triples.append(ox.Triple(dataset, _sd("namedGraph"), named))
        triples.append(ox.Triple(named, _sd("name"), ox.NamedNode(name)))
    return triples


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def _integer() -> ox.NamedNode:
    return ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
