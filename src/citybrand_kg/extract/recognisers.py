"""The genre's naming patterns: recognisers for what no gazetteer can list.

Each recogniser reads a :class:`~citybrand_kg.model.SentenceView` and returns candidate
mentions; the word lists they use (units of government bodies, heads of events, organisations and
outlets, titles, family names, name boundaries, generic descriptions) are files in
``data/patterns/``. A name built from a head is the head plus its modifiers back to a boundary word
(``举办了第五届丝路国际论坛`` → ``第五届丝路国际论坛``), and a head-built name
must show a sign of being a proper name (quotation, ordinal, year, a place, Latin letters).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from operator import itemgetter
from typing import Self

from citybrand_kg.extract.gazetteers import Lexicon, Match
from citybrand_kg.extract.quantities import compile_quantity_pattern
from citybrand_kg.model import PLACE_TYPES, EntityType, Mention, PlaceContext, SentenceView, Span, Token
from citybrand_kg.wordregex import word_alternation

T = EntityType
HAN = r"\u3400-\u9fff"
_PUNCT = set("，,。.、；;：:！!？?（）()“”\"‘’《》【】[]「」—-…·/ \t\u3000")
_LEVELS = ("自治区", "自治州", "特别行政区", "省", "市", "区", "县", "镇", "乡", "州", "盟")
_MIDS = ("人大常委会", "人民政府", "党委", "政府", "委")
_BEGIN = itemgetter(0)  # of a Token
_END = itemgetter(1)
_LEADING_GROUP = "领导小组"
_CONGRESS_COMMITTEE = re.compile(rf"(?:政协|人大常委会|人大)[{HAN}]{{2,10}}$")
_YEARS_AFTER = re.compile(r"[(（][\d—\-–年至]+[)）]$")  # 《某某规划(2013—2020)》
_NUMERAL_UNIT = re.compile(r"^(?:\d+|[一二两三四五六七八九十百千万]+)[余多]?(\S+)$")
_NUMERAL = re.compile(r"^(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千万]+)$")


class NameRules:
    """Compiled patterns and word sets, built once from a :class:`Lexicon`."""

    def __init__(self, lexicon: Lexicon, is_word: Callable[[str], bool] = lambda _w: False, is_proper: Callable[[str], bool] = lambda _w: False) -> None:
        self.lexicon = lexicon
        self.is_word = is_word
        self.is_proper = is_proper  # jieba tags the word a proper noun (孔子, 携程)
        self._place_memo: dict[str, bool] = {}
        w = lexicon.word_set
        self.boundaries = w("name_boundaries") | w("function_words")
        self.brand_boundaries = self.boundaries | w("brand_boundaries")
        self.units_of_measure = w("units")
        self.generic = w("generic_descriptions")
        self.function_words = w("function_words")
        self.joined_compounds = tuple(w("joined_compounds"))
        self.transliteration = _transliteration_characters(lexicon)
        self.event_generic = w("event_generic")
        self.strong_prefixes = _longest_first(w("strong_prefixes"))
        self.org_heads = _longest_first(w("organization_heads"))
        self.registered_heads = _longest_first(w("organization_heads_registered"))
        self.abbreviations = {row[0]: (row[1], T(row[2])) for row in lexicon.tables.get("unit_abbreviations", ()) if len(row) >= 3}
        self.abbreviation_order = _longest_first(tuple(self.abbreviations))
        self.media_heads = Heads(w("media_heads"))
        self.titles = _longest_first(w("person_titles"))
        self.title_ends = frozenset(t[-1] for t in self.titles)  # 长 of 局长, 任 of 主任 …
        self.title_words = w("person_titles")
        self.function_chars = frozenset(word for word in w("function_words") if len(word) == 1)
        two_char_heads = [h for h in (*self.org_heads, *self.media_heads) if len(h) >= 2]
        self.org_head_re = re.compile(word_alternation(two_char_heads))
        self.person_verbs = _longest_first(w("person_verbs"))
        self.surnames = w("surnames")
        self.units = _longest_first(w("government_units"))
        self.body_label = re.compile(rf"(?:{word_alternation(w('body_labels'))})\s*[:：]\s*(?P<items>[^)）。;；\n]{{2,80}})")
        self.divisions = _longest_first(w("body_divisions"))
        self.area_heads = _longest_first(tuple(head for head, _type in lexicon.pairs("place_heads")))  # 高新区, 度假区 … (a 管委会 after one)
        self.sectors = w("government_sectors")
        unit_alt = word_alternation(self.units)
        self.unit_re = re.compile(unit_alt)
        self.unit_or_group_re = re.compile(unit_alt + rf"|[{HAN}]{{2,16}}?{_LEADING_GROUP}")  # for texts that name one
        self.quantity_pattern = compile_quantity_pattern(list(w("units")))
        self.arabic_only_units = w("units_arabic_only")
        self.counted_in_words = w("units_counted_in_words")
        self.account_suffixes = _longest_first(tuple(lexicon.account_suffixes) + tuple(w("account_words")))
        suffix_alt = word_alternation(self.account_suffixes)
        self.account_after = re.compile(rf"“(?P<n>[^“”\n]{{1,40}})”(?P<mid>[{HAN}A-Za-z·、和及]{{0,10}}?)(?P<suf>{suffix_alt})")
        self.account_before = re.compile(rf"(?:{suffix_alt})“(?P<n>[^“”\n]{{1,40}})”")
        self.account_run = re.compile(rf"(?P<run>(?:“[^“”\n]{{1,40}}”[、,]?){{2,}})等?[{HAN}]{{0,6}}?(?:{suffix_alt})")
        self.handle = re.compile(r"@(?P<n>[A-Za-z0-9_][A-Za-z0-9_.]{1,29}(?<!\.)|[\u3400-\u9fff][A-Za-z0-9_\u3400-\u9fff]{1,29})")  # a Latin handle has no Chinese in it
        self.policy_tail = re.compile(rf"(?:{word_alternation(w('document_kinds'))})$")
        cues = word_alternation(w("work_cues"))
        self.quoted_work = re.compile(rf"(?:{cues})(?:系列)?“(?P<a>[^“”\n]{{2,24}})”|“(?P<b>[^“”\n]{{2,24}})”(?:系列)?(?:{cues})")
        title_alt = word_alternation(self.titles)
        before_alt = word_alternation(_longest_first(self.titles + tuple(w("person_professions"))))  # titles written before a name
        verb_alt = word_alternation(self.person_verbs)
        after_alt = word_alternation(w("person_after"))
        surname_alt = word_alternation(self.surnames)
        name = rf"(?:{surname_alt})[{HAN}]{{1,2}}"
        titled = rf"(?:{word_alternation(self.surnames | w('surnames_japanese'))})[{HAN}]{{1,2}}"  # after a title a Japanese name too
        self.person_after_title = re.compile(rf"(?:{before_alt})\s?(?P<n>{titled})(?=\s?(?:{verb_alt})|(?:{after_alt})|[,，、。)）:：\s\d]|$)")
        self.byline_cues = tuple(w("byline_cues"))
        byline_alt = word_alternation(self.byline_cues)
        self.byline_names = re.compile(rf"(?:{byline_alt})\s*[:：/]?\s*(?P<run>{name}(?:[\s、]+{name}){{0,3}})(?=[\s)）,，。:：]|$|报道|报导|摄)")
        self.photo_credit = re.compile(rf"(?<![{HAN}])(?P<n>{name})\s+(?:{word_alternation(w('photo_credits'))})")
        self.single_name = re.compile(name)
        self.person_before_title = re.compile(rf"(?P<n>{name})(?:{title_alt})")
        self.person_verb_at = re.compile(word_alternation([v for v in (*self.person_verbs, *w("person_after")) if len(v) >= 2]))
        self.person_before_verb = re.compile(rf"(?<![{HAN}\d])(?P<n>{name})\s?(?:{verb_alt})")  # not 3位代表提出
        self.byline = re.compile(rf"(?:电|讯)\s?[(（](?:记者\s?)?(?P<n>{name})[)）]")
        translit = "".join(sorted(self.transliteration))
        self.foreign_titled = re.compile(rf"(?:{title_alt})(?P<n>[{re.escape(translit)}]{{2,6}}?)(?=等|[,，、。;；)）]|(?:{verb_alt}))")  # 安哥拉总统洛伦索等
        self.foreign_person = re.compile(rf"(?:{title_alt})(?P<n>(?:(?!{title_alt})[{HAN}]){{1,6}}·[{HAN}]{{1,8}}?(?:·[{HAN}]{{1,8}}?)?)(?=[^{HAN}]|(?:{after_alt})|(?:{verb_alt})|$)")
        self.ministry = re.compile(word_alternation(w("foreign_ministries")))
        self.embassy = re.compile(rf"(?P<cn>中国|中华人民共和国)?驻(?P<p>[{HAN}]{{1,12}}?)(?P<h>{word_alternation(w('mission_heads'))})")

    # --- helpers ---------------------------------------------------------------------------

    def is_generic(self, mention: Mention) -> bool:
        if mention.label in self.generic:
            return True
        return mention.type is T.EVENT and mention.label in self.event_generic

    def mention(self, view: SentenceView, begin: int, end: int, type_: EntityType, label: str, source: str, priority: int, key: str | None = None) -> Mention:
        if label == clean(view.text[begin:end]):
            label = clean(view.original[begin:end])  # as the text writes it, full-width brackets and all
        return Mention(
            span=Span(view.offset + begin, view.offset + end),
            surface=view.original[begin:end],
            type=type_,
            label=label,
            source=source,
            sentence=view.index,
            key=key,
            priority=priority,
        )

    def walk_left(self, view: SentenceView, head_begin: int, max_chars: int = 36, boundaries: frozenset[str] | None = None, digits_stop: bool = False) -> int:
        """Start of the name whose head starts at ``head_begin``: back over tokens to a boundary.

        The token the head starts in is taken whole (历史文化名城 is one token); then whole tokens
        are added until a boundary word, punctuation or ``max_chars``.
        """
        stop = self.boundaries if boundaries is None else boundaries
        tokens = view.tokens  # in text order, none overlapping: found by bisection
        start = head_begin
        inside = bisect_left(tokens, head_begin, key=_BEGIN) - 1  # the last token starting before the head
        if inside >= 0 and tokens[inside].end > head_begin:
            start = tokens[inside].begin
        for j in range(bisect_right(tokens, start, key=_END) - 1, -1, -1):  # back from the last token ending by start
            token = tokens[j]
            if token.end < start or is_punct(token.text) or head_begin - token.begin > max_chars:
                break
            if stops(token.text, stop) and not self._inside_compound(view.text, token) and not self._ends_known_body(view.text, token):
                break
            if len(token.text) == 1 and j and len(tokens[j - 1].text) == 1 and tokens[j - 1].text + token.text in stop and not self._inside_compound(view.text, token):
                break  # a boundary word the tokenizer split in two (友|城)
            if digits_stop and any(ch.isdigit() for ch in token.text):
                break
            if self._counts_something(view, token):
                break
            start = token.begin
        return start

    def _ends_known_body(self, text: str, token: Token) -> bool:
        """Does a boundary word end the name of an organisation the gazetteers know (世界旅游组织|亚太区大会)?"""
        if len(token.text) < 2:
            return False
        window = text[max(0, token.end - 16) : token.end]
        return any(m.end == len(window) and m.end - m.begin > len(token.text) and self.lexicon.entries[m.ids[0]].type in (T.ORGANIZATION, T.GOVERNMENT_BODY)
                   for m in self.lexicon.index.find(window))

    def _inside_compound(self, text: str, token: Token) -> bool:
        """Is this boundary word part of a compound that belongs inside a name (文化|和|旅游, 协同|发展)?"""
        return any(
            text.startswith(compound, token.begin - compound.index(token.text)) for compound in self.joined_compounds if token.text in compound
        )

    def _counts_something(self, view: SentenceView, token: Token) -> bool:
        """Is the token a unit after a numeral (两届, 10余位) or a numeral before a unit?"""
        tokens = view.tokens
        i = tokens.index(token)
        before = tokens[i - 1].text if i > 0 else ""
        after = tokens[i + 1].text if i + 1 < len(tokens) else ""
        if (token.text in self.units_of_measure or token.text[:1] in "余多") and _NUMERAL.match(before.rstrip("余多")) and not (i > 1 and tokens[i - 2].text == "第"):
            return True
        if before != "第" and (m := _NUMERAL_UNIT.match(token.text)) and m.group(1) in self.units_of_measure:
            return True
        return bool(_NUMERAL.match(token.text)) and before != "第" and (after in self.units_of_measure or after[:1] in "余多")

    def _place_of_level(self, view: SentenceView, begin: int, end: int, level: str) -> bool:
        """A place written bare before a level word of its own kind: 杭州|市, but not 会同|市 (会同县)."""
        entry = self.lexicon.lookup(view.text[begin:end])
        if entry is None or entry.type not in PLACE_TYPES:
            return False
        own = entry.label[-1:]
        return own not in _LEVEL_ENDINGS or own == level[-1:]

    def place_at(self, view: SentenceView, begin: int, end: int) -> bool:
        entry = self.lexicon.lookup(view.text[begin:end])
        return entry is not None and entry.type in PLACE_TYPES

    def is_country_abbreviation(self, ch: str) -> bool:
        ids = self.lexicon.risky_index.surfaces.get(ch, ())
        return ch == "中" or any(self.lexicon.entries[i].type is T.COUNTRY for i in ids)

    def has_place(self, text: str) -> bool:
        """Does ``text`` contain a place name? Memoised: the same names are asked about again and again."""
        known = self._place_memo.get(text)
        if known is None:
            known = any(self.lexicon.entries[m.ids[0]].type in PLACE_TYPES for m in self.lexicon.index.find(text))
            if len(self._place_memo) < 100_000:
                self._place_memo[text] = known
        return known

    # --- government bodies -----------------------------------------------------------------

    def government_bodies(self, view: SentenceView, places: PlaceContext) -> list[Mention]:
        out = []
        unit_re = self.unit_or_group_re if _LEADING_GROUP in view.text else self.unit_re  # the same matches, cheaper
        text = view.text
        ends = {t.end for t in view.tokens}
        pos = 0
        while (match := unit_re.search(text, pos)) is not None:
            pos = match.end()
            if match.end() not in ends:  # 宗教委|员会: a short unit cut out of a word may hide the real one
                inner = next((k for k in range(match.start() + 1, match.end()) if (longer := unit_re.match(text, k)) and longer.end() > match.end() and longer.end() in ends), None)
                if inner is not None:
                    pos = inner
                    continue
            unit_begin = self._sectors_before(text, match.start()) if match.group(0)[-1:] in "局厅" or match.group(0).endswith("委员会") and len(match.group(0)) > 3 else match.start()
            unit = text[unit_begin : match.end()]
            if match.group(0) in ("政府", "人民政府") and unit_begin >= 3 and text[unit_begin - 1] in "省市区县州" and text[unit_begin - 3 : unit_begin - 1] == text[unit_begin - 1] + "委":
                # 济南市委市政府: the government after its party committee, named by the same place
                place_begin = self._place_start(view, unit_begin - 2, places)
                begin = unit_begin - 1
                raw = text[place_begin if place_begin is not None else unit_begin - 3 : unit_begin - 2] + match.group(0)
            else:
                found = self._body_start(view, unit_begin, unit, places)
                if found is None:
                    continue
                begin, raw = found[0], text[found[0] : match.end()]
            label = canonical_body(raw, places)
            type_, full = self._expanded(label, unit)
            mention = self.mention(view, begin, match.end(), type_, full, "pattern:government-body", 30)
            out.append(replace(mention, aliases=(label,)) if full != label else mention)
        return out

    def _sectors_before(self, text: str, begin: int) -> int:
        """Start of a department's unit with the fields written before it (旅游和文化广电|体育厅,
        文化广电旅游|体育局): back over the words of ``government_sectors.txt``, and a 和 between two."""
        start = begin
        while start > 0:
            size = next((k for k in (4, 3, 2) if text[start - k : start] in self.sectors), 0)
            if size:
                start -= size
            elif text[start - 1] == "和" and start < begin and any(text[start - 1 - k : start - 1] in self.sectors for k in (4, 3, 2)):
                start -= 1
            else:
                break
        return start

    def labelled_bodies(self, view: SentenceView) -> list[Mention]:
        """（牵头部门：某某处）, 责任单位：甲、乙: the items after a label of the bodies in charge that end
        with a division's unit (``body_labels.txt``, ``body_divisions.txt``) are government bodies."""
        out = []
        for m in self.body_label.finditer(view.text):
            for item in re.finditer(rf"[{HAN}（）()]+", m["items"]):
                name = item.group(0)
                if 2 <= len(name) <= 30 and name.endswith(self.divisions) and not self.is_word(name):
                    begin = m.start("items") + item.start()
                    out.append(self.mention(view, begin, begin + len(name), T.GOVERNMENT_BODY, name, "pattern:body-label", 26))
        return out

    def _expanded(self, label: str, unit: str) -> tuple[EntityType, str]:
        """市外办 → 某市人民政府外事办公室: a short unit name written out (``unit_abbreviations.tsv``)."""
        if unit not in self.abbreviations:
            return T.GOVERNMENT_BODY, label
        return self.expand_body(label)

    def expand_body(self, label: str) -> tuple[EntityType, str]:
        """The type and full name of a body whose label ends with a short unit name, else the label."""
        for short in self.abbreviation_order:
            if label.endswith(short) and len(label) > len(short):
                full, type_ = self.abbreviations[short]
                stem = label[: -len(short)]
                if full.startswith("人民政府") and stem.endswith("政府"):
                    stem = stem[:-2]
                if stem.startswith("中共") and type_ is not T.GOVERNMENT_BODY:
                    stem = stem[2:]
                return type_, stem + full
        return T.GOVERNMENT_BODY, label

    def _body_start(self, view: SentenceView, unit_begin: int, unit: str, places: PlaceContext) -> tuple[int, bool] | None:
        text = view.text
        pos = unit_begin
        has_mid = False
        if unit.endswith("领导小组"):
            pos = self.walk_left(view, pos + len(unit) - 4, 24, self.function_words)
            return (pos, True) if pos < unit_begin + len(unit) - 4 else None
        if unit in ("管委会", "管理委员会"):  # 某某高新区管委会: the committee of the area named before it
            area = next((h for h in self.area_heads if text.endswith(h, 0, pos)), None)
            if area is not None:
                begin = self.walk_left(view, pos - len(area), 16)
                return (begin, True) if begin < pos - len(area) else None
        if unit == "委员会" and (committee := _CONGRESS_COMMITTEE.search(text, max(0, pos - 14), pos)) and committee.end() == pos:
            pos, has_mid = committee.start(), True  # 市政协|对外友好|委员会: a committee of a congress or CPPCC
        elif unit not in _MIDS and not unit.endswith(("委", "政府", "政协", "人大")):
            for mid in _MIDS:
                if text.endswith(mid, 0, pos):
                    pos -= len(mid)
                    has_mid = True
                    break
        start = self._local_place_start(view, unit_begin, unit, places) if pos == unit_begin else None
        start = start if start is not None else self._place_start(view, pos, places)
        if start is None:
            if unit[0] in "省市区县镇乡州盟" or (unit.endswith("厅") and _province(places)):
                return unit_begin, True  # 交通运输厅 alone: a department of the document's province
            return None
        if start >= 2 and text[start - 2 : start] == "中共":
            start -= 2
        return start, has_mid

    def _local_place_start(self, view: SentenceView, unit_begin: int, unit: str, places: PlaceContext) -> int | None:
        """桃浦镇政府: a unit that starts with a level word completing the document's local place."""
        for name in places.local_names():
            if unit.startswith(name[-1]) and view.text.endswith(name, 0, unit_begin + 1):
                return unit_begin + 1 - len(name)
        return None

    def _place_start(self, view: SentenceView, end: int, places: PlaceContext) -> int | None:
        """Start of the place or level word that ends at ``end`` (济南市, 市, 内蒙古自治区, 桃浦镇)."""
        text = view.text
        for name in places.local_names():
            if text.endswith(name, 0, end):
                return end - len(name)
        for level in _LEVELS:
            if text.endswith(level, 0, end):
                level_begin = end - len(level)
                for length in range(min(10, level_begin), 0, -1):
                    if self._place_of_level(view, level_begin - length, level_begin, level) or self.place_at(view, level_begin - length, end):
                        return level_begin - length
                token = next((t for t in view.tokens if t.end == end and len(t.text) >= 3 and t.text.endswith(level)), None)
                if token is not None and token.text[:-len(level)] not in self.boundaries:
                    return token.begin
                return level_begin
        for length in range(min(12, end), 1, -1):
            if self.place_at(view, end - length, end):
                return end - length
        return None

    def embassies(self, view: SentenceView) -> list[Mention]:
        out = []
        for m in self.embassy.finditer(view.text) if "驻" in view.text else ():  # 驻 is part of every match
            head = _MISSION_FULL.get(m["h"], m["h"])
            begin = m.start()
            sender = m["cn"] or "中国"
            if not m["cn"]:  # 韩国驻沈阳总领事馆: a foreign country's mission in China
                country = self._country_ending_at(view, m.start())
                if country is not None:
                    begin, sender = country
                elif (place := self.lexicon.lookup(m["p"])) is not None and place.type in PLACE_TYPES and place.country == "CN":
                    continue  # 省政府驻北京办事处: a body's office in another Chinese city, not China's mission
            label = f"{sender}驻{m['p']}{head}"
            out.append(self.mention(view, begin, m.end(), T.GOVERNMENT_BODY, label, "pattern:embassy", 30))
        return out

    def foreign_ministries(self, view: SentenceView) -> list[Mention]:
        """法国文化部, 蒙古国旅游部: a ministry or national agency right after a foreign country."""
        out = []
        for m in self.ministry.finditer(view.text):
            country = self._country_ending_at(view, m.start())
            if country is not None:
                begin, name = country
                out.append(self.mention(view, begin, m.end(), T.GOVERNMENT_BODY, name + m.group(0), "pattern:foreign-ministry", 30))
        return out

    def _country_ending_at(self, view: SentenceView, end: int) -> tuple[int, str] | None:
        """The foreign country written right before ``end`` (its start and name as written)."""
        for size in range(min(end, 8), 1, -1):
            entry = self.lexicon.lookup(view.text[end - size : end])
            if entry is not None and entry.type is T.COUNTRY and entry.id != "country:CN":
                return end - size, view.original[end - size : end]
        return None

    # --- quoted lists, brand labels, accounts, events ----------------------------------------

    def accounts(self, view: SentenceView) -> list[Mention]:
        out = []
        text = view.text
        for m in self.account_after.finditer(text):
            if not _is_event_or_brand_tail(m["mid"]):
                out.append(self.mention(view, m.start("n"), m.end("n"), T.ACCOUNT, clean(m["n"]), "pattern:account", 36))
        for m in self.account_before.finditer(text):
            out.append(self.mention(view, m.start("n"), m.end("n"), T.ACCOUNT, clean(m["n"]), "pattern:account", 36))
        for m in self.account_run.finditer(text):
            for q in re.finditer(r"“(?P<n>[^“”\n]{1,40})”", m["run"]):
                b = m.start("run") + q.start("n")
                out.append(self.mention(view, b, b + len(q["n"]), T.ACCOUNT, clean(q["n"]), "pattern:account", 36))
        for m in self.handle.finditer(text):
            end = self._handle_end(view, m.start("n"), m.end())
            if end - m.start("n") >= 2:
                out.append(self.mention(view, m.start(), end, T.ACCOUNT, text[m.start("n") : end], "pattern:account-handle", 36))
        return out

    # --- works and outlets in 《》 -----------------------------------------------------------

    def works_and_media(self, view: SentenceView) -> list[Mention]:
        out = []
        for m in _BOOK_TITLE.finditer(view.text) if "《" in view.text else ():
            name = m["n"].strip()
            if name.startswith("关于") or self.policy_tail.search(_YEARS_AFTER.sub("", name)):
                continue
            entry = self.lexicon.lookup(name)
            if entry is not None:
                if name in entry.risky:  # only book-title marks make a risky name safe
                    out.append(self.mention(view, m.start("n"), m.end("n"), entry.type, entry.label, "gazetteer", 20, entry.id))
                continue
            if self.media_heads.ending(name):
                out.append(self.mention(view, m.start("n"), m.end("n"), T.MEDIA_OUTLET, name, "pattern:media-title", 15))
            else:
                out.append(self.mention(view, m.start("n"), m.end("n"), T.CREATIVE_WORK, name, "pattern:work", 15))
        for m in self.quoted_work.finditer(view.text) if "“" in view.text else ():  # 吉祥物“某某”, “某某”宣传片
            name = m["a"] or m["b"]
            begin = m.start("a") if m["a"] else m.start("b")
            out.append(self.mention(view, begin, begin + len(name), T.CREATIVE_WORK, clean(name), "pattern:work-quoted", 37))
        return out

    # --- organisations and outlets written plain ---------------------------------------------

    def organizations(self, view: SentenceView, places: PlaceContext) -> list[Mention]:
        """Names ending with an organisation's head (某某协会, 某某大学, 某某集团). The part before the
        head must show it is a name: a place, a level word (市), a registered company's head, Latin
        letters, a strong prefix (国际, 中国), a first word the dictionary tags a proper noun (孔子研究院),
        or a list it shares with such a name (甲集团、某市乙股份有限公司等企业)."""
        out: list[Mention] = []
        unvouched: list[Mention] = []
        text = view.text
        for match in self.org_head_re.finditer(text):
            head = match.group(0)
            if not self._head_ends_here(view, match.end()):
                continue
            begin = self._org_start(view, match.start())
            name = text[begin : match.end()]
            if len(name) <= len(head) + 1 or any(mark in name for mark in "“《等、") or name in self.generic:
                continue
            registered = any(name.endswith(h) for h in self.registered_heads)
            pair = len(name) > 2 and all(self.is_country_abbreviation(ch) for ch in name[:2])  # 法中协会
            vouched = (registered or pair or self.has_place(name) or name[0] in "省市区县" or re.search(r"[A-Za-z]", name) or name.startswith(self.strong_prefixes)
                       or self.opens_with_proper_noun(name[: len(name) - len(head)], self.org_heads))  # 孔子研究院: a proper noun before the head
            if not vouched and text[begin - 1 : begin] not in _LIST_JOINS and text[match.end() : match.end() + 1] not in _LIST_JOINS:
                continue  # neither vouched for nor in a list
            label = canonical_body(name, places) if name[0] in "省市区县" else name
            type_ = T.MEDIA_OUTLET if head in self.media_heads else T.ORGANIZATION
            mention = self.mention(view, begin, match.end(), type_, label, "pattern:organization", 12)
            (out if vouched else unvouched).append(mention)
        return out + self.listed_with(view, unvouched, out)

    def opens_with_proper_noun(self, modifiers: str, heads: tuple[str, ...] | frozenset[str] = ()) -> bool:
        """Do the modifiers open with a word the dictionary tags a proper noun (南洋|文化节, 太平|老街)?
        The longest opening of four, three or two letters that is a proper noun or a head decides: a
        head of the kind of name (马拉松|赛) says no."""
        for k in (4, 3, 2):
            word = modifiers[:k]
            if len(word) == k and word in heads:
                return False
            if len(word) == k and self.is_proper(word):
                return True
        return False

    def listed_with(self, view: SentenceView, candidates: list[Mention], vouched: list[Mention]) -> list[Mention]:
        """Candidates that stand in one list (、 和 及 与) with a vouched name, or next to one that is."""
        spans = {(m.span.begin, m.span.end) for m in vouched}
        kept: list[Mention] = []
        changed = True
        while changed and candidates:
            changed = False
            for m in list(candidates):
                if any(self._adjacent(view, m.span.begin, m.span.end, begin, end) for begin, end in spans):
                    kept.append(m)
                    spans.add((m.span.begin, m.span.end))
                    candidates.remove(m)
                    changed = True
        return kept

    @staticmethod
    def _adjacent(view: SentenceView, begin: int, end: int, other_begin: int, other_end: int) -> bool:
        text, offset = view.text, view.offset
        return joined(text, end - offset, other_begin - offset) or joined(text, other_end - offset, begin - offset)

    def _org_start(self, view: SentenceView, head_begin: int) -> int:
        """Start of an organisation's name: back to a boundary, across a place in brackets
        (某某(北京)有限公司) and a name joined by · (某某·某某集团)."""
        return self.across_joins(view, self.walk_left(view, head_begin, 20, digits_stop=True), digits_stop=True)

    def across_joins(self, view: SentenceView, begin: int, *, digits_stop: bool = False) -> int:
        """A name's start moved back across a place in brackets (中国(某地)国际某某节) and a part
        joined by · (中国·某地某某节), as long as there is more name before them."""
        text = view.text
        while begin >= 2 and text[begin - 1] in ")）·":
            if text[begin - 1] == "·":
                joined = self.walk_left(view, begin - 1, 10, digits_stop=digits_stop)
                if joined == begin - 1:
                    break
                begin = joined
                continue
            opening = max(text.rfind("(", 0, begin), text.rfind("（", 0, begin))
            if opening < 1 or not self.place_at(view, opening + 1, begin - 1):
                break
            begin = self.walk_left(view, opening, 16, digits_stop=digits_stop)
        return begin

    def _handle_end(self, view: SentenceView, begin: int, end: int) -> int:
        """A handle written in Chinese ends before the first word that cannot be part of it
        (@杭州文旅|发布视频): a boundary word, a function word or a person's verb."""
        for token in view.tokens:
            inside = token.begin >= begin + 2 and token.begin < end and re.match(r"[\u3400-\u9fff]", token.text)
            if inside and (stops(token.text, self.brand_boundaries) or token.text in self.person_verbs):
                return token.begin
        return end

    def _head_ends_here(self, view: SentenceView, end: int) -> bool:
        """A head ends a word: at a token end, or where a title begins (协会|会长)."""
        if any(t.end == end for t in view.tokens) or end == len(view.text):
            return True
        return view.text.startswith(self.titles, end)

    # --- people ------------------------------------------------------------------------------

    def persons(self, view: SentenceView) -> list[Mention]:
        out = []
        text = view.text
        patterns = [self.person_after_title, self.person_before_title, self.person_before_verb]
        if "·" in text:
            patterns.append(self.foreign_person)
        if "电" in text or "讯" in text:
            patterns.append(self.byline)
        if "摄" in text or "供图" in text:
            patterns.append(self.photo_credit)
        for pattern in patterns:
            pos = 0
            while (m := pattern.search(text, pos)) is not None:
                pos = m.end()
                name, end = m["n"], m.end("n")
                if pattern is self.person_after_title and len(name) == 3 and (self.person_verb_at.match(text, m.start("n") + 2) or name[2] == "等"):
                    name, end = name[:2], end - 1  # 副秘书长张华陪同, 市长陈刚等: the name ends before the verb or 等
                bounded = pattern is self.person_after_title or pattern is self.photo_credit  # 书记某某提出, 。某某 摄影
                titled = bounded and self.is_proper(name)  # 书记李强: a name the dictionary knows, in a bounded place
                known = name in self.lexicon.index.surfaces if titled else self.lexicon.lookup(name) is not None  # a risky alias (凌云) is no place there
                if name in self.boundaries or known or (self.is_word(name) and not titled) or _NOT_IN_NAMES.search(name):
                    continue
                # after a title and before a verb the name is bounded on both sides: it may cut a word (周汉民|主持)
                if pattern is not self.person_after_title and not self._name_token(view, m.start("n"), end):
                    pos = m.start("n") + 1  # a name cut out of a word may hide one right after it (感谢王某委员: not 谢王某)
                    continue
                begin = self._foreign_name_start(text, m.start("n"))
                out.append(self.mention(view, begin, end, T.PERSON, text[begin:end] if begin < m.start("n") else name, "pattern:person", 25))
        for m in self.foreign_titled.finditer(text) if "·" not in text else ():  # a foreign head of state named by one name
            name = m["n"]
            if self._country_ending_at(view, m.start()) is None or self.is_word(name) or self.lexicon.lookup(name) is not None:
                continue
            out.append(self.mention(view, m.start("n"), m.end("n"), T.PERSON, name, "pattern:person-foreign", 25))
        for m in self.byline_names.finditer(text) if any(cue in text for cue in self.byline_cues) else ():  # 记者 甲 乙, 文/ 甲
            for part in re.finditer(r"[^\s、]+", m["run"]):
                name = part.group(0)
                if self.single_name.fullmatch(name) and not self.is_word(name) and self.lexicon.lookup(name) is None:
                    begin = m.start("run") + part.start()
                    out.append(self.mention(view, begin, begin + len(name), T.PERSON, name, "pattern:person-byline", 25))
        return out + self._listed_people(view, out) if "、" in text and out else out

    def _listed_people(self, view: SentenceView, found: list[Mention]) -> list[Mention]:
        """Names standing in one 、 list with a person found (市领导甲某、乙某、丙某参加): a surname and
        one or two letters between the list's separators, neither a word nor a known name."""
        text, offset = view.text, view.offset
        queue = [(m.span.begin - offset, m.span.end - offset) for m in found]
        taken = set(queue)
        out = []
        while queue:
            begin, end = queue.pop()
            after = [(end + 1, end + 1 + n) for n in (3, 2) if self._ends_list_item(view, end + 1 + n)] if text[end : end + 1] == "、" else []
            before = [(begin - 1 - n, begin - 1) for n in (3, 2) if begin - 1 - n >= 0] if begin > 0 and text[begin - 1] == "、" else []
            for side in (after, before):
                for b, e in side:
                    name = text[b:e]
                    if not self.single_name.fullmatch(name) or not self._name_token(view, b, e):
                        continue
                    bounded = b >= end or text[b - 1 : b] == "、"  # separators on both sides: a common word (李娜) may be a name
                    if name in self.boundaries or self.lexicon.lookup(name) is not None or _NOT_IN_NAMES.search(name) or (self.is_word(name) and not bounded):
                        continue
                    if not any(b < e2 and b2 < e for b2, e2 in taken):
                        taken.add((b, e))
                        queue.append((b, e))
                        out.append(self.mention(view, b, e, T.PERSON, name, "pattern:person-list", 24))
                    break
        return out

    def _ends_list_item(self, view: SentenceView, end: int) -> bool:
        """Does a list item end here: before a separator, 等, a closing mark, a verb or the end?"""
        text = view.text
        return end >= len(text) or text[end] in "、,，。;；:：等和及与)）" or bool(self.person_verb_at.match(text, end))

    def _foreign_name_start(self, text: str, begin: int) -> int:
        """A name found after a · goes back over the transliterated given name before it (署长某某·施泰纳),
        up to a character that ends a title (长, 任, 席 …)."""
        if begin < 2 or text[begin - 1] != "·":
            return begin
        start = begin - 1
        while start > 0 and begin - start <= 7 and text[start - 1] in self.transliteration and text[start - 1] not in self.title_ends:
            start -= 1
        return start if start < begin - 1 else begin

    def _name_token(self, view: SentenceView, begin: int, end: int) -> bool:
        """A person's name must not cut a token of the sentence in two."""
        return all(not (t.begin < begin < t.end or t.begin < end < t.end) for t in view.tokens) or "·" in view.text[begin:end]

    def local_places(self, view: SentenceView, places: PlaceContext) -> list[Mention]:
        """The document's own district, county or town (桃浦镇, 巫山县), which no gazetteer lists."""
        out = []
        for name in places.local_names():
            if self.lexicon.lookup(name) is not None:
                continue
            for m in re.finditer(re.escape(name), view.text):
                out.append(self.mention(view, m.start(), m.end(), T.CITY, name, "pattern:local-place", 8))
        return out


