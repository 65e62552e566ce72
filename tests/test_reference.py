"""Dresden's reference data, read from ontology/reference/dresden.ttl."""

from __future__ import annotations

from datetime import date

from loader.iris import Minter
from loader.reference import load_reference

M = Minter("dresden")


def test_committees_by_abbreviation_carry_full_name_and_minted_iri() -> None:
    ref = load_reference()
    jha = ref.committees["JHA"]
    assert (jha.name, jha.iri) == ("Jugendhilfeausschuss", str(M.committee("JHA")))
    assert ref.committees["OSR LB"].name == "Ortschaftsrat Langebrück"
    assert {"JHA", "SR", "SW", "AB", "WF", "OSR LB", "OSR CB", "SBR Co", "F", "SB", "SBR Pl", "SBR Leu",
            "OSR SW", "FL"} <= set(ref.committees)  # fmt: skip


def test_actors_include_offices_and_units_with_their_variant_labels() -> None:
    ref = load_reference()
    by_label = {a.label: a for a in ref.actors}
    assert by_label["Oberbürgermeister"].iri == str(M.office("Oberbürgermeister"))
    assert "Oberbürgermeisterin" in by_label["Oberbürgermeister"].labels
    assert "Verwaltung des Jugendamtes" in by_label["Jugendamt"].labels
    assert by_label["Verwaltung"].iri == str(M.unit("Verwaltung"))


def test_office_holders_have_incumbencies_with_only_supported_dates() -> None:
    ref = load_reference()
    hilbert = next(p for p in ref.persons if p.name == "Dirk Hilbert")
    ob = next(i for i in hilbert.incumbencies if i.office_label == "Oberbürgermeister")
    assert (ob.start, ob.end) == (date(2015, 1, 1), None)
    assert ob.covers(date(2024, 7, 1))


def test_framework_has_four_parts() -> None:
    ref = load_reference()
    assert [p.number for p in ref.framework_parts] == ["I", "II", "III", "IV"]
    assert ref.framework_parts[1].iri == str(M.framework_part("II"))


def test_another_base_rewrites_every_iri() -> None:
    ref = load_reference(base="https://example.org/rg")
    assert ref.committees["SR"].iri == "https://example.org/rg/id/dresden/committee/sr"
    assert all(a.iri.startswith("https://example.org/rg/") for a in ref.actors)
