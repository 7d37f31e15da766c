"""Reply-letter structure: title, document number, addressee, proposal, issuer, date, sections.

``read_letter(text)`` works on the normalised copy of a document (full-width forms folded, same
offsets) and returns a :class:`LetterInfo`. It knows the genre's conventions, not any city:
CPPCC 提案 and NPC 建议 replies (答复 / 回复 / 答复函 / 办理情况), addressed to 委员, 代表 or a
代表团, signed by a body, dated at the foot. Texts without that structure (reports, news) give a
``LetterInfo`` with ``is_reply=False`` and whatever title and date they show.
"""

from __future__ import annotations

import re

from citybrand_kg.model import LetterInfo, Span
from citybrand_kg.read.sentences import section_marker

_CN = "一二三四五六七八九十零〇"
_HAN = r"\u3400-\u9fff"

_REPLY_TITLE = re.compile(r"(答复|回复|复函|办理情况|答复函|的函)")
_DOC_NUMBER = re.compile(rf"[{_HAN}A-Za-z]{{1,12}}[〔\[(【﹝]\d{{4}}[〕\])】﹞]\s*第?\d{{1,5}}\s*号")
_ADDRESSEE = re.compile(
    rf"^\s*(?:尊敬的)?(?P<name>[{_HAN}·]{{2,12}}?)(?P<etc>等)?(?P<role>委员|代表团|代表|同志|先生|女士)(?:们)?\s*[:：]"
)
_PROPOSAL = re.compile(
    rf"(?P<body>(?:[{_HAN}]{{0,8}}?(?:市|省|区|县|州|自治区))?(?:政协|人大)(?:第?[{_CN}\d]+届[{_CN}\d]+次会议)?"
    rf"|(?:[{_HAN}]{{0,8}}?(?:市|省|区|县|州|自治区))?第?[{_CN}\d]+届(?:政协|人大)[{_CN}\d]+次会议)"
    rf"(?:上)?第?(?P<num>\d{{1,7}})号(?P<kind>提案|建议)?"
)
_DESIGNATION = re.compile(r"(?:[\u3400-\u9fff]{0,12}?(?:政协|人大)[\u3400-\u9fff\d]{0,16}?)?第?(?P<num>\d{1,7})号(?:提案|建议)")
"""Where the text names the proposal by its number (市政协292号提案, 第472号建议), with the body in front."""
_NUMBER_ONLY = re.compile(r"[(（]\s*(?:[\u3400-\u9fff]{0,12}?)第?(?P<num>\d{1,7})号\s*[)）]")
_SESSION = re.compile(rf"第?(?P<a>[{_CN}\d]+届)(?:人大|政协|人民代表大会)?(?P<b>[{_CN}\d]+次会议)")
_PROPOSAL_TITLE = re.compile(
    r"(?:提出|所提|提交)(?:的|了)?\s*[《“\"]?\s*(?P<title>关于[^《》\n]{2,80}?(?:的)?(?:建议|提案|意见))\s*[》”\"]?"
)
_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*(?:年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日|-(?P<m2>\d{1,2})-(?P<d2>\d{1,2})(?!\d))")
_CN_DATE = re.compile(r"(?P<y>[二〇零一二三四五六七八九]{4})年(?P<m>[十一二三四五六七八九]{1,3})月(?P<d>[十一二三四五六七八九]{1,3})日")
_ADDRESSEE_BODY = re.compile(rf"^\s*(?P<name>[{_HAN}]{{4,30}}(?:委员会|常委会|人民政府|政府|人大|政协|局|厅|办公室))\s*[:：]\s*$")
_ISSUER_TAIL = re.compile(
    rf"^[{_HAN}()（）、]{{2,40}}(?:部|局|厅|委|委员会|办公室|办|政府|中心|院|会|工委|党委|集团|公司)$"
)
_TITLE_ISSUER = re.compile(rf"^(?P<org>[{_HAN}]{{2,30}}?(?:部|局|厅|委员会|办公室|政府|工委))(?:关于)?(?:对|就)")
_COMMITMENT = re.compile(r"(下一步|今后|下阶段|接下来|未来|我们将|我局将|我厅将|我委将|我办将|将进一步|将继续|将积极)")
_SUGGESTION_CUE = re.compile(r"(您|你们|贵团)[^。]{0,120}?(提出|所提|建议)")
_QUOTE = re.compile(r"“[^”]{2,200}”")


