"""Example queries and the page's query templates (prefixes from :mod:`citybrand_kg.serve.vocabulary`), written against ontology/README.md.

The web page, the README and the tests all read them from here.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from citybrand_kg.model import NETWORK_KINDS, NETWORK_PREDICATES
from citybrand_kg.serve.vocabulary import PREFIXES, term_labels


def prefix_block(names: tuple[str, ...] | None = None) -> str:
    """``PREFIX`` lines for ``names`` (all project prefixes by default)."""
    chosen = tuple(PREFIXES) if names is None else names
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in chosen)


@dataclass(frozen=True)
class ExampleQuery:
    """A query shown on the page, with its title in both UI languages."""

    key: str
    title_zh: str
    title_en: str
    body: str

    @property
    def sparql(self) -> str:
        """The query with the PREFIX lines it needs."""
        body = self.body.strip()
        used = tuple(name for name in PREFIXES if re.search(rf"\b{name}:", body))
        return prefix_block(used) + "\n" + body + "\n"


EXAMPLES: tuple[ExampleQuery, ...] = (
    ExampleQuery("event-actors", "活动的组织者与合作方", "Actors of an event", """
SELECT ?event ?eventLabel ?role ?actor ?actorLabel WHERE {
  ?event a cbo:Event ; rdfs:label ?eventLabel .
  VALUES ?role { cbo:organizer cbo:partner }
  ?event ?role ?actor .
  ?actor rdfs:label ?actorLabel .
  FILTER(lang(?eventLabel) = "zh" && lang(?actorLabel) = "zh")
}
ORDER BY ?eventLabel ?role ?actorLabel
"""),
    ExampleQuery("events-by-country", "按国家统计活动", "Events by country", """
SELECT ?country ?countryLabel (COUNT(DISTINCT ?event) AS ?events)
       (GROUP_CONCAT(DISTINCT ?eventLabel; separator=" / ") AS ?eventNames) WHERE {
  ?event a cbo:Event ; rdfs:label ?eventLabel ; cbo:location/cbo:location* ?country .
  ?country a cbo:Country ; rdfs:label ?countryLabel .
  FILTER(lang(?eventLabel) = "zh" && lang(?countryLabel) = "zh")
}
GROUP BY ?country ?countryLabel
ORDER BY DESC(?events) ?countryLabel
"""),
    ExampleQuery("media-partners", "合作媒体", "Media partners", """
SELECT ?partner ?partnerLabel ?media ?mediaLabel ?countryLabel WHERE {
  ?partner cbo:partner ?media ; rdfs:label ?partnerLabel .
  ?media a cbo:MediaOutlet ; rdfs:label ?mediaLabel .
  OPTIONAL { ?media cbo:country/rdfs:label ?countryLabel FILTER(lang(?countryLabel) = "zh") }
  FILTER(lang(?partnerLabel) = "zh" && lang(?mediaLabel) = "zh")
}
ORDER BY ?mediaLabel
"""),
    ExampleQuery("brand-labels", "城市品牌标签", "City brand labels", """
SELECT ?brand ?brandLabel ?city ?cityLabel ?sentence WHERE {
  ?brand a cbo:BrandLabel ; rdfs:label ?brandLabel .
  FILTER(lang(?brandLabel) = "zh")
  OPTIONAL {
    ?brand cbo:brandOf ?city .
    ?city rdfs:label ?cityLabel FILTER(lang(?cityLabel) = "zh")
  }
  OPTIONAL { ?mention itsrdf:taIdentRef ?brand ; nif:sentence/nif:anchorOf ?sentence }
}
ORDER BY ?cityLabel ?brandLabel
"""),
    ExampleQuery("fact-provenance", "事实出自哪句话", "Where a fact came from", """
SELECT ?subjectLabel ?predicate ?objectLabel ?sentence ?source ?rule WHERE {
  ?assertion a cbo:Assertion ;
      rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object ;
      prov:wasDerivedFrom ?sentenceNode .
  ?sentenceNode nif:anchorOf ?sentence ; nif:referenceContext ?document .
  OPTIONAL { ?document dcterms:source ?source }
  OPTIONAL { ?assertion cbo:rule ?rule }
  OPTIONAL { ?subject rdfs:label ?subjectLabel FILTER(lang(?subjectLabel) = "zh") }
  OPTIONAL { ?object rdfs:label ?objectLabel FILTER(lang(?objectLabel) = "zh") }
}
ORDER BY ?source ?subjectLabel
LIMIT 200
"""),
    ExampleQuery("figures", "数字与数量", "Stated figures", """
