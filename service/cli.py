"""The `ratsgraph` command: demo, serve, load, import-oparl, extract, explain, query, validate, check, export.

Exit codes: 0 done, 1 checks found violations, 2 bad input (a file that did not load, a bad argument).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sys
from pathlib import Path

import click

from loader import SAMPLES_DIR, LoadError
from loader.iris import DEFAULT_BASE

from .config import defaults

DEFAULT_STORE = defaults()["STORE"]
store_option = click.option(
    "--store",
    default=DEFAULT_STORE,
    show_default=True,
    envvar="RATSGRAPH_STORE",
    help="Store: a directory (embedded pyoxigraph) or a SPARQL query URL (remote).",
)
update_option = click.option(
    "--update-url",
    default=None,
    envvar="RATSGRAPH_UPDATE_URL",
    help="SPARQL Update URL of a remote store.",
)
base_option = click.option(
    "--base-iri",
    default=DEFAULT_BASE,
    show_default=True,
    envvar="RATSGRAPH_BASE_IRI",
    help="Base of minted IRIs.",
)
body_option = click.option(
    "--body",
    default="dresden",
    show_default=True,
    envvar="RATSGRAPH_BODY",
    help="The council the documents belong to (its reference data in ontology/reference/).",
)


class StoreInUse(click.ClickException):
    exit_code = 2


def _open(store: str, update_url: str | None = None, read_only: bool = False):  # noqa: ANN202
    from .store import open_store  # noqa: PLC0415

    if store.startswith(("http://", "https://")):
        return open_store(store, update_url=update_url)
    from .holder import in_use_message, readers_message, writer_message  # noqa: PLC0415

    conflict = writer_message(store) if read_only else readers_message(store)
    if conflict:
        raise StoreInUse(conflict)
    try:
        return open_store(store, read_only=read_only)
    except OSError as e:
        raise StoreInUse(in_use_message(store, e)) from e


class _Group(click.Group):
    """Turns an unusable remote store into one line naming the URL and what happened (exit 2)."""

    def invoke(self, ctx: click.Context) -> object:
        from .remote import RemoteStoreError  # noqa: PLC0415

        try:
            return super().invoke(ctx)
        except RemoteStoreError as e:
            click.echo(f"error: {e}", err=True)
            ctx.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """ratsgraph: council resolutions, their points, delegations and status reports as a knowledge graph."""


def _load(store_obj, paths, body: str, base: str, graph: str | None = None, jobs=None) -> int:  # noqa: ANN001
    from .loading import load_paths  # noqa: PLC0415

    results = load_paths(
        store_obj, paths, body, base, graph, progress=lambda r: click.echo(r.line()), jobs=jobs
    )
    return _report(results)


def _report(results: list) -> int:  # noqa: ANN001
    """The summary line and the failures again at the end; exit status 2 if any file failed."""
    failed = [r for r in results if not r.ok]
    loaded = len(results) - len(failed)
    click.echo(f"{loaded} of {len(results)} files loaded, {len(failed)} failed.")
    for r in failed:
        click.echo(f"  failed: {r.path}: {r.message}", err=True)
    if not results:
        click.echo("no files found to load", err=True)
        return 2
    return 2 if failed else 0


def _serve(
    location: str,
    update_url: str | None,
    host: str,
    port: int,
    base: str,
    body: str,
    workers: int = 1,
    threads: int = 4,
) -> None:
    """gunicorn with ``workers`` processes; each opens its own store handle (see service.serving)."""
    from .holder import announce, in_use_message, probe  # noqa: PLC0415
    from .serving import app_factory, run  # noqa: PLC0415

    if not location.startswith(("http://", "https://")):
        # fail early, in a separate process; several workers read the store read-only, which is
        # only defined while nobody writes it, so they need the writer's lock to be free, too
        error = probe(location, read_only=False) or (
            probe(location, read_only=True) if workers > 1 else None
        )
        if error is not None:
            raise StoreInUse(in_use_message(location, error))
    factory = app_factory(location, update_url, {"BASE_IRI": base, "BODY": body}, workers)
    click.echo(
        f"ratsgraph serving on http://{host}:{port}/ with {workers} worker(s) x {threads} "
        "threads (Ctrl+C to stop)"
    )
    local = None if location.startswith(("http://", "https://")) else location
    with announce(
        local, f"http://{host}:{port}", workers
    ):  # so `load` can say where to upload instead
        run(factory, host, port, workers, threads)


@cli.command()
@click.option("--store", default="data/demo", show_default=True, help="Where the demo store lives.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Only load the sample documents.")
def demo(store: str, host: str, port: int, no_serve: bool) -> None:
    """Load the bundled Dresden sample documents and serve them."""
    s = _open(store)
    code = _load(s, [SAMPLES_DIR], "dresden", DEFAULT_BASE)
    if code:
        sys.exit(code)
    click.echo(f"Try http://{host}:{port}/views/open-points?actor=Oberbürgermeister")
    s.close()
    if not no_serve:
        # A fresh process image: RocksDB's background threads, started by the load above, would
        # not survive gunicorn's fork, and a worker's flush would wait for them forever.
        cmd = ["-c", "from service.cli import main; main()", "serve", "--store", store]
        os.execv(sys.executable, [sys.executable, *cmd, "--host", host, "--port", str(port)])


@cli.command()
@store_option
@update_option
@base_option
@body_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes; more than one reads an on-disk store as read-only snapshots.",
)
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 256))
def serve(
    store: str,
    update_url: str | None,
    base_iri: str,
    body: str,
    host: str,
    port: int,
    workers: int,
    threads: int,
) -> None:
    """Serve views, the SPARQL endpoint and resource pages over HTTP (gunicorn)."""
    _serve(store, update_url, host, port, base_iri, body, workers, threads)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@store_option
@update_option
@base_option
@body_option
@click.option(
    "--graph", default=None, help="Named graph for RDF triples files (default: from the file name)."
)
@click.option(
    "--server",
    default=None,
    help="Load through this running ratsgraph server (its write API) instead of opening the store.",
)
@click.option(
    "--token", default=None, envvar="RATSGRAPH_WRITE_TOKEN", help="The server's write token."
)
@click.option(
    "--bulk/--no-bulk",
    default=None,
    help="Create a new store with Oxigraph's bulk loader (all or nothing; about twice as fast). "
    "Default: bulk when the store folder does not exist yet or is empty.",
)
@click.option(
    "--jobs",
    default=None,
    type=click.IntRange(1, 256),
    help="Processes extracting documents in parallel (default: one per core).",
)
def load(
    paths: tuple[str, ...],
    store: str,
    update_url: str | None,
    base_iri: str,
    body: str,
    graph: str | None,
    server: str | None,
    token: str | None,
    bulk: bool | None,
    jobs: int | None,
) -> None:
    """Load documents (text, PDF) or RDF files, or whole folders; one line per file."""
    if server:
        sys.exit(_upload(server, token, paths))
    from .bulk import is_new_store  # noqa: PLC0415

    remote = store.startswith(("http://", "https://"))
    if bulk and (remote or not is_new_store(store)):
        raise click.UsageError(
            f"--bulk creates a new store, but {store} "
            + ("is a SPARQL endpoint" if remote else "already holds data")
            + "; load into it without --bulk"
        )
    if bulk is None:
        bulk = not remote and is_new_store(store)
    if bulk:
        sys.exit(_bulk_load(store, paths, body, base_iri, graph, jobs))
    sys.exit(_load(_open(store, update_url), paths, body, base_iri, graph, jobs))


def _bulk_load(
    store: str, paths: tuple[str, ...], body: str, base: str, graph: str | None, jobs: int | None
) -> int:
    from .bulk import bulk_load_new_store  # noqa: PLC0415

    click.echo(f"new store {store}: bulk loading, all or nothing")
    try:
        results = bulk_load_new_store(
            store,
            list(paths),
            body,
            base,
            graph,
            lambda r: click.echo(r.line()),
            jobs,
            lambda: click.echo("all files read; compacting the store"),
        )
    except (OSError, SyntaxError, ValueError) as e:
        click.echo(
            f"error: nothing was stored in {store}: {e} (`ratsgraph load --no-bulk` loads the "
            "documents one transaction each and names a file that cannot be stored)",
            err=True,
        )
        return 2
    return _report(results)


def _upload(server: str, token: str | None, paths: tuple[str, ...]) -> int:
    from .upload import upload_paths  # noqa: PLC0415

    if not token:
        raise click.UsageError("--server needs the write token (--token or RATSGRAPH_WRITE_TOKEN)")
    results = upload_paths(server, token, paths, progress=lambda r: click.echo(r.line()))
    failed = [r for r in results if not r.ok]
    click.echo(
        f"{len(results) - len(failed)} of {len(results)} files loaded, {len(failed)} failed."
    )
    for r in failed:
        click.echo(f"  failed: {r.path}: {r.message}", err=True)
    return 2 if failed or not results else 0


@cli.command("import-oparl")
@click.argument("source")
@store_option
@update_option
@base_option
@body_option
@click.option(
    "--state",
    "state_file",
    default=None,
    help="State file for resumable, incremental runs (default: beside the store, <store>.oparl-state.json).",
)
@click.option(
    "--timeout", default=30.0, show_default=True, help="Seconds to wait for one HTTP answer."
)
@click.option(
    "--retries", default=3, show_default=True, help="Retries of a failed request (with backoff)."
)
@click.option(
    "--max-rate",
    default=5.0,
    show_default=True,
    help="Requests per second at most to the OParl server (0: no limit); a 429 or 503 answer's "
    "Retry-After is obeyed as well.",
)
@click.option(
    "--file-pattern",
    default=None,
    help="Regular expression on a file's name: which PDFs without OParl text to download "
    "(default: resolutions, status reports, papers).",
)
def import_oparl_command(
    source: str,
    store: str,
    update_url: str | None,
    base_iri: str,
    body: str,
    state_file: str | None,
    timeout: float,
    retries: int,
    max_rate: float,
    file_pattern: str | None,
) -> None:
    """Import a council information system: an OParl endpoint (its System URL) or a dump folder.

    Papers, meetings, committees and consultations come from OParl; resolutions and status
    reports from the files' text. Run it again to fetch only what changed since.
    """
    from .oparl_import import DEFAULT_FILE_PATTERN, import_oparl, state_path_for  # noqa: PLC0415
    from .oparl_sources import FetchError, Http  # noqa: PLC0415

    if state_file is None and store.startswith(("http://", "https://")):
        raise click.BadParameter("a remote store needs --state FILE", param_hint="--state")
    state = Path(state_file) if state_file else state_path_for(store)
    tty = sys.stderr.isatty()

    def progress(kind: str, count: int) -> None:
        if tty:  # a progress line on a terminal only; logs get the report
            click.echo(f"\r{count:>7} objects read, now: {kind:<14}", err=True, nl=False)

    try:
        report = import_oparl(
            _open(store, update_url),
            source,
            state_path=state,
            body=body,
            base=base_iri,
            http=Http(timeout=timeout, retries=retries, max_rate=max_rate),
            progress=progress,
            file_pattern=file_pattern or DEFAULT_FILE_PATTERN,
        )
    except (FetchError, ValueError, re.error) as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    if tty:
        click.echo("", err=True)
    for line in report.lines():
        click.echo(line)
    sys.exit(0 if report.complete else 2)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["json", "turtle"]), default="json", show_default=True
)
@base_option
@body_option
def extract(file: str, fmt: str, base_iri: str, body: str) -> None:
    """Print what a document says: JSON in the corpus schema, or the Turtle it would load."""
    from loader import load_document  # noqa: PLC0415
    from loader.extract import extract_file  # noqa: PLC0415
    from loader.graph import with_prefixes  # noqa: PLC0415
    from loader.reference import load_reference  # noqa: PLC0415

    try:
        if fmt == "turtle":
            loaded = load_document(file, body=body, base=base_iri)
            click.echo(with_prefixes(loaded.graph).serialize(format="turtle"))
            extraction = loaded.extraction
        else:
            extraction = extract_file(file, load_reference(body, base_iri))
            click.echo(json.dumps(extraction.to_json(), ensure_ascii=False, indent=2))
    except LoadError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    for w in extraction.warnings:
        click.echo(f"warning: {file}: {w}", err=True)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@body_option
def explain(file: str, body: str) -> None:
    """Print each extracted fact beside the sentence it came from, then the warnings."""
    from loader.extract import explain as explain_extraction  # noqa: PLC0415
    from loader.extract import extract_file  # noqa: PLC0415
    from loader.reference import load_reference  # noqa: PLC0415

    try:
        click.echo(explain_extraction(extract_file(file, load_reference(body))))
    except LoadError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)


@cli.command()
@click.argument("view")
@click.option("--param", "-p", "params", multiple=True, help="name=value (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
@store_option
@update_option
def query(view: str, params: tuple[str, ...], fmt: str, store: str, update_url: str | None) -> None:
    """Run a named view (by name, e.g. open-points) with parameters."""
    from . import create_app  # noqa: PLC0415
    from .errors import UserError  # noqa: PLC0415
    from .views import as_csv, rows_as_json, run_view  # noqa: PLC0415

    values = {}
    for p in params:
        if "=" not in p:
            raise click.BadParameter(f"expected name=value, got {p!r}", param_hint="--param")
        k, v = p.split("=", 1)
        values[k] = v
    name = Path(view).stem
    app = create_app(store=_open(store, update_url, read_only=True))
    with app.app_context():
        try:
            result = run_view(name, values)
        except UserError as e:
            click.echo(f"error: {e.message}", err=True)
            sys.exit(2)
    if fmt == "json":
        click.echo(
            json.dumps(
                {"view": name, "columns": result.columns, "rows": rows_as_json(result)},
                ensure_ascii=False,
                indent=2,
            )
        )
    elif fmt == "csv":
        click.echo(as_csv(result), nl=False)
    else:
        rows = rows_as_json(result)
        click.echo("\t".join(result.columns))
        for r in rows:
            click.echo("\t".join("" if r[c] is None else str(r[c]) for c in result.columns))
        click.echo(f"({len(rows)} rows)", err=True)


@cli.command()
@store_option
@update_option
@body_option
@base_option
def validate(store: str, update_url: str | None, body: str, base_iri: str) -> None:
    """Check every document graph in the store against the SHACL shapes."""
    from loader.shapes import validate as shacl_validate  # noqa: PLC0415

    from .loading import reference_graph  # noqa: PLC0415
    from .queries import get_query  # noqa: PLC0415
    from .views import LOOKUP_DIR  # noqa: PLC0415

    s = _open(store, update_url, read_only=True)
    docs = s.select(get_query("documents", LOOKUP_DIR).text)
    graph_query = get_query("graph", LOOKUP_DIR)
    ref = reference_graph(body, base_iri)
    failed = 0
    for row in docs.rows:
        g = row["g"].value
        result = shacl_validate(s.construct(graph_query.bind({"g": g})), extra=ref)
        if result.conforms:
            click.echo(f"ok      {row['file'].value}")
        else:
            failed += 1
            click.echo(f"INVALID {row['file'].value}")
            for v in result.violations:
                click.echo(f"    {v}")
    click.echo(
        f"{len(docs.rows) - failed} of {len(docs.rows)} document graphs conform to the shapes."
    )
    sys.exit(1 if failed else 0)


@cli.command()
@store_option
@update_option
def check(store: str, update_url: str | None) -> None:
    """Run the integrity rules of queries/checks/ (zero rows = pass)."""
    from .queries import QUERIES_DIR, load_queries  # noqa: PLC0415

    s = _open(store, update_url, read_only=True)
    failed = 0
    for name, q in load_queries(QUERIES_DIR / "checks").items():
        rows = s.select(q.text).rows
        click.echo(f"{'ok  ' if not rows else 'FAIL'} {name}: {len(rows)} rows")
        failed += bool(rows)
    sys.exit(1 if failed else 0)


@cli.command()
@store_option
@update_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["nq", "ttl"]),
    default=None,
    help="nq: N-Quads, every graph; ttl: Turtle of the union. Default: from the file name, else nq.",
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False), help="File to write (.gz compresses)."
)
@click.option("--gzip", "compress", is_flag=True, help="Compress (implied by a .gz file name).")
def export(
    store: str, update_url: str | None, fmt: str | None, output: str | None, compress: bool
) -> None:
    """Dump the whole store, the same bytes as /dumps/ratsgraph.nq.gz and ….ttl.gz serve."""
    from .dumps import dump_bytes  # noqa: PLC0415

    name = (output or "").removesuffix(".gz")
    fmt = fmt or ("ttl" if name.endswith((".ttl", ".turtle")) else "nq")
    data = dump_bytes(_open(store, update_url, read_only=True), fmt)
    if compress or (output or "").endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    if output:
        Path(output).write_bytes(data)
        click.echo(f"wrote {len(data)} bytes to {output}", err=True)
    else:
        sys.stdout.buffer.write(data)


@cli.command()
@click.argument("target", type=click.Path(file_okay=False))
@store_option
def backup(target: str, store: str) -> None:
    """Copy the store into TARGET, a new folder (a consistent checkpoint; cheap on one disk)."""
    from .backup import backup_store  # noqa: PLC0415

    if store.startswith(("http://", "https://")):
        raise click.UsageError(
            "backup works on an on-disk store; back up a remote one at its server"
        )
    s = _open(store)
    try:
        summary = backup_store(s, target)
    except (OSError, FileExistsError) as e:
        click.echo(f"error: backup of {store} into {target} failed: {e}", err=True)
        sys.exit(2)
    finally:
        s.close()
    click.echo(f"backed up {store} to {summary.line()}")


@cli.command()
@click.argument("source", type=click.Path(file_okay=False))
@store_option
@click.option("--force", is_flag=True, help="Replace a store that holds data already.")
def restore(source: str, store: str, force: bool) -> None:
    """Make the store a copy of the backup SOURCE (made by `ratsgraph backup` or POST /api/backup)."""
    from .backup import restore_store  # noqa: PLC0415
    from .holder import in_use_message  # noqa: PLC0415

    try:
        summary = restore_store(source, store, force)
    except (ValueError, FileExistsError) as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    except OSError as e:
        click.echo(f"error: {in_use_message(store, e)}", err=True)
        sys.exit(2)
    click.echo(f"restored {source} into {summary.line()}")


def main() -> None:
    cli(prog_name="ratsgraph")
