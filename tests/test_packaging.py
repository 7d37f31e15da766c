"""The package as users install it: the built wheel, without extras, in a fresh virtual environment,
every command run once from another folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import venv
from pathlib import Path

import httpx
import pytest

from tests.serve.live import serving_url

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.slow, pytest.mark.packaging]


def _env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, "PYTHONIOENCODING": "utf-8", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh venv holding the wheel built from this checkout."""
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(work / "dist"), str(ROOT)], check=True, env=_env(), timeout=600)
    wheels = list((work / "dist").glob("citybrand_kg-*.whl"))
    assert len(wheels) == 1, wheels
    venv.EnvBuilder(with_pip=True).create(work / "venv")
    bin_dir = work / "venv" / "bin"
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheels[0])], check=True, env=_env(), timeout=1200)
    return bin_dir


def run(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(bin_dir / "citybrand-kg"), *args], cwd=cwd, capture_output=True, text=True, env=_env(), timeout=600, check=False)


def test_the_installed_wheel_runs_every_command(installed: Path, tmp_path: Path) -> None:
    here = tmp_path / "elsewhere"
    here.mkdir()
    imported = subprocess.run([str(installed / "python"), "-c", "import citybrand_kg, sys; print(citybrand_kg.__file__)"], cwd=here, capture_output=True, text=True, env=_env(), check=True)
    assert str(installed.parent) in imported.stdout, imported.stdout  # the installed copy, not the checkout

    def ok(*args: str) -> subprocess.CompletedProcess[str]:
        done = run(installed, here, *args)
        assert done.returncode == 0, (args, done.stderr)
        assert "Traceback" not in done.stderr, (args, done.stderr)
        return done

    assert "citybrand-kg" in ok("--version").stdout
    ok("build", "-o", "out")  # the bundled seed reply
    assert (here / "out" / "graph.ttl").stat().st_size > 10_000
    assert "conforms" in ok("validate", "out/graph.ttl").stdout
    assert "true" in ok("query", "out/graph.trig", "ASK { ?s ?p ?o }", "--format", "json").stdout
    for target in ("graph.jsonld", "graph.rdf", "graph.nq"):
        ok("export", "out/graph.trig", "-o", target)
    ok("export", "out/graph.ttl", "--format", "neo4j", "-o", "neo4j")
    ok("analyze", "out/graph.ttl")
    ok("viz", "out/graph.ttl", "-o", "network.html")
    ok("evaluate", "out/graph.ttl", "--gold", str(ROOT / "tests" / "gold" / "seed.json"))
    unreachable = run(installed, here, "load", "out/graph.ttl", "--endpoint", "http://127.0.0.1:9/store", "--retries", "0")
    assert unreachable.returncode != 0 and "Traceback" not in unreachable.stderr and "ModuleNotFoundError" not in unreachable.stderr
    assert len(unreachable.stderr.strip().splitlines()) == 1, unreachable.stderr


def test_the_installed_wheel_serves(installed: Path, tmp_path: Path) -> None:
    assert run(installed, tmp_path, "build", "-o", "out").returncode == 0
    process = subprocess.Popen([str(installed / "citybrand-kg"), "serve", "out/graph.trig", "--port", "0", "--workers", "1"], cwd=tmp_path, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=_env())
    url, lines = serving_url(process)
    try:
        assert "<html" in httpx.get(url, timeout=30).text.lower()
        answer = httpx.get(url + "sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert answer.status_code == 200 and answer.json()["boolean"] is True
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(60) == 0, "".join(lines)
