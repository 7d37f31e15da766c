"""The work a request hands to a worker process, and what comes back.

Jobs and outcomes are small frozen dataclasses so they cross the process boundary by pickling.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class GraphScope(str, Enum):
    """What a Graph Store Protocol request addresses."""

    DEFAULT = "default"
    NAMED = "named"
    DATASET = "dataset"


@dataclass(frozen=True)
class GraphTarget:
    """``?default``, ``?graph=IRI`` or (no parameter) the whole dataset."""

    scope: GraphScope
    iri: str | None = None

    @property
    def label(self) -> str:
        return self.iri if self.scope is GraphScope.NAMED and self.iri else self.scope.value


@dataclass(frozen=True)
class QueryJob:
    """A SPARQL query with its protocol dataset and the client's ``Accept``."""

    sparql: str
    accept: str = "*/*"
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_rows: int = 10_000


@dataclass(frozen=True)
class UpdateJob:
    """A SPARQL 1.1 Update request."""

    sparql: str


@dataclass(frozen=True)
class GraphReadJob:
    """Graph Store Protocol GET."""

    target: GraphTarget
    accept: str = "*/*"


@dataclass(frozen=True)
class GraphWriteJob:
    """Graph Store Protocol PUT, POST or DELETE."""

    method: str
    target: GraphTarget
    data: bytes = b""
    content_type: str = ""


@dataclass(frozen=True)
class StatsJob:
    """Size of the dataset, for the service description and the page."""

    max_graphs: int = 200


Job = QueryJob | UpdateJob | GraphReadJob | GraphWriteJob | StatsJob


@dataclass(frozen=True)
class Outcome:
    """An HTTP answer computed by a worker: status, body and headers."""

    status: int
    body: bytes = b""
    media_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def error(cls, status: int, message: str) -> Outcome:
        return cls(status, (message.rstrip() + "\n").encode())

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")
