"""Entity and relation tables → Neo4j import files.

Public functions::

    write_neo4j(graph: Graph, out_dir: Path) -> list[Path]
        # out_dir/nodes.csv, out_dir/relationships.csv, out_dir/import.cypher
    node_header(rows: list[EntityRow]) -> list[str]

``nodes.csv`` and ``relationships.csv`` follow the ``neo4j-admin database import`` header
format (``iri:ID``, ``:LABEL``, ``:START_ID``, ``:END_ID``, ``:TYPE``, typed property columns)::

    neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv neo4j

``import.cypher`` creates the same graph in a running database (``cypher-shell -f
import.cypher``) with ``UNWIND``/``MERGE`` statements, so re-running it is idempotent.

Every node has the label ``Entity`` plus its class and the class's contract superclasses
(``Entity;MediaOutlet;Organization``); the property ``iri`` is the RDF IRI. Language tags are
kept as column suffixes: ``label_zh``, ``label_en``, ``label_{lang}`` for other languages
(``label_und`` for an untagged label), ``alt_labels_{lang}`` (string arrays). Relationship types
are the predicate's local name in upper snake case (``cbo:brandOf`` → ``BRAND_OF``), with the
full IRI in ``predicate`` and the source sentences in ``sentences``. Arrays use Neo4j's default
delimiter ``;``; a ``;`` inside a value is written as ``；`` (U+FF1B).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from rdflib import Graph

from citybrand_kg.atomic import write_text
from citybrand_kg.export.tables import (
    ATTRIBUTE_COLUMNS,
    SUPERCLASSES,
    EntityRow,
    RelationRow,
    entity_rows,
    relation_rows,
)

ARRAY_DELIMITER = ";"
CYPHER_BATCH = 500
ATTRIBUTE_TYPES = {"value": "double", "approximate": "boolean"}


def write_neo4j(graph: Graph, out_dir: Path) -> list[Path]:
    entities, relations = entity_rows(graph), relation_rows(graph)
    header = node_header(entities)
    nodes = [[_cell(value) for value in _node_record(row, header).values()] for row in entities]
    edges = [_edge_cells(row) for row in relations]
    files = {
        "nodes.csv": _csv([header, *nodes]),
        "relationships.csv": _csv([RELATIONSHIP_HEADER, *edges]),
        "import.cypher": cypher_script(entities, relations, header),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    return [write_text(out_dir / name, text) for name, text in files.items()]


RELATIONSHIP_HEADER = [":START_ID", ":END_ID", ":TYPE", "predicate:string", "sentences:string[]", "rules:string[]"]


def node_header(rows: Sequence[EntityRow]) -> list[str]:
    label_langs = sorted({_lang(lang) for row in rows for lang, _ in row.labels_other})
    alt_langs = sorted({_lang(lang) for row in rows for lang, _ in row.alt_labels})
    columns = ["iri:ID", ":LABEL", "class:string", "label_zh:string", "label_en:string"]
    columns += [f"label_{lang}:string" for lang in label_langs if lang not in ("zh", "en")]
    columns += [f"alt_labels_{lang}:string[]" for lang in alt_langs]
    columns += ["wikidata:string"]
    columns += [f"{name}:{ATTRIBUTE_TYPES.get(name, 'string')}" for name in ATTRIBUTE_COLUMNS]
    return columns


def relationship_type(predicate_name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", predicate_name).upper().replace("-", "_")


def _lang(lang: str) -> str:
    return (lang or "und").lower().replace("-", "_")


def _node_record(row: EntityRow, header: list[str]) -> dict[str, Any]:
    """Column → typed value (None where the entity has no such property)."""
    values: dict[str, Any] = {
        "iri": row.iri,
        "": ["Entity", row.cls, *SUPERCLASSES.get(row.cls, ())],
        "class": row.cls,
        "label_zh": row.label_zh or None,
        "label_en": row.label_en or None,
        "wikidata": row.wikidata or None,
    }
    for lang, text in row.labels_other:
        values.setdefault(f"label_{_lang(lang)}", text)
    for lang, text in row.alt_labels:
        values.setdefault(f"alt_labels_{_lang(lang)}", []).append(text)
    for name, lexical in row.attributes:
        values[name] = _typed(name, lexical)
    return {column: values.get(column.split(":")[0]) for column in header}


def _typed(name: str, lexical: str) -> Any:
    if ATTRIBUTE_TYPES.get(name) == "double":
        try:
            return float(lexical)
        except ValueError:
            return None
    if ATTRIBUTE_TYPES.get(name) == "boolean":
        return lexical.strip().lower() in ("true", "1")
    return lexical


def _edge_cells(row: RelationRow) -> list[str]:
    return [row.subject, row.object, relationship_type(row.name), row.predicate,
            _cell(list(row.sentences)), _cell(list(row.rules))]


def _edge_properties(row: RelationRow) -> dict[str, Any]:
    props: dict[str, Any] = {"predicate": row.predicate, "sentences": list(row.sentences), "rules": list(row.rules)}
    return {key: value for key, value in props.items() if value}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(str(v).replace(ARRAY_DELIMITER, "；") for v in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _csv(rows: Iterable[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buffer.getvalue()


def cypher_script(entities: Sequence[EntityRow], relations: Sequence[RelationRow], header: list[str]) -> str:
    """``UNWIND``/``MERGE`` statements creating the same nodes and relationships as the CSV files."""
    lines = [
        "// citybrand-kg graph for Neo4j: run with cypher-shell -f import.cypher (idempotent).",
        "CREATE CONSTRAINT entity_iri IF NOT EXISTS FOR (n:Entity) REQUIRE n.iri IS UNIQUE;",
    ]
    by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in entities:
        record = _node_record(row, header)
        labels = tuple(record.pop(":LABEL"))
        props = {column.split(":")[0]: value for column, value in record.items() if value is not None}
        by_labels[labels].append({"iri": props.pop("iri"), "props": props})
    for labels, items in sorted(by_labels.items()):
        set_labels = "".join(f":`{label}`" for label in labels[1:])
        for batch in _batches(items):
            lines.append(f"UNWIND {_literal(batch)} AS row\nMERGE (n:Entity {{iri: row.iri}})"
                         f"\nSET n += row.props, n{set_labels};")
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for relation in relations:
        by_type[relationship_type(relation.name)].append(
            {"start": relation.subject, "end": relation.object, "props": _edge_properties(relation)})
    for rel_type, items in sorted(by_type.items()):
        for batch in _batches(items):
            lines.append(f"UNWIND {_literal(batch)} AS row\n"
                         "MATCH (a:Entity {iri: row.start}) MATCH (b:Entity {iri: row.end})\n"
                         f"MERGE (a)-[r:`{rel_type}`]->(b)\nSET r += row.props;")
    return "\n".join(lines) + "\n"


def _batches(items: list[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(items), CYPHER_BATCH):
        yield items[start:start + CYPHER_BATCH]


def _literal(value: Any) -> str:
    """A Cypher literal: maps with backquoted keys, JSON-escaped strings (valid Cypher escapes)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"`{key}`: {_literal(v)}" for key, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)
