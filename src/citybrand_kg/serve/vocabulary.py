"""The project's prefixes, and the names of classes and properties in Chinese and English, for the page.

The project's own terms take their ``rdfs:label`` from the ontology; the few terms of other
vocabularies that the graph uses (RDF, RDFS, OWL, SKOS, PROV, NIF, ITS, Dublin Core) are named in
:data:`OTHER_TERMS`. :func:`term_labels` gives ``{iri: {"zh": …, "en": …}}``.
"""

from __future__ import annotations

import functools

import pyoxigraph as ox

from citybrand_kg.rdf.syntaxes import read_quads
from citybrand_kg.resources import ontology_path

PREFIXES: dict[str, str] = {
    "cbo": "https://w3id.org/citybrand-kg/ontology#",
    "cbr": "https://w3id.org/citybrand-kg/resource/",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "itsrdf": "http://www.w3.org/2005/11/its/rdf#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "http://schema.org/",
    "wd": "http://www.wikidata.org/entity/",
}
"""The project's prefixes: the page, the example queries and the server's Turtle use them."""

OTHER_TERMS: dict[str, tuple[str, str]] = {
    "rdf:type": ("类型", "type"),
    "rdf:subject": ("主语", "subject"),
    "rdf:predicate": ("谓语", "predicate"),
    "rdf:object": ("宾语", "object"),
    "rdfs:label": ("名称", "label"),
    "rdfs:comment": ("说明", "comment"),
    "owl:sameAs": ("等同于", "same as"),
    "skos:altLabel": ("别名", "also called"),
    "prov:wasDerivedFrom": ("出处", "derived from"),
    "itsrdf:taIdentRef": ("指称", "refers to"),
    "dcterms:title": ("标题", "title"),
    "dcterms:source": ("来源文件", "source file"),
    "dcterms:format": ("文件格式", "file format"),
    "nif:isString": ("全文", "full text"),
    "nif:anchorOf": ("原文", "text"),
    "nif:beginIndex": ("起始位置", "begins at"),
    "nif:endIndex": ("结束位置", "ends at"),
    "nif:referenceContext": ("所在文档", "in document"),
    "nif:sentence": ("所在句子", "in sentence"),
    "nif:Context": ("文档全文", "text"),
    "nif:Sentence": ("句子", "sentence"),
    "nif:Phrase": ("提及", "mention"),
}


def iri(name: str) -> str:
    """``rdfs:label`` → the full IRI, by :data:`PREFIXES`."""
    prefix, local = name.split(":", 1)
    return PREFIXES[prefix] + local


@functools.lru_cache(maxsize=1)
def term_labels() -> dict[str, dict[str, str]]:
    """``{iri: {"zh": label, "en": label}}`` for every named term of the ontology and :data:`OTHER_TERMS`."""
    labels: dict[str, dict[str, str]] = {iri(name): {"zh": zh, "en": en} for name, (zh, en) in OTHER_TERMS.items()}
    label = iri("rdfs:label")
    for quad in read_quads(ontology_path()):
        obj = quad.object
        if quad.predicate.value == label and isinstance(quad.subject, ox.NamedNode) and isinstance(obj, ox.Literal) and obj.language in ("zh", "en"):
            labels.setdefault(quad.subject.value, {})[obj.language] = obj.value
    return dict(sorted(labels.items()))
