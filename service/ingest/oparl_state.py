"""What an OParl import remembers between runs (the state file) and what it reports of one run."""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loader.oparl import Index

STATE_VERSION = 2  # 2: one section per body (several councils in one store)


@dataclass
class ImportReport:
    """What a run did: counts per OParl type, documents by kind, warnings and failures, time."""

    stored: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    documents: Counter = field(default_factory=Counter)  # extracted files by kind
    deleted: Counter = field(default_factory=Counter)  # objects withdrawn (deleted: true) by type
    bodies: dict[str, str] = field(default_factory=dict)  # Body URL (or folder) -> its slug
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (file id, message)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (id or URL, message)
    complete: bool = False
    seconds: float = 0.0

    def lines(self) -> list[str]:
        out = [
            "stored: "
            + (", ".join(f"{n} {k}" for k, n in sorted(self.stored.items())) or "nothing"),
            "unchanged: "
            + (", ".join(f"{n} {k}" for k, n in sorted(self.unchanged.items())) or "nothing"),
            "documents: "
            + (", ".join(f"{n} {k}" for k, n in sorted(self.documents.items())) or "none"),
        ]
        if self.deleted:
            out.append("deleted: " + ", ".join(f"{n} {k}" for k, n in sorted(self.deleted.items())))
        out += [f"body {slug}: {key}" for key, slug in self.bodies.items()]
        out += [f"warning {where}: {msg}" for where, msg in self.warnings]
        out += [f"FAILED  {where}: {msg}" for where, msg in self.failures]
        status = "complete" if self.complete else "INCOMPLETE (run again to resume)"
        out.append(
            f"{status}; {len(self.warnings)} warnings, {len(self.failures)} failures, {self.seconds:.1f} s"
        )
        return out


class BodyState:
    """What one imported body (keyed by its OParl Body URL, or a dump folder) remembers."""

    def __init__(self, key: str, data: dict[str, Any] | None = None) -> None:
        data = data or {}
        self.key = key
        self.slug: str | None = data.get("slug")  # the body's IRIs: stable once chosen
        self.complete_since: str | None = data.get("complete_since")
        # how its server takes modified_since ("encoded", "raw", "none"), once learned
        self.since_form: str | None = data.get("since_form")
        self.hashes: dict[str, str] = data.get("hashes", {})
        # OParl id -> the named graph it was stored in (a deletion replaces exactly that one)
        self.graphs: dict[str, str] = data.get("graphs", {})
        # file id -> its own links (File.paper/meeting) and the digest of all links it was stored with
        self.files: dict[str, dict[str, Any]] = data.get("files", {})
        # file id -> the File object whose text could not be read: asked again in the next run
        self.retry: dict[str, dict[str, Any]] = data.get("retry", {})
        self.index = Index.from_json(data.get("index"))

    def to_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "complete_since": self.complete_since,
            "since_form": self.since_form,
            "hashes": self.hashes,
            "graphs": self.graphs,
            "files": self.files,
            "retry": self.retry,
            "index": self.index.to_json(),
        }


class ImportState:
    """The state file: per body (any number of councils share one store), the hashes of what is
    stored, the mapping's index and the start of its last complete run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        data: dict[str, Any] = {}
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != STATE_VERSION:
                raise ValueError(
                    f"{path}: state file of another version (expected {STATE_VERSION}, found "
                    f"{data.get('version')}); delete it to import afresh"
                )
        self.bodies: dict[str, BodyState] = {
            key: BodyState(key, value) for key, value in data.get("bodies", {}).items()
        }
        self._saved = time.monotonic()

    def body(self, key: str) -> BodyState:
        """The state of one body, empty the first time it is imported."""
        if key not in self.bodies:
            self.bodies[key] = BodyState(key)
        return self.bodies[key]

    def save(self, force: bool = True) -> None:
        if not force and time.monotonic() - self._saved < 1.0:
            return
        data = {
            "version": STATE_VERSION,
            "bodies": {key: b.to_json() for key, b in sorted(self.bodies.items())},
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, sort_keys=True)
        os.replace(tmp, self.path)  # atomic: an interrupted save leaves the old state
        self._saved = time.monotonic()


def state_path_for(store: str) -> Path:
    """The state file beside an embedded store: ``data/store`` -> ``data/store.oparl-state.json``."""
    path = Path(store.rstrip("/"))
    return path.with_name(path.name + ".oparl-state.json")


__all__ = ["BodyState", "ImportReport", "ImportState", "STATE_VERSION", "state_path_for"]
