"""SHACL validation time per 100k triples, and how it grows from 10k to 1M triples.

    python bench/bench_validation.py [--sizes 10000 30000 100000 300000 1000000] [--rounds 3]

Merges the graphs of whole synthetic documents (extracted and mapped once, kept as N-Triples in
``--work``) until each size is reached, then times, interleaved, on the same rdflib graph:

- ``parse``: parsing those N-Triples into an rdflib graph, the baseline (linear by nature);
- ``validate_graph``: :func:`citybrand_kg.validation.validate_graph`, whatever engine it uses;
- ``pyshacl``: pyshacl called directly with the arguments validation.py gives it; skipped above ``--pyshacl-max`` triples or after a size that took longer than
  ``--pyshacl-budget`` seconds (it grows too slowly to finish 1M triples here);
- ``fastshacl``: :class:`citybrand_kg.fastshacl.FastValidator` directly, when the module exists.

Reports seconds per 100k triples, the ratio to parsing, and the slope of log(time) against
log(triples) fitted over the sizes (1 = linear).
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from pathlib import Path

from measure import BENCH, machine, median, synthetic_corpus, table
from rdflib import Graph

from citybrand_kg.pipeline import Extractor
from citybrand_kg.rdf import mapping as rdf
from citybrand_kg.rdf import validation
from citybrand_kg.rdf.files import load_ontology, load_shapes
from citybrand_kg.rdf.namespaces import CBR
from citybrand_kg.read.documents import read_document

Engine = Callable[[Graph], object]


def document_triples(corpus: Path, cache: Path, needed: int) -> list[str]:
    """N-Triples lines of whole documents, in corpus order, until ``needed`` distinct lines."""
    cache.mkdir(parents=True, exist_ok=True)
    extractor: Extractor | None = None
    seen: dict[str, None] = {}
    for path in sorted(corpus.glob("*.txt")):
        target = cache / (path.stem + ".nt")
        if not target.exists():
            extractor = extractor or Extractor()
            graph = rdf.extraction_graph(extractor.extract(read_document(path, max_bytes=1 << 24)), str(CBR))
            target.write_text(graph.serialize(format="nt"), encoding="utf-8")
        seen.update(dict.fromkeys(line for line in target.read_text(encoding="utf-8").splitlines() if line))
        if len(seen) >= needed:
            break
    return list(seen)


def engines() -> dict[str, Engine]:
    found: dict[str, Engine] = {"validate_graph": validation.validate_graph, "pyshacl": pyshacl_validate}
    try:
        from citybrand_kg.rdf.fastshacl import FastValidator

        fast = FastValidator(load_shapes(), load_ontology())
        found["fastshacl"] = fast.validate
    except Exception as exc:  # noqa: BLE001 - the module may be missing or mid-change
        print(f"fastshacl not measured: {type(exc).__name__}: {exc}")
    return found


def pyshacl_validate(graph: Graph) -> object:
    from pyshacl import validate

    return validate(graph, shacl_graph=validation.load_shapes(), ont_graph=validation.load_ontology(), inference="none", advanced=True, allow_warnings=True)


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log(seconds) against log(triples)."""
    if len(points) < 2:
        return float("nan")
    xs, ys = [math.log(n) for n, _ in points], [math.log(s) for _, s in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000, 300_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved repetitions (one above 300k triples)")
    parser.add_argument("--pyshacl-max", type=int, default=100_000)
    parser.add_argument("--pyshacl-budget", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=BENCH / "_work" / "validation")
    args = parser.parse_args()
    corpus = synthetic_corpus(2000, args.seed, args.work / f"corpus-2000-{args.seed}")
    lines = document_triples(corpus, args.work / "nt", max(args.sizes))
    subjects = engines()
    print(f"{machine()}; {len(lines)} distinct triples available.\n")
    points: dict[str, list[tuple[int, float]]] = {name: [] for name in ["parse", *subjects]}
    rows = []
    for size in args.sizes:
        text = "\n".join(lines[:size]) + "\n"
        graph = Graph().parse(data=text, format="nt")
        active = {name: run for name, run in subjects.items() if name != "pyshacl" or _pyshacl_allowed(size, points["pyshacl"], args)}
        calls: dict[str, Callable[[], object]] = {"parse": lambda text=text: Graph().parse(data=text, format="nt")}
        calls.update({name: (lambda run=run, graph=graph: run(graph)) for name, run in active.items()})
        times: dict[str, list[float]] = {name: [] for name in calls}
        rounds = args.rounds if size <= 300_000 else 1
        for round_no in range(rounds):
            for name in calls if round_no % 2 == 0 else reversed(list(calls)):
                times[name].append(timed(calls[name]))
        parse = median(times["parse"])
        for name, values in times.items():
            seconds = median(values)
            points[name].append((len(graph), seconds))
            rows.append([len(graph), name, f"{seconds:.2f}", f"{seconds / len(graph) * 100_000:.2f}", f"{seconds / parse:.2f}", rounds])
        print(table(["triples", "engine", "median s", "s per 100k triples", "ratio to parse", "rounds"], rows[-len(times):]), flush=True)
    print("\n" + table(["triples", "engine", "median s", "s per 100k triples", "ratio to parse", "rounds"], rows))
    print("\n" + table(["engine", "sizes measured", "log-log slope (1 = linear)"], [[n, len(p), f"{slope(p):.2f}"] for n, p in points.items()]))


def _pyshacl_allowed(size: int, done: list[tuple[int, float]], args: argparse.Namespace) -> bool:
    return size <= args.pyshacl_max and all(seconds <= args.pyshacl_budget for _n, seconds in done)


if __name__ == "__main__":
    main()
