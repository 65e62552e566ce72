"""Loading many documents fast: extraction in worker processes, and a new store bulk-loaded as one unit.

Both must store exactly what the one-document-at-a-time path stores; only the load time differs.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from loader import SAMPLES_DIR
from loader.iris import DEFAULT_BASE
from service.cli import cli
from service.ingest.bulk import bulk_load_new_store, is_new_store
from service.ingest.loading import load_paths, prepared
from service.store import EmbeddedStore
from service.store.witnesses import WITNESSES_GRAPH, WITNESSES_NS

from .conftest import ROOT
from .test_witnesses import CHAINS, UNLABELLED_CHAINS, V0400, corpus, shifted_423791, write

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LOADED_AT = "https://w3id.org/ratsgraph/ontology#loadedAt"


def quads(location: Path) -> Counter[str]:
    """Every quad of a store but the load times, as text; blank nodes (the ontology's OWL lists,
    labelled anew on every parse) all written as ``_:b``."""
    store = ox.Store.read_only(str(location))
    return Counter(
        re.sub(r"_:[0-9a-f]+", "_:b", str(q)) for q in store if q.predicate.value != LOADED_AT
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve generated resolutions with their status reports, the two real samples, a copy of
    one sample under the same name in a second folder (it must replace the first), a file that
    is no council document, and an RDF file."""
    folder = tmp_path_factory.mktemp("generated")
    generate(12, folder / "docs", seed=3)
    (folder / "docs" / "truth.jsonl").unlink()
    shutil.copytree(SAMPLES_DIR, folder / "samples")
    (folder / "samples" / "README.md").unlink(missing_ok=True)
    twin = folder / "twin"
    twin.mkdir()
    ba = next(SAMPLES_DIR.glob("*Beschlussausfertigung.txt"))
    (twin / ba.name).write_text(
        ba.read_text(encoding="utf-8").split("\n5. ")[0] + "\nDresden, 17.10.2022\n",
        encoding="utf-8",
    )
    (folder / "shopping-list.txt").write_text("Milch, Brot, Eier\n", encoding="utf-8")
    (folder / "extra.ttl").write_text(
        "<https://example.org/a> <https://example.org/b> 'c' .\n", encoding="utf-8"
    )
    return folder


def sources(folder: Path) -> list[Path]:
    return [folder / "docs", folder / "samples", folder / "twin", folder / "shopping-list.txt",
            folder / "extra.ttl"]  # fmt: skip


def test_parallel_extraction_stores_what_one_process_stores(
    generated: Path, tmp_path: Path
) -> None:
    one, two = EmbeddedStore(tmp_path / "one"), EmbeddedStore(tmp_path / "two")
    serial = load_paths(one, sources(generated), jobs=1)
    parallel = load_paths(two, sources(generated), jobs=2)
    one.close()
    two.close()
    assert [(r.path, r.ok, r.message) for r in parallel] == [
        (r.path, r.ok, r.message) for r in serial
    ]
    assert [r.path for r in serial if not r.ok] == [str(generated / "shopping-list.txt")]
    assert quads(tmp_path / "one") == quads(tmp_path / "two")


def test_a_bulk_loaded_new_store_holds_what_transactional_loading_stores(
    generated: Path, tmp_path: Path
) -> None:
    store = EmbeddedStore(tmp_path / "transactional")
    expected = load_paths(store, sources(generated), jobs=1)
    store.close()
    results = bulk_load_new_store(tmp_path / "bulk", sources(generated), jobs=2)
    assert sorted((r.path, r.ok, r.message) for r in results) == sorted(
        (r.path, r.ok, r.message) for r in expected
    )
    assert not any(r.staged for r in results)
    assert quads(tmp_path / "bulk") == quads(tmp_path / "transactional")
    assert list(tmp_path.glob(".loading-*")) == []


