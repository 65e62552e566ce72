"""What the commands share: the `ratsgraph` group, its common options, opening a store (saying who
holds it when it is busy), loading with a per-file report, and the exit codes."""

from __future__ import annotations

import click

from loader.iris import DEFAULT_BASE
from service.config import defaults

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


def open_for(store: str, update_url: str | None = None, read_only: bool = False):  # noqa: ANN202
    from service.store import open_store  # noqa: PLC0415

    if store.startswith(("http://", "https://")):
        return open_store(store, update_url=update_url)
    from service.store.ownership import in_use_message, readers_message, writer_message  # noqa: PLC0415

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
        from service.store.remote import RemoteStoreError  # noqa: PLC0415

        try:
            return super().invoke(ctx)
        except RemoteStoreError as e:
            click.echo(f"error: {e}", err=True)
            ctx.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """ratsgraph: council resolutions, their points, delegations and status reports as a knowledge graph."""


def load_and_report(
    store_obj, paths, body: str, base: str, graph: str | None = None, jobs=None
) -> int:  # noqa: ANN001
    from service.ingest.loading import load_paths  # noqa: PLC0415

    results = load_paths(
        store_obj, paths, body, base, graph, progress=lambda r: click.echo(r.line()), jobs=jobs
    )
    return report(results)


def report(results: list) -> int:  # noqa: ANN001
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
