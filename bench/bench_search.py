"""The search index: its size beside the store, how fast it is built and kept in step, how fast it answers.

For each dataset — the development corpus (real documents) and N generated resolutions with their
reports (`bench/generate.py`) — the documents are loaded into a new on-disk store, then:

* **rebuild**: `ratsgraph reindex`'s work (every graph read from the store by SPARQL, indexed anew);
* **sync after one reload**: one document loaded again, the index brought in step (what a search
  does after a write);
* **sync, nothing changed**: the version query alone (what a search pays when the store changed
  elsewhere but not its documents);
* **search**: the median of REPEAT runs of typical searches, with facets;
* **engines**: FTS5 against tantivy on the same stemmed records, when tantivy is installed.

Run: ``.venv/bin/python bench/bench_search.py [N ...]`` (default 2000; 0 for the corpus only).
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, machine  # noqa: F401 - puts the repository on sys.path
from generate import generate

from service.ingest.loading import load_paths
from service.search import index_path, open_index, sync
from service.store import EmbeddedStore

CORPUS = ROOT.parent / "shared" / "corpus"
QUERIES = ["Schulsozialarbeit", "V1106/21", "Jugendamt", "interkulturellen Öffnung", "Kita"]
REPEAT = 20


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def engines(index_file: Path, work: Path) -> None:
    """FTS5 against tantivy on the same tokens (the stems the index holds), if tantivy is
    installed (`pip install tantivy`; not a dependency): build time, size on disk, and the median
    time to read up to 5,000 matches of a word, as a search does before it groups them."""
    try:
        import tantivy  # noqa: PLC0415
    except ImportError:
        print("tantivy not installed: engines not compared")
        return
    db = sqlite3.connect(index_file)
    rows = db.execute("SELECT rowid, title, papers, body FROM fts").fetchall()
    copy = work / "fts5-only.sqlite"
    started = time.perf_counter()
    fts = sqlite3.connect(copy)
    fts.execute(
        "CREATE VIRTUAL TABLE fts USING fts5 (title, papers, body, "
        "tokenize = \"unicode61 remove_diacritics 0 tokenchars '_'\")"
    )
    fts.executemany("INSERT INTO fts (rowid, title, papers, body) VALUES (?, ?, ?, ?)", rows)
    fts.commit()
    fts_s = time.perf_counter() - started
    schema = tantivy.SchemaBuilder()
    schema.add_integer_field("id", stored=True)
    for field in ("title", "papers", "body"):
        schema.add_text_field(field, tokenizer_name="whitespace")
    folder = work / "tantivy"
    folder.mkdir()
    started = time.perf_counter()
    tindex = tantivy.Index(schema.build(), path=str(folder))
    writer = tindex.writer()
    for rowid, title, papers, body in rows:
        writer.add_document(tantivy.Document(id=rowid, title=title, papers=papers, body=body))
    writer.commit()
    writer.wait_merging_threads()
    tindex.reload()
    tantivy_s = time.perf_counter() - started
    searcher = tindex.searcher()
    print(f"engines on the same {len(rows)} records (stems): build FTS5 {fts_s:.2f} s, "
          f"tantivy {tantivy_s:.2f} s; size FTS5 {copy.stat().st_size / 2**20:.1f} MB, "
          f"tantivy {folder_size(folder) / 2**20:.1f} MB")  # fmt: skip
    for word in ("jugendamt", "offnung", "beschluss", "v1106_21"):
        f_runs, t_runs = [], []
        for _ in range(REPEAT):
            t = time.perf_counter()
            found_f = fts.execute(
                "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 10.0, 5.0, 1.0) "
                "LIMIT 5000",
                (f'"{word}"',),
            ).fetchall()
            f_runs.append(time.perf_counter() - t)
            t = time.perf_counter()
            query = tindex.parse_query(word, ["title", "papers", "body"])
            found_t = searcher.search(query, 5000).hits
            t_runs.append(time.perf_counter() - t)
        print(f"  {word!r}: FTS5 {statistics.median(f_runs) * 1000:.2f} ms, tantivy "
              f"{statistics.median(t_runs) * 1000:.2f} ms ({len(found_f)} / {len(found_t)} "
              "matches)")  # fmt: skip
    fts.close()
    db.close()


def measure(name: str, folders: list[Path], work: Path) -> None:
    path = work / name / "store"
    store = EmbeddedStore(path)
    started = time.perf_counter()
    results = load_paths(store, folders)
    load_s = time.perf_counter() - started
    docs = [r for r in results if r.ok]
    index = open_index(store)
    started = time.perf_counter()
    graphs, _ = sync(index, store, rebuild=True)
    rebuild_s = time.perf_counter() - started
    store.flush()
    index_mb = index_path(path).stat().st_size / 2**20
    store_mb = folder_size(path) / 2**20
    text_mb = sum(Path(r.path).stat().st_size for r in docs) / 2**20
    again = Path(docs[len(docs) // 2].path)
    load_paths(store, [again])
    started = time.perf_counter()
    changed, _ = sync(index, store)
    one_s = time.perf_counter() - started
    started = time.perf_counter()
    sync(index, store)
    none_s = time.perf_counter() - started
    timings = {}
    for q in QUERIES:
        runs = []
        for _ in range(REPEAT):
            t = time.perf_counter()
            result = index.search(q)
            runs.append(time.perf_counter() - t)
        timings[q] = (statistics.median(runs) * 1000, result.total)
    print(f"\n## {name}: {len(docs)} documents ({text_mb:.1f} MB of text), {graphs} graphs")
    print(f"load (transactions, for scale): {load_s:.1f} s")
    print(
        f"rebuild: {rebuild_s:.2f} s = {len(docs) / rebuild_s:.0f} documents/s; "
        f"index {index_mb:.1f} MB beside a store of {store_mb:.1f} MB "
        f"(x{index_mb / store_mb:.2f} of the store, x{index_mb / text_mb:.1f} of the text)"
    )
    print(f"sync after one reload: {one_s * 1000:.1f} ms ({changed} graph indexed)")
    print(f"sync, nothing changed: {none_s * 1000:.1f} ms")
    for q, (ms, total) in timings.items():
        print(f"search {q!r}: {ms:.2f} ms median, {total} hits")
    index.close()
    store.close()
    engines(index_path(path), work / name)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [2000]
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folders = [CORPUS / "ratsinfo" / "files", CORPUS / "unlabelled" / "files"]
        folders += [CORPUS / "documents"]
        if all(f.is_dir() for f in folders):
            measure("corpus", folders, work)
        for n in sizes:
            if n:
                docs = work / f"gen{n}"
                generate(n, docs)
                measure(f"{n} generated resolutions", [docs], work)


if __name__ == "__main__":
    main()
