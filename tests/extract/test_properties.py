"""Property tests: the extractor never crashes and its offsets always slice the text exactly."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citybrand_kg.model import Document

GENRE = list("市委宣传部与新华社联合举办第三届国际论坛在法国德国巡演“”《》、，。；：（）0123456789余万亿家次人场年月日号提案建议委员代表答复如下一是二、\n ")
texts = st.one_of(
    st.text(max_size=400),
    st.text(alphabet=st.sampled_from(GENRE), max_size=600),
    st.lists(st.sampled_from(["关于对市政协第12号提案的答复\n", "张三委员：\n", "“极美某城”", "在美国《纽约时报》", "近千人", "2019年4和7月", "@Name", "脸书", "\r\n", "\u0000", "🙂", "Ａ"]), max_size=30).map("".join),
)


def _check(extractor, text: str) -> None:
    extraction = extractor.extract(Document(text=text, source="p.txt"))
    keys = {e.key for e in extraction.entities}
    for sentence in extraction.sentences:
        assert text[sentence.span.begin : sentence.span.end] == sentence.text
    for mention in extraction.mentions:
        assert 0 <= mention.span.begin < mention.span.end <= len(text)
        assert text[mention.span.begin : mention.span.end] == mention.surface
        assert mention.entity in keys
    for relation in extraction.relations:
        assert 0 <= relation.sentence < max(1, len(extraction.sentences))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=texts)
def test_any_text(extractor, text: str) -> None:
    _check(extractor, text)


def test_empty_and_long_texts(extractor) -> None:
    rng = random.Random(7)
    _check(extractor, "")
    long_text = "".join(rng.choice(GENRE) for _ in range(100_000))
    _check(extractor, long_text)
    assert len(long_text) == 100_000
