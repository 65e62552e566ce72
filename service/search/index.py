"""The full-text index: SQLite FTS5 over German stems, one file beside the store (or in memory).

Each named graph's records (`records`) are replaced whenever the graph is written and removed
when it is dropped, so the index follows the store write by write; `rebuild` makes it anew from
a store's graphs. A search groups a resource's records from several documents (a resolution is
described by its Ausfertigung and by each Beschlusskontrolle) into one hit and counts facets over
the hits. FTS5 was chosen over tantivy as the engine in the standard library: measured in
`bench/bench_search.py`, figures in `bench/RESULTS.md`."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from service.search.records import Record, records
from service.search.text import match_expression, paper_key, snippet, stems

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS graph (graph TEXT PRIMARY KEY, version TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS record (
    id INTEGER PRIMARY KEY, graph TEXT NOT NULL, iri TEXT NOT NULL, kind TEXT, title TEXT,
    text TEXT, facets TEXT);
CREATE INDEX IF NOT EXISTS record_graph ON record (graph);
CREATE TABLE IF NOT EXISTS label (graph TEXT NOT NULL, iri TEXT NOT NULL, lang TEXT, label TEXT);
CREATE INDEX IF NOT EXISTS label_graph ON label (graph);
CREATE INDEX IF NOT EXISTS label_iri ON label (iri);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5 (
    title, papers, body, tokenize = "unicode61 remove_diacritics 0 tokenchars '_'");
"""
VERSION = "2"  # of the schema and of what a record holds: another version is rebuilt
FACETS = ("body", "committee", "kind", "year", "actor", "status")
MAX_MATCHES = 5000  # records read per search; facets count over the hits among them
KIND_ORDER = {"Beschluss": 0, "Beschlussempfehlung": 1, "Planungsbericht": 2}


def index_path(store_path: str | Path) -> Path:
    """The index file of an on-disk store: beside its folder (``data/store.search.sqlite``)."""
    p = Path(store_path)
    return p.parent / f"{p.name}.search.sqlite"


@dataclass
class Hit:
    """One resource found: its page, kind, title, a snippet (HTML) and its facet values."""

    iri: str
    kind: str
    title: str
    snippet: str  # HTML: the passage that matched, matches in <mark>
    facets: dict[str, list[str]]
    score: float
    record: int = 0  # the best-ranked record: its text gives the snippet, read for shown hits only


@dataclass
class SearchResult:
    query: str
    total: int  # hits in all (among the first MAX_MATCHES matching records)
    hits: list[Hit]  # the page asked for
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # value, hits
    labels: dict[str, str] = field(default_factory=dict)  # facet value (an IRI) -> its label
    capped: bool = False  # more records matched than were read


