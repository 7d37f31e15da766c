"""One table of RDF syntaxes: every command reads every syntax `export` writes, names and suffixes
people type mean the same thing everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib.compare import isomorphic

from citybrand_kg.cli import main
from citybrand_kg.errors import GraphError
from citybrand_kg.export.formats import export_graph, format_named, format_of
from citybrand_kg.rdf.files import read_dataset, read_graph
from citybrand_kg.rdf.syntaxes import SYNTAXES, syntax_named, syntax_of
from citybrand_kg.serve.store import GraphStore

NAMES = [("ttl", "turtle"), ("Turtle", "turtle"), ("nt", "ntriples"), ("n-triples", "ntriples"), ("nq", "nquads"),
         ("nquads", "nquads"), ("trig", "trig"), ("json-ld", "jsonld"), ("jsonld", "jsonld"), ("xml", "rdfxml"),
         ("rdfxml", "rdfxml"), ("rdf/xml", "rdfxml")]


@pytest.mark.parametrize(("typed", "name"), NAMES)
def test_typed_names(typed: str, name: str) -> None:
    syntax = syntax_named(typed)
    assert syntax is not None and syntax.name == name
    assert format_named(typed) == name


@pytest.mark.parametrize("syntax", SYNTAXES, ids=lambda s: s.name)
def test_every_suffix_names_its_syntax(syntax) -> None:
    for suffix in syntax.suffixes:
        assert syntax_of(Path(f"g{suffix}")) is syntax
        assert syntax_of(Path(f"G{suffix.upper()}")) is syntax
        assert format_of(Path(f"out{suffix}")) == syntax.name


def test_an_unknown_suffix_is_one_sentence() -> None:
    with pytest.raises(GraphError, match=r"g\.txt: the suffix '\.txt' names no graph format; use one of \.ttl"):
        syntax_of(Path("g.txt"))


@pytest.fixture(scope="module")
def exported(seed_build, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("syntaxes")
    source = seed_build.outputs["dataset"]
    return {syntax.name: export_graph(source, syntax.name, folder / f"graph{syntax.suffix}")[0] for syntax in SYNTAXES}


@pytest.mark.parametrize("name", [syntax.name for syntax in SYNTAXES])
def test_every_reader_reads_every_export(name: str, exported: dict[str, Path], seed_graph) -> None:
    path = exported[name]
    assert isomorphic(read_graph(path), seed_graph), name
    assert len(read_dataset(path)) >= 0
    store = GraphStore.open()
    store.load(path)
    count = store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    assert int(next(iter(count))["n"].value) == len(seed_graph)


@pytest.mark.parametrize("command", [["validate"], ["analyze"], ["query", "ASK { ?s ?p ?o }"]], ids=lambda c: c[0])
@pytest.mark.parametrize("name", ["jsonld", "rdfxml", "nquads"])
def test_commands_take_every_export(command: list[str], name: str, exported: dict[str, Path]) -> None:
    args = [command[0], str(exported[name]), *command[1:]]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, (args, result.stderr, result.exception)


def test_export_infers_the_format_from_the_output_suffix(seed_build, tmp_path: Path) -> None:
    out = tmp_path / "graph.nt"
    result = CliRunner().invoke(main, ["export", str(seed_build.outputs["graph"]), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    first = out.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("<") and first.endswith(" .")
    xml = tmp_path / "graph.rdf"
    assert CliRunner().invoke(main, ["export", str(seed_build.outputs["graph"]), "--format", "xml", "-o", str(xml)]).exit_code == 0
    assert xml.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_the_rdfxml_export_is_deterministic(seed_build, tmp_path: Path) -> None:
    first = export_graph(seed_build.outputs["graph"], "rdfxml", tmp_path / "a.rdf")[0].read_bytes()
    second = export_graph(seed_build.outputs["dataset"], "xml", tmp_path / "b.rdf")[0].read_bytes()
    assert first == second
