"""Full-text search over the store: German stems in SQLite FTS5, one index file beside an on-disk
store, kept in step with the store's graphs by version (`sync`), whoever wrote them.

It reads the store through the `Store` interface only, so the store, ingest, the web front and the
command line may all use it, and it imports none of them."""

from __future__ import annotations

from service.search.index import FACETS, Hit, SearchIndex, SearchResult, index_path
from service.search.sync import SearchService, open_index, sync

__all__ = [
    "FACETS",
    "Hit",
    "SearchIndex",
    "SearchResult",
    "SearchService",
    "index_path",
    "open_index",
    "sync",
]