def test_a_bulk_load_of_documents_writes_the_witnesses_transactional_loading_writes(
    tmp_path: Path,
) -> None:
    """Documents only (no RDF file, no second file of one name): the bulk load aligns the
    witnesses from the documents as they are extracted, not by query at its end; the store is
    the same, on the corpus's chains and 423791 renumbered by OCR with a deadline read
    differently (quotes displacing points, disagreements by number and by deadline)."""
    docs = tmp_path / "docs"
    for doc_id in {i for chain in CHAINS + UNLABELLED_CHAINS for i in chain} - {"423791"}:
        write(docs, doc_id, corpus(doc_id))
    renumbered = shifted_423791(corpus("423791")).replace("30. Juni 2016", "30. Juni 2017")
    write(docs, "423791", renumbered)
    store = EmbeddedStore(tmp_path / "transactional")
    expected = load_paths(store, [docs], jobs=1)
    store.close()
    results = bulk_load_new_store(tmp_path / "bulk", [docs], jobs=2)
    assert sorted((r.path, r.ok, r.message) for r in results) == sorted(
        (r.path, r.ok, r.message) for r in expected
    )
    bulk = quads(tmp_path / "bulk")
    witnessed = Counter({q: n for q, n in bulk.items() if q.endswith(f"<{WITNESSES_GRAPH}>")})
    kinds = Counter(q.split()[2] for q in witnessed if f"> <{RDF_TYPE}> <" in q)
    assert kinds == Counter({f"<{WITNESSES_NS}Witness>": 46, f"<{WITNESSES_NS}Disagreement>": 6})
    disagreeing = sorted(
        q.split()[0].removeprefix("<" + V0400).removesuffix(">")
        for q in witnessed
        if f"<{WITNESSES_NS}property>" in q
    )
    assert disagreeing == [f"point/{n}/witness/423791/number" for n in (2, 3, 4, 5)] + [
        "point/6/witness/423791/deadline",
        "point/6/witness/423791/number",
    ]
    assert any(f"<{WITNESSES_NS}displaces>" in q for q in witnessed)
    assert bulk == quads(tmp_path / "transactional")


def test_bulk_loading_refuses_a_store_that_holds_data(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    load_paths(store, [SAMPLES_DIR], jobs=1)
    store.close()
    assert not is_new_store(tmp_path / "store")
    with pytest.raises(ValueError, match="is not a new store"):
        bulk_load_new_store(tmp_path / "store", [SAMPLES_DIR])
    result = CliRunner().invoke(
        cli, ["load", str(SAMPLES_DIR), "--store", str(tmp_path / "store"), "--bulk"]
    )
    assert result.exit_code == 2
    assert "already holds data; load into it without --bulk" in result.output


def test_load_into_a_new_folder_bulk_loads_and_into_an_existing_one_does_not(
    tmp_path: Path,
) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["load", str(SAMPLES_DIR), "--store", str(tmp_path / "s")])
    assert first.exit_code == 0, first.output
    assert first.output.startswith(f"new store {tmp_path / 's'}: bulk loading, all or nothing\n")
    assert "2 of 2 files loaded, 0 failed." in first.output
    again = runner.invoke(cli, ["load", str(SAMPLES_DIR), "--store", str(tmp_path / "s")])
    assert again.exit_code == 0, again.output
    assert "bulk" not in again.output
    assert quads(tmp_path / "s")


def test_documents_a_killed_extraction_worker_had_are_prepared_by_the_loader_itself(
    generated: Path,
) -> None:
    files = sorted((generated / "docs").glob("*.txt")) * 20  # more batches than are in flight
    expected = [r.message for r, _ in prepared(files, "dresden", DEFAULT_BASE, jobs=1)]
    got = []
    for result, _ in prepared(files, "dresden", DEFAULT_BASE, jobs=2):
        if not got:  # the workers are running: kill them all
            for worker in children():
                os.kill(worker, signal.SIGKILL)
        got.append(result.message)
    assert got == expected  # every document, in order, none lost or failed
    assert children() == []


def children() -> list[int]:
    """The extraction workers: processes this one spawned (not multiprocessing's resource tracker)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and b"spawn_main" in command:
            found.append(int(stat.parent.name))
    return found


def test_a_failure_computing_the_derived_facts_beside_the_bulk_load_leaves_no_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The witnesses and derived facts are computed in a thread of their own while the bulk loader
    finishes the documents; what goes wrong there (here: memory running out) fails the whole load,
    as it would in the loading thread: no store, no half store, no staging folder."""
    import threading  # noqa: PLC0415

    import service.ingest.bulk as bulk  # noqa: PLC0415

    def out_of_memory(*_: object) -> bytes:
        raise MemoryError("no memory left for the witnesses")

    monkeypatch.setattr(bulk, "witnesses_nquads", out_of_memory)
    with pytest.raises(MemoryError, match="no memory left for the witnesses"):
        bulk_load_new_store(tmp_path / "store", [SAMPLES_DIR], jobs=1)
    assert not (tmp_path / "store").exists()
    assert list(tmp_path.glob(".loading-*")) == []
    assert [t.name for t in threading.enumerate() if t.name.startswith("derived-facts")] == []
