"""Importing a council information system through OParl: the skeleton from OParl, the substance
from the documents, each object in one transaction, resumable and incremental.

Each council (OParl Body) gets its own IRIs, from the source (see `loader.oparl_body`), and its own
section of the state file beside the store: what was stored (a hash per object), the index the
mapping needs across objects, and when its last complete run started: the next run asks only for
what was modified since (``modified_since``). So any number of councils share one store. A run that stops half-way (a failing page, Ctrl+C, a crash)
loses nothing: every object is written in one transaction and written again, identically, if seen
again; the state is saved as the run goes.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

from loader.errors import LoadError
from loader.graph import DocumentInfo, build_graph, new_graph
from loader.iris import DEFAULT_BASE, Minter
from loader.metadata import FileLinks, choose_meeting, reconcile
from loader.oparl import (
    Context,
    OParlError,
    committee_sources,
    file_metadata,
    map_object,
    tombstone,
)
from loader.oparl_body import body_slug, check_slug, normal_url, reference_body_of
from loader.oparl_legacy import local_id, type_name
from loader.reference import REFERENCE_DIR, has_reference, reference_or_empty
from loader.vocab import FOAF, RB, RDF
from service.ingest.loading import (
    ONTOLOGY_DIR,
    ONTOLOGY_GRAPH,
    ensure_reference,
    reference_graph,
)
from service.ingest.oparl_files import (
    embedded_files,
    graph_hash,
    ids_of,
    is_pdf,
    links_digest,
    read_file_text,
)
from service.ingest.oparl_sources import FetchError, FolderSource, Http, HttpSource
from service.ingest.oparl_state import BodyState, ImportReport, ImportState, state_path_for
from service.queries import LOOKUP_DIR, get_query
from service.store import Store

# Files worth downloading when OParl gives no text: resolutions, status reports, papers.
DEFAULT_FILE_PATTERN = r"(?i)beschluss|^bk[_ -]|kontrolle|vorlage|antrag|empfehlung"


class Importer:
    """One import run of one source (an OParl System, a Body, or a dump folder) into one store."""

    def __init__(
        self,
        store: Store,
        source: FolderSource | HttpSource,
        state: ImportState,
        *,
        body: str | None = None,
        base: str = DEFAULT_BASE,
        file_pattern: str = DEFAULT_FILE_PATTERN,
        progress: Callable[[str, int], None] | None = None,
    ) -> None:
        self.store, self.source, self.state = store, source, state
        self.body_override = check_slug(body) if body else None
        self.base = base
        self.file_pattern = re.compile(file_pattern)
        self.progress = progress
        self.report = ImportReport()
        self._seen = 0
        self._unread: list[FetchError] = []
        self._done: set[str] = set()  # files seen in this run
        # the body being imported (set by _begin)
        self.bs = BodyState("")
        self.minter = Minter("x", base)
        self.reference = reference_or_empty("x", base)
        self.ctx = Context(self.minter, self.reference)

    def run(self) -> ImportReport:
        started = time.monotonic()
        run_start = datetime.now(UTC).replace(microsecond=0).isoformat()
        finished = False
        try:
            for body in self.source.bodies():
                self._import_body(body, run_start)
            finished = True
        except FetchError as e:
            self._unread.append(e)
        finally:
            # Pages or files that could not be read make the run incomplete: the next run asks
            # again from the last complete one. A malformed object is reported but does not: asking
            # again would give the same object, and a fixed one comes back as modified.
            self._unread += self.source.failures
            self.report.failures += [(e.where, e.reason) for e in self._unread]
            self.report.warnings += self.source.warnings
            # Ctrl+C or a crash: not complete either, whatever was stored so far stays stored.
            self.report.complete = finished and not self._unread
            self.state.save()
            if hasattr(self.store, "flush"):
                self.store.flush()  # type: ignore[attr-defined]
            self.report.seconds = time.monotonic() - started
        return self.report

    def _import_body(self, body: dict[str, Any], run_start: str) -> None:
        """Every list of one body; its watermark advances only when nothing of it went unread."""
        key = self.source.key(body)
        self._begin(key, self._slug(key, body))
        failed_before = len(self._unread) + len(self.source.failures)
        self._reference()
        if body:
            self._object("Body", body)
        since = None
        if isinstance(self.source, HttpSource):
            since = self.bs.complete_since
            self.source.since_form = self.bs.since_form or "encoded"
        # A body without a file list (OParl 1.0), and a dump without File objects of its own,
        # have their files only inside papers and meetings: those are imported after the lists.
        if isinstance(self.source, FolderSource):
            embedded = not self.source.has_files()
        else:
            embedded = not body.get("file")
        files: dict[str, dict[str, Any]] = {}
        for kind, obj in self.source.objects(body, since):
            if kind == "File":
                self._file(obj)
            else:
                self._object(kind, obj)
                if embedded:
                    files.update((f["id"], f) for f in embedded_files(obj))
        if isinstance(self.source, HttpSource):
            self.bs.since_form = self.source.since_form
        for fid, obj in files.items():
            if fid not in self._done:
                self._file(obj)
        for fid, obj in list(self.bs.retry.items()):  # files whose text could not be read before
            if fid not in self._done:
                self._file(obj)
        self._relink()
        if len(self._unread) + len(self.source.failures) == failed_before:
            self.bs.complete_since = run_start

    def _slug(self, key: str, body: dict[str, Any]) -> str:
        """The body's slug: --body, else the one it was imported under, else from the source."""
        bs = self.state.body(key)
        chosen = self.body_override or bs.slug
        if bs.slug and self.body_override and bs.slug != self.body_override:
            raise ValueError(
                f"{key} was imported as body {bs.slug!r}; --body {self.body_override!r} would "
                "put it under other IRIs (use another store, or the same --body)"
            )
        if chosen is None:
            if body:
                chosen = body_slug(body)
            elif isinstance(self.source, FolderSource):
                chosen = self.source.body_slug()
            if chosen is None:
                raise ValueError(
                    f"{key}: no OParl Body in the source and no reference data naming its objects: "
                    "say which council it is with --body SLUG"
                )
        if bs.slug is None and body.get("id"):
            self._refuse_collision(chosen, str(body["id"]))
            named = reference_body_of(str(body["id"]))
            if has_reference(chosen) and named != chosen:
                self.report.warnings.append(
                    (
                        str(body["id"]),
                        f"imported as {chosen!r}, whose reference data names another OParl body "
                        "URL: right for a mirror of that council; otherwise import it with "
                        "--body SLUG into a fresh state",
                    )
                )
        return chosen

    def _refuse_collision(self, slug: str, body_id: str) -> None:
        """Refuse a body whose slug another Body already imported into this store holds."""
        query = get_query("body-sources", LOOKUP_DIR).bind({"city": Minter(slug, self.base).city()})
        others = [
            r["src"].value
            for r in self.store.select(query).rows
            if normal_url(r["src"].value) != normal_url(body_id)
        ]
        if others:
            raise ValueError(
                f"body {slug!r} of {body_id} is already taken in this store by {others[0]}: "
                "give this body its own slug with --body SLUG"
            )

    def _begin(self, key: str, slug: str) -> None:
        self.bs = self.state.body(key)
        self.bs.slug = slug
        self.report.bodies[key] = slug
        self.minter = Minter(slug, self.base)
        self.reference = reference_or_empty(slug, self.base)
        sources = committee_sources(reference_graph(slug, self.base)) if has_reference(slug) else {}
        self.ctx = Context(self.minter, self.reference, sources, self.bs.index)

    def _reference(self) -> None:
        """The ontology and the body's reference data (if it has any), (re)loaded only when their
        files changed: their blank nodes would otherwise make every run rewrite them."""
        body = self.minter.body
        ref = REFERENCE_DIR / f"{body}.ttl"
        digest = hashlib.sha256(
            (ONTOLOGY_DIR / "ratsgraph.ttl").read_bytes()
            + (ref.read_bytes() if ref.is_file() else b"")
            + self.minter.base.encode()
        ).hexdigest()
        if self.bs.hashes.get("(reference data)") != digest:
            if has_reference(body):
                ensure_reference(self.store, body, self.minter.base)
            else:
                ontology = Graph().parse(ONTOLOGY_DIR / "ratsgraph.ttl", format="turtle")
                self.store.replace_graph(ONTOLOGY_GRAPH, ontology)
            self.bs.hashes["(reference data)"] = digest

    def _tick(self, kind: str) -> None:
        self._seen += 1
        if self.progress:
            self.progress(kind, self._seen)

    def _write(
        self, oparl_id: str, kind: str, graph_iri: URIRef, graph: Graph, digest: str
    ) -> None:
        if self.bs.hashes.get(oparl_id) == digest:
            self.report.unchanged[kind] += 1
            return
        self.store.replace_graph(str(graph_iri), graph)
        self.bs.hashes[oparl_id] = digest
        self.bs.graphs[oparl_id] = str(graph_iri)
        self.report.stored[kind] += 1
        self.state.save(force=False)

    def _withdraw(self, kind: str, obj: dict[str, Any]) -> None:
        """``deleted: true``: the object's graph becomes a tombstone; nothing links to it any more."""
        oid = str(obj["id"])
        graph_iri = self.bs.graphs.get(oid) or str(self.minter.oparl_graph(kind, local_id(oid)))
        try:
            graph = tombstone(oid, kind, obj.get("modified"))
        except OParlError as e:
            self.report.failures.append((e.oparl_id, str(e).split(": ", 1)[-1]))
            return
        digest = "withdrawn " + graph_hash(graph)
        if self.bs.hashes.get(oid) == digest:
            self.report.unchanged[kind] += 1
            return
        self.store.replace_graph(graph_iri, graph)
        self.bs.hashes[oid] = digest
        self.bs.graphs[oid] = graph_iri
        self.ctx.index.forget(oid)
        self.bs.files.pop(oid, None)
        self.bs.retry.pop(oid, None)
        self.report.deleted[kind] += 1
        self.state.save(force=False)

    def _object(self, kind: str, obj: Any) -> None:
        self._tick(kind)
        if isinstance(obj, dict) and obj.get("deleted") is True and obj.get("id"):
            self._withdraw(type_name(obj) or kind, obj)
            return
        try:
            graph_iri, graph = map_object(obj, self.ctx)
        except OParlError as e:
            self.report.failures.append((e.oparl_id, str(e).split(": ", 1)[-1]))
            return
        self._write(str(obj["id"]), kind, graph_iri, graph, graph_hash(graph))

    def _file(self, obj: dict[str, Any]) -> None:
        self._tick("File")
        fid = obj.get("id") if isinstance(obj, dict) else None
        if fid and obj.get("deleted") is True:  # a deleted File may even lack its type
            self._done.add(str(fid))
            self._withdraw("File", obj)
            return
        if not fid or type_name(obj) != "File":
            self.report.failures.append((str(fid or "?"), "not an OParl File object"))
            return
        fid = str(fid)
        self._done.add(fid)
        links = self._links(obj)
        unavailable = None
        try:
            data, suffix = self._text(obj)
            self.bs.retry.pop(fid, None)
        except FetchError as e:
            # The file is stored with its metadata all the same and asked for again next run;
            # it does not hold back the watermark of everything else.
            data, suffix = None, ""
            unavailable = f"text unavailable: {e.where}: {e.reason}"
            self.bs.retry[fid] = obj
            self.report.warnings.append((fid, unavailable + " (asked again in the next run)"))
        digest = hashlib.sha256(
            json.dumps([obj, links.__dict__, unavailable], sort_keys=True, default=str).encode()
            + hashlib.sha256(data or b"").digest()
        ).hexdigest()
        if self.bs.hashes.get(fid) == digest:
            self.report.unchanged["File"] += 1
            return
        try:
            try:
                doc, graph = self._document(obj, fid, data, suffix, links)
            except LoadError as e:  # no text layer, not a PDF after all: stored as metadata
                unavailable = f"text unavailable: {e.reason}"
                self.report.warnings.append((fid, unavailable))
                doc, graph = self._document(obj, fid, None, suffix, links)
        except OParlError as e:  # bad metadata: the object's fault
            self.report.failures.append((fid, str(e)))
            return
        if unavailable:
            graph.add((doc, RB.warning, Literal(unavailable)))
        self._write(fid, "File", doc, graph, digest)
        own = {"paper": ids_of(obj.get("paper")), "meeting": ids_of(obj.get("meeting"))}
        self.bs.files[fid] = {"own": own, "links": links_digest(links)}

    def _relink(self) -> None:
        """Files not listed as modified whose paper or meeting changed (a new consultation, a
        renumbered session) are fetched again, so their graph does not keep stale links."""
        for fid, known in list(self.bs.files.items()):
            if (
                fid in self._done
                or links_digest(self._links({"id": fid, **known["own"]})) == known["links"]
            ):
                continue
            try:
                obj = self.source.fetch(fid)
            except FetchError as e:
                self._unread.append(e)
                continue
            self._file(obj)

    def _links(self, obj: dict[str, Any]) -> FileLinks:
        index, fid = self.ctx.index, str(obj["id"])
        papers = list(dict.fromkeys([*ids_of(obj.get("paper")), *index.file_papers.get(fid, [])]))
        meetings = list(
            dict.fromkeys([*ids_of(obj.get("meeting")), *index.file_meetings.get(fid, [])])
        )
        links = FileLinks(
            papers=[index.papers[p] for p in papers if p in index.papers],
            meetings=[index.sessions[m] for m in meetings if m in index.sessions],
        )
        for paper in links.papers:
            for m in paper.get("meetings", []):
                if m in index.sessions:
                    entry = {
                        **index.sessions[m],
                        "authoritative": m in paper.get("authoritative", []),
                    }
                    links.candidates.append(entry)
        return links

    def _text(self, obj: dict[str, Any]) -> tuple[bytes | None, str]:
        if isinstance(self.source, FolderSource):
            return self.source.text_of(obj), ".txt"
        if isinstance(obj.get("text"), str) and obj["text"].strip():
            return obj["text"].encode("utf-8"), ".txt"
        if is_pdf(obj) and self.file_pattern.search(
            str(obj.get("name") or obj.get("fileName") or "")
        ):
            return self.source.file_bytes(obj), ".pdf"
        return None, ""

    def _document(
        self, obj: dict[str, Any], fid: str, data: bytes | None, suffix: str, links: FileLinks
    ) -> tuple[URIRef, Graph]:
        """The document's graph: its extraction (when it is a council document) plus OParl's facts."""
        name = local_id(fid) + (suffix or "")
        doc = self.minter.document(name)
        graph, extraction = None, None
        if data:
            from loader.extract import extract_text  # noqa: PLC0415 - the extraction engine

            text = read_file_text(data, suffix, fid)
            extraction = extract_text(text, name, self.reference)
            sessions = self.ctx.index.sessions.values()
            links.known = [
                m for m in sessions if extraction.session and m["number"] == extraction.session
            ]
            meeting, warnings = reconcile(extraction, links)
            self.report.warnings += [(fid, w) for w in warnings]
            info = DocumentInfo(
                name, hashlib.sha256(data).hexdigest(), datetime.now(UTC).replace(microsecond=0)
            )
            try:
                doc, graph = build_graph(extraction, info, self.minter)
                self.report.documents[extraction.kind] += 1
            except ValueError as e:
                self.report.warnings.append((fid, f"not extracted: {e}"))
                graph = None
        else:
            meeting = choose_meeting(links, None)
        if graph is None:
            graph = new_graph()
            graph.add((doc, RDF.type, FOAF.Document))
            self.report.documents["metadata only"] += 1
        file_metadata(obj, doc, graph)
        for paper in links.papers:
            graph.add((doc, RB.attachedToSubmission, URIRef(paper["iri"])))
        if not links.papers and extraction is not None and extraction.vorlage:
            graph.add((doc, RB.attachedToSubmission, self.minter.submission(extraction.vorlage)))
        if meeting is not None:
            graph.add((doc, RB.attachedToSession, URIRef(meeting["iri"])))
        elif extraction is not None and extraction.session:
            graph.add((doc, RB.attachedToSession, self.minter.session(extraction.session)))
        if extraction is None or graph.value(doc, RB.fileName) is None:
            graph.add((doc, RB.fileName, Literal(name)))
        return doc, graph


def import_oparl(
    store: Store,
    source: str,
    *,
    state_path: Path,
    body: str | None = None,
    base: str = DEFAULT_BASE,
    http: Http | None = None,
    progress: Callable[[str, int], None] | None = None,
    file_pattern: str = DEFAULT_FILE_PATTERN,
) -> ImportReport:
    """Import an OParl endpoint (System or Body URL) or a dump folder; see `ImportReport`.
    ``body`` overrides the slug taken from the source (``--body``)."""
    state = ImportState(state_path)
    if source.startswith(("http://", "https://")):
        src: FolderSource | HttpSource = HttpSource(source, http)
    else:
        src = FolderSource(source)
    importer = Importer(
        store, src, state, body=body, base=base, file_pattern=file_pattern, progress=progress
    )
    return importer.run()


__all__ = ["ImportReport", "ImportState", "Importer", "import_oparl", "state_path_for"]
