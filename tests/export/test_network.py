"""The actor–event projection and the network report."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph

from citybrand_kg.export.network import PREDICATES, analyze, format_report, project
from tests.kg_samples import mini_graph

CBR = "https://w3id.org/citybrand-kg/resource/"


def test_projection_keeps_actors_events_and_brand_labels() -> None:
    network = project(mini_graph())
    kinds = {data["cls"]: data["kind"] for _, data in network.nodes(data=True)}
    assert kinds["Event"] == "event" and kinds["MediaOutlet"] == "actor" and kinds["BrandLabel"] == "brand"
    assert not {"Reply", "Document", "Proposal", "Quantity"} & set(kinds)
    names = {p.rsplit("#", 1)[1] for p in PREDICATES}
    for _, _, data in network.edges(data=True):
        assert set(data["predicates"].split(",")) <= names and data["weight"] >= 1
    assert network.has_edge(CBR + "brand/yidong-zhifu-zhi-cheng", CBR + "place/Q4970")  # brandOf


def test_report_on_the_fixture() -> None:
    report = analyze(mini_graph())
    assert report.degree[0].label == "杭州" and report.betweenness[0].label == "杭州"
    members = [label for community in report.communities for label in community.members]
    assert len(members) == len(set(members)) == sum(c.size for c in report.communities)
    assert {"新华社", "人民日报海外版"} == {r.label for r in report.media_partners}
    assert {"美国", "德国"} == {r.label for r in report.countries}
    carried = {b.brand: b.events for b in report.brand_events}
    assert carried["创新活力之城"] == ("创新活力之城主题外宣活动",)


def test_table_and_json_renderings() -> None:
    report = analyze(mini_graph())
    table = format_report(report, "table")
    for title in ("Degree centrality", "Betweenness centrality", "Communities", "Top media partners",
                  "Countries reached", "Events per brand label"):
        assert title in table
    assert "杭州" in table
    data = json.loads(format_report(report, "json"))
    assert data["nodes"] == report.nodes and data["degree"][0]["label"] == "杭州"
    with pytest.raises(ValueError):
        format_report(report, "xml")


def test_report_on_the_seed_graph(seed_graph: Graph) -> None:
    report = analyze(seed_graph)
    assert report.nodes > 10 and report.edges > 5 and report.events > 0
    assert report.degree and report.communities
    assert "Degree centrality" in format_report(report)
