"""Named places that no gazetteer lists: scenic areas, resorts, zones, villages, foreign towns.

Four recognisers, each reading a :class:`~citybrand_kg.model.SentenceView`:

- ``areas``: a name followed by a place head (``data/patterns/place_heads.tsv``: 景区, 度假区,
  自然保护区, 古镇, 侗寨, 新区 …, each with the type it gives). The name is the head's modifiers
  back to a boundary; leading grades and generic words (国家4A级旅游…, ``place_generic.txt``) are
  not part of it, and a Chinese place written first (宣恩伍家台贡茶旅游区) becomes a mention of its
  own. A *weak* head (新区, 示范区, 湖 …) needs a sign of a proper name: a place inside the name, a
  quotation, an ordinal or Latin letters.
- ``villages``: a village (…村) with its town or township in front (喜洲镇周城村), as a City.
- ``foreign_places``: a transliterated name with 市/州/县/省/府 (佐世保市) in a sentence that names a
  foreign country before it: the characters of foreign place names in the gazetteers are the model
  of what a transliteration looks like, so no gazetteer row is needed.
- ``foreign_lists``: transliterated names in a list after a foreign country (意大利的甲、乙) or
  before 等…城市 / 友城 (新增甲、乙等友好城市), as Cities; each name is whole words of the segmenter,
  written in transliteration characters only, and the list has two names or more.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from citybrand_kg.extract.recognisers import HAN, NameRules, clean
from citybrand_kg.model import PLACE_TYPES, EntityType, Mention, SentenceView
from citybrand_kg.wordregex import word_alternation

T = EntityType
_GRADE = re.compile(r"^(?:[1-5]A|A{1,5}|[一二三四五]星)级")
_GRADE_ANYWHERE = re.compile(r"(?:[1-5]A|A{1,5}|[一二三四五]星)级")
_FOREIGN_LEVEL = re.compile(rf"(?P<n>[{HAN}]{{2,6}}?)(?P<l>市|州|县|省|府|郡)(?![{HAN}]*?(?:政府|人民|委|局|厅))")
_AFTER_COUNTRY = re.compile(r"的?(?:友城|友好城市|姐妹城市)?")
_BEFORE_CITIES = re.compile(rf"等[{HAN}]{{0,8}}?(?:城市|友城)")
_VILLAGE = re.compile(rf"(?P<n>[{HAN}]{{2,8}}?)村(?![{HAN}]?(?:民|委|干部|书记|落|庄|级|镇|两委))")


class PlaceNames:
    """Compiled heads and word lists of the place recognisers, built once from a :class:`NameRules`."""

    def __init__(self, rules: NameRules) -> None:
        self.rules = rules
        lexicon = rules.lexicon
        heads = lexicon.pairs("place_heads")
        self.types = {head: T(kind) for head, kind in heads}
        self.weak = rules.lexicon.word_set("place_heads_weak")
        self.generic = lexicon.word_set("place_generic")
        self.village_generic = lexicon.word_set("village_generic")
        self.head_re = re.compile(word_alternation(self.types))
        self.stop = rules.boundaries | frozenset(self.types)
        self.transliteration = rules.transliteration

    def areas(self, view: SentenceView, found: Sequence[Mention] = ()) -> list[Mention]:
        """Named areas (某某风景区, 某某新区, 中国(某地)自由贸易试验区). A name with a weak head (小镇,
        新区) needs a sign that it is proper, or a list it shares with a place (甲新区、乙新区和某地)."""
        out: list[Mention] = []
        unvouched: list[Mention] = []
        titles = [m.span() for m in re.finditer(r"《[^《》]{2,60}》", view.text)] if "《" in view.text else []
        for match in self.head_re.finditer(view.text):
            head = match.group(0)
            if not self._head_ends_token(view, match.end()) or any(b < match.start() < e for b, e in titles):
                continue  # a place named only inside the title of a plan or a report is not annotated
            begin = self.rules.walk_left(view, match.start(), 16, self.stop)
            begin = self.rules.across_joins(view, begin)  # 中国(某地)自由贸易试验区
            begin = self._joined_or_quoted(view, begin)
            begin = self._skip_generic(view, begin, match.start())
            name = view.text[begin : match.start()]
            if not self._named(name):
                continue
            weak = head in self.weak and not self._proper(view.text[begin : match.end()], name)
            if weak and self._generic_words_only(name):
                continue  # 特色旅游小镇: a kind of place, whatever list it stands in
            begin = self._after_own_place(view, begin, match.start())
            label = clean(view.text[begin : match.end()])
            (unvouched if weak else out).append(self.rules.mention(view, begin, match.end(), self.types[head], label, "pattern:place-area", 14))
        places = [m for m in found if m.type in PLACE_TYPES]
        return out + self.rules.listed_with(view, unvouched, [*places, *out]) if unvouched else out

    def villages(self, view: SentenceView) -> list[Mention]:
        if "村" not in view.text:
            return []
        out = []
        for match in _VILLAGE.finditer(view.text):
            end = match.end()
            if end < len(view.text) and re.match(rf"[{HAN}]", view.text[end]) and view.text[end] not in self.rules.function_chars and self._token_at(view, end) not in self.rules.boundaries:
                continue  # 村晚, 村镇: 村 does not end the word (光华村|入选 does)
            begin = self.rules.walk_left(view, end - 1, 8, self.stop | self.rules.title_words)
            name = view.text[begin : end - 1]
            if len(name) < 2 or name[-1] in "乡农山镇" or any(name.endswith(g) for g in self.village_generic):
                continue
            if any(view.text.endswith(title, 0, begin) for title in self.rules.title_words):
                continue  # 主任洛桑江村: a name after a title is a person's
            begin = self._after_own_place(view, begin, end - 1)
            out.append(self.rules.mention(view, begin, end, T.CITY, view.text[begin:end], "pattern:village", 14))
        return out

    @staticmethod
    def _token_at(view: SentenceView, begin: int) -> str | None:
        return next((t.text for t in view.tokens if t.begin == begin), None)

    def foreign_places(self, view: SentenceView, found: list[Mention]) -> list[Mention]:
        countries = [m for m in found if m.type is T.COUNTRY and m.key != "country:CN"]
        if not countries:
            return []
        first = min(m.span.begin for m in countries) - view.offset
        out = []
        taken = [(m.span.begin - view.offset, m.span.end - view.offset) for m in found]
        inside_tokens: set[int] | None = None
        for match in _FOREIGN_LEVEL.finditer(view.text, first):
            begin, level = match.start("n"), match.start("l")
            if inside_tokens is None:
                inside_tokens = {i for t in view.tokens if len(t.text) > 1 for i in range(t.begin + 1, t.end)}
            if level in inside_tokens and self.rules.is_word(view.text[level - 1 : level + 1]):
                continue  # 亮明|城市形象: a level letter inside a token, ending a common word (城市), is no foreign name's
            begin = max([begin, *(e for b, e in taken if b < level and begin < e <= level)])  # 墨西哥|瓜达拉哈拉市
            while begin < level and view.text[begin] not in self.transliteration:  # 与佐世保市: the run starts at the name
                begin += 1
            name = view.text[begin:level]
            if len(name) < 2 or not all(ch in self.transliteration for ch in name) or set(name) & self.rules.function_chars or self.rules.is_word(name):
                continue
            if self.rules.lexicon.lookup(name + match["l"]) is not None or self.rules.lexicon.lookup(name) is not None:
                continue
            end = match.end()
            out.append(self.rules.mention(view, begin, end, T.CITY if match["l"] in "市县" else T.REGION, view.text[begin:end], "pattern:foreign-place", 12))
        return out

    def foreign_lists(self, view: SentenceView, found: list[Mention]) -> list[Mention]:
        """意大利的甲、乙、丙 / 英国友城甲、乙 / 新增甲、乙等友好城市: transliterated names in a list
        after a foreign country, or before 等…城市, are cities (no gazetteer row needed)."""
        text, offset = view.text, view.offset
        countries = [m for m in found if m.type is T.COUNTRY and m.key != "country:CN"]
        cues = list(_BEFORE_CITIES.finditer(text)) if "等" in text else []
        if not countries and not cues:
            return []
        known = {m.span.begin - offset: m.span.end - offset for m in found}
        lists = [self._list_after(view, _AFTER_COUNTRY.match(text, m.span.end - offset).end(), known) for m in countries]  # type: ignore[union-attr]
        lists += [self._list_before(view, cue.start(), known) for cue in cues]
        out = []
        for items in lists:
            if len(items) < 2:
                continue
            for begin, end in items:
                if begin not in known:
                    out.append(self.rules.mention(view, begin, end, T.CITY, text[begin:end], "pattern:foreign-list", 12))
        return out

    def _list_after(self, view: SentenceView, begin: int, known: dict[int, int]) -> list[tuple[int, int]]:
        items = []
        while (end := known.get(begin) or self._transliterated_end(view, begin)) is not None:
            items.append((begin, end))
            if view.text[end : end + 1] != "、":
                break
            begin = end + 1
        return items

    def _list_before(self, view: SentenceView, end: int, known: dict[int, int]) -> list[tuple[int, int]]:
        items = []
        ends = {e: b for b, e in known.items()}
        while True:
            begin = ends.get(end)
            if begin is None:
                begin = self._transliterated_begin(view, end)
            if begin is None:
                break
            items.append((begin, end))
            if begin < 1 or view.text[begin - 1] != "、":
                break
            end = begin - 1
        return items[::-1]

    def _transliterated_begin(self, view: SentenceView, end: int) -> int | None:
        """Start of a name of whole transliterated words that ends at ``end`` (新增|图尔达): the
        earliest word start within six characters whose run ends there."""
        starts = [t.begin for t in view.tokens if end - 6 <= t.begin < end]
        return next((b for b in starts if self._transliterated_end(view, b) == end), None)

    def _transliterated_end(self, view: SentenceView, begin: int) -> int | None:
        """End of a run of whole words written only in transliteration characters from ``begin``
        (帕尔马|同为 → after 帕尔马), or None when there is none of two to six characters."""
        end = begin
        for token in view.tokens:
            if token.end <= begin:
                continue
            if token.begin != end or not all(ch in self.transliteration for ch in token.text) or set(token.text) & self.rules.function_chars:
                break
            if end > begin and len(token.text) > 1 and self.rules.is_word(token.text):
                break
            end = token.end
        name = view.text[begin:end]
        if not 2 <= len(name) <= 6 or self.rules.is_word(name) or self.rules.lexicon.lookup(name) is not None:
            return None
        return end

    # --- helpers ---------------------------------------------------------------------------

    def _head_ends_token(self, view: SentenceView, end: int) -> bool:
        return end == len(view.text) or any(t.end == end for t in view.tokens) or not re.match(rf"[{HAN}]", view.text[end])

    def _skip_generic(self, view: SentenceView, begin: int, head_begin: int) -> int:
        """The name starts after leading grades and generic words (国家4A级旅游景区 → nothing left);
        a grade ends whatever stands before it (新增A级景区: 新增 is not part of a name)."""
        grades = list(_GRADE_ANYWHERE.finditer(view.text, begin, head_begin))
        if grades:
            begin = grades[-1].end()
        for token in view.tokens:
            if token.end <= begin:
                continue
            if token.begin >= head_begin:
                break
            grade = _GRADE.match(view.text[max(begin, token.begin) : head_begin])
            if grade:
                begin = max(begin, token.begin) + grade.end()
                continue
            if token.begin >= begin and token.text in self.generic:
                begin = token.end
                continue
            if token.begin >= begin:
                break
        return begin

    def _joined_or_quoted(self, view: SentenceView, begin: int) -> int:
        """巫峡·神女景区, 二连浩特-扎门乌德合作区: a name joined by · or a dash; “麦积梦谷”国际艺术村: a
        quoted name in front of the head's modifiers."""
        text = view.text
        if begin >= 2 and text[begin - 1] in "·-—" and re.match(rf"[{HAN}]", text[begin - 2]):
            j = begin - 1
            for token in reversed([t for t in view.tokens if t.end <= begin - 1]):
                if token.end < j or token.text in self.stop or not re.fullmatch(rf"[{HAN}]+", token.text) or begin - token.begin > 12:
                    break
                j = token.begin
            return j
        if begin >= 1 and text[begin - 1] == "”":
            opening = text.rfind("“", 0, begin - 1)
            if opening >= 0 and begin - 1 - opening <= 12:
                return opening
        return begin

    def _generic_words_only(self, name: str) -> bool:
        """Can ``name`` be cut into generic words (民族特色|旅游)?"""
        ends = {0}
        for i in range(len(name)):
            if i in ends:
                ends.update(i + len(word) for word in self.generic if name.startswith(word, i))
        return len(name) in ends

    def _named(self, name: str) -> bool:
        """Two letters of a name at least, and not only generic words."""
        return len(re.findall(rf"[{HAN}A-Za-z0-9]", name)) >= 2 and name not in self.generic

    def _after_own_place(self, view: SentenceView, begin: int, head_begin: int) -> int:
        """恩施枫香坡侗寨 → 枫香坡侗寨 (恩施 is a mention of its own), but 长春新区 stays whole."""
        for match in self.rules.lexicon.index.find(view.text[begin:head_begin]):
            entry = self.rules.lexicon.entries[match.ids[0]]
            rest = view.text[begin + match.end : head_begin]
            if rest[:1] in "·-—" or not self._ends_word(view, begin + match.end):
                continue  # 二连浩特—扎门乌德合作区, 麦积山|景区: the place is part of the name
            named = self._named(rest) and not all(word in self.generic for word in re.findall(rf"[{HAN}]{{2}}", rest))
            if match.begin == 0 and entry.type in (T.CITY, T.REGION) and named:
                return begin + match.end
        return begin

    def _ends_word(self, view: SentenceView, end: int) -> bool:
        return any(t.end == end for t in view.tokens)

    def _proper(self, name: str, modifiers: str) -> bool:
        if "“" in name or re.search(r"[A-Za-z]|第[一二三四五六七八九十\d]+", name):
            return True
        return any(self.rules.lexicon.entries[m.ids[0]].type in PLACE_TYPES for m in self.rules.lexicon.index.find(modifiers)) or self.rules.opens_with_proper_noun(modifiers)
