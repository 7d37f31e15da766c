"""The actor–event network of a citybrand-kg graph, and what it says.

Public functions::

    project(graph: Graph) -> networkx.Graph
    analyze(graph: Graph, *, top: int = 10) -> NetworkReport
    format_report(report: NetworkReport, fmt: str = "table") -> str     # fmt: "table" or "json"

The projection is an undirected, weighted networkx graph whose nodes are

* **actors**: ``cbo:Organization``, ``cbo:GovernmentBody``, ``cbo:MediaOutlet``, ``cbo:Person``,
  ``cbo:SocialMediaAccount``, ``cbo:SocialMediaPlatform``, ``cbo:Place`` (``Country``,
  ``Region``, ``City``);
* **events**: ``cbo:Event``;
* **brand labels**: ``cbo:BrandLabel`` (they reach the network through ``cbo:brandOf``),

and whose edges are the relations ``cbo:location``, ``cbo:country``, ``cbo:organizer``,
``cbo:partner``, ``cbo:platform`` and ``cbo:brandOf`` between two such nodes (:data:`PREDICATES`);
an edge's ``weight`` is the number of such relations between its ends, its ``predicates`` their
local names. Documents, proposals, works and quantities are left out.

:func:`analyze` reports degree and betweenness centrality (normalised), communities (greedy
modularity maximisation, weighted), the top media partners (media outlets ranked by the distinct
events, accounts and organisations they partner with or organise), the countries reached
(countries ranked by the distinct entities located in them or based there) and, per brand
label, the events that carry it: events mentioned in a sentence that also mentions the label
(NIF ``nif:sentence`` of the mentions), or related to it directly.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass

import networkx as nx
from networkx.algorithms.community import greedy_modularity_communities
from rdflib import Graph

from citybrand_kg.export.tables import EntityRow, entity_rows, relation_rows
from citybrand_kg.model import NETWORK_KINDS, NETWORK_PREDICATES
from citybrand_kg.rdf.namespaces import CBO, ITSRDF, NIF
from citybrand_kg.terminal import aligned, counted

ACTOR_CLASSES = frozenset(cls for cls, kind in NETWORK_KINDS.items() if kind == "actor")
EVENT_CLASSES = frozenset(cls for cls, kind in NETWORK_KINDS.items() if kind == "event")
BRAND_CLASSES = frozenset(cls for cls, kind in NETWORK_KINDS.items() if kind == "brand")
PREDICATES = frozenset(str(CBO[name]) for name in NETWORK_PREDICATES)
PARTNER_PREDICATES = frozenset({str(CBO.partner), str(CBO.organizer)})
REACH_PREDICATES = frozenset({str(CBO.location), str(CBO.country)})


@dataclass(frozen=True)
class Ranked:
    iri: str
    label: str
    cls: str
    score: float


@dataclass(frozen=True)
class Community:
    size: int
    members: tuple[str, ...]  # labels, sorted


@dataclass(frozen=True)
class BrandEvents:
    brand: str
    events: tuple[str, ...]  # labels, sorted


@dataclass(frozen=True)
class NetworkReport:
    nodes: int
    """Linked nodes: entities of the network's classes with at least one relation to another (the page's count)."""
    links: int
    """Distinct relations ``subject predicate object`` between them (the page's count)."""
    edges: int
    """Linked pairs: the projection's undirected edges (several relations between two nodes make one)."""
    actors: int
    events: int
    brands: int
    unlinked: int
    """Entities of the network's classes with no relation to another one."""
    degree: tuple[Ranked, ...]
    betweenness: tuple[Ranked, ...]
    communities: tuple[Community, ...]
    media_partners: tuple[Ranked, ...]
    countries: tuple[Ranked, ...]
    brand_events: tuple[BrandEvents, ...]


def kind_of(cls: str) -> str | None:
    """``actor``, ``event``, ``brand`` or None (not in the projection)."""
    if cls in ACTOR_CLASSES:
        return "actor"
    if cls in EVENT_CLASSES:
        return "event"
    return "brand" if cls in BRAND_CLASSES else None


def project(graph: Graph) -> nx.Graph:
    network = nx.Graph()
    rows = {row.iri: row for row in entity_rows(graph)}
    for row in rows.values():
        kind = kind_of(row.cls)
        if kind:
            network.add_node(row.iri, label=row.label, label_en=row.label_en, cls=row.cls, kind=kind)
    for relation in relation_rows(graph):
        if relation.predicate not in PREDICATES or relation.subject == relation.object:
            continue
        if relation.subject in network and relation.object in network:
            _add_edge(network, relation.subject, relation.object, relation.name)
    return network


def _add_edge(network: nx.Graph, a: str, b: str, predicate: str) -> None:
    if network.has_edge(a, b):
        data = network.edges[a, b]
        data["weight"] += 1
        data["predicates"] = ",".join(sorted(set(data["predicates"].split(",")) | {predicate}))
    else:
        network.add_edge(a, b, weight=1, predicates=predicate)


def analyze(graph: Graph, *, top: int = 10) -> NetworkReport:
    network = project(graph)
    rows = {row.iri: row for row in entity_rows(graph)}
    linked = [kind for node, kind in network.nodes(data="kind") if network.degree(node) > 0]
    links = {(r.subject, r.predicate, r.object) for r in relation_rows(graph)
             if r.predicate in PREDICATES and r.subject != r.object and r.subject in network and r.object in network}
    return NetworkReport(
        nodes=len(linked),
        links=len(links),
        edges=network.number_of_edges(),
        actors=linked.count("actor"),
        events=linked.count("event"),
        brands=linked.count("brand"),
        unlinked=network.number_of_nodes() - len(linked),
        degree=_rank(nx.degree_centrality(network) if len(network) > 1 else {}, rows, top),
        betweenness=_rank(nx.betweenness_centrality(network, weight=None), rows, top),
        communities=_communities(network),
        media_partners=_rank(_counterparts(graph, rows, "MediaOutlet", PARTNER_PREDICATES), rows, top),
        countries=_rank(_counterparts(graph, rows, "Country", REACH_PREDICATES), rows, top),
        brand_events=_brand_events(graph, rows),
    )


def _rank(scores: dict[str, float], rows: dict[str, EntityRow], top: int) -> tuple[Ranked, ...]:
    ranked = [Ranked(iri, rows[iri].label, rows[iri].cls, round(float(score), 6))
              for iri, score in scores.items() if score > 0]
    ranked.sort(key=lambda r: (-r.score, r.label, r.iri))
    return tuple(ranked[:top])


def _communities(network: nx.Graph) -> tuple[Community, ...]:
    connected = network.subgraph([n for n in network if network.degree(n) > 0])
    if connected.number_of_edges() == 0:
        return ()
    found = greedy_modularity_communities(connected, weight="weight")
    labels = nx.get_node_attributes(network, "label")
    communities = [Community(len(c), tuple(sorted(labels[n] for n in c))) for c in found]
    return tuple(sorted(communities, key=lambda c: (-c.size, c.members)))


def _counterparts(graph: Graph, rows: dict[str, EntityRow], cls: str, predicates: frozenset[str]) -> dict[str, float]:
    """For each entity of class ``cls``: how many distinct entities it is linked to by ``predicates``."""
    linked: dict[str, set[str]] = defaultdict(set)
    for relation in relation_rows(graph):
        if relation.predicate not in predicates:
            continue
        for mine, other in ((relation.subject, relation.object), (relation.object, relation.subject)):
            if mine in rows and rows[mine].cls == cls and other != mine:
                linked[mine].add(other)
    return {iri: float(len(others)) for iri, others in linked.items()}


def _brand_events(graph: Graph, rows: dict[str, EntityRow]) -> tuple[BrandEvents, ...]:
    in_sentence: dict[str, set[str]] = defaultdict(set)  # sentence → entities mentioned in it
    for mention, entity in graph.subject_objects(ITSRDF.taIdentRef):
        for sentence in graph.objects(mention, NIF.sentence):
            in_sentence[str(sentence)].add(str(entity))
    carried: dict[str, set[str]] = defaultdict(set)
    for entities in in_sentence.values():
        brands = [e for e in entities if e in rows and rows[e].cls in BRAND_CLASSES]
        events = [e for e in entities if e in rows and rows[e].cls in EVENT_CLASSES]
        for brand in brands:
            carried[brand].update(events)
    for relation in relation_rows(graph):
        for brand, other in ((relation.subject, relation.object), (relation.object, relation.subject)):
            if rows[brand].cls in BRAND_CLASSES and rows[other].cls in EVENT_CLASSES:
                carried[brand].add(other)
    brands = sorted((iri for iri, row in rows.items() if row.cls in BRAND_CLASSES), key=lambda i: rows[i].label)
    return tuple(BrandEvents(rows[b].label, tuple(sorted(rows[e].label for e in carried[b]))) for b in brands)


def format_report(report: NetworkReport, fmt: str = "table") -> str:
    if fmt == "json":
        return json.dumps(asdict(report), ensure_ascii=False, indent=2) + "\n"
    if fmt != "table":
        raise ValueError(f"unknown report format {fmt!r}; choose table or json")
    sections = [
        (f"Actor–event network: {counted(report.nodes, 'linked node')} ({counted(report.actors, 'actor')}, "
         f"{counted(report.events, 'event')}, {counted(report.brands, 'brand label')}), "
         f"{counted(report.links, 'link')} ({counted(report.edges, 'linked pair')}); "
         f"{counted(report.unlinked, 'more entity', 'more entities')} of these kinds without a link"),
        _ranked_table("Degree centrality", report.degree),
        _ranked_table("Betweenness centrality", report.betweenness),
        _table("Communities", ["#", "size", "members"],
               [[str(i + 1), str(c.size), _shorten(c.members)] for i, c in enumerate(report.communities)]),
        _ranked_table("Top media partners (distinct partners)", report.media_partners, integer=True),
        _ranked_table("Countries reached (distinct entities)", report.countries, integer=True),
        _table("Events per brand label", ["brand label", "events", "count"],
               [[b.brand, "、".join(b.events) or "—", str(len(b.events))] for b in report.brand_events]),
    ]
    return "\n\n".join(sections) + "\n"


def _shorten(labels: tuple[str, ...], limit: int = 12) -> str:
    shown = "、".join(labels[:limit])
    return shown + (f" … (+{len(labels) - limit})" if len(labels) > limit else "")


def _ranked_table(title: str, ranked: tuple[Ranked, ...], integer: bool = False) -> str:
    rows = [[str(i + 1), r.label, r.cls, str(int(r.score)) if integer else f"{r.score:.3f}"]
            for i, r in enumerate(ranked)]
    return _table(title, ["#", "label", "class", "score"], rows)


def _table(title: str, header: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return f"{title}\n  (none)"
    return "\n".join([title, *aligned(header, rows, indent="  ")])
