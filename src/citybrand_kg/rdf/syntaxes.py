"""RDF syntaxes: one table of their names, suffixes and media types, and one parser of graph files.

    SYNTAXES                                   the table
    syntax_named(name) -> RdfSyntax | None     by a name people type (ttl, nt, json-ld, xml …)
    syntax_of(path) -> RdfSyntax               by a file's suffix (GraphError for an unknown one)
    graph_file(path) -> RdfSyntax              the same, for a file that must exist
    read_quads(path) -> list[pyoxigraph.Quad]  parsed by pyoxigraph; GraphError in one sentence

Every command reads graph files through :func:`read_quads` (the store directly, the rdflib-based
commands through :mod:`citybrand_kg.rdf.files`), so they accept the same files and fail alike.
This module does not import rdflib (the server loads TriG without it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from citybrand_kg.errors import GraphError


@dataclass(frozen=True)
class RdfSyntax:
    name: str
    """The name `export --format` lists."""
    aliases: tuple[str, ...]
    """Other names people type (those of rdfpipe, riot and oxigraph)."""
    suffixes: tuple[str, ...]
    """File suffixes, the usual one first."""
    media_type: str
    oxigraph: ox.RdfFormat

    @property
    def quads(self) -> bool:
        """Whether the syntax carries named graphs (TriG, N-Quads, JSON-LD)."""
        return bool(self.oxigraph.supports_datasets)

    @property
    def suffix(self) -> str:
        return self.suffixes[0]


SYNTAXES: tuple[RdfSyntax, ...] = (
    RdfSyntax("turtle", ("ttl",), (".ttl", ".turtle"), "text/turtle", ox.RdfFormat.TURTLE),
    RdfSyntax("ntriples", ("nt", "n-triples", "nt11"), (".nt", ".ntriples"), "application/n-triples", ox.RdfFormat.N_TRIPLES),
    RdfSyntax("nquads", ("nq", "n-quads"), (".nq", ".nquads"), "application/n-quads", ox.RdfFormat.N_QUADS),
    RdfSyntax("trig", (), (".trig",), "application/trig", ox.RdfFormat.TRIG),
    RdfSyntax("jsonld", ("json-ld",), (".jsonld", ".json"), "application/ld+json", ox.RdfFormat.JSON_LD),
    RdfSyntax("rdfxml", ("xml", "rdf/xml", "rdf-xml", "rdf"), (".rdf", ".owl", ".xml"), "application/rdf+xml", ox.RdfFormat.RDF_XML),
)

_BY_NAME = {key: syntax for syntax in SYNTAXES for key in (syntax.name, *syntax.aliases)}
_BY_SUFFIX = {suffix: syntax for syntax in SYNTAXES for suffix in syntax.suffixes}


def syntax_named(name: str) -> RdfSyntax | None:
    """The syntax a typed name means (case-insensitive), or None."""
    return _BY_NAME.get(name.strip().lower())


def syntax_of(path: Path) -> RdfSyntax:
    """The syntax of a graph file by its suffix; GraphError names the file and the suffixes known."""
    try:
        return _BY_SUFFIX[path.suffix.lower()]
    except KeyError:
        known = " ".join(suffix for syntax in SYNTAXES for suffix in syntax.suffixes)
        shown = f"the suffix {path.suffix!r}" if path.suffix else "no suffix"
        raise GraphError(f"{path}: {shown} names no graph format; use one of {known}.") from None


def graph_file(path: Path) -> RdfSyntax:
    """The syntax of an existing graph file; GraphError when it is missing, a folder, or of no known syntax."""
    if not path.is_file():
        raise GraphError(f"{path}: no such graph file." if not path.exists() else f"{path}: is a folder, not a graph file.")
    return syntax_of(path)


def read_quads(path: Path) -> list[ox.Quad]:
    """Every quad of a graph file (blank nodes renamed apart from other files')."""
    syntax = graph_file(path)
    try:
        return list(ox.parse(path=str(path), format=syntax.oxigraph, rename_blank_nodes=True))
    except SyntaxError as exc:
        raise GraphError(f"{path}: is not valid {syntax.name} ({_first_line(exc)}).") from exc
    except (OSError, ValueError) as exc:
        raise GraphError(f"{path}: cannot be read ({_first_line(exc)}).") from exc



def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line if len(line) <= 200 else line[:200] + "…"
