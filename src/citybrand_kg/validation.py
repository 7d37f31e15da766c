"""Graph + ``shapes/`` → :class:`ValidationReport` (a result, not an exception).

pyshacl runs with the ontology as its ontology graph, so ``sh:class cbo:Organization`` accepts a
``cbo:MediaOutlet``; no inference is added to the data graph.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from .errors import GraphError
from .namespaces import ontology_path, shapes_dir


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
        shapes.parse(path, format="turtle")
    return shapes


@functools.lru_cache(maxsize=1)
def load_ontology() -> Graph:
    return Graph().parse(ontology_path(), format="turtle")


def validate_graph(graph: Graph) -> ValidationReport:
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
