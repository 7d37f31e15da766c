"""The failure classes of extraction on unseen texts, one case table each (``tests/cases/*.tsv``).

Every row is a sentence written for the tests (not taken from any document), set in a reply letter
whose issuer is the row's ``issuer``; ``expected`` lists what the extractor must find and ``absent``
what it must not. Mention tables give ``Type=label`` items; relation tables (``*_relations.tsv``)
give ``subject > predicate > object`` items, each end named by a label or an alias (a literal for
dates and numbers).
"""

from __future__ import annotations

import pytest

from citybrand_kg.model import DOCUMENT, Document, Extraction
from tests.case_tables import CASES, params, triples, typed

HEAD = "关于对市政协第5号提案的答复\n陈明委员：\n您提出的建议收悉，现答复如下：\n"
MENTION_TABLES = ["brand_labels", "events", "places", "people", "organizations", "works_accounts"]
RELATION_TABLES = ["brand_relations", "relations"]


def extract(extractor, issuer: str, sentence: str, head: str = HEAD) -> Extraction:
    text = head + sentence + "\n" + issuer + "\n"
    extraction = extractor.extract(Document(text=text, source="case.txt"))
    for mention in extraction.mentions:
        assert text[mention.span.begin : mention.span.end] == mention.surface
    return extraction


def names(extraction: Extraction) -> set[tuple[str, str]]:
    return {(e.type.value, n) for e in extraction.entities for n in (e.label, *e.aliases)}


def relation_names(extraction: Extraction) -> set[tuple[str, str, str]]:
    known = {e.key: (e.label, *e.aliases) for e in extraction.entities}
    known[DOCUMENT] = (DOCUMENT,)
    out = set()
    for r in extraction.relations:
        objects = (r.object,) if r.literal else known.get(r.object, ())
        out |= {(s, r.predicate, o) for s in known.get(r.subject, ()) for o in objects}
    return out


def table_params(tables: list[str]) -> list[pytest.ParameterSet]:
    return [
        pytest.param(*p.values, id=f"{name}:{p.id}")
        for name in tables
        if (CASES / f"{name}.tsv").exists()
        for p in params(name, "issuer", "sentence", "expected", "absent")
    ]


def test_every_table_is_read() -> None:
    assert all((CASES / f"{name}.tsv").exists() for name in MENTION_TABLES + RELATION_TABLES)
    assert len(table_params(MENTION_TABLES)) >= 40 and len(table_params(RELATION_TABLES)) >= 15


@pytest.mark.parametrize(("issuer", "sentence", "expected", "absent"), table_params(MENTION_TABLES))
def test_mentions(extractor, issuer: str, sentence: str, expected: str, absent: str) -> None:
    found = names(extract(extractor, issuer, sentence))
    assert typed(expected) <= found, f"missing {sorted(typed(expected) - found)}; found {sorted(found)}"
    assert not typed(absent) & found, f"should not find {sorted(typed(absent) & found)}"


@pytest.mark.parametrize(("issuer", "sentence", "expected", "absent"), table_params(RELATION_TABLES))
def test_relations(extractor, issuer: str, sentence: str, expected: str, absent: str) -> None:
    found = relation_names(extract(extractor, issuer, sentence))
    assert triples(expected) <= found, f"missing {sorted(triples(expected) - found)}; found {sorted(found)}"
    assert not triples(absent) & found, f"should not find {sorted(triples(absent) & found)}"


def test_a_day_without_its_year_dates_nothing_even_in_a_dated_letter(extractor) -> None:
    """The letter's own year is not the year of 5月19日 (the event may be the year before)."""
    text = HEAD + "5月19日我厅参加第十届东盟旅游博览会。\n某省文化和旅游厅\n2023年6月1日\n"
    extraction = extractor.extract(Document(text=text, source="case.txt"))
    assert ("@document", "date", "2023-06-01") in relation_names(extraction)
    assert not [r for r in extraction.relations if r.predicate == "date" and r.subject != DOCUMENT]


@pytest.mark.parametrize(("head", "body"), [
    ("关于政协西双版纳州第十二届委员会第三次会议第45号提案的答复\n李华委员：\n", "西双版纳州政协"),
    ("关于政协第十四届委员会第二次会议第0223号提案的答复\n李华委员：\n", "西双版纳州政协"),
    ("关于州第十七届人民代表大会第二次会议第155号建议的答复\n王强代表：\n", "西双版纳州人大"),
])
def test_the_body_a_proposal_went_to_in_the_sessions_full_form(extractor, head: str, body: str) -> None:
    """政协某州第十二届委员会第三次会议: the place after 政协 is the body's, never the session's 第十."""
    extraction = extract(extractor, "西双版纳州文化和旅游局", "您提出的建议收悉。", head=head)
    assert any(r[1] == "submittedTo" and r[2] == body for r in relation_names(extraction)), relation_names(extraction)
