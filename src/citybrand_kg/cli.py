"""``citybrand-kg``: thin commands over the library.

Exit codes: 0 success; 1 the graph does not conform or the job failed; 2 bad usage or unreadable
input. Errors are one sentence on stderr; ``--debug`` shows the traceback as well.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from .errors import CitybrandError

F = TypeVar("F", bound=Callable[..., Any])
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _reports_errors(func: F) -> F:
    """Turn a CitybrandError into its one-sentence message and exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CitybrandError as exc:
            if click.get_current_context().find_root().params.get("debug"):
                raise
            click.echo(f"citybrand-kg: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("citybrand-kg: interrupted; earlier outputs are left as they were.", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.version_option(package_name="citybrand-kg")
@click.pass_context
def main(ctx: click.Context, debug: bool, quiet: bool) -> None:
    """Turn Chinese government replies and publicity reports into a validated RDF knowledge graph."""
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING if quiet else logging.INFO, format="%(message)s", stream=sys.stderr)
    ctx.ensure_object(dict)
    ctx.obj["quiet"] = quiet


def _say(text: str) -> None:
    if not click.get_current_context().find_root().obj.get("quiet"):
        click.echo(text)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "-o", type=click.Path(path_type=Path), default=Path("out"), show_default=True, help="Output folder.")
@click.option("--base", help="Base IRI of resources (default: https://w3id.org/citybrand-kg/resource/).")
@click.option("--jobs", "-j", type=int, default=os.cpu_count() or 1, show_default="the CPU count", help="Worker processes.")
@click.option("--no-cache", is_flag=True, help="Re-extract every document (default: reuse results of unchanged documents).")
@click.option("--cache-dir", type=click.Path(path_type=Path), help="Cache folder (default: OUT/.cache).")
@click.option("--max-bytes", type=int, default=20 * 1024 * 1024, show_default=True, help="Refuse input files larger than this.")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation.")
@_reports_errors
def build(paths: tuple[Path, ...], out: Path, base: str | None, jobs: int, no_cache: bool, cache_dir: Path | None, max_bytes: int, no_validate: bool) -> None:
    """Extract, map, validate and write OUT/graph.ttl, OUT/graph.trig and OUT/validation.ttl.

    PATHS are files or folders (.txt, .html, .docx); none means the bundled seed reply.
    """
    from .corpus import BuildSettings
    from .corpus import build as run_build

    settings = BuildSettings(out=out, base=base, max_bytes=max_bytes, validate=not no_validate, jobs=max(1, jobs), cache=not no_cache, cache_dir=cache_dir)
    with _progress_bar() as progress:
        result = run_build(list(paths), settings, progress=progress)
    for failure in result.failures:
        click.echo(f"citybrand-kg: {failure}", err=True)
    _say(_summary(result))
    if result.failures:
        sys.exit(EXIT_USAGE)
    if not result.conforms:
        click.echo(f"citybrand-kg: {result.outputs['graph']}: the graph does not conform to the shapes ({len(result.nonconforming)} documents, see {result.outputs['validation']}).", err=True)
        sys.exit(EXIT_FAILED)


@contextlib.contextmanager
def _progress_bar() -> Iterator[Callable[[int, int, str], None] | None]:
    """A progress bar with documents per second on a terminal; nothing with --quiet or when piped."""
    if click.get_current_context().find_root().obj.get("quiet") or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]} docs/s"), TimeRemainingColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("building", total=None, rate="-")
        started = time.monotonic()

        def update(done: int, total: int, _source: str) -> None:
            rate = done / max(time.monotonic() - started, 1e-6)
            bar.update(task, completed=done, total=total, rate=f"{rate:.1f}")

        yield update


def _summary(result: Any) -> str:
    from .corpus import summary_rows

    rows = list(summary_rows(result))
    width = max(len(name) for name, _value in rows)
    lines = [f"{name:<{width}}  {value}" for name, value in rows]
    lines += [f"wrote {path}" for path in result.outputs.values()]
    return "\n".join(lines)


@main.command()
@click.argument("graph", type=click.Path(path_type=Path))
@click.option("--report", type=click.Path(path_type=Path), help="Also write the SHACL report (Turtle) here.")
@_reports_errors
def validate(graph: Path, report: Path | None) -> None:
    """SHACL-validate GRAPH with the shapes; exit 1 when it does not conform."""
    from .atomic import write_text
    from .validation import read_graph, validate_graph

    result = validate_graph(read_graph(graph))
    if report is not None:
        write_text(report, result.graph.serialize(format="turtle"))
    if result.conforms:
        _say(f"{graph}: conforms.")
        return
    click.echo(result.text, err=True)
    click.echo(f"citybrand-kg: {graph}: does not conform ({result.violations} violations).", err=True)
    sys.exit(EXIT_FAILED)


@main.command()
@click.argument("graph", type=click.Path(path_type=Path))
@click.argument("sparql")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@_reports_errors
def query(graph: Path, sparql: str, fmt: str) -> None:
    """Run the SPARQL query SPARQL over GRAPH (a file, or @FILE to read the query from a file)."""
    from .query import render, run_query

    if sparql.startswith("@"):
        sparql = Path(sparql[1:]).read_text(encoding="utf-8")
    click.echo(render(run_query([graph], sparql), fmt))


@main.command()
@click.argument("graphs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--store", "store_dir", type=click.Path(path_type=Path), help="Persistent store folder (default: a temporary one).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--timeout", type=float, default=5.0, show_default=True, help="Seconds a query may run.")
@click.option("--max-rows", type=int, default=10000, show_default=True, help="Cap on result rows.")
@click.option("--allow-update", is_flag=True, help="Accept SPARQL Update and Graph Store writes (needs --token).")
@click.option("--token", envvar="CITYBRAND_TOKEN", help="Bearer token for writes.")
@click.option("--cors", "cors_origins", default="*", show_default=True, help="Allowed CORS origins (comma-separated, '' for none).")
@click.option("--workers", type=int, default=2, show_default=True, help="Query worker processes.")
@_reports_errors
def serve(graphs: tuple[Path, ...], store_dir: Path | None, host: str, port: int, timeout: float, max_rows: int, allow_update: bool, token: str | None, cors_origins: str, workers: int) -> None:
    """Serve GRAPHS over the SPARQL 1.1 Protocol at /sparql, with a web page at /."""
    from .errors import UsageError
    from .server import serve as run_server

    if allow_update and not token:
        raise UsageError("--allow-update needs --token (or CITYBRAND_TOKEN): writes are never open to everyone.")
    paths = list(graphs) or ([Path("out/graph.trig")] if Path("out/graph.trig").exists() else [])
    run_server(paths, store_dir=store_dir, host=host, port=port, timeout=timeout, max_rows=max_rows, allow_update=allow_update, token=token, cors_origins=cors_origins, workers=workers, ready_message=lambda url: click.echo(f"citybrand-kg: serving {', '.join(map(str, paths)) or 'the store'} at {url}", err=True))


@main.command(name="evaluate")
@click.argument("graph", type=click.Path(path_type=Path))
@click.option("--gold", "gold_path", required=True, type=click.Path(path_type=Path), help="Gold annotations (JSON, see bench/gold/README.md).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_reports_errors
def evaluate_command(graph: Path, gold_path: Path, fmt: str) -> None:
    """Precision, recall and F1 of GRAPH's entities and relations against GOLD, with misses and false positives."""
    from .evaluation import evaluate_files, render_scores

    click.echo(render_scores(evaluate_files(graph, gold_path), fmt))
