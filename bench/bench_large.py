"""One long document against the same text as 2 KB documents: time and memory by document size.

    .venv/bin/python bench/bench_large.py [--sizes 0.5 2] [--rounds 1] [--time-limit 1200]

For each size (MB of UTF-8 text) the synthetic corpus (``bench/synth.py``) is concatenated into
one text; the baseline is that text cut at line ends into documents of about 2 KB. Both are built
through the CLI with one job and no cache, in turns; the table gives the median times, their
ratio (one document / 2 KB documents), and the peak resident memory of each build. Targets
(issue 17): the ratio under 2, the peak under 500 MB at 5 MB.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from bench_build import Run, fresh, timed
from measure import BENCH, VENV_BIN, machine, median, synthetic_corpus, table


def long_text(size_mb: float, work: Path) -> str:
    """About ``size_mb`` MB of the genre's text: synthetic documents one after another."""
    wanted = int(size_mb * 1024 * 1024)
    count = max(4, int(wanted / 3500) + 4)
    corpus = synthetic_corpus(count, 5, work / f"synth-{count}")
    parts, size = [], 0
    for path in sorted(corpus.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        parts.append(text)
        size += len(text.encode("utf-8"))
        if size >= wanted:
            break
    return "".join(parts)


def write_inputs(text: str, folder: Path) -> tuple[Path, Path]:
    """``folder/one.txt`` (the whole text) and ``folder/parts/`` (the same lines in ~2 KB documents)."""
    fresh(folder)
    (folder / "parts").mkdir(parents=True)
    (folder / "one.txt").write_text(text, encoding="utf-8")
    chunk: list[str] = []
    size = number = 0
    for line in text.splitlines(keepends=True):
        chunk.append(line)
        size += len(line.encode("utf-8"))
        if size >= 2048:
            (folder / "parts" / f"{number:05d}.txt").write_text("".join(chunk), encoding="utf-8")
            chunk, size, number = [], 0, number + 1
    if chunk:
        (folder / "parts" / f"{number:05d}.txt").write_text("".join(chunk), encoding="utf-8")
    return folder / "one.txt", folder / "parts"


def build(source: Path, out: Path, time_limit: float) -> Run:
    command = [str(VENV_BIN / "citybrand-kg"), "--quiet", "build", str(source), "--out", str(fresh(out)), "--jobs", "1", "--no-cache"]
    return timed(command, out, 1, time_limit)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.5, 2.0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=1200)
    parser.add_argument("--work", type=Path, default=BENCH / "_work" / "large")
    args = parser.parse_args()
    print(machine() + "\n")
    rows = []
    for size in args.sizes:
        one, parts = write_inputs(long_text(size, args.work), args.work / f"input-{size}")
        runs: dict[str, list[Run]] = {"one": [], "parts": []}
        for round_no in range(args.rounds):
            order = ("one", "parts") if round_no % 2 == 0 else ("parts", "one")
            for name in order:
                runs[name].append(build(one if name == "one" else parts, args.work / f"out-{name}", args.time_limit))
        t_one, t_parts = median([r.seconds for r in runs["one"]]), median([r.seconds for r in runs["parts"]])
        finished = all(r.finished for rs in runs.values() for r in rs)
        rows.append([f"{one.stat().st_size / 1024 / 1024:.2f}", len(list(parts.glob("*.txt"))), f"{t_one:.1f} s", f"{t_parts:.1f} s",
                     f"{t_one / t_parts:.2f}", f"{max(r.peak_process_mb for r in runs['one']):.0f}",
                     f"{max(r.peak_process_mb for r in runs['parts']):.0f}", "yes" if finished else "no (time limit)"])
        shutil.rmtree(args.work / f"input-{size}", ignore_errors=True)
    print(table(["MB", "documents of 2 KB", "one document", "2 KB documents", "ratio", "peak MB, one", "peak MB, 2 KB", "finished"], rows))


if __name__ == "__main__":
    main()
