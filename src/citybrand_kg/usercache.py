"""Derived data kept between runs in the user's cache folder.

Everything here can be rebuilt from the installed packages and the project's own files; a cache
entry only saves start-up time. Entries are written atomically; one that cannot be read or written
costs a warning and a rebuild, never a failure.

    cache_folder() -> Path               # $XDG_CACHE_HOME/citybrand-kg, ~/.cache/citybrand-kg
    entry(name, folder=None) -> Path     # where an entry is kept
    read(name, folder=None) -> bytes | None
    unreadable(name, reason, folder=None)  # an entry read but not understood: warn, rebuild
    write(name, data, folder=None) -> None
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from citybrand_kg.atomic import write_bytes
from citybrand_kg.errors import GraphError

log = logging.getLogger(__name__)


def cache_folder() -> Path:
    """``$XDG_CACHE_HOME/citybrand-kg`` (``~/.cache/citybrand-kg``; the system's temporary folder
    when there is no home)."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:
            base = tempfile.gettempdir()
    return Path(base) / "citybrand-kg"


def entry(name: str, folder: Path | None = None) -> Path:
    return (folder or cache_folder()) / name


def read(name: str, folder: Path | None = None) -> bytes | None:
    path = entry(name, folder)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        unreadable(name, exc, folder)
        return None


def unreadable(name: str, reason: object, folder: Path | None = None) -> None:
    """Say that an entry cannot be read (from disk, or by its reader); the caller rebuilds it."""
    log.warning("%s: cannot read this cache file (%s); it will be rebuilt.", entry(name, folder), reason)


def write(name: str, data: bytes, folder: Path | None = None) -> None:
    path = entry(name, folder)
    try:
        write_bytes(path, data)
    except (GraphError, OSError) as exc:
        log.warning("%s: cannot write this cache file (%s).", path, exc)
