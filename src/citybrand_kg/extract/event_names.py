"""Names of events: forums, festivals, exhibitions, conferences and sessions, campaigns, awards.

``EventNames`` reads a :class:`~citybrand_kg.model.SentenceView` and returns candidate mentions:

- a quoted or 《》 name that ends with an event head (“第四届某某节”), or that a head follows
  (“某某”主题活动: the head is part of the label unless it is generic, then the quoted name alone);
- a quoted list followed by one shared head (“甲”、“乙”等系列活动: one event per item);
- a name built from a head (``data/patterns/event_heads.txt``) and its modifiers back to a boundary,
  when it shows a sign of a proper name (an ordinal, a year, a place, a quotation, Latin letters,
  a first word the dictionary tags a proper noun);
  a leading date (4·28) is not part of it, and a trailing ceremony or generic word
  (``event_ceremonies.txt``: 开幕式, 活动 …) is left out when what remains ends with a head;
- sessions of people's congresses and CPPCC committees (某市第十三届人民代表大会常务委员会第三十次会议)
  and party congresses (党的十八大), except where they only say where a proposal was made.
"""

from __future__ import annotations

import re
from dataclasses import replace

from citybrand_kg.extract.recognisers import HAN, Heads, NameRules, clean, is_punct
from citybrand_kg.extract.recognisers import stops as _stops_name
from citybrand_kg.model import PLACE_TYPES, EntityType, Mention, SentenceView
from citybrand_kg.wordregex import word_alternation

T = EntityType
_CN = "一二三四五六七八九十百零〇两"
_ORDINAL = re.compile(rf"第[{_CN}\d]+[届期次季轮]|(?:19|20)\d{{2}}|[A-Za-z]|[{_CN}\d]+(?=运会|博会|交会)|[{HAN}][—-][{HAN}]")
_DATE_TAIL = re.compile(r"\d\s*[月日]$|时间\S*月$")
_LEADING_DATE = re.compile(r"^(?:(?:19|20)\d{2}年(?:\d{1,2}月)?|\d{1,2}月\d{1,2}日|[\d·.\-/]+(?=[^\d·.\-/年]))")
_SHORT_FORM = re.compile(rf"(?:[省市区县州]|全国)?[{_CN}\d]+(?:运会|博会|交会)")
_COUNTED = re.compile(rf"^[{_CN}\d]+(?:项|大(?=[{HAN}]{{0,2}}(?:行动|活动|工程)$))")
_SESSION = re.compile(
    rf"(?:第?[{_CN}\d]+届(?:全国)?(?:人民代表大会|人大|政协|政治协商会议)(?:[{HAN}]{{0,6}}?委员会)?(?:常务委员会|常委会)?"
    rf"|(?:全国)?(?:人民代表大会|人大|政协)(?:常务委员会|常委会)?第?[{_CN}\d]+届(?:常务委员会|常委会)?)"
    rf"第?[{_CN}\d]+次(?:全体)?会议"
)
_PROPOSAL_CONTEXT = re.compile(r"^\s*(?:上|期间)?\s*(?:第?\s*\d+\s*号|提出|所提|的提案|的建议|代表建议|委员提案)")
_LETTER = re.compile(rf"[{HAN}A-Za-z]")
_LATIN = re.compile(r"[A-Za-z]")
_PARTY_CONGRESS = re.compile(rf"党的[{_CN}]+大")


