"""Charts drawn on the server as SVG (no script), with their numbers as CSV beside them, on the
two sample documents; `as_of=` draws a past day."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

SVG = "{http://www.w3.org/2000/svg}"
OB = "https://w3id.org/ratsgraph/id/dresden/office/oberbuergermeister"
JUGENDAMT = "https://w3id.org/ratsgraph/id/dresden/unit/jugendamt"


def drawn(client, url: str) -> tuple[str, list[str]]:  # noqa: ANN001
    """The chart's title and the tooltip of every bar segment, as a reader hovering would see."""
    resp = client.get(url)
    assert (resp.status_code, resp.mimetype) == (200, "image/svg+xml")
    root = ET.fromstring(resp.get_data())
    assert (root.tag, root.get("role")) == (f"{SVG}svg", "img")
    segments = [
        r.findtext(f"{SVG}title")
        for r in root.iter(f"{SVG}rect")
        if r.find(f"{SVG}title") is not None
    ]
    return root.findtext(f"{SVG}title"), segments


def table(client, url: str) -> list[list[str]]:  # noqa: ANN001
    resp = client.get(url)
    assert (resp.status_code, resp.mimetype) == (200, "text/csv")
    return list(csv.reader(io.StringIO(resp.get_data(as_text=True))))


def test_points_by_status_per_actor(client) -> None:  # noqa: ANN001
    assert drawn(client, "/charts/points-by-status.svg") == (
        "Beauftragte Beschlusspunkte je Akteur nach Stand",
        ["Jugendamt: 3 offen", "Oberbürgermeister: 1 offen", "Oberbürgermeister: 1 fortlaufend"],
    )
    assert table(client, "/charts/points-by-status.csv") == [
        ["actor_label", "actor", "offen", "in_umsetzung", "fortlaufend", "umgesetzt"],
        ["Jugendamt", JUGENDAMT, "3", "0", "0", "0"],
        ["Oberbürgermeister", OB, "1", "0", "1", "0"],
    ]


def test_the_chart_of_a_past_day_and_in_english(client) -> None:  # noqa: ANN001
    assert drawn(client, "/charts/points-by-status.svg?as_of=01.01.2023&lang=en") == (
        "Delegated points per actor by status",
        ["Jugendamt: 3 open", "Oberbürgermeister: 1 open"],
    )


def test_overdue_points_by_actor(client) -> None:  # noqa: ANN001
    assert drawn(client, "/charts/overdue-by-actor.svg?as_of=2024-01-01") == (
        "Überfällige Beschlusspunkte je Akteur",
        ["Jugendamt: 1 überfällig"],
    )
    assert table(client, "/charts/overdue-by-actor.csv?as_of=2024-01-01") == [
        ["actor_label", "actor", "overdue"],
        ["Jugendamt", JUGENDAMT, "1"],
    ]
    assert drawn(client, "/charts/overdue-by-actor.svg?as_of=2023-01-01")[1] == []


def test_the_chart_page_needs_no_script_and_links_its_data(client) -> None:  # noqa: ANN001
    html = client.get("/charts/points-by-status?as_of=2023-01-01").get_data(as_text=True)
    assert "<script" not in html and '<figure class="chart"><svg' in html
    assert '<a href="/charts/points-by-status.csv?as_of=2023-01-01" id="chart-csv">CSV</a>' in html
    summary = client.get("/views/actor-summary?as_of=2023-01-01").get_data(as_text=True)
    assert '<a href="/charts/points-by-status?as_of=2023-01-01" id="chart">Diagramm</a>' in summary


@pytest.mark.parametrize(
    ("url", "status", "error"),
    [
        (
            "/charts/nope.svg",
            404,
            "no chart named 'nope'; available: points-by-status, overdue-by-actor, status-over-time, committee-years",
        ),
        (
            "/charts/overdue-by-actor.svg?akteur=x",
            400,
            "unknown parameter 'akteur' for view overdue; expected: as_of, body",
        ),
        (
            "/charts/status-over-time.svg?as_of=2024-01-01",
            400,
            "unknown parameter 'as_of' for chart status-over-time; expected: actor, body",
        ),
    ],
)
def test_a_wrong_chart_or_parameter_is_a_clear_error(client, url, status, error) -> None:  # noqa: ANN001
    resp = client.get(url, headers={"Accept": "application/json"})
    assert (resp.status_code, resp.get_json()["error"]) == (status, error)


