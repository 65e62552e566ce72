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

STATE_VERSION = 1


@dataclass
class ImportReport:
    """What a run did: counts per OParl type, documents by kind, warnings and failures, time."""

    stored: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    documents: Counter = field(default_factory=Counter)  # extracted files by kind
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
        out += [f"warning {where}: {msg}" for where, msg in self.warnings]
        out += [f"FAILED  {where}: {msg}" for where, msg in self.failures]
        status = "complete" if self.complete else "INCOMPLETE (run again to resume)"
        out.append(
            f"{status}; {len(self.warnings)} warnings, {len(self.failures)} failures, {self.seconds:.1f} s"
        )
        return out


class ImportState:
    """The state file: hashes of what is stored, the mapping's index, the last complete run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        data: dict[str, Any] = {}
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != STATE_VERSION:
                raise ValueError(
                    f"{path}: state file of another version; delete it to import afresh"
                )
        self.source: str | None = data.get("source")
        self.complete_since: str | None = data.get("complete_since")
        self.hashes: dict[str, str] = data.get("hashes", {})
        # file id -> its own links (File.paper/meeting) and the digest of all links it was stored with
        self.files: dict[str, dict[str, Any]] = data.get("files", {})
        self.index = Index.from_json(data.get("index"))
        self._saved = time.monotonic()

    def save(self, force: bool = True) -> None:
        if not force and time.monotonic() - self._saved < 1.0:
            return
        data = {
            "version": STATE_VERSION,
            "source": self.source,
            "complete_since": self.complete_since,
            "hashes": self.hashes,
            "files": self.files,
            "index": self.index.to_json(),
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


__all__ = ["ImportReport", "ImportState", "STATE_VERSION", "state_path_for"]
