"""End-to-end builds of synthetic corpora through the CLI: documents per second and peak memory.

    python bench/bench_build.py [--sizes 1000 10000] [--jobs 1 2] [--rounds 1] [--time-limit 900]

For each corpus size and ``--jobs`` value, ``citybrand-kg --quiet build DIR --out OUT --jobs J``
runs in a fresh process into an empty folder (extract, map, validate, write, and fill the cache),
side by side with its baseline, the same build with ``--no-validate`` (same reading, extraction,
mapping, merging and writing: the ratio is the share of the time validation leaves). Then a
build that finished runs once more over its own cache: the cached rebuild.

Peak memory is measured twice: ``/usr/bin/time -v`` (the largest single process of the tree) and a
sampler summing the resident set of the build and its workers every 0.2 s (the tree). A run that
exceeds ``--time-limit`` seconds is stopped; its throughput is then the number of documents in
the cache at that moment (one cache file per finished document) over the time limit.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from measure import BENCH, VENV_BIN, machine, median, synthetic_corpus, table

TIME = Path("/usr/bin/time")


@dataclass
class Run:
    seconds: float
    documents: int  # finished: all of them, or those in the cache when stopped
    finished: bool
    exit_code: int
    peak_process_mb: float  # the largest single process (/usr/bin/time -v)
    peak_tree_mb: float  # sum over the process tree, sampled

    @property
    def rate(self) -> float:
        return self.documents / self.seconds


def tree_rss_kb(root: int) -> int:
    """Resident set of ``root`` and all its descendants, in kB, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
                total += next((int(line.split()[1]) for line in handle if line.startswith("VmRSS:")), 0)
        except OSError:
            continue
    return total


class TreeSampler(threading.Thread):
    def __init__(self, pid: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.interval):
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid))


def build_command(corpus: Path, out: Path, jobs: int, validate: bool) -> list[str]:
    command = [str(VENV_BIN / "citybrand-kg"), "--quiet", "build", str(corpus), "--out", str(out), "--jobs", str(jobs)]
    return command + ([] if validate else ["--no-validate"])


def timed(command: list[str], out: Path, total: int, time_limit: float) -> Run:
    """Run ``command`` under /usr/bin/time -v with the tree sampler; stop it after ``time_limit`` s."""
    wrapped = [str(TIME), "-v", *command] if TIME.exists() else command
    started = time.perf_counter()
    process = subprocess.Popen(wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True, preexec_fn=_default_sigint)  # noqa: PLW1509 - the sampler thread starts after
    sampler = TreeSampler(process.pid)
    sampler.start()
    try:
        _, stderr = process.communicate(timeout=time_limit)
        finished = True
    except subprocess.TimeoutExpired:
        done = sum(1 for _ in (out / ".cache").rglob("*.entry")) if (out / ".cache").exists() else 0
        os.killpg(process.pid, signal.SIGINT)
        try:
            _, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            _, stderr = process.communicate()
        finished = False
    seconds = time.perf_counter() - started if finished else time_limit
    sampler.done.set()
    sampler.join()
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr or "")
    return Run(seconds, total if finished else done, finished, process.returncode, int(peak.group(1)) / 1024 if peak else float("nan"), sampler.peak_kb / 1024)


def _default_sigint() -> None:
    """Ctrl-C reaches the build as on a terminal, even when this script runs in the background
    (where the shell starts it with SIGINT ignored, a disposition children would inherit)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    return folder


def measure(size: int, jobs: int, rounds: int, work: Path, time_limit: float, seed: int, validated: bool = True) -> list[list[str]]:
    corpus = synthetic_corpus(size, seed, work / f"corpus-{size}-{seed}")
    runs: dict[str, list[Run]] = {"build": [], "build --no-validate": []} if validated else {"build --no-validate": []}
    for round_no in range(rounds):
        order = ([True, False] if round_no % 2 == 0 else [False, True]) if validated else [False]
        for validate in order:
            out = fresh(work / f"out-{size}-{jobs}-{'v' if validate else 'nv'}")
            runs["build" if validate else "build --no-validate"].append(timed(build_command(corpus, out, jobs, validate), out, size, time_limit))
    finished = [validate for validate, name in ((True, "build"), (False, "build --no-validate")) if name in runs and all(r.finished for r in runs[name])]
    if finished:  # the cached rebuild of a complete cache (a stopped run leaves a partial one)
        validate = finished[0]
        out = work / f"out-{size}-{jobs}-{'v' if validate else 'nv'}"
        runs["cached rebuild" + ("" if validate else " --no-validate")] = [timed(build_command(corpus, out, jobs, validate), out, size, time_limit)]
    baseline = median([r.rate for r in runs["build --no-validate"]])
    return [row(size, jobs, name, items, baseline) for name, items in runs.items()]


def row(size: int, jobs: int, name: str, runs: list[Run], baseline: float) -> list[str]:
    rate = median([r.rate for r in runs])
    seconds = median([r.seconds for r in runs])
    stopped = [r for r in runs if not r.finished]
    # a stopped run's count is a lower bound: workers hand results back in chunks of up to 32
    time_cell = f"{seconds:.0f} s" if not stopped else f"stopped at {seconds:.0f} s (≥{stopped[0].documents} done)"
    projected = f"{10000 / rate / 60:.1f} min" if rate else "-"
    return [str(size), str(jobs), name, time_cell, f"{rate:.2f}", f"{rate / baseline:.2f}", projected,
            f"{max(r.peak_process_mb for r in runs):.0f}", f"{max(r.peak_tree_mb for r in runs):.0f}", ",".join(str(r.exit_code) for r in runs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=1, help="interleaved repetitions of each pair")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=900.0, help="seconds before a run is stopped")
    parser.add_argument("--baseline-only", action="store_true", help="only the --no-validate build and its cached rebuild")
    parser.add_argument("--work", type=Path, default=BENCH / "_work" / "build", help="corpora and outputs")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"{machine()}; time limit {args.time_limit:.0f} s per run.\n")
    header = ["docs", "jobs", "command", "time", "docs/s", "ratio to --no-validate", "10k docs would take", "peak MB (largest process)", "peak MB (process tree)", "exit"]
    rows = []
    for size in args.sizes:
        for jobs in args.jobs:
            found = measure(size, jobs, args.rounds, args.work, args.time_limit, args.seed, validated=not args.baseline_only)
            rows += found
            print(table(header, found), flush=True)
    print("\n" + table(header, rows))


if __name__ == "__main__":
    main()
