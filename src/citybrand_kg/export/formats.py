"""A citybrand-kg graph → other serialisations and graph-database formats.

Public functions::

    export_graph(source: str | Path | Graph | Dataset, fmt: str, out_path: str | Path,
                 *, context_url: str | None = None) -> list[Path]
    to_networkx(graph: Graph) -> networkx.MultiDiGraph

``fmt`` is one of :data:`FORMATS` or a name :func:`format_named` knows (``ttl``, ``nt``, ``json-ld``, ``xml`` …); ``out_path`` is a file, except for ``neo4j`` and ``csv``
(:data:`DIRECTORY_FORMATS`), where it is a folder. The returned list names the files written.

==========  =================================================================================
turtle      the merged graph (every document's triples), prefixes bound
ntriples    the merged graph, one sorted line per triple
nquads      one named graph per document and the entity graph (see :mod:`citybrand_kg.rdf.named_graphs`), sorted lines
trig        the same named graphs, graphs sorted by name
jsonld      compact JSON-LD with the published context (``context.jsonld``), inlined unless
            ``context_url`` is given
rdfxml      the merged graph as RDF/XML, subjects sorted
graphml     entities as nodes (``label`` = Chinese label, ``class``, ``label_en``, …) and
            entity-to-entity relations as edges (``label`` = predicate local name); scalar
            attributes only, plain GraphML (Gephi, Cytoscape; yEd: map ``label`` with
            Edit → Properties Mapper)
neo4j       ``nodes.csv``, ``relationships.csv`` (neo4j-admin import) and ``import.cypher``
csv         ``entities.csv`` and ``relations.csv``
==========  =================================================================================

Output is deterministic (sorted) and every file is written atomically (temporary file, then
``os.replace``).
"""

from __future__ import annotations

import csv
import io
import json
import logging
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
from rdflib import Dataset, Graph

from citybrand_kg.atomic import replacing, write_text
from citybrand_kg.errors import GraphError, UsageError
from citybrand_kg.export.jsonld import to_jsonld
from citybrand_kg.export.neo4j import write_neo4j
from citybrand_kg.export.tables import ATTRIBUTE_COLUMNS, EntityRow, entity_rows, relation_rows
from citybrand_kg.rdf.named_graphs import DocumentGraph, document_graphs, read_dataset, union_graph
from citybrand_kg.rdf.namespaces import PREFIXES
from citybrand_kg.rdf.syntaxes import SYNTAXES, syntax_named, syntax_of
from citybrand_kg.rdf.turtle import trig_text, turtle_text

logger = logging.getLogger(__name__)

FORMATS = (*(syntax.name for syntax in SYNTAXES), "graphml", "neo4j", "csv")
DIRECTORY_FORMATS = frozenset({"neo4j", "csv"})
SUFFIXES = {**{syntax.name: syntax.suffix for syntax in SYNTAXES}, "graphml": ".graphml"}
"""The usual file extension of each single-file format (for default output names)."""


def format_named(name: str) -> str:
    """The export format a typed name means: a syntax name or alias (``ttl``, ``json-ld``, ``xml``
    …, see :data:`citybrand_kg.rdf.syntaxes.SYNTAXES`) or graphml / neo4j / csv; UsageError else."""
    syntax = syntax_named(name)
    if syntax is not None:
        return syntax.name
    if name.strip().lower() in FORMATS:
        return name.strip().lower()
    raise UsageError(f"unknown export format {name!r}; choose one of {', '.join(FORMATS)} (or ttl, nt, nq, json-ld, xml).")


def format_of(out: Path) -> str:
    """The export format an output file's suffix implies; UsageError when it implies none."""
    if out.suffix.lower() == ".graphml":
        return "graphml"
    try:
        return syntax_of(out).name
    except GraphError:
        raise UsageError(f"{out}: cannot tell the format from the suffix {out.suffix!r}; give --format.") from None


