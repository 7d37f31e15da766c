"""Reply-letter structure: title, document number, addressee, proposal, issuer, date, sections.

``read_letter(text)`` works on the normalised copy of a document (full-width forms folded, same
offsets) and returns a :class:`LetterInfo`. It knows the genre's conventions, not any city:
CPPCC 提案 and NPC 建议 replies (答复 / 回复 / 答复函 / 办理情况), addressed to 委员, 代表 or a
代表团, signed by a body, dated at the foot. Texts without that structure (reports, news) give a
``LetterInfo`` with ``is_reply=False`` and whatever title and date they show.
"""

from __future__ import annotations

import functools
import re

from citybrand_kg.model import LetterInfo, Span
from citybrand_kg.read.sentences import section_marker
from citybrand_kg.resources import pattern_table, pattern_words
from citybrand_kg.wordregex import WordTable, word_alternation

_CN = "一二三四五六七八九十零〇"
_HAN = r"\u3400-\u9fff"
_LEVEL = "(?:市|省|区|县|州|盟|自治区|自治州)"
_SITTING = rf"第?[{_CN}\d]+届(?:委员会|人民代表大会)?(?:常务委员会|常委会)?第?[{_CN}\d]+次(?:全体)?会议"
"""A session as texts write it: 十三届三次会议, or in full 第十四届委员会第二次会议."""
_BODY = (
    rf"(?:[{_HAN}]{{0,8}}?{_LEVEL})?(?:政协|人大)(?:[{_HAN}]{{2,8}}?(?=第?[{_CN}\d]+届))?(?:{_SITTING})?"
    rf"|(?:[{_HAN}]{{0,8}}?{_LEVEL})?第?[{_CN}\d]+届(?:政协|人大|人民代表大会)(?:常务委员会|常委会)?第?[{_CN}\d]+次(?:全体)?会议"
)
_NUMBER = r"(?:上)?\s*第?\s*(?P<num>\d{1,10})\s*号"
_DOC_NUMBER = re.compile(rf"[{_HAN}A-Za-z]{{1,12}}[〔\[(【﹝]\d{{4}}[〕\])】﹞]\s*第?\d{{1,5}}\s*号")
_PROPOSAL = re.compile(rf"(?P<body>{_BODY}){_NUMBER}(?:代表|委员)?(?P<kind>提案|建议)?")
_DESIGNATION = re.compile(rf"(?:{_BODY})?{_NUMBER}\s*(?:代表|委员)?(?:提案|建议)")
"""Where the text names the proposal by its number (市政协18号提案, 第472号建议), with the body in front."""
_NUMBER_ONLY = re.compile(r"[(（]\s*(?:[\u3400-\u9fff]{0,12}?)第?(?P<num>\d{1,10})号\s*[)）]")
_SESSION = re.compile(rf"第?(?P<a>[{_CN}\d]+届)(?:人大|政协|人民代表大会|委员会)?第?(?P<b>[{_CN}\d]+次会议)")
_PROPOSAL_TITLES = (
    re.compile(r"(?:提出|所提|提交)(?:的|了)?[:：]?\s*[《“\"]\s*(?P<title>关于[^《》“”\n]{2,80}?)\s*[》”\"](?:的)?(?:建议|提案)"),
    re.compile(r"(?:提出|所提|提交)(?:的|了)?[:：]?\s*[《“\"]?\s*(?P<title>关于[^《》\n]{2,80}?(?:的)?(?:建议|提案|意见))\s*[》”\"]?"),
)
_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*(?:年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日|-(?P<m2>\d{1,2})-(?P<d2>\d{1,2})(?!\d))")
_CN_DATE = re.compile(r"(?P<y>[二〇零一二三四五六七八九]{4})年(?P<m>[十一二三四五六七八九]{1,3})月(?P<d>[十一二三四五六七八九]{1,3})日")
_QUOTE = re.compile(r"“[^”]{2,200}”")


