"""Reading a document's text: plain text (UTF-8, else cp1252/Latin-1) or a PDF's text layer."""

from __future__ import annotations

import io
import re
from pathlib import Path

from loader.errors import LoadError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _usable(text: str) -> bool:
    letters = sum(map(len, re.findall(r"[A-Za-zÄÖÜäöüß]+", text)))  # runs: not a list of each
    return letters >= 20 and letters >= 0.3 * len(text.strip())


def _pdf_text(path: Path, data: bytes) -> str:
    """The text layer of a PDF already read (``data``); ``path`` names it in errors."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = [page.extract_text() or "" for page in reader.pages]
    except (
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
    ) as exc:
        raise LoadError(path, f"PDF is truncated or corrupt ({type(exc).__name__}: {exc})") from exc
    except Exception as exc:  # pypdf raises assorted errors on broken files
        raise LoadError(path, f"PDF is truncated or corrupt ({type(exc).__name__}: {exc})") from exc
    if not pages:
        raise LoadError(path, "PDF has no pages")
    text = "\n".join(pages)
    if not text.strip():
        raise LoadError(path, "PDF has no text layer (scanned without OCR?)")
    return text


def read_text(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The document's text; `LoadError` saying why when there is no usable text."""
    return read_document(path, max_bytes)[1]


def read_document(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bytes, str]:
    """The file's bytes (for its checksum) and its text, the file read once and only after its
    size was checked; `LoadError` saying why when there is no usable text."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(path, f"cannot read file: {exc.strerror or exc}") from exc
    if size == 0:
        raise LoadError(path, "file is empty")
    if size > max_bytes:
        raise LoadError(path, f"file is {size} bytes, over the limit of {max_bytes} bytes")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"cannot read file: {exc.strerror or exc}") from exc
    if data.startswith(b"%PDF") or path.suffix.lower() == ".pdf":
        if not data.startswith(b"%PDF"):
            raise LoadError(
                path, "expected a PDF (name ends in .pdf) but the file does not start with %PDF"
            )
        text = _pdf_text(path, data)  # from the bytes read, not the file again
    else:
        if b"\x00" in data[:4096]:
            raise LoadError(
                path, "binary data, not text (NUL bytes found); expected plain text or PDF"
            )
        text = _decode(data)
    if not _usable(text):
        raise LoadError(path, "no usable text: too few letters (garbage or an empty text layer)")
    return data, text.replace("\r\n", "\n").replace("\r", "\n")
