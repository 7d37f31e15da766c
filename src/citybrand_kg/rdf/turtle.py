"""Deterministic, fast Turtle and TriG text (rdflib's writers are slow on large graphs and
order TriG graphs by chance).

Public functions::

    turtle_text(graph: Graph) -> str
    trig_text(graphs: Iterable[tuple[URIRef | None, Graph]]) -> str    # None = the default graph

Every prefix of :data:`citybrand_kg.rdf.namespaces.PREFIXES` is declared. Subjects are sorted by IRI,
``rdf:type`` comes first, then predicates by IRI, objects by their N-Triples form; graphs are
sorted by name with the default graph first. An IRI is abbreviated only when its local part is
a plain name (letters, digits, ``_``, ``-``), so ``cbr:`` IRIs with ``/`` stay in full.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from citybrand_kg.rdf.namespaces import PREFIXES

_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_NAMESPACES = sorted(((str(ns), prefix) for prefix, ns in PREFIXES.items()), key=lambda item: -len(item[0]))


def turtle_text(graph: Graph) -> str:
    return _header() + _statements(graph, indent="")


def trig_text(graphs: Iterable[tuple[URIRef | None, Graph]]) -> str:
    blocks = []
    for name, graph in sorted(graphs, key=lambda item: (item[0] is not None, str(item[0] or ""))):
        if not len(graph):
            continue
        body = _statements(graph, indent="    ")
        blocks.append(("{\n" if name is None else f"{_term(name)} {{\n") + body + "}\n")
    return _header() + "\n".join(blocks)


def _header() -> str:
    lines = [f"@prefix {prefix}: <{ns}> ." for prefix, ns in sorted((p, str(n)) for p, n in PREFIXES.items())]
    return "\n".join(lines) + "\n\n"


def _statements(graph: Graph, indent: str) -> str:
    by_subject: dict[Node, dict[Node, list[str]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in graph:
        by_subject[s][p].append(_term(o))
    out = []
    for subject in sorted(by_subject, key=_sort_key):
        predicates = by_subject[subject]
        ordered = sorted(predicates, key=lambda p: (p != RDF.type, str(p)))
        lines = [
            f"{'a' if p == RDF.type else _term(p)} {', '.join(sorted(predicates[p]))}" for p in ordered
        ]
        joiner = f" ;\n{indent}    "
        out.append(f"{indent}{_term(subject)} {joiner.join(lines)} .\n")
    return "\n".join(out)


def _sort_key(node: Node) -> tuple[int, str]:
    return (isinstance(node, BNode), str(node))


@lru_cache(maxsize=65536)
def _term(node: Node) -> str:
    if isinstance(node, URIRef):
        text = str(node)
        for namespace, prefix in _NAMESPACES:
            if text.startswith(namespace) and _LOCAL.match(text[len(namespace):]):
                return f"{prefix}:{text[len(namespace):]}"
        return node.n3()
    if isinstance(node, Literal):
        if node.datatype is not None and not node.language:
            return f"{_string(node)}^^{_term(node.datatype)}"
        return node.n3()
    return node.n3()


def _string(literal: Literal) -> str:
    plain = Literal(str(literal))
    return plain.n3()
