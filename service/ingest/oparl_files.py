"""Helpers of the OParl import about files and digests: which File objects a paper or meeting
embeds, the digest of a file's links, reading a downloaded file's text."""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

from rdflib import Graph

from loader.metadata import FileLinks
from loader.oparl_legacy import local_id, type_name


def graph_hash(g: Graph) -> str:
    lines = sorted(line for line in g.serialize(format="nt").splitlines() if line.strip())
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def is_pdf(obj: dict[str, Any]) -> bool:
    """Whether a File is a PDF: its mimeType says so (CC e-gov writes just "pdf"), or it gives
    none and its file name ends in .pdf, or it gives neither.

    >>> [is_pdf(f) for f in ({"mimeType": "pdf"}, {"mimeType": "docx"}, {"fileName": "a.PDF"}, {})]
    [True, False, True, True]
    """
    mime = str(obj.get("mimeType") or "").strip().lower()
    if mime:
        return mime in ("application/pdf", "pdf", "application/x-pdf")
    name = str(obj.get("fileName") or "")
    return not name or name.lower().endswith(".pdf")


def embedded_files(obj: Any) -> list[dict[str, Any]]:
    """The File objects written out inside a paper or meeting (main, auxiliary, resolution files,
    invitation, protocols)."""
    if not isinstance(obj, dict):
        return []
    found = [obj.get(k) for k in ("mainFile", "invitation", "resultsProtocol", "verbatimProtocol")]
    found += objects_of(obj.get("auxiliaryFile"))
    for item in objects_of(obj.get("agendaItem")):
        found += [item.get("resolutionFile"), *objects_of(item.get("auxiliaryFile"))]
    return [f for f in found if isinstance(f, dict) and f.get("id") and type_name(f) == "File"]


def objects_of(value: Any) -> list[Any]:
    """A list property's items; a single object where a list was expected is a list of one."""
    if isinstance(value, dict):
        return [value]
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def links_digest(links: FileLinks) -> str:
    data = json.dumps([links.papers, links.meetings, links.candidates], sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


def ids_of(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        v = v.get("id") if isinstance(v, dict) else v
        if isinstance(v, str) and v:
            out.append(v)
    return out


def read_file_text(data: bytes, suffix: str, where: str) -> str:
    """The text of a downloaded file: text as is, a PDF through the loader's text-layer reader."""
    from loader.read import read_text  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{local_id(where)}{suffix or '.txt'}"
        path.write_bytes(data)
        return read_text(path)


__all__ = [
    "embedded_files",
    "graph_hash",
    "is_pdf",
    "ids_of",
    "links_digest",
    "objects_of",
    "read_file_text",
]
