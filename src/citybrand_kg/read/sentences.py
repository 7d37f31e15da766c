"""Document text → sentences with code-point offsets.

A sentence ends at 。！？!? or ；; (closing quotes and brackets stay with it) and at every line
break. Leading and trailing blanks are trimmed from each span; blank stretches give no sentence.
Each sentence carries the enumerator of the section it belongs to (一、 （二） 三是 …).
"""

from __future__ import annotations

import re

from citybrand_kg.model import Sentence, Span

_END = re.compile(r"[。！？!?；;]+[”’」』)）\]】》\"']*|\r?\n|\r")
_SECTION = re.compile(
    r"^\s*(?:(?P<a>[一二三四五六七八九十]+)、|[（(](?P<b>[一二三四五六七八九十]+)[)）]|(?P<c>[一二三四五六七八九十]+)是|(?P<d>\d{1,2})[.、．](?!\d))"
)


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Split ``text`` into trimmed, non-empty sentences; ``sentence.text == text[span]``."""
    sentences: list[Sentence] = []
    section: str | None = None
    start = 0
    for match in _END.finditer(text):
        _add(text, start, match.end(), sentences, section)
        if sentences and sentences[-1].section != section:
            section = sentences[-1].section
        start = match.end()
    _add(text, start, len(text), sentences, section)
    return tuple(sentences)


def _add(text: str, begin: int, end: int, out: list[Sentence], section: str | None) -> None:
    while begin < end and text[begin].isspace():
        begin += 1
    while end > begin and text[end - 1].isspace():
        end -= 1
    if begin >= end:
        return
    chunk = text[begin:end]
    marker = section_marker(chunk)
    out.append(Sentence(index=len(out), span=Span(begin, end), text=chunk, section=marker or section))


def section_marker(chunk: str) -> str | None:
    """The enumerator a sentence starts with (``一、``, ``（二）``, ``三是``), if any."""
    match = _SECTION.match(chunk)
    return match.group(0).strip() if match else None