class _Vocabulary:
    """The letter's words (``data/patterns/letter.tsv``) compiled into patterns, once per process."""

    def __init__(self) -> None:
        table = WordTable(pattern_table("letter"))
        alt = table.alt
        self.addressee = re.compile(
            rf"^\s*(?:尊敬的)?(?P<name>[{_HAN}·]{{2,12}}?)(?P<more>(?:[、，,][{_HAN}·]{{2,6}}?)*)"
            rf"(?P<etc>等[\d一二三四五六七八九十]*[位名]?)?(?P<role>{alt('role')})(?:们)?\s*[:：]"
        )
        self.reply_title = re.compile(rf"(?:{alt('reply')})")
        self.commitment = re.compile(rf"(?:{alt('commitment')})")
        self.issuer_tail = re.compile(rf"^[{_HAN}()（）、]{{2,40}}(?:{alt('issuer_head')})$")
        self.title_issuer = re.compile(rf"^(?P<org>[{_HAN}]{{2,30}}?(?:部|局|厅|委员会|办公室|政府|工委))(?:关于对|关于|对|就)")
        self.source = re.compile(rf"(?:^|(?<=[\s(（【]))(?:{alt('source')})\s*[:：]\s*(?P<name>[^\s:：)）】]{{2,40}})")  # at the start, after a blank (发布时间：… 来源：…) or in brackets ((来源：…))
        self.date_label = re.compile(rf"^(?:{alt('date')})\s*[:：]")
        self.date_label_anywhere = re.compile(rf"(?:^|(?<=\s))(?:{alt('date')})\s*[:：]")
        surnames = word_alternation(pattern_words("surnames"))
        self.proposer = re.compile(
            rf"(?:^|(?<=[^{_HAN}])|(?<=代表团)|(?<=委员会)|(?<=[、○]))(?P<name>(?:{surnames})[{_HAN}]{{1,2}}?)"
            rf"(?:等[^，,。:：]{{0,6}}?)?(?:代表|委员)(?!团)(?:们)?[^，,。]{{0,30}}?(?:{alt('proposer_verb')})"
        )
        self.no_title = frozenset(table.words.get("no_title", ()))
        self.addressee_body = re.compile(rf"^\s*(?P<name>(?=[{_HAN}]{{4}})[{_HAN}]{{1,30}}?(?:{alt('addressee_head')}))\s*[:：]\s*$")  # 市商务局：
        self.suggestion = re.compile(rf"(?:{alt('you')})[^。]{{0,120}}?(?:{alt('proposer_verb')}|建议)")
        self.busy = re.compile("|".join(map(re.escape, (w for w in pattern_words("name_boundaries") if len(w) >= 2))))


@functools.cache
def _vocabulary() -> _Vocabulary:
    return _Vocabulary()


