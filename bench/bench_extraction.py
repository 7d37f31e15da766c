"""Extraction throughput against plain ``jieba.lcut`` over the same texts.

    python bench/bench_extraction.py [--count 200] [--seed 1] [--rounds 5] [--profile]
    python bench/bench_extraction.py --corpus ../shared/corpus/dev ../shared/corpus/seed --rounds 25

Times, round by round and interleaved, ``Extractor().extract(document)`` and ``jieba.lcut(text)``
(the default: HMM on) over the same synthetic documents, and ``jieba.lcut(text, HMM=False)`` as
well: the extractor's own tokenizer runs with the HMM off, so that is the fairer floor. The
ratio is extractor speed / lcut speed (target ≥ 0.5: the extractor costs at most twice the
tokenizer). Documents are read before timing; both sides get the decoded text. ``--profile``
adds the top functions of one document of median size under cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import pstats
import tempfile
from pathlib import Path

import jieba
from measure import interleaved, machine, median, spread, synthetic_corpus, table

from citybrand_kg.model import Document
from citybrand_kg.pipeline import Extractor
from citybrand_kg.read.documents import read_document


def load_documents(folders: list[Path]) -> list[Document]:
    return [read_document(path, max_bytes=1 << 24) for folder in folders for path in sorted(folder.glob("*.txt"))]


def measure(documents: list[Document], rounds: int) -> str:
    extractor = Extractor()
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    texts = [d.text for d in documents]
    subjects = {
        "extractor": lambda: [extractor.extract(d) for d in documents],
        "jieba.lcut": lambda: [jieba.lcut(t) for t in texts],
        "jieba.lcut(HMM=False)": lambda: [jieba.lcut(t, HMM=False) for t in texts],
    }
    for run in subjects.values():  # warm-up: caches, regex compilation, first-touch allocations
        run()
    times = interleaved(subjects, rounds)
    chars = sum(len(t) for t in texts)
    rows = []
    for name, values in times.items():
        seconds = median(values)
        rows.append([name, spread(values), f"{len(texts) / seconds:.1f}", f"{chars / seconds / 1000:.0f}k"])
    ratio = median(times["jieba.lcut"]) / median(times["extractor"])
    ratio_plain = median(times["jieba.lcut(HMM=False)"]) / median(times["extractor"])
    lines = [
        f"{len(texts)} documents, {chars} characters, {rounds} interleaved rounds; {machine()}.",
        "",
        table(["subject", "median time (range)", "docs/s", "chars/s"], rows),
        "",
        f"ratio extractor / jieba.lcut (speed): **{ratio:.3f}** (target ≥ 0.5)",
        f"ratio extractor / jieba.lcut(HMM=False) (speed): **{ratio_plain:.3f}**",
    ]
    return "\n".join(lines)


def profile(documents: list[Document], top: int = 15) -> str:
    """cProfile of one document of median size (after a warm-up), top functions by own time."""
    document = sorted(documents, key=lambda d: len(d.text))[len(documents) // 2]
    extractor = Extractor()
    extractor.extract(document)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        extractor.extract(document)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return f"cProfile, 5 extractions of {document.source} ({len(document.text)} characters):\n{out.getvalue()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--corpus", type=Path, nargs="+", help="folders of .txt documents (default: a synthetic corpus)")
    parser.add_argument("--profile", action="store_true", help="also profile one document with cProfile")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cbkg-bench-") as scratch:
        folders = args.corpus or [synthetic_corpus(args.count, args.seed, Path(scratch) / "corpus")]
        documents = load_documents(folders)
        print(measure(documents, args.rounds))
        if args.profile:
            print()
            print(profile(documents))


if __name__ == "__main__":
    main()
