"""Score the extractor on the corpus against the hand-made gold in bench/gold/, development and blind apart.

    python bench/evaluate_dev.py [--corpus ../shared/corpus/dev] [--part dev|blind|all] [--json FILE]
                                 [--details]   (misses and false positives, development documents only)

Builds each gold-annotated document on its own, evaluates it, and prints for each part
(development, blind) a per-document table — entity P/R/F1, the relations between things P/R/F1
and the letter's own facts F1 — the macro averages, and the recall per entity type and per
relation predicate. The split is the rule of bench/gold/README.md: a document is blind when the
first hex digit of the SHA-256 of its file name is 0-4 (texts 02-21, tuned on before, are always
development). Misses and false positives of blind documents are never printed: only their totals.
The texts stay where they are: nothing from the corpus is copied into the project.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

from rdflib import Graph

from citybrand_kg.corpus import BuildSettings, build
from citybrand_kg.evaluation import Evaluation, Score, evaluate, load_gold, render_scores
from citybrand_kg.pipeline import Extractor

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus" / "dev"
FIRST_SET = 21  # texts numbered up to 21 were tuned on before the split: development


def part_of(file_name: str) -> str:
    """``blind`` or ``dev``, by the rule written in bench/gold/README.md."""
    number = int(file_name.split("_", 1)[0]) if file_name[:2].isdigit() else 0
    if number <= FIRST_SET:
        return "dev"
    return "blind" if hashlib.sha256(file_name.encode("utf-8")).hexdigest()[0] in "01234" else "dev"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--gold", type=Path, default=HERE / "gold")
    parser.add_argument("--out", type=Path, default=HERE / "_work" / "dev")
    parser.add_argument("--part", choices=("dev", "blind", "all"), default="all")
    parser.add_argument("--details", action="store_true", help="Print misses and false positives of the development documents.")
    parser.add_argument("--json", type=Path, help="Also write the scores as JSON here.")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"evaluate_dev: {args.corpus}: the development corpus is not there.", file=sys.stderr)
        return 2
    extractor = Extractor()
    rows: dict[str, list[tuple[str, Evaluation]]] = {"dev": [], "blind": []}
    for gold_path in sorted(args.gold.glob("*.json")):
        gold = load_gold(gold_path)
        name = gold["documents"][0]
        part = part_of(name)
        text = args.corpus / name
        if not text.exists() or args.part not in ("all", part):
            continue
        result = build([text], BuildSettings(out=args.out / gold_path.stem, validate=True), extractor)
        if not result.conforms:
            print(f"evaluate_dev: {name}: the graph does not conform to the shapes.", file=sys.stderr)
        evaluation = evaluate(Graph().parse(result.outputs["graph"], format="turtle"), gold)
        rows[part].append((gold_path.stem, evaluation))
        if args.details and part == "dev":
            print(render_scores(evaluation), "\n")
    for part, title in (("dev", "Development"), ("blind", "Blind")):
        if rows[part]:
            print(f"## {title} ({len(rows[part])} documents)\n\n{table(rows[part])}\n\n{recall_table(rows[part])}\n")
    if args.json:
        scores = {part: [{"document": name, **e.as_dict()} for name, e in items] for part, items in rows.items()}
        if args.json.parent:
            args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(scores, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def macro(items: list[tuple[str, Evaluation]]) -> dict[str, float]:
    n = len(items) or 1
    return {
        "entities": sum(e.entities["all"].f1 for _n, e in items) / n,
        "things": sum(e.relations["things"].f1 for _n, e in items) / n,
        "letter": sum(e.relations["letter"].f1 for _n, e in items) / n,
    }


def table(items: list[tuple[str, Evaluation]]) -> str:
    lines = [
        "| document | entity P | entity R | entity F1 | relation P | relation R | relation F1 | letter F1 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, e in items:
        a, r, f = e.entities["all"], e.relations["things"], e.relations["letter"]
        lines.append(f"| {name} | {a.precision:.3f} | {a.recall:.3f} | {a.f1:.3f} | {r.precision:.3f} | {r.recall:.3f} | {r.f1:.3f} | {f.f1:.3f} |")
    m = macro(items)
    lines.append(f"| **macro average** | | | **{m['entities']:.3f}** | | | **{m['things']:.3f}** | **{m['letter']:.3f}** |")
    return "\n".join(lines)


def recall_table(items: list[tuple[str, Evaluation]]) -> str:
    """Recall per entity type and per relation predicate, summed over the documents."""
    totals: dict[str, Score] = defaultdict(Score)
    for _name, e in items:
        for kind, scores in (("entity", e.entities), ("relation", e.relations)):
            for key, score in scores.items():
                if key in ("all", "things", "letter"):
                    continue
                total = totals[f"{kind} {key}"]
                total.tp, total.predicted, total.gold = total.tp + score.tp, total.predicted + score.predicted, total.gold + score.gold
    lines = ["| type or predicate | gold | found | recall | precision |", "| --- | ---: | ---: | ---: | ---: |"]
    for key in sorted(totals, key=lambda k: (not k.startswith("entity"), k)):
        s = totals[key]
        if s.gold or s.predicted:
            lines.append(f"| {key} | {s.gold} | {s.tp} | {s.recall:.3f} | {s.precision:.3f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
