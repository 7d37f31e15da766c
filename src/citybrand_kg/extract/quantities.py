"""Figures and dates in Chinese text.

``find_quantities(text, units)`` → ``[(Span, Quantity)]``: Arabic and Chinese numerals, 万/亿
multipliers, approximate markers (余 多 近 约 超 逾 + 以上 左右), units from ``data/patterns/units.txt``.
``find_dates(text, reference)`` → ``[(Span, [iso, …])]``: 2017年4月5日, 2017年4和7月 (two months),
2019年, and relative dates (今年, 去年 …) resolved against the document's date when it is known,
otherwise left out (never guessed). A day written without its year (5月16日) is ``--05-16``: it
becomes a date only with a year the text gives beside it (2023某大会将于5月16日举办).
"""

from __future__ import annotations

import re
from decimal import Decimal

from citybrand_kg.model import Quantity, Span
from citybrand_kg.wordregex import word_alternation

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_MULTIPLIERS = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "千万": Decimal(10_000_000), "百万": Decimal(1_000_000)}

_PREFIX = r"(?P<pre>将近|超过|大约|近|约|超|逾|达)?"
_NUMBER = r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+(?:[万亿](?![余多]))?|(?<=[近约超逾])[万亿])"
_MID = r"(?P<mid>余|多)?"
_MULT = r"(?P<mult>千万|百万|万|亿)?"
_SUFFIX = r"(?P<post>余|多|\+|以上|左右)?"
# Every figure starts with one of these: the first characters of _PREFIX and of _NUMBER. Checked
# first, it spares the engine trying the optional prefix and each kind of numeral at every other
# position (the matches are the same: tests/extract/test_quantities.py).
_FIRST = r"(?=[\d零〇一二两三四五六七八九十百千万亿将超大近约逾达])"


def chinese_numeral(token: str) -> Decimal | None:
    """``"三十五"`` → 35, ``"千"`` → 1000, ``"一百零二"`` → 102, ``"两万"`` → 20000; None otherwise."""
    if not token:
        return None
    total, section, current = 0, 0, 0
    for ch in token:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (current or 1) * _CN_UNITS[ch]
            current = 0
        elif ch in _CN_BIG:
            total += ((section + current) or 1) * _CN_BIG[ch]
            section = current = 0
        else:
            return None
    return Decimal(total + section + current)


def parse_number(token: str) -> Decimal | None:
    if token[0].isdigit():
        return Decimal(token.replace(",", ""))
    return chinese_numeral(token)


def compile_quantity_pattern(units: list[str]) -> re.Pattern[str]:
    return re.compile(_FIRST + _PREFIX + _NUMBER + _MID + _MULT + _SUFFIX + rf"(?P<unit>{word_alternation(units)})?" + r"(?P<post2>\+|以上|左右|余)?")


def find_quantities(text: str, pattern: re.Pattern[str], arabic_only: frozenset[str] = frozenset(), counted_in_words: frozenset[str] = frozenset()) -> list[tuple[Span, Quantity]]:
    found = []
    for match in pattern.finditer(text):
        quantity = _quantity(text, match, arabic_only, counted_in_words)
        if quantity is not None:
            begin = match.start("pre") if match.group("pre") and match.group("pre") != "达" else match.start("num")
            found.append((Span(begin, match.end()), quantity))
    return found


_SESSION_AFTER = re.compile(r"[届期](?:全国|人大|政协|人民|中央|[省市区县]委|党委|党代会|委员|代表|常委|理事|[一二三四五六七八九十\d]+次)")


