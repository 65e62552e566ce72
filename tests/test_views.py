"""The named views over the two sample documents: the flagship questions, answered exactly."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from service.queries import QUERIES_DIR, load_queries
from service.web.errors import UserError

OB = "https://w3id.org/ratsgraph/id/dresden/office/oberbuergermeister"
JUGENDAMT = "https://w3id.org/ratsgraph/id/dresden/unit/jugendamt"


def rows(client, path: str) -> list[dict]:  # noqa: ANN001
    resp = client.get(path)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    data = resp.get_json()
    return data["rows"]


def test_open_points_delegated_to_oberbuergermeister(client) -> None:  # noqa: ANN001
    found = rows(client, "/views/open-points?actor=Oberbürgermeister&format=json")
    assert [(r["vorlage"], r["point"], r["status"], r["actor"]) for r in found] == [
        ("V1106/21", 4, "offen", OB),
        ("V2620/23", 4, "fortlaufend", OB),
    ]
    assert found[0]["point_iri"] == (
        "https://w3id.org/ratsgraph/id/dresden/resolution/V1106-21/JHA-042-2022/point/4"
    )
    assert found[0]["text"].startswith("Der Oberbürgermeister wird beauftragt")
    assert found[1]["report"].startswith("https://w3id.org/ratsgraph/id/dresden/document/")


def test_open_points_delegated_to_jugendamt_earliest_deadline_first(client) -> None:  # noqa: ANN001
    found = rows(client, "/views/open-points?actor=Jugendamt&format=json")
    assert [(r["vorlage"], r["point"], r["deadline"], r["status"]) for r in found] == [
        ("V1106/21", 5, "2023-06-30", "offen"),
        ("V1106/21", 6, None, "offen"),
        ("V1106/21", 7, None, "offen"),
    ]


@pytest.mark.parametrize(
    "actor", ["Oberbürgermeister", "oberbuergermeister", OB, "oberbürgermeisterin"]
)
def test_actor_parameter_takes_label_slug_or_iri(client, actor: str) -> None:  # noqa: ANN001
    found = rows(client, f"/views/open-points?actor={actor}&format=json")
    assert {r["actor"] for r in found} == {OB}


def test_overdue_lists_point_5_after_its_deadline(client) -> None:  # noqa: ANN001
    found = rows(client, "/views/overdue?as_of=2024-01-01&format=json")
    assert [(r["vorlage"], r["point"], r["deadline"], r["actor"]) for r in found] == [
        ("V1106/21", 5, "2023-06-30", JUGENDAMT)
    ]
    assert rows(client, "/views/overdue?as_of=2023-06-30&format=json") == []


def test_overdue_defaults_to_today(client) -> None:  # noqa: ANN001
    found = rows(client, "/views/overdue?format=json")
    assert [(r["vorlage"], r["point"]) for r in found] == [("V1106/21", 5)]


def test_resolution_view_shows_each_point_with_its_history(client) -> None:  # noqa: ANN001
    found = rows(client, "/views/resolution?vorlage=V2620/23&format=json")
    assert [(r["point"], r["status"], r["actor"]) for r in found] == [
        (1, "umgesetzt", None),
        (2, "umgesetzt", None),
        (3, "fortlaufend", None),
        (4, "fortlaufend", OB),
    ]
    assert {r["session"] for r in found} == {"JHA/061/2024"}


def test_resolution_view_lists_unreported_points_once_as_offen(client) -> None:  # noqa: ANN001
    found = rows(client, "/views/resolution?vorlage=V1106/21&format=json")
    assert [(r["point"], r["status"]) for r in found] == [(n, "offen") for n in range(1, 8)]
    assert found[0]["session_date"] == "2022-10-13"
    assert found[4]["deadline"] == "2023-06-30"


def test_framework_view_places_planning_reports_in_their_parts(client) -> None:  # noqa: ANN001
    found = rows(client, "/views/framework?format=json")
    placed = {(r["part"].rsplit("/", 1)[1], r["vorlage"]) for r in found if r["vorlage"]}
    assert placed == {("teil-ii", "V1106/21"), ("teil-iv", "V2620/23")}
    assert {r["part"].rsplit("/", 1)[1] for r in found} == {
        "teil-i",
        "teil-ii",
        "teil-iii",
        "teil-iv",
    }


def test_actor_summary_counts_points_by_status(client) -> None:  # noqa: ANN001
    found = {r["actor"]: r for r in rows(client, "/views/actor-summary?format=json")}
    assert {k: found[k] for k in (OB, JUGENDAMT)} == {
        OB: {
            "as_of": None,
            "body": None,
            "actor": OB,
            "actor_label": "Oberbürgermeister",
            "points": 2,
            "offen": 1,
            "in_umsetzung": 0,
            "fortlaufend": 1,
            "umgesetzt": 0,
        },
        JUGENDAMT: {
            "as_of": None,
            "body": None,
            "actor": JUGENDAMT,
            "actor_label": "Jugendamt",
            "points": 3,
            "offen": 3,
            "in_umsetzung": 0,
            "fortlaufend": 0,
            "umgesetzt": 0,
        },
    }


def test_view_as_csv(client) -> None:  # noqa: ANN001
    resp = client.get("/views/open-points?actor=Jugendamt&format=csv")
    assert resp.mimetype == "text/csv"
    lines = resp.get_data(as_text=True).splitlines()
    assert lines[0].startswith("vorlage,session,point,text,actor")
    assert len(lines) == 4


def test_view_html_has_a_form_for_its_parameters(client) -> None:  # noqa: ANN001
    resp = client.get("/views/open-points?actor=Jugendamt")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert '<input name="actor" value="Jugendamt"' in html
    assert "V1106/21" in html


def test_unknown_parameter_is_a_clear_400(client) -> None:  # noqa: ANN001
    resp = client.get("/views/open-points?akteur=x&format=json")
    assert resp.status_code == 400
    assert resp.get_json() == {
        "ok": False,
        "status": 400,
        "error": "unknown parameter 'akteur' for view open-points; expected: actor, as_of, body",
    }


def test_unknown_actor_label_is_a_clear_400_naming_the_actors_there_are(client) -> None:  # noqa: ANN001
    resp = client.get("/views/open-points?actor=Niemand&format=json")
    assert resp.status_code == 400
    error = resp.get_json()["error"]
    assert error.startswith(
        "parameter 'actor' of view open-points: nothing is called 'Niemand'; known values: "
    )
    known = error.split("known values: ", 1)[1].split("; ")  # the first 20 of the reference data
    assert (known[0], len(known), known[-1]) == ("Amt für Kindertagesbetreuung", 21, "…")


def test_bad_date_is_a_clear_400(client) -> None:  # noqa: ANN001
    resp = client.get("/views/overdue?as_of=2022-13-10&format=json")
    assert resp.status_code == 400
    assert "must be a date like 2023-06-30 or 30.06.2023" in resp.get_json()["error"]


def test_every_view_has_a_documented_header() -> None:
    queries = load_queries(QUERIES_DIR)
    assert set(queries) >= {"open-points", "overdue", "resolution", "framework", "actor-summary"}
    for q in queries.values():
        assert q.title and q.title_en and q.title != q.title_en, q.name  # German and English
        assert q.description and q.description_en, q.name
        assert not re.search(r"\?[a-z]", q.description + q.description_en), q.name  # no ?variables
        projected = q.text[q.text.index("\nSELECT") :].split("{", 1)[0]  # the outer SELECT list
        for p in q.params:
            assert f"?{p.name}" in projected, f"{q.name}: {p.name} not projected"
        assert q.columns, f"{q.name}: no '# column:' lines"
        for c in q.columns:
            assert f"?{c.name}" in projected and c.de and c.en, f"{q.name}: column {c.name}"
            assert c.link is None or f"?{c.link}" in projected, f"{q.name}: link {c.link}"


def test_a_view_file_changed_or_added_is_read_again_once_its_folder_is_looked_at_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder's files are looked at again at most every `RECHECK_S` (requests ask for the views
    several times each), then a changed or a new file is read."""
    import service.queries  # noqa: PLC0415

    monkeypatch.setattr(service.queries, "RECHECK_S", 0.2)
    view = (
        "# title: Eins\n# title_en: One\n# description: d\n# description_en: d\n"
        "SELECT ?s WHERE { ?s ?p ?o }\n"
    )
    (tmp_path / "one.rq").write_text(view, encoding="utf-8")
    assert load_queries(tmp_path)["one"].title == "Eins"
    (tmp_path / "one.rq").write_text(view.replace("Eins", "Uno"), encoding="utf-8")
    os.utime(tmp_path / "one.rq", (0, 1))  # a changed time, however coarse the file system's clock
    (tmp_path / "two.rq").write_text(view, encoding="utf-8")
    assert set(load_queries(tmp_path)) == {"one"}  # not looked at again yet
    time.sleep(0.25)
    again = load_queries(tmp_path)
    assert (again["one"].title, set(again)) == ("Uno", {"one", "two"})


