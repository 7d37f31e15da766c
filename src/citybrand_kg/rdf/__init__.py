"""The graph: vocabularies, the mapping of an extraction to RDF, Turtle, named graphs and SHACL validation.

:mod:`.namespaces` (``CBO`` and friends), :mod:`.mapping` (an
:class:`~citybrand_kg.model.Extraction` → triples), :mod:`.turtle` (deterministic Turtle and
TriG), :mod:`.named_graphs` (reading graph files, one named graph per document) and
:mod:`.validation` with its fast engine :mod:`.fastshacl`.
"""
