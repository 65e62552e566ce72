"""Points, delegations and status on layouts the development corpus lacked (issue 12, classes 1, 3, 6).

Class 1: a Beschlusskontrolle quoting its resolution point by point with report prose between, or
two resolutions in one letter. Class 3: "Der Oberbürgermeister wird beauftragt, 1. … 2. …" tasks each
numbered point. Class 6: the status a report gives each point. Every test starts from a real corpus
document (its id in the name); the variants add the damage OCR does to such texts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from loader.extract import extract_text
from loader.status import classify

from .test_extract_bodies import corpus_text


def points(text: str) -> list[tuple]:
    ext = extract_text(text, "t.txt")
    return [
        (p.number, p.delegated_to, p.deadline and p.deadline.isoformat(), p.status)
        for p in ext.points
    ]


def starts(text: str, width: int = 30) -> list[str]:
    return [p.text[:width] for p in extract_text(text, "t.txt").points]


# ---- class 1: quotes interleaved with the report, or of two resolutions
EXPECTED_244117 = [
    (1, None, None, "in_umsetzung"),
    (2, None, None, "in_umsetzung"),
    (3, "Verwaltung", "2014-02-28", "in_umsetzung"),
    (4, None, None, "in_umsetzung"),
    (1, None, "2015-09-30", "in_umsetzung"),
    (2, None, None, "in_umsetzung"),
    (3, None, None, "in_umsetzung"),
    (4, None, "2015-11-30", "in_umsetzung"),
]


def test_244117_one_letter_quoting_two_resolutions_numbered_from_1_each() -> None:
    assert points(corpus_text("244117")) == EXPECTED_244117


def test_244117_with_a_colon_after_the_second_paper_number_and_curly_closing_quotes() -> None:
    text = corpus_text("244117").replace("\nA0116/15\n", "\nA0116/15:\n")
    text = text.replace('neu gefasst."', "neu gefasst.“")
    assert points(text) == EXPECTED_244117


def test_586983_numbers_alone_on_their_line_each_quote_followed_by_its_status() -> None:
    assert points(corpus_text("586983")) == [
        (1, "Oberbürgermeister", None, "umgesetzt"),
        (2, None, None, "in_umsetzung"),
        (3, None, None, "in_umsetzung"),
        (4, None, None, "umgesetzt"),
    ]


def test_536005_a_quoted_sentence_the_report_then_the_intro_and_its_points() -> None:
    # the report's own list "3. LED-Beleuchtung" after the quotes is no point
    assert [p[:3] for p in points(corpus_text("536005"))] == [
        (None, None, None),
        (1, "Oberbürgermeister", "2020-12-31"),
        (2, "Oberbürgermeister", "2021-12-31"),
    ]
    assert starts(corpus_text("536005"))[0] == "Die Stadt Dresden verpflichtet"


def test_536005_with_the_opening_quote_read_as_two_commas() -> None:
    text = corpus_text("536005").replace("„Die Stadt Dresden", ",,Die Stadt Dresden")
    assert [p[0] for p in points(text)] == [None, 1, 2]


# ---- class 3: an introductory delegation governs the numbered points
def test_334090_a_quoted_intro_delegation_tasks_every_quoted_point() -> None:
    assert points(corpus_text("334090")) == [
        (1, "Oberbürgermeister", "2018-12-31", "in_umsetzung"),
        (2, "Oberbürgermeister", None, "in_umsetzung"),
        (3, "Oberbürgermeister", "2018-01-31", "in_umsetzung"),
    ]
    assert starts(corpus_text("334090"))[0] == "Maßnahmen für eine noch im Jah"


@pytest.mark.parametrize(
    "variant",
    ["„Der Oberbürgermeister wird ermächtigt,", "„Der Oberbürgermeister wird beauftragt:",
     ",,Die Oberbürgermeisterin wird beauftragt,"],
)  # fmt: skip
def test_334090_with_the_intro_worded_or_read_otherwise(variant: str) -> None:
    text = corpus_text("334090").replace("„Der Oberbürgermeister wird beauftragt,", variant)
    assert [p[:2] for p in points(text)] == [(n, "Oberbürgermeister") for n in (1, 2, 3)]


def test_409486_the_preamble_and_the_intro_are_no_points() -> None:
    assert points(corpus_text("409486")) == [
        (1, "Oberbürgermeister", "2020-06-30", None),
        (2, "Oberbürgermeister", None, None),
    ]


def test_422055_a_resolution_paragraph_before_the_intro_is_its_own_untasked_point() -> None:
    assert points(corpus_text("422055")) == [
        (None, None, None, None),
        (1, "Oberbürgermeister", "2020-12-31", None),
        (2, "Oberbürgermeister", "2021-12-31", None),
    ]
    assert starts(corpus_text("422055"))[0] == "Die Stadt Dresden verpflichtet"


def test_422055_with_the_number_glued_to_a_page_marker_and_a_hyphen_lost() -> None:
    text = corpus_text("422055").replace("\n2. spätestens", "\n-22. spätestens")
    text = text.replace("Forschungs\neinrichtungen", "Forschungs-\neinrichtungen")
    assert points(text) == [
        (None, None, None, None),
        (1, "Oberbürgermeister", "2020-12-31", None),
        (2, "Oberbürgermeister", "2021-12-31", None),
    ]


# ---- class 6: status
def test_217258_an_unquoted_resolution_under_beschluss_and_a_report_saying_it_is_fulfilled() -> (
    None
):
    assert points(corpus_text("217258")) == [
        (None, "Oberbürgermeister", None, "umgesetzt"),
        (None, None, None, "umgesetzt"),  # "Den Entwürfen sind … beizufügen."
        (None, None, None, "umgesetzt"),  # "Die Variantenuntersuchung ist … vorzulegen."
    ]


def test_153665_done_in_part_and_still_to_come_is_in_progress() -> None:
    assert points(corpus_text("153665")) == [(None, None, None, "in_umsetzung")]


def test_757975_a_final_report_saying_it_will_be_carried_out_gives_no_status() -> None:
    assert [p[3] for p in points(corpus_text("757975"))] == [None]


@pytest.mark.parametrize(
    ("note", "final", "status"),
    [
        ("Die Abfallbehälter wurden aufgestellt.", False, "umgesetzt"),  # 586983
        ("Die Abfa1lbehälter wurden aufgesteIlt.", False, "umgesetzt"),  # OCR noise
        ("Die notwendigen Finanzmittel hat das Amt erhalten.", False, "umgesetzt"),  # 586983
        ("Die Hardware wurde geliefert. Offen sind noch verschiedene Installationen.", False,
         "in_umsetzung"),  # 191649
        ("Der Beschluss ist erfüllt.", False, "umgesetzt"),  # 217258
        ("Die Festlegung wird entsprechend umgesetzt.", True, None),  # 757975
        ("Die Festlegung wurde umgesetzt.", True, "umgesetzt"),
    ],
)  # fmt: skip
def test_status_words_of_the_unseen_reports(note: str, final: bool, status: str | None) -> None:
    assert classify(note, final) == status


def test_620443_a_final_report_on_one_quoted_unnumbered_point() -> None:
    text = (Path(__file__).resolve().parent / "data" / "ratsinfo" / "620443.txt").read_text(
        encoding="utf-8"
    )
    assert points(text) == [(None, None, None, "umgesetzt")]
    assert starts(text) == ["Der Ortschaftsrat Schönfeld-We"]


# ---- unnumbered paragraphs: a paragraph deciding something of its own is a point of its own
@pytest.mark.parametrize(
    ("file_id", "count"),
    [("603496", 2), ("436691", 2), ("217258", 3), ("624009", 2), ("732524", 2)],
)
def test_a_paragraph_deciding_something_of_its_own_is_its_own_point(
    file_id: str, count: int
) -> None:
    assert len(points(corpus_text(file_id))) == count


def test_258867_paragraphs_explaining_the_task_stay_with_it() -> None:
    assert len(points(corpus_text("258867"))) == 1


def test_603496_with_a_blank_line_between_the_paragraphs_and_a_word_broken() -> None:
    text = corpus_text("603496").replace(
        "vergeben.\nDie notwendigen", "vergeben.\n\nDie notwendigen"
    )
    text = text.replace("einzuordnen.", "einzuord\nnen.")
    assert [s[:24] for s in starts(text)] == [
        "Die Leistung der Beschaf",
        "Die notwendigen Haushalt",
    ]


def test_132046_wird_aufgefordert_tasks_the_stadtverwaltung() -> None:
    assert points(corpus_text("132046"))[4][1] == "Verwaltung"


def test_250486_an_appeal_to_units_the_reference_does_not_know_tasks_nobody() -> None:
    assert [p[1] for p in points(corpus_text("250486"))] == [None, None, None]


def test_692310_a_line_opening_with_an_ordinal_inside_point_1_is_not_point_2() -> None:
    # "… als 1. Stellvertreter und Herrn … als" / "2. Stellvertreter des Mitglieds …" / "2." /
    # "Der Stadtrat beruft …"
    assert [s[:26] for s in starts(corpus_text("692310"), 40)] == [
        "Der Stadtrat bestimmt Herr",
        "Der Stadtrat beruft Frau A",
    ]


def test_692310_with_the_real_number_glued_to_its_sentence() -> None:
    text = corpus_text("692310").replace("2.\n\nDer Stadtrat beruft", "2. Der Stadtrat beruft")
    assert [p[0] for p in points(text)] == [1, 2]
    assert starts(text)[1].rstrip() == "Der Stadtrat beruft Frau Anne"


@pytest.mark.parametrize(
    ("note", "final", "status"),
    [
        # an interim report's "Zu Beschlusspunkt N:" paragraph without a status word: in progress
        ("Zu Beschlusspunkt 2: Die Prognose wird derzeit überarbeitet.", False, "in_umsetzung"),
        ("Zu BeschIusspunkt 2: Die Prognose wird derzeit überarbeitet.", False, "in_umsetzung"),
        # a final report on a point carried out: done
        ("Die Mittel wurden ausgezahlt.", True, "umgesetzt"),
        ("Mit Zuwendungsbescheid vom 04.05.2022 wurde die Entscheidung mitgeteilt.", True,
         "umgesetzt"),  # 620443
    ],
)  # fmt: skip
def test_status_of_interim_and_final_reports(note: str, final: bool, status: str) -> None:
    assert classify(note, final) == status


def test_witnesses_258867_and_268419_disagreeing_on_a_deadline_are_listed_by_check(
    tmp_path: Path,
) -> None:
    """The Beschlussausfertigung and a Beschlusskontrolle quoting it are two witnesses of the same
    point; where their readings differ (here the report's deadline misread a year later),
    `ratsgraph check` names the point, both documents and both readings."""
    from click.testing import CliRunner

    from service.cli import cli

    report = corpus_text("268419").replace("15- September 2016", "15- September 2017", 1)
    (tmp_path / "258867.txt").write_text(corpus_text("258867"), encoding="utf-8")
    (tmp_path / "268419.txt").write_text(report, encoding="utf-8")
    store = str(tmp_path / "store")
    runner = CliRunner()
    loaded = runner.invoke(cli, ["load", str(tmp_path / "258867.txt"), str(tmp_path / "268419.txt"),
                                 "--store", store])  # fmt: skip
    assert loaded.exit_code == 0, loaded.output
    checked = runner.invoke(cli, ["check", "--store", store])
    assert checked.exit_code == 1
    lines = checked.output.splitlines()
    at = lines.index("FAIL witnesses-disagree-violation: 1 rows")
    assert lines[at + 1].split() == [
        "point=https://w3id.org/ratsgraph/id/dresden/resolution/A0222-16/JHA-026-2016/point/u1",
        "property=https://w3id.org/ratsgraph/ontology#deadline",
        "document1=https://w3id.org/ratsgraph/id/dresden/document/258867",
        "value1=2016-09-15",
        "document2=https://w3id.org/ratsgraph/id/dresden/document/268419",
        "value2=2017-09-15",
    ]


def test_244117_the_administration_as_the_subject_of_a_point_is_tasked() -> None:
    # "3. Die Verwaltung unterbreitet dem Stadtrat bis Februar 2014 einen Organisationsvorschlag"
    assert points(corpus_text("244117"))[2] == (3, "Verwaltung", "2014-02-28", "in_umsetzung")


def test_244117_with_the_subject_read_as_stadtverwaltung_and_the_verb_elsewhere_is_not() -> None:
    text = corpus_text("244117")
    assert (
        points(
            text.replace("3. Die Verwaltung unterbreitet", "3. Die Stadtverwaltung unterbreitet")
        )[2][1]
        == "Verwaltung"
    )
    # a sentence where the administration is not the one acting tasks nobody
    assert (
        points(text.replace("3. Die Verwaltung unterbreitet", "3. Der Stadtrat unterbreitet"))[2][1]
        is None
    )
