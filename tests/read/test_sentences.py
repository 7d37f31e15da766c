from __future__ import annotations

import pytest

from citybrand_kg.read.sentences import section_marker, split_sentences


def test_sentences_slice_the_text_exactly() -> None:
    text = "  第一句。第二句！“第三句？”\n\n一、标题\n（二）第四句；第五句"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["第一句。", "第二句！", "“第三句？”", "一、标题", "（二）第四句；", "第五句"]
    for s in sentences:
        assert text[s.span.begin : s.span.end] == s.text
    assert [s.index for s in sentences] == list(range(len(sentences)))


def test_sections_carry_over() -> None:
    sentences = split_sentences("一、总体情况。内容一。\n二是加强宣传。内容二。")
    assert [s.section for s in sentences] == ["一、", "一、", "二是", "二是"]


@pytest.mark.parametrize(("chunk", "marker"), [("一、加强", "一、"), ("（三）推进", "（三）"), ("二是做好", "二是"), ("正文", None)])
def test_section_markers(chunk: str, marker: str | None) -> None:
    assert section_marker(chunk) == marker


def test_empty_and_blank_text() -> None:
    assert split_sentences("") == ()
    assert split_sentences(" \n\t ") == ()
