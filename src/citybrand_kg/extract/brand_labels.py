"""City brand labels: the slogans and epithets a text presents as a city's brand.

``BrandLabels`` reads a :class:`~citybrand_kg.model.SentenceView` and returns candidate mentions:

- the items of a quoted list after a brand cue (打响“甲、乙、丙”等城市品牌, 擦亮“甲”“乙”两张名片,
  利用…的品牌优势): cues and tails are ``brand_cues.txt`` and ``brand_tails.txt``;
- a quoted label followed by 品牌, IP, 名片 or 形象 (“某某”城市品牌, “甲、乙”城市形象);
- a quoted label in two halves joined by a space or ·, one ending with a brand head (“浪漫之都 时尚某市”);
- a quoted list whose items end with a brand head (“甲之都、乙名城”);
- a name ending with a brand head (``brand_heads.txt``: 之城, 之都, 名城, 古都 …);
- a quoted label right after a place (沈阳“活力之都”、大连“浪漫之都”): a brand of that place when it
  ends with a brand head or when the sentence pairs several places with quoted labels;
- an epithet after 被誉为 / 素有 / 是 (…是某某美食的发源地, 被誉为“某某的摇篮”): ``brand_epithets.txt``;
  after 被誉为 / 素有 / 号称 … an honorary title ending with 都 or 城 (被誉为世界某某都);
- 某地某某品牌: a short name between a place and 品牌.

Nicknames of one city (花城, 商都) are aliases in the gazetteers, not heads.
"""

from __future__ import annotations

import re

from citybrand_kg.extract.recognisers import HAN, NameRules, clean
from citybrand_kg.model import PLACE_TYPES, EntityType, Mention, SentenceView
from citybrand_kg.wordregex import word_alternation

T = EntityType
_QUOTED_4_60 = re.compile(r"“(?P<n>[^“”\n]{4,60})”")
_HAN_RUN = re.compile(rf"[{HAN}]+")
_AFTER_A_LABEL = re.compile(rf"[^{HAN}]|$|[为的等和与]|城市|品牌|形象|名片|口号")


