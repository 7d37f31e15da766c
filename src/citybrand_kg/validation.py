"""Graph + ``shapes/`` → :class:`ValidationReport` (a result, not an exception).

Two engines give the same verdicts and results (``tests/test_fastshacl.py`` holds them to it):

- ``fast`` (default): :mod:`citybrand_kg.fastshacl`, the subset of SHACL our shapes use, compiled
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
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph
from rdflib.term import Node

from .errors import GraphError
from .namespaces import ontology_path, shapes_dir

if TYPE_CHECKING:
    from .fastshacl import FastReport, FastValidator

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


@functools.lru_cache(maxsize=1)
def load_shapes() -> Graph:
    shapes = Graph()
    for path in sorted(shapes_dir().glob("*.ttl")):
        _parse_turtle(path, shapes)
    return shapes


@functools.lru_cache(maxsize=1)
def load_ontology() -> Graph:
    return _parse_turtle(ontology_path(), Graph())


def _parse_turtle(path: Path, graph: Graph) -> Graph:
    """Turtle into an rdflib graph, parsed by pyoxigraph (twenty times faster than rdflib's parser)."""
    import pyoxigraph as ox

    from .fastshacl import rdflib_term

    try:
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True))
    except (SyntaxError, ValueError, OSError) as exc:
        raise GraphError(f"{path}: cannot be read as Turtle ({exc}).") from exc
    for quad in quads:
        graph.add((rdflib_term(quad.subject), rdflib_term(quad.predicate), rdflib_term(quad.object)))
    return graph


def validate_graph(graph: Graph, engine: str = "fast") -> ValidationReport:
    validator = _fast_validator() if engine == "fast" else None
    if validator is None:
        return _validate_with_pyshacl(graph)
    return _report(validator.validate(graph))


def validate_triples(triples: Sequence[tuple[Node, Node, Node]], ntriples: str) -> ValidationReport:
    """Validate one document's triples, given with their N-Triples text (the batch path: no rdflib
    graph is built unless the fast engine cannot run the shapes)."""
    validator = _fast_validator()
    if validator is None:
        return _validate_with_pyshacl(Graph().parse(data=ntriples, format="nt"))
    return _report(validator.validate_triples(triples, ntriples.encode("utf-8")))


@functools.lru_cache(maxsize=1)
def _fast_validator() -> FastValidator | None:
    """The compiled fast engine, or None (with a warning) when the shapes use what it cannot run;
    decided once per process, so a build that falls back neither recompiles nor warns per document."""
    from .fastshacl import UnsupportedShapeError, default_validator

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


def read_graph(path: Path) -> Graph:
    """Parse a graph file by its suffix; GraphError names the file and the parser's complaint."""
    formats = {".ttl": "turtle", ".nt": "nt", ".n3": "n3", ".jsonld": "json-ld", ".json": "json-ld", ".rdf": "xml", ".xml": "xml", ".trig": "trig", ".nq": "nquads"}
    fmt = formats.get(path.suffix.lower(), "turtle")
    if not path.exists():
        raise GraphError(f"{path}: no such graph file.")
    try:
        if fmt in ("trig", "nquads"):
            from rdflib import Dataset

            dataset = Dataset()
            dataset.parse(path, format=fmt)
            graph = Graph()
            for s, p, o, _g in dataset.quads((None, None, None, None)):
                graph.add((s, p, o))
            return graph
        return Graph().parse(path, format=fmt)
    except Exception as exc:
        raise GraphError(f"{path}: is not valid {fmt} ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__}).") from exc
