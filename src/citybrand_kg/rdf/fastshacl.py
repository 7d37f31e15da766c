"""A fast SHACL validator for the subset of SHACL that ``shapes/`` uses, with pyshacl's results.

pyshacl needs about a second per document graph; this gives the same verdict and results (focus
node, result path, source shape, constraint component, value) in a few tens of milliseconds.
The shapes are compiled once (:class:`FastValidator`) into closures; any construct not listed
below raises :class:`UnsupportedShapeError` at compile time, so the caller can fall back to
pyshacl instead of a constraint being skipped. The data graph is what pyshacl validates with
``ont_graph``: the triples plus the ontology axioms pyshacl copies in (computed once), as
pyoxigraph terms indexed subject → predicate → objects; ``sh:class`` and ``sh:targetClass``
follow its ``rdfs:subClassOf`` closure. ``sh:datatype`` and ``sh:lessThan`` use rdflib's literal
parsing and order (memoised), so ill-typed literals behave as in pyshacl. ``sh:sparql`` SELECT
constraints run on pyoxigraph over an in-memory Store of the same triples: once for all focus
nodes when every solution binds ``$this`` in a triple pattern, else once per focus node with
``$this`` substituted. A FILTER reading variables bound outside its own group is refused: rdflib
joins such groups lazily, a standard engine does not, and the two would disagree.

Supported: ``sh:targetClass targetNode targetSubjectsOf targetObjectsOf``, implicit class targets,
predicate paths, ``sh:class datatype nodeKind minCount maxCount pattern flags languageIn in
hasValue lessThan qualifiedValueShape qualifiedMinCount qualifiedMaxCount node and or not xone
sparql message severity deactivated``. Conformance is pyshacl's with ``allow_warnings=True``.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.plugins.stores.memory import Memory
from rdflib.term import _NUMERIC_LITERAL_TYPES, Node, Variable

from citybrand_kg import usercache
from citybrand_kg.errors import CitybrandError
from citybrand_kg.rdf.files import load_ontology, load_shapes
from citybrand_kg.rdf.terms import STRING as _STRING
from citybrand_kg.rdf.terms import Term, Triple, memoised, rdflib_term

__all__ = ["FastReport", "FastValidator", "Result", "UnsupportedShapeError", "default_validator",
           "forget_terms", "validate_fast"]

Hit = tuple["_Shape", Term, URIRef, "Term | None", "dict[str, Any] | None", "Node | None"]
ValueCheck = Callable[["_Data", Term], bool]
FocusCheck = Callable[["_Data", Term, list[Term]], list[Hit]]
ALLOWED = frozenset({SH.Info, SH.Warning})
_TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)
_NOT_CONSTRAINTS = {SH.path, SH.message, SH.severity, SH.deactivated, SH.name, SH.description, SH.order,
                    SH.group, SH.defaultValue, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.flags,
                    *_TARGETS}
_COMPONENTS = {SH[p]: SH[p[0].upper() + p[1:] + "ConstraintComponent"] for p in (
    "class", "datatype", "nodeKind", "pattern", "languageIn", "in", "node", "not", "or", "and", "xone")}
_MIN, _MAX, _HAS, _LESS, _QMIN, _QMAX, _SPARQL = (SH[c + "ConstraintComponent"] for c in (
    "MinCount", "MaxCount", "HasValue", "LessThan", "QualifiedMinCount", "QualifiedMaxCount", "SPARQL"))
_KINDS = {SH.IRI: (ox.NamedNode,), SH.BlankNode: (ox.BlankNode,), SH.Literal: (ox.Literal,),
          SH.BlankNodeOrIRI: (ox.BlankNode, ox.NamedNode), SH.IRIOrLiteral: (ox.NamedNode, ox.Literal),
          SH.BlankNodeOrLiteral: (ox.BlankNode, ox.Literal)}
_PYTHON_TYPES = {str(XSD.integer): int, str(XSD.float): float, str(XSD.decimal): decimal.Decimal,
                 str(XSD.boolean): bool, str(XSD.date): datetime.date, str(XSD.time): datetime.time,
                 str(XSD.dateTime): datetime.datetime}  # pyshacl checks the value's Python type for these
_THIS, _TYPE = ox.Variable("this"), ox.NamedNode(str(RDF.type))
_SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))
_LANG_STRING = str(RDF.langString)


class UnsupportedShapeError(CitybrandError):
    """The shapes use a SHACL construct this validator does not implement: use pyshacl."""


@dataclass(frozen=True, slots=True)
class Result:
    focus: Node
    path: Node | None
    shape: Node
    severity: URIRef
    messages: tuple[Literal, ...]
    value: Node | None
    component: URIRef
    source_constraint: Node | None = None


@dataclass(frozen=True)
class FastReport:
    conforms: bool
    results: list[Result]
    shapes_graph: Graph = field(repr=False)

    def to_rdf(self) -> Graph:
        """The report as a standard ``sh:ValidationReport`` graph."""
        graph, report = Graph(), BNode()
        graph.bind("sh", SH)
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(self.conforms)))
        for r in self.results:
            node = BNode()
            graph.add((report, SH.result, node))
            graph.add((node, RDF.type, SH.ValidationResult))
            for predicate, obj in (
                    (SH.focusNode, r.focus), (SH.resultPath, r.path), (SH.value, r.value),
                    (SH.sourceShape, r.shape), (SH.sourceConstraintComponent, r.component),
                    (SH.resultSeverity, r.severity), (SH.sourceConstraint, r.source_constraint)):
                if obj is not None:
                    graph.add((node, predicate, obj))
                    if isinstance(obj, BNode) and predicate in (SH.sourceShape, SH.sourceConstraint):
                        graph += self.shapes_graph.cbd(obj)  # a blank shape brings its triples
            for message in r.messages:
                graph.add((node, SH.resultMessage, message))
        return graph


# --- terms ------------------------------------------------------------------------------------

_TERMS: dict[Any, Term] = {}  # memoised conversions, cleared when they grow large
_ORDER: dict[ox.Literal, Any] = {}  # order keys of literals, memoised


def forget_terms() -> None:
    """Empty the memos of converted literals and their order keys. They speed up a batch of
    documents, which share entities; the pieces of one long document share few terms (each its own
    anchors and offsets), and memos full of them held a few hundred MB."""
    from citybrand_kg.rdf.terms import forget_literals

    _TERMS.clear()
    _ORDER.clear()
    _CANONICAL.clear()
    forget_literals()


def _ox(term: Node) -> Term:
    if isinstance(term, (URIRef, BNode)):
        return ox.NamedNode(str(term)) if isinstance(term, URIRef) else ox.BlankNode(str(term))
    assert isinstance(term, Literal)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))


def _term(x: Node) -> Term:
    """rdflib term → pyoxigraph term, memoised by plain strings (rdflib's own hashing is slow)."""
    key: Any = str(x) if type(x) is URIRef else "_:" + x if isinstance(x, BNode) else (
        str(x), x.language, str(x.datatype))  # type: ignore[attr-defined]
    return memoised(_TERMS, key, lambda: _ox(x))  # type: ignore[no-any-return]


def _from_graph(graph: Graph) -> list[Triple]:
    store, term = graph.store, _term
    if type(store) is not Memory or len(getattr(store, "_Memory__all_contexts", ())) > 1:
        return [(term(s), term(p), term(o)) for s, p, o in graph]
    out: list[Triple] = []  # walking the store's own index is ten times faster than iterating
    for s, po in store._Memory__spo.items():  # type: ignore[attr-defined]
        subject = term(s)
        for p, objects in po.items():
            predicate = term(p)
            out.extend((subject, predicate, term(o)) for o in objects)
    return out


def _from_ntriples(data: bytes) -> tuple[list[Triple], bool]:
    """Parse N-Triples, typed literals in the canonical form rdflib's parser gives them; and
    whether the triples are exactly the text's (no literal rewritten, no duplicate line)."""
    out: dict[Triple, None] = {}
    exact, count = True, 0
    canon = _CANONICAL
    if len(canon) > 200_000:
        canon.clear()
    for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
        count += 1
        o = quad.object
        if type(o) is ox.Literal and not o.language and o.datatype.value != _STRING:
            canonical = canon.get(o)
            if canonical is None:
                canonical = canon[o] = _ox(rdflib_term(o))
            if canonical != o:
                exact, o = False, canonical
        out[quad.subject, quad.predicate, o] = None
    return list(out), exact and count == len(out)


_CANONICAL: dict[ox.Literal, Term] = {}  # typed literal -> rdflib's canonical form of it


def _well_typed(v: ox.Literal, datatype: str) -> bool:
    """pyshacl's sh:datatype test: the same datatype, not ill-typed for rdflib, a value of that type."""
    if datatype == _LANG_STRING or v.language:
        return datatype == _LANG_STRING and bool(v.language)
    if v.datatype.value != datatype or datatype == _STRING:
        return v.datatype.value == datatype
    lit: Any = rdflib_term(v)
    return lit.ill_typed is not True and isinstance(lit.value, _PYTHON_TYPES.get(datatype, object))


def _less(a: Term, b: Term) -> bool:
    """pyshacl's sh:lessThan test: strings (and IRIs) only with strings, literals in rdflib's order."""
    x, y = _order_key(a), _order_key(b)
    if (x[0] == "str") != (y[0] == "str"):
        return False
    return bool(x[1] < y[1]) if x[0] == y[0] != "literal" else bool(x[-1] < y[-1])


def _order_key(t: Term) -> tuple[Any, ...]:
    if not isinstance(t, ox.Literal):
        if isinstance(t, ox.BlankNode):
            raise UnsupportedShapeError("sh:lessThan cannot compare blank nodes.")
        return "str", t.value
    return memoised(_ORDER, t, lambda: _literal_key(rdflib_term(t)))  # type: ignore[no-any-return]


def _literal_key(lit: Any) -> tuple[Any, ...]:
    if isinstance(lit.value, str):
        return "str", lit.value
    if lit.datatype in _NUMERIC_LITERAL_TYPES and not lit.ill_typed and lit.value is not None:
        return "number", lit.value, lit  # rdflib's own fast path: two numbers compare by value
    return "literal", lit


# --- the data graph ---------------------------------------------------------------------------

class _Data:
    """One validation run: indexed triples, the subclass closure, and a Store built on demand."""

    def __init__(self, triples: list[Triple], validator: FastValidator, ntriples: list[bytes] | None = None) -> None:
        self.ntriples = ntriples  # the same triples as N-Triples text (in parts), when there is one
        self.spo: dict[Term, dict[Term, list[Term]]] = {}
        self.pso: dict[Term, list[tuple[Term, Term]]] = {}
        for s, p, o in triples:
            self.spo.setdefault(s, {}).setdefault(p, []).append(o)
            self.pso.setdefault(p, []).append((s, o))
        for s, p, o in validator.mixin:  # what the data does not already state
            if o not in self.objects(s, p):
                self.spo.setdefault(s, {}).setdefault(p, []).append(o)
                self.pso.setdefault(p, []).append((s, o))
        self.triples, self.mixin_quads = triples, validator.mixin_quads
        self.sup = validator.superclasses(self.pso.get(_SUBCLASS, []))
        self.focus_cache: dict[Any, list[Term]] = {}
        self.batches: dict[Node, dict[Term, list[dict[str, Term]]]] = {}
        self._store: ox.Store | None = None
        self._instances: dict[tuple[Term, Term], bool] = {}

    def objects(self, s: Term, p: Term) -> list[Term]:
        po = self.spo.get(s)
        return po.get(p, []) if po is not None else []

    def is_instance(self, node: Term, cls: Term) -> bool:
        key = (node, cls)
        found = self._instances.get(key)
        if found is None:  # entities are checked once for each mention and relation that links them
            sup = self.sup
            found = self._instances[key] = any(t == cls or cls in sup.get(t, ()) for t in self.objects(node, _TYPE))
        return found

    def focus(self, targets: tuple[frozenset[Term], ...]) -> list[Term]:
        found = self.focus_cache.get(targets)
        if found is None:
            nodes, classes, subjects_of, objects_of = targets
            hits = dict.fromkeys(nodes)
            if classes:
                hits.update((s, None) for s, t in self.pso.get(_TYPE, [])
                            if t in classes or not classes.isdisjoint(self.sup.get(t, ())))
            hits.update((s, None) for p in subjects_of for s, _o in self.pso.get(p, []))
            hits.update((o, None) for p in objects_of for _s, o in self.pso.get(p, []))
            found = self.focus_cache[targets] = list(hits)
        return found

    @property
    def store(self) -> ox.Store:
        if self._store is None:
            self._store = ox.Store()
            if self.ntriples is not None:  # parsed in Rust, no Python object per triple
                for part in self.ntriples:
                    self._store.load(part, format=ox.RdfFormat.N_TRIPLES)
            else:
                self._store.extend([ox.Quad(s, p, o) for s, p, o in self.triples])  # type: ignore[arg-type]
            self._store.extend(self.mixin_quads)
        return self._store


# --- shapes -----------------------------------------------------------------------------------

@dataclass(eq=False)
class _Shape:
    node: Node
    path_node: Node | None
    path: Term | None  # the predicate of a property shape; None for a node shape
    severity: URIRef
    messages: tuple[Literal, ...]
    deactivated: bool
    targets: tuple[frozenset[Term], ...] = ()
    min_count: int | None = None
    max_count: int | None = None
    has_values: list[Term] = field(default_factory=list)
    less_than: list[Term] = field(default_factory=list)
    value_checks: list[tuple[URIRef, ValueCheck]] = field(default_factory=list)
    focus_checks: list[FocusCheck] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.allowed = self.severity in ALLOWED

    def collect(self, data: _Data, foci: list[Term], out: list[Hit]) -> None:
        """Append a hit for every way each focus node fails this shape."""
        if self.deactivated:
            return
        path, low, high = self.path, self.min_count, self.max_count
        has_values, less_than, value_checks, focus_checks = self.has_values, self.less_than, self.value_checks, self.focus_checks
        spo, empty = data.spo, list[Term]()
        for focus in foci:
            if path is None:
                values = [focus]
            else:
                po = spo.get(focus)
                values = po.get(path, empty) if po is not None else empty
            if low is not None and len(values) < low:
                out.append((self, focus, _MIN, None, None, None))
            if high is not None and len(values) > high:
                out.append((self, focus, _MAX, None, None, None))
            if has_values:
                out.extend((self, focus, _HAS, None, None, None) for t in has_values if t not in values)
            for p in less_than:
                others = data.objects(focus, p)
                out.extend((self, focus, _LESS, v, None, None)
                           for v in values for o in others if not _less(v, o))
            for component, ok in value_checks:
                for v in values:
                    if not ok(data, v):
                        out.append((self, focus, component, v, None, None))
            for check in focus_checks:
                out.extend(check(data, focus, values))

    def conforms(self, data: _Data, node: Term) -> bool:
        """Does ``node`` conform, as pyshacl decides inside sh:or, sh:node or sh:qualifiedValueShape?"""
        hits: list[Hit] = []
        if not self.allowed:  # with allow_warnings a Warning or Info shape always conforms
            self.collect(data, [node], hits)
        return not hits


class _Compiler:
    def __init__(self, g: Graph) -> None:
        self.g, self.shapes, self.building = g, dict[Node, _Shape](), set[Node]()

    def one(self, node: Node, predicate: URIRef) -> Any:
        values = list(self.g.objects(node, predicate))
        if len(values) > 1:
            raise UnsupportedShapeError(f"{node} has {len(values)} values for {predicate}.")
        return values[0] if values else None

    def items(self, head: Any) -> list[Node]:
        return list(Collection(self.g, head))

    def targeted(self) -> Iterator[_Shape]:
        """The shapes with targets (explicit, or implicit: a shape that is also a class)."""
        g = self.g
        nodes = {*g.subjects(RDF.type, SH.NodeShape), *g.subjects(RDF.type, SH.PropertyShape)}
        for node in sorted(nodes | {s for p in _TARGETS for s in g.subjects(p, None)}, key=str):
            shape, targets = self.shape(node), [{_ox(x) for x in g.objects(node, p)} for p in _TARGETS]
            if {RDFS.Class, *g.subjects(RDFS.subClassOf, RDFS.Class)} & set(g.objects(node, RDF.type)):
                targets[1].add(_ox(node))
            shape.targets = tuple(frozenset(t) for t in targets)
            if any(targets):
                yield shape

    def shape(self, node: Node) -> _Shape:
        if node in self.shapes:
            return self.shapes[node]
        if node in self.building:
            raise UnsupportedShapeError(f"the shape {node} is recursive.")
        self.building.add(node)
        path = self.one(node, SH.path)
        if path is not None and not isinstance(path, URIRef):
            raise UnsupportedShapeError(f"{node}: only predicate paths are supported, not {path}.")
        shape = _Shape(node, path, _ox(path) if path is not None else None,
                       self.one(node, SH.severity) or SH.Violation,
                       tuple(m for m in self.g.objects(node, SH.message) if isinstance(m, Literal)),
                       self.one(node, SH.deactivated) == Literal(True))
        for predicate, param in sorted(self.g.predicate_objects(node), key=lambda po: str(po[0])):
            self.constrain(node, shape, URIRef(str(predicate)), param)
        self.building.discard(node)
        self.shapes[node] = shape
        return shape

    def constrain(self, node: Node, shape: _Shape, predicate: URIRef, param: Any) -> None:
        """Add to ``shape`` the check that one constraint parameter asks for."""
        if predicate in (SH.minCount, SH.maxCount):
            setattr(shape, "min_count" if predicate == SH.minCount else "max_count", int(param))
        elif predicate in (SH.hasValue, SH.lessThan):
            (shape.has_values if predicate == SH.hasValue else shape.less_than).append(_term(param))
        elif predicate == SH.qualifiedValueShape:
            shape.focus_checks.append(self.qualified(node, shape, self.shape(param)))
        elif predicate == SH.sparql:
            if self.one(param, SH.deactivated) != Literal(True):
                shape.focus_checks.append(self.sparql(node, shape, param))
        elif predicate in _COMPONENTS:
            shape.value_checks.append((_COMPONENTS[predicate], self.value_check(node, predicate, param)))
        elif predicate.startswith(str(SH)) and predicate not in _NOT_CONSTRAINTS:
            raise UnsupportedShapeError(f"{node} uses {predicate}, which is not supported.")

    def value_check(self, node: Node, predicate: URIRef, param: Any) -> ValueCheck:
        """The test each value node must pass for a per-value constraint (failures give sh:value)."""
        if predicate == SH["class"]:
            cls = _ox(param)
            return lambda data, v: type(v) is not ox.Literal and data.is_instance(v, cls)
        if predicate == SH.datatype:
            if param in (RDFS.Literal, RDFS.Datatype):
                raise UnsupportedShapeError(f"sh:datatype {param} is not supported.")
            name = str(param)
            return lambda data, v: type(v) is ox.Literal and _well_typed(v, name)
        if predicate == SH.nodeKind:
            kinds = _KINDS[param]
            return lambda data, v: isinstance(v, kinds)
        if predicate == SH.pattern:
            flags = str(self.one(node, SH.flags) or "").lower()
            regex = re.compile(str(param), re.IGNORECASE * ("i" in flags) | re.MULTILINE * ("m" in flags))
            return lambda data, v: type(v) is not ox.BlankNode and regex.search(v.value) is not None
        if predicate == SH.languageIn:
            wanted = {str(x).lower() for x in self.items(param)}
            return lambda data, v: type(v) is ox.Literal and bool(v.language) and ("*" in wanted or any(
                tag in wanted for tag in (str(v.language).lower(), str(v.language).split("-")[0].lower())))
        if predicate == SH["in"]:
            allowed = frozenset(_ox(x) for x in self.items(param))
            return lambda data, v: v in allowed
        if predicate in (SH.node, SH["not"]):
            inner, wanted_result = self.shape(param), predicate == SH.node
            return lambda data, v: inner.conforms(data, v) == wanted_result
        members = [self.shape(x) for x in self.items(param)]  # sh:or, sh:and, sh:xone
        need = {SH["or"]: range(1, len(members) + 1), SH["and"]: range(len(members), len(members) + 1),
                SH.xone: range(1, 2)}[predicate]
        return lambda data, v: sum(m.conforms(data, v) for m in members) in need

    def qualified(self, node: Node, shape: _Shape, inner: _Shape) -> FocusCheck:
        if self.one(node, SH.qualifiedValueShapesDisjoint) == Literal(True):
            raise UnsupportedShapeError(f"{node} uses sh:qualifiedValueShapesDisjoint: not supported.")
        low, high = (None if x is None else int(x) for x in (
            self.one(node, SH.qualifiedMinCount), self.one(node, SH.qualifiedMaxCount)))

        def check(data: _Data, focus: Term, values: list[Term]) -> list[Hit]:
            n = sum(1 for v in values if inner.conforms(data, v))
            return [(shape, focus, component, None, None, None) for component, bad in (
                (_QMAX, high is not None and n > high), (_QMIN, low is not None and n < low)) if bad]
        return check

    def sparql(self, node: Node, shape: _Shape, constraint: Node) -> FocusCheck:
        query = str(self.one(constraint, SH.select))
        other = {p for p in self.g.predicates(constraint) if str(p).startswith(str(SH))} - {
            SH.select, SH.prefixes, SH.message, SH.deactivated}
        magic = re.search(r"[?$](shapesGraph|currentShape)\b", query)
        if (constraint, SH.select, None) not in self.g or other or magic:
            raise UnsupportedShapeError(f"{node}: only sh:select constraints using $this are supported.")
        prefixes = {str(self.one(d, SH.prefix)): str(self.one(d, SH.namespace))
                    for p in self.g.objects(constraint, SH.prefixes) for d in self.g.objects(p, SH.declare)}
        messages = tuple(m for m in self.g.objects(constraint, SH.message) if m not in shape.messages)
        batch = _cached_sparql_plan(node, query, prefixes)

        def solutions(data: _Data, focus: Term | None) -> list[dict[str, Term]]:
            found: Any = data.store.query(query, prefixes=prefixes,
                                          substitutions=None if focus is None else {_THIS: focus})
            names = [v.value for v in found.variables]
            return [{k: t for k, t in zip(names, row) if t is not None} for row in found]

        def check(data: _Data, focus: Term, values: list[Term]) -> list[Hit]:
            if batch and constraint not in data.batches:  # one query for all focus nodes, by ?this
                data.batches[constraint] = {}
                for bound in solutions(data, None):
                    data.batches[constraint].setdefault(bound["this"], []).append(bound)
            rows = data.batches[constraint].get(focus, []) if batch else solutions(data, focus)
            hits, seen = list[Hit](), list[dict[str, Term]]()
            for bound in rows:
                if bound not in seen and {"this", "path", "value", "failure"} & bound.keys():
                    seen.append(bound)
                    value = bound.get("value", focus if shape.path is None else None)
                    hits.append((shape, bound.get("this", focus), _SPARQL, value,
                                 {**bound, "_messages": messages}, constraint))
            return hits
        return check


_PLANS_FILE = "sparql-plans-v1.json"
_plans: dict[str, bool | str] | None = None


def _cached_sparql_plan(shape: Node, query: str, prefixes: dict[str, str]) -> bool:
    """:func:`_sparql_plan`, remembered in the user's cache folder: the analysis needs rdflib's
    SPARQL parser, whose first use costs about half a second of every cold start."""
    global _plans
    import rdflib

    if _plans is None:
        try:
            _plans = dict(json.loads(usercache.read(_PLANS_FILE) or b"{}"))
        except ValueError as exc:
            usercache.unreadable(_PLANS_FILE, exc)
            _plans = {}
    parts = [str(shape), query, json.dumps(prefixes, sort_keys=True), rdflib.__version__]
    key = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    known = _plans.get(key)
    if isinstance(known, bool):
        return known
    if isinstance(known, str):
        raise UnsupportedShapeError(known)
    try:
        _plans[key] = _sparql_plan(shape, query, prefixes)
    except UnsupportedShapeError as exc:
        _plans[key] = str(exc)
        raise
    finally:
        usercache.write(_PLANS_FILE, json.dumps(_plans, sort_keys=True).encode())
    return bool(_plans[key])


def _sparql_plan(shape: Node, query: str, prefixes: dict[str, str]) -> bool:
    """True if the query can run once for all focus nodes: every solution binds ?this in a triple
    pattern. Raises if a FILTER reads a variable its group does not bind but another part does."""
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    this, root = Variable("this"), prepareQuery(query, initNs=prefixes).algebra.p

    def children(n: Any) -> Iterable[Any]:  # of a dict, the keys too: VALUES rows map variables
        return [*n, *n.values()] if isinstance(n, dict) else n if isinstance(n, (list, tuple, set)) else ()

    def nodes(n: Any) -> Iterator[CompValue]:
        yield from ([n] if isinstance(n, CompValue) else [])
        for child in children(n):
            yield from nodes(child)

    def variables(n: Any) -> set[Variable]:
        return {n} if isinstance(n, Variable) else set().union(*(variables(c) for c in children(n)))

    patterns = [n for n in nodes(root) if n.name in ("BGP", "values", "Extend")]
    bound_somewhere = set().union(*(variables([n[k] for k in ("triples", "res", "var") if k in n])
                                    for n in patterns))
    for f in (n for n in nodes(root) if n.name == "Filter"):
        own = variables(dict.get(f.p, "_vars", ()))  # CompValue.get takes no default
        loose = (variables(f.expr) - own - {this}) & bound_somewhere
        if loose:
            raise UnsupportedShapeError(
                f"{shape}: a FILTER reads {', '.join(sorted('?' + v for v in loose))}, bound outside its "
                "group; rdflib (pyshacl) and standard SPARQL engines disagree on such queries.")

    def binds(n: Any) -> bool:
        if n.name == "BGP":
            return any(this in triple for triple in n.triples)
        if n.name in ("Join", "Union"):
            return (any if n.name == "Join" else all)(binds(n[k]) for k in ("p1", "p2"))
        if n.name in ("LeftJoin", "Minus"):
            return binds(n.p1)
        return n.name in ("Filter", "Extend", "Distinct", "Reduced", "Slice", "OrderBy") and binds(n.p)
    return this in root.PV and binds(root.p)


# --- the validator ----------------------------------------------------------------------------

class FastValidator:
    """The shapes (and the ontology pyshacl would mix in) compiled once; :meth:`validate` graphs."""

    def __init__(self, shapes: Graph, ontology: Graph | None = None, mixin: list[Triple] | None = None) -> None:
        for p, o in [*((p, None) for p in (SH.rule, SH.target, SH.entailment, SH.condition, SH.js)),
                     *((RDF.type, k) for k in (SH.ConstraintComponent, SH.SPARQLTarget, SH.SPARQLFunction))]:
            if (None, p, o) in shapes:
                raise UnsupportedShapeError(f"the shapes use {p} {o or ''}, which is not supported.")
        compiler = _Compiler(shapes)
        self.shapes_graph, self.top = shapes, list(compiler.targeted())
        # the properties whose values on a node a shape counts or compares (sh:minCount, sh:maxCount,
        # qualified counts, sh:hasValue, sh:lessThan)
        self.counted = frozenset(URIRef(str(shape.path_node)) for shape in compiler.shapes.values() if shape.path_node is not None and (
            shape.min_count is not None or shape.max_count is not None or shape.has_values or shape.less_than or shape.focus_checks))
        if mixin is None:
            mixin = _from_graph(_inoculated(ontology)) if ontology is not None else []
        self.mixin = mixin
        self.mixin_quads = [ox.Quad(s, p, o) for s, p, o in self.mixin]  # type: ignore[arg-type]
        self._mixin_subclass = [(s, o) for s, p, o in self.mixin if p == _SUBCLASS]
        self._sup = _closure(self._mixin_subclass)

    def superclasses(self, pairs: list[tuple[Term, Term]]) -> dict[Term, frozenset[Term]]:
        return self._sup if len(pairs) == len(self._mixin_subclass) else _closure(pairs)

    def validate(self, data: Graph | str | bytes) -> FastReport:
        """Validate one data graph: an rdflib Graph, or N-Triples text."""
        raw: bytes | None = None
        if isinstance(data, Graph):
            if data.context_aware:
                raise TypeError("validate one graph at a time, not a dataset.")
            triples = _from_graph(data)
        else:
            raw = data.encode() if isinstance(data, str) else data
            triples, exact = _from_ntriples(raw)
            raw = raw if exact else None
        return self._run(triples, None if raw is None else [raw])

    def validate_triples(self, triples: Iterable[tuple[Node, Node, Node]], ntriples: bytes | list[bytes] | None = None) -> FastReport:
        """Validate one graph given as rdflib triples (what a graph built from them would hold),
        with, when there is one, its N-Triples text (whole, or in parts): exactly these triples, from
        which the store for SPARQL constraints is loaded without a Python object per triple."""
        converted: dict[int, Term] = {}  # by identity: the caller keeps every term alive

        def term(x: Node) -> Term:
            found = converted.get(id(x))
            if found is None:  # IRIs are mostly new (mentions, assertions): built directly, not memoised
                found = converted[id(x)] = ox.NamedNode(x) if type(x) is URIRef else _term(x)
            return found

        distinct = dict.fromkeys((term(s), term(p), term(o)) for s, p, o in triples)
        return self._run(list(distinct), [ntriples] if isinstance(ntriples, bytes) else ntriples)

    def _run(self, triples: list[Triple], raw: list[bytes] | None) -> FastReport:
        index, hits = _Data(triples, self, raw), list[Hit]()
        for shape in self.top:
            shape.collect(index, index.focus(shape.targets), hits)
        results = [_result(hit) for hit in hits]
        return FastReport(all(r.severity in ALLOWED for r in results), results, self.shapes_graph)


def _result(hit: Hit) -> Result:
    shape, focus, component, value, bindings, source = hit
    path, messages = shape.path_node, shape.messages
    if bindings is not None:  # a SPARQL solution: ?path overrides the path, {?var} fills the messages
        extra = bindings.pop("_messages")
        path = rdflib_term(bindings["path"]) if "path" in bindings else path
        words = {k: str(rdflib_term(v)) for k, v in {**bindings, **({"value": value} if value else {})}.items()}
        messages = tuple(Literal(re.sub(r"\{[?$](\w+)\}", lambda m: words.get(m[1], m[0]), str(x)),
                                 lang=getattr(x, "language", None)) for x in (*extra, *messages))
    if not messages:
        messages = (Literal(f"{component.split('#')[-1]} failed."),)
    return Result(rdflib_term(focus), path, shape.node, shape.severity, messages,
                  None if value is None else rdflib_term(value), component, source)


def _closure(pairs: Iterable[tuple[Term, Term]]) -> dict[Term, frozenset[Term]]:
    """Each class → all its superclasses (itself included) along rdfs:subClassOf."""
    direct: dict[Term, set[Term]] = {}
    for sub, sup in pairs:
        direct.setdefault(sub, set()).add(sup)
    closure = {}
    for start in direct:
        seen, todo = {start}, [start]
        while todo:
            fresh = direct.get(todo.pop(), set()) - seen
            seen |= fresh
            todo.extend(fresh)
        closure[start] = frozenset(seen)
    return closure


def _inoculated(ontology: Graph) -> Graph:
    """The ontology triples pyshacl copies into the data graph for ``ont_graph`` (RDFS/OWL axioms)."""
    from pyshacl.rdfutil.inoculate import inoculate

    return inoculate(Graph(), ontology)  # type: ignore[arg-type,no-any-return]


def _default_mixin() -> list[Triple]:
    """The ontology's mixin triples, remembered in the user's cache folder by the ontology's bytes
    and pyshacl's version: computing them imports pyshacl, a quarter of a second."""
    from importlib.metadata import version

    from citybrand_kg.resources import ontology_path

    digest = hashlib.sha256(ontology_path().read_bytes() + version("pyshacl").encode()).hexdigest()[:16]
    name = f"ontology-mixin-{digest}.nt"
    data = usercache.read(name)
    if data is not None:
        try:
            return [(t.subject, t.predicate, t.object) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]  # type: ignore[misc]
        except (SyntaxError, ValueError) as exc:  # rebuilt below
            usercache.unreadable(name, exc)
    mixin = _from_graph(_inoculated(load_ontology()))
    usercache.write(name, ox.serialize([ox.Triple(*t) for t in mixin], format=ox.RdfFormat.N_TRIPLES) or b"")  # type: ignore[arg-type]
    return mixin


@functools.lru_cache(maxsize=1)
def default_validator() -> FastValidator:
    """The project's ``shapes/`` and ontology, compiled once."""
    return FastValidator(load_shapes(), mixin=_default_mixin())


def validate_fast(data: Graph | str | bytes) -> FastReport:
    """Validate a graph (rdflib Graph or N-Triples) against ``shapes/`` as pyshacl would."""
    return default_validator().validate(data)
