"""Reading: files → documents (encodings, formats), sentences, words and the letter's structure.

Stages: :mod:`.documents` (a file → :class:`~citybrand_kg.model.Document`), :mod:`.sentences`,
:mod:`.segmenter` (jieba's words with offsets) and :mod:`.letter` (title, addressee, proposal,
issuer, date, sections of a reply letter). Nothing here knows RDF.
"""
