"""Full dumps of the store (N-Quads with every graph, Turtle of their union), gzip, with validators.

A dump is built once per state of the store and kept in memory: the state's fingerprint (every
source graph with its hash and load time, plus the quad count) is the ETag, so a client holding the
current dump gets a 304 without the store being read again.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from service.queries import LOOKUP_DIR, get_query
from service.store import Store

FORMATS = {
    "nq": ("application/n-quads", "ratsgraph.nq.gz"),
    "ttl": ("text/turtle", "ratsgraph.ttl.gz"),
}
UNION = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


@dataclass(frozen=True)
class StoreState:
    """What identifies the store's content: an ETag-ready fingerprint and when it last changed."""

    fingerprint: str
    last_modified: datetime


@dataclass(frozen=True)
class Dump:
    media_type: str
    file_name: str
    gzipped: bytes
    state: StoreState


def store_state(store: Store) -> StoreState:
    """Fingerprint of the store: its named graphs, each document's hash and load time, the size."""
    docs = store.select(get_query("documents", LOOKUP_DIR).text).rows
    graphs = store.named_graphs()
    size = store.triple_count() if hasattr(store, "triple_count") else -1
    parts = [f"{g}" for g in graphs] + [
        f"{r['g'].value} {r['sha256'].value} {r['loaded'].value}" for r in docs
    ]
    digest = hashlib.sha256("\n".join([str(size), *parts]).encode()).hexdigest()[:32]
    loaded = [datetime.fromisoformat(r["loaded"].value) for r in docs if r.get("loaded")]
    last = max(loaded) if loaded else datetime(1970, 1, 1, tzinfo=UTC)
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    return StoreState(digest, last)


def dump_bytes(store: Store, fmt: str) -> bytes:
    """The whole store, uncompressed: N-Quads (``nq``, every graph) or Turtle (``ttl``, the union)."""
    if fmt == "nq":
        return store.dump("application/n-quads")
    if fmt == "ttl":
        body, _ = store.query_serialized(UNION, None, "text/turtle")
        return body
    raise ValueError(f"unknown dump format {fmt!r}; expected one of: {', '.join(FORMATS)}")


_cache: dict[tuple[int, str], Dump] = {}
_lock = threading.Lock()


def current_dump(store: Store, fmt: str, state: StoreState | None = None) -> Dump:
    """The gzipped dump for the store's present state, built at most once per state and format."""
    state = state or store_state(store)
    key = (id(store), fmt)
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached.state == state:
            return cached
    media_type, name = FORMATS[fmt]
    dump = Dump(media_type, name, gzip.compress(dump_bytes(store, fmt), mtime=0), state)
    with _lock:
        _cache[key] = dump
    return dump
