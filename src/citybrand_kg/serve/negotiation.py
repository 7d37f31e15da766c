"""Content negotiation: the ``Accept`` header (or a ``format`` parameter) → a serialisation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

RESULTS_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
"""SELECT / ASK result media types; the first one is the default."""

GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}
"""CONSTRUCT / DESCRIBE and Graph Store media types; the first one is the default."""

FORMAT_ALIASES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "ntriples": "application/n-triples",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "nquads": "application/n-quads",
    "trig": "application/trig",
}
"""Values of the optional ``format`` parameter (handy for download links)."""


@dataclass(frozen=True)
class MediaRange:
    """One entry of an ``Accept`` header."""

    type: str
    subtype: str
    quality: float

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        return self.type in ("*", kind) and self.subtype in ("*", sub)

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; an absent header accepts anything."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges = [_parse_range(part) for part in header.split(",") if part.strip()]
    return [media_range for media_range in ranges if media_range is not None]


def _parse_range(part: str) -> MediaRange | None:
    media_type, *params = (piece.strip() for piece in part.split(";"))
    kind, slash, sub = media_type.lower().partition("/")
    if not slash or not kind or not sub:
        return None
    quality = 1.0
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            quality = _quality(value)
    return MediaRange(kind, sub, quality)


def _quality(value: str) -> float:
    try:
        return min(max(float(value.strip()), 0.0), 1.0)
    except ValueError:
        return 0.0


RESULTS_TYPES = tuple(RESULTS_FORMATS)
GRAPH_TYPES = tuple(GRAPH_FORMATS)


def preferred(accept: str | None, offered: tuple[str, ...]) -> str | None:
    """``choose(parse_accept(accept), offered)``."""
    return choose(parse_accept(accept), offered)


def choose(ranges: list[MediaRange], offered: Sequence[str]) -> str | None:
    """The offered media type the client likes best (ties: the server's order); None: 406."""
    best: tuple[float, int] | None = None
    chosen = None
    for position, media_type in enumerate(offered):
        quality = _quality_for(ranges, media_type)
        if quality <= 0:
            continue
        key = (quality, -position)
        if best is None or key > best:
            best, chosen = key, media_type
    return chosen


def _quality_for(ranges: list[MediaRange], media_type: str) -> float:
    matching = [media_range for media_range in ranges if media_range.matches(media_type)]
    if not matching:
        return 0.0
    return max(matching, key=lambda media_range: media_range.specificity).quality


def accept_from(header: str | None, format_parameter: str | None) -> str:
    """The effective Accept header: a ``format`` parameter overrides the header."""
    if format_parameter:
        return FORMAT_ALIASES.get(format_parameter.lower(), format_parameter)
    return header or "*/*"
