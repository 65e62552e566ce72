"""Reading documents: plain text in any common encoding, PDF text layers, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfWriter

from loader.errors import LoadError
from loader.read import read_text

GOOD = "Der Oberbürgermeister wird beauftragt, dem Stadtrat bis zum 15.11.2015 zu berichten."


def _text_pdf(text: str) -> bytes:
    """A minimal one-page PDF whose content stream draws ``text`` (ASCII) with Helvetica."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_utf8_text_is_read_as_is(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text(GOOD, encoding="utf-8")
    assert read_text(path) == GOOD


def test_latin1_text_is_decoded_with_its_umlauts(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(GOOD.encode("cp1252"))
    assert read_text(path) == GOOD


def test_empty_file_is_a_load_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(LoadError, match="file is empty"):
        read_text(path)


def test_binary_garbage_is_a_load_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.txt"
    path.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(LoadError, match="binary data"):
        read_text(path)


def test_file_over_the_size_limit_is_a_load_error(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(GOOD * 10, encoding="utf-8")
    with pytest.raises(LoadError, match="over the limit of 100 bytes"):
        read_text(path, max_bytes=100)


def test_pdf_with_text_layer_gives_its_text(tmp_path: Path) -> None:
    path = tmp_path / "doc.pdf"
    path.write_bytes(_text_pdf("Der Stadtrat beschliesst die Vorlage V1106/21."))
    assert read_text(path).strip() == "Der Stadtrat beschliesst die Vorlage V1106/21."


def test_pdf_without_text_layer_says_so(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(LoadError, match=r"PDF has no text layer \(scanned without OCR\?\)"):
        read_text(path)


def test_truncated_pdf_is_a_load_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes(_text_pdf("Der Stadtrat beschliesst die Vorlage.")[:120])
    with pytest.raises(LoadError) as info:
        read_text(path)
    assert "cut.pdf" in str(info.value)
