"""Serialise SELECT / ASK results (SPARQL 1.1 JSON, XML, CSV, TSV).

The results are capped at a number of rows before they are written, so they are serialised
here from the collected rows rather than by streaming pyoxigraph's own writer.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_DIR_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"
SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"

Row = Sequence[Any]  # one term (or None when unbound) per variable


def serialize_select(variables: Sequence[str], rows: Sequence[Row], fmt: ox.QueryResultsFormat) -> bytes:
    """Rows of terms → bytes in ``fmt``.

    The rows are written as TSV (cheap: one ``str`` per term) and handed to pyoxigraph's native
    writers, which is about twice as fast as building the documents in Python; the Python
    writers below are the fallback for anything that does not survive the TSV round trip.
    """
    try:
        native = ox.parse_query_results(_tsv(variables, rows), ox.QueryResultsFormat.TSV)
        return native.serialize(format=fmt) or b""
    except (SyntaxError, ValueError):
        return _SELECT_WRITERS[fmt](variables, rows)


def serialize_boolean(value: bool, fmt: ox.QueryResultsFormat) -> bytes:
    """An ASK answer → bytes in ``fmt``."""
    text = "true" if value else "false"
    if fmt == ox.QueryResultsFormat.JSON:
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == ox.QueryResultsFormat.XML:
        return (
            f'<?xml version="1.0"?>\n<sparql xmlns="{SPARQL_RESULTS_NS}"><head/>'
            f"<boolean>{text}</boolean></sparql>\n"
        ).encode()
    return f"{text}\r\n".encode() if fmt == ox.QueryResultsFormat.CSV else f"{text}\n".encode()


def term_to_json(term: Any) -> dict[str, Any]:
    """One RDF term in the SPARQL 1.1 JSON results shape."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        return _literal_to_json(term)
    return {
        "type": "triple",
        "value": {
            "subject": term_to_json(term.subject),
            "predicate": term_to_json(term.predicate),
            "object": term_to_json(term.object),
        },
    }


def _literal_to_json(literal: ox.Literal) -> dict[str, Any]:
    found: dict[str, Any] = {"type": "literal", "value": literal.value}
    if literal.language:
        found["xml:lang"] = literal.language
    elif literal.datatype.value != XSD_STRING:
        found["datatype"] = literal.datatype.value
    return found


def _json(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    bindings = [
        {name: term_to_json(term) for name, term in zip(variables, row, strict=True) if term is not None}
        for row in rows
    ]
    document = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _xml(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    parts = [f'<?xml version="1.0"?>\n<sparql xmlns="{SPARQL_RESULTS_NS}"><head>']
    parts.extend(f"<variable name={quoteattr(name)}/>" for name in variables)
    parts.append("</head><results>")
    for row in rows:
        parts.append("<result>")
        for name, term in zip(variables, row, strict=True):
            if term is not None:
                parts.append(f"<binding name={quoteattr(name)}>{_term_to_xml(term)}</binding>")
        parts.append("</result>")
    parts.append("</results></sparql>\n")
    return "".join(parts).encode()


def _term_to_xml(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_term_to_xml(term.subject)}</subject>"
        f"<predicate>{_term_to_xml(term.predicate)}</predicate>"
        f"<object>{_term_to_xml(term.object)}</object></triple>"
    )


def _csv(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    lines = [",".join(_csv_field(name) for name in variables)]
    lines.extend(",".join(_csv_field(_csv_value(term)) for term in row) for row in rows)
    return ("\r\n".join(lines) + "\r\n").encode()


def _csv_value(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _csv_field(value: str) -> str:
    if any(char in value for char in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _tsv(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    lines = ["\t".join(f"?{name}" for name in variables)]
    lines.extend("\t".join(_tsv_value(term) for term in row) for row in rows)
    return ("\n".join(lines) + "\n").encode()


def _tsv_value(term: Any) -> str:
    return "" if term is None else str(term).replace("\t", "\\t")


_SELECT_WRITERS = {
    ox.QueryResultsFormat.JSON: _json,
    ox.QueryResultsFormat.XML: _xml,
    ox.QueryResultsFormat.CSV: _csv,
    ox.QueryResultsFormat.TSV: _tsv,
}
