"""Graph files into rdflib graphs: any serialisation by its suffix, and the project's ontology and shapes."""

from __future__ import annotations

import functools
from pathlib import Path

from rdflib import Graph

from citybrand_kg.errors import GraphError
from citybrand_kg.rdf.terms import rdflib_term
from citybrand_kg.resources import ontology_path, shapes_dir


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

    try:
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True))
    except (SyntaxError, ValueError, OSError) as exc:
        raise GraphError(f"{path}: cannot be read as Turtle ({exc}).") from exc
    for quad in quads:
        graph.add((rdflib_term(quad.subject), rdflib_term(quad.predicate), rdflib_term(quad.object)))
    return graph


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