class SearchIndex:
    """An FTS5 index in a file (or in memory with ``path`` None); safe to use from threads."""

    def __init__(self, path: str | Path | None, read_only: bool = False) -> None:
        self.path = Path(path) if path else None
        self.read_only = read_only
        self._lock = threading.RLock()
        if self.path is None:
            self._db = sqlite3.connect(":memory:", check_same_thread=False)
        elif read_only:
            uri = f"file:{self.path}?mode=ro"
            self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        else:
            self._db = sqlite3.connect(self.path, check_same_thread=False)
        if not read_only:
            self._db.executescript(SCHEMA)
            if self._meta("version") not in (None, VERSION):
                for table in ("record", "label", "fts", "graph"):
                    self._db.execute(f"DELETE FROM {table}")  # noqa: S608 - our table names
            self._set_meta("version", VERSION)
            self._db.commit()

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        if self.read_only:
            raise PermissionError(f"the search index {self.path} is open read-only")
        with self._lock:
            try:
                yield self._db
                self._db.commit()
            except BaseException:
                self._db.rollback()
                raise

    def _drop(self, db: sqlite3.Connection, graph: str) -> None:
        ids = [r[0] for r in db.execute("SELECT id FROM record WHERE graph = ?", (graph,))]
        db.executemany("DELETE FROM fts WHERE rowid = ?", [(i,) for i in ids])
        db.execute("DELETE FROM record WHERE graph = ?", (graph,))
        db.execute("DELETE FROM label WHERE graph = ?", (graph,))
        db.execute("DELETE FROM graph WHERE graph = ?", (graph,))

    def _add(self, db: sqlite3.Connection, graph: str, version: str, ntriples: str) -> None:
        found, labels = records(graph, ntriples)
        db.execute("INSERT INTO graph VALUES (?, ?)", (graph, version))
        db.executemany("INSERT INTO label VALUES (?, ?, ?, ?)", [(graph, *lab) for lab in labels])
        for r in found:
            cur = db.execute(
                "INSERT INTO record (graph, iri, kind, title, text, facets) VALUES (?,?,?,?,?,?)",
                (graph, r.iri, r.kind, r.title, r.text, json.dumps(_facets(r))),
            )
            papers = " ".join(stems(" ".join(r.papers)))
            title = " ".join(stems(r.title))
            db.execute(
                "INSERT INTO fts (rowid, title, papers, body) VALUES (?, ?, ?, ?)",
                (cur.lastrowid, title, papers, " ".join(stems(r.kind + "\n" + r.text))),
            )

    def versions(self) -> dict[str, str]:
        """The graphs indexed, each with the version it was indexed at (see `service.search.sync`)."""
        with self._lock:
            return dict(self._db.execute("SELECT graph, version FROM graph"))

    def update(
        self,
        changed: Iterable[tuple[str, str, str]],
        dropped: Iterable[str] = (),
        clear: bool = False,
    ) -> int:
        """Index the (graph IRI, version, N-Triples) given as they now are and forget the graphs
        ``dropped`` (``clear``: every graph first), in one transaction: a search sees the index as
        it was or as it is after, never half of it. Returns how many graphs were indexed."""
        count = 0
        with self._write() as db:
            if clear:
                for table in ("record", "label", "fts", "graph"):
                    db.execute(f"DELETE FROM {table}")  # noqa: S608 - our table names
            for graph in dropped:
                self._drop(db, graph)
            for graph, version, ntriples in changed:
                self._drop(db, graph)
                self._add(db, graph, version, ntriples)
                count += 1
        return count

    def copy_into_memory(self) -> SearchIndex:
        """A writable copy in memory (a read-only server brings that one up to date)."""
        copy = SearchIndex(None)
        with self._lock:
            self._db.backup(copy._db)
        return copy

    def search(
        self,
        query: str,
        filters: dict[str, str] | None = None,
        lang: str = "de",
        offset: int = 0,
        limit: int = 20,
    ) -> SearchResult:
        """The resources matching ``query`` (see `match_expression`), best first; a paper number
        alone puts its resolution first. ``filters``: facet name -> value (as in `facets`)."""
        expression, looked_for = match_expression(query)
        if not expression:
            return SearchResult(query, 0, [])
        with self._lock:
            rows = self._db.execute(
                "SELECT r.iri, r.kind, r.title, r.id, r.facets, bm25(fts, 10.0, 5.0, 1.0) "
                "FROM fts JOIN record r ON r.id = fts.rowid WHERE fts MATCH ? "
                "ORDER BY bm25(fts, 10.0, 5.0, 1.0) LIMIT ?",
                (expression, MAX_MATCHES + 1),
            ).fetchall()
        capped = len(rows) > MAX_MATCHES
        grouped: dict[str, list[tuple]] = {}
        for row in rows[:MAX_MATCHES]:
            grouped.setdefault(row[0], []).append(row)
        hits = [_hit(group) for group in grouped.values()]
        if paper_key(query):
            hits.sort(key=lambda h: (KIND_ORDER.get(h.kind, 3), h.score))
        wanted = {k: v for k, v in (filters or {}).items() if k in FACETS and v}
        hits = [h for h in hits if all(v in h.facets.get(k, []) for k, v in wanted.items())]
        counts = {f: Counter(v for h in hits for v in set(h.facets.get(f, []))) for f in FACETS}
        facets = {f: sorted(c.items(), key=lambda kv: (-kv[1], kv[0])) for f, c in counts.items()}
        iris = {v for f in ("body", "committee", "actor", "status") for v, _ in facets[f]}
        iris |= set(wanted.values())
        page = hits[offset : offset + limit]
        with self._lock:  # texts and snippets for the page shown only (1,262 hits: 0.5 s with all)
            for hit in page:
                row = self._db.execute("SELECT text FROM record WHERE id = ?", (hit.record,))
                hit.snippet = snippet(row.fetchone()[0] or "", looked_for)
        return SearchResult(query, len(hits), page, facets, self.labels(iris, lang), capped)

    def labels(self, iris: Iterable[str], lang: str = "de") -> dict[str, str]:
        """A label per IRI in ``lang`` if there is one, else German, else any."""
        wanted = sorted(set(iris))
        out: dict[str, tuple[int, str]] = {}
        with self._lock:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                marks = ",".join("?" * len(chunk))
                for iri, lang_, label in self._db.execute(
                    f"SELECT iri, lang, label FROM label WHERE iri IN ({marks})",  # noqa: S608
                    chunk,
                ):
                    rank = 0 if lang_ == lang else 1 if lang_ == "de" else 2 if not lang_ else 3
                    if iri not in out or rank < out[iri][0]:
                        out[iri] = (rank, label)
        return {iri: label for iri, (_, label) in out.items()}

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _facets(r: Record) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"kind": [r.kind], "actor": r.actors}
    out["body"] = [r.body] if r.body else []
    out["committee"] = [r.committee] if r.committee else []
    out["year"] = [r.date[:4]] if r.date else []
    out["status"] = [r.status] if r.status else []
    out["status_date"] = [r.status_date] if r.status_date else []
    return out


def _hit(group: list[tuple]) -> Hit:
    """One resource from its records in several graphs: the best-ranked record's title and
    snippet, facet values of all of them, the status of the latest report."""
    iri, kind, title, record, _, score = group[0]
    facets: dict[str, list[str]] = {}
    latest: tuple[str, str] | None = None
    for row in group:
        values = json.loads(row[4])
        for name, found in values.items():
            if name in ("status", "status_date"):
                continue
            facets[name] = facets.get(name, []) + [
                v for v in found if v not in facets.get(name, [])
            ]
        if values["status"]:
            date = (values["status_date"] or [""])[0]
            if latest is None or date >= latest[0]:
                latest = (date, values["status"][0])
        if len(row[2]) > len(title):  # a resolution's subject beats its bare label
            title = row[2]
    facets["status"] = [latest[1]] if latest else []
    return Hit(iri, kind, title, "", facets, score, record)
