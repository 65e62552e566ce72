"""Blueprint `api`: the JSON API — documents (list, upload, reload, delete), the dataset, backups.

Reading is public; every route that changes the store is a `write_route` (bearer token). An upload is
loaded like `ratsgraph load` loads a file: one transaction per document, a per-file report, and a
document that fails leaves the store exactly as it was.
"""

from __future__ import annotations

import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, request
from werkzeug.utils import secure_filename

from loader.iris import Minter
from service.errors import UserError
from service.ingest.loading import (
    DOCUMENT_SUFFIXES,
    FileResult,
    ensure_reference,
    prepare_document,
    reference_graph_iri,
    write_prepared,
)
from service.queries import get_query
from service.search import SearchService
from service.store.stoppable import QueryStopped, run_stoppable
from service.web import get_store
from service.web.auth import write_route

bp = Blueprint("api", __name__, url_prefix="/api")

DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,199}$")
SUFFIX_BY_TYPE = {"text/plain": ".txt", "application/pdf": ".pdf"}


def _settings() -> tuple[str, str]:
    return current_app.config["BODY"], current_app.config["BASE_IRI"]


def _doc_id(doc_id: str) -> str:
    if not DOC_ID.match(doc_id):
        raise UserError(
            f"{doc_id[:80]!r} is not a document id; expected letters, digits, '_', '-' and '.' "
            "(the file name without .txt/.pdf), at most 200 characters",
            400,
        )
    return re.sub(r"\.(txt|pdf)$", "", doc_id, flags=re.I)


def _report(result: FileResult, name: str, tmp: Path) -> dict[str, Any]:
    return {
        "file": name,
        "ok": result.ok,
        "message": result.message.replace(str(tmp / name), name).replace(str(tmp), ""),
        "graph": result.graph,
        "triples": result.triples,
        "kind": result.kind,
        "warnings": result.warnings,
    }


def load_upload(name: str, data: bytes) -> dict[str, Any]:
    """Load one uploaded document in one transaction; its report (ok or why not)."""
    body, base = _settings()
    safe = secure_filename(name or "")
    if not safe or Path(safe).suffix.lower() not in DOCUMENT_SUFFIXES:
        return {
            "file": name,
            "ok": False,
            "message": f"unsupported file {name!r}: expected a council document ending in "
            f"{' or '.join(sorted(DOCUMENT_SUFFIXES))}",
            "graph": None,
            "triples": 0,
            "kind": None,
            "warnings": 0,
        }
    store = get_store()
    if reference_graph_iri(body, base) not in store.named_graphs():
        ensure_reference(store, body, base)
    with tempfile.TemporaryDirectory(prefix="ratsgraph-upload-") as tmp:
        path = Path(tmp) / safe
        path.write_bytes(data)
        limit = float(current_app.config["EXTRACT_TIMEOUT_S"])
        try:  # in a child stopped at the limit: a document that sends a rule into a loop
            result, ntriples = run_stoppable(lambda: prepare_document(path, body, base), limit)
        except QueryStopped:
            reason = (
                f"extraction took longer than the limit of {limit:g} s (EXTRACT_TIMEOUT_S) and "
                "was stopped; nothing was loaded"
            )
            result, ntriples = FileResult(str(path), False, reason), ""
        written = write_prepared(store, result, ntriples)
        if written.ok and written.graph:
            SearchService.of(store).wrote(written.graph)  # the search index follows at once
        return _report(written, safe, Path(tmp))


def _uploads() -> list[tuple[str, bytes]]:
    files = request.files.getlist("file")
    if not files:
        raise UserError(
            "expected the document as multipart/form-data in the field 'file' "
            "(curl -F file=@document.txt …)",
            400,
        )
    return [(f.filename or "", f.read()) for f in files]


@bp.get("/documents")
def documents() -> Any:
    rows = get_store().select(get_query("documents", _lookup_dir()).text).rows
    docs = [
        {
            "id": r["g"].value.rsplit("/", 1)[-1],
            "graph": r["g"].value,
            "file": r["file"].value,
            "kind": r["kind"].value,
            "sha256": r["sha256"].value,
            "loaded": r["loaded"].value,
        }
        for r in rows
    ]
    return jsonify({"documents": docs})


@bp.post("/documents")
@write_route
def upload() -> Any:
    reports = [load_upload(name, data) for name, data in _uploads()]
    ok = all(r["ok"] for r in reports)
    failed = sum(not r["ok"] for r in reports)
    payload = {"ok": ok, "loaded": len(reports) - failed, "failed": failed, "results": reports}
    return jsonify(payload), 201 if ok else 422


@bp.put("/documents/<doc_id>")
@write_route
def reload(doc_id: str) -> Any:
    """Replace one document's graph with a new version of the document (or load it the first time)."""
    stem = _doc_id(doc_id)
    if request.files:
        (name, data), *rest = _uploads()
        if rest:
            raise UserError("PUT takes one document; POST /api/documents takes several", 400)
        suffix = Path(name).suffix.lower()
    else:
        suffix = SUFFIX_BY_TYPE.get(request.mimetype or "", "")
        if not suffix:
            raise UserError(
                f"expected Content-Type text/plain or application/pdf (or a multipart 'file'), "
                f"got {request.mimetype or 'none'!r}",
                415,
            )
        data = request.get_data()
    report = load_upload(stem + suffix, data)
    return jsonify({"ok": report["ok"], "results": [report]}), 200 if report["ok"] else 422


@bp.delete("/documents/<doc_id>")
@write_route
def delete(doc_id: str) -> Any:
    body, base = _settings()
    graph = str(Minter(body, base).document(_doc_id(doc_id)))
    if not get_store().drop_graph(graph):
        raise UserError(f"no document {doc_id!r} in the store (graph <{graph}>)", 404)
    SearchService.of(get_store()).wrote(graph)
    return jsonify({"ok": True, "deleted": graph})


@bp.get("/dataset")
def dataset() -> Any:
    store = get_store()
    stats = store.select(get_query("stats", _lookup_dir()).text).rows
    counts = {k: (v.python() if v else 0) for k, v in (stats[0] if stats else {}).items()}
    return jsonify({"graphs": len(store.named_graphs()), **counts})


@bp.post("/backup")
@write_route
def backup() -> Any:
    """A consistent copy of the embedded store, made by the process that holds it (RocksDB checkpoint)."""
    folder = current_app.config.get("BACKUP_DIR")
    if not folder:
        raise UserError("backups over HTTP are switched off (set RATSGRAPH_BACKUP_DIR)", 404)
    target = Path(folder) / datetime.now(UTC).strftime("ratsgraph-%Y%m%dT%H%M%S%fZ")
    store = get_store()
    inner = getattr(store, "inner", store)
    if not hasattr(inner, "backup"):
        raise UserError("this store cannot be backed up from here (a remote store?)", 501)
    Path(folder).mkdir(parents=True, exist_ok=True)
    store.write(lambda s: s.backup(target))  # type: ignore[attr-defined] - the write lock
    return jsonify({"ok": True, "backup": str(target)}), 201


def _lookup_dir() -> Path:
    from service.queries import LOOKUP_DIR  # noqa: PLC0415

    return LOOKUP_DIR


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
