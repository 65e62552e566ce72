"""Backups of an on-disk store and restoring one, so a bad load or a lost disk is not the end.

A backup is a RocksDB checkpoint made by the process that holds the store (hard links where the
target is on the same file system, so it is cheap). A restore checks the backup opens, copies it
beside the store and swaps it in with renames, so an interrupted restore leaves either the old store
or the new one, never a mix.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox


@dataclass(frozen=True)
class StoreSummary:
    path: str
    graphs: int
    quads: int

    def line(self) -> str:
        return f"{self.path}: {self.graphs} named graphs, {self.quads} quads"


def summarise(path: str | Path) -> StoreSummary:
    """Open a store folder read-only and count it; OSError if it is no store."""
    store = ox.Store.read_only(str(path))
    try:
        return StoreSummary(str(path), sum(1 for _ in store.named_graphs()), len(store))
    finally:
        del store


def backup_store(store: object, target: str | Path) -> StoreSummary:
    """Checkpoint an open embedded store into ``target`` (which must not exist yet)."""
    target = Path(target)
    if target.exists():
        raise FileExistsError(f"{target} exists already; a backup goes into a new folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    store.backup(target)  # type: ignore[attr-defined]
    return summarise(target)


def restore_store(source: str | Path, store_dir: str | Path, force: bool = False) -> StoreSummary:
    """Make ``store_dir`` a copy of the backup ``source``; a non-empty store needs ``force``."""
    source, store_dir = Path(source), Path(store_dir)
    try:
        summary = summarise(source)
    except OSError as e:
        raise ValueError(f"{source} is not a ratsgraph store backup: {e}") from e
    if store_dir.exists() and any(store_dir.iterdir()) and not force:
        raise FileExistsError(
            f"{store_dir} holds a store already; restoring replaces it — add --force to do so"
        )
    if store_dir.exists():
        ox.Store(str(store_dir))  # raises OSError (LOCK) while another process holds it
    staging = store_dir.with_name(store_dir.name + ".restoring")
    old = store_dir.with_name(store_dir.name + ".replaced")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(source, staging)
    (staging / "LOCK").unlink(missing_ok=True)
    if store_dir.exists():
        shutil.rmtree(old, ignore_errors=True)
        store_dir.rename(old)
    staging.rename(store_dir)
    shutil.rmtree(old, ignore_errors=True)
    return StoreSummary(str(store_dir), summary.graphs, summary.quads)
