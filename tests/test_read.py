"""Reading documents: plain text in any common encoding, PDF text layers, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from loader.errors import LoadError
from loader.read import read_text

from .pdfs import blank_pdf, pdf_with_text

GOOD = "Der Oberbürgermeister wird beauftragt, dem Stadtrat bis zum 15.11.2015 zu berichten."


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
    path.write_bytes(pdf_with_text(["Der Stadtrat beschliesst die Vorlage V1106/21."]))
    assert read_text(path).strip() == "Der Stadtrat beschliesst die Vorlage V1106/21."


def test_pdf_without_text_layer_says_so(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(blank_pdf())
    with pytest.raises(LoadError, match=r"PDF has no text layer \(scanned without OCR\?\)"):
        read_text(path)


def test_truncated_pdf_is_a_load_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes(pdf_with_text(["Der Stadtrat beschliesst die Vorlage."])[:120])
    with pytest.raises(LoadError) as info:
        read_text(path)
    assert "cut.pdf" in str(info.value)
