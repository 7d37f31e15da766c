"""Graph files into rdflib graphs, and the project's ontology and shapes.

    read_graph(path) -> Graph      every triple of the file, named graphs merged
    read_dataset(path) -> Dataset  the file's named graphs kept

The parsing is :func:`citybrand_kg.rdf.syntaxes.read_quads` (pyoxigraph, the format by suffix);
this module converts its quads to rdflib terms for the commands that work on rdflib graphs.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.term import IdentifiedNode, Node

from citybrand_kg.rdf.syntaxes import read_quads
from citybrand_kg.rdf.terms import rdflib_term
from citybrand_kg.resources import ontology_path, shapes_dir


def read_graph(path: Path) -> Graph:
    """Every triple of a graph file in one rdflib graph (named graphs merged)."""
    graph = Graph()
    add = graph.add
    for quad in read_quads(path):
        add(_triple(quad))
    return graph


def read_dataset(path: Path) -> Dataset:
    """A graph file as an rdflib dataset: quads keep their named graph, triples the default one."""
    dataset = Dataset()
    graphs: dict[ox.NamedNode | ox.BlankNode, Graph] = {}
    for quad in read_quads(path):
        triple = _triple(quad)
        name = quad.graph_name
        if isinstance(name, ox.DefaultGraph):
            dataset.default_graph.add(triple)
            continue
        if name not in graphs:
            graphs[name] = dataset.graph(cast(IdentifiedNode, rdflib_term(name)))
        graphs[name].add(triple)
    return dataset


def _triple(quad: ox.Quad) -> tuple[Node, Node, Node]:
    # RDF 1.2 quoted triples are not terms of this project's graphs; rdflib_term rejects them.
    return (rdflib_term(quad.subject), rdflib_term(quad.predicate), rdflib_term(quad.object))  # type: ignore[arg-type]


@functools.lru_cache(maxsize=1)
def load_shapes() -> Graph:
    shapes = Graph()
    for path in sorted(shapes_dir().glob("*.ttl")):
        shapes += read_graph(path)
    return shapes


@functools.lru_cache(maxsize=1)
def load_ontology() -> Graph:
    return read_graph(ontology_path())
