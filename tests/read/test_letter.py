"""Reply-letter structure on letters of several cities and both kinds (提案 and 建议)."""

from __future__ import annotations

import pytest

from citybrand_kg.read.documents import normalized
from citybrand_kg.read.letter import read_letter

CASES = [
    (
        "关于对市政协十三届三次会议第156号提案的答复\n李华委员：\n您提出的《关于推进文旅融合的建议》收悉。现答复如下：\n一、基本情况\n下一步，我们将继续加强宣传。\n苏州市文化广电和旅游局\n2021年6月30日\n",
        {"is_reply": True, "addressee": "李华", "addressee_role": "委员", "proposal_kind": "提案", "proposal_number": "156", "proposal_session": "十三届三次会议", "proposal_title": "关于推进文旅融合的建议", "issuer": "苏州市文化广电和旅游局", "date": "2021-06-30"},
    ),
    (
        "陕西省文化和旅游厅\n陕文旅函〔2024〕118号\n对省十四届人大二次会议第0321号建议的答复\n尊敬的王强代表：\n您提出的“关于提升城市形象的建议”已收悉。\n",
        {"is_reply": True, "addressee": "王强", "addressee_role": "代表", "proposal_kind": "建议", "proposal_number": "0321", "proposal_session": "十四届二次会议", "document_number": "陕文旅函〔2024〕118号", "issuer": "陕西省文化和旅游厅"},
    ),
    (
        "某县代表团：\n贵团提出的《关于支持旅游发展的建议》（第12号）收悉，现答复如下。\n",
        {"is_reply": True, "addressee": "某县代表团", "addressee_role": "代表团", "proposal_kind": "建议", "proposal_number": "12"},
    ),
    (
        "赵敏等委员：\n你们提出的关于打造“文化名城”的提案收悉。\n二〇二三年五月八日\n",
        {"is_reply": True, "addressee": "赵敏", "proposal_kind": "提案", "date": "2023-05-08"},
    ),
    (
        "城市形象宣传片亮相海外\n本报讯 近日，城市形象宣传片在海外播出。\n",
        {"is_reply": False, "title": "城市形象宣传片亮相海外", "addressee": None, "proposal_number": None},
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_letter_structure(text: str, expected: dict[str, object]) -> None:
    letter = read_letter(normalized(text))
    for field, value in expected.items():
        assert getattr(letter, field) == value, field


def test_spans_point_at_their_text() -> None:
    text, _expected = CASES[0]
    letter = read_letter(normalized(text))
    assert letter.addressee_span is not None and text[letter.addressee_span.begin : letter.addressee_span.end] == "李华"
    assert letter.issuer_span is not None and text[letter.issuer_span.begin : letter.issuer_span.end] == "苏州市文化广电和旅游局"
    assert letter.sections and text[letter.sections[0].begin : letter.sections[0].end] == "一、基本情况"
    assert any("下一步" in text[s.begin : s.end] for s in letter.commitments)
