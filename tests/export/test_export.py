"""Every export format parses back with the same entities, relations and language tags."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic
from rdflib.namespace import RDFS, SKOS

from citybrand_kg.errors import UsageError
from citybrand_kg.export.formats import FORMATS, SUFFIXES, export_graph
from citybrand_kg.export.jsonld import CONTEXT_URL, published_context
from citybrand_kg.export.tables import entity_rows, relation_rows
from citybrand_kg.rdf.named_graphs import split_by_document
from tests.kg_samples import DOCUMENTS, MINI_GRAPH, mini_graph

CBO = "https://w3id.org/citybrand-kg/ontology#"
CBR = "https://w3id.org/citybrand-kg/resource/"
ENTITIES = CBR + "graph/entities"


@pytest.fixture(scope="module")
def seed_ttl(seed_build) -> Path:
    return seed_build.outputs["graph"]


@pytest.fixture(params=["mini", "seed"])
def source(request: pytest.FixtureRequest) -> Path:
    return MINI_GRAPH if request.param == "mini" else request.getfixturevalue("seed_ttl")


def parse(path: Path, fmt: str) -> Graph:
    graph = Graph()
    graph.parse(path, format=fmt)
    return graph


def language_tags(graph: Graph) -> set[tuple[str, str]]:
    return {(str(o), o.language or "") for p in (RDFS.label, SKOS.altLabel) for o in graph.objects(None, p)
            if isinstance(o, Literal)}


def counts(graph: Graph) -> tuple[int, int]:
    return len(entity_rows(graph)), len(relation_rows(graph))


def assert_same(expected: Graph, actual: Graph) -> None:
    if not isomorphic(expected, actual):
        _, missing, extra = graph_diff(expected, actual)
        raise AssertionError(
            f"graphs differ: missing {sorted(missing)[:5]} … extra {sorted(extra)[:5]} …")


@pytest.mark.parametrize("fmt,parser", [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")])
def test_single_graph_formats_round_trip(source: Path, fmt: str, parser: str, tmp_path: Path) -> None:
    original = parse(source, "turtle")
    [written] = export_graph(source, fmt, tmp_path / f"out{SUFFIXES[fmt]}")
    back = parse(written, parser)
    assert_same(original, back)
    assert counts(back) == counts(original)
    assert language_tags(back) == language_tags(original)


@pytest.mark.parametrize("fmt,parser", [("nquads", "nquads"), ("trig", "trig")])
def test_quad_formats_have_one_graph_per_document_and_one_for_the_entities(fmt: str, parser: str, tmp_path: Path) -> None:
    [written] = export_graph(MINI_GRAPH, fmt, tmp_path / f"out{SUFFIXES[fmt]}")
    dataset = Dataset()
    dataset.parse(written, format=parser)
    named = {str(g.identifier): g for g in dataset.graphs() if len(g) and g.identifier != dataset.default_graph.identifier}
    assert sorted(named) == [*DOCUMENTS, ENTITIES]
    union = Graph()
    for graph in dataset.graphs():
        union += graph
    original = mini_graph()
    assert_same(original, union)
    assert sum(len(graph) for graph in dataset.graphs()) == len(original)  # each triple in one graph
    assert language_tags(union) == language_tags(original)
    xinhua = URIRef(CBR + "media/xinhuashe")  # mentioned in both documents: described once
    assert (xinhua, RDFS.label, Literal("新华社", lang="zh")) in named[ENTITIES]
    for name in DOCUMENTS:
        assert (xinhua, None, None) not in named[name]
        assert (URIRef(name), URIRef("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#isString"),
                None) in named[name]


def test_quad_formats_of_the_seed_graph_round_trip(seed_ttl: Path, tmp_path: Path) -> None:
    original = parse(seed_ttl, "turtle")
    for fmt, parser in (("nquads", "nquads"), ("trig", "trig")):
        [written] = export_graph(seed_ttl, fmt, tmp_path / f"out{SUFFIXES[fmt]}")
        dataset = Dataset()
        dataset.parse(written, format=parser)
        union = Graph()
        for graph in dataset.graphs():
            union += graph
        assert_same(original, union)
        assert counts(union) == counts(original)


def test_split_follows_the_documented_rules() -> None:
    parts = {str(p.name): p.graph for p in split_by_document(mini_graph())}
    assert sorted(parts) == [*DOCUMENTS, ENTITIES]
    reply, report, entities = parts[DOCUMENTS[0]], parts[DOCUMENTS[1]], parts[ENTITIES]
    tour, hangzhou = URIRef(CBR + "event/yayun-chengshi-xing"), URIRef(CBR + "place/Q4970")
    location = URIRef(CBO + "location")
    assert (tour, location, hangzhou) in entities and (hangzhou, RDFS.label, Literal("杭州", lang="zh")) in entities
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    said = {(s, o) for a in report.subjects(URIRef(rdf + "predicate"), location)
            for s in report.objects(a, URIRef(rdf + "subject")) for o in report.objects(a, URIRef(rdf + "object"))}
    assert (tour, hangzhou) in said  # which document said it: through its assertion
    assert all((hangzhou, None, None) not in graph for graph in (reply, report))
    proposal = URIRef(CBR + "proposal/hangzhou-shi-zhengxie-292")
    assert (proposal, URIRef(CBO + "submittedTo"), None) in entities
    assert sum(map(len, parts.values())) == len(mini_graph())


def test_jsonld_uses_the_published_context(tmp_path: Path) -> None:
    [written] = export_graph(MINI_GRAPH, "jsonld", tmp_path / "out.jsonld")
    document = json.loads(written.read_text(encoding="utf-8"))
    assert document["@context"] == published_context()
    xinhua = next(node for node in document["@graph"] if node["@id"] == "cbr:media/xinhuashe")
    assert xinhua["@type"] == "cbo:MediaOutlet"
    assert xinhua["label"] == {"en": "Xinhua News Agency", "zh": "新华社"}
    assert xinhua["altLabel"] == {"en": "Xinhua", "zh": "新华通讯社"}
    [by_url] = export_graph(MINI_GRAPH, "jsonld", tmp_path / "url.jsonld", context_url=CONTEXT_URL)
    assert json.loads(by_url.read_text(encoding="utf-8"))["@context"] == CONTEXT_URL


def test_graphml_opens_with_labels(source: Path, tmp_path: Path) -> None:
    original = parse(source, "turtle")
    [written] = export_graph(source, "graphml", tmp_path / "out.graphml")
    network = nx.read_graphml(written)
    assert (network.number_of_nodes(), network.number_of_edges()) == counts(original)
    text = written.read_text(encoding="utf-8")
    assert 'attr.name="label"' in text and "y:" not in text
    labels = {row.iri: row.label for row in entity_rows(original)}
    for node, data in network.nodes(data=True):
        assert data["label"] == labels[node] and data["class"]
        assert all(isinstance(v, (str, int, float, bool)) for v in data.values())
    assert {data["label"] for _, _, data in network.edges(data=True)} <= {
        r.name for r in relation_rows(original)}


def test_graphml_keeps_english_labels_and_types(tmp_path: Path) -> None:
    [written] = export_graph(MINI_GRAPH, "graphml", tmp_path / "out.graphml")
    network = nx.read_graphml(written)
    xinhua = network.nodes[CBR + "media/xinhuashe"]
    assert (xinhua["label"], xinhua["label_en"], xinhua["class"]) == ("新华社", "Xinhua News Agency", "MediaOutlet")
    quantity = next(d for _, d in network.nodes(data=True) if d.get("label") == "540余家")
    assert quantity["value"] == 540.0 and quantity["approximate"] is True


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def test_neo4j_files_have_typed_headers(source: Path, tmp_path: Path) -> None:
    original = parse(source, "turtle")
    files = {p.name: p for p in export_graph(source, "neo4j", tmp_path / "neo4j")}
    assert sorted(files) == ["import.cypher", "nodes.csv", "relationships.csv"]
    node_header, nodes = read_csv(files["nodes.csv"])
    edge_header, edges = read_csv(files["relationships.csv"])
    assert node_header[:5] == ["iri:ID", ":LABEL", "class:string", "label_zh:string", "label_en:string"]
    assert edge_header[:3] == [":START_ID", ":END_ID", ":TYPE"]
    for column in node_header + edge_header:
        kind = column.partition(":")[2]
        assert kind in ("ID", "LABEL", "START_ID", "END_ID", "TYPE", "string", "string[]", "double", "boolean")
    assert (len(nodes), len(edges)) == counts(original)
    ids = {row[0] for row in nodes}
    assert all(row[0] in ids and row[1] in ids for row in edges)
    assert all(row[1].split(";")[0] == "Entity" for row in nodes)
    script = files["import.cypher"].read_text(encoding="utf-8")
    assert script.count("MERGE (n:Entity") >= 1 and all(f'"{iri}"' in script for iri in ids)
    assert script.count("[") == script.count("]") and script.count("{") == script.count("}")


def test_neo4j_keeps_language_tags_as_columns(tmp_path: Path) -> None:
    files = {p.name: p for p in export_graph(MINI_GRAPH, "neo4j", tmp_path / "neo4j")}
    header, nodes = read_csv(files["nodes.csv"])
    xinhua = dict(zip(header, next(row for row in nodes if row[0] == CBR + "media/xinhuashe")))
    assert xinhua["label_zh:string"] == "新华社" and xinhua["label_en:string"] == "Xinhua News Agency"
    assert xinhua["alt_labels_zh:string[]"] == "新华通讯社" and xinhua["alt_labels_en:string[]"] == "Xinhua"
    assert xinhua[":LABEL"] == "Entity;MediaOutlet;Organization"
    _, edges = read_csv(files["relationships.csv"])
    assert {"BRAND_OF", "LOCATION", "PARTNER", "ORGANIZER", "PLATFORM", "COUNTRY"} <= {row[2] for row in edges}


def test_csv_tables(source: Path, tmp_path: Path) -> None:
    original = parse(source, "turtle")
    files = {p.name: p for p in export_graph(source, "csv", tmp_path / "tables")}
    entity_header, entities = read_csv(files["entities.csv"])
    relation_header, relations = read_csv(files["relations.csv"])
    assert entity_header[:4] == ["iri", "class", "label_zh", "label_en"]
    assert relation_header[:5] == ["subject", "subject_label", "predicate", "object", "object_label"]
    assert (len(entities), len(relations)) == counts(original)


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_is_deterministic_and_written_atomically(fmt: str, tmp_path: Path) -> None:
    triples = list(mini_graph())
    random.Random(5).shuffle(triples)
    shuffled = Graph()
    for triple in triples:
        shuffled.add(triple)
    out = lambda name: tmp_path / name / f"out{SUFFIXES.get(fmt, '')}"
    first = export_graph(MINI_GRAPH, fmt, out("a"))
    second = export_graph(shuffled, fmt, out("b"))
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    leftovers = [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown export format"):
        export_graph(MINI_GRAPH, "excel", tmp_path / "out")
