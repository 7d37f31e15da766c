from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citybrand_kg.extract.gazetteers import load_lexicon
from citybrand_kg.extract.quantities import (
    _FIRST,
    chinese_numeral,
    compile_quantity_pattern,
    find_dates,
    find_quantities,
)
from tests.case_tables import params

PATTERN = compile_quantity_pattern(list(load_lexicon().word_set("units")))


@pytest.mark.parametrize(("text", "surface", "value", "unit", "approximate"), params("quantities", "text", "surface", "value", "unit", "approximate"))
def test_quantities(text: str, surface: str, value: str, unit: str, approximate: str) -> None:
    found = find_quantities(text, PATTERN)
    assert len(found) == 1, found
    span, quantity = found[0]
    assert text[span.begin : span.end] == surface == quantity.surface
    assert quantity.value == Decimal(value)
    assert (quantity.unit or "") == unit
    assert quantity.approximate is (approximate == "yes")


@pytest.mark.parametrize("text", ["2019年举办", "第三届论坛", "〔2024〕157号", "G20峰会", "一是加强", "5月19日", "三个基本"])
def test_not_quantities(text: str) -> None:
    assert find_quantities(text, PATTERN) == []


@pytest.mark.parametrize(("token", "value"), [("三十五", 35), ("千", 1000), ("一百零二", 102), ("两万", 20000), ("十", 10)])
def test_chinese_numerals(token: str, value: int | None) -> None:
    result = chinese_numeral(token)
    assert (int(result) if result is not None else None) == value


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("2019年6月举办", None, [["2019-06"]]),
        ("在2017年4和7月", None, [["2017-04", "2017-07"]]),
        ("2023年6月15日", None, [["2023-06-15"]]),
        ("2018年以来", None, [["2018"]]),
        ("今年5月", "2024-03-01", [["2024-05"]]),
        ("去年", "2024-03-01", [["2023"]]),
        ("今年5月", None, []),
        ("近年来", "2024-03-01", []),
        ("5月9日至10日", "2024-05-20", [["--05-09"]]),  # a day without its year stays so
        ("2019第二届世界大会", None, [["2019"]]),
    ],
)
def test_dates(text: str, reference: str | None, expected: list[list[str]]) -> None:
    assert [values for _span, values in find_dates(text, reference)] == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="近约超逾达将大过左右以上余多+万亿千百十两一二三零〇0123,.%家人次场种语言年月第·aX，。、", max_size=30))
def test_the_first_character_test_changes_no_match(text: str) -> None:
    """The pattern starts by checking the figure's first character; without that check it finds the same."""
    assert PATTERN.pattern.startswith(_FIRST)
    unguarded = re.compile(PATTERN.pattern.removeprefix(_FIRST))
    assert [(m.span(), m.groupdict()) for m in PATTERN.finditer(text)] == [(m.span(), m.groupdict()) for m in unguarded.finditer(text)]