# --- pure helpers -----------------------------------------------------------------------------

def canonical_body(raw: str, places: PlaceContext) -> str:
    """The canonical label of a government body: a bare level word expanded with the document's
    place (市委宣传部 → 中共成都市委宣传部), and 中共 before a party committee and its units."""
    party = raw.startswith("中共")
    name = raw[2:] if party else raw
    level = next((lv for lv in ("自治区", "省", "市", "区", "县", "镇", "州") if name.startswith(lv)), None)
    province = _province(places)
    if level is None and province and name.endswith("厅") and not re.search(r"[省市区县州盟]", name[:-1]):
        return province + name  # departments (厅) exist at the provincial level only
    if level is not None:
        full = places.expand(level)
        if full is None:
            return raw
        name = full + name[len(level) :]
    committee = _PARTY_COMMITTEE.fullmatch(name) if "党委" in name else None
    if committee:
        return f"中共{committee.group(1)}委员会"
    if _PARTY_UNIT.search(name):
        party = True
    return ("中共" + name) if party else name


def _province(places: PlaceContext) -> str | None:
    """The document's province or autonomous region, as the body names it."""
    return places.expand("自治区") or places.expand("省")


def _longest_first(words: frozenset[str] | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))


_MEMO_LIMIT = 200_000


class Heads(tuple[str, ...]):
    """Head words, longest first, looked up by suffix (one set probe per head length); what a
    token's head is, is remembered, since the same words come back sentence after sentence."""

    def __new__(cls, words: frozenset[str] | tuple[str, ...]) -> Self:
        return super().__new__(cls, _longest_first(words))

    def __init__(self, _words: frozenset[str] | tuple[str, ...]) -> None:
        self._known = frozenset(self)
        self.last_chars = frozenset(h[-1] for h in self if h)
        self._lengths = tuple(sorted({len(h) for h in self}, reverse=True))
        self._token_heads: dict[str, str | None] = {}

    def ending(self, name: str) -> str | None:
        """The longest head ``name`` ends with."""
        size = len(name)
        for n in self._lengths:
            if n <= size and name[-n:] in self._known:
                return name[-n:]
        return None

    def of_token(self, token: str) -> str | None:
        """The head a token ends with. A one-character head must be the whole token or follow a
        word of two characters or more (文化|周, 旅游|节), never finish a two-character word (发展, 季节)."""
        try:
            return self._token_heads[token]
        except KeyError:
            head = self.ending(token)
            if head is not None and len(head) == 1 and 1 < len(token) < 3:
                head = None
            if len(self._token_heads) >= _MEMO_LIMIT:
                self._token_heads.clear()
            self._token_heads[token] = head
            return head