def read_letter(text: str) -> LetterInfo:
    """Find the letter structure of a (normalised) document text."""
    v = _vocabulary()
    lines = _lines(text)
    head = lines[:12]
    addressee = _find_addressee(head)
    proposal = _near_number(_PROPOSAL, text, _head_limit(text))
    title, title_span = _find_title(lines)
    ptitle = _proposal_title(text)
    proposer = v.proposer.search(text[: _head_limit(text) + 400]) if re.search(r"提出|所提|提交", text[: _head_limit(text) + 400]) else None
    replying = proposal is not None or ptitle is not None or bool(title and v.reply_title.search(title))
    is_reply = (addressee is not None or (proposer is not None and ptitle is not None)) and replying
    issuer, issuer_span = _find_issuer(lines, title, title_span)
    date, date_span = _find_date(text, lines)
    number = _DOC_NUMBER.search(text[: _head_limit(text)])
    proposal_number = proposal.group("num") if proposal else _proposal_number_only(text, ptitle)
    session = _SESSION.search(proposal.group(0)) if proposal else None
    kind = (proposal.group("kind") if proposal else None) or _kind(ptitle.group("title") if ptitle else None, addressee)
    named_proposer = proposer is not None and (addressee is None or addressee[2] == "机关")
    return LetterInfo(
        is_reply=is_reply,
        title=title,
        title_span=title_span,
        document_number=re.sub(r"\s+", "", number.group(0)) if number else None,
        addressee=addressee[0] if addressee else None,
        addressee_span=addressee[1] if addressee else None,
        addressee_role=addressee[2] if addressee else None,
        co_addressees=_co_addressees(head) if addressee else (),
        proposer=proposer.group("name") if named_proposer and is_reply and proposer else None,
        proposer_span=Span(proposer.start("name"), proposer.end("name")) if named_proposer and is_reply and proposer else None,
        proposal_kind=kind if is_reply else None,
        proposal_number=proposal_number if is_reply else None,
        proposal_session=session.group("a") + session.group("b") if session else None,
        proposal_body=_body(proposal) if proposal else None,
        proposal_designation=_designation(text, proposal_number) if is_reply else None,
        proposal_title=ptitle.group("title") if ptitle and is_reply else None,
        proposal_title_span=Span(ptitle.start("title"), ptitle.end("title")) if ptitle and is_reply else None,
        issuer=issuer,
        issuer_span=issuer_span,
        source_span=_source_span(lines),
        date=date,
        date_span=date_span,
        sections=_sections(text, lines),
        suggestions=_suggestions(text) if is_reply else (),
        commitments=_commitments(text, lines),
    )


def _lines(text: str) -> list[tuple[int, int, str]]:
    out = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        if stripped:
            begin = pos + raw.index(stripped[0])
            out.append((begin, begin + len(stripped), stripped))
        pos += len(raw)
    return out


def _head_limit(text: str) -> int:
    return min(len(text), 600)


_NUMBER_MARK = re.compile(r"\d\s*号")


class _Shifted:
    """A match found in a window of the text, with offsets into the whole text."""

    def __init__(self, match: re.Match[str], offset: int) -> None:
        self._match, self._offset = match, offset

    def group(self, name: str | int = 0) -> str:
        return self._match.group(name)

    def start(self, name: str | int = 0) -> int:
        return self._match.start(name) + self._offset

    def end(self, name: str | int = 0) -> int:
        return self._match.end(name) + self._offset


def _matches_near_numbers(pattern: re.Pattern[str], text: str, limit: int | None = None) -> list[_Shifted]:
    """Matches of a proposal pattern, looked for only just before each '数字号' (the patterns are
    long alternations with optional prefixes: trying them at every position of a text is slow)."""
    out: list[_Shifted] = []
    end_of_last = 0
    for number in _NUMBER_MARK.finditer(text, 0, limit if limit is not None else len(text)):
        begin = max(end_of_last, number.start() - 48)
        window = text[begin : number.end() + 8]
        found = pattern.search(window)
        while found is not None and begin + found.end() <= number.start():
            found = pattern.search(window, found.end())
        if found is not None:
            out.append(_Shifted(found, begin))
            end_of_last = begin + found.end()
    return out


def _near_number(pattern: re.Pattern[str], text: str, limit: int) -> _Shifted | None:
    found = _matches_near_numbers(pattern, text, limit)
    return found[0] if found else None


def _proposal_title(text: str) -> re.Match[str] | None:
    """The title of the proposal where the reply quotes it (您提出的《关于…的建议》, 提出:“关于…”的建议)."""
    found = [m for m in (pattern.search(text) for pattern in _PROPOSAL_TITLES) if m is not None]
    return min(found, key=lambda m: m.start()) if found else None


def _find_addressee(head: list[tuple[int, int, str]]) -> tuple[str, Span, str] | None:
    v = _vocabulary()
    for begin, _end, line in head:
        body = v.addressee_body.match(line)
        if body and not v.addressee.match(line):
            return body.group("name"), Span(begin + body.start("name"), begin + body.end("name")), "机关"
        match = v.addressee.match(line)
        if match:
            name = match.group("name")
            role = match.group("role")
            if role == "代表团":
                name, span = name + role, Span(begin + match.start("name"), begin + match.end("role"))
            else:
                span = Span(begin + match.start("name"), begin + match.end("name"))
            return name, span, role
    return None


