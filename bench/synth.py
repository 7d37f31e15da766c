"""A synthetic corpus of the genre, for scale tests: ``python bench/synth.py --count N --seed S --out DIR``.

Writes N plain-text documents (UTF-8, 1–12 KB each): replies to CPPCC proposals (提案, to a
委员) and NPC suggestions (建议, to a 代表 or a 代表团) with a title line, proposal number and
session, addressee, sections, commitments, issuer signature and date; and publicity reports and
news items with a dateline. The bodies mix events with their heads (论坛, 博览会, 文化节, 周, 展),
brand-label lists (打响“A、B、C”等城市品牌), accounts on platforms, figures (540余家, 2.95亿次,
近千人), media partners (与新华社联合举办), places abroad and dates.

Names come from the project's gazetteers and pattern lists (cities, provinces, countries, foreign
cities, media, platforms, surnames, government units, event heads); the phrasing is from the
templates below, written for this generator. Document ``i`` of seed ``S`` depends on nothing else,
so the same seed gives the same bytes whatever the count.
"""

from __future__ import annotations

import argparse
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from citybrand_kg.extract.gazetteers import GazetteerEntry, Lexicon, load_lexicon
from citybrand_kg.model import EntityType as T

MIN_BYTES, MAX_BYTES = 1024, 12 * 1024
CN_DIGITS = "〇一二三四五六七八九"
GIVEN = "明华伟芳丽强军敏静磊洋艳勇杰娟涛超秀霞平刚英建文玉兰志红海燕斌宇浩凯晨欣悦琳宁婷雪松林峰岚"
THEMES = ("动漫", "茶文化", "丝绸", "数字经济", "文化旅游", "美食", "非遗", "影视", "友好城市", "音乐", "设计", "创意", "海洋", "山地旅游", "运河文化", "陶瓷", "书画", "民俗", "体育", "航空")
EVENT_HEADS = ("论坛", "高峰论坛", "博览会", "文化节", "旅游节", "艺术节", "周", "展", "推介会", "交流会")
BRAND_MODS = ("东方", "国际", "千年", "山水", "创新", "活力", "休闲", "生态", "数字", "浪漫", "魅力", "幸福", "开放", "滨海", "历史")
BRAND_NOUNS = ("会展", "旅游", "美食", "音乐", "设计", "茶", "丝绸", "运河", "赛事", "电影", "动漫", "康养", "消费", "文化", "湿地")
BRAND_TAILS = ("之城", "之都", "名城", "胜地", "高地")
ACCOUNT_TAILS = ("Feel", "Now", "Vibes", "Moments", "Story", "Insight")
ACCOUNT_MODS = ("韵味", "乐游", "悦享", "遇见", "发现", "印象")
FOREIGN_PLATFORMS = ("Facebook", "推特", "优兔", "图享", "TikTok", "脸书", "YouTube", "Instagram")
DOMESTIC_ACCOUNTS = ("微信公众号", "抖音号", "微博账号", "视频号", "小红书账号")
PUBLICITY_WORDS = ("宣传", "外事", "外宣", "文化", "旅游", "新闻", "侨务")
PRINT_TAILS = ("报", "时报", "邮报", "日报", "周刊", "杂志")
TROUPES = ("市歌舞剧院", "市杂技团", "市交响乐团", "市越剧团", "市民族乐团")


@dataclass(frozen=True)
class City:
    label: str  # 杭州市
    short: str  # 杭州
    english: str
    province: str  # 浙江省
    slug: str


@dataclass(frozen=True)
class Names:
    """The gazetteer and pattern lists the templates draw from."""

    cities: tuple[City, ...]
    countries: tuple[GazetteerEntry, ...]
    foreign_cities: tuple[tuple[str, str], ...]  # (city, its country)
    home_media: tuple[str, ...]
    foreign_media: tuple[tuple[str, str], ...]  # (outlet, its country)
    surnames: tuple[str, ...]
    units: tuple[str, ...]


def names_from(lexicon: Lexicon) -> Names:
    entries = sorted(lexicon.entries.values(), key=lambda e: e.id)
    country_label = {e.id.split(":", 1)[1]: e.label for e in entries if e.type is T.COUNTRY}
    return Names(
        cities=tuple(_cities(entries)),
        countries=tuple(e for e in entries if e.type is T.COUNTRY and e.wikidata),
        foreign_cities=tuple((e.label, country_label[e.country]) for e in entries if e.id.startswith("city:foreign:") and e.country in country_label),
        home_media=tuple(e.label for e in entries if e.type is T.MEDIA_OUTLET and e.country == "CN"),
        foreign_media=tuple((e.label, country_label[e.country]) for e in entries if e.type is T.MEDIA_OUTLET and e.country in country_label and e.country != "CN" and not e.label.isascii()),
        surnames=tuple(s for s in lexicon.words.get("surnames", ()) if len(s) == 1),
        units=tuple(u for u in lexicon.words.get("government_units", ()) if any(w in u for w in PUBLICITY_WORDS) and u.endswith(("局", "部", "办公室", "办"))),
    )


