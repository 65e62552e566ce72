"""Kinds (issue 12, class 2): a heading letter-spaced by the letterhead or damaged by OCR still names
the document's kind; a Vorlage's "Beschlussempfehlung der Verwaltung" names none.

Each test starts from a real corpus document (its id in the name); the variants add OCR damage.
"""

from __future__ import annotations

import pytest

from loader.extract import extract_text

from .test_extract_bodies import corpus_text


def header(text: str) -> tuple:
    e = extract_text(text, "t.txt").to_json()
    return e["kind"], e["vorlage"], e["session"], e["session_date"], len(e["points"])


def test_436691_a_letter_spaced_beschlussausfertigung_of_an_ortschaftsrat() -> None:
    assert header(corpus_text("436691")) == (
        "Beschlussausfertigung", "A-CB0129/17", "OSR CB/031/2017", "2017-05-09", 2
    )  # fmt: skip


def test_483588_a_letter_spaced_beschlussausfertigung_of_a_stadtbezirksbeirat() -> None:
    assert header(corpus_text("483588")) == (
        "Beschlussausfertigung", "V-Pro00031/20", "SBR Pro/010/2020", "2020-06-29", 3
    )  # fmt: skip


@pytest.mark.parametrize(
    "damaged",
    [
        "B E S C H L U S S A U S F E R T l G U N G",
        "BESCHLUSSAUSFERTIUNG",
        "BESCHLUSSAUSFERT1GUNG .",
    ],
)
def test_483588_with_its_heading_damaged_by_ocr(damaged: str) -> None:
    text = corpus_text("483588").replace("B E S C H L U S S A U S F E R T I G U N G", damaged)
    assert header(text)[:3] == ("Beschlussausfertigung", "V-Pro00031/20", "SBR Pro/010/2020")


@pytest.mark.parametrize(
    "damaged", ["Beschlusskontrole zu", "Bcschlusskontrolle zu", "Beschlusskon trolle zu"]
)
def test_586983_with_its_kontrolle_heading_damaged_by_ocr(damaged: str) -> None:
    text = corpus_text("586983").replace("Beschlusskontrolle zu", damaged)
    assert header(text)[:3] == ("Beschlusskontrolle", "V-Pi00046/21", "SBR Pi/017/2021")


def test_697296_a_vorlage_stays_a_vorlage_and_a_prose_line_names_no_kind() -> None:
    assert header(corpus_text("697296"))[0] == "Vorlage"
    prose = "Die Beschlussausfertigungen liegen vor.\n" * 3 + "Ein Brief ohne Kopf und ohne Inhalt."
    assert header(prose)[0] == "other"
