"""RDF graph → compact JSON-LD with the published citybrand-kg ``@context``.

Public functions::

    published_context() -> dict          # the "@context" object of context.jsonld
    to_jsonld(graph: Graph, *, context_url: str | None = None) -> dict

The context (``context.jsonld`` in this package, published at :data:`CONTEXT_URL`) declares
the ``cbo``/``cbr``/``nif``/… prefixes and short terms for the layout's properties. Node IRIs
are written as compact IRIs (``cbr:place/Q4970``). Language-tagged labels go into language
maps (``"label": {"zh": "杭州", "en": "Hangzhou"}``), so every tag survives; a label without
a tag is written under the full property (``"rdfs:label"``) as a plain string. The output is
deterministic: nodes sorted by ``@id``, keys sorted, multiple values sorted.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

CONTEXT_URL = "https://w3id.org/citybrand-kg/context.jsonld"
"""Where the context is published; pass it as ``context_url`` to reference it instead of inlining."""


@cache
def published_context() -> dict[str, Any]:
    text = resources.files("citybrand_kg.export").joinpath("context.jsonld").read_text(encoding="utf-8")
    context: dict[str, Any] = json.loads(text)["@context"]
    return context


def to_jsonld(graph: Graph, *, context_url: str | None = None) -> dict[str, Any]:
    """The graph as one JSON-LD document: ``{"@context": …, "@graph": [node, …]}``."""
    terms = _Terms.of(published_context())
    nodes = [_node(graph, subject, terms) for subject in sorted(set(graph.subjects()), key=str)]
    return {"@context": context_url or published_context(), "@graph": nodes}


class _Terms:
    """Lookups derived from the context: prefixes, and property IRI → (term, definition)."""

    def __init__(self, prefixes: dict[str, str], properties: dict[str, tuple[str, dict[str, Any]]]):
        self.prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        self.properties = properties

    @classmethod
    def of(cls, context: dict[str, Any]) -> _Terms:
        prefixes = {k: v for k, v in context.items() if isinstance(v, str) and not k.startswith("@")}
        terms = cls(prefixes, {})
        for name, definition in sorted(context.items()):
            if isinstance(definition, dict):
                terms.properties[terms.expand(definition["@id"])] = (name, definition)
        return terms

    def expand(self, compact: str) -> str:
        prefix, _, rest = compact.partition(":")
        return dict(self.prefixes)[prefix] + rest if prefix in dict(self.prefixes) else compact

    def compact(self, iri: str) -> str:
        for prefix, namespace in self.prefixes:
            rest = iri[len(namespace):]
            if iri.startswith(namespace) and rest and not rest.startswith("//"):
                return f"{prefix}:{rest}"
        return iri


def _node(graph: Graph, subject: Node, terms: _Terms) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": _ref(subject, terms)}
    types = sorted(terms.compact(str(o)) for o in graph.objects(subject, RDF.type) if isinstance(o, URIRef))
    if types:
        node["@type"] = types[0] if len(types) == 1 else types
    for predicate, value in graph.predicate_objects(subject):
        if predicate == RDF.type and isinstance(value, URIRef):
            continue
        key, entry, language = _entry(str(predicate), value, terms)
        if language is None:
            node.setdefault(key, []).append(entry)
        else:
            node.setdefault(key, {}).setdefault(language, []).append(entry)
    return {key: _tidy(value) for key, value in sorted(node.items())}


def _entry(predicate: str, value: Node, terms: _Terms) -> tuple[str, Any, str | None]:
    """The key to write the value under, the JSON value, and its language-map key if any."""
    name, definition = terms.properties.get(predicate, (None, {}))
    coerce = definition.get("@type")
    fallback = terms.compact(predicate)
    if isinstance(value, (URIRef, BNode)):
        if name and coerce == "@id":
            return name, _ref(value, terms), None
        return fallback, {"@id": _ref(value, terms)}, None
    assert isinstance(value, Literal)
    if value.language:
        if name and definition.get("@container") == "@language":
            return name, str(value), value.language
        return fallback, {"@value": str(value), "@language": value.language}, None
    datatype = str(value.datatype) if value.datatype else None
    plain = datatype in (None, str(XSD.string))
    if name and coerce not in ("@id", None) and terms.expand(coerce) == datatype:
        return name, str(value), None
    if name and coerce is None and "@container" not in definition:
        return name, str(value) if plain else {"@value": str(value), "@type": terms.compact(datatype or "")}, None
    if plain:
        return fallback, str(value), None
    return fallback, {"@value": str(value), "@type": terms.compact(datatype or "")}, None


def _ref(node: Node, terms: _Terms) -> str:
    return node.n3() if isinstance(node, BNode) else terms.compact(str(node))


def _tidy(value: Any) -> Any:
    """Sort multiple values; a single value is written without its list."""
    if isinstance(value, dict) and "@id" not in value and "@value" not in value:
        return {key: _tidy(inner) for key, inner in sorted(value.items())}
    if isinstance(value, list):
        ordered = sorted(value, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
        return ordered[0] if len(ordered) == 1 else ordered
    return value
