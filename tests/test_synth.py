"""The synthetic corpus generator of bench/: deterministic by seed, and its documents conform."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from citybrand_kg.corpus import BuildSettings, build

SYNTH = Path(__file__).resolve().parents[1] / "bench" / "synth.py"


@pytest.fixture(scope="module")
def synth() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_synth", SYNTH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def corpus_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_same_seed_same_bytes(synth: ModuleType, tmp_path: Path) -> None:
    synth.write_corpus(12, 7, tmp_path / "a")
    synth.write_corpus(12, 7, tmp_path / "b")
    synth.write_corpus(12, 8, tmp_path / "c")
    first = corpus_bytes(tmp_path / "a")
    assert len(first) == 12
    assert first == corpus_bytes(tmp_path / "b")
    assert first != corpus_bytes(tmp_path / "c")


def test_a_document_does_not_depend_on_the_count(synth: ModuleType, tmp_path: Path) -> None:
    synth.write_corpus(3, 5, tmp_path / "few")
    synth.write_corpus(9, 5, tmp_path / "many")
    few, many = corpus_bytes(tmp_path / "few"), corpus_bytes(tmp_path / "many")
    assert few == {name: many[name] for name in few}


def test_sizes_and_genre(synth: ModuleType, tmp_path: Path) -> None:
    paths = synth.write_corpus(60, 3, tmp_path / "in")
    sizes = [path.stat().st_size for path in paths]
    assert max(sizes) <= synth.MAX_BYTES and min(sizes) >= 700
    assert max(sizes) > 6 * 1024 and min(sizes) < 3 * 1024
    texts = [path.read_text(encoding="utf-8") for path in paths]
    assert any("委员：" in t for t in texts) and any("代表：" in t for t in texts)
    assert any("号提案的" in t for t in texts) and any("号建议的" in t for t in texts)
    assert any("电（记者" in t for t in texts) and any("工作情况报告" in t for t in texts)
    assert any("等城市品牌" in t for t in texts) and any("账号" in t for t in texts)


def test_a_build_of_generated_documents_conforms(synth: ModuleType, tmp_path: Path) -> None:
    synth.write_corpus(5, 11, tmp_path / "in")
    result = build([tmp_path / "in"], BuildSettings(out=tmp_path / "out", cache=False))
    assert result.documents == 5 and not result.failures
    assert result.conforms, result.nonconforming
    counts = result.entity_counts()
    for kind in ("Event", "BrandLabel", "SocialMediaAccount", "MediaOutlet", "Quantity"):
        assert counts.get(kind, 0) > 0, kind
