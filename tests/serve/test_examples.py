"""Every example query parses and finds rows in the fixture graph; the page and its assets load."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pyoxigraph as ox
import pytest

from citybrand_kg.serve.examples import ENTITY_FACTS_QUERY, ENTITY_SOURCES_QUERY, EXAMPLES, NETWORK_QUERY
from tests.serve.live import GRAPH

if TYPE_CHECKING:
    from tests.serve.live import LiveServer

EVENT = "https://w3id.org/citybrand-kg/resource/event/hangzhou-culture-week"


def rows(server: LiveServer, client: httpx.Client, query: str) -> list[dict]:
    response = client.post(server.sparql, data={"query": query})
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.key)
def test_example_finds_rows(live: LiveServer, client: httpx.Client, example) -> None:
    assert rows(live, client, example.sparql), example.key


def test_page_templates_find_rows(live: LiveServer, client: httpx.Client) -> None:
    assert len(rows(live, client, NETWORK_QUERY)) >= 10
    assert rows(live, client, ENTITY_FACTS_QUERY.replace("{iri}", EVENT))
    sources = rows(live, client, ENTITY_SOURCES_QUERY.replace("{iri}", EVENT))
    assert any("杭州文化周" in row["text"]["value"] for row in sources)


def test_the_network_rows_do_not_depend_on_the_order_the_store_holds_them_in() -> None:
    """The page lays the network out in the order of these rows: the same graph loaded in
    another order must give the same rows in the same order."""
    triples = sorted({quad.triple for quad in ox.parse(path=str(GRAPH), format=ox.RdfFormat.TRIG)}, key=str)
    found = []
    for ordered in (triples, triples[::-1]):
        store = ox.Store()
        store.extend(ox.Quad(*triple) for triple in ordered)
        found.append([tuple(str(term) for term in row) for row in store.query(NETWORK_QUERY)])
    assert len(found[0]) >= 10
    assert found[0] == found[1]


@pytest.mark.parametrize("path", ["", "static/app.js", "static/network.js", "static/network.css", "static/style.css",
                                  "static/favicon.svg", "api/catalogue", "api/stats"])
def test_page_and_assets_are_served_locally(live: LiveServer, client: httpx.Client, path: str) -> None:
    response = client.get(live.url + path)
    assert response.status_code == 200
    assert "cdn" not in response.text.lower() or path.startswith("api")