SELECT ?subjectLabel ?surface ?value ?unit ?approximate WHERE {
  ?subject cbo:measure ?quantity .
  ?quantity rdfs:label ?surface ; cbo:value ?value .
  OPTIONAL { ?quantity cbo:unit ?unit }
  OPTIONAL { ?quantity cbo:approximate ?approximate }
  OPTIONAL { ?subject rdfs:label ?subjectLabel FILTER(lang(?subjectLabel) = "zh") }
}
ORDER BY DESC(?value)
"""),
    ExampleQuery("class-counts", "各类实体数量", "Entities per class", """
SELECT ?class (COUNT(DISTINCT ?entity) AS ?entities) WHERE {
  ?entity a ?class .
  FILTER(STRSTARTS(STR(?class), STR(cbo:)))
}
GROUP BY ?class
ORDER BY DESC(?entities)
"""),
)

RELATION_PREDICATES = NETWORK_PREDICATES
NETWORK_LIMIT = 3000
"""The page draws at most this many links."""

NETWORK_QUERY = prefix_block() + """
SELECT ?source ?sourceLabel ?sourceType ?predicate ?target ?targetLabel ?targetType WHERE {
  VALUES ?predicate { {predicates} }
  ?source ?predicate ?target .
  FILTER(?source != ?target)
  ?source a ?sourceType . ?target a ?targetType .
  VALUES ?sourceType { {classes} }
  VALUES ?targetType { {classes} }
  OPTIONAL { ?source rdfs:label ?sourceLabel FILTER(lang(?sourceLabel) = "zh") }
  OPTIONAL { ?target rdfs:label ?targetLabel FILTER(lang(?targetLabel) = "zh") }
}
ORDER BY ?source ?predicate ?target ?sourceType ?targetType ?sourceLabel ?targetLabel
LIMIT {limit}
""".replace("{predicates}", " ".join(f"cbo:{name}" for name in RELATION_PREDICATES)).replace(
    "{classes}", " ".join(f"cbo:{name}" for name in sorted(NETWORK_KINDS))).replace("{limit}", str(NETWORK_LIMIT))
"""The actor–event network: entities of the network's classes linked by its relations (the
projection ``analyze`` and ``viz`` use, :data:`citybrand_kg.model.NETWORK_KINDS`). Sorted, so that the
same graph gives the same rows in the same order, and so the same picture (the page places the
nodes in the order they first appear), whatever order the store finds them in; and so that a
graph with more links than the limit shows the same part of itself each time."""

ENTITY_FACTS_QUERY = prefix_block() + """
SELECT ?direction ?predicate ?value ?valueLabel WHERE {
  { <{iri}> ?predicate ?value . BIND("out" AS ?direction) }
  UNION
  { ?value ?predicate <{iri}> . BIND("in" AS ?direction)
    FILTER(?predicate NOT IN (itsrdf:taIdentRef, rdf:subject, rdf:object)) }
  OPTIONAL { ?value rdfs:label ?valueLabel FILTER(lang(?valueLabel) = "zh") }
}
ORDER BY ?direction ?predicate
LIMIT 500
"""
"""Facts about one node; the page replaces ``{iri}``."""

ENTITY_SOURCES_QUERY = prefix_block() + """
SELECT DISTINCT ?sentence ?text ?document ?source ?predicate WHERE {
  { ?mention itsrdf:taIdentRef <{iri}> ; nif:sentence ?sentence . }
  UNION
  { ?assertion rdf:subject <{iri}> ; rdf:predicate ?predicate ; prov:wasDerivedFrom ?sentence . }
  UNION
  { ?assertion rdf:object <{iri}> ; rdf:predicate ?predicate ; prov:wasDerivedFrom ?sentence . }
  ?sentence nif:anchorOf ?text ; nif:referenceContext ?document .
  OPTIONAL { ?document dcterms:source ?source }
}
ORDER BY ?document ?sentence
LIMIT 100
"""
"""Sentences that mention one node or state a relation about it; the page replaces ``{iri}``."""


def page_catalogue() -> dict[str, Any]:
    """Everything the page needs to build its menus, as JSON-ready data."""
    return {
        "prefixes": PREFIXES,
        "examples": [{**asdict(example), "sparql": example.sparql} for example in EXAMPLES],
        "terms": term_labels(),
        "kinds": NETWORK_KINDS,
        "network_limit": NETWORK_LIMIT,
        "templates": {
            "network": NETWORK_QUERY,
            "facts": ENTITY_FACTS_QUERY,
            "sources": ENTITY_SOURCES_QUERY,
        },
    }
