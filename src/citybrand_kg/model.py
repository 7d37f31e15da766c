"""Typed values passed between the pipeline stages.

document → sentences → mentions → entities → relations → Extraction

Every stage takes and returns these frozen dataclasses; none of them knows RDF.
Offsets are Python code-point offsets into ``Document.text`` (the exact decoded text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import NamedTuple


class EntityType(str, Enum):
    """The contract's entity classes (``cbo:`` local names)."""

    PERSON = "Person"
    ORGANIZATION = "Organization"
    GOVERNMENT_BODY = "GovernmentBody"
    MEDIA_OUTLET = "MediaOutlet"
    PLATFORM = "SocialMediaPlatform"
    ACCOUNT = "SocialMediaAccount"
    PLACE = "Place"
    COUNTRY = "Country"
    REGION = "Region"
    CITY = "City"
    EVENT = "Event"
    BRAND_LABEL = "BrandLabel"
    CREATIVE_WORK = "CreativeWork"
    QUANTITY = "Quantity"
    PROPOSAL = "Proposal"

    @property
    def is_place(self) -> bool:
        return self in PLACE_TYPES

    @property
    def is_organization(self) -> bool:
        return self in (EntityType.ORGANIZATION, EntityType.GOVERNMENT_BODY, EntityType.MEDIA_OUTLET)


PLACE_TYPES = (EntityType.COUNTRY, EntityType.REGION, EntityType.CITY, EntityType.PLACE)
"""The entity types that are places (``EntityType.is_place``)."""

NETWORK_KINDS: dict[str, str] = {
    **{t.value: "actor" for t in (EntityType.ORGANIZATION, EntityType.GOVERNMENT_BODY, EntityType.MEDIA_OUTLET, EntityType.PERSON,
                                   EntityType.ACCOUNT, EntityType.PLATFORM, *PLACE_TYPES)},
    EntityType.EVENT.value: "event",
    EntityType.BRAND_LABEL.value: "brand",
}
"""The classes of the actor–event network (``analyze``, ``viz`` and the page) and the kind of node
each makes; documents, proposals, works and quantities stay out."""

NETWORK_PREDICATES = ("organizer", "partner", "location", "country", "platform", "brandOf")
"""The relations that link the network's nodes (``cbo:`` local names)."""

DOCUMENT = "@document"
"""The subject (or object) that stands for the document itself in a :class:`Relation`."""


class Token(NamedTuple):
    """A word of a sentence, as the segmenter cut it (a named tuple: there are many)."""

    begin: int  # offsets within the sentence
    end: int
    text: str