def test_status_over_the_years_from_the_first_decision_to_today(client) -> None:  # noqa: ANN001
    today = date.today().isoformat()
    found = table(client, "/charts/status-over-time.csv?actor=Oberbürgermeister")
    assert found[0] == ["as_of", "view", "offen", "in_umsetzung", "fortlaufend", "umgesetzt"]
    by_day = {row[0]: row[2:] for row in found[1:]}
    assert list(by_day)[0] == "2022-12-31"  # V1106/21 was decided on 13.10.2022
    assert by_day["2022-12-31"] == ["1", "0", "0", "0"]
    assert by_day["2024-12-31"] == ["2", "0", "0", "0"]  # V2620/23 (2024), its report undated
    assert (list(by_day)[-1], by_day[today]) == (today, ["1", "0", "1", "0"])
    first_link = found[1][1]
    assert first_link == "/views/actor-summary?as_of=2022-12-31&actor=Oberb%C3%BCrgermeister"
    title, segments = drawn(client, "/charts/status-over-time.svg?actor=Oberbürgermeister")
    assert title == "Stand der beauftragten Beschlusspunkte im Lauf der Jahre: Oberbürgermeister"
    assert segments[0] == "31.12.2022: 1 offen"
    summary = client.get("/views/actor-summary?actor=Jugendamt").get_data(as_text=True)
    assert (
        '<a href="/charts/status-over-time?actor=Jugendamt" id="chart-time">Verlauf</a>' in summary
    )


JHA = "https://w3id.org/ratsgraph/id/dresden/committee/jha"


def test_committee_years_view_counts_resolutions_and_open_points(client) -> None:  # noqa: ANN001
    def counts(url: str) -> list[tuple]:
        rows = client.get(url).get_json()["rows"]
        return [
            (r["committee"], r["year"], r["resolutions"], r["points"], r["open_points"])
            for r in rows
        ]

    # V2620/23 (JHA/061/2024): one delegated point, reported 'fortlaufend'; V1106/21 (2022): four
    assert counts("/views/committee-years.json") == [(JHA, 2024, 1, 1, 1), (JHA, 2022, 1, 4, 4)]
    assert counts("/views/committee-years.json?committee=jha&as_of=31.12.2022") == [
        (JHA, 2022, 1, 4, 4)
    ]
    assert counts("/views/committee-years.json?as_of=2022-10-12") == []


def test_resolutions_and_open_points_per_committee_and_year_side_by_side(client) -> None:  # noqa: ANN001
    assert drawn(client, "/charts/committee-years.svg") == (
        "Beschlüsse und offene Punkte je Gremium und Jahr",
        [
            "Jugendhilfeausschuss 2024 – Beschlüsse: 1",
            "Jugendhilfeausschuss 2024 – offene Punkte: 1",
            "Jugendhilfeausschuss 2022 – Beschlüsse: 1",
            "Jugendhilfeausschuss 2022 – offene Punkte: 4",
        ],
    )
    assert table(client, "/charts/committee-years.csv?lang=en") == [
        ["committee_year", "committee", "resolutions", "open_points"],
        ["Jugendhilfeausschuss 2024", JHA, "1", "1"],
        ["Jugendhilfeausschuss 2022", JHA, "1", "4"],
    ]
    html = client.get("/views/committee-years").get_data(as_text=True)
    assert '<a href="/charts/committee-years" id="chart">Diagramm</a>' in html


def test_the_index_of_views_lists_every_chart(client) -> None:  # noqa: ANN001
    html = client.get("/views/?lang=en").get_data(as_text=True)
    listed = re.findall(r'<li><a href="/charts/([a-z-]+)\?lang=en">([^<]+)</a>', html)
    assert listed == [
        ("points-by-status", "Delegated points per actor by status"),
        ("overdue-by-actor", "Overdue points per actor"),
        ("status-over-time", "Delegated points by status over the years"),
        ("committee-years", "Resolutions and open points per committee and year"),
    ]
    for name, _ in listed:
        assert client.get(f"/charts/{name}").status_code == 200
