"""Regular expressions for long word lists (surnames, titles, units, heads).

``word_alternation(words)`` is a pattern that matches exactly what ``(?:w1|w2|…)`` matches with the
words sorted longest first, in the same order of preference, but written as a trie: words that
share a beginning share it in the pattern (``欧阳|欧`` → ``欧(?:阳)?``) and one-character words
become a character class. Python's regular-expression engine tries the branches of an
alternation one after the other at every position, so a list of hundreds of surnames cost
hundreds of tests per character; the trie costs one or two.

Why the order is the same: the words that match at one position are all beginnings of the text
there, so each is a prefix of the next longer one. The sorted alternation tries them longest
first; the trie, whose optional continuations are greedy, also tries the longest first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_END = ""  # marks a node where a word ends


def word_alternation(words: Iterable[str]) -> str:
    """A non-capturing pattern for ``words`` (not empty), longest match preferred."""
    trie: dict[str, dict] = {}
    for word in words:
        if not word:
            raise ValueError("an empty word cannot be part of a word alternation")
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[_END] = {}
    if not trie:
        raise ValueError("a word alternation needs at least one word")
    return "(?:" + "|".join(_branches(trie)) + ")"


class WordTable:
    """The rows of a (kind, word, …) pattern table, grouped by kind: each kind's words, and its words
    as one alternation (``data/patterns/relations.tsv``, ``letter.tsv``)."""

    def __init__(self, rows: Iterable[Sequence[str]]) -> None:
        self.words: dict[str, list[str]] = {}
        for kind, word, *_rest in rows:
            self.words.setdefault(kind, []).append(word)

    def alt(self, kind: str) -> str:
        """The kind's words as an alternation; a pattern that matches nothing when it has none."""
        return word_alternation(self.words[kind]) if self.words.get(kind) else "(?!)"


def _branches(node: dict[str, dict]) -> list[str]:
    """The ways to go on from a node: one branch per next character, one-character ends in a class."""
    singles = []  # characters that end a word and go no further
    branches = []
    for char in sorted(c for c in node if c != _END):
        child = node[char]
        if list(child) == [_END]:
            singles.append(char)
        else:
            branches.append(re.escape(char) + _pattern(child))
    if singles:
        branches.append(re.escape(singles[0]) if len(singles) == 1 else "[" + "".join(map(re.escape, singles)) + "]")
    return branches


def _pattern(node: dict[str, dict]) -> str:
    """What may follow a node that has at least one way to go on."""
    branches = _branches(node)
    if _END in node:  # a word may end here: try to go on first (greedy), as longest-first does
        return "(?:" + "|".join(branches) + ")?"
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
