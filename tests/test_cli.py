"""The command line: bad input gets one sentence, the good files still build, outputs are atomic."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from citybrand_kg.cli import main

SEED = Path(__file__).resolve().parents[1] / "data" / "seed" / "hangzhou_cppcc_292_reply.txt"

LETTER = "关于对市政协第8号提案的答复\n王五委员：\n您提出的建议收悉，现答复如下：我市与新华社合作举办“山海之约”文化节。\n中共宁波市委宣传部\n"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "citybrand_kg", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300, check=False)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "good.txt").write_text(LETTER, encoding="utf-8")
    (folder / "gbk.txt").write_bytes(LETTER.replace("8号", "9号").encode("gbk"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    return folder


def test_folder_with_bad_files_builds_the_good_ones(corpus: Path, tmp_path: Path) -> None:
    result = run("build", str(corpus), str(corpus / "missing.txt"), "--out", str(tmp_path))
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 3, result.stderr
    assert any("empty.txt" in e and "empty" in e for e in errors)
    assert any("binary.txt" in e and "binary" in e for e in errors)
    assert any("missing.txt" in e and "no such file" in e for e in errors)
    assert "Traceback" not in result.stderr
    graph = (tmp_path / "graph.ttl").read_text(encoding="utf-8")
    assert "gbk.txt" in graph and "good.txt" in graph


@pytest.mark.parametrize("inputs", ["typo", "all bad", "all empty"])
def test_a_build_of_nothing_keeps_the_previous_outputs(inputs: str, corpus: Path, tmp_path: Path) -> None:
    """A mistyped path or a folder where no file can be built must not replace the last good graph."""
    out = tmp_path / "out"
    assert run("build", str(corpus / "good.txt"), "--out", str(out)).returncode == 0
    before = {name: (out / name).read_bytes() for name in ("graph.ttl", "graph.trig", "validation.ttl")}
    folder = tmp_path / inputs.replace(" ", "-")
    if inputs == "typo":
        target = corpus / "goood.txt"
    else:
        folder.mkdir()
        for i in range(3):
            (folder / f"{i}.txt").write_bytes(b"\x00\xff binary" * 20 if inputs == "all bad" else b"")
        target = folder
    result = run("build", str(target), "--out", str(out))
    assert result.returncode == 2, result.stderr
    assert "previous outputs were left as they were" in result.stderr, result.stderr
    assert "conforms" not in result.stdout and "Traceback" not in result.stderr
    assert {name: (out / name).read_bytes() for name in before} == before
    assert not [p for p in out.iterdir() if p.name.startswith(".graph")]


def test_a_build_of_nothing_into_a_new_folder_leaves_no_folder(tmp_path: Path) -> None:
    result = run("build", str(tmp_path / "typo.txt"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "no such file" in result.stderr
    assert not (tmp_path / "out").exists()


def test_default_build_is_the_seed(tmp_path: Path) -> None:
    result = run("build", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert re.search(r"conforms\s+yes", result.stdout), result.stdout
    assert (tmp_path / "graph.ttl").stat().st_size > 10_000
    assert (tmp_path / "validation.ttl").exists()


def test_debug_shows_a_traceback(tmp_path: Path) -> None:
    result = run("--debug", "validate", str(tmp_path / "nope.ttl"))
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_validate_query_and_exit_codes(tmp_path: Path) -> None:
    assert run("build", str(SEED), "--out", str(tmp_path)).returncode == 0
    graph = tmp_path / "graph.ttl"
    ok = run("validate", str(graph))
    assert ok.returncode == 0 and "conforms" in ok.stdout
    broken = tmp_path / "broken.ttl"
    broken.write_text(graph.read_text(encoding="utf-8").replace("nif:beginIndex", "nif:endIndex", 3), encoding="utf-8")
    assert run("validate", str(broken)).returncode == 1
    garbage = tmp_path / "garbage.ttl"
    garbage.write_text("this is not turtle <", encoding="utf-8")
    bad = run("validate", str(garbage))
    assert bad.returncode == 2 and "garbage.ttl" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/citybrand-kg/ontology#Country> }"
    for fmt, probe in (("table", "(1 row)"), ("json", '"n"'), ("csv", "n\n")):
        out = run("query", str(graph), query, "--format", fmt)
        assert out.returncode == 0 and probe in out.stdout, out.stderr
    malformed = run("query", str(graph), "SELEC nothing")
    assert malformed.returncode == 2 and "malformed SPARQL" in malformed.stderr


def test_interrupted_build_keeps_previous_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extractor) -> None:
    from citybrand_kg import pipeline
    from citybrand_kg.corpus import BuildSettings, build

    build([SEED], BuildSettings(out=tmp_path, validate=False, cache=False), extractor)
    before = (tmp_path / "graph.ttl").read_bytes()

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline.Extractor, "extract", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build([SEED], BuildSettings(out=tmp_path, validate=False, cache=False), extractor)
    assert (tmp_path / "graph.ttl").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.trig", "graph.ttl", "validation.ttl"]


def test_write_failure_leaves_no_half_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from citybrand_kg import atomic

    target = tmp_path / "graph.ttl"
    target.write_text("previous", encoding="utf-8")

    class Boom(Exception):
        pass

    with pytest.raises(Boom), atomic.replacing(target) as temporary:
        temporary.write_text("half of a new gra", encoding="utf-8")
        raise Boom
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_every_command_has_help() -> None:
    runner = CliRunner()
    for name, command in main.commands.items():
        assert command.help, name
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output, name


@pytest.mark.parametrize("where", ["before", "after"])
def test_global_options_work_on_either_side_of_the_command(where: str, tmp_path: Path) -> None:
    command = ["build", str(SEED), "--out", str(tmp_path / "out")]
    quiet = run("-q", *command) if where == "before" else run(*command, "-q")
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == "", (quiet.stdout, quiet.stderr)
    missing = ["validate", str(tmp_path / "nope.ttl")]
    debug = run("--debug", *missing) if where == "before" else run(*missing, "--debug")
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_the_output_option_has_one_spelling_everywhere() -> None:
    """-o, --out and --output name where a command writes, in every command that writes."""
    writers = {name: command for name, command in main.commands.items() if any(p.name == "out" for p in command.params)}
    assert {"build", "export", "viz"} <= set(writers)
    for name, command in writers.items():
        option = next(p for p in command.params if p.name == "out")
        assert {"-o", "--out", "--output"} <= set(option.opts), name
