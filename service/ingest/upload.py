"""`ratsgraph load --server URL`: loading files through a running server's write API.

While `ratsgraph serve` holds a store no other process can write it, so a load goes through the
server instead: each document is PUT to ``/api/documents/<name>`` with the token, and the server loads
it in one transaction, exactly as a local load would. Standard library only (urllib).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from service.ingest.loading import DOCUMENT_SUFFIXES, FileResult, iter_files

MEDIA = {".txt": "text/plain; charset=utf-8", ".pdf": "application/pdf"}


def upload_file(server: str, token: str, path: Path, timeout: float = 300.0) -> FileResult:
    """PUT one document to the server; its per-file report, or why the server refused it."""
    suffix = path.suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        return FileResult(str(path), False, "only .txt and .pdf documents load through a server")
    doc_id = urllib.parse.quote(path.stem, safe="")
    request = urllib.request.Request(
        f"{server.rstrip('/')}/api/documents/{doc_id}",
        data=path.read_bytes(),
        method="PUT",
        headers={"Content-Type": MEDIA[suffix], "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = json.loads(response.read())
    except urllib.error.HTTPError as e:
        try:
            body = json.loads(e.read())
        except ValueError:
            return FileResult(str(path), False, f"server answered {e.code}")
        if "results" not in body:
            return FileResult(str(path), False, f"server answered {e.code}: {body.get('error')}")
    except (urllib.error.URLError, OSError) as e:
        return FileResult(str(path), False, f"cannot reach {server}: {e}")
    report = body["results"][0]
    return FileResult(
        str(path),
        bool(report["ok"]),
        report["message"],
        report.get("graph"),
        report.get("triples") or 0,
        report.get("kind"),
        report.get("warnings") or 0,
    )


def upload_paths(
    server: str, token: str, paths: Iterable[str | Path], progress: object = None
) -> list[FileResult]:
    """Every document of ``paths`` (folders included), one PUT each, in a stable order."""
    results = []
    for path in iter_files(paths):
        result = upload_file(server, token, path)
        results.append(result)
        if callable(progress):
            progress(result)
    return results
