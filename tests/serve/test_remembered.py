"""remembered(kept, longest): results kept per text, long texts computed afresh."""

from __future__ import annotations

from citybrand_kg.serve.remembered import remembered


def test_short_texts_are_remembered_and_long_ones_computed_each_time() -> None:
    calls: list[str | None] = []

    @remembered(2, 5)
    def length(text: str | None, extra: int = 0) -> int:
        calls.append(text)
        return (len(text) if text else 0) + extra

    assert [length("abc"), length("abc"), length(None), length(None)] == [3, 3, 0, 0]
    assert calls == ["abc", None]
    assert [length("abcdef"), length("abcdef")] == [6, 6]
    assert calls[2:] == ["abcdef", "abcdef"]
    assert length("abc", 1) == 4  # the other arguments are part of the key
    length("x"), length("y"), length("z")  # only the two latest are kept
    calls.clear()
    length("abc")
    assert calls == ["abc"]
    assert length.__doc__ is None and length.__name__ == "length"
