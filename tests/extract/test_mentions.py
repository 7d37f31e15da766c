"""Data-driven extraction cases (``tests/cases/mentions.tsv``): sentences written for the tests, from
many cities, and the (type, label) pairs the extractor must find, or must not find, in them."""

from __future__ import annotations

import pytest

from citybrand_kg.model import Document
from tests.case_tables import params, typed

HEAD = "关于对市政协第5号提案的答复\n陈明委员：\n您提出的建议收悉，现答复如下：\n"


def found_names(extractor, issuer: str, sentence: str) -> set[tuple[str, str]]:
    """(type, label) and (type, alias) of every entity extracted from the sentence set in a reply."""
    text = HEAD + sentence + "\n" + issuer + "\n"
    extraction = extractor.extract(Document(text=text, source="case.txt"))
    for mention in extraction.mentions:
        assert text[mention.span.begin : mention.span.end] == mention.surface
    return {(e.type.value, e.label) for e in extraction.entities} | {(e.type.value, a) for e in extraction.entities for a in e.aliases}


@pytest.mark.parametrize(("issuer", "sentence", "expected", "absent"), params("mentions", "issuer", "sentence", "expected", "absent"))
def test_sentences(extractor, issuer: str, sentence: str, expected: str, absent: str) -> None:
    found = found_names(extractor, issuer, sentence)
    assert typed(expected) <= found, sorted(found)
    assert not typed(absent) & found, sorted(found)