def _cities(entries: list[GazetteerEntry]) -> list[City]:
    provinces = {e.id: e.label for e in entries if e.id.startswith("prov:")}
    out = []
    for e in entries:
        short = next((a for a in e.aliases if not a.isascii()), None)
        if e.id.startswith("city:") and e.parent in provinces and e.label.endswith("市") and short and e.label_en and provinces[e.parent].endswith("省"):
            out.append(City(e.label, short, e.label_en.replace(" ", ""), provinces[e.parent], e.id.split(":", 1)[1]))
    return out


# --- small pieces --------------------------------------------------------------------------------

class Writer:
    """One document's random choices: a ``random.Random`` seeded by (seed, index), and the names."""

    def __init__(self, names: Names, seed: int, index: int) -> None:
        self.rng = random.Random(f"citybrand-synth:{seed}:{index}")
        self.names = names
        self.city = self.rng.choice(names.cities)
        self.year = self.rng.randint(2016, 2024)

    def pick(self, items: tuple, k: int = 1) -> list:  # type: ignore[type-arg]
        return self.rng.sample(items, k)

    def one(self, items: tuple):  # type: ignore[no-untyped-def,type-arg]
        return self.rng.choice(items)

    def person(self) -> str:
        return self.one(self.names.surnames) + "".join(self.rng.choices(GIVEN, k=self.rng.choice((1, 2, 2))))

    def date(self) -> str:
        return f"{self.year}年{self.rng.randint(1, 12)}月{self.rng.randint(1, 28)}日"

    def month(self) -> str:
        return f"{self.year - self.rng.randint(0, 2)}年{self.rng.randint(1, 12)}月"

    def figure(self, kind: str) -> str:
        """A figure of a kind: people, countries, views, outlets, languages, shows."""
        r = self.rng
        forms: dict[str, tuple[Callable[[], str], ...]] = {
            "people": (lambda: "近千人", lambda: f"{r.randint(80, 900)}余人", lambda: f"{r.randint(2, 90)}万人次", lambda: f"逾{r.randint(2, 20)}万人"),
            "countries": (lambda: f"{r.randint(3, 60)}个国家和地区", lambda: f"近{r.choice((20, 30, 40, 50))}个国家"),
            "views": (lambda: f"{r.randint(101, 999) / 100:.2f}亿次", lambda: f"{r.randint(100, 9000)}余万次", lambda: f"超过{r.randint(2, 900)}万次"),
            "outlets": (lambda: f"{r.randint(12, 980)}余家", lambda: f"近{r.choice((100, 200, 300, 500))}家"),
            "languages": (lambda: f"{r.randint(5, 20)}种语言",),
            "shows": (lambda: f"{r.randint(6, 60)}场", lambda: f"逾{r.randint(20, 400)}场"),
        }
        return self.one(forms[kind])()

    def event(self) -> str:
        c = self.city.short
        theme, head = self.one(THEMES), self.one(EVENT_HEADS)
        forms = (f"第{CN_DIGITS[self.rng.randint(2, 9)]}届{c}国际{theme}{head}", f"{c}{theme}{head}", f"中国（{c}）{theme}{head}", f"“{c}{theme}{head}”")
        return self.one(forms)

    def brand(self) -> str:
        return self.one(BRAND_MODS) + self.one(BRAND_NOUNS) + self.one(BRAND_TAILS)

    def account(self) -> str:
        en = self.city.english
        return self.one((f"{en}{self.one(ACCOUNT_TAILS)}", f"Discover{en}", f"{en}{self.one(ACCOUNT_TAILS)}（{self.one(ACCOUNT_MODS)}{self.city.short}）"))

    def abroad(self) -> tuple[str, str]:
        fcity, country = self.one(self.names.foreign_cities)
        return country, fcity

    def body(self) -> str:
        unit = self.one(self.names.units)
        return f"中共{self.city.label}委{unit}" if unit.endswith("部") else self.city.label + unit


# --- sentences of the body -----------------------------------------------------------------------

def s_partner_event(w: Writer) -> str:
    media = w.one(w.names.home_media)
    return f"{w.month()}，{w.body()}与{media}联合举办{w.event()}，来自{w.figure('countries')}的嘉宾{w.figure('people')}参加活动，相关报道阅读量达{w.figure('views')}。"


def s_abroad_event(w: Writer) -> str:
    country, fcity = w.abroad()
    return f"在{country}{fcity}成功举办{w.event()}，吸引当地民众{w.figure('people')}观展，{w.one(w.names.foreign_media)[0]}等境外媒体进行了报道。"