def _co_addressees(head: list[tuple[int, int, str]]) -> tuple[tuple[str, Span], ...]:
    """The other people a salutation names (张某、李某等3位代表：): addressees and proposers too."""
    v = _vocabulary()
    for begin, _end, line in head:
        match = v.addressee.match(line)
        if match and match.group("more") and match.group("role") in ("委员", "代表"):
            base = begin + match.start("more")
            return tuple(
                (part.group(0), Span(base + part.start(), base + part.end()))
                for part in re.finditer(rf"[{_HAN}·]+", match.group("more"))
            )
    return ()


def _find_title(lines: list[tuple[int, int, str]]) -> tuple[str | None, Span | None]:
    v = _vocabulary()
    for begin, end, line in lines[:4]:
        if v.addressee.match(line) or line.endswith((":", "：")) or len(line) > 120 or len(line) < 4:
            continue
        if v.issuer_tail.match(line) or _DOC_NUMBER.fullmatch(line) or line in v.no_title or v.source.search(line) or v.date_label.match(line):
            continue
        if re.fullmatch(r"[\d\s\-:：/.年月日()（）A-Za-z]+", line):
            continue
        return line, Span(begin, end)
    return None, None


def _find_issuer(lines: list[tuple[int, int, str]], title: str | None, title_span: Span | None) -> tuple[str | None, Span | None]:
    v = _vocabulary()
    for begin, end, line in reversed(lines[-4:]):
        if _DATE.fullmatch(line) or _CN_DATE.fullmatch(line):
            continue
        if v.issuer_tail.match(line) and len(line) <= 40 and not v.busy.search(line):
            return line, Span(begin, end)
    for begin, end, line in lines[:8]:
        if v.issuer_tail.match(line) and len(line) <= 30 and not v.busy.search(line):
            return line, Span(begin, end)
        source = v.source.search(line)
        if source and v.issuer_tail.match(source.group("name")):
            return source.group("name"), Span(begin + source.start("name"), begin + source.end("name"))
    if title and title_span:
        match = v.title_issuer.match(title)
        if match:
            return match.group("org"), Span(title_span.begin, title_span.begin + match.end("org"))
    return None, None


def _source_span(lines: list[tuple[int, int, str]]) -> Span | None:
    """The name on a header line that says who published the text (来源：…, 发布机构：…), or on one
    of the last lines ((来源：某某日报) after the story)."""
    v = _vocabulary()
    for begin, _end, line in [*lines[:8], *lines[8:][-3:]]:
        source = v.source.search(line)
        if source:
            return Span(begin + source.start("name"), begin + source.end("name"))
    return None


def _find_date(text: str, lines: list[tuple[int, int, str]]) -> tuple[str | None, Span | None]:
    v = _vocabulary()
    for begin, _end, line in reversed(lines[-4:]):
        match = _DATE.fullmatch(line)
        if match:
            return _iso(match), Span(begin, begin + len(line))
        cn = _CN_DATE.fullmatch(line)
        if cn:
            return _cn_iso(cn), Span(begin, begin + len(line))
    for begin, _end, line in lines[:4]:
        match = _DATE.search(line)
        labelled = line.startswith(("(", "（")) or v.date_label_anywhere.search(line) or re.search(r"(?:发布|时间)\s*[:：]", line)
        if match and (labelled or _DATE.fullmatch(line.split()[0] if line.split() else line)):
            return _iso(match), Span(begin + match.start(), begin + match.end())
    return None, None


def _iso(match: re.Match[str]) -> str | None:
    y, m, d = int(match["y"]), int(match["m"] or match["m2"]), int(match["d"] or match["d2"])
    if 1 <= m <= 12 and 1 <= d <= 31:
        return f"{y:04d}-{m:02d}-{d:02d}"
    return None


