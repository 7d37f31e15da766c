"""Extraction quality on the seed reply, asserted against hand-made gold (tests/gold/seed.json)."""

from __future__ import annotations

import json
from pathlib import Path

from citybrand_kg.evaluation import evaluate, render_scores

GOLD = json.loads((Path(__file__).parents[1] / "gold" / "seed.json").read_text(encoding="utf-8"))


def test_seed_entity_f1(seed_graph) -> None:
    result = evaluate(seed_graph, GOLD)
    assert result.entities["all"].f1 >= 0.95, render_scores(result)


def test_seed_relation_f1(seed_graph) -> None:
    result = evaluate(seed_graph, GOLD)
    assert result.relations["all"].f1 >= 0.85, render_scores(result)


def test_evaluation_can_fail() -> None:
    """The scorer is not vacuous: an empty graph scores zero against the seed gold."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS

    from citybrand_kg.rdf.namespaces import NIF

    graph = Graph()
    doc = URIRef("https://example.org/doc")
    graph.add((doc, NIF.isString, Literal("x")))
    graph.add((doc, DCTERMS.source, Literal(GOLD["documents"][0])))
    result = evaluate(graph, GOLD)
    assert result.entities["all"].f1 == 0.0
    assert result.relations["all"].recall == 0.0
    assert len(result.missed_entities) == len(GOLD["entities"])


def test_relation_groups_split_all(seed_graph) -> None:
    """The letter's own facts and the relations between things are two halves of all relations."""
    result = evaluate(seed_graph, GOLD)
    things, letter, everything = result.relations["things"], result.relations["letter"], result.relations["all"]
    assert things.gold and letter.gold
    assert (things.tp + letter.tp, things.predicted + letter.predicted, things.gold + letter.gold) == (everything.tp, everything.predicted, everything.gold)
