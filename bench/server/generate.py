"""Generate a synthetic citybrand-kg graph of about N triples, following ontology/README.md.

Documents with sentences and NIF mentions, events with organisers, partners and places,
media outlets with countries, brand labels, quantities, and one cbo:Assertion per relation.
Deterministic for a given size (seeded), written as N-Quads in the layout of ontology/README.md:
each document's own nodes in its graph, every other triple once in the entity graph.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from pathlib import Path

CBO = "https://w3id.org/citybrand-kg/ontology#"
CBR = "https://w3id.org/citybrand-kg/resource/"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
ITS = "http://www.w3.org/2005/11/its/rdf#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
ENTITIES = f"{CBR}graph/entities"

SYLLABLES = "杭州西湖运河文化旅游国际交流媒体合作论坛博览会品牌城市数字经济丝路艺术音乐电影体育青年创新"
EVENT_KINDS = ["论坛", "博览会", "文化周", "音乐节", "电影节", "峰会", "展览"]
ORG_KINDS = ["协会", "研究院", "集团", "委员会", "中心"]
MEDIA_KINDS = ["日报", "电视台", "通讯社", "新闻网"]


def iri(value: str) -> str:
    return f"<{value}>"


def text(value: str, language: str | None = None) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"@{language}' if language else f'"{escaped}"'


def typed(value: object, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


class Generator:
    def __init__(self, target: int, seed: int = 7) -> None:
        self.random = random.Random(seed)
        self.target = target
        scale = max(1, target // 1000)
        self.countries = [self.entity("place", "Country", self.name(2) + "国") for _ in range(60)]
        self.cities = [self.entity("place", "City", self.name(2) + "市") for _ in range(40 * scale // 10 + 40)]
        self.media = [self.entity("media", "MediaOutlet", self.name(2) + self.random.choice(MEDIA_KINDS))
                      for _ in range(8 * scale + 20)]
        self.orgs = [self.entity("organization", "Organization", self.name(3) + self.random.choice(ORG_KINDS))
                     for _ in range(10 * scale + 20)]
        self.triples: list[str] = []
        self.graph = ENTITIES  # the graph the next triples go to

    def name(self, length: int) -> str:
        return "".join(self.random.choice(SYLLABLES) for _ in range(length))

    def entity(self, kind: str, cls: str, label: str) -> tuple[str, str, str]:
        key = hashlib.sha1(f"{kind}{label}{self.random.random()}".encode()).hexdigest()[:10]
        return (f"{CBR}{kind}/{key}", cls, label)

    def emit(self, subject: str, predicate: str, obj: str) -> None:
        self.triples.append(f"{iri(subject)} {iri(predicate)} {obj} {iri(self.graph)} .")

    def describe(self, entity: tuple[str, str, str]) -> None:
        subject, cls, label = entity
        self.emit(subject, RDF + "type", iri(CBO + cls))
        self.emit(subject, RDFS + "label", text(label, "zh"))

    def lines(self) -> Iterator[str]:
        for place in self.countries + self.cities + self.media + self.orgs:
            self.describe(place)
        for city in self.cities:
            self.emit(city[0], CBO + "location", iri(self.random.choice(self.countries)[0]))
        for media in self.media:
            self.emit(media[0], CBO + "country", iri(self.random.choice(self.countries)[0]))
        number = 0
        while len(self.triples) < self.target:
            self.document(number)
            number += 1
        yield from self.triples

    def document(self, number: int) -> None:
        event = self.entity("event", "Event", f"第{number}届" + self.name(3) + self.random.choice(EVENT_KINDS))
        organizer = self.random.choice(self.orgs)
        partners = self.random.sample(self.media, 2) + [self.random.choice(self.orgs)]
        city = self.random.choice(self.cities)
        sentence = f"{event[2]}在{city[2]}举办，由{organizer[2]}主办，{partners[0][2]}和{partners[1][2]}参与合作。"
        body = (self.name(20) + "。") * 3 + sentence + (self.name(24) + "。") * 4
        doc = f"{CBR}doc/" + hashlib.sha256(body.encode()).hexdigest()[:16]
        self.graph = doc
        self.emit(doc, RDF + "type", iri(CBO + "Document"))
        self.emit(doc, RDF + "type", iri(NIF + "Context"))
        self.emit(doc, NIF + "isString", text(body))
        self.emit(doc, DCT + "source", text(f"doc-{number:06d}.txt"))
        self.emit(doc, CBO + "date", typed(2015 + number % 10, "gYear"))
        begin = body.index(sentence)
        sentence_iri = self.sentences(doc, body, begin, begin + len(sentence))
        for entity in [event, city, organizer, *partners[:2]]:
            self.mention(doc, body, sentence_iri, entity)
        relations = [(event, "location", city), (event, "organizer", organizer)]
        relations += [(event, "partner", partner) for partner in partners]
        for subject, predicate, obj in relations:
            self.assertion(subject[0], predicate, obj[0], sentence_iri)
        self.graph = ENTITIES
        self.describe(event)
        for subject, predicate, obj in relations:
            self.emit(subject[0], CBO + predicate, iri(obj[0]))
        self.quantity(doc, event, number)

    def sentences(self, doc: str, body: str, begin: int, end: int) -> str:
        found = ""
        start = 0
        for index, char in enumerate(body):
            if char == "。":
                node = f"{doc}#sentence={start},{index + 1}"
                self.emit(node, RDF + "type", iri(NIF + "Sentence"))
                self.emit(node, NIF + "referenceContext", iri(doc))
                self.emit(node, NIF + "beginIndex", typed(start, "nonNegativeInteger"))
                self.emit(node, NIF + "endIndex", typed(index + 1, "nonNegativeInteger"))
                self.emit(node, NIF + "anchorOf", text(body[start:index + 1]))
                if start == begin:
                    found = node
                start = index + 1
        return found

    def mention(self, doc: str, body: str, sentence: str, entity: tuple[str, str, str]) -> None:
        begin = body.find(entity[2])
        if begin < 0:
            return
        node = f"{doc}#char={begin},{begin + len(entity[2])}"
        self.emit(node, RDF + "type", iri(NIF + "Phrase"))
        self.emit(node, NIF + "referenceContext", iri(doc))
        self.emit(node, NIF + "beginIndex", typed(begin, "nonNegativeInteger"))
        self.emit(node, NIF + "endIndex", typed(begin + len(entity[2]), "nonNegativeInteger"))
        self.emit(node, NIF + "anchorOf", text(entity[2]))
        self.emit(node, NIF + "sentence", iri(sentence))
        self.emit(node, ITS + "taIdentRef", iri(entity[0]))

    def assertion(self, subject: str, predicate: str, obj: str, sentence: str) -> None:
        node = f"{CBR}assertion/" + hashlib.sha1(f"{subject}{predicate}{obj}{sentence}".encode()).hexdigest()[:16]
        self.emit(node, RDF + "type", iri(CBO + "Assertion"))
        self.emit(node, RDF + "subject", iri(subject))
        self.emit(node, RDF + "predicate", iri(CBO + predicate))
        self.emit(node, RDF + "object", iri(obj))
        self.emit(node, PROV + "wasDerivedFrom", iri(sentence))

    def quantity(self, doc: str, event: tuple[str, str, str], number: int) -> None:
        node = f"{CBR}quantity/{doc[-16:]}-{number}"
        self.emit(node, RDF + "type", iri(CBO + "Quantity"))
        self.emit(node, RDFS + "label", text(f"{number % 900 + 100}余家", "zh"))
        self.emit(node, CBO + "value", typed(number % 900 + 100, "decimal"))
        self.emit(event[0], CBO + "measure", iri(node))


def generate(target: int, path: Path) -> int:
    """Write about ``target`` triples to ``path`` (N-Quads); returns the number written."""
    lines = list(Generator(target).lines())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)