@dataclass(frozen=True)
class Span:
    """A half-open code-point range ``[begin, end)`` of the document text."""

    begin: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.begin <= self.end:
            raise ValueError(f"bad span [{self.begin}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.begin

    def contains(self, other: Span) -> bool:
        return self.begin <= other.begin and other.end <= self.end

    def overlaps(self, other: Span) -> bool:
        return self.begin < other.end and other.begin < self.end


@dataclass(frozen=True)
class Document:
    """A decoded source text. ``text`` is kept exactly as decoded (it becomes ``nif:isString``)."""

    text: str
    source: str  # file name (no directory), for messages and dcterms:source
    media_type: str = "text/plain"
    encoding: str = "utf-8"


@dataclass(frozen=True)
class Sentence:
    index: int
    span: Span
    text: str
    section: str | None = None  # enumerator of the section it belongs to (一、, （二）, 一是 …)


@dataclass(frozen=True)
class Mention:
    """A candidate or resolved span naming an entity.

    ``label`` is the canonical Chinese label the mention resolves to (a gazetteer's
    canonical form, or the surface without quotation marks); ``key`` is the gazetteer
    row id when the mention came from a gazetteer.
    """

    span: Span
    surface: str
    type: EntityType
    label: str
    source: str  # "gazetteer", "pattern:<name>", "letter", "quantity"
    sentence: int
    key: str | None = None
    priority: int = 0  # higher wins among equal spans
    quantity: Quantity | None = None  # the parsed figure, for quantity mentions
    aliases: tuple[str, ...] = ()  # other names the text gives it (the halves of 甲暨乙)


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    unit: str
    approximate: bool
    surface: str


@dataclass(frozen=True)
class Entity:
    """One real-world thing. ``key`` is stable: the same input gives the same key."""

    key: str
    type: EntityType
    label: str  # canonical Chinese label (rdfs:label@zh)
    label_en: str | None = None
    aliases: tuple[str, ...] = ()
    wikidata: str | None = None
    quantity: Quantity | None = None
    date: str | None = None  # ISO gYear / gYearMonth / date


@dataclass(frozen=True)
class Relation:
    """``subject predicate object`` where object is an entity key or a literal (dates, strings)."""

    subject: str
    predicate: str  # contract local name: location, partner, organizer, platform, brandOf, measure, date …
    object: str
    sentence: int
    rule: str
    literal: bool = False
    datatype: str | None = None  # for literals: gYear, gYearMonth, date, string


@dataclass(frozen=True)
class ResolvedMention:
    """A mention in the final output, linked to its entity key."""

    span: Span
    surface: str
    entity: str
    sentence: int


@dataclass(frozen=True)
class LetterInfo:
    """Reply-letter structure found in a document (all fields optional)."""

    is_reply: bool = False
    title: str | None = None
    title_span: Span | None = None
    document_number: str | None = None
    addressee: str | None = None
    addressee_span: Span | None = None
    addressee_role: str | None = None  # 委员 / 代表 / 代表团
    co_addressees: tuple[tuple[str, Span], ...] = ()  # the others a salutation names (甲、乙代表：)
    proposer: str | None = None  # the proposer named in the text when the salutation does not name them
    proposer_span: Span | None = None
    proposal_kind: str | None = None  # 提案 / 建议
    proposal_number: str | None = None
    proposal_session: str | None = None
    proposal_body: str | None = None  # e.g. 市政协, 市十六届人大三次会议
    proposal_designation: tuple[str, Span] | None = None  # 市政协18号提案 and where the text says it
    proposal_title: str | None = None
    proposal_title_span: Span | None = None
    issuer: str | None = None
    issuer_span: Span | None = None
    source_span: Span | None = None  # the name on a 来源：/ 发布机构： header line
    date: str | None = None
    date_span: Span | None = None
    city: str | None = None  # the document's own city/province, when it can be told
    sections: tuple[Span, ...] = ()
    suggestions: tuple[Span, ...] = ()
    commitments: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Extraction:
    """Everything the extractor found in one document."""

    document: Document
    doc_key: str
    sentences: tuple[Sentence, ...]
    letter: LetterInfo
    entities: tuple[Entity, ...]
    mentions: tuple[ResolvedMention, ...]
    relations: tuple[Relation, ...]
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class PlaceContext:
    """The document's own places, used to expand 市委宣传部 → 中共成都市委宣传部."""

    levels: dict[str, str] = field(default_factory=dict)  # level char (市 省 区 县 镇) → full name
    city: str | None = None  # canonical label of the document's city/province

    def expand(self, level: str) -> str | None:
        return self.levels.get(level)

    def local_names(self) -> tuple[str, ...]:
        """Names of the document's district, county and town (those the gazetteer cannot list)."""
        return tuple(name for level, name in sorted(self.levels.items()) if level in ("区", "县", "镇", "乡"))


@dataclass(frozen=True)
class SentenceView:
    """What the recognisers read: the sentence's normalised text, its offset and its tokens."""

    index: int
    offset: int
    text: str  # normalised copy of the sentence (same length as the original slice)
    original: str
    tokens: tuple[Token, ...]  # the segmenter's words: in text order, none overlapping, covering the text
