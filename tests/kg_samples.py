"""Graphs the export, loading, network and picture tests share.

``mini_graph.ttl`` is a hand-written graph in the layout of ``ontology/README.md``: a reply and a
short report (two documents), events, places, media, a platform and an account, brand labels,
quantities, NIF sentences and mentions, assertions, English labels and altLabels. The seed graph
is built once per test session (``seed_build`` in ``conftest.py``).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

TESTS = Path(__file__).parent
MINI_GRAPH = TESTS / "fixtures" / "mini_graph.ttl"
ARTIFACTS = TESTS.parent / "test-artifacts"
DOCUMENTS = (
    "https://w3id.org/citybrand-kg/resource/doc/2c9e42a04d5cd34d",
    "https://w3id.org/citybrand-kg/resource/doc/32676c6a002a9b16",
)


def mini_graph() -> Graph:
    graph = Graph()
    graph.parse(MINI_GRAPH, format="turtle")
    return graph


def artifact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
