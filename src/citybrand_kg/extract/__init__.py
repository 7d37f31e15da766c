"""Extraction: sentences → mentions → entities → relations, from the gazetteers and patterns in ``data/``.

Stages, in the order :mod:`citybrand_kg.pipeline` runs them: :mod:`.places` (the document's own
place), :mod:`.mentions` (every recogniser's candidates, resolved to non-overlapping spans; the
recognisers of names no gazetteer lists are in :mod:`.recognisers`), :mod:`.entities` (mentions
linked to entities with stable keys), :mod:`.relations` (sentence patterns over the mentions) and
:mod:`.letter_facts` (the letter's own facts: issuer, addressee, proposal). Word lists and
gazetteers are loaded by :mod:`.gazetteers`; figures and dates are read by :mod:`.quantities`.
Nothing here knows RDF.
"""
