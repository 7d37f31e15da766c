"""The package's shape: no import cycles between modules or between subpackages, and reading and
extraction work without rdflib."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "citybrand_kg"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules a file imports, at the top or inside functions."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # from a package import a module
    return {name for name in found if name in known}


def import_graph() -> nx.DiGraph:
    known = modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(known)
    for name, path in known.items():
        graph.add_edges_from((name, target) for target in imports(path, known) if target != name and not name.startswith(target + "."))
    return graph


def test_the_import_graph_is_read() -> None:
    graph = import_graph()
    assert graph.number_of_nodes() > 40 and graph.number_of_edges() > 60
    assert graph.has_edge("citybrand_kg.pipeline", "citybrand_kg.extract.mentions")


def test_no_module_imports_itself_through_others() -> None:
    cycles = list(nx.simple_cycles(import_graph()))
    assert not cycles, f"import cycles: {cycles}"


def test_subpackages_depend_one_way() -> None:
    """read ← extract ← rdf ← export/serve: no two subpackages import each other."""
    packages = nx.DiGraph()
    for a, b in import_graph().edges:
        pa, pb = a.split(".")[1], b.split(".")[1]
        if pa != pb and (PACKAGE / pa).is_dir() and (PACKAGE / pb).is_dir():
            packages.add_edge(pa, pb)
    assert not list(nx.simple_cycles(packages)), sorted(packages.edges)
    assert not packages.has_edge("read", "extract") and not packages.has_edge("extract", "rdf")


def test_reading_and_extraction_do_not_import_rdflib() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import citybrand_kg.read, citybrand_kg.extract\n"
        "for package in (citybrand_kg.read, citybrand_kg.extract):\n"
        "    for info in pkgutil.iter_modules(package.__path__, package.__name__ + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "import citybrand_kg.pipeline\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('rdflib', 'pyshacl', 'pyoxigraph')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]", done.stdout
