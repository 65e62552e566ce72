"""Extraction of one document: what a resolution on a Planungsbericht decides about it."""

from __future__ import annotations

import pytest

from loader import SAMPLES_DIR
from loader.extract import explain, extract_text
from loader.model import Extraction

from .conftest import CORPUS

AUSFERTIGUNG = SAMPLES_DIR / "JHA-042-2022_V1106-21_Beschlussausfertigung.txt"
KONTROLLE = SAMPLES_DIR / "V2620-23_Beschlusskontrolle_Hausmitteilung.txt"
RECOMMENDATION_621664 = CORPUS / "ratsinfo" / "files" / "621664.txt"


def planning(ext: Extraction) -> tuple[bool, list[tuple[int | None, bool, bool]]]:
    """Whether the document is about a Planungsbericht; per point: adopts it, places it."""
    points = [(p.number, p.adopts_report, p.places_in_framework) for p in ext.points]
    return ext.about_planning_report, points


def test_a_resolution_on_a_planungsbericht_adopts_it_in_one_point_and_places_it_in_another() -> (
    None
):
    ext = extract_text(AUSFERTIGUNG.read_text(encoding="utf-8"), AUSFERTIGUNG.name)
    assert planning(ext) == (
        True,
        [
            (1, True, False),
            (2, False, True),
            (3, False, False),
            (4, False, False),
            (5, False, False),
            (6, False, False),
            (7, False, False),
        ],
    )


def test_a_beschlusskontrolle_quoting_the_points_reads_them_the_same_way() -> None:
    ext = extract_text(KONTROLLE.read_text(encoding="utf-8"), KONTROLLE.name)
    assert planning(ext) == (
        True,
        [(1, True, False), (2, False, True), (3, False, False), (4, False, False)],
    )


def test_the_adopting_phrase_is_read_with_ss_for_sz_and_across_a_line_break() -> None:
    text = AUSFERTIGUNG.read_text(encoding="utf-8")
    noisy = text.replace("beschließt den Planungsbericht", "beschliesst den\nPlanungsbericht")
    noisy = noisy.replace("in den Planungsrahmen", "in den PLANUNGSRAHMEN")
    assert noisy != text
    assert planning(extract_text(noisy, AUSFERTIGUNG.name)) == planning(
        extract_text(text, AUSFERTIGUNG.name)
    )


def test_a_subject_that_names_no_planungsbericht_is_no_planning_report() -> None:
    text = AUSFERTIGUNG.read_text(encoding="utf-8")
    other = text.replace("Planungsbericht Interkulturelle Öffnung", "Interkulturelle Öffnung", 1)
    ext = extract_text(other, AUSFERTIGUNG.name)
    assert ext.subject is not None and ext.subject.startswith("Interkulturelle Öffnung")
    assert ext.about_planning_report is False


def test_explain_shows_the_planning_report_and_what_each_point_does_with_it() -> None:
    lines = explain(
        extract_text(AUSFERTIGUNG.read_text(encoding="utf-8"), AUSFERTIGUNG.name)
    ).splitlines()
    start = lines.index("  about_planning_report: True (the subject names a Planungsbericht)")
    end = next(i for i, line in enumerate(lines) if line.startswith("  point 3 "))
    assert lines[start:end] == [
        "  about_planning_report: True (the subject names a Planungsbericht)",
        "  framework_parts: Teil II",
        "  point 1 [0.90]: «Der Jugendhilfeausschuss beschließt den Planungsbericht „Interkulturelle Öffnung"
        " aller Le…»",
        "    adopts the planning report",
        "  point 2 [0.90]: «Der Planungsbericht wird in den Planungsrahmen der Kinder- und Jugendhilfe in"
        " Dresden (Te…»",
        "    places the planning report in the Planungsrahmen",
    ]


def ausfertigung_with(*noise: tuple[str, str]) -> str:
    """The Beschlussausfertigung with each clean phrase replaced by its noisy reading."""
    text = AUSFERTIGUNG.read_text(encoding="utf-8")
    for clean, noisy in noise:
        assert clean in text, clean
        text = text.replace(clean, noisy)
    return text


