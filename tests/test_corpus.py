"""Batch builds: parallel workers, the cache, bad files among many good ones, interruption."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from citybrand_kg.corpus import BuildSettings, build, read_cache_entry, write_cache_entry
from citybrand_kg.pipeline import GraphText, process_document
from tests.conftest import SEED

TEMPLATE = "关于对市政协第{n}号提案的答复\n委员{n}：\n您提出的建议收悉。我市与新华社合作，在法国举办“城市之光{n}”文化周，吸引{m}余人参加。\n中共宁波市委宣传部\n"


def make_corpus(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"reply_{n:04d}.txt").write_text(TEMPLATE.format(n=n, m=100 + n), encoding="utf-8")
    return folder


def test_rebuild_reextracts_nothing(tmp_path: Path, extractor) -> None:
    corpus = make_corpus(tmp_path / "in", 6)
    settings = BuildSettings(out=tmp_path / "out", validate=False)
    first = build([corpus], settings, extractor)
    assert (first.extracted, first.cached) == (6, 0)
    graph = (tmp_path / "out" / "graph.ttl").read_bytes()
    second = build([corpus], settings, extractor)
    assert (second.extracted, second.cached) == (0, 6)
    assert (tmp_path / "out" / "graph.ttl").read_bytes() == graph
    (corpus / "reply_0002.txt").write_text(TEMPLATE.format(n=2, m=999), encoding="utf-8")
    third = build([corpus], settings, extractor)
    assert (third.extracted, third.cached) == (1, 5)


def test_a_damaged_cache_entry_is_extracted_again(tmp_path: Path, extractor) -> None:
    corpus = make_corpus(tmp_path / "in", 4)
    settings = BuildSettings(out=tmp_path / "out", validate=False)
    build([corpus], settings, extractor)
    graph = (tmp_path / "out" / "graph.ttl").read_bytes()
    entries = sorted((tmp_path / "out" / ".cache").rglob("*.entry"))
    assert len(entries) == 4
    entries[1].write_text("{truncated", encoding="utf-8")
    entries[2].write_bytes(entries[2].read_bytes()[:-10])  # cut short: the lengths in its header tell
    again = build([corpus], settings, extractor)
    assert (again.extracted, again.cached, again.documents) == (2, 2, 4)
    assert (tmp_path / "out" / "graph.ttl").read_bytes() == graph
    for entry in entries[1:3]:  # written again, whole
        assert read_cache_entry(entry) is not None


def test_a_cache_entry_gives_back_the_result_it_holds(tmp_path: Path, extractor) -> None:
    corpus = make_corpus(tmp_path / "in", 1)
    item = process_document(next(corpus.iterdir()), "k" * 64, extractor, spool=tmp_path)
    item = replace(item, conforms=False, report='_:r <http://www.w3.org/ns/shacl#conforms> "false" .\n')
    path = tmp_path / "entry"
    write_cache_entry(path, item)
    again = read_cache_entry(path)
    assert again is not None and again.graph is not None and item.graph is not None
    assert replace(again, graph=item.graph) == replace(item, cached=True)
    assert list(again.graph.lines()) == list(item.graph.lines())
    assert again.graph.path == str(path) and again.graph.length == item.graph.length


def test_parallel_build_equals_serial_build(tmp_path: Path, extractor) -> None:
    corpus = make_corpus(tmp_path / "in", 12)
    serial = build([corpus], BuildSettings(out=tmp_path / "one", validate=False, cache=False, jobs=1), extractor)
    parallel = build([corpus], BuildSettings(out=tmp_path / "two", validate=False, cache=False, jobs=2))
    for name in ("graph", "dataset"):
        assert serial.outputs[name].read_bytes() == parallel.outputs[name].read_bytes()
    assert serial.entity_counts() == parallel.entity_counts()
    assert parallel.documents == 12


def test_one_entity_across_documents(tmp_path: Path, extractor) -> None:
    corpus = make_corpus(tmp_path / "in", 3)
    result = build([corpus], BuildSettings(out=tmp_path / "out", validate=False), extractor)
    xinhua = [key for key, cls in result.entities.items() if cls == "MediaOutlet"]
    assert len(xinhua) == 1
    dataset = (tmp_path / "out" / "graph.trig").read_text(encoding="utf-8")
    assert dataset.count(" {\n") == 4 and dataset.count(xinhua[0]) >= 3  # three documents and the entities
    entities = dataset[dataset.index("/graph/entities> {"):]
    label = f"{xinhua[0]}> <http://www.w3.org/2000/01/rdf-schema#label>"
    assert dataset.count(label) == entities.count(label) >= 1  # described in the entity graph only
    lines = [line for line in dataset.splitlines() if line.endswith(" .")]
    assert len(lines) == len(set(lines))  # and every triple once


def test_the_union_of_a_build_is_the_set_of_its_triples(tmp_path: Path, extractor) -> None:
    """Through the engine's own union default graph: every triple of graph.ttl counted once."""
    import pyoxigraph as ox

    result = build([make_corpus(tmp_path / "in", 3)], BuildSettings(out=tmp_path / "out", validate=False), extractor)
    store = ox.Store()
    store.load(path=str(tmp_path / "out" / "graph.trig"), format=ox.RdfFormat.TRIG)
    union = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    merged = ox.Store()
    merged.load(path=str(tmp_path / "out" / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    assert int(next(iter(union))["n"].value) == len(store) == len(merged) == result.triples  # type: ignore[call-overload]


@pytest.mark.slow
def test_one_bad_file_among_a_thousand(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "in", 1000)
    (corpus / "broken.txt").write_bytes(b"\x00\xff\x00binary" * 50)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "citybrand_kg", "build", str(corpus), "--out", str(out), "--jobs", "2", "--no-validate"], capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and "broken.txt" in errors[0] and "binary" in errors[0]
    assert "1000 (1000 extracted" in done.stdout
    assert (out / "graph.trig").read_text(encoding="utf-8").count(" {\n") == 1001  # and the entity graph


@pytest.mark.slow
def test_sigint_leaves_outputs_and_cache_consistent(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "in", 400)
    out = tmp_path / "out"
    (out).mkdir()
    (out / "graph.ttl").write_text("# previous build\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "citybrand_kg", "build", str(corpus), "--out", str(out), "--jobs", "2", "--no-validate"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    cache = out / ".cache"
    while time.monotonic() < deadline and not (cache.exists() and any(cache.rglob("*.entry"))):  # the first result, long before the last
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    _stdout, stderr = process.communicate(timeout=120)
    assert process.returncode != 0
    assert "Traceback" not in stderr
    assert (out / "graph.ttl").read_text(encoding="utf-8") == "# previous build\n"
    assert not [p for p in out.iterdir() if p.name.startswith(".graph")]
    entries = list(cache.rglob("*.entry"))
    assert entries
    for entry in entries:
        result = read_cache_entry(entry)
        assert result is not None and result.graph is not None and result.graph.length
    assert not [p for p in out.iterdir() if p.name.startswith(".spool")]


# ---------------------------------------------------------------------------- long documents


def spools(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.name.startswith(".spool")]


def test_graph_lines_are_read_back_across_chunks(tmp_path: Path) -> None:
    lines = [f"<x:{n}> <x:p> \"{'长' * (n * 37_000 % 900_000)}\" .\n".encode() for n in range(40)]
    path = tmp_path / "graph.nt"
    path.write_bytes(b"head" + b"".join(lines) + b"tail")
    assert list(GraphText(str(path), 4, sum(map(len, lines))).lines()) == lines


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_long_document_reports_progress_as_it_goes(tmp_path: Path, extractor, jobs: int) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    long = corpus / "long.txt"
    long.write_text("\n".join([SEED.read_text(encoding="utf-8")] * 60), encoding="utf-8")
    make_corpus(corpus, 3)
    seen: list[tuple[int, int, str]] = []
    result = build([corpus], BuildSettings(out=tmp_path / "out", cache=False, jobs=jobs), extractor, progress=lambda *step: seen.append(step))
    assert result.documents == 4 and result.conforms
    total = sum(p.stat().st_size for p in corpus.iterdir())
    assert {step[1] for step in seen} == {total}
    assert [step[0] for step in seen] == sorted(step[0] for step in seen) and seen[-1][0] == total
    size = long.stat().st_size
    within = [done for done, _total, source in seen if source == "long.txt" and 0 < done < size]
    assert len(within) >= 4, seen  # extraction, then each piece of its graph (from a worker when jobs=2)
    assert not spools(tmp_path / "out")


def test_no_spool_file_is_left_when_a_build_fails(tmp_path: Path, extractor) -> None:
    corpus = make_corpus(tmp_path / "in", 3)
    out = tmp_path / "out"

    def stop(done: int, total: int, source: str) -> None:
        if done == total:
            raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        build([corpus], BuildSettings(out=out, cache=False), extractor, progress=stop)
    assert not spools(out)
    assert build([corpus], BuildSettings(out=out), extractor).documents == 3
    assert not spools(out)


def test_a_document_that_fails_midway_leaves_no_spool_file(tmp_path: Path, extractor, monkeypatch) -> None:
    from citybrand_kg.rdf import validation

    def broken(self, triples, ntriples):
        raise MemoryError

    monkeypatch.setattr(validation.PieceValidation, "add", broken)
    corpus = make_corpus(tmp_path / "in", 1)
    with pytest.raises(MemoryError):
        process_document(next(corpus.iterdir()), "k" * 64, extractor, spool=tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["in"]
