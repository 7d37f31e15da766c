"""SPARQL 1.1 JSON results assembled from pyoxigraph's TSV results, a column at a time.

pyoxigraph writes TSV faster than JSON; this module turns the TSV into the JSON document with a
few bytes operations per column, which costs less than the difference (bench/RESULTS.md).

TSV gives one row per line and one cell per tab, each term in its Turtle form: ``<iri>``,
``_:id``, ``"text"``, ``"text"@tag``, ``"text"^^<datatype>``, the bare forms of integers,
decimals, doubles and booleans, and nothing for an unbound variable. Inside quotes it escapes
``"``, ``\\``, tab, newline and carriage return as JSON does, and leaves other control
characters raw, which JSON does not allow.

A result made only of IRIs is handled as a whole: the brackets go in one ``translate``, and rows
of one or two IRIs are made by replacing the tab and the newlines. Otherwise each column is
converted in one go when all its cells are of one kind: by a few replacements over its cells
joined with newlines (a newline never occurs inside a TSV cell), after checks that hold only
when every cell is of that kind and needs no escaping TSV has not done. A column of several
kinds is split by kind, each group converted the same way. A cell no group takes (a triple
term, a raw control character, an escape JSON lacks) goes alone through pyoxigraph's JSON
writer.

A pass over the bytes costs about a nanosecond a byte, a search for one byte (``memchr``) a
small fraction of a search for two or three, and a bytes object per cell about a tenth of a
microsecond; so the checks search for single bytes where they can, and no cell is made twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from itertools import chain, repeat

import pyoxigraph as ox

SEP = b"\n"
UNBOUND = b"\x01"  # marks an unbound cell while rows are joined; never in JSON output (escaped there)
XSD = b"http://www.w3.org/2001/XMLSchema#"
CONTROL = bytes(range(0x20)).replace(SEP, b"")
BRACKETS = b"<>"
_BARE_FORMS = {  # the forms Turtle (and so TSV) writes without quotes
    b"integer": rb"[+-]?[0-9]+",
    b"decimal": rb"[+-]?[0-9]*\.[0-9]+",
    b"double": rb"[+-]?(?:[0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+",
    b"boolean": rb"true|false",
}
_BARE_CELL = {kind: re.compile(form) for kind, form in _BARE_FORMS.items()}
_BARE_COLUMN = {kind: re.compile(rb"(?:%s)(?:\n(?:%s))*" % (form, form)) for kind, form in _BARE_FORMS.items()}
_LANGUAGE_TAG = rb"[A-Za-z]+(?:-[A-Za-z0-9]+)*"  # no "--": a base direction goes the slow way
_LANGUAGE_TAGS = re.compile(rb"%s(?:\n%s)*" % (_LANGUAGE_TAG, _LANGUAGE_TAG))
_TAG_ENDS = re.compile(rb'"@([^"\n]*)(?:\n|\Z)')
_DATATYPE_ENDS = re.compile(rb'"\^\^<[^<>"\n]*>(?:\n|\Z)')
_JSON_ESCAPES = (b'\\"', b"\\n", b"\\r", b"\\t")  # besides \\, which is removed before they are counted

Column = tuple[bytes, list[bytes], bytes]
"""A column's cells, each to be written between the opening and the closing."""
Converter = Callable[[bytes, bytes, int], "Column | None"]


def tsv_to_json(tsv: bytes, rows: int | None = None) -> bytes:
    """The SPARQL 1.1 JSON results document of ``tsv``, a SPARQL 1.1 TSV results document as
    pyoxigraph writes it (well-formed terms, every row complete and ending in a newline).
    ``rows``: its number of rows, when the caller has counted them already."""
    header, _, body = tsv.partition(SEP)
    names = [name[1:] for name in header.split(b"\t")] if header else []
    head = b'{"head":{"vars":[' + b",".join(b'"' + name + b'"' for name in names) + b']},"results":{"bindings":['
    if not names or not body:
        return head + b",".join([b"{}"] * body.count(SEP)) + b"]}}"
    width, rows = len(names), body.count(SEP) if rows is None else rows
    iris = _iris_without_brackets(body, width * rows)
    if iris is not None and width <= 2:
        bindings = _iri_bindings(names, iris)
    elif iris is not None:
        cells = iris.split()  # no whitespace in an IRI, no empty cell
        bindings = _bindings([(_IRI_OPENING % name, cells[index::width], b'"}') for index, name in enumerate(names)])
    elif width == 1:
        bindings = _bindings([_column(names[0], body[:-1], rows)])
    else:
        cells = body[:-1].replace(SEP, b"\t").split(b"\t")
        if len(cells) != rows * width:
            raise ValueError(f"TSV results with {width} variables have a row of another width.")
        bindings = _bindings([_column(name, SEP.join(cells[index::width]), rows) for index, name in enumerate(names)])
    return head + bindings + b"]}}"