def s_tour(w: Writer) -> str:
    a, b = w.pick(w.names.countries, 2)
    return f"组织{w.city.short}{w.one(TROUPES)[1:]}赴{a.label}、{b.label}巡演，演出达{w.figure('shows')}，观众{w.figure('people')}。"


def s_brands(w: Writer) -> str:
    labels = "、".join(dict.fromkeys(w.brand() for _ in range(w.rng.randint(2, 5))))
    verb = w.one(("打响", "擦亮", "叫响", "唱响"))
    return f"围绕城市发展定位，进一步{verb}“{labels}”等城市品牌，持续提升{w.city.short}的知名度和美誉度。"


def s_accounts(w: Writer) -> str:
    platforms = "、".join(w.pick(FOREIGN_PLATFORMS, w.rng.randint(2, 4)))
    return f"在{platforms}等海外社交媒体平台开设“{w.account()}”账号，累计发布图文和短视频{w.rng.randint(300, 5000)}余条，粉丝总量达{w.rng.randint(2, 90)}万。"


def s_domestic_account(w: Writer) -> str:
    return f"“{w.one(ACCOUNT_MODS)}{w.city.short}”{w.one(DOMESTIC_ACCOUNTS)}全年推送稿件{w.rng.randint(200, 3000)}篇，总浏览量{w.figure('views')}。"


def s_foreign_media(w: Writer) -> str:
    (m1, c1), (m2, c2) = w.pick(w.names.foreign_media, 2)
    c1, c2 = ("" if m1.startswith(c1) else c1), ("" if m2.startswith(c2) else c2)
    return f"借势重大活动，在{c1}{_titled(m1)}、{c2}{_titled(m2)}等境外主流媒体刊发宣传{w.city.short}的专稿，并被{w.figure('outlets')}海外媒体和网站以{w.figure('languages')}转载。"


def _titled(outlet: str) -> str:
    """Newspapers and magazines in book-title marks (《华盛顿邮报》), broadcasters and agencies bare."""
    return f"《{outlet}》" if outlet.endswith(PRINT_TAILS) else outlet


def s_cooperation(w: Writer) -> str:
    media = w.one(w.names.home_media)
    return f"深化与{media}的战略合作，共同策划推出“{w.city.short}故事”系列报道{w.rng.randint(10, 120)}期，海外平台传播量达{w.figure('views')}。"


def s_visit(w: Writer) -> str:
    country, fcity = w.abroad()
    return f"{w.month()}，{w.city.short}代表团赴{country}{fcity}开展城市形象推介活动，举办{w.city.short}{w.one(THEMES)}推介会{w.rng.randint(2, 9)}场。"


def s_filler(w: Writer) -> str:
    c = w.city.short
    forms = (
        "近年来，我市坚持把城市国际传播作为提升城市软实力的重要抓手，统筹各方资源，推动形成多部门协同的工作格局。",
        f"我们注重用国际通行的表达方式讲述{c}的发展故事，让海外受众看得懂、愿意听、记得住。",
        "各县（市、区）结合自身资源禀赋，打造了一批具有辨识度的文旅产品和传播项目。",
        "在此过程中，也存在传播渠道相对单一、精品内容供给不足、专业人才较为缺乏等问题，需要在今后工作中加以解决。",
        "同时，加强与高校和研究机构的合作，开展城市形象国际认知度调查，为精准传播提供参考。",
        "围绕重大节庆和重要时间节点，策划推出一批主题鲜明、形式多样的宣传产品。",
        "建立重点外宣项目清单，明确责任单位和完成时限，定期通报工作进展。",
        f"邀请在{c}工作和学习的外籍人士参与城市宣传片拍摄，以他们的视角介绍城市生活。",
        f"推动{c}的非物质文化遗产、传统工艺和地方美食走出去，让海外受众近距离感受城市的人文魅力。",
        "针对不同国家和地区受众的特点，实施分众化、差异化传播，提高传播的精准度。",
        "组织翻译出版多语种城市画册和旅游指南，在驻外机构、国际航班和境外旅行社投放。",
        "完善新闻发布机制，及时回应境外媒体关切，主动设置议题。",
    )
    return w.one(forms)


SENTENCES = (s_partner_event, s_abroad_event, s_tour, s_brands, s_accounts, s_domestic_account, s_foreign_media, s_cooperation, s_visit, s_filler, s_filler)
SECTION_TITLES = ("加强统筹谋划，构建对外传播格局", "丰富活动载体，扩大城市影响", "创新传播方式，提升传播效能", "深化交流合作，拓展传播渠道", "突出品牌引领，塑造城市形象")


# --- documents -----------------------------------------------------------------------------------

