"""Importing a council information system through OParl: the skeleton from OParl, the substance
from the documents, each object in one transaction, resumable and incremental.

A state file beside the store remembers what was stored (a hash per object), the index the mapping
needs across objects, and when the last complete run started: the next run asks only for what was
modified since (``modified_since``). A run that stops half-way (a failing page, Ctrl+C, a crash)
loses nothing: every object is written in one transaction and written again, identically, if seen
again; the state is saved as the run goes.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
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
from loader.oparl import Context, OParlError, committee_sources, file_metadata, map_object
from loader.oparl_legacy import local_id, type_name
from loader.reference import REFERENCE_DIR, load_reference
from loader.vocab import FOAF, RB, RDF
from service.ingest.loading import ONTOLOGY_DIR, ensure_reference, reference_graph
from service.ingest.oparl_sources import FetchError, FolderSource, Http, HttpSource
from service.ingest.oparl_state import ImportReport, ImportState, state_path_for
from service.store import Store

# Files worth downloading when OParl gives no text: resolutions, status reports, papers.
DEFAULT_FILE_PATTERN = r"(?i)beschluss|^bk[_ -]|kontrolle|vorlage|antrag|empfehlung"


def _graph_hash(g: Graph) -> str:
    lines = sorted(line for line in g.serialize(format="nt").splitlines() if line.strip())
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


class Importer:
    """One import run of one source into one store."""

    def __init__(
        self,
        store: Store,
        source: FolderSource | HttpSource,
        state: ImportState,
        *,
        body: str = "dresden",
        base: str = DEFAULT_BASE,
        file_pattern: str = DEFAULT_FILE_PATTERN,
        progress: Callable[[str, int], None] | None = None,
    ) -> None:
        self.store, self.source, self.state = store, source, state
        self.minter = Minter(body, base)
        self.reference = load_reference(body, base)
        self.ctx = Context(
            self.minter,
            self.reference,
            committee_sources(reference_graph(body, base)),
            state.index,
        )
        self.file_pattern = re.compile(file_pattern)
        self.progress = progress
        self.report = ImportReport()
        self._seen = 0
        self._unread: list[FetchError] = []
        self._done: set[str] = set()  # files seen in this run

    def run(self) -> ImportReport:
        started = time.monotonic()
        run_start = datetime.now(UTC).replace(microsecond=0).isoformat()
        self._reference()
        finished = False
        try:
            since = self.state.complete_since if isinstance(self.source, HttpSource) else None
            for body in self.source.bodies():
                if body:
                    self._object("Body", body)
                # A body without a file list (OParl 1.0) has its files only inside papers
                # and meetings: those are imported after the lists.
                embedded = isinstance(self.source, HttpSource) and not body.get("file")
                files: dict[str, dict[str, Any]] = {}
                for kind, obj in self.source.objects(body, since):
                    if kind == "File":
                        self._file(obj)
                    else:
                        self._object(kind, obj)
                        if embedded:
                            files.update((f["id"], f) for f in embedded_files(obj))
                for obj in files.values():
                    self._file(obj)
            self._relink()
            finished = True
        except FetchError as e:
            self._unread.append(e)
        finally:
            # Pages or files that could not be read make the run incomplete: the next run asks
            # again from the last complete one. A malformed object is reported but does not: asking
            # again would give the same object, and a fixed one comes back as modified.
            self._unread += self.source.failures
            self.report.failures += [(e.where, e.reason) for e in self._unread]
            # Ctrl+C or a crash: not complete either, whatever was stored so far stays stored.
            self.report.complete = finished and not self._unread
            if self.report.complete:
                self.state.complete_since = run_start
            self.state.save()
            if hasattr(self.store, "flush"):
                self.store.flush()  # type: ignore[attr-defined]
            self.report.seconds = time.monotonic() - started
        return self.report

    def _reference(self) -> None:
        """The ontology and reference data, (re)loaded only when their files changed: their blank
        nodes would otherwise make every run rewrite them."""
        digest = hashlib.sha256(
            (ONTOLOGY_DIR / "ratsgraph.ttl").read_bytes()
            + (REFERENCE_DIR / f"{self.minter.body}.ttl").read_bytes()
            + self.minter.base.encode()
        ).hexdigest()
        if self.state.hashes.get("(reference data)") != digest:
            ensure_reference(self.store, self.minter.body, self.minter.base)
            self.state.hashes["(reference data)"] = digest

    def _tick(self, kind: str) -> None:
        self._seen += 1
        if self.progress:
            self.progress(kind, self._seen)

    def _write(
        self, oparl_id: str, kind: str, graph_iri: URIRef, graph: Graph, digest: str
    ) -> None:
        if self.state.hashes.get(oparl_id) == digest:
            self.report.unchanged[kind] += 1
            return
        self.store.replace_graph(str(graph_iri), graph)
        self.state.hashes[oparl_id] = digest
        self.report.stored[kind] += 1
        self.state.save(force=False)

    def _object(self, kind: str, obj: Any) -> None:
        self._tick(kind)
        try:
            graph_iri, graph = map_object(obj, self.ctx)
        except OParlError as e:
            self.report.failures.append((e.oparl_id, str(e).split(": ", 1)[-1]))
            return
        self._write(str(obj["id"]), kind, graph_iri, graph, _graph_hash(graph))

    def _file(self, obj: dict[str, Any]) -> None:
        self._tick("File")
        fid = obj.get("id")
        if not fid or type_name(obj) != "File":
            self.report.failures.append((str(fid or "?"), "not an OParl File object"))
            return
        fid = str(fid)
        self._done.add(fid)
        links = self._links(obj)
        try:
            data, suffix = self._text(obj)
        except FetchError as e:
            self._unread.append(e)
            return
        digest = hashlib.sha256(
            json.dumps([obj, links.__dict__], sort_keys=True, default=str).encode()
            + hashlib.sha256(data or b"").digest()
        ).hexdigest()
        if self.state.hashes.get(fid) == digest:
            self.report.unchanged["File"] += 1
            return
        try:
            doc, graph = self._document(obj, fid, data, suffix, links)
        except (OParlError, LoadError) as e:  # bad metadata, an unreadable PDF: the file's fault
            self.report.failures.append((fid, str(e)))
            return
        self._write(fid, "File", doc, graph, digest)
        own = {"paper": _ids(obj.get("paper")), "meeting": _ids(obj.get("meeting"))}
        self.state.files[fid] = {"own": own, "links": _digest(links)}

    def _relink(self) -> None:
        """Files not listed as modified whose paper or meeting changed (a new consultation, a
        renumbered session) are fetched again, so their graph does not keep stale links."""
        for fid, known in list(self.state.files.items()):
            if (
                fid in self._done
                or _digest(self._links({"id": fid, **known["own"]})) == known["links"]
            ):
                continue
            try:
                obj = self.source.fetch(fid)
            except FetchError as e:
                self._unread.append(e)
                continue
            self._file(obj)

    def _links(self, obj: dict[str, Any]) -> FileLinks:
        index, fid = self.state.index, str(obj["id"])
        papers = list(dict.fromkeys([*_ids(obj.get("paper")), *index.file_papers.get(fid, [])]))
        meetings = list(
            dict.fromkeys([*_ids(obj.get("meeting")), *index.file_meetings.get(fid, [])])
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
        if obj.get("mimeType", "application/pdf") == "application/pdf" and self.file_pattern.search(
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

            text = _read(data, suffix, fid)
            extraction = extract_text(text, name, self.reference)
            sessions = self.state.index.sessions.values()
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


def embedded_files(obj: Any) -> list[dict[str, Any]]:
    """The File objects written out inside a paper or meeting (main, auxiliary, resolution files,
    invitation, protocols)."""
    if not isinstance(obj, dict):
        return []
    found = [obj.get(k) for k in ("mainFile", "invitation", "resultsProtocol", "verbatimProtocol")]
    found += obj.get("auxiliaryFile") or []
    for item in obj.get("agendaItem") or []:
        if isinstance(item, dict):
            found += [item.get("resolutionFile"), *(item.get("auxiliaryFile") or [])]
    return [f for f in found if isinstance(f, dict) and f.get("id") and type_name(f) == "File"]


def _digest(links: FileLinks) -> str:
    data = json.dumps([links.papers, links.meetings, links.candidates], sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


def _ids(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        v = v.get("id") if isinstance(v, dict) else v
        if isinstance(v, str) and v:
            out.append(v)
    return out


def _read(data: bytes, suffix: str, where: str) -> str:
    """The text of a downloaded file: text as is, a PDF through the loader's text-layer reader."""
    from loader.read import read_text  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{local_id(where)}{suffix or '.txt'}"
        path.write_bytes(data)
        return read_text(path)


def import_oparl(
    store: Store,
    source: str,
    *,
    state_path: Path,
    body: str = "dresden",
    base: str = DEFAULT_BASE,
    http: Http | None = None,
    progress: Callable[[str, int], None] | None = None,
    file_pattern: str = DEFAULT_FILE_PATTERN,
) -> ImportReport:
    """Import an OParl endpoint (the System URL) or a dump folder; see `ImportReport`."""
    state = ImportState(state_path)
    if state.source and state.source != source:
        raise ValueError(
            f"{state_path} records imports from {state.source}, not {source}; "
            "use another --state file for another source"
        )
    state.source = source
    if source.startswith(("http://", "https://")):
        src: FolderSource | HttpSource = HttpSource(source, http)
    else:
        src = FolderSource(source)
    importer = Importer(
        store, src, state, body=body, base=base, file_pattern=file_pattern, progress=progress
    )
    return importer.run()


__all__ = ["ImportReport", "ImportState", "Importer", "import_oparl", "state_path_for"]
