"""Graph + ``shapes/`` → :class:`ValidationReport` (a result, not an exception).

Two engines give the same verdicts and results (``tests/rdf/test_fastshacl.py`` holds them to it):

- ``fast`` (default): :mod:`citybrand_kg.rdf.fastshacl`, the subset of SHACL our shapes use, compiled
  once, about 20 ms per document graph;
- ``pyshacl``: the reference implementation, about half a second per document graph.

Both read the ontology, so ``sh:class cbo:Organization`` accepts a ``cbo:MediaOutlet``; no
inference is added to the data graph. Should the shapes ever use a construct the fast engine does
not support, it says so when compiling and validation falls back to pyshacl.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from citybrand_kg.errors import GraphError
from citybrand_kg.rdf.files import load_ontology, load_shapes

if TYPE_CHECKING:
    from citybrand_kg.rdf.fastshacl import FastReport, FastValidator, Result

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    graph: Graph
    text: str

    @property
    def violations(self) -> int:
        from rdflib.namespace import SH

        return len(set(self.graph.subjects(SH.resultSeverity, SH.Violation)))


def validate_graph(graph: Graph, engine: str = "fast") -> ValidationReport:
    validator = _fast_validator() if engine == "fast" else None
    if validator is None:
        return _validate_with_pyshacl(graph)
    return _report(validator.validate(graph))


def counted_properties() -> frozenset[URIRef] | None:
    """The properties whose values on a node the shapes count or compare: the pieces of a long
    document keep each node's values of these together. None when the fast engine cannot run the
    shapes (then any property may be)."""
    validator = _fast_validator()
    return None if validator is None else validator.counted


class PieceValidation:
    """A document's graph validated a piece at a time (:mod:`citybrand_kg.rdf.pieces`): each piece's
    own and context triples are validated as a graph, and the results merged. A context node is
    described as fully as in its own piece, so its results there are duplicates, kept once."""

    def __init__(self) -> None:
        self._results: dict[Result, None] = {}
        self._reports: list[ValidationReport] = []  # from pyshacl, when the fast engine cannot run
        self._pieces = 0

    def add(self, triples: Sequence[tuple[Node, Node, Node]], ntriples: list[bytes]) -> None:
        """Validate one piece, given as its triples and their N-Triples text (in parts: its own
        triples', which are also written out, and its context's)."""
        validator = _fast_validator()
        if validator is None:
            self._reports.append(_validate_with_pyshacl(Graph().parse(data=b"".join(ntriples), format="nt")))
            return
        if self._pieces:  # a long document: its pieces share few terms, let the memos of the last go
            from citybrand_kg.rdf.fastshacl import forget_terms

            forget_terms()
        self._pieces += 1
        self._results.update(dict.fromkeys(validator.validate_triples(triples, ntriples).results))

    def report(self) -> ValidationReport:
        if self._reports:
            return _merged(self._reports)
        from citybrand_kg.rdf.fastshacl import ALLOWED, FastReport, default_validator

        results = list(self._results)
        return _report(FastReport(all(r.severity in ALLOWED for r in results), results, default_validator().shapes_graph))


def _merged(reports: list[ValidationReport]) -> ValidationReport:
    """pyshacl's reports of the pieces as one report (a result about a node that several pieces
    hold is listed once for each)."""
    if len(reports) == 1:
        return reports[0]
    from rdflib import BNode
    from rdflib.namespace import RDF, SH

    graph, report = Graph(), BNode()
    conforms = all(r.conforms for r in reports)
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(conforms)))
    for part in reports:
        for triple in part.graph:
            if triple[1] == SH.result:
                graph.add((report, SH.result, triple[2]))
            elif triple[1] != SH.conforms and triple[2] != SH.ValidationReport:
                graph.add(triple)
    return ValidationReport(conforms=conforms, graph=graph, text="\n".join(r.text for r in reports))


@functools.lru_cache(maxsize=1)
def _fast_validator() -> FastValidator | None:
    """The compiled fast engine, or None (with a warning) when the shapes use what it cannot run;
    decided once per process, so a build that falls back neither recompiles nor warns per document."""
    from citybrand_kg.rdf.fastshacl import UnsupportedShapeError, default_validator

    try:
        return default_validator()
    except UnsupportedShapeError as exc:
        log.warning("falling back to pyshacl: %s", exc)
        return None


def _report(report: FastReport) -> ValidationReport:
    return ValidationReport(conforms=report.conforms, graph=report.to_rdf(), text=_summary(report.results))


def _summary(results: list) -> str:
    lines = [f"Conforms: {not results}", f"Results ({len(results)}):"]
    for result in results:
        message = next((str(m) for m in result.messages if getattr(m, "language", None) == "en"), str(result.messages[0]) if result.messages else "")
        lines.append(f"  {result.focus} {result.path or ''}: {message}")
    return "\n".join(lines)


def _validate_with_pyshacl(graph: Graph) -> ValidationReport:
    from pyshacl import validate

    conforms, report_graph, report_text = validate(
        graph,
        shacl_graph=load_shapes(),
        ont_graph=load_ontology(),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    if not isinstance(report_graph, Graph):  # pyshacl could not run the shapes at all
        raise GraphError(f"the shapes could not be applied: {report_text}")
    return ValidationReport(conforms=bool(conforms), graph=report_graph, text=str(report_text))
