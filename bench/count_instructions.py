"""Instructions per pass of the extractor and of ``jieba.lcut`` over the same texts, under callgrind.

    python bench/count_instructions.py [--count 20] [--seed 1] [--corpus DIR ...]

Wall-clock figures on this shared machine move by ±20% from one run to the next; instruction
counts do not (valgrind counts the same total for the same program and input, whatever else the
machine does). Each subject runs twice under ``valgrind --tool=callgrind``: once with a warm-up
pass only, once with the warm-up and one measured pass; the difference is one pass, without the
start-up (imports, dictionaries). Needs valgrind (Debian package ``valgrind``). Slow: about a
minute per run for 20 synthetic documents.

Instructions are not time: the extractor's time also depends on memory traffic, so a change that
saves instructions saves less time. Use this to compare two versions of the code, not as the
speed ratio of the extraction benchmark.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from measure import synthetic_corpus

# the program valgrind runs: argv = subject, passes, then the document paths
PROGRAM = """
import logging, sys
from pathlib import Path
from citybrand_kg.read.documents import read_document
subject, passes, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
documents = [read_document(Path(p), max_bytes=1 << 24) for p in paths]
if subject == "extractor":
    from citybrand_kg.pipeline import Extractor
    extractor = Extractor()
    run = lambda: [extractor.extract(d) for d in documents]
else:
    import jieba
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    run = lambda: [jieba.lcut(d.text) for d in documents]
for _ in range(1 + passes):  # the warm-up pass, then the measured ones
    run()
"""


def instructions(subject: str, passes: int, paths: list[Path]) -> int:
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", PROGRAM, subject, str(passes), *map(str, paths)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"valgrind printed no instruction count:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, nargs="+", help="folders of .txt documents (default: a synthetic corpus)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian package valgrind).")
    with tempfile.TemporaryDirectory(prefix="cbkg-bench-") as scratch:
        folders = args.corpus or [synthetic_corpus(args.count, args.seed, Path(scratch) / "corpus")]
        paths = [path for folder in folders for path in sorted(folder.glob("*.txt"))]
        counts = {subject: instructions(subject, 1, paths) - instructions(subject, 0, paths) for subject in ("extractor", "jieba.lcut")}
    print(f"{len(paths)} documents; instructions per pass:")
    for subject, count in counts.items():
        print(f"  {subject}: {count / 1e9:.3f} G")
    print(f"ratio jieba.lcut / extractor (instructions): {counts['jieba.lcut'] / counts['extractor']:.3f}")


if __name__ == "__main__":
    main()
