"""Writes: refused by default, refused without the token, accepted with both."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pyoxigraph as ox

from tests.serve.live import TOKEN

if TYPE_CHECKING:
    from tests.serve.live import LiveServer

INSERT = 'INSERT DATA { GRAPH <urn:test:g> { <urn:test:s> <urn:test:p> "新值"@zh } }'
ASK = 'ASK { <urn:test:s> <urn:test:p> "新值"@zh }'
AUTH = {"Authorization": f"Bearer {TOKEN}"}
UPDATE = {"Content-Type": "application/sparql-update"}


def ask(client: httpx.Client, server: LiveServer, query: str = ASK) -> bool:
    response = client.get(server.sparql, params={"query": query})
    assert response.status_code == 200, response.text
    return response.json()["boolean"]


def test_update_is_refused_on_a_read_only_server(live: LiveServer, client: httpx.Client) -> None:
    response = client.post(live.sparql, data={"update": INSERT}, headers=AUTH)
    assert response.status_code == 403
    assert "--allow-update" in response.text
    assert not ask(client, live)


def test_update_by_get_is_refused(writable: LiveServer, client: httpx.Client) -> None:
    response = client.get(writable.sparql, params={"update": INSERT}, headers=AUTH)
    assert response.status_code == 400


def test_update_without_or_with_a_wrong_token_is_401(writable: LiveServer, client: httpx.Client) -> None:
    missing = client.post(writable.sparql, content=INSERT, headers=UPDATE)
    wrong = client.post(writable.sparql, content=INSERT, headers={**UPDATE, "Authorization": "Bearer nope"})
    assert missing.status_code == wrong.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert not ask(client, writable)


def test_update_with_the_token_is_applied_and_visible(writable: LiveServer, client: httpx.Client) -> None:
    response = client.post(writable.sparql, content=INSERT, headers={**UPDATE, **AUTH})
    assert response.status_code == 204, response.text
    assert ask(client, writable)
    form = client.post(writable.sparql, data={"update": "CLEAR GRAPH <urn:test:g>"}, headers=AUTH)
    assert form.status_code == 204
    assert not ask(client, writable)


def test_malformed_update_is_400(writable: LiveServer, client: httpx.Client) -> None:
    response = client.post(writable.sparql, content="INSERT DATA { <a> }", headers={**UPDATE, **AUTH})
    assert response.status_code == 400


def test_graph_store_protocol_round_trip(writable: LiveServer, client: httpx.Client) -> None:
    store = writable.url + "store"
    graph = {"graph": "urn:test:uploaded"}
    turtle = '<urn:test:a> <urn:test:label> "上传"@zh .'
    assert client.get(store, params=graph).status_code == 404
    created = client.put(store, params=graph, content=turtle, headers={"Content-Type": "text/turtle", **AUTH})
    assert created.status_code == 201
    fetched = client.get(store, params=graph, headers={"Accept": "application/n-triples"})
    assert fetched.status_code == 200
    assert [t.object.value for t in ox.parse(fetched.content, ox.RdfFormat.N_TRIPLES)] == ["上传"]
    more = '<urn:test:b> <urn:test:label> "追加" .'
    appended = client.post(store, params=graph, content=more, headers={"Content-Type": "text/turtle", **AUTH})
    assert appended.status_code == 204
    fetched = client.get(writable.url + "rdf-graph-store", params=graph)
    assert len(list(ox.parse(fetched.content, ox.RdfFormat.TURTLE))) == 2
    replaced = client.put(store, params=graph, content=more, headers={"Content-Type": "text/turtle", **AUTH})
    assert replaced.status_code == 204
    assert len(list(ox.parse(client.get(store, params=graph).content, ox.RdfFormat.TURTLE))) == 1
    assert client.delete(store, params=graph, headers=AUTH).status_code == 204
    assert client.delete(store, params=graph, headers=AUTH).status_code == 404


def test_graph_store_reads_documents_and_refuses_writes_without_token(
    writable: LiveServer, live: LiveServer, client: httpx.Client
) -> None:
    document = {"graph": "https://w3id.org/citybrand-kg/resource/doc/f842a3659336e2f5"}
    response = client.get(live.url + "store", params=document)
    assert response.status_code == 200
    assert len(list(ox.parse(response.content, ox.RdfFormat.TURTLE))) > 50
    headers = {"Content-Type": "text/turtle"}
    assert client.put(writable.url + "store", params=document, content="", headers=headers).status_code == 401
    assert client.delete(live.url + "store", params=document, headers=AUTH).status_code == 403
    assert client.get(live.url + "store", params=document).status_code == 200


def test_graph_store_reads_the_stored_dataset_not_the_union(live: LiveServer, client: httpx.Client) -> None:
    """Queries see the union as their default graph; the Graph Store returns the stored quads:
    the documents' graphs, the entity graph and an empty default graph."""
    dataset = client.get(live.url + "store", headers={"Accept": "application/n-quads"})
    assert dataset.status_code == 200
    quads = list(ox.parse(dataset.content, ox.RdfFormat.N_QUADS))
    assert len(quads) == 317 and all(not isinstance(quad.graph_name, ox.DefaultGraph) for quad in quads)
    default = client.get(live.url + "store", params={"default": ""}, headers={"Accept": "application/n-triples"})
    assert default.status_code == 200 and default.content.strip() == b""
    stats = client.get(live.url + "api/stats").json()
    assert stats["quads"] == 317


def test_graph_store_rejects_unknown_media_types_and_bad_data(writable: LiveServer, client: httpx.Client) -> None:
    store = writable.url + "store"
    graph = {"graph": "urn:test:bad"}
    unknown = client.put(store, params=graph, content="x", headers={"Content-Type": "image/png", **AUTH})
    assert unknown.status_code == 415
    broken = client.put(store, params=graph, content="<a> <b>", headers={"Content-Type": "text/turtle", **AUTH})
    assert broken.status_code == 400


def test_graph_store_default_graph(writable: LiveServer, client: httpx.Client) -> None:
    store = writable.url + "store"
    turtle = "<urn:test:d> <urn:test:p> <urn:test:o> ."
    posted = client.post(store, params={"default": ""}, content=turtle, headers={"Content-Type": "text/turtle", **AUTH})
    assert posted.status_code == 204
    fetched = client.get(store, params={"default": ""}, headers={"Accept": "application/n-triples"})
    assert "<urn:test:d>" in fetched.text
