"""The segmenter cuts exactly where jieba's ``cut(HMM=False)`` cuts, with right offsets, and its
dictionary cache is rebuilt when it cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citybrand_kg.read.segmenter import Dictionary, Segmenter, jieba_tokenizer, load_dictionary

SEED = Path(__file__).resolve().parents[2] / "data" / "seed" / "hangzhou_cppcc_292_reply.txt"


@pytest.fixture(scope="module")
def tokenizer():
    return jieba_tokenizer()


@pytest.fixture(scope="module")
def segmenter(tokenizer):
    return Segmenter(Dictionary.from_tokenizer(tokenizer))


def jieba_words(tokenizer, text: str) -> list[str]:
    return list(tokenizer.cut(text, HMM=False))


def test_seed_text_is_cut_as_jieba_cuts_it(tokenizer, segmenter):
    text = SEED.read_text(encoding="utf-8")
    for line in text.splitlines():
        assert [line[b:e] for b, e in segmenter.spans(line)] == jieba_words(tokenizer, line)


def test_tokens_carry_offsets_that_slice_the_text(tokenizer, segmenter):
    text = "2023年，杭州市委宣传部与新华社、CGTN合作举办“杭州亚运会”推介活动 共3场。"
    tokens = segmenter.tokens(text)
    assert "".join(t.text for t in tokens) == text
    assert all(text[t.begin : t.end] == t.text for t in tokens)
    assert [t.text for t in tokens] == jieba_words(tokenizer, text)


# Chinese characters from common words, ASCII letters and digits (jieba joins single ones),
# the characters jieba keeps inside blocks (+#&._%-), punctuation and whitespace.
_ALPHABET = "杭州市委宣传部新华社国际传播中心文化旅游节亚运会的了和与在是一二三十年月日aBc1209+#&._%-，。、“”《》：；！？（） \t\n\r"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_random_text_is_cut_as_jieba_cuts_it(tokenizer, segmenter, text):
    assert [text[b:e] for b, e in segmenter.spans(text)] == jieba_words(tokenizer, text)


def test_dictionary_knows_words_frequencies_and_prefixes(tokenizer, segmenter):
    dictionary = segmenter.dictionary
    assert dictionary.total == tokenizer.total
    for word in ("宣传部", "杭州", "新华社", "的"):
        assert dictionary.frequency(word) == tokenizer.FREQ[word] > 0
    assert dictionary.is_prefix("宣传") and dictionary.is_prefix("新华")
    assert dictionary.frequency("金彦龙") == 0 and not dictionary.is_prefix("金彦龙")


@pytest.mark.slow
def test_dictionary_is_cached_and_a_broken_cache_is_rebuilt(tmp_path, caplog, segmenter):
    text = "杭州市委宣传部与新华社合作。"
    first = load_dictionary(tmp_path)
    [cached] = list(tmp_path.glob("jieba-dictionary-*.pickle"))
    again = load_dictionary(tmp_path)
    assert Segmenter(first).spans(text) == Segmenter(again).spans(text) == segmenter.spans(text)
    # the names jieba tags nr, three characters long, come back from the cache too
    assert "王晓东" in first.person_names and first.person_names == again.person_names
    assert "宣传部" in again.person_names and "新华社" not in again.person_names and "杭州" not in again.person_names
    # proper nouns jieba tags (people, places, organisations) come back too; frequent two-character nr words do not
    assert again.is_proper("孔子") and again.is_proper("华侨城") and again.is_proper("黄河")
    assert not again.is_proper("文明") and not again.is_proper("国家") and not again.is_proper("旅游")
    assert again.frequency("孔子") == first.frequency("孔子") > 0
    cached.write_bytes(b"not a pickle")
    with caplog.at_level("WARNING"):
        rebuilt = load_dictionary(tmp_path)
    assert "cannot read the cached dictionary" in caplog.text and str(cached) in caplog.text
    assert Segmenter(rebuilt).spans(text) == segmenter.spans(text)
    assert cached.stat().st_size > 1_000_000  # written again, whole
