"""The error tree of citybrand-kg.

::

    CitybrandError                 anything the tool reports as a clean message
    ├── InputError                 a source file cannot be read or decoded (exit 2)
    ├── UsageError                 bad options or arguments (exit 2)
    ├── GraphError                 a graph file cannot be parsed or written (exit 2)
    ├── StoreError                 the embedded or a remote store failed (exit 1)
    └── QueryError                 a SPARQL query failed (exit 1)
        └── MalformedQuery         a SPARQL query or update is not valid SPARQL (exit 2: bad input)

A graph that does not conform to the shapes is a result (``ValidationReport``), not an error.
Every message is one sentence naming the file (or endpoint) and what is wrong.
"""

from __future__ import annotations


class CitybrandError(Exception):
    """Base class; ``exit_code`` is what the CLI returns."""

    exit_code = 1


class InputError(CitybrandError):
    exit_code = 2


class UsageError(CitybrandError):
    exit_code = 2


class GraphError(CitybrandError):
    exit_code = 2


class StoreError(CitybrandError):
    exit_code = 1


class QueryError(CitybrandError):
    exit_code = 1


class MalformedQuery(QueryError):
    """The text is not SPARQL; the message is the parser's first line, shortened."""

    exit_code = 2
