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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from citybrand_kg.errors import CitybrandError
from citybrand_kg.terminal import counted

F = TypeVar("F", bound=Callable[..., Any])
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _reports_errors(func: F) -> F:
    """Turn a CitybrandError into its one-sentence message and exit code; give the command the
    global options too, so that ``citybrand-kg build -q`` means ``citybrand-kg -q build``."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CitybrandError as exc:
            if click.get_current_context().find_root().obj.get("debug"):
                raise
            click.echo(f"citybrand-kg: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("citybrand-kg: interrupted; earlier outputs are left as they were.", err=True)
            sys.exit(130)

    for option in _GLOBAL_OPTIONS:
        wrapper = option(wrapper)
    return wrapper  # type: ignore[return-value]


def _set_global(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """Callback of --quiet / --debug given after the subcommand: the same effect as before it."""
    if value and param.name is not None:
        _configure(ctx.find_root().ensure_object(dict), **{param.name: True})


def _configure(settings: dict[str, Any], *, debug: bool = False, quiet: bool = False) -> None:
    """Record the global options and set the log levels they mean."""
    settings["debug"] = settings.get("debug", False) or debug
    settings["quiet"] = settings.get("quiet", False) or quiet
    level = logging.DEBUG if settings["debug"] else logging.WARNING if settings["quiet"] else logging.INFO
    logging.getLogger().setLevel(level)
    for chatty in ("httpx", "httpcore"):  # a line per request; --debug still shows them
        logging.getLogger(chatty).setLevel(logging.DEBUG if settings["debug"] else logging.WARNING)


_GLOBAL_OPTIONS = (
    click.option("--debug", is_flag=True, expose_value=False, callback=_set_global, help="Show tracebacks on errors (also before the command)."),
    click.option("--quiet", "-q", is_flag=True, expose_value=False, callback=_set_global, help="Print nothing but errors (also before the command)."),
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.version_option(package_name="citybrand-kg")
@click.pass_context
def main(ctx: click.Context, debug: bool, quiet: bool) -> None:
    """Turn Chinese government replies and publicity reports into a validated RDF knowledge graph."""
    logging.basicConfig(format="%(message)s", stream=sys.stderr)
    _configure(ctx.ensure_object(dict), debug=debug, quiet=quiet)


def _say(text: str) -> None:
    if not click.get_current_context().find_root().obj.get("quiet"):
        click.echo(text)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "--output", "-o", "out", type=click.Path(path_type=Path), default=Path("out"), show_default=True, help="Output folder.")
@click.option("--base", help="Base IRI of resources (default: https://w3id.org/citybrand-kg/resource/).")
@click.option("--jobs", "-j", type=int, default=os.cpu_count() or 1, show_default="the CPU count", help="Worker processes.")
@click.option("--no-cache", is_flag=True, help="Re-extract every document (default: reuse results of unchanged documents).")
@click.option("--cache-dir", type=click.Path(path_type=Path), help="Cache folder (default: OUT/.cache).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=20 * 1024 * 1024, show_default=True, help="Refuse input files larger than this.")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation.")
@_reports_errors
def build(paths: tuple[Path, ...], out: Path, base: str | None, jobs: int, no_cache: bool, cache_dir: Path | None, max_bytes: int, no_validate: bool) -> None:
    """Extract, map, validate and write OUT/graph.ttl, OUT/graph.trig and OUT/validation.ttl.

    PATHS are files or folders (.txt, .html, .docx); none means the bundled seed reply.
    """
    from citybrand_kg.corpus import BuildSettings, checked_base
    from citybrand_kg.corpus import build as run_build

    base = checked_base(base) if base is not None else None
    settings = BuildSettings(out=out, base=base, max_bytes=max_bytes, validate=not no_validate, jobs=max(1, jobs), cache=not no_cache, cache_dir=cache_dir)
    with _progress_bar() as progress:
        result = run_build(list(paths), settings, progress=progress)
    for failure in result.failures:
        click.echo(f"citybrand-kg: {failure}", err=True)
    if not result.documents:
        click.echo(f"citybrand-kg: {out}: no document could be built, so the previous outputs were left as they were.", err=True)
        sys.exit(EXIT_USAGE)
    _say(_summary(result))
    if result.failures:
        sys.exit(EXIT_USAGE)
    if not result.conforms:
        click.echo(f"citybrand-kg: {result.outputs['graph']}: the graph does not conform to the shapes ({counted(len(result.nonconforming), 'document')}, see {result.outputs['validation']}).", err=True)
        sys.exit(EXIT_FAILED)


@contextlib.contextmanager
def _progress_bar() -> Iterator[Callable[[int, int, str], None] | None]:
    """A progress bar over the bytes of the inputs, with the file being built, on a terminal; nothing
    with --quiet or when piped. Counting bytes rather than documents, a long document moves it too."""
    if click.get_current_context().find_root().obj.get("quiet") or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn(), TextColumn("{task.fields[source]}"))
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("building", total=None, source="")

        def update(done: int, total: int, source: str) -> None:
            bar.update(task, completed=done, total=total, source=source)

        yield update


def _summary(result: Any) -> str:
    from citybrand_kg.corpus import summary_rows

    rows = list(summary_rows(result))
    width = max(len(name) for name, _value in rows)
    lines = [f"{name:<{width}}  {value}" for name, value in rows]
    lines += [f"wrote {path}" for path in result.outputs.values()]
    return "\n".join(lines)


@main.command()
@click.argument("graph", type=click.Path(path_type=Path))
@click.option("--report", type=click.Path(path_type=Path), help="Also write the SHACL report (Turtle) here.")
@click.option("--engine", type=click.Choice(["fast", "pyshacl"]), default="fast", show_default=True, help="The built-in validator, or pyshacl (same results, slower).")
@_reports_errors
def validate(graph: Path, report: Path | None, engine: str) -> None:
    """SHACL-validate GRAPH with the shapes; exit 1 when it does not conform."""
    from citybrand_kg.atomic import write_text
    from citybrand_kg.rdf.files import read_graph
    from citybrand_kg.rdf.validation import validate_graph

    result = validate_graph(read_graph(graph), engine)
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
    from citybrand_kg.serve.query import checked_query, render, run_query

    click.echo(render(run_query([graph], checked_query(_query_text(sparql))), fmt))


def _query_text(sparql: str) -> str:
    """The query as given, from ``@FILE``, or from standard input for ``-``."""
    from citybrand_kg.errors import UsageError

    if sparql == "-":
        return sys.stdin.read()
    if not sparql.startswith("@"):
        return sparql
    path = Path(sparql[1:])
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise UsageError(f"{path}: no such query file.") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: the query file is not UTF-8 text.") from exc
    except OSError as exc:
        raise UsageError(f"{path}: the query file cannot be read ({exc.strerror or exc}).") from exc


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
    from citybrand_kg.errors import UsageError
    from citybrand_kg.serve.server import serve as run_server

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
    from citybrand_kg.evaluation import evaluate_files, render_scores

    click.echo(render_scores(evaluate_files(graph, gold_path), fmt))


@main.command()
@click.argument("graph", type=click.Path(path_type=Path))
@click.option("--format", "fmt", help="turtle (ttl), ntriples (nt), nquads (nq), trig, jsonld (json-ld), rdfxml (xml), graphml, neo4j or csv; default: from the --output suffix.")
@click.option("--out", "--output", "-o", "out", type=click.Path(path_type=Path), help="Output file (a folder for neo4j and csv); default: next to GRAPH.")
@click.option("--context-url", help="JSON-LD: reference this published @context instead of inlining it.")
@_reports_errors
def export(graph: Path, fmt: str | None, out: Path | None, context_url: str | None) -> None:
    """Write GRAPH as Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML, GraphML, Neo4j import files or CSV tables."""
    from citybrand_kg.errors import UsageError
    from citybrand_kg.export.formats import SUFFIXES, export_graph, format_named, format_of

    if fmt is not None:
        fmt = format_named(fmt)
    elif out is not None:
        fmt = format_of(out)
    else:
        raise UsageError("export needs --format or an --output file whose suffix names one (graph.nt, graph.jsonld …).")
    target = out or (graph.with_name(f"{graph.stem}-{fmt}") if fmt in ("neo4j", "csv") else graph.with_suffix(SUFFIXES[fmt]))
    if target.resolve() == graph.resolve():
        target = graph.with_name(f"{graph.stem}.export{SUFFIXES.get(fmt, '')}")
    for path in export_graph(_existing(graph), fmt, target, context_url=context_url):
        _say(f"wrote {path}")


@main.command()
@click.argument("graph", type=click.Path(path_type=Path))
@click.option("--endpoint", required=True, help="Graph Store Protocol URL (Oxigraph: http://host:7878/store).")
@click.option("--query-endpoint", help="SPARQL query URL for the final count check (guessed from --endpoint when left out).")
@click.option("--auth-header", help="An Authorization header value, e.g. 'Bearer TOKEN' or 'Basic …'.")
@click.option("--batch-triples", type=int, default=50_000, show_default=True, help="Largest request body, in triples.")
@click.option("--retries", type=int, default=3, show_default=True, help="Retries with exponential backoff on connection errors and 5xx.")
@_reports_errors
def load(graph: Path, endpoint: str, query_endpoint: str | None, auth_header: str | None, batch_triples: int, retries: int) -> None:
    """Push GRAPH into a SPARQL 1.1 Graph Store, one named graph per document (re-loading replaces them)."""
    from citybrand_kg.errors import UsageError
    from citybrand_kg.export.loading import load_graph

    if not endpoint.startswith(("http://", "https://")):
        raise UsageError(f"{endpoint}: the endpoint must be an http:// or https:// URL (for Oxigraph: http://127.0.0.1:7878/store).")
    report = load_graph(_existing(graph), endpoint, query_endpoint=query_endpoint, auth_header=auth_header, batch_triples=batch_triples, retries=retries)
    _say(f"{counted(len(report.graphs), 'graph')}, {counted(report.triples_sent, 'triple')} sent; the store now holds {report.remote_triples} of the {report.local_triples} local triples.")
    if not report.ok:
        click.echo(f"citybrand-kg: {endpoint}: the count check failed (local {report.local_triples}, remote {report.remote_triples}).", err=True)
        sys.exit(EXIT_FAILED)


@main.command()
@click.argument("graph", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--top", type=int, default=10, show_default=True, help="Rows per ranking.")
@_reports_errors
def analyze(graph: Path, fmt: str, top: int) -> None:
    """Centralities, communities, top media partners, countries reached and events per brand label."""
    from citybrand_kg.export.network import analyze as run_analysis
    from citybrand_kg.export.network import format_report
    from citybrand_kg.rdf.files import read_graph

    click.echo(format_report(run_analysis(read_graph(graph), top=top), fmt))


@main.command()
@click.argument("graph", type=click.Path(path_type=Path))
@click.option("--out", "--output", "-o", "out", required=True, type=click.Path(path_type=Path), help="FILE.html (interactive, offline), FILE.svg or FILE.png.")
@click.option("--scope", type=click.Choice(["network", "entities"]), default="network", show_default=True, help="The actor–event network, or every entity but figures.")
@_reports_errors
def viz(graph: Path, out: Path, scope: str) -> None:
    """Draw GRAPH as a standalone HTML network view, an SVG or a PNG, coloured by class, labelled in Chinese."""
    from citybrand_kg.errors import UsageError
    from citybrand_kg.export import pictures
    from citybrand_kg.rdf.files import read_graph

    renderers = {".html": pictures.render_html, ".htm": pictures.render_html, ".svg": pictures.render_svg, ".png": pictures.render_png}
    renderer = renderers.get(out.suffix.lower())
    if renderer is None:
        raise UsageError(f"{out}: the picture must end in .html, .svg or .png.")
    _say(f"wrote {renderer(read_graph(graph), out, scope=scope)}")


def _existing(path: Path) -> Path:
    from citybrand_kg.errors import GraphError

    if not path.exists():
        raise GraphError(f"{path}: no such graph file.")
    return path
