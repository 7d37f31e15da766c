"""The README is executable: its queries return rows on the seed graph, its commands exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from citybrand_kg.cli import main
from citybrand_kg.serve.query import run_query

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
QUERIES = re.findall(r"```sparql\n(.*?)```", README, flags=re.DOTALL)


def test_the_readme_has_the_five_example_queries() -> None:
    assert len(QUERIES) == 5


@pytest.mark.parametrize("sparql", QUERIES, ids=["event-actors", "events-by-country", "media-partners", "brand-labels", "provenance"])
def test_readme_query_returns_rows(seed_build, sparql: str) -> None:
    answer = run_query([seed_build.outputs["graph"]], sparql)
    assert answer.kind == "select" and len(answer.rows) > 0


def test_quickstart_is_two_commands() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("##", 1)[0]
    block = re.search(r"```\n(.*?)```", quickstart, flags=re.DOTALL)
    assert block is not None and block.group(1).split("\n")[:2] == ["make demo", "make test"]


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_is_documented(name: str) -> None:
    assert f"`citybrand-kg {name}" in README