def export_graph(
    source: str | Path | Graph | Dataset, fmt: str, out_path: str | Path, *, context_url: str | None = None
) -> list[Path]:
    fmt = format_named(fmt)
    out = Path(out_path)
    data = source if isinstance(source, Graph) else read_dataset(source)
    if fmt in ("nquads", "trig"):
        parts = document_graphs(data)
        logger.info("exporting %d document graphs as %s to %s", len(parts), fmt, out)
        text = _nquads(parts) if fmt == "nquads" else trig_text((p.name, p.graph) for p in parts)
        return [write_text(out, text)]
    merged = union_graph(data)
    logger.info("exporting %d triples as %s to %s", len(merged), fmt, out)
    if fmt == "neo4j":
        return write_neo4j(merged, out)
    if fmt == "csv":
        return _write_csv(merged, out)
    if fmt == "graphml":
        return [_write_graphml(merged, out)]
    writers = {
        "turtle": lambda: turtle_text(merged),
        "ntriples": lambda: _ntriples(merged),
        "jsonld": lambda: _json(to_jsonld(merged, context_url=context_url)),
        "rdfxml": lambda: _rdfxml(merged),
    }
    return [write_text(out, writers[fmt]())]


def _ntriples(graph: Graph) -> str:
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return "".join(f"{line}\n" for line in sorted(set(filter(None, lines))))


def _rdfxml(graph: Graph) -> str:
    """RDF/XML, one ``rdf:Description`` per subject in sorted order, the project's prefixes."""
    triples = ox.parse(_ntriples(graph).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    return (ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes) or b"").decode("utf-8")


def _nquads(parts: list[DocumentGraph]) -> str:
    out = []
    for part in sorted(parts, key=lambda p: (p.name is not None, str(p.name or ""))):
        lines = sorted(filter(None, _ntriples(part.graph).splitlines()))
        if part.name is None:
            out += [f"{line}\n" for line in lines]
        else:
            out += [f"{line[:-1].rstrip()} {part.name.n3()} .\n" for line in lines]
    return "".join(out)


def _json(document: object) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def to_networkx(graph: Graph) -> nx.MultiDiGraph:
    """Entities → nodes (keyed by IRI), relations → edges ``e0``, ``e1`` … labelled by predicate local name."""
    network = nx.MultiDiGraph()
    for row in entity_rows(graph):
        network.add_node(row.iri, **_node_attributes(row))
    for number, relation in enumerate(relation_rows(graph)):
        network.add_edge(relation.subject, relation.object, key=f"e{number}", label=relation.name,
                         predicate=relation.predicate, sentences=len(relation.sentences))
    return network


def _node_attributes(row: EntityRow) -> dict[str, str | float | bool]:
    attributes: dict[str, str | float | bool] = {
        "label": row.label, "class": row.cls, "label_zh": row.label_zh, "label_en": row.label_en,
        "iri": row.iri, "alt_labels": "; ".join(f"{text}@{lang}" if lang else text for lang, text in row.alt_labels),
        "wikidata": row.wikidata,
    }
    for column, lexical in row.attributes:
        attributes[column] = _scalar(column, lexical)
    return {key: value for key, value in attributes.items() if value != ""}


def _scalar(column: str, lexical: str) -> str | float | bool:
    """GraphML types: ``value`` as double, ``approximate`` as boolean, the rest as strings."""
    if column == "approximate":
        return lexical.strip().lower() in ("true", "1")
    if column == "value":
        try:
            return float(lexical)
        except ValueError:
            return lexical
    return lexical


def _write_graphml(graph: Graph, out: Path) -> Path:
    network = to_networkx(graph)
    with replacing(out) as temporary:
        nx.write_graphml(network, temporary, encoding="utf-8", prettyprint=True, named_key_ids=False)
    return out


ENTITY_COLUMNS = ["iri", "class", "label_zh", "label_en", "alt_labels", "wikidata", *ATTRIBUTE_COLUMNS]
RELATION_COLUMNS = ["subject", "subject_label", "predicate", "object", "object_label", "sentences", "rules"]


def _write_csv(graph: Graph, out_dir: Path) -> list[Path]:
    entities = entity_rows(graph)
    labels = {row.iri: row.label for row in entities}
    entity_table = [ENTITY_COLUMNS] + [
        [row.iri, row.cls, row.label_zh, row.label_en,
         "; ".join(f"{text}@{lang}" if lang else text for lang, text in row.alt_labels),
         row.wikidata, *(row.attribute(column) for column in ATTRIBUTE_COLUMNS)]
        for row in entities
    ]
    relation_table = [RELATION_COLUMNS] + [
        [r.subject, labels.get(r.subject, ""), r.predicate, r.object, labels.get(r.object, ""),
         " ".join(r.sentences), " ".join(r.rules)]
        for r in relation_rows(graph)
    ]
    out_dir.mkdir(parents=True, exist_ok=True)
    return [write_text(out_dir / "entities.csv", _csv_text(entity_table)),
            write_text(out_dir / "relations.csv", _csv_text(relation_table))]


def _csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()