def paragraphs(w: Writer, budget: int, limit: int) -> list[str]:
    """Three to five numbered sections of about ``budget`` UTF-8 bytes in all, never over ``limit``."""
    titles = w.pick(SECTION_TITLES, w.rng.randint(3, len(SECTION_TITLES)))
    share = max(budget, 0) // len(titles)
    used: set[str] = set()
    total, out = 0, []
    for number, title in enumerate(titles):
        head = f"{'一二三四五'[number]}、{title}"
        size, sentences = len(head.encode()) + 1, []
        while size < share:
            sentence = w.one(SENTENCES)(w)
            if sentence in used:
                continue
            if total + size + len(sentence.encode()) > limit:
                break
            used.add(sentence)
            sentences.append(sentence)
            size += len(sentence.encode())
        if not sentences:
            break
        out.append(head + "\n" + "".join(sentences))
        total += size
    return out


def reply(w: Writer, budget: int) -> str:
    kind = w.one(("提案", "建议", "建议"))
    body, role = ("政协", "委员") if kind == "提案" else ("人大", "代表")
    level = w.one(("市", "省"))
    number = f"{w.rng.randint(1, 999):0{w.one((1, 3, 4))}d}"
    session = f"{w.one(('十三', '十四', '十五', '十六'))}届{w.one(('一', '二', '三', '四', '五'))}次会议"
    title = f"关于对{level}{body}{session}第{number}号{kind}的{w.one(('答复', '答复', '回复', '办理情况的函'))}"
    addressee = f"{w.person()}{w.one(('', '等'))}{role}" if w.rng.random() > 0.06 or kind == "提案" else f"{w.city.short}代表团"
    topic = w.one((f"关于提升{w.city.short}城市国际传播力的{kind}", f"关于打造{w.city.short}文旅融合新名片的{kind}", f"关于加强城市品牌海外推广的{kind}", f"关于借助新媒体讲好{w.city.short}故事的{kind}"))
    issuer = w.body() if w.rng.random() < 0.7 else f"中共{w.city.short}市委宣传部"
    head = [title, "", f"{'尊敬的' if w.rng.random() < 0.3 else ''}{addressee}：", f"您提出的《{topic}》收悉。感谢您对我市对外宣传和城市品牌建设工作的关心和支持。经认真研究，现答复如下："]
    if w.rng.random() < 0.4:
        head[:0] = [issuer, f"{w.city.short[0]}{w.one(('宣函', '文旅函', '外办函'))}〔{w.year}〕{w.rng.randint(1, 300)}号", ""]
    tail = [f"下一步，我们将认真吸收您的意见，继续{w.one(('加强', '深化', '拓展'))}与{w.one(w.names.home_media)}等媒体的合作，推动{w.city.short}城市品牌走向世界。再次感谢您的宝贵建议。", "", issuer, w.date()]
    used = len("\n".join(head + tail).encode()) + 2
    return "\n".join(head + paragraphs(w, budget - used, MAX_BYTES - used) + tail) + "\n"


def report(w: Writer, budget: int) -> str:
    c = w.city.short
    if w.rng.random() < 0.5:
        media = w.one(w.names.home_media)
        head = [f"{c}多措并举提升城市国际影响力", f"{media}{c}{w.rng.randint(1, 12)}月{w.rng.randint(1, 28)}日电（记者 {w.person()}）{w.month()}以来，{c}聚焦城市品牌建设，对外传播工作取得新进展。"]
        tail = [f"（责任编辑：{w.person()}）"]
    else:
        head = [f"{w.city.label}{w.year}年对外宣传工作情况报告", f"{w.year}年，在市委、市政府的领导下，我市对外宣传工作围绕中心、服务大局，取得积极成效。现将有关情况报告如下。"]
        tail = [f"{w.body()}", w.date()]
    used = len("\n".join(head + tail).encode()) + 2
    return "\n".join(head + paragraphs(w, budget - used, MAX_BYTES - used) + tail) + "\n"


def document(names: Names, seed: int, index: int) -> tuple[str, str]:
    """(file name, text) of document ``index`` of seed ``seed``."""
    w = Writer(names, seed, index)
    budget = int(math.exp(w.rng.uniform(math.log(MIN_BYTES), math.log(MAX_BYTES))))
    is_reply = w.rng.random() < 0.7
    text = reply(w, budget) if is_reply else report(w, budget)
    return f"{index:05d}_{w.city.slug}_{'reply' if is_reply else 'report'}.txt", text


def write_corpus(count: int, seed: int, out: Path) -> list[Path]:
    names = names_from(load_lexicon())
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        name, text = document(names, seed, index)
        path = out / name
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="number of documents")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same bytes)")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    args = parser.parse_args(argv)
    paths = write_corpus(args.count, args.seed, args.out)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} documents ({size / 1024:.0f} KB) to {args.out}")


if __name__ == "__main__":
    main()
