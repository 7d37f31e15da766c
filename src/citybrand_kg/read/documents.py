"""Files → :class:`Document`: encodings, formats, and a length-preserving normalised view.

``read_document(path)`` decodes ``.txt`` (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK),
``.html``/``.htm`` (the main text) and ``.docx`` (paragraph text). The decoded text is kept exactly:
it becomes ``nif:isString`` and every offset points into it. ``normalized(text)`` gives a copy
for matching in which full-width forms are folded (NFKC) character by character, only where the
folded form is one character long, so offsets in the copy are offsets in the original.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import html
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

from citybrand_kg.errors import InputError
from citybrand_kg.model import Document
from citybrand_kg.resources import pattern_table

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
DOCX_SUFFIXES = {".docx"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | DOCX_SUFFIXES

logger = logging.getLogger(__name__)


def read_document(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read one file; raise :class:`InputError` with a one-sentence message when it cannot be used."""
    data = _read_bytes(path, max_bytes)
    suffix = path.suffix.lower()
    if suffix in DOCX_SUFFIXES:
        text, media_type, encoding = _docx_text(path, data), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "zip"
    elif suffix in HTML_SUFFIXES:
        raw, encoding = decode_text(path, data)
        text, media_type = html_main_text(raw), "text/html"
    else:
        text, encoding = decode_text(path, data)
        media_type = "text/plain"
    if not text.strip():
        raise InputError(f"{path}: the file has no text to extract from.")
    return Document(text=text, source=path.name, media_type=media_type, encoding=encoding)


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file.") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}).") from exc
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file.")
    if size == 0:
        raise InputError(f"{path}: the file is empty.")
    if size > max_bytes:
        raise InputError(
            f"{path}: the file is {size / 2**20:.1f} MB, larger than the {max_bytes / 2**20:.0f} MB limit "
            "(raise it with --max-bytes)."
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}).") from exc


def decode_text(path: Path, data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM optional), UTF-16 (BOM) or GB18030; refuse binary data."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _strict(path, data, encoding), encoding
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: looks like a binary file (it contains NUL bytes), not text.")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text, encoding
    raise InputError(f"{path}: is neither UTF-8 nor GB18030/GBK text (binary or unknown encoding).")


def _strict(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: declares {encoding} by its byte-order mark but does not decode ({exc.reason}).") from exc


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f\v")
    return controls > max(2, len(sample) // 100)


# --- HTML ---------------------------------------------------------------------------------

_SKIP_TAGS = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "select", "option", "button", "iframe", "svg", "head", "title"}
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "blockquote", "pre", "table", "ul", "ol", "dd", "dt"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.title: list[str] = []
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        if tag in _SKIP_TAGS:
            self.skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _SKIP_TAGS and self.skip_depth:
            self.skip_depth -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        if not self.skip_depth:
            self.parts.append(data)


def html_main_text(markup: str) -> str:
    """The visible text of a page, one block per line, navigation and scripts left out."""
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    lines = (re.sub(r"[ \t\u3000\xa0]+", " ", line).strip() for line in "".join(collector.parts).split("\n"))
    body = "\n".join(line for line in lines if line)
    if not body.strip():
        body = html.unescape("".join(collector.title)).strip()
    return body


# --- DOCX ---------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_text(path: Path, data: bytes) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            xml = archive.read("word/document.xml")
        root = ElementTree.fromstring(xml)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        raise InputError(f"{path}: is not a readable .docx document ({exc}).") from exc
    paragraphs = []
    for paragraph in root.iter(f"{_W}p"):
        pieces = []
        for node in paragraph.iter():
            if node.tag == f"{_W}t" and node.text:
                pieces.append(node.text)
            elif node.tag == f"{_W}tab":
                pieces.append("\t")
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                pieces.append("\n")
        paragraphs.append("".join(pieces))
    return "\n".join(paragraphs).strip("\n")


# --- normalised view ----------------------------------------------------------------------

_CORNER_QUOTES = {"「": "“", "」": "”", "『": "‘", "』": "’", "﹁": "“", "﹂": "”"}


def _fold(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    folded = folded if len(folded) == 1 else ch
    return _CORNER_QUOTES.get(folded) or _simplified().get(folded, folded)


@functools.cache
def _simplified() -> dict[str, str]:
    """Traditional character → simplified character (``data/patterns/traditional_characters.tsv``)."""
    return {row[0]: row[1] for row in pattern_table("traditional_characters") if len(row) == 2 and len(row[0]) == len(row[1]) == 1}


class _FoldTable(dict[int, str]):
    """``str.translate`` table that folds a character the first time it is seen."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = _fold(ch) if code >= 0x80 else ch
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def normalized(text: str) -> str:
    """The copy of a text the extractor matches on, length preserved: full-width letters, digits and
    punctuation folded to their NFKC forms, corner quotes (「」『』) to “”‘’, traditional characters to
    simplified ones; straight double quotes ("甲", ＂乙＂), paired within a line, to “”.

    ``len(normalized(t)) == len(t)`` always holds, so a span found in the copy slices the original.
    """
    folded = text.translate(_FOLD_TABLE)
    return _STRAIGHT_PAIR.sub(_curled, folded) if '"' in folded else folded


_STRAIGHT_PAIR = re.compile(r'"([^"\n]*)"')


def _curled(pair: re.Match[str]) -> str:
    """Texts pasted from web pages often quote names with straight marks; the recognisers read “”."""
    return f"“{pair[1]}”"


def document_key(text: str) -> str:
    """The content address of a decoded text: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def input_files(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """Files named or found in folders (sorted); missing paths are reported, not raised."""
    files, failures = [], []
    for path in paths:
        if path.is_dir():
            present = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            found = [p for p in present if p.suffix.lower() in SUPPORTED_SUFFIXES]
            others = [p for p in present if p.suffix.lower() not in SUPPORTED_SUFFIXES]
            if others:
                shown = ", ".join(p.name for p in others[:5]) + (", …" if len(others) > 5 else "")
                logger.warning("%s: skipped %d file%s that %s not text, HTML or DOCX (%s).", path, len(others), "" if len(others) == 1 else "s", "is" if len(others) == 1 else "are", shown)
            if not found:
                failures.append(f"{path}: the folder holds no .txt, .html or .docx files.")
            files += found
        elif path.exists():
            files.append(path)
        else:
            failures.append(f"{path}: no such file or folder.")
    return files, failures