def read_letter(text: str, level_words: frozenset[str] = frozenset()) -> LetterInfo:
    """Find the letter structure of a (normalised) document text."""
    lines = _lines(text)
    head = lines[:12]
    addressee = _find_addressee(head)
    proposal = _PROPOSAL.search(text[: _head_limit(text)])
    title, title_span = _find_title(lines)
    is_reply = addressee is not None and (proposal is not None or _PROPOSAL_TITLE.search(text) is not None or bool(title and _REPLY_TITLE.search(title)))
    issuer, issuer_span = _find_issuer(lines, title, title_span)
    date, date_span = _find_date(text, lines)
    number = _DOC_NUMBER.search(text[: _head_limit(text)])
    ptitle = _PROPOSAL_TITLE.search(text)
    proposal_number = proposal.group("num") if proposal else _proposal_number_only(text, ptitle)
    session = _SESSION.search(proposal.group(0)) if proposal else None
    kind = (proposal.group("kind") if proposal else None) or _kind(ptitle.group("title") if ptitle else None, addressee)
    return LetterInfo(
        is_reply=is_reply,
        title=title,
        title_span=title_span,
        document_number=re.sub(r"\s+", "", number.group(0)) if number else None,
        addressee=addressee[0] if addressee else None,
        addressee_span=addressee[1] if addressee else None,
        addressee_role=addressee[2] if addressee else None,
        proposal_kind=kind if is_reply else None,
        proposal_number=proposal_number if is_reply else None,
        proposal_session=session.group("a") + session.group("b") if session else None,
        proposal_body=_body(proposal) if proposal else None,
        proposal_designation=_designation(text, proposal_number) if is_reply else None,
        proposal_title=ptitle.group("title") if ptitle and is_reply else None,
        proposal_title_span=Span(ptitle.start("title"), ptitle.end("title")) if ptitle and is_reply else None,
        issuer=issuer,
        issuer_span=issuer_span,
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


def _find_addressee(head: list[tuple[int, int, str]]) -> tuple[str, Span, str] | None:
    for begin, _end, line in head:
        body = _ADDRESSEE_BODY.match(line)
        if body and not _ADDRESSEE.match(line):
            return body.group("name"), Span(begin + body.start("name"), begin + body.end("name")), "机关"
        match = _ADDRESSEE.match(line)
        if match:
            name = match.group("name")
            role = match.group("role")
            if role == "代表团":
                name, span = name + role, Span(begin + match.start("name"), begin + match.end("role"))
            else:
                span = Span(begin + match.start("name"), begin + match.end("name"))
            return name, span, role
    return None


def _find_title(lines: list[tuple[int, int, str]]) -> tuple[str | None, Span | None]:
    for begin, end, line in lines[:4]:
        if _ADDRESSEE.match(line) or line.endswith((":", "：")) or len(line) > 120 or len(line) < 4:
            continue
        if _ISSUER_TAIL.match(line) or _DOC_NUMBER.fullmatch(line) or line in ("同意公开", "主动公开", "依申请公开"):
            continue
        if re.fullmatch(r"[\d\s\-:：/.年月日()（）A-Za-z]+", line):
            continue
        return line, Span(begin, end)
    return None, None


def _find_issuer(lines: list[tuple[int, int, str]], title: str | None, title_span: Span | None) -> tuple[str | None, Span | None]:
    for begin, end, line in reversed(lines[-4:]):
        if _DATE.fullmatch(line) or _CN_DATE.fullmatch(line):
            continue
        if _ISSUER_TAIL.match(line) and len(line) <= 40:
            return line, Span(begin, end)
    for begin, end, line in lines[:8]:
        if _ISSUER_TAIL.match(line) and len(line) <= 30:
            return line, Span(begin, end)
    if title and title_span:
        match = _TITLE_ISSUER.match(title)
        if match:
            return match.group("org"), Span(title_span.begin, title_span.begin + match.end("org"))
    return None, None


def _find_date(text: str, lines: list[tuple[int, int, str]]) -> tuple[str | None, Span | None]:
    for begin, _end, line in reversed(lines[-4:]):
        match = _DATE.fullmatch(line)
        if match:
            return _iso(match), Span(begin, begin + len(line))
        cn = _CN_DATE.fullmatch(line)
        if cn:
            return _cn_iso(cn), Span(begin, begin + len(line))
    for begin, _end, line in lines[:4]:
        match = _DATE.search(line)
        if match and (line.startswith(("(", "（")) or "发布" in line or "时间" in line):
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


def _body(match: re.Match[str]) -> str:
    body = re.sub(r"^.*(?:关于|对|就|在|的|于)", "", match.group("body"))
    return re.sub(r"上$", "", body)


def _designation(text: str, number: str | None) -> tuple[str, Span] | None:
    """The first place the text names the proposal by its number, without 关于对/对 in front."""
    if not number:
        return None
    for match in _DESIGNATION.finditer(text):
        if match.group("num") == number:
            return re.sub(r"^(?:关于)?对", "", match.group(0)), Span(match.start(), match.end())
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
        if _SUGGESTION_CUE.search(sentence.group(0)):
            for quote in _QUOTE.finditer(sentence.group(0)):
                spans.append(Span(sentence.start() + quote.start() + 1, sentence.start() + quote.end() - 1))
    return tuple(spans)


def _commitments(text: str, lines: list[tuple[int, int, str]]) -> tuple[Span, ...]:
    spans = []
    for sentence in re.finditer(r"[^。;；\n]+[。;；]?", text):
        if _COMMITMENT.search(sentence.group(0)):
            s = sentence.group(0).strip()
            begin = sentence.start() + sentence.group(0).index(s[0])
            spans.append(Span(begin, begin + len(s)))
    return tuple(spans)