def _quantity(text: str, match: re.Match[str], arabic_only: frozenset[str] = frozenset(), counted_in_words: frozenset[str] = frozenset()) -> Quantity | None:
    num, unit, mult = match.group("num"), match.group("unit") or "", match.group("mult") or ""
    start = match.start("num")
    if start > 0 and (text[start - 1].isascii() and text[start - 1].isalnum() or text[start - 1] in "第.·"):
        return None
    end = match.end("num")
    if end < len(text) and (text[end] in "年月日号" or _SESSION_AFTER.match(text, end)):
        return None  # dates, numbers of documents, sessions (十四届全国人大); 三届 (three editions) is a count
    chinese = not num[0].isdigit()
    if unit in arabic_only and (chinese or match.group("mult")):
        return None  # 三市, 两省区: a set the text names, not a figure
    after_unit = text[match.end() : match.end() + 1]
    if unit == "个" and after_unit == "月" or text[max(0, match.start() - 1) : match.start()] in ("几", "数", "若"):
        return None  # durations (1个月) and vague figures (数千万, 几十项)
    approx = bool(match.group("pre") and match.group("pre") != "达") or bool(match.group("mid") or match.group("post") or match.group("post2"))
    counted = (unit in counted_in_words or (num == "两" and bool(unit))) and num not in ("一", "零", "〇")  # 三届, 两座; not 一场
    if chinese:
        if len(num) == 1 and num not in "十百千" and not approx and not counted:
            return None
        if not unit and not mult:
            return None
    elif not unit and not mult:
        return None
    value = parse_number(num)
    if value is None:
        return None
    if mult:
        value *= _MULTIPLIERS[mult]
    if chinese and value < 10 and not approx and not counted:
        return None
    surface = text[match.start("pre") if match.group("pre") and match.group("pre") != "达" else start:match.end()]
    return Quantity(value=value.normalize() if value == value.to_integral() else value, unit=unit, approximate=approx, surface=surface)


# --- dates ----------------------------------------------------------------------------------

_FULL_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
_MONTHS = re.compile(r"(?P<y>(?:19|20)\d{2})年(?P<ms>\d{1,2}(?:月?(?:和|、|及|与)\d{1,2})+)月")
_MONTH = re.compile(r"(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?!\d{1,2}日)")
_YEAR = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?:年(?![\d度])|(?=第[一二三四五六七八九十\d]+届|“|[\u4e00-\u9fff](?<![年度届万亿多余元个家人次名位场期批])))")
_RELATIVE = re.compile(r"(?P<rel>今年|去年|前年|明年)(?:(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?)?")
_MONTH_DAY = re.compile(r"(?<![\d年])(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
_OFFSETS = {"今年": 0, "去年": -1, "前年": -2, "明年": 1}


def find_dates(text: str, reference: str | None = None) -> list[tuple[Span, list[str]]]:
    """Dates stated in ``text`` as ISO strings; ``reference`` is the document date (ISO) or None."""
    found: list[tuple[Span, list[str]]] = []
    taken: list[Span] = []

    def add(match: re.Match[str], values: list[str]) -> None:
        span = Span(match.start(), match.end())
        if values and not any(span.overlaps(t) for t in taken):
            taken.append(span)
            found.append((span, values))

    for m in _FULL_DATE.finditer(text):
        add(m, [_iso(m["y"], m["m"], m["d"])])
    for m in _MONTHS.finditer(text):
        add(m, [_iso(m["y"], month) for month in re.split(r"月?(?:和|、|及|与)", m["ms"])])
    for m in _MONTH.finditer(text):
        add(m, [_iso(m["y"], m["m"])])
    for m in _YEAR.finditer(text):
        add(m, [m["y"]])
    ref_year = int(reference[:4]) if reference else None
    for m in _RELATIVE.finditer(text):
        if ref_year is not None:
            add(m, [_iso(str(ref_year + _OFFSETS[m["rel"]]), m["m"], m["d"])])
    for m in _MONTH_DAY.finditer(text):
        add(m, [f"--{int(m['m']):02d}-{int(m['d']):02d}"])
    found.sort(key=lambda item: item[0].begin)
    return [item for item in found if all(_valid(v) for v in item[1])]


def _iso(year: str, month: str | None = None, day: str | None = None) -> str:
    if month is None:
        return year
    if day is None:
        return f"{year}-{int(month):02d}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _valid(iso: str) -> bool:
    parts = [int(p) for p in iso.lstrip("-").split("-")]
    if iso.startswith("--"):  # a day without its year
        return 1 <= parts[0] <= 12 and 1 <= parts[1] <= 31
    if len(parts) >= 2 and not 1 <= parts[1] <= 12:
        return False
    return not (len(parts) == 3 and not 1 <= parts[2] <= 31)


def is_partial(iso: str) -> bool:
    """A day without its year (``--05-16``)."""
    return iso.startswith("--")


def with_year(year: str, partial: str) -> str:
    """``2023`` and ``--05-16`` → ``2023-05-16``."""
    return year + partial[1:]


def datatype_of(iso: str) -> str:
    return {1: "gYear", 2: "gYearMonth", 3: "date"}[iso.count("-") + 1]
