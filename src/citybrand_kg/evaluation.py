"""Score a built graph against gold annotations (format: ``bench/gold/README.md``).

``evaluate(graph, gold)`` finds the gold's document in the graph (by ``dcterms:source``), takes the
entities mentioned in it, its place (``cbo:city``) and the relations derived from its sentences,
and matches them one to one: an entity matches a gold entity of the same type when one of its labels (``rdfs:label@zh``
or ``skos:altLabel``) equals the gold label or an alias after normalisation (NFKC, quotation and
book-title marks removed); quantities match on value and unit, proposals on their number. A
relation matches when its predicate is equal and its ends match. Scores are micro-averaged.

Relations are scored in two groups besides ``all``: ``things``, the facts between named things
(location, country, partner, organizer, platform, brandOf, proposer, and the date and measure of a
named subject), and ``letter``, the letter's own facts (issuedBy, addressee, respondsTo,
submittedTo, proposalNumber, and the date and figures of the document itself), which are easy and
would flatter the first.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from citybrand_kg.errors import InputError
from citybrand_kg.model import DOCUMENT
from citybrand_kg.rdf.namespaces import CBO, ITSRDF, NIF
from citybrand_kg.terminal import counted

PREDICATES = ("issuedBy", "addressee", "respondsTo", "proposer", "submittedTo", "proposalNumber", "location", "country", "organizer", "partner", "platform", "brandOf", "date", "measure")

LETTER_PREDICATES = frozenset(("issuedBy", "addressee", "respondsTo", "submittedTo", "proposalNumber"))


def relation_group(subject: str, predicate: str) -> str:
    """``letter`` for the letter's own facts (about the document or its proposal's designation), else ``things``."""
    return "letter" if predicate in LETTER_PREDICATES or subject == DOCUMENT else "things"


@dataclass(frozen=True)
class Item:
    """An entity to match: its type, the names it goes by, and what quantities and proposals add."""

    id: str
    type: str
    names: frozenset[str]
    label: str
    value: Decimal | None = None
    unit: str | None = None
    number: str | None = None


@dataclass
class Score:
    tp: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4), "tp": self.tp, "predicted": self.predicted, "gold": self.gold}


@dataclass
class Evaluation:
    document: str
    entities: dict[str, Score] = field(default_factory=dict)  # per type, plus "all"
    relations: dict[str, Score] = field(default_factory=dict)  # per predicate, plus "all"
    missed_entities: list[str] = field(default_factory=list)
    false_entities: list[str] = field(default_factory=list)
    missed_relations: list[str] = field(default_factory=list)
    false_relations: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "entities": {k: v.as_dict() for k, v in self.entities.items()},
            "relations": {k: v.as_dict() for k, v in self.relations.items()},
            "missed_entities": self.missed_entities,
            "false_entities": self.false_entities,
            "missed_relations": self.missed_relations,
            "false_relations": self.false_relations,
        }


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[“”‘’\"《》「」『』\s]", "", text)


def load_gold(path: Path) -> dict[str, Any]:
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: is not a readable gold file ({exc}).") from exc
    if not isinstance(gold, dict) or "entities" not in gold or "relations" not in gold:
        raise InputError(f"{path}: a gold file needs 'entities' and 'relations' (see bench/gold/README.md).")
    return gold


def evaluate_files(graph_path: Path, gold_path: Path) -> Evaluation:
    from citybrand_kg.rdf.files import read_graph

    return evaluate(read_graph(graph_path), load_gold(gold_path))


def evaluate(graph: Graph, gold: dict[str, Any]) -> Evaluation:
    document = _find_document(graph, gold)
    predicted, predicted_relations = _predicted(graph, document)
    predicted, predicted_relations = _same_figures(predicted, predicted_relations)
    gold_items, gold_relations = _gold(gold)
    evaluation = Evaluation(document=str(graph.value(document, DCTERMS.source) or document))
    mapping = _match_entities(predicted, gold_items, evaluation)
    _match_relations(predicted_relations, gold_relations, mapping, predicted, evaluation)
    return evaluation


def _find_document(graph: Graph, gold: dict[str, Any]) -> URIRef:
    names = set(gold.get("documents", []))
    documents = sorted(set(graph.subjects(NIF.isString, None)), key=str)
    for doc in documents:
        if str(graph.value(doc, DCTERMS.source)) in names:
            return doc  # type: ignore[return-value]
    if len(documents) == 1:
        return documents[0]  # type: ignore[return-value]
    raise InputError(f"the graph holds no document named {sorted(names)} (it has {counted(len(documents), 'document')}).")


def _predicted(graph: Graph, document: URIRef) -> tuple[dict[str, Item], set[tuple[str, str, str]]]:
    sentences = set(graph.subjects(NIF.referenceContext, document))
    keys: set[URIRef] = set()
    for mention in sentences:
        entity = graph.value(mention, ITSRDF.taIdentRef)
        if isinstance(entity, URIRef):
            keys.add(entity)
    keys.update(place for place in graph.objects(document, CBO.city) if isinstance(place, URIRef))  # the document's place is an entity even when only named inside other names
    relations: set[tuple[str, str, str]] = set()
    for assertion in graph.subjects(RDF.type, CBO.Assertion):
        if graph.value(assertion, PROV.wasDerivedFrom) not in sentences:
            continue
        predicate = str(graph.value(assertion, RDF.predicate)).rsplit("#", 1)[-1]
        if predicate not in PREDICATES:
            continue
        s, o = graph.value(assertion, RDF.subject), graph.value(assertion, RDF.object)
        subject = DOCUMENT if s == document else str(s)
        obj = str(o) if isinstance(o, Literal) else (DOCUMENT if o == document else str(o))
        relations.add((subject, predicate, obj))
        for node in (s, o):
            if isinstance(node, URIRef) and node != document:
                keys.add(node)
    items = {str(key): _item(graph, key) for key in keys}
    return {k: v for k, v in items.items() if v is not None}, relations  # type: ignore[misc]


def _same_figures(items: dict[str, Item], relations: set[tuple[str, str, str]]) -> tuple[dict[str, Item], set[tuple[str, str, str]]]:
    """One figure per surface, as the gold counts them: 100余条 twice in a text is one entity."""
    first: dict[tuple[str, str], str] = {}
    alias: dict[str, str] = {}
    for key in sorted(items):
        item = items[key]
        if item.type == "Quantity":
            alias[key] = first.setdefault((item.label, str(item.value)), key)
    kept = {k: v for k, v in items.items() if alias.get(k, k) == k}
    return kept, {(alias.get(s, s), p, alias.get(o, o)) for s, p, o in relations}


def _item(graph: Graph, node: URIRef) -> Item | None:
    types = [str(t).rsplit("#", 1)[-1] for t in graph.objects(node, RDF.type) if str(t).startswith(str(CBO))]
    if not types:
        return None
    labels = [str(label) for label in graph.objects(node, RDFS.label) if isinstance(label, Literal) and label.language == "zh"]
    names = {norm(str(n)) for n in [*labels, *graph.objects(node, SKOS.altLabel)]}
    value = graph.value(node, CBO.value)
    unit = graph.value(node, CBO.unit)
    number = graph.value(node, CBO.proposalNumber)
    return Item(
        id=str(node),
        type=types[0],
        names=frozenset(names),
        label=labels[0] if labels else str(node),
        value=Decimal(str(value)) if value is not None else None,
        unit=str(unit) if unit is not None else None,
        number=str(number) if number is not None else None,
    )


def _gold(gold: dict[str, Any]) -> tuple[dict[str, Item], set[tuple[str, str, str]]]:
    items = {}
    for entry in gold["entities"]:
        names = {norm(entry["label"]), *(norm(a) for a in entry.get("aliases", []) or [])}
        items[entry["label"]] = Item(
            id=entry["label"],
            type=entry["type"],
            names=frozenset(names),
            label=entry["label"],
            value=_decimal(entry.get("value")),
            unit=entry.get("unit") or None,
            number=entry.get("number"),
        )
    relations = {(r["subject"], r["predicate"], r["object"]) for r in gold["relations"]}
    return items, relations


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None


def _matches(predicted: Item, gold: Item) -> bool:
    if predicted.type != gold.type:
        return False
    if gold.type == "Quantity" and gold.value is not None:
        return predicted.value is not None and predicted.value == gold.value and (predicted.unit or None) == (gold.unit or None)
    if gold.type == "Proposal" and gold.number and predicted.number:
        return gold.number == predicted.number
    return bool(predicted.names & gold.names)


def _match_entities(predicted: dict[str, Item], gold: dict[str, Item], evaluation: Evaluation) -> dict[str, str]:
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for key in sorted(predicted, key=lambda k: (predicted[k].type, predicted[k].label)):
        candidate = next((g for g in sorted(gold) if g not in used and _matches(predicted[key], gold[g])), None)
        if candidate is not None:
            mapping[key] = candidate
            used.add(candidate)
    scores: dict[str, Score] = defaultdict(Score)
    for item in predicted.values():
        scores[item.type].predicted += 1
    for item in gold.values():
        scores[item.type].gold += 1
    for g in used:
        scores[gold[g].type].tp += 1
    total = Score(tp=len(used), predicted=len(predicted), gold=len(gold))
    evaluation.entities = {**dict(sorted(scores.items())), "all": total}
    evaluation.missed_entities = sorted(f"{gold[g].type}: {g}" for g in gold if g not in used)
    evaluation.false_entities = sorted(f"{p.type}: {p.label}" for k, p in predicted.items() if k not in mapping)
    return mapping


def _match_relations(predicted: set[tuple[str, str, str]], gold: set[tuple[str, str, str]], mapping: dict[str, str], items: dict[str, Item], evaluation: Evaluation) -> None:
    def name(end: str) -> str:
        if end == DOCUMENT:
            return end
        return mapping.get(end, f"~{items[end].label}" if end in items else end)

    translated = {(name(s), p, name(o) if p not in ("date", "proposalNumber") else o) for s, p, o in predicted}
    scores: dict[str, Score] = defaultdict(Score)
    for _s, p, _o in translated:
        scores[p].predicted += 1
    for _s, p, _o in gold:
        scores[p].gold += 1
    hits = translated & gold
    for _s, p, _o in hits:
        scores[p].tp += 1
    groups = {name: Score() for name in ("things", "letter")}
    for relations, field_name in ((translated, "predicted"), (gold, "gold"), (hits, "tp")):
        for s, p, _o in relations:
            score = groups[relation_group(s, p)]
            setattr(score, field_name, getattr(score, field_name) + 1)
    evaluation.relations = {**dict(sorted(scores.items())), **groups, "all": Score(tp=len(hits), predicted=len(translated), gold=len(gold))}
    evaluation.missed_relations = sorted(f"{s} {p} {o}" for s, p, o in gold - hits)
    evaluation.false_relations = sorted(f"{s.lstrip('~')} {p} {o.lstrip('~')}" for s, p, o in translated - hits)


def render_scores(evaluation: Evaluation, fmt: str = "table") -> str:
    if fmt == "json":
        return json.dumps(evaluation.as_dict(), ensure_ascii=False, indent=2)
    lines = [f"document: {evaluation.document}", "", f"{'entities':<22}{'P':>7}{'R':>7}{'F1':>7}{'tp':>5}{'pred':>6}{'gold':>6}"]
    lines += [_score_line(name, score) for name, score in evaluation.entities.items()]
    lines += ["", f"{'relations':<22}{'P':>7}{'R':>7}{'F1':>7}{'tp':>5}{'pred':>6}{'gold':>6}"]
    lines += [_score_line(name, score) for name, score in evaluation.relations.items()]
    for title, rows in (("missed entities", evaluation.missed_entities), ("false entities", evaluation.false_entities), ("missed relations", evaluation.missed_relations), ("false relations", evaluation.false_relations)):
        lines += ["", f"{title} ({len(rows)}):", *(f"  {row}" for row in rows)]
    return "\n".join(lines)


def _score_line(name: str, score: Score) -> str:
    return f"{name:<22}{score.precision:>7.3f}{score.recall:>7.3f}{score.f1:>7.3f}{score.tp:>5}{score.predicted:>6}{score.gold:>6}"
