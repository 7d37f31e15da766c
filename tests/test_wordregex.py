"""A word list written as a trie matches exactly what the alternation sorted longest first matches."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citybrand_kg.wordregex import word_alternation

# a small alphabet, so that words share beginnings and texts contain them; "." and "-" need escaping
ALPHABET = "欧阳司马张-.a"
WORDS = st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=4), min_size=1, max_size=12)
TEXTS = st.text(alphabet=ALPHABET + "b", max_size=40)
# what follows the words: nothing, a letter that forces backtracking, a look-ahead, a capture
CONTEXTS = ["{}", "{}b", "{}(?=a)", "(?P<w>{})阳?", "(?<!张){}[马a]"]


def sorted_alternation(words: list[str]) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) + ")"


@settings(max_examples=400, deadline=None)
@given(words=WORDS, text=TEXTS, context=st.sampled_from(CONTEXTS))
def test_same_matches_as_the_longest_first_alternation(words: list[str], text: str, context: str) -> None:
    expected = re.compile(context.format(sorted_alternation(words)))
    trie = re.compile(context.format(word_alternation(words)))
    assert [(m.span(), m.groups()) for m in trie.finditer(text)] == [(m.span(), m.groups()) for m in expected.finditer(text)]


def test_shared_beginnings_share_the_pattern() -> None:
    assert word_alternation(["欧阳", "欧", "张", "王", "司马"]) == "(?:司马|欧(?:阳)?|[张王])"
    assert re.fullmatch(word_alternation(["a.b"]), "a.b") and not re.fullmatch(word_alternation(["a.b"]), "axb")


def test_real_word_lists(extractor) -> None:
    """The surnames, as the person patterns use them: same matches on a sentence with many names."""
    surnames = sorted(extractor.recognisers.names.surnames)
    text = "欧阳修、司马光、张三与诸葛亮在上官婉儿的陪同下会见了王小明、山田太郎和李四。"
    expected = re.compile(sorted_alternation(surnames) + "[\u3400-\u9fff]{1,2}")
    trie = re.compile(word_alternation(surnames) + "[\u3400-\u9fff]{1,2}")
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in expected.finditer(text)]


@pytest.mark.parametrize("words", [[], [""], ["a", ""]])
def test_empty_lists_and_words_are_refused(words: list[str]) -> None:
    with pytest.raises(ValueError):
        word_alternation(words)


def test_a_word_table_groups_words_by_kind_and_an_absent_kind_matches_nothing() -> None:
    from citybrand_kg.wordregex import WordTable

    table = WordTable([("cue", "在"), ("cue", "赴", "note"), ("verb", "举办")])
    assert table.words == {"cue": ["在", "赴"], "verb": ["举办"]}
    assert re.fullmatch(table.alt("cue"), "赴") and not re.fullmatch(table.alt("cue"), "举办")
    assert re.search(table.alt("missing"), "在赴举办") is None