_LEVEL_ENDINGS = frozenset("省市县区州旗盟")
_MISSION_FULL = {"使馆": "大使馆", "总领馆": "总领事馆"}  # the label takes the full word
_BOOK_TITLE = re.compile(r"《(?P<n>[^《》\n]{1,40})》")
_PARTY_COMMITTEE = re.compile(r"(.+?(?:省|市|自治区|自治州|区|县))党委")
_PARTY_UNIT = re.compile(r"(?:省|市|区|县|州|盟|自治区)委(?!员)")
_LIST_JOINS = frozenset("、和及与以")  # a character next to a name that puts it in a list (以 of 以及)
_NOT_IN_NAMES = re.compile("[的了们]|媒体")  # 15个国家的专家, 全媒体记者: no given name has these


def joined(text: str, end: int, begin: int) -> bool:
    """Do one name ending at ``end`` and the next starting at ``begin`` stand in one list (甲、乙, 甲和乙)?"""
    return 0 <= end <= begin and text[end:begin] in ("、", "和", "及", "以及", "与")


def stops(token: str, stop: frozenset[str]) -> bool:
    """A boundary word, or a longer token ending in a two-character one (积极组织 ends in 组织)."""
    return token in stop or (len(token) > 2 and token[-2:] in stop)


def is_punct(token: str) -> bool:
    return all(ch in _PUNCT or ch.isspace() for ch in token)


def _is_event_or_brand_tail(mid: str) -> bool:
    return any(word in mid for word in ("活动", "品牌", "节", "展"))


QUOTE_MARKS = str.maketrans("", "", "“”‘’\"《》「」『』")  # quotation and title marks, deleted


def clean(label: str) -> str:
    return label.translate(QUOTE_MARKS).strip(" 、,，")


def _transliteration_characters(lexicon: Lexicon) -> frozenset[str]:
    """Characters that recur in the Chinese names of foreign places: the model of a transliteration."""
    counts: Counter[str] = Counter()
    for entry in lexicon.entries.values():
        if entry.type in PLACE_TYPES and entry.country not in (None, "CN"):
            for name in entry.surfaces:
                counts.update(ch for ch in set(name) if "\u3400" <= ch <= "\u9fff")
    return frozenset(ch for ch, n in counts.items() if n >= 3)


__all__ = ["Match", "NameRules", "Token", "canonical_body"]

