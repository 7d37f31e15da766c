"""Reply-letter structure on letters of several cities and both kinds (提案 and 建议)."""

from __future__ import annotations

import pytest

from citybrand_kg.read.documents import normalized
from citybrand_kg.read.letter import read_letter
from tests.case_tables import items, params, rows

CASES = rows("letters")


def expected_fields(cell: str) -> dict[str, object]:
    values: dict[str, object] = {"none": None, "yes": True, "no": False}
    return {key: values.get(value, value) for key, value in (item.split("=", 1) for item in items(cell))}


@pytest.mark.parametrize(("text", "expected"), params("letters", "text", "expected"))
def test_letter_structure(text: str, expected: str) -> None:
    letter = read_letter(normalized(text))
    for field, value in expected_fields(expected).items():
        assert getattr(letter, field) == value, field


def test_spans_point_at_their_text() -> None:
    text = CASES[0]["text"]
    letter = read_letter(normalized(text))
    assert letter.addressee_span is not None and text[letter.addressee_span.begin : letter.addressee_span.end] == "李华"
    assert letter.issuer_span is not None and text[letter.issuer_span.begin : letter.issuer_span.end] == "苏州市文化广电和旅游局"
    assert letter.sections and text[letter.sections[0].begin : letter.sections[0].end] == "一、基本情况"
    assert any("下一步" in text[s.begin : s.end] for s in letter.commitments)


def test_a_salutation_may_name_several_people() -> None:
    text = "对市政协五届一次会议第88号提案的答复\n王海、李明、赵立等3位委员：\n你们提出的《关于发展乡村旅游的建议》收悉。\n"
    letter = read_letter(normalized(text))
    assert letter.addressee == "王海"
    assert [name for name, _span in letter.co_addressees] == ["李明", "赵立"]
    assert all(text[span.begin : span.end] == name for name, span in letter.co_addressees)


@pytest.mark.parametrize("header", ["发布时间:2023-07-05 09:30   来源:大众日报", "来源:大众日报", "2023年07月05日 09:22 来源:大众日报"])
def test_the_publisher_is_read_wherever_its_label_stands_on_a_header_line(header: str) -> None:
    text = f"论坛在曲阜开幕\n{header}\n7月4日，论坛在曲阜开幕。\n"
    letter = read_letter(normalized(text))
    assert letter.source_span is not None and text[letter.source_span.begin : letter.source_span.end] == "大众日报"


def test_the_publisher_in_brackets_after_the_story_is_read() -> None:
    body = "".join(f"第{i}段，论坛继续举行。\n" for i in range(1, 12))
    text = f"论坛在长沙开幕\n本报讯 7月4日，论坛在长沙开幕。\n{body}（来源：长沙晚报）\n"
    letter = read_letter(normalized(text))
    assert letter.source_span is not None and text[letter.source_span.begin : letter.source_span.end] == "长沙晚报"
