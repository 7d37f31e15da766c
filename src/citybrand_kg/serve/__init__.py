"""Serving: the embedded store, the SPARQL 1.1 endpoint and web page, and one-off queries.

:mod:`.server` (``serve(...)``: load graphs, start the workers, run the HTTP server),
:mod:`.app` (``create_app(store, settings)``: routes, the protocol, the page), :mod:`.pool`
(query workers), :mod:`.store` (the pyoxigraph store, its layout and its snapshots),
:mod:`.query` (``citybrand-kg query`` over graph files).
"""
