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
