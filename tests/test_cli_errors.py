"""Bad command lines, as a table (``tests/cases/cli_errors.tsv``): one sentence, the right exit code."""

from __future__ import annotations

import shlex
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from citybrand_kg.cli import main
from tests.case_tables import items, params

GRAPH = """@prefix cbo: <https://w3id.org/citybrand-kg/ontology#> .
<https://w3id.org/citybrand-kg/resource/country/france> a cbo:Country .
"""

QUERIES = {
    "ok.rq": "SELECT * WHERE { ?s ?p ?o }",
    "empty.rq": "  \n",
    "update.rq": "INSERT DATA { <a:b> <a:c> <a:d> }",
    "prefixed-update.rq": "PREFIX ex: <http://example.org/>\nDELETE WHERE { ?s ex:p ?o }",
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "graph.ttl").write_text(GRAPH, encoding="utf-8")
    for name, text in QUERIES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "latin1.rq").write_bytes("SELECT * WHERE { ?s ?p \"café\" }".encode("latin-1"))
    (tmp_path / "plain.txt").write_text("a file, not a folder", encoding="utf-8")
    return tmp_path


def _fill(text: str, folder: Path) -> str:
    return text.replace("{graph}", str(folder / "graph.ttl")).replace("{tmp}", str(folder)).replace("{file}", str(folder / "plain.txt"))


@pytest.mark.parametrize(("args", "stdin", "code", "says"), params("cli_errors", "args", "stdin", "exit", "says"))
def test_bad_command_line_gets_one_sentence(args: str, stdin: str, code: str, says: str, folder: Path) -> None:
    result = CliRunner().invoke(main, shlex.split(_fill(args, folder)), input=stdin)
    # Our own errors are one line; option errors that click catches keep its usage lines above the one "Error:" line.
    lines = [line for line in result.stderr.splitlines() if line.startswith(("citybrand-kg: ", "Error: "))]
    assert result.exit_code == int(code), (result.exit_code, result.stderr, result.exception)
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert len(lines[0]) <= 300, lines[0]  # one sentence, not a parser's list of expected characters
    for word in items(_fill(says, folder)):
        assert word in lines[0], (word, lines[0])
    assert not (folder / "out").exists()


def test_a_query_from_stdin_runs(folder: Path) -> None:
    result = CliRunner().invoke(main, ["query", str(folder / "graph.ttl"), "-", "--format", "csv"], input=QUERIES["ok.rq"])
    assert result.exit_code == 0, result.stderr
    assert "country/france" in result.stdout


def test_serving_on_a_taken_port_fails_before_loading(folder: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", str(folder / "graph.ttl"), "--host", "127.0.0.1", "--port", str(port)])
    assert result.exit_code == 2, result.stderr
    assert f"127.0.0.1:{port}" in result.stderr and "cannot listen" in result.stderr


def test_an_empty_writable_store_is_not_refused(folder: Path) -> None:
    """`serve --allow-update` with nothing loaded is a store to fill: it must get past the checks
    (here it stops at the taken port, which proves the emptiness check let it through)."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--allow-update", "--token", "t", "--host", "127.0.0.1", "--port", str(port)])
    assert result.exit_code == 2 and "cannot listen" in result.stderr, result.stderr
