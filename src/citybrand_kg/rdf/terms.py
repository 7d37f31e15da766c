"""pyoxigraph terms and their rdflib twins: conversions, memoised (the same terms come back again and again)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Triple = tuple[Term, Term, Term]
STRING = str(XSD.string)
_LITERALS: dict[ox.Literal, Node] = {}  # pyoxigraph literal -> rdflib literal


def memoised(cache: dict[Any, Any], key: Any, compute: Callable[[], Any]) -> Any:
    try:
        return cache[key]
    except KeyError:
        if len(cache) > 200_000:
            cache.clear()
        value = cache[key] = compute()
        return value


def forget_literals() -> None:
    """Empty the memo of converted literals (see :func:`citybrand_kg.rdf.fastshacl.forget_terms`)."""
    _LITERALS.clear()


def rdflib_term(term: Term) -> Node:
    """pyoxigraph term → rdflib term (typed literals memoised)."""
    if not isinstance(term, ox.Literal):
        return URIRef(term.value) if isinstance(term, ox.NamedNode) else BNode(term.value)
    dt = term.datatype.value
    return memoised(_LITERALS, term, lambda: Literal(  # type: ignore[no-any-return]
        term.value, lang=term.language, datatype=None if term.language or dt == STRING else URIRef(dt)))
