"""Extraction of one document: what a resolution on a Planungsbericht decides about it."""

from __future__ import annotations

from loader import SAMPLES_DIR
from loader.extract import explain, extract_text
from loader.model import Extraction

AUSFERTIGUNG = SAMPLES_DIR / "JHA-042-2022_V1106-21_Beschlussausfertigung.txt"
KONTROLLE = SAMPLES_DIR / "V2620-23_Beschlusskontrolle_Hausmitteilung.txt"


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
    end = next(i for i, line in enumerate(lines) if line.startswith("  point 3:"))
    assert lines[start:end] == [
        "  about_planning_report: True (the subject names a Planungsbericht)",
        "  framework_parts: Teil II",
        "  point 1: «Der Jugendhilfeausschuss beschließt den Planungsbericht „Interkulturelle Öffnung"
        " aller Le…»",
        "    adopts the planning report",
        "  point 2: «Der Planungsbericht wird in den Planungsrahmen der Kinder- und Jugendhilfe in"
        " Dresden (Te…»",
        "    places the planning report in the Planungsrahmen",
    ]