def _cn_iso(match: re.Match[str]) -> str | None:
    digits = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")}
    digits["零"] = "0"
    year = "".join(digits.get(c, "") for c in match["y"])

    def small(token: str) -> int:
        if token.startswith("十"):
            return 10 + (int(digits[token[1]]) if len(token) > 1 else 0)
        if len(token) > 1 and token[1] == "十":
            return int(digits[token[0]]) * 10 + (int(digits[token[2]]) if len(token) > 2 else 0)
        return int(digits.get(token, "0"))

    month, day = small(match["m"]), small(match["d"])
    if len(year) == 4 and 1 <= month <= 12 and 1 <= day <= 31:
        return f"{year}-{month:02d}-{day:02d}"
    return None


def _body(match: _Shifted) -> str:
    body = re.sub(r"^.*(?:关于|对|就|在|的|于)", "", match.group("body"))
    return re.sub(r"上$", "", body)


def _designation(text: str, number: str | None) -> tuple[str, Span] | None:
    """The first place the text names the proposal by its number: the designation only, without the
    issuer or the 关于对 in front of it, and without line breaks (a title may wrap)."""
    if not number:
        return None
    for match in _matches_near_numbers(_DESIGNATION, text):
        if match.group("num") == number:
            label = re.sub(r"\s+", "", match.group(0))
            cut = re.match(r"^.*(?:关于|对于|对|就)(?=[^关对就]*?(?:政协|人大|第?\d))", label)
            begin = match.start() + (cut.end() if cut and cut.end() < len(label) - 3 else 0)
            shown = re.sub(r"\s+", "", text[begin : match.end()])
            return shown, Span(begin, match.end())
    return None


def _proposal_number_only(text: str, ptitle: re.Match[str] | None) -> str | None:
    if ptitle is None:
        return None
    window = text[ptitle.end() : ptitle.end() + 30]
    match = _NUMBER_ONLY.search(window)
    return match.group("num") if match else None


def _kind(title: str | None, addressee: tuple[str, Span, str] | None) -> str | None:
    if addressee and addressee[2] == "委员":
        return "提案"
    if addressee and addressee[2] in ("代表", "代表团"):
        return "建议"
    if title and title.endswith("提案"):
        return "提案"
    return "建议" if title else None


_INLINE_SECTION = re.compile(r"(?:^|(?<=[。;；]))\s*[一二三四五六七八九十]+是[^,，。;；]{2,60}")


def _sections(text: str, lines: list[tuple[int, int, str]]) -> tuple[Span, ...]:
    """Section headings: lines opening with 一、 or （一）, and 一是… heads inside paragraphs."""
    spans = []
    for begin, end, line in lines:
        marker = section_marker(line)
        if marker and not marker[0].isdigit() and not marker.endswith("是"):
            stop = re.search(r"[。!?！？]", line)
            spans.append(Span(begin, begin + stop.end() if stop else end))
    for match in _INLINE_SECTION.finditer(text):
        head = match.group(0).lstrip()
        begin = match.end() - len(head)
        spans.append(Span(begin, match.end()))
    return tuple(sorted(set(spans), key=lambda s: (s.begin, s.end)))


def _suggestions(text: str) -> tuple[Span, ...]:
    spans = []
    for sentence in re.finditer(r"[^。\n]+", text):
        if _vocabulary().suggestion.search(sentence.group(0)):
            for quote in _QUOTE.finditer(sentence.group(0)):
                spans.append(Span(sentence.start() + quote.start() + 1, sentence.start() + quote.end() - 1))
    return tuple(spans)


def _commitments(text: str, lines: list[tuple[int, int, str]]) -> tuple[Span, ...]:
    spans = []
    for sentence in re.finditer(r"[^。;；\n]+[。;；]?", text):
        if _vocabulary().commitment.search(sentence.group(0)):
            s = sentence.group(0).strip()
            begin = sentence.start() + sentence.group(0).index(s[0])
            spans.append(Span(begin, begin + len(s)))
    return tuple(spans)
