"""Signatures (issue 12, class 7): office holders of 2010–2026 from the reference data, roles written
over two lines, a chair's block without a "Dresden, <date>" line, and plainly written names that
are not in the reference data. Each test starts from a real corpus document (its id in the name);
the variants add OCR damage.
"""

from __future__ import annotations

from loader.extract import extract_text

from .test_extract_bodies import DATA, corpus_text


def signed(text: str) -> list[tuple[str | None, str | None]]:
    return [(s.name, s.role) for s in extract_text(text, "t.txt").signatories]


def test_217258_a_role_over_two_lines_and_a_garbled_name_taken_from_the_office_held() -> None:
    assert signed(corpus_text("217258")) == [
        ("Hartmut Vorjohann", "Beigeordneter für Finanzen und Liegenschaften"),
        ("Dirk Hilbert", "Erster Bürgermeister"),
    ]


def test_217258_with_the_role_cut_after_fuer_names_nobody_for_it() -> None:
    text = corpus_text("217258").replace(
        "Beigeordneter für\nFinanzen und Liegenschaften\n", "Beigeordneter für\n"
    )
    assert signed(text) == [("Dirk Hilbert", "Erster Bürgermeister")]


def test_586983_a_role_continued_on_a_line_opening_with_und() -> None:
    assert signed(corpus_text("586983")) == [
        ("Eva Jähnigen", "Beigeordnete für Umwelt und Kommunalwirtschaft"),
        ("Detlef Sittel", "Erster Bürgermeister"),
    ]


def test_586983_with_the_name_garbled_as_in_624009() -> None:
    text = corpus_text("586983").replace("Eva Jähnigen", "Eva Jähnigj")
    assert signed(text)[0] == ("Eva Jähnigen", "Beigeordnete für Umwelt und Kommunalwirtschaft")


def test_422055_a_chair_whose_surname_ocr_half_read() -> None:
    assert signed(corpus_text("422055")) == [("Dirk Hilbert", "Vorsitzender")]


def test_651553_a_chair_signing_without_a_place_and_date_line() -> None:
    text = corpus_text("651553")
    assert signed(text) == [("Dirk Hilbert", "Vorsitzender")]
    last_point = extract_text(text, "t.txt").points[-1].text
    assert last_point.endswith("zu prüfen und einzufordern.")


def test_483588_a_plainly_written_chair_not_in_the_reference_is_read_as_written() -> None:
    text = corpus_text("483588").replace("Jörg Lämmerhirt", "Jörg Kaufmann")
    ext = extract_text(text, "t.txt")
    assert [(s.name, s.role, s.matched) for s in ext.signatories] == [
        ("Jörg Kaufmann", "Vorsitzender", False)
    ]
    assert any("'Jörg Kaufmann' not found in the reference data" in w.message for w in ext.warnings)


def test_624009_a_role_continued_below_the_other_columns_role() -> None:
    # "Beigeordnete für Umwelt" / "Oberbürgermeister" / "und Kommunalwirtschaft", names "Eva Jähnigj"
    assert signed(corpus_text("624009")) == [
        ("Eva Jähnigen", "Beigeordnete für Umwelt und Kommunalwirtschaft"),
        ("Dirk Hilbert", "Oberbürgermeister"),
    ]


def test_409486_a_surname_cut_off_after_two_letters_with_a_unique_first_name() -> None:
    assert signed(corpus_text("409486")) == [("Eva Jähnigen", "Vorsitzende")]


def test_409486_with_a_first_name_nobody_in_the_reference_has_is_no_match() -> None:
    text = corpus_text("409486").replace("Eva Ja", "Ida Ja")
    ext = extract_text(text, "t.txt")
    assert [(s.name, s.role) for s in ext.signatories] == [(None, "Vorsitzende")]
    assert "signatory 'Ida Ja' is no legible name; left empty" in [w.message for w in ext.warnings]


def test_153665_a_lone_first_name_fragment_under_the_letterhead_of_its_holder() -> None:
    # "Kenntnisnahme:" / "Jörr" / "na Orosz" / "irbürgermeisterin"; letterhead: Beigeordneter für
    # Stadtentwicklung, whose holder in 2013 is Jörn Marx
    assert signed(corpus_text("153665")) == [
        ("Jörn Marx", "Beigeordneter für Stadtentwicklung"),
        ("Helma Orosz", "Oberbürgermeisterin"),
    ]


def test_153665_under_another_offices_letterhead_the_fragment_names_nobody() -> None:
    text = corpus_text("153665").replace(
        "Beigeordneter für Stadtentwicklung", "Beigeordneter für Kultur"
    )
    assert [s[0] for s in signed(text)] == ["Helma Orosz"]


def test_191649_a_greeting_damaged_by_ocr_still_opens_the_signature_block() -> None:
    assert signed(corpus_text("191649")) == [
        ("Winfried Lehmann", "Beigeordneter für Allgemeine Verwaltung"),
        ("Helma Orosz", "Oberbürgermeisterin"),
    ]


def test_757975_an_unnamed_officer_and_a_role_hyphenated_over_two_lines_below_its_name() -> None:
    # "lorn" / "Verwaltungsstellenleiter" / "Kenntnisnahme:" / "Kerstin Zimmermann" /
    # "Amtsleiterin Amt f. Stadt-" / "strat., Internat, u. Bürger"
    assert signed(corpus_text("757975")) == [
        (None, "Verwaltungsstellenleiter"),
        ("Kerstin Zimmermann", "Amtsleiterin Amt f. Stadtstrat., Internat, u. Bürger"),
    ]


def test_732524_a_chair_whose_name_ocr_cut_is_a_chair_without_a_name() -> None:
    # "ximilian Värtler" / "Vorsitzender": a chair is no office with one holder to take the name from
    assert signed(corpus_text("732524")) == [(None, "Vorsitzender")]


def test_620443_a_verwaltungsstellenleiter_without_a_name_line() -> None:
    text = (DATA / "620443.txt").read_text(encoding="utf-8")
    assert signed(text) == [
        (None, "Verwaltungsstellenleiter"),
        ("Detlef Sittel", "Erster Bürgermeister"),
    ]


def test_395642_a_name_fragment_below_a_cut_role_is_a_name_not_the_roles_rest() -> None:
    # "ul Sis^midt-Lamontain" / "Beigeordneter für Stadtentwicklung, Bau," / "lilbert" /
    # "Oberbürgermeister" (tests/data/ratsinfo, from dresden-ratsinfo)
    text = (DATA / "395642.txt").read_text(encoding="utf-8")
    assert signed(text) == [
        ("Raoul Schmidt-Lamontain", "Beigeordneter für Stadtentwicklung, Bau"),
        ("Dirk Hilbert", "Oberbürgermeister"),
    ]
