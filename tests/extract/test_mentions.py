"""Data-driven extraction cases: sentences written for the tests, from many cities, and the
(type, label) pairs the extractor must find in them."""

from __future__ import annotations

import pytest

from citybrand_kg.model import Document

HEAD = "关于对市政协第5号提案的答复\n陈明委员：\n您提出的建议收悉，现答复如下：\n"

CASES = [
    ("中共成都市委宣传部", "市委宣传部与人民日报社联合举办了第二届天府国际传播论坛。", {("GovernmentBody", "中共成都市委宣传部"), ("MediaOutlet", "人民日报"), ("Event", "第二届天府国际传播论坛")}),
    ("西安市文化和旅游局", "我局在意大利成功举办“长安之夜”文化周，并赴西班牙、葡萄牙巡演。", {("Country", "意大利"), ("Event", "长安之夜文化周"), ("Country", "西班牙"), ("Country", "葡萄牙")}),
    ("厦门市人民政府外事办公室", "在脸书、推特、优兔等平台开设“Xiamen Now”账号，粉丝超过30万。", {("SocialMediaPlatform", "Facebook"), ("SocialMediaPlatform", "Twitter"), ("SocialMediaPlatform", "YouTube"), ("SocialMediaAccount", "Xiamen Now"), ("Quantity", "超过30万")}),
    ("中共青岛市委宣传部", "进一步打响“帆船之都、音乐之岛、电影之城”等城市品牌。", {("BrandLabel", "帆船之都"), ("BrandLabel", "音乐之岛"), ("BrandLabel", "电影之城")}),
    ("昆明市文化和旅游局", "邀请美国《纽约时报》、英国《卫报》等境外媒体记者采访。", {("MediaOutlet", "纽约时报"), ("MediaOutlet", "卫报"), ("Country", "美国"), ("Country", "英国")}),
    ("桂林市文化广电和旅游局", "开设“桂林山水”微信公众号、抖音号，发布短视频200余条。", {("SocialMediaAccount", "桂林山水"), ("Quantity", "200余条")}),
    ("中共武汉市委外事工作委员会办公室", "市委书记张建国会见法国驻武汉总领事馆总领事。", {("Person", "张建国")}),
]


@pytest.mark.parametrize(("issuer", "sentence", "expected"), CASES)
def test_sentences(extractor, issuer: str, sentence: str, expected: set[tuple[str, str]]) -> None:
    text = HEAD + sentence + "\n" + issuer + "\n"
    extraction = extractor.extract(Document(text=text, source="case.txt"))
    found = {(e.type.value, e.label) for e in extraction.entities} | {(e.type.value, a) for e in extraction.entities for a in e.aliases}
    assert expected <= found, sorted(found)
    for mention in extraction.mentions:
        assert text[mention.span.begin : mention.span.end] == mention.surface


GENERIC = "我局积极与中央媒体、境外主流媒体和有关部门合作，在国际社交媒体平台上开展宣传。"


def test_generic_descriptions_are_not_entities(extractor) -> None:
    extraction = extractor.extract(Document(text=HEAD + GENERIC, source="generic.txt"))
    labels = {e.label for e in extraction.entities}
    assert not labels & {"中央媒体", "境外主流媒体", "有关部门", "国际社交媒体平台", "我局"}


def test_short_forms_resolve_with_the_document_city(extractor) -> None:
    text = HEAD + "市委宣传部牵头，市文化和旅游局配合。\n中共南京市委宣传部\n"
    extraction = extractor.extract(Document(text=text, source="short.txt"))
    bodies = {e.label for e in extraction.entities if e.type.value == "GovernmentBody"}
    assert {"中共南京市委宣传部", "南京市文化和旅游局"} <= bodies
    keys = {m.entity for m in extraction.mentions if m.surface in ("市委宣传部", "中共南京市委宣传部")}
    assert len(keys) == 1, "the short and the full form are one node"


def test_relations_of_a_letter(extractor) -> None:
    text = HEAD + "2019年，与中国日报联合举办了“丝路新语”国际论坛，吸引来自30个国家的近500人参加。\n中共西安市委宣传部\n"
    extraction = extractor.extract(Document(text=text, source="relations.txt"))
    labels = {e.key: e.label for e in extraction.entities}
    relations = {(labels.get(r.subject, r.subject), r.predicate, labels.get(r.object, r.object)) for r in extraction.relations}
    assert ("丝路新语国际论坛", "partner", "中国日报") in relations
    assert ("丝路新语国际论坛", "date", "2019") in relations
    assert ("丝路新语国际论坛", "measure", "近500人") in relations
    assert ("@document", "issuedBy", "中共西安市委宣传部") in relations
    assert any(p == "respondsTo" for _s, p, _o in relations)


def test_a_name_with_full_width_brackets_is_found_again_unquoted(extractor) -> None:
    text = HEAD + "开设“Sunny Coast（阳光海岸）”账号。\nSunny Coast（阳光海岸）粉丝超过10万。\n中共西安市委宣传部\n"
    extraction = extractor.extract(Document(text=text, source="repeat.txt"))
    account = next(e.key for e in extraction.entities if e.type.value == "SocialMediaAccount")
    assert sum(m.entity == account for m in extraction.mentions) == 2
