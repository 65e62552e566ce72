"""Bodies (issue 12, class 5): Betriebsausschüsse, Ortschaftsräte and Stadtbezirksbeiräte are named;
a code OCR may have folded (Pi/Pl) is decided by the text, else left empty with a warning.

Every test starts from a real document of the shared corpus (its id in the test's name) and has an
OCR-noise variant: the same text with the damage the unseen documents showed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from loader.bodies import decide
from loader.extract import extract_text
from loader.reference import load_reference

from .conftest import CORPUS

DATA = Path(__file__).resolve().parent / "data" / "ratsinfo"  # texts from dresden-ratsinfo


def corpus_text(file_id: str) -> str:
    """A corpus text, labelled (``ratsinfo/``) or not yet (``unlabelled/``)."""
    for folder in ("ratsinfo", "unlabelled"):
        path = CORPUS / folder / "files" / f"{file_id}.txt"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    pytest.skip(f"corpus text {file_id} not found under {CORPUS}")


def body(text: str) -> tuple[str | None, str | None, str | None, list[str]]:
    ext = extract_text(text, "t.txt")
    return ext.vorlage, ext.session, ext.committee, [w.message for w in ext.warnings]


def test_586983_a_pieschen_report_is_pieschen() -> None:
    vorlage, session, committee, _ = body(corpus_text("586983"))
    assert (vorlage, session, committee) == (
        "V-Pi00046/21",
        "SBR Pi/017/2021",
        "Stadtbezirksbeirat Pieschen",
    )


def test_586983_with_pi_read_as_pl_is_still_pieschen_because_the_text_names_pieschen() -> None:
    text = corpus_text("586983").replace("V-Pi00046/21", "V-Pl00046/21")
    text = text.replace("SBR Pi/017/2021", "SBR Pl/017/2021")
    vorlage, session, committee, warnings = body(text)
    assert (vorlage, session, committee) == (
        "V-Pi00046/21",
        "SBR Pi/017/2021",
        "Stadtbezirksbeirat Pieschen",
    )
    assert "session SBR Pl/017/2021: body 'SBR Pl' read as SBR Pi: the text names " \
        "Stadtbezirksbeirat Pieschen" in warnings  # fmt: skip


def test_586983_without_any_district_name_gives_no_body_and_no_paper_number_but_says_why() -> None:
    text = corpus_text("586983").replace("Pieschen", "XXXXXXXX")
    vorlage, session, committee, warnings = body(text)
    assert (vorlage, session, committee) == (None, None, None)
    assert (
        "session SBR Pi/017/2021: body 'SBR Pi' may be SBR Pi or SBR Pl (OCR confuses them) and "
        "the text names neither; left empty" in warnings
    )
    assert any(
        w.startswith("paper number 'V-Pi00046/21' is unreadable: place code") for w in warnings
    )


def test_429369_a_plauen_report_printed_with_pi_in_the_paper_number_is_plauen() -> None:
    # the original reads "V-PI0013/19 {Sitzungsnummer: SBR Pl/048/2019)" and names Plauen
    vorlage, session, committee, _ = body(corpus_text("429369"))
    assert (vorlage, session, committee) == (
        "V-Pl0013/19",
        "SBR Pl/048/2019",
        "Stadtbezirksbeirat Plauen",
    )


def test_a_text_naming_both_districts_decides_nothing() -> None:
    ref = load_reference()
    d = decide("SBR Pl", "Stadtbezirksbeirat Plauen und Stadtbezirksbeirat Pieschen", ref)
    assert (d.committee, d.ambiguous) == (None, True)


@pytest.mark.parametrize(
    ("file_id", "session", "committee"),
    [
        ("164718", "ISF/042/2014",
         "Betriebsausschuss für IT-Dienstleistungen, Stadtentwässerung und Friedhofswesen"),
        ("217258", "FL/SE/006/2015",
         "Ausschuss für Finanzen und Liegenschaften (Eigenbetrieb Stadtentwässerung)"),
        ("409486", "UK/FB/SE/060/2019",
         "Ausschuss für Umwelt und Kommunalwirtschaft (Eigenbetrieb Friedhofs- und "
         "Bestattungswesen sowie Eigenbetrieb Stadtentwässerung)"),
        ("159485", "OSR GP/055/2014", "Ortschaftsrat Gompitz"),
        ("732524", "OSR MB/049/2024", "Ortschaftsrat Mobschatz"),
        ("442306", "SBR Lo/003/2019", "Stadtbezirksbeirat Loschwitz"),
    ],
)  # fmt: skip
def test_betriebsausschuesse_ortschaftsraete_and_stadtbezirksbeiraete_are_named(
    file_id: str, session: str, committee: str
) -> None:
    assert body(corpus_text(file_id))[1:3] == (session, committee)


def test_199394_a_betriebsausschuss_session_with_its_slash_read_as_y() -> None:
    # the original prints "FL/SEy006/2015"
    assert body(corpus_text("199394"))[1:3] == (
        "FL/SE/006/2015",
        "Ausschuss für Finanzen und Liegenschaften (Eigenbetrieb Stadtentwässerung)",
    )


def test_409486_with_the_session_spaced_out_by_ocr_as_in_603496() -> None:
    text = corpus_text("409486").replace("(UK/FB/SE/060/2019)", "( U K/F B/SE/060/201 9)")
    assert body(text)[1] == "UK/FB/SE/060/2019"


def test_536005_an_authors_two_digit_session_number_is_the_three_digit_one() -> None:
    assert body(corpus_text("536005"))[1:3] == ("SR/067/2019", "Stadtrat")


def test_161317_a_2013_session_under_a_code_a_later_committee_took_names_no_body() -> None:
    vorlage, session, committee, warnings = body(corpus_text("161317"))
    assert (session, committee) == ("SB/074/2013", None)
    assert (
        "session SB/074/2013: SB names the Ausschuss für Stadtentwicklung, Bau, Verkehr und "
        "Liegenschaften only from 2017-05-17; the body of 2013 is not in the reference data"
        in warnings
    )


def test_161317_moved_to_2019_names_the_committee_of_that_code() -> None:
    text = corpus_text("161317").replace("SB/074/2013", "SB/074/2019")
    assert body(text)[2] == "Ausschuss für Stadtentwicklung, Bau, Verkehr und Liegenschaften"


def test_100337_a_body_not_in_the_reference_is_named_as_its_header_prints_it() -> None:
    text = (DATA / "100337.txt").read_text(encoding="utf-8")
    vorlage, session, committee, warnings = body(text)
    assert (vorlage, session, committee) == (
        "V1606/12",
        "AV/054/2012",
        "Ausschuss für Allgemeine Verwaltung, Ordnung und Sicherheit",
    )
    assert warnings == [
        "session AV/054/2012: body 'AV' is not in the reference data; its name read as printed: "
        "Ausschuss für Allgemeine Verwaltung, Ordnung und Sicherheit"
    ]


def test_100337_with_the_parenthesis_read_as_a_brace_and_the_name_broken_over_two_lines() -> None:
    text = (DATA / "100337.txt").read_text(encoding="utf-8")
    text = text.replace("Ordnung und Sicherheit (AV/", "Ordnung und\nSicherheit {AV/")
    assert body(text)[2] == "Ausschuss für Allgemeine Verwaltung, Ordnung und Sicherheit"
