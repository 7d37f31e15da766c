"""What the benchmarks of bench/ share: a synthetic corpus on disk, interleaved timings, tables.

On a shared, noisy machine a bare timing says little, so every benchmark times its subject and a
baseline side by side: repetitions interleaved (A B A B …, the order alternating per round),
the median of each taken, and the ratio of the medians reported.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV_BIN = Path(sys.executable).parent


def synthetic_corpus(count: int, seed: int, folder: Path) -> Path:
    """``folder`` holding ``count`` documents of ``bench/synth.py`` (written once, reused after)."""
    marker = folder / f".synth-{count}-{seed}"
    if not marker.exists():
        subprocess.run([sys.executable, str(BENCH / "synth.py"), "--count", str(count), "--seed", str(seed), "--out", str(folder)], check=True, stdout=subprocess.DEVNULL)
        marker.touch()
    return folder


def interleaved(subjects: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Wall-clock seconds of each subject per round, the subjects run in turn, the order reversed every other round."""
    times: dict[str, list[float]] = {name: [] for name in subjects}
    names = list(subjects)
    for round_no in range(rounds):
        for name in names if round_no % 2 == 0 else reversed(names):
            started = time.perf_counter()
            subjects[name]()
            times[name].append(time.perf_counter() - started)
    return times


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def spread(values: Sequence[float]) -> str:
    """Median with the range, for the tables: ``1.23 s (1.10–1.40)``."""
    return f"{median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} CPUs, load average {load:.2f} at the start, Python {sys.version.split()[0]}"
