"""SPARQL 1.1 Protocol over real HTTP: operations, formats, datasets, status codes, CORS."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

import httpx
import pyoxigraph as ox
import pytest

if TYPE_CHECKING:
    from tests.serve.live import LiveServer

CBO = "https://w3id.org/citybrand-kg/ontology#"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
DOC_REPLY = "https://w3id.org/citybrand-kg/resource/doc/f842a3659336e2f5"
DOC_SUMMIT = "https://w3id.org/citybrand-kg/resource/doc/51fa8dbc54aab708"
ENTITIES = "https://w3id.org/citybrand-kg/resource/graph/entities"
EVENTS = f"SELECT ?e ?label WHERE {{ ?e a <{CBO}Event> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }} ORDER BY ?label"
DOCUMENTS = f"SELECT ?d WHERE {{ ?d a <{NIF}Context> }}"


def bindings(response: httpx.Response) -> list[dict]:
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


def test_get_query_answers_json_by_default(live: LiveServer, client: httpx.Client) -> None:
    response = client.get(live.sparql, params={"query": EVENTS})
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    labels = {row["label"]["value"] for row in bindings(response)}
    assert {"杭州文化周", "第三届海外华文新媒体高峰论坛"} <= labels


def test_post_form_and_post_direct_give_the_same_rows(live: LiveServer, client: httpx.Client) -> None:
    by_get = bindings(client.get(live.sparql, params={"query": EVENTS}))
    by_form = bindings(client.post(live.sparql, data={"query": EVENTS}))
    direct = client.post(live.sparql, content=EVENTS.encode(), headers={"Content-Type": "application/sparql-query"})
    assert by_get == by_form == bindings(direct)


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ],
)
def test_select_results_in_each_format(live: LiveServer, client: httpx.Client, accept: str, fmt) -> None:
    response = client.get(live.sparql, params={"query": EVENTS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    solutions = list(ox.parse_query_results(response.content, fmt))
    assert {solution["label"].value for solution in solutions} >= {"杭州文化周"}


def test_select_results_as_csv(live: LiveServer, client: httpx.Client) -> None:
    response = client.get(live.sparql, params={"query": EVENTS}, headers={"Accept": "text/csv"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["e", "label"]
    assert ["https://w3id.org/citybrand-kg/resource/event/hangzhou-culture-week", "杭州文化周"] in rows


def test_accept_with_quality_values_picks_the_preferred_format(live: LiveServer, client: httpx.Client) -> None:
    accept = "application/sparql-results+json;q=0.5, text/csv;q=0.9, */*;q=0.1"
    response = client.get(live.sparql, params={"query": EVENTS}, headers={"Accept": accept})
    assert response.headers["content-type"].startswith("text/csv")


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask(live: LiveServer, client: httpx.Client, accept: str) -> None:
    query = f"ASK {{ ?e a <{CBO}BrandLabel> }}"
    response = client.get(live.sparql, params={"query": query}, headers={"Accept": accept})
    fmt = ox.QueryResultsFormat.JSON if "json" in accept else ox.QueryResultsFormat.XML
    assert bool(ox.parse_query_results(response.content, fmt)) is True


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
    ],
)
def test_construct_and_describe_as_rdf(live: LiveServer, client: httpx.Client, accept: str, fmt) -> None:
    construct = f"CONSTRUCT {{ ?e ?p ?o }} WHERE {{ ?e a <{CBO}Event> ; ?p ?o }}"
    describe = "DESCRIBE <https://w3id.org/citybrand-kg/resource/brand/mobile-payment-city>"
    for query in (construct, describe):
        response = client.get(live.sparql, params={"query": query}, headers={"Accept": accept})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(accept)
        triples = list(ox.parse(response.content, fmt))
        assert triples, query


def test_construct_defaults_to_turtle(live: LiveServer, client: httpx.Client) -> None:
    response = client.get(live.sparql, params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3"})
    assert response.headers["content-type"].startswith("text/turtle")
    assert len(list(ox.parse(response.content, ox.RdfFormat.TURTLE))) == 3


def test_default_graph_is_the_union_of_document_graphs(live: LiveServer, client: httpx.Client) -> None:
    documents = {row["d"]["value"] for row in bindings(client.get(live.sparql, params={"query": DOCUMENTS}))}
    assert documents == {DOC_REPLY, DOC_SUMMIT}


def test_union_counts_a_fact_both_documents_share_once(live: LiveServer, client: httpx.Client) -> None:
    """Both documents mention Hangzhou; its labels are stored once (in the entity graph) and count
    once in the union."""
    label = "<https://w3id.org/citybrand-kg/resource/place/Q4970> <http://www.w3.org/2000/01/rdf-schema#label> ?l"
    union = f"SELECT (COUNT(*) AS ?n) WHERE {{ {label} }}"
    distinct = f"SELECT (COUNT(DISTINCT ?l) AS ?n) WHERE {{ GRAPH ?g {{ {label} }} }}"
    per_graph = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {label} }} }}"
    counts = [int(bindings(client.get(live.sparql, params={"query": query}))[0]["n"]["value"])
              for query in (union, distinct, per_graph)]
    assert counts[0] == counts[1] == counts[2] >= 1
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    totals = {int(bindings(client.get(live.sparql, params={"query": query}))[0]["n"]["value"]) for query in (everything, distinct)}
    assert totals == {client.get(live.url + "api/stats").json()["quads"]}


def test_default_graph_uri_restricts_the_default_graph(live: LiveServer, client: httpx.Client) -> None:
    params = {"query": DOCUMENTS, "default-graph-uri": DOC_SUMMIT}
    documents = {row["d"]["value"] for row in bindings(client.get(live.sparql, params=params))}
    assert documents == {DOC_SUMMIT}


def test_several_default_graph_uris_make_their_merge_the_default_graph(live: LiveServer, client: httpx.Client) -> None:
    label = "<https://w3id.org/citybrand-kg/resource/place/Q4970> <http://www.w3.org/2000/01/rdf-schema#label> ?l"
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {label} }}"
    union = bindings(client.get(live.sparql, params={"query": query}))[0]["n"]["value"]
    params = [("query", query), ("default-graph-uri", DOC_REPLY), ("default-graph-uri", ENTITIES)]
    assert bindings(client.get(live.sparql, params=params))[0]["n"]["value"] == union
    params = [("query", query), ("default-graph-uri", DOC_REPLY), ("default-graph-uri", DOC_SUMMIT)]
    assert bindings(client.get(live.sparql, params=params))[0]["n"]["value"] == "0"  # not in the documents' graphs
    graphs = [("query", "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"), ("default-graph-uri", DOC_REPLY)]
    assert bindings(client.get(live.sparql, params=graphs)) == []  # as FROM: no named graphs


def test_named_graph_uri_restricts_graph_patterns(live: LiveServer, client: httpx.Client) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    everything = {row["g"]["value"] for row in bindings(client.get(live.sparql, params={"query": query}))}
    assert everything == {DOC_REPLY, DOC_SUMMIT, ENTITIES}
    params = {"query": query, "named-graph-uri": DOC_REPLY}
    assert {row["g"]["value"] for row in bindings(client.get(live.sparql, params=params))} == {DOC_REPLY}


def test_from_clause_in_the_query_is_honoured(live: LiveServer, client: httpx.Client) -> None:
    query = f"SELECT ?d FROM <{DOC_REPLY}> WHERE {{ ?d a <{NIF}Context> }}"
    assert {row["d"]["value"] for row in bindings(client.get(live.sparql, params={"query": query}))} == {DOC_REPLY}


def test_service_description(live: LiveServer, client: httpx.Client) -> None:
    response = client.get(live.sparql)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(response.content, ox.RdfFormat.TURTLE))
    endpoints = [t.object.value for t in triples if t.predicate.value.endswith("#endpoint")]
    assert endpoints == [live.sparql]
    features = {t.object.value for t in triples if t.predicate.value.endswith("#feature")}
    assert "http://www.w3.org/ns/sparql-service-description#UnionDefaultGraph" in features


def test_browser_visiting_the_endpoint_is_sent_to_the_page(live: LiveServer, client: httpx.Client) -> None:
    response = client.get(live.sparql, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_cors_headers_and_preflight(live: LiveServer, client: httpx.Client) -> None:
    origin = {"Origin": "https://yasgui.example"}
    response = client.get(live.sparql, params={"query": EVENTS}, headers=origin)
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        live.sparql,
        headers={**origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_malformed_query_is_400_with_the_parser_message(live: LiveServer, client: httpx.Client) -> None:
    response = client.get(live.sparql, params={"query": "SELECT ?x WHERE { ?x ?p }"})
    assert response.status_code == 400
    assert "error at 1:" in response.text


def test_unacceptable_format_is_406(live: LiveServer, client: httpx.Client) -> None:
    response = client.get(live.sparql, params={"query": EVENTS}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    describe = client.get(live.sparql, params={"query": "DESCRIBE <x:y>"}, headers={"Accept": "text/csv"})
    assert describe.status_code == 406


def test_oversized_request_is_413(live: LiveServer, client: httpx.Client) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 30_000
    response = client.post(live.sparql, content=query, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413


def test_overlong_query_string_is_414(live: LiveServer, client: httpx.Client) -> None:
    response = client.get(live.sparql, params={"query": "ASK {} #" + "x" * 30_000})
    assert response.status_code == 414


def test_unsupported_content_type_is_415(live: LiveServer, client: httpx.Client) -> None:
    response = client.post(live.sparql, content=EVENTS, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


def test_two_queries_in_one_request_are_400(live: LiveServer, client: httpx.Client) -> None:
    response = client.get(live.sparql, params=[("query", EVENTS), ("query", EVENTS)])
    assert response.status_code == 400


def test_service_clause_is_refused(live: LiveServer, client: httpx.Client) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    response = client.get(live.sparql, params={"query": query})
    assert response.status_code == 400
    assert "SERVICE" in response.text
    literal = client.get(live.sparql, params={"query": 'SELECT ("SERVICE" AS ?x) WHERE {}'})
    assert literal.status_code == 200


def test_row_cap_truncates_and_says_so(live: LiveServer, client: httpx.Client) -> None:
    response = client.get(live.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert len(bindings(response)) == 20
    assert response.headers["x-sparql-truncated"] == "true"
    assert response.headers["x-sparql-max-rows"] == "20"
    small = client.get(live.sparql, params={"query": EVENTS})
    assert "x-sparql-truncated" not in small.headers


def test_results_are_json_parsable_with_chinese_text(live: LiveServer, client: httpx.Client) -> None:
    response = client.get(live.sparql, params={"query": EVENTS})
    document = json.loads(response.content.decode("utf-8"))
    assert document["head"]["vars"] == ["e", "label"]


def test_a_result_larger_than_the_pipe_buffers_arrives_whole(live: LiveServer, client: httpx.Client) -> None:
    # One row holding a 2.6 MB string: the worker's answer takes many reads of its socket.
    doublings = " ".join(f"BIND(CONCAT(?s{step}, ?s{step}) AS ?s{step + 1})" for step in range(18))
    query = f'SELECT ?s18 (STRLEN(?s18) AS ?n) WHERE {{ BIND("0123456789" AS ?s0) {doublings} }}'
    for _ in range(3):
        (row,) = bindings(client.get(live.sparql, params={"query": query}))
        assert int(row["n"]["value"]) == len(row["s18"]["value"]) == 10 * 2**18
