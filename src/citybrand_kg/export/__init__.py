"""Out of the graph: serialisations, graph-database files, remote stores, tables, the network and its pictures.

:mod:`.formats` (``export``: Turtle, N-Triples, N-Quads, TriG, JSON-LD, GraphML, Neo4j, CSV),
:mod:`.jsonld`, :mod:`.neo4j`, :mod:`.tables` (entity and relation rows), :mod:`.loading` (Graph
Store Protocol), :mod:`.network` (networkx analysis), :mod:`.layout` and :mod:`.pictures` (HTML,
SVG and PNG views).
"""
