"""`ratsgraph demo` and `ratsgraph serve`: the HTTP service under gunicorn."""

from __future__ import annotations

import os
import sys

import click

from loader import SAMPLES_DIR
from loader.iris import DEFAULT_BASE
from service.cli.common import (
    StoreInUse,
    base_option,
    body_option,
    cli,
    load_and_report,
    open_for,
    store_option,
    update_option,
)


def _serve(
    location: str,
    update_url: str | None,
    host: str,
    port: int,
    base: str,
    body: str,
    workers: int = 1,
    threads: int = 32,
) -> None:
    """gunicorn with ``workers`` processes; each opens its own store handle (see service.web.serving)."""
    from service.store.ownership import announce, in_use_message, lock_error, probe  # noqa: PLC0415
    from service.web.serving import app_factory, run  # noqa: PLC0415

    if not location.startswith(("http://", "https://")):
        # fail early, from the lock file alone (the one worker opens the store, once); several
        # workers read the store read-only, which is only defined while nobody writes it, so they
        # need the writer's lock to be free, too
        error = lock_error(location) or (probe(location, read_only=True) if workers > 1 else None)
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
    s = open_for(store)
    code = load_and_report(s, [SAMPLES_DIR], "dresden", DEFAULT_BASE)
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
@click.option(
    "--threads",
    default=32,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Requests answered at once per worker; above MAX_CONCURRENT_QUERIES + QUERY_QUEUE, so "
    "SPARQL queries in line leave threads for views, pages and /healthz.",
)
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
