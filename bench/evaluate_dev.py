"""Score the extractor on the development corpus against the hand-made gold in bench/gold/.

    python bench/evaluate_dev.py [--corpus ../shared/corpus/dev] [--out bench/_work/dev] [--details]

Builds each gold-annotated document on its own, evaluates it, and prints a per-document table
(entity and relation precision, recall, F1) with macro averages, as used in bench/RESULTS.md.
The texts stay where they are: nothing from the corpus is copied into the project.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rdflib import Graph

from citybrand_kg.corpus import BuildSettings, build
from citybrand_kg.evaluation import evaluate, load_gold, render_scores
from citybrand_kg.pipeline import Extractor

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus" / "dev"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--gold", type=Path, default=HERE / "gold")
    parser.add_argument("--out", type=Path, default=HERE / "_work" / "dev")
    parser.add_argument("--details", action="store_true", help="Print misses and false positives per document.")
    parser.add_argument("--json", type=Path, help="Also write the scores as JSON here.")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"evaluate_dev: {args.corpus}: the development corpus is not there.", file=sys.stderr)
        return 2
    extractor = Extractor()
    rows = []
    for gold_path in sorted(args.gold.glob("*.json")):
        gold = load_gold(gold_path)
        text = args.corpus / gold["documents"][0]
        if not text.exists():
            continue
        result = build([text], BuildSettings(out=args.out / gold_path.stem, validate=True), extractor)
        graph = Graph().parse(result.outputs["graph"], format="turtle")
        evaluation = evaluate(graph, gold)
        rows.append((gold_path.stem, evaluation, result.conforms))
        if args.details:
            print(render_scores(evaluation), "\n")
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps([{"document": name, "conforms": ok, **e.as_dict()} for name, e, ok in rows], ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def table(rows: list) -> str:
    lines = ["| document | entity P | entity R | entity F1 | relation P | relation R | relation F1 | conforms |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for name, e, ok in rows:
        a, r = e.entities["all"], e.relations["all"]
        lines.append(f"| {name} | {a.precision:.3f} | {a.recall:.3f} | {a.f1:.3f} | {r.precision:.3f} | {r.recall:.3f} | {r.f1:.3f} | {'yes' if ok else 'no'} |")
    n = len(rows) or 1
    ef = sum(e.entities["all"].f1 for _n, e, _o in rows) / n
    rf = sum(e.relations["all"].f1 for _n, e, _o in rows) / n
    lines.append(f"| **macro average** ({len(rows)} documents) | | | **{ef:.3f}** | | | **{rf:.3f}** | |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
