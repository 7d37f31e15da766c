"""Shared fixtures: one extractor (gazetteers and tokenizer loaded once) and one seed build."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "hangzhou_cppcc_292_reply.txt"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="Rewrite the golden files from the current output.")


@pytest.fixture(scope="session")
def extractor():
    from citybrand_kg.pipeline import Extractor

    return Extractor()


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory, extractor):
    from citybrand_kg.corpus import BuildSettings, build

    out = tmp_path_factory.mktemp("seed-build")
    return build([SEED], BuildSettings(out=out), extractor)


@pytest.fixture(scope="session")
def seed_graph(seed_build):
    from rdflib import Graph

    return Graph().parse(seed_build.outputs["graph"], format="turtle")


@pytest.fixture(scope="session")
def long_extraction(extractor):
    """The seed reply twelve times over as one document (about 28,000 characters): long enough for
    text blocks, short enough to extract in a moment."""
    from citybrand_kg.model import Document

    text = "\n".join([SEED.read_text(encoding="utf-8")] * 12)
    return extractor.extract(Document(text=text, source="long.txt"))