class BrandLabels:
    """Compiled cues, heads and epithets of the brand recognisers, built once from a :class:`NameRules`."""

    def __init__(self, rules: NameRules) -> None:
        self.rules = rules
        w = rules.lexicon.word_set
        self.heads = tuple(sorted(w("brand_heads"), key=lambda h: (-len(h), h)))
        self.short_heads = w("brand_heads_short")
        self.generic = w("brand_generic")
        self.generic_words = re.compile(word_alternation(self.generic))
        heads = word_alternation(self.heads)
        self.head_end = re.compile(rf"(?:{heads})$")
        self.head_name = re.compile(rf"[{HAN}]{{2,10}}?(?:{heads})")
        self.cue = re.compile(word_alternation(w("brand_cues")))
        tails = word_alternation(w("brand_tails"))
        self.cue_tail = re.compile(rf"[^。;；“”]{{0,12}}?((?:“[^“”\n]{{1,80}}”[^“”。;；,，]{{0,8}}?[、,，]?\s*)+)等?[^。;；,，]{{0,10}}?(?:{tails})")
        self.quote_tail = re.compile(r"(?P<n>(?:“[^“”\n]{2,24}”、?)+)等?(?:[两三四五六七八九十]|\d{1,2})?[大张个]?(?:城市|旅游|文旅|城市旅游|城市文化|文化)?(?:品牌|IP|名片|形象)")
        self.epithet_heads = tuple(w("brand_epithets"))
        epithet_heads = word_alternation(self.epithet_heads)
        verbs = word_alternation(w("brand_epithet_verbs"))
        self.epithet = re.compile(rf"(?P<v>{verbs})[“]?(?P<n>[{HAN}A-Za-z·]{{2,14}}?(?:{epithet_heads}))[”]?(?=[^{HAN}]|的美誉|之称|的称号|$)")
        acclaim = tuple(w("brand_acclaim_verbs"))
        self.acclaimed = re.compile(rf"(?:{word_alternation(acclaim)})“(?P<n>[^“”\n]{{2,40}})”")
        self.praise_verbs = tuple(v for v in acclaim if v != "作为")  # 作为一座城 is no title
        self.acclaimed_short = re.compile(rf"(?:{word_alternation(self.praise_verbs)})(?P<n>(?!一)[{HAN}]{{2,7}}[都城])(?=[^{HAN}]|的美誉|之称|的称号|$)")  # 被誉为世界某某都
        self.epithet_end = re.compile(rf"(?:{epithet_heads})$")
        self.dashed = re.compile(rf"(?P<n>[{HAN}]{{2,8}}(?:[/／][{HAN}]{{2,8}})*)(?:--|——|—|-)(?P<p>[{HAN}]{{2,8}}?)(?=[,，、)）。;；等]|$)")
        self.place_quote = re.compile(r"“(?P<n>[^“”\n]{2,12})”")

    def labels(self, view: SentenceView, found: list[Mention]) -> list[Mention]:
        text = view.text
        out = self._cue_lists(view) if "“" in text else []
        out += self._quoted(view) if "“" in text else []
        out += self._headed(view)
        out += self._of_city(view) if "品牌" in text else []
        if "“" in text:
            out += self._after_places(view, found)
        if "“" in text or "-" in text or "—" in text or any(head in text for head in self.epithet_heads) or any(verb in text for verb in self.praise_verbs):
            out += self._epithets(view)
        return out

    # --- recognisers ----------------------------------------------------------------------------

    def _cue_lists(self, view: SentenceView) -> list[Mention]:
        """Items of a quoted list after a brand cue: 打响“A、B、C”等品牌 / 打造“A”、“B”等优势."""
        out = []
        text = view.text
        for cue in self.cue.finditer(text):
            tail = self.cue_tail.match(text, cue.end())
            if not tail:
                continue
            for item_begin, item_end in self._items(text, tail.start(1), tail.end(1)):
                label = clean(text[item_begin:item_end])
                if 2 <= len(label) <= 24:
                    out.append(self.rules.mention(view, item_begin, item_end, T.BRAND_LABEL, label, "pattern:brand-list", 40))
        return out

    def _quoted(self, view: SentenceView) -> list[Mention]:
        out = []
        text = view.text
        for m in self.quote_tail.finditer(text):  # “甲”“乙”等品牌, “甲、乙”品牌优势: each label
            for part in re.finditer(r"[^、“”]+", m["n"]):
                begin, end = m.start("n") + part.start(), m.start("n") + part.end()
                out.append(self.rules.mention(view, begin, end, T.BRAND_LABEL, clean(text[begin:end]), "pattern:brand-quote", 40))
        for quote in _QUOTED_4_60.finditer(text):
            items = re.split(r"[、,，]", quote["n"])
            halves = re.split(r"[\s·]+", quote["n"].strip())
            if (len(items) == 1 and 1 < len(halves) <= 3 and len(quote["n"]) <= 20 and any(self.head_end.search(half) for half in halves)
                    and _AFTER_A_LABEL.match(text, quote.end())):  # not “甲 乙”某某主题展: the quotation opens another name
                out.append(self.rules.mention(view, quote.start("n"), quote.end("n"), T.BRAND_LABEL, clean(quote["n"]), "pattern:brand-halves", 36))
                continue  # “浪漫之都 时尚某市”, “某某之城·某某”: one label in two halves
            if len(items) > 1 and any(self.head_end.search(item.strip()) for item in items):
                pos = quote.start("n")
                for item in items:
                    if 2 <= len(item.strip()) <= 12:
                        lead = len(item) - len(item.lstrip())
                        out.append(self.rules.mention(view, pos + lead, pos + lead + len(item.strip()), T.BRAND_LABEL, item.strip(), "pattern:brand-list", 40))
                    pos += len(item) + 1
        return out

    def _headed(self, view: SentenceView) -> list[Mention]:
        out = []
        text = view.text
        for m in self.head_name.finditer(text) if any(head in text for head in self.heads) else ():
            begin = max(m.start(), self.rules.walk_left(view, m.end() - 2, 12, self.rules.brand_boundaries))
            label = text[begin : m.end()]
            if len(label) >= 4:
                out.append(self.rules.mention(view, begin, m.end(), T.BRAND_LABEL, label, "pattern:brand-head", 12))
        return [m for m in out if not self._only_generic(m.label) or self._listed_with_a_brand(text, m, out, view.offset)]

    def _listed_with_a_brand(self, text: str, mention: Mention, found: list[Mention], offset: int) -> bool:
        """彰显某市的创新活力之城、历史文化名城、生态文明之都特色: a kind of city listed with the city's
        labels is one of them."""
        begin, end = mention.span.begin - offset, mention.span.end - offset
        return any(not self._only_generic(other.label) and (other.span.end - offset == begin - 1 and text[begin - 1] == "、"
                                                           or other.span.begin - offset == end + 1 and text[end : end + 1] == "、")
                   for other in found)

    def _only_generic(self, label: str) -> bool:
        """历史文化名城, 旅游文化名城: a head after generic words only names a kind of city, not a brand."""
        head = self.head_end.search(label)
        modifier = label[: head.start()] if head else label
        return not self.generic_words.sub("", modifier)

    def _of_city(self, view: SentenceView) -> list[Mention]:
        """某地某某品牌: two to four letters between a place and 品牌."""
        out = []
        text = view.text
        for cue in re.finditer("品牌", text):
            for size in (2, 3, 4):
                begin = cue.start() - size
                name = text[max(begin, 0) : cue.start()]
                if begin >= 0 and _HAN_RUN.fullmatch(name) and name not in self.generic and self._place_ends_at(view, begin) and not self.rules.has_place(name):
                    out.append(self.rules.mention(view, begin, cue.start(), T.BRAND_LABEL, name, "pattern:brand-of-city", 12))
                    break
        return out

    def _after_places(self, view: SentenceView, found: list[Mention]) -> list[Mention]:
        """沈阳“活力之都”、大连“浪漫之都”、鞍山“钢都”: a quoted label right after a place."""
        text, offset = view.text, view.offset
        ends = {m.span.end - offset for m in found if m.type in PLACE_TYPES}
        pairs = [q for q in self.place_quote.finditer(text) if q.start() in ends]
        out = []
        for q in pairs:
            name = q["n"]
            headed = bool(self.head_end.search(name)) or name[-1:] in self.short_heads
            if (headed or len(pairs) >= 2) and not any(mark in name for mark in "，,。"):
                out.append(self.rules.mention(view, q.start("n"), q.end("n"), T.BRAND_LABEL, clean(name), "pattern:brand-of-place", 39))
        return out

    def _epithets(self, view: SentenceView) -> list[Mention]:
        """…是某某美食的发源地 / 被誉为“某某的摇篮” / 素有“某某”之称."""
        out = []
        text = view.text
        for m in self.epithet.finditer(text):
            name = m["n"]
            if name in self.generic or len(name) < 3 or re.match(r"一[座个片处]", name):
                continue  # 一座历史悠久的旅游文化名城: a description, not a label
            out.append(self.rules.mention(view, m.start("n"), m.end("n"), T.BRAND_LABEL, clean(name), "pattern:brand-epithet", 36))
        for m in self.acclaimed_short.finditer(text):  # 被誉为世界某某都: an honorary title with a one-letter head
            out.append(self.rules.mention(view, m.start("n"), m.end("n"), T.BRAND_LABEL, m["n"], "pattern:brand-epithet", 36))
        for m in self.acclaimed.finditer(text):  # 作为“甲、乙、丙”: each item
            for part in re.finditer(r"[^、]+", m["n"]):
                begin, end = m.start("n") + part.start(), m.start("n") + part.end()
                out.append(self.rules.mention(view, begin, end, T.BRAND_LABEL, clean(text[begin:end]), "pattern:brand-epithet", 36))
        for m in self.dashed.finditer(text):  # 活力之都--沈阳, 钢都/玉都--鞍山
            if not self.rules.place_at(view, m.start("p"), m.end("p")):
                continue
            for part in re.finditer(r"[^/／]+", m["n"]):
                name = part.group(0)
                if self.head_end.search(name) or name[-1:] in self.short_heads or self.epithet_end.search(name):
                    begin = m.start("n") + part.start()
                    out.append(self.rules.mention(view, begin, begin + len(name), T.BRAND_LABEL, name, "pattern:brand-of-place", 39))
        return out

    # --- helpers ------------------------------------------------------------------------------

    def _place_ends_at(self, view: SentenceView, end: int) -> bool:
        return any(self.rules.place_at(view, end - k, end) for k in range(2, min(end, 8) + 1))

    def _items(self, text: str, begin: int, end: int) -> list[tuple[int, int]]:
        """Spans of the items of a quoted list between ``begin`` and ``end``: quotation marks side by
        side (“甲”“乙”), items inside one quotation split at 、 (at a comma only when every part ends
        with a brand head), a short word after a quotation kept with it (“某某”之旅)."""
        items = []
        for quote in re.finditer(r"“([^“”]*)”([^“”、,，]*)", text[begin:end]):
            inner_begin, inner = begin + quote.start(1), quote.group(1)
            separator = "、" if "、" in inner else r"[,，]"
            parts = list(re.finditer(rf"[^{separator.strip('[]')}]+", inner))
            if len(parts) > 1 and (separator == "、" or all(self.head_end.search(p.group(0).strip()) for p in parts)):
                for part in parts:
                    lead = len(part.group(0)) - len(part.group(0).lstrip())
                    if part.group(0).strip():
                        items.append((inner_begin + part.start() + lead, inner_begin + part.start() + lead + len(part.group(0).strip())))
            else:
                tail = quote.group(2)
                tail = tail if re.fullmatch(rf"[{HAN}]{{1,8}}", tail or "") and not tail.startswith("等") else ""
                items.append((inner_begin, inner_begin + len(inner) + (1 + len(tail) if tail else 0)))
        return items
