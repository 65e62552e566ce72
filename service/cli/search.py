"""`ratsgraph reindex` (the search index built anew from the store) and `ratsgraph search`."""

from __future__ import annotations

import json
import re
import sys
import time

import click

from service.cli.common import cli, open_for, store_option, update_option

TAG = re.compile(r"<[^>]+>")


@cli.command()
@store_option
@update_option
def reindex(store: str, update_url: str | None) -> None:
    """Build the search index anew from every graph of the store.

    For a directory the index is the file beside it (STORE.search.sqlite), which searches keep in
    step by themselves; this rebuilds it whole (after a restore from elsewhere, or to be sure). A
    remote store's index lives in the memory of each server and is built there on first use."""
    from service.search import open_index, sync  # noqa: PLC0415

    remote = store.startswith(("http://", "https://"))
    handle = open_for(store, update_url)
    try:
        index = open_index(handle)
        started = time.perf_counter()
        indexed, _ = sync(index, handle, rebuild=True)
        seconds = time.perf_counter() - started
        index.close()
    finally:
        handle.close()
    where = "in memory (a remote store's servers build their own)" if remote else str(index.path)
    click.echo(f"indexed {indexed} graphs in {seconds:.1f} s: {where}")


@cli.command()
@click.argument("words", nargs=-1, required=True)
@click.option("--limit", default=20, show_default=True, help="Hits to show.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@store_option
@update_option
def search(
    words: tuple[str, ...], limit: int, fmt: str, store: str, update_url: str | None
) -> None:
    """Search the store's documents, resolutions, points and names (the index is synced first)."""
    from service.search import SearchService  # noqa: PLC0415

    handle = open_for(store, update_url)
    try:
        result = SearchService(handle).current().search(" ".join(words), limit=limit)
    finally:
        handle.close()
    hits = [
        {"iri": h.iri, "kind": h.kind, "title": h.title, "snippet": TAG.sub("", h.snippet)}
        for h in result.hits
    ]
    if fmt == "json":
        json.dump({"total": result.total, "hits": hits}, sys.stdout, ensure_ascii=False, indent=2)
        click.echo()
        return
    click.echo(f"{result.total} hits")
    for h in hits:
        click.echo(f"{h['kind']:<22} {h['title'][:90]}\n{'':<22} {h['iri']}")
