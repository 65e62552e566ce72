"""The store and what wraps it: one small interface (`Store`), the embedded and remote backends,
backups, who holds a store, reads that can be stopped, limits and the view cache.

Nothing here knows of Flask blueprints or the command line; they import from here, never back."""

from __future__ import annotations

from pathlib import Path

from service.store.base import (
    GRAPH_RESULT_TYPES,
    MEDIA_GRAPH,
    MEDIA_RESULTS,
    QueryForm,
    Rows,
    SelectResult,
    Store,
    Term,
    both_copies_nquads,
    both_copies_of_lines,
    drop_graph_update,
    graph_to_ntriples,
    replace_graph_update,
    select_result_from_json,
)
from service.store.embedded import EmbeddedStore


def open_store(location: str | Path | None, read_only: bool = False, **options: object) -> Store:
    """An embedded store for a directory, a remote one for an http(s) URL."""
    text = str(location) if location is not None else None
    if text and text.startswith(("http://", "https://")):
        from service.store.remote import RemoteStore  # noqa: PLC0415 - only needed for remote endpoints

        return RemoteStore(text, **options)  # type: ignore[arg-type]
    return EmbeddedStore(location, read_only=read_only)


__all__ = [
    "GRAPH_RESULT_TYPES",
    "MEDIA_GRAPH",
    "MEDIA_RESULTS",
    "EmbeddedStore",
    "QueryForm",
    "Rows",
    "SelectResult",
    "Store",
    "Term",
    "both_copies_nquads",
    "both_copies_of_lines",
    "drop_graph_update",
    "graph_to_ntriples",
    "open_store",
    "replace_graph_update",
    "select_result_from_json",
]