def clean_planning() -> tuple[bool, list[tuple[int | None, bool, bool]]]:
    return planning(extract_text(AUSFERTIGUNG.read_text(encoding="utf-8"), AUSFERTIGUNG.name))


@pytest.mark.parametrize(
    "noisy",
    [
        "beschIießt den Planungsbericht",
        "beschl1eßt den Planungsbericht",
        "beschlieBt den Planungsbericht",
        "beschließt den P1anungsbericht",
        "beschließt den Pianungsbericht",
        "beschließt den Planungsberlcht",
        "beschließt  den Planungsbericht",
    ],
)
def test_a_point_adopting_the_report_is_found_despite_ocr_letter_confusions(noisy: str) -> None:
    text = ausfertigung_with(("beschließt den Planungsbericht", noisy))
    assert planning(extract_text(text, AUSFERTIGUNG.name)) == clean_planning()


@pytest.mark.parametrize(
    "noisy", ["Pianungsrahmen", "P1anungsrahmen", "PIanungsrahmen", "Planungsrahrnen"]
)
def test_a_point_naming_the_planungsrahmen_is_found_despite_ocr_letter_confusions(
    noisy: str,
) -> None:
    text = ausfertigung_with(("in den Planungsrahmen", f"in den {noisy}"))
    assert planning(extract_text(text, AUSFERTIGUNG.name)) == clean_planning()


@pytest.mark.parametrize(
    "noise",
    [
        ("beschließt den Planungsbericht", "beschließt den Planungs-\nbericht"),
        ("beschließt den Planungsbericht", "beschließt den Planungs\nbericht"),
        ("beschließt den Planungsbericht", "beschließt den Planungs- bericht"),
        ("beschließt den Planungsbericht", "beschlie-\nßt den Planungsbericht"),
        ("in den Planungsrahmen", "in den Planungs-\nrahmen"),
        ("in den Planungsrahmen", "in den Planungs\nrahmen"),
        ("in den Planungsrahmen", "in den Planungs rahmen"),
    ],
    ids=[
        "report-hyphen-kept",
        "report-hyphen-lost",
        "report-hyphen-and-space",
        "adopts-hyphen-kept",
        "framework-hyphen-kept",
        "framework-hyphen-lost",
        "framework-extra-space",
    ],
)
def test_the_planning_phrases_are_read_across_a_line_break_with_or_without_its_hyphen(
    noise: tuple[str, str],
) -> None:
    text = ausfertigung_with(noise)
    assert planning(extract_text(text, AUSFERTIGUNG.name)) == clean_planning()


def test_a_document_read_as_planungsberlcht_throughout_is_still_about_the_report() -> None:
    text = ausfertigung_with(("Planungsbericht", "Planungsberlcht"))
    ext = extract_text(text, AUSFERTIGUNG.name)
    assert ext.subject is not None and ext.subject.startswith("Planungsberlcht Interkulturelle")
    assert planning(ext) == clean_planning()


@pytest.mark.skipif(not RECOMMENDATION_621664.is_file(), reason="corpus not found")
def test_a_recommendation_whose_subject_ocr_reads_as_planungsberlcht_is_about_a_planning_report() -> (
    None
):
    ext = extract_text(RECOMMENDATION_621664.read_text(encoding="utf-8"), "621664.txt")
    assert ext.subject == (
        "Planungsrahmen der Kinder- und Jugendhilfe in Dresden - Spezifischer Teil (Teil IV), "
        "hier: Planungsberlcht Stadtraum 7"
    )
    assert ext.about_planning_report is True


def test_neighbouring_words_of_planning_set_none_of_the_flags() -> None:
    text = ausfertigung_with(
        ("Planungsbericht Interkulturelle", "Planungsbereich Interkulturelle"),
        ("beschließt den Planungsbericht", "beschließt den Planungsbereich"),
        ("in den Planungsrahmen", "in den Planungsraum"),
    )
    ext = extract_text(text, AUSFERTIGUNG.name)
    assert planning(ext) == (False, [(n, False, False) for n in range(1, 8)])