def _bindings(columns: list[Column]) -> bytes:
    """The bindings objects, comma-separated: each row is ``{`` + opening 0, cell 0, closing 0 +
    ``,`` + opening 1, cell 1, ..., closing k-1 + ``}``."""
    width = len(columns)
    glue = [columns[0][0]] + [columns[index][2] + b"," + columns[index + 1][0] for index in range(width - 1)]
    streams = chain.from_iterable((repeat(glue[index]), columns[index][1]) for index in range(width))
    bindings = b"".join(chain.from_iterable(zip(*streams, repeat(columns[-1][2] + b"},{"))))[: -len(b",{")]
    if UNBOUND in bindings:
        bindings = bindings.replace(b"," + UNBOUND, b"").replace(UNBOUND + b",", b"").replace(UNBOUND, b"")
    return b"{" + bindings


def _iri_bindings(names: list[bytes], iris: bytes) -> bytes:
    """The bindings of rows of one or two IRIs (``iris`` without their brackets), made by
    replacing the tab and the newlines: no object per cell, a fifth of the time of a split."""
    first = b"{" + _IRI_OPENING % names[0]
    rows = iris[:-1] if len(names) == 1 else iris[:-1].replace(b"\t", b'"},' + _IRI_OPENING % names[1])
    return first + rows.replace(SEP, b'"}},' + first) + b'"}}'


def _iris_without_brackets(text: bytes, cells: int) -> bytes | None:
    """``text`` (a body, or a column's cells joined by ``SEP``) without the brackets of its
    ``cells`` cells, if every cell is an IRI.

    IRIs hold no ``<``, ``>``, ``"``, backslash, whitespace or control character (pyoxigraph
    refuses them). Without quotes there are no literals but bare ones, and without spaces no
    triple terms (``<<( s p o )>>``); the cells left (IRIs, blank nodes, bare literals,
    unbound) have two brackets if they are IRIs and none otherwise."""
    if b'"' in text or b"\\" in text or b" " in text:  # one-byte searches are the fast ones
        return None
    stripped = text.translate(None, BRACKETS)
    return stripped if len(text) - len(stripped) == 2 * cells else None


def _column(name: bytes, joined: bytes, count: int) -> Column:
    """The ``count`` cells of ``joined`` (a column's cells joined by ``SEP``) as ``"name":{...}``."""
    first = joined[: joined.find(SEP)] if count > 1 else joined
    whole = _CONVERTERS[_kind(first)](name, joined, count)
    if whole is not None:
        return whole
    cells = joined.split(SEP)
    groups: dict[str, list[int]] = {}
    for index, cell in enumerate(cells):
        groups.setdefault(_kind(cell), []).append(index)
    converted = [b""] * len(cells)
    for kind, indices in groups.items():
        members = [cells[index] for index in indices]
        group = _CONVERTERS[kind](name, SEP.join(members), len(members))
        results = _written(group) if group is not None else [_one(kind, name, cell) for cell in members]
        for index, result in zip(indices, results, strict=True):
            converted[index] = result
    return b"", converted, b""


def _written(column: Column) -> list[bytes]:
    opening, cells, closing = column
    return [opening + cell + closing for cell in cells]


def _one(kind: str, name: bytes, cell: bytes) -> bytes:
    converted = _CONVERTERS[kind](name, cell, 1)
    return _written(converted)[0] if converted is not None else _through_pyoxigraph(name, cell)


def _kind(cell: bytes) -> str:
    """The converter to try first for a cell, from its first and last bytes."""
    if not cell:
        return "unbound"
    first = cell[:1]
    if first == b"<":
        return "other" if cell.startswith(b"<<") else "iri"
    if first == b'"':
        return "string" if cell.endswith(b'"') else "typed" if cell.endswith(b">") else "tagged"
    if cell.startswith(b"_:"):
        return "blank"
    for kind, form in _BARE_CELL.items():
        if form.fullmatch(cell):
            return kind.decode()
    return "other"


# Each converter takes a column's cells joined by SEP and returns them as a Column, or None
# unless every cell is of its kind and needs no escaping TSV has not done.

_IRI_OPENING = b'"%s":{"type":"uri","value":"'
_LITERAL_OPENING = b'"%s":{"type":"literal","value":'


def _without(joined: bytes, forbidden: bytes) -> bool:
    return len(joined.translate(None, forbidden)) == len(joined)


