"""Cold start of ``citybrand-kg build`` on the bundled seed, beside ``import rdflib, jieba``.

    python bench/bench_coldstart.py [--rounds 7]

Each round runs, in a fresh process and in alternating order, ``citybrand-kg --quiet build
--no-cache --out TMP`` (the seed: read, extract, map, validate, write) and the baseline
``python -c "import rdflib, jieba"``; the medians and their ratio are reported (target: the build
under 2 s). jieba's own dictionary cache (in the system temporary folder) and the project's user
cache (jieba's dictionary as a trie, the ontology mixin and the SPARQL-constraint analyses, under
``$XDG_CACHE_HOME/citybrand-kg``) are warm, as they are on any machine after the first run; the
project's build cache is not used. One more subject runs the build with an empty user cache each
round (a first run: it builds those entries), so the price of the first run is on record too.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from measure import VENV_BIN, interleaved, machine, median, spread, table


def run(command: list[str], env: dict[str, str] | None = None) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def first_run(command: list[str], scratch: Path) -> None:
    """``command`` with an empty user cache folder, as on a machine where it never ran."""
    cache = Path(tempfile.mkdtemp(prefix="user-cache-", dir=scratch))
    run(command, env={**os.environ, "XDG_CACHE_HOME": str(cache)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cbkg-cold-") as scratch:
        build = [str(VENV_BIN / "citybrand-kg"), "--quiet", "build", "--no-cache", "--out", str(Path(scratch) / "out")]
        subjects = {
            "citybrand-kg build (seed)": lambda: run(build),
            "citybrand-kg build --no-validate (seed)": lambda: run([*build, "--no-validate"]),
            "citybrand-kg build (seed), empty user cache": lambda: first_run(build, Path(scratch)),
            'python -c "import rdflib, jieba"': lambda: run([sys.executable, "-c", "import rdflib, jieba"]),
            "citybrand-kg --help": lambda: run([str(VENV_BIN / "citybrand-kg"), "--help"]),
        }
        for subject in subjects.values():  # warm the page cache and jieba's dictionary cache
            subject()
        times = interleaved(subjects, args.rounds)
    baseline = median(times['python -c "import rdflib, jieba"'])
    rows = [[name, spread(values), f"{median(values) / baseline:.2f}"] for name, values in times.items()]
    print(f"{args.rounds} interleaved rounds; {machine()}.\n")
    print(table(["command", "median (range)", "ratio to import rdflib, jieba"], rows))
    print(f"\ntarget: build under 2 s; measured median {median(times['citybrand-kg build (seed)']):.2f} s")


if __name__ == "__main__":
    main()
