"""Join order: the triple patterns of a basic graph pattern, reordered by how many triples they match.

pyoxigraph (0.5) evaluates a basic graph pattern in an order it derives from the shapes of the
patterns, not from the data, and ties go to the written order. So the same join written two ways
can differ threefold: at 100k triples, ``?e :partner ?m . ?m :country ?c . ?c rdfs:label ?l``
counts its 1,622 rows in 5.1 ms, and 3.3 ms when the 820 ``:country`` triples come first.

:func:`reorder` rewrites each run of plain triple patterns in a query's groups, greedily: first the
pattern expected to match the fewest triples, then always the cheapest pattern that shares a
variable with those before it. The estimates come from :class:`PredicateStats` (per predicate:
triples, distinct subjects, distinct objects). A basic graph pattern is a set, and a run is
reordered only within itself, never across ``OPTIONAL``, ``FILTER``, ``BIND``, a nested group
or anything else that is not a triple pattern; so the solutions are the same, in an order SPARQL
leaves open anyway.

Only what the lexer fully understands is rewritten: a run with a property path, a blank-node
property list ``[ ]``, a collection ``( )`` or an unknown token stays as written, and a query
with a character the lexer does not know is returned unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

_TOKEN = re.compile(
    r"""
    (?P<space>\s+|\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
       |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
      (?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^(?:<[^<>"{}|^`\\\x00-\x20]*>|(?:[A-Za-z][\w.-]*)?:[\w:%-]*(?:\.[\w:%-]+)*))?
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<blank>_:[\w-]+(?:\.[\w-]+)*)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w.-]*)?:[\w:%-]*(?:\.[\w:%-]+)*)
  | (?P<number>[+-]?(?:[0-9]*\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+\.[0-9]*[eE][+-]?[0-9]+|[0-9]+(?:[eE][+-]?[0-9]+)?))
  | (?P<word>[A-Za-z_][\w-]*)
  | (?P<punct>[{}()\[\].;,])
  | (?P<operator>\|\||&&|!=|<=|>=|\^\^|[=<>!*/+\-|^?])
    """,
    re.VERBOSE,
)
_TERMS = {"iri", "var", "blank", "pname", "string", "number"}
_LITERAL_WORDS = {"true", "false"}
# Words after which a brace opens a template or data, not a group of patterns.
_TEMPLATES = {"construct", "data", "insert", "delete"}


class Token(NamedTuple):
    kind: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Pattern:
    """One triple pattern, as the texts of its three terms."""

    subject: str
    predicate: str
    object: str

    def text(self) -> str:
        return f"{self.subject} {self.predicate} {self.object}"


@dataclass(frozen=True)
class PredicateStats:
    """How many triples each predicate has, and with how many distinct subjects and objects."""

    triples: int
    by_predicate: Mapping[str, tuple[int, int, int]]

    @classmethod
    def of(cls, store: ox.Store) -> PredicateStats:
        """Counted over the union of the graphs of ``store`` (one query; 0.06 s at 100k triples)."""
        query = (
            "SELECT ?p (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects) "
            "WHERE { ?s ?p ?o } GROUP BY ?p"
        )
        counts: dict[str, tuple[int, int, int]] = {}
        for row in store.query(query, use_default_graph_as_union=True):  # type: ignore[union-attr]
            predicate, triples, subjects, objects = (row[name] for name in ("p", "n", "subjects", "objects"))
            if isinstance(predicate, ox.NamedNode):
                counts[predicate.value] = (int(triples.value), int(subjects.value), int(objects.value))
        return cls(sum(count for count, _, _ in counts.values()), counts)


def reorder(sparql: str, stats: PredicateStats) -> str:
    """``sparql`` with each run of triple patterns in the order cheapest to join (see the module
    docstring); the text itself when nothing changes or the lexer meets something it does not know."""
    try:
        tokens = list(_tokens(sparql))
    except ValueError:
        return sparql
    prefixes = _prefixes(tokens)
    edits: list[tuple[int, int, str]] = []
    for run in _runs(tokens):
        patterns = _patterns(run)
        if patterns is None or len(patterns) < 2:
            continue
        order = _order(patterns, stats, prefixes)
        if order == list(range(len(patterns))):
            continue
        text = " . ".join(patterns[index].text() for index in order)
        if run[-1].text == ".":
            text += " ."
        edits.append((run[0].start, run[-1].end, text))
    for start, end, text in reversed(edits):
        sparql = sparql[:start] + text + sparql[end:]
    return sparql


def _tokens(sparql: str) -> Iterator[Token]:
    """The tokens, without spaces and comments; raises ``ValueError`` at an unknown character."""
    position = 0
    for match in _TOKEN.finditer(sparql):
        start, end = match.span()
        if start != position:
            raise ValueError(f"no token at {position}")
        position = end
        kind = match.lastgroup
        if kind != "space":
            yield Token(kind or "", match.group(), start, end)
    if position != len(sparql):
        raise ValueError(f"no token at {position}")


def _prefixes(tokens: Sequence[Token]) -> dict[str, str]:
    """``PREFIX p: <iri>`` declarations: prefix (with its colon) → namespace."""
    found = {}
    for first, second, third in zip(tokens, tokens[1:], tokens[2:]):
        if first.kind == "word" and first.text.lower() == "prefix" and second.kind == "pname" and third.kind == "iri":
            found[second.text] = third.text[1:-1]
    return found


def _runs(tokens: Sequence[Token]) -> Iterator[list[Token]]:
    """Maximal runs of term and ``. ; ,`` tokens inside pattern groups."""
    patterns: list[bool] = []  # for each open brace: does it open a pattern group?
    run: list[Token] = []
    for index, token in enumerate(tokens):
        if patterns and patterns[-1] and _is_run_token(token):
            if run or token.text != ".":  # a run starts at a term, after any separating dots
                run.append(token)
            continue
        if run:
            yield run
        run = []
        if token.text == "{":
            patterns.append(not _opens_data(tokens, index))
        elif token.text == "}" and patterns:
            patterns.pop()
    if run:
        yield run


def _is_run_token(token: Token) -> bool:
    if token.kind in _TERMS:
        return True
    if token.kind == "word":
        return token.text == "a" or token.text.lower() in _LITERAL_WORDS
    return token.text in {".", ";", ","}


def _opens_data(tokens: Sequence[Token], brace: int) -> bool:
    """Whether the brace at ``brace`` opens a VALUES block (``VALUES ?x {``, ``VALUES (?x ?y) {``),
    a CONSTRUCT template or update data, rather than a group of patterns."""
    before = tokens[brace - 1] if brace else None
    if before is None:
        return False
    if before.kind == "word":
        return before.text.lower() in _TEMPLATES
    if before.kind == "var":
        return brace >= 2 and tokens[brace - 2].text.lower() == "values"
    if before.text == ")":
        opening = brace - 1
        while opening > 0 and tokens[opening].text != "(":
            opening -= 1
        return opening > 0 and tokens[opening - 1].text.lower() == "values"
    return False


def _patterns(run: Sequence[Token]) -> list[Pattern] | None:
    """The triple patterns of a run (``;`` and ``,`` spelled out), or ``None`` if it is not
    exactly a sequence of triples."""
    patterns: list[Pattern] = []
    index = 0
    while index < len(run):
        subject = run[index]
        if not _node(subject):
            return None
        index += 1
        while True:  # predicate-object lists
            if index + 1 >= len(run) or not _verb(run[index]):
                return None
            verb = run[index]
            index += 1
            while True:  # objects
                if index >= len(run) or not _node(run[index]):
                    return None
                patterns.append(Pattern(subject.text, verb.text, run[index].text))
                index += 1
                if index < len(run) and run[index].text == ",":
                    index += 1
                    continue
                break
            if index < len(run) and run[index].text == ";":
                while index < len(run) and run[index].text == ";":
                    index += 1
                if index < len(run) and _verb(run[index]):
                    continue
            break
        if index < len(run):
            if run[index].text != ".":
                return None
            index += 1
    return patterns


def _node(token: Token) -> bool:
    return token.kind in _TERMS or (token.kind == "word" and token.text.lower() in _LITERAL_WORDS)


def _verb(token: Token) -> bool:
    return token.kind in {"iri", "pname", "var"} or token.text == "a"


def _order(patterns: Sequence[Pattern], stats: PredicateStats, prefixes: Mapping[str, str]) -> list[int]:
    """Greedy: the cheapest pattern first, then the cheapest of those sharing a variable with the
    chosen ones (any pattern when none does); ties keep the written order."""
    bound: set[str] = set()
    left = list(range(len(patterns)))
    order: list[int] = []
    while left:
        connected = [index for index in left if bound & _variables(patterns[index])]
        candidates = connected or left
        best = min(candidates, key=lambda index: (_estimate(patterns[index], bound, stats, prefixes), index))
        order.append(best)
        left.remove(best)
        bound |= _variables(patterns[best])
    return order


def _variables(pattern: Pattern) -> set[str]:
    """The pattern's variables and blank nodes (``$x`` is ``?x``)."""
    return {_variable(term) for term in (pattern.subject, pattern.predicate, pattern.object) if term[0] in "?$_"}


def _variable(term: str) -> str:
    return "?" + term[1:] if term[0] == "$" else term


def _bound(term: str, bound: set[str]) -> bool:
    return term[0] not in "?$_" or _variable(term) in bound


def _estimate(pattern: Pattern, bound: set[str], stats: PredicateStats, prefixes: Mapping[str, str]) -> float:
    """Expected matches of ``pattern`` once the variables in ``bound`` have values."""
    subject_bound, object_bound = _bound(pattern.subject, bound), _bound(pattern.object, bound)
    predicate = _iri(pattern.predicate, prefixes)
    if predicate is None:  # a variable, a relative IRI or an undeclared prefix: a guess from the size
        bound_positions = subject_bound + object_bound + (_variable(pattern.predicate) in bound)
        return stats.triples / 10**bound_positions
    triples, subjects, objects = stats.by_predicate.get(predicate, (0, 1, 1))
    estimate = float(triples)
    if subject_bound:
        estimate /= max(subjects, 1)
    if object_bound:
        estimate /= max(objects, 1)
    return estimate


def _iri(term: str, prefixes: Mapping[str, str]) -> str | None:
    if term == "a":
        return RDF_TYPE
    if term.startswith("<"):
        return term[1:-1] if ":" in term else None  # a relative IRI: BASE is not followed
    if term[0] in "?$":
        return None
    prefix, _, local = term.partition(":")
    namespace = prefixes.get(prefix + ":")
    return None if namespace is None else namespace + local
