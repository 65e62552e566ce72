"""Subjects and paper numbers (issue 12, classes 4 and 8): a subject ends at the next section even
when its marker is damaged; a paper number read through OCR keeps its digits and its place code,
or is given up with a warning. Each test starts from a real corpus document (its id in the name);
the variants add OCR damage.
"""

from __future__ import annotations

import pytest

from loader.extract import extract_text, read_vorlage
from loader.reference import load_reference

from .test_extract_bodies import corpus_text

FACHPLAN = "Fortschreibung Fachplan Kindertageseinrichtungen und Kindertagespflege für das Schuljahr 2016/2017"


def header(text: str) -> tuple[str | None, str | None]:
    ext = extract_text(text, "t.txt")
    return ext.vorlage, ext.subject


# ---- class 4: the subject runs on
def test_258864_the_subject_ends_at_beschlussvorschlag_with_a_semicolon() -> None:
    assert header(corpus_text("258864")) == ("V0943/16", FACHPLAN)


@pytest.mark.parametrize(
    "marker", ["Beschlüss: 1. Der Jugendhilfeausschuss", "Begründung", "Beschlussvorschlag,"]
)
def test_258864_with_the_marker_read_otherwise(marker: str) -> None:
    text = corpus_text("258864").replace("Beschlussvorschlag;", marker, 1)
    assert header(text)[1] == FACHPLAN


def test_244117_a_letter_on_two_resolutions_has_the_first_ones_subject() -> None:
    assert header(corpus_text("244117")) == (
        "A0772/13", "Einführung der Ortschaftsverfassung für das gesamte Stadtgebiet Dresdens"
    )  # fmt: skip


def test_732524_a_subject_opening_with_the_word_beschluss_is_kept() -> None:
    assert header(corpus_text("732524"))[1] == (
        "Beschluss zur Festlegung der Pauschale für die institutionelle Förderung 2024"
    )


def test_642421_words_broken_with_the_unicode_hyphen_are_joined() -> None:
    subject = header(corpus_text("642421"))[1] or ""
    assert "Fachförderrichtlinie Sozialamt zur Stärkung" in subject
    assert "Haushaltsmitteln - Innovationsbudget" in subject


# ---- class 8: paper numbers
def test_646559_and_536005_the_paper_number_after_damaged_or_worded_headers() -> None:
    assert header(corpus_text("646559"))[0] == "V1235/21"  # "Vorlage Nr.; V1235/21"
    assert header(corpus_text("536005"))[0] == "A0625/19"  # "Beschlusskontrolle zu Antrag A0625/19"


def test_646559_with_a_letter_for_a_digit_in_the_paper_number() -> None:
    text = corpus_text("646559").replace("Vorlage Nr.; V1235/21", "Vorlage Nr.; Vl235/21")
    assert header(text)[0] == "V1235/21"


@pytest.mark.parametrize(
    ("raw", "context", "expected"),
    [
        ("V-CoO0050/21", "Stadtbezirksbeirat Cotta", ("V-Co00050/21", None)),  # O for 0 after the place
        ("V-Co00175/23", "", ("V-Co00175/23", None)),  # 731530 as printed
        ("V-PI0013/19", "Stadtbezirksbeirat Plauen", ("V-Pl0013/19", None)),  # 429369
        ("V-PI0013/19", "Stadtbezirksbeirat Pieschen", ("V-Pi0013/19", None)),
        ("V-Leu0OO43/21", "", ("V-Leu00043/21", None)),  # 531892 with O for 0
    ],
)  # fmt: skip
def test_paper_numbers_read_through_ocr(raw: str, context: str, expected: tuple) -> None:
    assert read_vorlage(raw, load_reference(), context) == expected


def test_a_place_code_the_text_cannot_decide_gives_no_paper_number_and_says_why() -> None:
    number, why = read_vorlage("V-PI0013/19", load_reference(), "")
    assert number is None
    assert why == "place code 'PI' may be Pi or Pl (OCR confuses them) and the text names neither"


def test_242345_a_german_quote_closed_with_a_straight_one_is_closed_with_its_own() -> None:
    assert header(corpus_text("242345"))[1] == (
        "Förderantrag der Landeshauptstadt Dresden im Bundesprogramm „Sanierung kommunaler "
        "Einrichtungen in den Bereichen Sport, Jugend und Kultur“"
    )
