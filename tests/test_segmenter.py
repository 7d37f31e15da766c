"""The segmenter cuts exactly where jieba's ``cut(HMM=False)`` cuts, with right offsets."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citybrand_kg.segmenter import Segmenter, jieba_tokenizer

SEED = Path(__file__).resolve().parents[1] / "data" / "seed" / "hangzhou_cppcc_292_reply.txt"


@pytest.fixture(scope="module")
def tokenizer():
    return jieba_tokenizer()


def jieba_words(tokenizer, text: str) -> list[str]:
    return list(tokenizer.cut(text, HMM=False))


def test_seed_text_is_cut_as_jieba_cuts_it(tokenizer):
    text = SEED.read_text(encoding="utf-8")
    segmenter = Segmenter(tokenizer)
    for line in text.splitlines():
        assert [line[b:e] for b, e in segmenter.spans(line)] == jieba_words(tokenizer, line)


def test_tokens_carry_offsets_that_slice_the_text(tokenizer):
    text = "2023年，杭州市委宣传部与新华社、CGTN合作举办“杭州亚运会”推介活动 共3场。"
    tokens = Segmenter(tokenizer).tokens(text)
    assert "".join(t.text for t in tokens) == text
    assert all(text[t.begin : t.end] == t.text for t in tokens)
    assert [t.text for t in tokens] == jieba_words(tokenizer, text)


# Chinese characters from common words, ASCII letters and digits (jieba joins single ones),
# the characters jieba keeps inside blocks (+#&._%-), punctuation and whitespace.
_ALPHABET = "杭州市委宣传部新华社国际传播中心文化旅游节亚运会的了和与在是一二三十年月日aBc1209+#&._%-，。、“”《》：；！？（） \t\n\r"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_random_text_is_cut_as_jieba_cuts_it(tokenizer, text):
    assert [text[b:e] for b, e in Segmenter(tokenizer).spans(text)] == jieba_words(tokenizer, text)


def test_words_added_to_the_dictionary_are_seen():
    tokenizer = jieba_tokenizer()
    segmenter = Segmenter(tokenizer)
    text = "金彦龙出席活动"
    before = [text[b:e] for b, e in segmenter.spans(text)]
    tokenizer.add_word("金彦龙", freq=100000)
    after = [text[b:e] for b, e in segmenter.spans(text)]
    assert "金彦龙" not in before
    assert after[0] == "金彦龙"
    assert after == jieba_words(tokenizer, text)
