"""Content negotiation: the remembered choice is the choice, for short and long headers alike."""

from __future__ import annotations

import pytest

from citybrand_kg.serve.negotiation import (
    GRAPH_TYPES,
    REMEMBERED_ACCEPT,
    RESULTS_TYPES,
    choose,
    parse_accept,
    preferred,
)

HEADERS = [
    None,
    "",
    "*/*",
    "application/sparql-results+json",
    "text/csv;q=0.9, application/sparql-results+xml;q=0.8",
    "text/*;q=0.5, text/turtle;q=0.1",
    "application/ld+json, */*;q=0.1",
    "image/png",
    "text/csv;q=0",
]


@pytest.mark.parametrize("header", HEADERS)
@pytest.mark.parametrize("offered", [RESULTS_TYPES, GRAPH_TYPES])
def test_preferred_is_the_choice(header: str | None, offered: tuple[str, ...]) -> None:
    expected = choose(parse_accept(header), list(offered))
    assert preferred(header, offered) == expected
    assert preferred(header, offered) == expected  # remembered


def test_a_long_header_is_negotiated_too() -> None:
    header = ", ".join(["application/x-unknown"] * (REMEMBERED_ACCEPT // 20)) + ", text/csv"
    assert len(header) > REMEMBERED_ACCEPT
    assert preferred(header, RESULTS_TYPES) == "text/csv"
    assert preferred("image/png", RESULTS_TYPES) is None
