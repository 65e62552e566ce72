"""Commands that move data in and out: load, import-oparl, export, backup, restore; derive."""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

import click

from service.cli.common import (
    base_option,
    body_option,
    cli,
    load_and_report,
    open_for,
    report,
    store_option,
    update_option,
)


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
    from service.ingest.bulk import is_new_store  # noqa: PLC0415

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
    sys.exit(load_and_report(open_for(store, update_url), paths, body, base_iri, graph, jobs))


def _bulk_load(
    store: str, paths: tuple[str, ...], body: str, base: str, graph: str | None, jobs: int | None
) -> int:
    from service.ingest.bulk import bulk_load_new_store  # noqa: PLC0415

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
    return report(results)


def _upload(server: str, token: str | None, paths: tuple[str, ...]) -> int:
    from service.ingest.upload import upload_paths  # noqa: PLC0415

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
@click.option(
    "--body",
    default=None,
    help="The council's slug in IRIs (/id/SLUG/...); default: from the OParl Body (reference data "
    "naming its URL, its short name, name, or id). Needed when another body already has that slug.",
)
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
@click.option(
    "--server",
    default=None,
    help="Import through this running ratsgraph server (its write API) instead of opening the "
    "store; needs --state.",
)
@click.option(
    "--token", default=None, envvar="RATSGRAPH_WRITE_TOKEN", help="The server's write token."
)
def import_oparl_command(
    source: str,
    store: str,
    update_url: str | None,
    base_iri: str,
    body: str | None,
    state_file: str | None,
    timeout: float,
    retries: int,
    max_rate: float,
    file_pattern: str | None,
    server: str | None,
    token: str | None,
) -> None:
    """Import a council information system: an OParl endpoint (its System URL) or a dump folder.

    Papers, meetings, committees and consultations come from OParl; resolutions and status
    reports from the files' text. Run it again to fetch only what changed since.
    """
    from service.ingest.oparl_import import DEFAULT_FILE_PATTERN, import_oparl, state_path_for  # noqa: PLC0415
    from service.ingest.oparl_service import ServiceStore  # noqa: PLC0415
    from service.ingest.oparl_sources import FetchError, Http  # noqa: PLC0415

    if state_file is None and (server or store.startswith(("http://", "https://"))):
        where = "--server" if server else "a remote store"
        raise click.BadParameter(f"{where} needs --state FILE", param_hint="--state")
    if server and not token:
        raise click.UsageError("--server needs the write token (--token or RATSGRAPH_WRITE_TOKEN)")
    state = Path(state_file) if state_file else state_path_for(store)
    tty = sys.stderr.isatty()

    def progress(kind: str, count: int) -> None:
        if tty:  # a progress line on a terminal only; logs get the report
            click.echo(f"\r{count:>7} objects read, now: {kind:<14}", err=True, nl=False)

    target = ServiceStore(server, token or "") if server else open_for(store, update_url)
    try:
        report = import_oparl(
            target,  # type: ignore[arg-type] # a ServiceStore does what an import needs
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
    finally:
        target.close()  # released before exiting, so the store can be opened again at once
    if tty:
        click.echo("", err=True)
    for line in report.lines():
        click.echo(line)
    sys.exit(0 if report.complete and not report.failures else 2)


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
    from service.store.dumps import dump_bytes  # noqa: PLC0415

    name = (output or "").removesuffix(".gz")
    fmt = fmt or ("ttl" if name.endswith((".ttl", ".turtle")) else "nq")
    data = dump_bytes(open_for(store, update_url, read_only=True), fmt)
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
    from service.store.backup import backup_store  # noqa: PLC0415

    if store.startswith(("http://", "https://")):
        raise click.UsageError(
            "backup works on an on-disk store; back up a remote one at its server"
        )
    s = open_for(store)
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
    from service.store.backup import restore_store  # noqa: PLC0415
    from service.store.ownership import in_use_message  # noqa: PLC0415

    try:
        summary = restore_store(source, store, force)
    except (ValueError, FileExistsError) as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    except OSError as e:
        click.echo(f"error: {in_use_message(store, e)}", err=True)
        sys.exit(2)
    click.echo(f"restored {source} into {summary.line()}")


@cli.command()
@store_option
@update_option
@click.option(
    "--batch", type=int, default=None, show_default="2000",
    help="resolutions rebuilt per transaction; 0: all in one transaction (at 100,000 "
    "resolutions that held 22 GB)",
)  # fmt: skip
def derive(store: str, update_url: str | None, batch: int | None) -> None:
    """Recompute the derived facts (each point's current status, the views' tasks, deadlines,
    reports and counts) from the documents, a batch of resolutions per transaction. Loads keep
    them up to date; run this after data was written behind ratsgraph's back, when `ratsgraph
    check` reports derived-facts-differ, or after an upgrade that changed their shape."""
    from service.store.derived import COUNT_POINTS  # noqa: PLC0415
    from service.store.rebuild import BATCH  # noqa: PLC0415

    if batch is not None and batch < 0:
        click.echo(f"error: --batch must be 0 or more, got {batch}", err=True)
        sys.exit(2)
    s = open_for(store, update_url)
    shown = [0]

    def progress(done: int, total: int) -> None:
        if done * 10 // total > shown[0] or done == total:  # every tenth
            shown[0] = done * 10 // total
            click.echo(f"derived facts: {done:,} of {total:,} resolutions", err=True)

    try:
        if batch == 0:
            s.rebuild_derived()
        else:
            s.rebuild_derived_in_batches(batch or BATCH, progress)
        points = s.select(COUNT_POINTS).rows[0]["points"].value
    finally:
        s.close()
    click.echo(f"derived facts recomputed in {store}: {points} points")
