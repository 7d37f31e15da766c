"""The names of classes and properties in Chinese and English, for the page.

The project's own terms take their ``rdfs:label`` from the ontology; the few terms of other
vocabularies that the graph uses (RDF, RDFS, OWL, SKOS, PROV, NIF, ITS, Dublin Core) are named in
:data:`OTHER_TERMS`. :func:`term_labels` gives ``{iri: {"zh": …, "en": …}}``.
"""

from __future__ import annotations

import functools

import pyoxigraph as ox

from citybrand_kg.rdf.syntaxes import read_quads
from citybrand_kg.resources import ontology_path

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"

OTHER_TERMS: dict[str, tuple[str, str]] = {
    RDF + "type": ("类型", "type"),
    RDF + "subject": ("主语", "subject"),
    RDF + "predicate": ("谓语", "predicate"),
    RDF + "object": ("宾语", "object"),
    RDFS + "label": ("名称", "label"),
    RDFS + "comment": ("说明", "comment"),
    "http://www.w3.org/2002/07/owl#sameAs": ("等同于", "same as"),
    "http://www.w3.org/2004/02/skos/core#altLabel": ("别名", "also called"),
    "http://www.w3.org/ns/prov#wasDerivedFrom": ("出处", "derived from"),
    "http://www.w3.org/2005/11/its/rdf#taIdentRef": ("指称", "refers to"),
    "http://purl.org/dc/terms/title": ("标题", "title"),
    "http://purl.org/dc/terms/source": ("来源文件", "source file"),
    "http://purl.org/dc/terms/format": ("文件格式", "file format"),
    NIF + "isString": ("全文", "full text"),
    NIF + "anchorOf": ("原文", "text"),
    NIF + "beginIndex": ("起始位置", "begins at"),
    NIF + "endIndex": ("结束位置", "ends at"),
    NIF + "referenceContext": ("所在文档", "in document"),
    NIF + "sentence": ("所在句子", "in sentence"),
    NIF + "Context": ("文档全文", "text"),
    NIF + "Sentence": ("句子", "sentence"),
    NIF + "Phrase": ("提及", "mention"),
}


@functools.lru_cache(maxsize=1)
def term_labels() -> dict[str, dict[str, str]]:
    """``{iri: {"zh": label, "en": label}}`` for every named term of the ontology and :data:`OTHER_TERMS`."""
    labels: dict[str, dict[str, str]] = {iri: {"zh": zh, "en": en} for iri, (zh, en) in OTHER_TERMS.items()}
    for quad in read_quads(ontology_path()):
        obj = quad.object
        if quad.predicate.value == RDFS + "label" and isinstance(quad.subject, ox.NamedNode) and isinstance(obj, ox.Literal) and obj.language in ("zh", "en"):
            labels.setdefault(quad.subject.value, {})[obj.language] = obj.value
    return dict(sorted(labels.items()))