def _json_string_safe(joined: bytes) -> bool:
    """No raw control character, and every backslash starts an escape JSON shares with TSV."""
    if not _without(joined, CONTROL):
        return False
    if b"\\" not in joined:
        return True
    singles = joined.replace(b"\\\\", b"")
    return singles.count(b"\\") == sum(singles.count(escape) for escape in _JSON_ESCAPES)


def _unbound(name: bytes, joined: bytes, count: int) -> Column | None:
    return None if joined.strip(SEP) else (b"", [UNBOUND] * count, b"")


def _iris(name: bytes, joined: bytes, count: int) -> Column | None:
    """``<iri>`` cells."""
    stripped = _iris_without_brackets(joined, count)
    return None if stripped is None else (_IRI_OPENING % name, stripped.split(SEP), b'"}')


def _blanks(name: bytes, joined: bytes, count: int) -> Column | None:
    if not joined.startswith(b"_:") or joined.count(SEP + b"_:") != count - 1:
        return None
    if b'"' in joined or b"\\" in joined or b"<" in joined or not _without(joined, CONTROL):
        return None
    return b'"%s":{"type":"bnode","value":"' % name, joined[2:].split(SEP + b"_:"), b'"}'


def _strings(name: bytes, joined: bytes, count: int) -> Column | None:
    """``"text"`` cells: every boundary between cells is ``"SEP"``; TSV's quoted text is then
    a JSON string as it stands."""
    if len(joined) < 2 or not (joined.startswith(b'"') and joined.endswith(b'"')):
        return None
    if joined.count(b'"' + SEP + b'"') != count - 1 or not _json_string_safe(joined):
        return None
    return _LITERAL_OPENING % name, joined.split(SEP), b"}"


def _tagged(name: bytes, joined: bytes, count: int) -> Column | None:
    """``"text"@tag`` cells: each holds one ``"@`` (before its tag) and no other, so replacing
    ``"@`` splits every cell into its text and its tag. Without an escaped quote or a triple
    term, every ``"`` opens or closes a literal, so the count of ``"@`` settles it."""
    if not joined.startswith(b'"') or joined.count(b'"@') != count or not _json_string_safe(joined):
        return None
    if b"\\" in joined or b"<" in joined or b"--" in joined:  # an escaped quote, a triple term, a direction
        tags = _TAG_ENDS.findall(joined)
        if len(tags) != count or not _LANGUAGE_TAGS.fullmatch(SEP.join(tags)):
            return None
    return _LITERAL_OPENING % name, joined.replace(b'"@', b'","xml:lang":"').split(SEP), b'"}'


def _typed(name: bytes, joined: bytes, count: int) -> Column | None:
    """``"text"^^<datatype>`` cells, split like tagged ones at the one ``"^^<`` of each."""
    if not (joined.startswith(b'"') and joined.endswith(b">")) or joined.count(b'"^^<') != count:
        return None
    if not _json_string_safe(joined):
        return None
    if (b"\\" in joined or b"<<" in joined) and len(_DATATYPE_ENDS.findall(joined)) != count:
        return None
    cells = joined[:-1].replace(b">" + SEP, SEP).replace(b'"^^<', b'","datatype":"').split(SEP)
    return _LITERAL_OPENING % name, cells, b'"}'


def _bare(kind: bytes) -> Converter:
    form = _BARE_COLUMN[kind]
    closing = b'","datatype":"' + XSD + kind + b'"}'

    def convert(name: bytes, joined: bytes, count: int) -> Column | None:
        return (_LITERAL_OPENING % name + b'"', joined.split(SEP), closing) if form.fullmatch(joined) else None

    return convert


def _never(name: bytes, joined: bytes, count: int) -> Column | None:
    return None


_CONVERTERS: dict[str, Converter] = {
    "unbound": _unbound,
    "iri": _iris,
    "blank": _blanks,
    "string": _strings,
    "tagged": _tagged,
    "typed": _typed,
    **{kind.decode(): _bare(kind) for kind in _BARE_FORMS},
    "other": _never,
}


def _through_pyoxigraph(name: bytes, cell: bytes) -> bytes:
    """One cell through pyoxigraph's TSV reader and JSON writer: any term, slowly."""
    parsed = ox.parse_query_results(b"?" + name + SEP + cell + SEP, ox.QueryResultsFormat.TSV)
    document = json.loads(parsed.serialize(format=ox.QueryResultsFormat.JSON) or b"")
    (binding,) = document["results"]["bindings"]
    return json.dumps(binding, ensure_ascii=False, separators=(",", ":"))[1:-1].encode()
