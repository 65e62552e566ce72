"""A load killed with SIGKILL mid-way leaves a store that opens, every committed document whole.

Each document is one transaction (drop its graph, insert the new one), which RocksDB commits as one
write batch; a process killed between or inside those leaves the previous state or the next, never a
half document. Three rounds: kill, check, start the load again (now also replacing graphs), kill…
A bulk load into a new store is one unit: killed, it leaves no store at all.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from loader import SAMPLES_DIR
from service.ingest.loading import load_paths
from service.store import EmbeddedStore

from .conftest import ROOT

BA = SAMPLES_DIR / "JHA-042-2022_V1106-21_Beschlussausfertigung.txt"
BK = SAMPLES_DIR / "V2620-23_Beschlusskontrolle_Hausmitteilung.txt"
DOC = "https://w3id.org/ratsgraph/id/dresden/document/"
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def document_counts(store: EmbeddedStore) -> dict[str, int]:
    return {
        r["g"].value.removeprefix(DOC): int(r["n"].value)
        for r in store.select(PER_GRAPH).rows
        if r["g"].value.startswith(DOC)
    }


def full_counts(tmp: Path) -> dict[str, int]:
    """Triples of a whole Beschlussausfertigung and a whole Beschlusskontrolle graph."""
    store = EmbeddedStore(tmp / "reference-store")
    load_paths(store, [BA, BK])
    counts = document_counts(store)
    store.close()
    return {"BA": counts[BA.stem], "BK": counts[BK.stem]}


def kill_after(
    folder: Path, store_dir: Path, loaded_lines: int, rng: random.Random, mode: str = "--no-bulk"
) -> list[str]:
    """Start `ratsgraph load`, SIGKILL it once it reported ``loaded_lines`` files; the names it did."""
    proc = subprocess.Popen(
        [sys.executable, "-c", "from service.cli import main; main()", "load", str(folder)]
        + ["--store", str(store_dir), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    done: list[str] = []
    assert proc.stdout is not None
    for raw in proc.stdout:
        line = raw.decode("utf-8", "replace")
        if line.startswith(("loaded  ", "read    ")) and "/doc-" in line:
            done.append(Path(line.split(": ", 1)[0][8:]).stem)
        if len(done) >= loaded_lines:
            break
    time.sleep(rng.uniform(0, 0.05))  # somewhere inside the next document, perhaps its transaction
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    return done


def copies_of_the_samples(tmp_path: Path, n: int) -> Path:
    """A folder of ``n`` copies each of the sample Beschlussausfertigung and Beschlusskontrolle."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(n):
        shutil.copy(BA, folder / f"doc-{i:03d}-BA.txt")
        shutil.copy(BK, folder / f"doc-{i:03d}-BK.txt")
    return folder


def load_to_the_end(folder: Path, store_dir: Path, *options: str) -> subprocess.CompletedProcess:
    """`ratsgraph load` of the folder, not interrupted."""
    return subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", "load", str(folder)]
        + ["--store", str(store_dir), *options],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_a_load_killed_mid_way_leaves_every_committed_document_whole(tmp_path: Path) -> None:
    full = full_counts(tmp_path)
    folder = copies_of_the_samples(tmp_path, 15)
    store_dir = tmp_path / "store"
    rng = random.Random(5)
    committed: set[str] = set()
    for round_ in range(3):
        committed |= set(kill_after(folder, store_dir, 6 + 4 * round_, rng))
        store = EmbeddedStore(store_dir)  # it opens read-write: no lock, no corruption left
        counts = document_counts(store)
        store.close()
        assert committed <= set(counts), f"round {round_}: committed documents lost"
        half = {d: n for d, n in counts.items() if n != full[d.rsplit("-", 1)[-1]]}
        assert half == {}, f"round {round_}: half documents"
    result = load_to_the_end(folder, store_dir, "--no-bulk")
    assert result.returncode == 0, result.stdout + result.stderr
    store = EmbeddedStore(store_dir, read_only=True)
    counts = document_counts(store)
    assert counts == {p.stem: full[p.stem.rsplit("-", 1)[-1]] for p in folder.iterdir()}


def test_a_bulk_load_killed_mid_way_leaves_no_store_and_the_next_one_completes(
    tmp_path: Path,
) -> None:
    folder = copies_of_the_samples(tmp_path, 40)
    store_dir = tmp_path / "store"
    read = kill_after(folder, store_dir, 10, random.Random(7), mode="--bulk")
    assert len(read) >= 10
    assert not store_dir.exists(), "a killed bulk load must not leave a (half) store"
    assert [p.name.split("-")[0] for p in tmp_path.glob(".loading-*")] == [".loading"]
    result = load_to_the_end(folder, store_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "bulk loading" in result.stdout
    assert "80 of 80 files loaded, 0 failed." in result.stdout
    assert list(tmp_path.glob(".loading-*")) == [], "the stale staging folder is cleared"
    store = EmbeddedStore(store_dir, read_only=True)
    full = full_counts(tmp_path)
    assert document_counts(store) == {
        p.stem: full[p.stem.rsplit("-", 1)[-1]] for p in folder.iterdir()
    }
