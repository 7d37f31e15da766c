"""What the user cache remembers (SPARQL-constraint analyses, the ontology mixin) gives the same
answers as computing it, and a damaged entry is recomputed, never trusted or fatal."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from citybrand_kg import usercache
from citybrand_kg.rdf import fastshacl
from citybrand_kg.rdf.fastshacl import FastValidator, UnsupportedShapeError
from citybrand_kg.rdf.files import load_ontology, load_shapes
from citybrand_kg.rdf.terms import rdflib_term

ENGINE_DEPENDENT = '''
    @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
    ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select """
        SELECT $this ?value WHERE {
            VALUES ?p { <http://example.org/p> }
            { ?value <http://example.org/q> $this . FILTER NOT EXISTS { $this ?p ?value } }
        }""" ] .'''


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(fastshacl, "_plans", None)
    return tmp_path / "citybrand-kg"


def plans(folder) -> dict:
    return json.loads((folder / fastshacl._PLANS_FILE).read_text())


def test_sparql_analyses_are_remembered_and_reused(empty_cache, monkeypatch):
    first = FastValidator(load_shapes())
    remembered = plans(empty_cache)
    assert remembered and all(isinstance(v, bool) for v in remembered.values())

    def fail(*_args):
        raise AssertionError("analysed again although remembered")

    monkeypatch.setattr(fastshacl, "_plans", None)  # a new process: read from the file
    monkeypatch.setattr(fastshacl, "_sparql_plan", fail)
    second = FastValidator(load_shapes())
    assert len(second.top) == len(first.top)


def test_a_refused_query_stays_refused_from_the_cache(empty_cache, monkeypatch):
    shapes = Graph().parse(data=ENGINE_DEPENDENT, format="turtle")
    with pytest.raises(UnsupportedShapeError, match=r"\?p"):
        FastValidator(shapes)
    monkeypatch.setattr(fastshacl, "_plans", None)
    with pytest.raises(UnsupportedShapeError, match=r"\?p"):
        FastValidator(shapes)


def test_a_damaged_plan_file_is_recomputed(empty_cache, monkeypatch, caplog):
    empty_cache.mkdir(parents=True)
    (empty_cache / fastshacl._PLANS_FILE).write_text("{not json")
    with caplog.at_level("WARNING"):
        validator = FastValidator(load_shapes())
    assert f"{fastshacl._PLANS_FILE}: cannot read this cache file" in caplog.text
    assert len(validator.top) >= 50
    assert plans(empty_cache)  # written again, whole


def as_graph(triples) -> Graph:
    graph = Graph()
    for s, p, o in triples:
        graph.add((rdflib_term(s), rdflib_term(p), rdflib_term(o)))
    return graph


@pytest.mark.slow
def test_the_cached_mixin_equals_the_computed_one(empty_cache, caplog):
    computed = as_graph(fastshacl._from_graph(fastshacl._inoculated(load_ontology())))
    first = fastshacl._default_mixin()  # computes and writes
    [entry] = list(empty_cache.glob("ontology-mixin-*.nt"))
    again = fastshacl._default_mixin()  # reads
    assert len(computed) > 100
    assert isomorphic(as_graph(first), computed) and isomorphic(as_graph(again), computed)
    entry.write_bytes(b"<broken")
    with caplog.at_level("WARNING"):
        assert isomorphic(as_graph(fastshacl._default_mixin()), computed)
    assert f"{entry.name}: cannot read this cache file" in caplog.text


def test_an_unwritable_cache_costs_a_warning_only(tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    with caplog.at_level("WARNING"):
        usercache.write("entry", b"data")
    assert "cannot write this cache file" in caplog.text
    assert usercache.read("entry") is None