def test_parameter_values_are_bound_as_terms_not_spliced() -> None:
    q = load_queries(QUERIES_DIR)["resolution"]
    text = q.bind({"vorlage": 'V1"} UNION { ?s ?p ?o } #'})
    assert 'VALUES (?vorlage) { ("V1\\"} UNION { ?s ?p ?o } #") }' in text
    with pytest.raises(UserError):
        load_queries(QUERIES_DIR)["framework"].bind({"part": "x> } <y"})


def test_framework_view_leaves_out_a_point_adopting_a_report_outside_any_resolution(
    fresh_store,  # noqa: ANN001
) -> None:
    """A point adopting a planning report whose resolution is not in the store (written by
    another program, or a resolution deleted behind us) has no paper to show: its row is left
    out, not shown once for every resolution in the store (an unbound ?resolution matched by the
    next pattern)."""
    from loader import SAMPLES_DIR  # noqa: PLC0415
    from service.ingest.loading import load_paths  # noqa: PLC0415
    from service.web import create_app  # noqa: PLC0415

    assert all(r.ok for r in load_paths(fresh_store, [SAMPLES_DIR], jobs=1))
    app = create_app({"TESTING": True, "VIEW_WARM": False, "VIEW_CACHE_SIZE": 0}, store=fresh_store)
    client = app.test_client()
    before = rows(client, "/views/framework?format=json")
    report = next(r["report"] for r in before if r["vorlage"] == "V1106/21")
    stray = "https://example.org/other-program/point/1"
    update = (
        f"INSERT DATA {{ <{stray}> <https://w3id.org/ratsgraph/ontology#adoptsReport> <{report}> }}"
    )
    if hasattr(fresh_store, "update"):
        fresh_store.update(update)
    else:
        fresh_store._store.update(update)
    after = rows(client, "/views/framework?format=json")
    assert [r for r in after if r["point_iri"] == stray] == []
    assert after == before
