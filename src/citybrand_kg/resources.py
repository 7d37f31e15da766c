"""Where the versioned files live: ``data/`` (gazetteers, patterns, the seed), ``ontology/`` and ``shapes/``.

In an installed wheel they are bundled inside the package (``_bundled/``); in a checkout they are
the repository's top-level folders. Nothing here imports rdflib, so reading and extraction can
find their data without it.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).parent
_REPOSITORY = Path(__file__).resolve().parents[2]


def _resource_dir(name: str) -> Path:
    """The bundled copy of ``name`` in an installed wheel, else the repository's top-level folder."""
    bundled = _PACKAGE / "_bundled" / name
    if bundled.is_dir():
        return bundled
    return _REPOSITORY / name


def ontology_path() -> Path:
    """The ontology file, ``ontology/citybrand.ttl``."""
    return _resource_dir("ontology") / "citybrand.ttl"


def shapes_dir() -> Path:
    """The folder of SHACL shapes files (``*.ttl``)."""
    return _resource_dir("shapes")


def data_dir() -> Path:
    """The folder of versioned data: gazetteers and the seed reply."""
    return _resource_dir("data")


def read_word_list(path: Path) -> tuple[str, ...]:
    """A word list: words separated by blanks and lines; ``#`` starts a comment."""
    words: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        words.extend(line.split())
    return tuple(dict.fromkeys(words))


def read_table(path: Path) -> tuple[tuple[str, ...], ...]:
    """A pattern table: tab-separated rows after a header line; ``#`` lines are comments."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    return tuple(tuple(cell.strip() for cell in line.split("\t")) for line in lines[1:])


def pattern_words(name: str) -> tuple[str, ...]:
    """``data/patterns/<name>.txt``."""
    return read_word_list(data_dir() / "patterns" / f"{name}.txt")


def pattern_table(name: str) -> tuple[tuple[str, ...], ...]:
    """``data/patterns/<name>.tsv``."""
    return read_table(data_dir() / "patterns" / f"{name}.tsv")