class EventNames:
    """Compiled heads and word lists of the event recognisers, built once from a :class:`NameRules`."""

    def __init__(self, rules: NameRules) -> None:
        self.rules = rules
        w = rules.lexicon.word_set
        self.heads = Heads(w("event_heads"))
        self.quoted_heads = Heads(w("event_heads") | w("event_heads_quoted"))
        self.generic = w("event_generic")
        self.weak = w("event_heads_weak")
        self.time_heads = w("event_time_heads")
        self.activity_heads = w("event_activity_heads")
        self.ceremonies = tuple(sorted(w("event_ceremonies"), key=lambda c: -len(c)))
        self.strong_prefixes = rules.strong_prefixes
        self.list_words = frozenset(("等", "、", "及", "和", "与"))
        alt = word_alternation(self.heads)
        self.quoted = re.compile(r"[“《](?P<n>[^“”《》\n]{1,60})[”》]")
        self.after_quote = re.compile(rf"[“《](?P<n>[^“”《》\n]{{2,60}})[”》](?P<h>[{HAN}]{{0,6}}?(?:{alt}))")
        reference_heads = sorted({*self.heads, "展览", "主题展览"}, key=lambda h: (-len(h), h))
        determiners = word_alternation(w("event_reference_words"))
        self.reference = re.compile(rf"{determiners}(?P<mod>[{HAN}]{{0,4}}?)(?P<head>{'|'.join(map(re.escape, reference_heads))})")
        bare = [h for h in reference_heads if len(h) >= 2 and h not in self.activity_heads]
        self.bare_reference = re.compile(rf"\s*(?P<head>{'|'.join(map(re.escape, bare))})(?=[将还共也已于在由为以期上现设邀吸举])")  # 大会将举办…: at a sentence's start
        self.quoted_run = re.compile(rf"(?P<run>(?:“[^“”\n]{{2,30}}”[、,和及与]?){{2,}})(?P<deng>等)?(?P<h>[{HAN}]{{0,8}}?(?:{alt}))")

    def events(self, view: SentenceView) -> list[Mention]:
        found = [*self._quoted(view), *self._quoted_lists(view), *self._head_built(view), *self._sessions(view)]
        return found + self._joined(view, found) if "暨" in view.text else found

    def _joined(self, view: SentenceView, found: list[Mention]) -> list[Mention]:
        """甲暨乙: one occasion with two names is one event, labelled with the whole, both names its
        aliases (a ceremony between the first name and 暨 stays in the label: 某大会开幕式暨某推介会)."""
        out = []
        text, offset = view.text, view.offset
        for first in found:
            end = first.span.end - offset
            gap = next((c for c in ("", *self.ceremonies) if text.startswith(c + "暨", end)), None)
            if gap is None:
                continue
            start = end + len(gap) + 1
            second = max((m for m in found if m.span.begin - offset == start), key=lambda m: len(m.span), default=None)
            second_end = second.span.end - offset if second is not None else self._head_end_after(view, start)
            if second_end is None:
                continue
            begin = first.span.begin - offset
            label = clean(text[begin:second_end])
            aliases = tuple(dict.fromkeys((first.label, first.label + gap, clean(text[start:second_end]))))
            priority = max(first.priority, second.priority if second is not None else 0) + 1
            joined = self.rules.mention(view, begin, second_end, T.EVENT, label, "pattern:event-joined", priority)
            out.append(replace(joined, aliases=aliases))
        return out

    # --- quoted names -------------------------------------------------------------------------

    def _head_end_after(self, view: SentenceView, start: int) -> int | None:
        """The end of the first event head within the clause after ``start`` (甲暨乙: 乙 need not be
        a name on its own, 甲 vouches for it)."""
        last = None
        for token in view.tokens:
            if token.begin < start:
                continue
            if is_punct(token.text) or token.end - start > 40 or _stops_name(token.text, self.rules.boundaries):
                break
            head = self.heads.ending(view.text[max(start, token.end - 8) : token.end])
            if head and self._head_can_end(head, "", view.text[token.end : token.end + 1]):
                last = token.end  # the last head of the clause: 某某比赛总决赛颁奖活动
        return last

    def _quoted(self, view: SentenceView) -> list[Mention]:
        out = []
        text, rules = view.text, self.rules
        for m in self.quoted.finditer(text):
            name = m["n"]
            if _COUNTED.match(name) or self._inside_policy_title(text, m.start()):
                continue
            head = self.quoted_heads.ending(name)
            if head and len(head) == 1 and not self._ends_token(view, m.end("n")):
                head = None
            if head and not (len(head) == 1 and len(name) <= 2):
                begin = self._prefix_start(view, m.start())
                out.append(rules.mention(view, begin, m.end(), T.EVENT, clean(text[begin : m.end()]), "pattern:event-quoted", 38))
        for m in self.after_quote.finditer(text):
            head = m["h"]
            if not self._ends_token(view, m.end()) or any(word in self._without_compounds(head) for word in self.list_words):
                continue  # “甲”和乙活动 is a list; “甲”文化和旅游推介会 is one event
            begin = self._prefix_start(view, m.start())
            name = clean(text[begin : m.end("n") + 1])
            label = name if head in self.generic else clean(text[begin : m.end()])
            mention = rules.mention(view, begin, m.end(), T.EVENT, label, "pattern:event-quoted", 38)
            out.append(replace(mention, aliases=(name,)) if label != name else mention)  # “某某”挑战赛: 某某 too
        return out

    def _without_compounds(self, words: str) -> str:
        """``words`` without the official compounds whose 和 joins one name (文化和旅游)."""
        for compound in self.rules.joined_compounds:
            words = words.replace(compound, "")
        return words

    def _quoted_lists(self, view: SentenceView) -> list[Mention]:
        """“甲”、“乙”等系列活动: each quoted item of a list that one event head follows is an event."""
        out = []
        for m in self.quoted_run.finditer(view.text) if "”" in view.text else ():
            if not self._ends_token(view, m.end()) or any(
                m.start("h") <= t.begin and t.end <= m.end() and t.text in self.rules.function_words for t in view.tokens
            ):
                continue  # “甲”“乙”在某地某某周展出: the head is another event's, after a verb or 在
            for q in re.finditer(r"“(?P<n>[^“”\n]{2,30})”", m["run"]):
                begin, end = m.start("run") + q.start(), m.start("run") + q.end()
                out.append(self.rules.mention(view, begin, end, T.EVENT, clean(q["n"]), "pattern:event-list", 39))
        return out

    def _inside_policy_title(self, text: str, position: int) -> bool:
        """Is ``position`` inside a 《…》 title of a proposal, plan or document (《关于设立“某节”的提案》)?"""
        opening = text.rfind("《", 0, position)
        if opening < 0 or opening == position:
            return False
        closing = text.find("》", position)
        inner = text[opening + 1 : closing] if closing > 0 else ""
        return bool(inner) and (inner.startswith("关于") or bool(self.rules.policy_tail.search(inner)) or inner.endswith("报告"))

    def _prefix_start(self, view: SentenceView, quote_begin: int) -> int:
        """Ordinal written right before a quoted name (第五届“…”; a year before a quoted name is its date)."""
        before = view.text[max(0, quote_begin - 8) : quote_begin]
        m = re.search(rf"第[{_CN}\d]+[届期次季]$", before)
        return quote_begin - len(m.group(0)) if m else quote_begin

    # --- names built from a head --------------------------------------------------------------

    def _head_built(self, view: SentenceView) -> list[Mention]:
        out: list[Mention] = []
        text, rules, tokens = view.text, self.rules, view.tokens
        last_chars = self.heads.last_chars
        for i, token in enumerate(tokens):
            if token.text[-1:] not in last_chars:  # cheap test first: a head ends the token
                continue
            head = self.heads.of_token(token.text)
            if head is None and i:  # 体育运动|会: a head across words
                across = self.heads.ending(text[max(0, token.end - 8) : token.end])
                head = across if across is not None and len(across) > len(token.text) else None
            if head is None:
                continue
            following = tokens[i + 1].text if i + 1 < len(tokens) else ""
            if not self._head_can_end(head, following, text[token.end : token.end + 1]):
                continue
            head_begin = token.end - len(head)
            begin = rules.walk_left(view, head_begin)
            if begin == head_begin:
                continue
            begin = rules.across_joins(view, begin)  # 中国(某地)国际某某节, 中国·某地某某节
            if begin >= 2 and text[begin - 1] in "—-" and re.match(rf"[{HAN}]", text[begin - 2]):  # 丝路—长安博览会
                begin = rules.walk_left(view, begin - 1, 12)
            lead = _LEADING_DATE.match(text[begin : token.end])
            if lead:  # 4·28某某节: the date is not part of the name
                begin += lead.end()
            short = _SHORT_FORM.search(text, begin, token.end)
            if short and short.end() == token.end:  # 全力备战省十七运会: a short form starts at its level or numeral
                begin = short.start()
            name = text[begin : token.end]
            if any(mark in name for mark in "“”《》等、的") or _DATE_TAIL.search(name) or _COUNTED.match(name) or not self._named_enough(name, head):
                continue
            if head in self.activity_heads and not _ORDINAL.search(name):
                continue  # 中日地方交流活动: an activity with a generic head needs an ordinal or a year to be named
            if self._inside_policy_title(text, begin):
                continue
            sibling = bool(out) and re.fullmatch(r"[和、及与]", text[out[-1].span.end - view.offset : begin] or "x") is not None
            if self._proper(name, head) or sibling:  # 第十届某某节和某某音乐节: a sibling in a list of events
                end = self._without_ceremony(name, begin, token.end)
                out.append(rules.mention(view, begin, end, T.EVENT, clean(text[begin:end]), "pattern:event-head", 10))
        return out

    def _head_can_end(self, head: str, following: str, next_char: str) -> bool:
        """A one-character head ends a name before punctuation or a boundary word; a head of time
        (周, 月, 日 …) also before 期间, 活动 and the like, never before more of a name (会长周|汉民)."""
        if next_char in "市县镇州":  # 马拉松市: a place
            return False
        if head in self.time_heads:
            return not following or is_punct(following) or following in self.rules.boundaries or following.startswith(("期间", "活动", "系列", "开幕", "上", "中", "内"))
        return not (len(head) == 1 and len(following) == 1 and not is_punct(following) and following not in self.rules.boundaries)

    def _without_ceremony(self, name: str, begin: int, end: int) -> int:
        """第39届某国际旅游展开幕式 → 第39届某国际旅游展: the ceremony or activity of a named event."""
        for ceremony in self.ceremonies:
            if name.endswith(ceremony) and len(name) > len(ceremony):
                rest = name[: -len(ceremony)]
                head = self.heads.ending(rest)
                if head and len(head) >= 2 and self._proper(rest, head):
                    return end - len(ceremony)
        return end

    def _ends_token(self, view: SentenceView, end: int) -> bool:
        """Does a token ending at ``end`` end with a head (one-character heads: whole token), or
        does a head end there across words (之|旅)?"""
        for t in view.tokens:
            if t.end == end:
                if self.heads.of_token(t.text) is not None:
                    return True
                across = self.heads.ending(view.text[max(0, end - 8) : end])
                return across is not None and len(across) > len(t.text)
        return False

    def _named_enough(self, name: str, head: str) -> bool:
        """Besides its head (and, for weak heads, its places) a name needs two letters of its own."""
        rest = name[: len(name) - len(head)]
        lexicon = self.rules.lexicon
        if head in self.weak:
            for match in lexicon.index.find(rest):
                if lexicon.entries[match.ids[0]].type in PLACE_TYPES:
                    rest = rest.replace(rest[match.begin : match.end], "")
                    break
        letters = _LETTER.findall(rest)
        return len(letters) >= 2 or bool(_LATIN.search(rest))

    def _proper(self, name: str, head: str) -> bool:
        """Does a head-built name show a sign of being a proper name?"""
        rules = self.rules
        if _ORDINAL.search(name) or "“" in name or "《" in name:
            return True
        if rules.has_place(name[: len(name) - len(head)] or name):
            return True
        if len(name) > 2 and all(rules.is_country_abbreviation(ch) for ch in name[:2]):
            return True
        modifiers = name[: len(name) - len(head)]
        if head in self.weak:
            return False
        return any(prefix in modifiers for prefix in self.strong_prefixes) or rules.opens_with_proper_noun(modifiers, self.heads)  # 某山世界文明论坛, 南洋文化节

    # --- sessions and congresses ----------------------------------------------------------------

    def _sessions(self, view: SentenceView) -> list[Mention]:
        out = []
        text, rules = view.text, self.rules
        if "会议" in text:
            for m in _SESSION.finditer(text):
                if _PROPOSAL_CONTEXT.match(text[m.end() : m.end() + 20]):
                    continue  # the session a proposal was made in (市十六届人大二次会议第472号建议)
                begin = rules.walk_left(view, m.start(), 12, rules.function_words) if m.start() else 0
                if not re.search(r"(?:省|市|区|县|州|自治区|全国)$", text[begin : m.start()]):
                    begin = m.start()
                out.append(rules.mention(view, begin, m.end(), T.EVENT, clean(text[begin : m.end()]), "pattern:event-session", 12))
        for m in _PARTY_CONGRESS.finditer(text) if "党的" in text else ():
            out.append(rules.mention(view, m.start(), m.end(), T.EVENT, m.group(0), "pattern:event-congress", 12))
        return out
