"""Views as pages people read: German first and English complete, labels instead of slugs, dates
the German way, plurals right; parameters as people type them; the state as of a date; tables
sorted, filtered and paged like Datasette's; CSV for Excel. All on the two sample documents."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest

OB = "https://w3id.org/ratsgraph/id/dresden/office/oberbuergermeister"
PARTS = "https://w3id.org/ratsgraph/id/dresden/framework/planungsrahmen-kinder-und-jugendhilfe/"
POINT_4 = "https://w3id.org/ratsgraph/id/dresden/resolution/V1106-21/JHA-042-2022/point/4"


def page(client, url: str, **headers: str) -> str:  # noqa: ANN001
    resp = client.get(url, headers=headers)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return resp.get_data(as_text=True)


def json_rows(client, url: str) -> list[dict]:  # noqa: ANN001
    resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return resp.get_json()["rows"]


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html)).strip()


def headings(html: str) -> list[str]:
    return [text_of(h).rstrip(" ▲▼") for h in re.findall(r"<th scope=\"col\".*?</th>", html)]


def cells(html: str, column: str) -> list[str]:
    return [
        text_of(c)
        for c in re.findall(rf'<td[^>]*class="col-{column}(?: passed)?">(.*?)</td>', html)
    ]


def links(html: str, column: str) -> list[tuple[str, str]]:
    found = re.findall(
        rf'<td[^>]*class="col-{column}(?: passed)?"><a href="([^"]*)">(.*?)</a>', html
    )
    return [(unescape(href), text_of(text)) for href, text in found]


def visible(html: str) -> str:
    """The text a reader sees in the page's main part (no SPARQL source, no attributes)."""
    main = html.split("<main>", 1)[1].split("<details>", 1)[0]
    return text_of(re.sub(r"<code>.*?</code>", "", main))  # parameter names as typed in URLs


def test_columns_are_headed_in_german_by_default(client) -> None:  # noqa: ANN001
    html = page(client, "/views/open-points?actor=Oberbürgermeister")
    assert headings(html) == [
        "Vorlage",
        "Punkt",
        "Beschlusstext",
        "Beauftragt",
        "Frist",
        "Stand",
        "Stand vom",
    ]
    assert "<h1>Offene Beschlusspunkte eines Akteurs</h1>" in html
    assert '<html lang="de">' in html


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        ("/views/open-points?actor=Oberbürgermeister&lang=en", {}),
        ("/views/open-points?actor=Oberbürgermeister", {"Accept-Language": "en-GB,en;q=0.8"}),
    ],
)
def test_english_by_lang_parameter_or_accept_language(client, url: str, headers) -> None:  # noqa: ANN001
    html = page(client, url, **headers)
    assert headings(html) == [
        "Paper",
        "Point",
        "Text of the point",
        "Tasked",
        "Deadline",
        "Status",
        "Status of",
    ]
    assert "<h1>Open points delegated to an actor</h1>" in html
    assert '<span id="row-count">2 rows</span>' in html
    assert cells(html, "status") == ["open", "ongoing"]


def test_german_wins_when_the_browser_prefers_it(client) -> None:  # noqa: ANN001
    html = page(client, "/views/overdue", **{"Accept-Language": "de-DE,de;q=0.9,en;q=0.8"})
    assert headings(html)[0] == "Frist"


def test_no_variable_names_or_slugs_in_what_a_reader_sees(client) -> None:  # noqa: ANN001
    html = page(client, "/views/open-points?actor=Oberbürgermeister")
    text = visible(html)
    for raw in (
        "?actor",
        "actor_label",
        "point_iri",
        "status_date",
        "oberbuergermeister",
        "JHA-042",
    ):
        assert raw not in text, raw
    assert links(html, "vorlage") == [
        ("/id/dresden/resolution/V1106-21/JHA-042-2022", "V1106/21"),
        ("/id/dresden/resolution/V2620-23/JHA-061-2024", "V2620/23"),
    ]
    assert links(html, "actor_label")[0] == (
        "/id/dresden/office/oberbuergermeister",
        "Oberbürgermeister",
    )
    assert links(html, "point")[0] == ("/id/dresden/resolution/V1106-21/JHA-042-2022/point/4", "4")


def test_every_view_page_shows_no_variable_names(client) -> None:  # noqa: ANN001
    for url in (
        "/views/open-points",
        "/views/overdue?as_of=2024-01-01",
        "/views/resolution?vorlage=V2620/23",
        "/views/framework",
        "/views/actor-summary",
        "/views/",
    ):
        text = visible(page(client, url))
        assert not re.search(r"\?[a-z_]+\b|\b[a-z]+_[a-z_]+\b", text), (url, text[:300])


def test_dates_german_on_pages_iso_in_json_and_passed_deadlines_marked(client) -> None:  # noqa: ANN001
    html = page(client, "/views/overdue?as_of=2024-01-01")
    assert cells(html, "deadline") == ["30.06.2023 abgelaufen"]
    assert 'class="col-deadline passed">30.06.2023 <span class="badge">abgelaufen</span>' in html
    assert json_rows(client, "/views/overdue.json?as_of=2024-01-01")[0]["deadline"] == "2023-06-30"
    before = page(client, "/views/open-points?actor=Jugendamt&as_of=2023-06-01")
    assert cells(before, "deadline") == ["30.06.2023", "", ""]  # not passed on that day
    assert page(client, "/views/overdue?as_of=2024-01-01&lang=en").count("30 Jun 2023") == 1


def test_row_counts_in_singular_and_plural(client) -> None:  # noqa: ANN001
    assert '<span id="row-count">1 Zeile</span>' in page(client, "/views/overdue?as_of=2024-01-01")
    assert '<span id="row-count">2 Zeilen</span>' in page(
        client, "/views/open-points?actor=Oberbürgermeister"
    )
    assert '<span id="row-count">1 row</span>' in page(client, "/views/overdue?lang=en")


def test_the_chosen_language_is_kept_across_links(client) -> None:  # noqa: ANN001
    html = page(client, "/views/open-points?actor=Jugendamt&lang=en")
    hrefs = [unescape(h) for h in re.findall(r'href="([^"]+)"', html.split("<main>", 1)[1])]
    inner = [h for h in hrefs if h.startswith("/id/") or h.startswith("/views/")]
    assert inner and all("lang=en" in h for h in inner), inner
    switch = re.search(r'<a href="([^"]+)" class="lang-switch"', html)
    assert switch and "lang=de" in unescape(switch.group(1))


@pytest.mark.parametrize(
    "part",
    ["teil-iv", "Teil IV – Spezifischer Teil", "part iv – specific part", "IV", PARTS + "teil-iv"],
)
def test_part_takes_label_slug_number_or_iri(client, part: str) -> None:  # noqa: ANN001
    found = json_rows(client, f"/views/framework.json?part={part}")
    assert [(r["part"], r["vorlage"]) for r in found] == [(PARTS + "teil-iv", "V2620/23")]


@pytest.mark.parametrize("vorlage", ["V1106/21", "V1106-21", "v1106/21", "v1106-21", " V1106/21 "])
def test_vorlage_takes_the_forms_people_type(client, vorlage: str) -> None:  # noqa: ANN001
    found = json_rows(client, f"/views/resolution.json?vorlage={vorlage}")
    assert [(r["vorlage"], r["point"]) for r in found] == [("V1106/21", n) for n in range(1, 8)]


def test_as_of_takes_iso_and_german_dates(client) -> None:  # noqa: ANN001
    iso = json_rows(client, "/views/overdue.json?as_of=2024-01-01")
    assert json_rows(client, "/views/overdue.json?as_of=01.01.2024") == iso
    assert json_rows(client, "/views/overdue.json?as_of=1.1.2024") == iso
    assert [r["point"] for r in iso] == [5]


@pytest.mark.parametrize(
    ("url", "error"),
    [
        (
            "/views/resolution.json?vorlage=V9999/99",
            "parameter 'vorlage' of view resolution: nothing is called 'V9999/99'; "
            "known values: V1106/21; V2620/23",
        ),
        (
            "/views/framework.json?part=teil-v",
            "parameter 'part' of view framework: nothing is called 'teil-v'; known values: "
            "Teil I – Allgemeiner Teil; Teil II – Übergreifende Themen; "
            "Teil III – Leistungsfelder und Leistungsarten; Teil IV – Spezifischer Teil",
        ),
        (
            "/views/overdue.json?as_of=31.02.2024",
            "parameter 'as_of' of view overdue must be a date like 2023-06-30 or 30.06.2023, "
            "got '31.02.2024'",
        ),
    ],
)
def test_a_value_that_matches_nothing_names_the_values_that_exist(client, url, error) -> None:  # noqa: ANN001
    resp = client.get(url)
    assert (resp.status_code, resp.get_json()["error"]) == (400, error)


def test_as_of_2023_the_oberbuergermeister_had_point_4_of_v1106_21_open(client) -> None:  # noqa: ANN001
    found = json_rows(client, "/views/open-points.json?actor=Oberbürgermeister&as_of=2023-01-01")
    assert [(r["vorlage"], r["point"], r["status"], r["point_iri"]) for r in found] == [
        ("V1106/21", 4, "offen", POINT_4)
    ]


def test_as_of_a_date_resolutions_decided_later_are_left_out(client) -> None:  # noqa: ANN001
    assert json_rows(client, "/views/resolution.json?vorlage=V2620/23&as_of=2023-01-01") == []
    before = json_rows(client, "/views/resolution.json?vorlage=V1106/21&as_of=2022-10-12")
    assert before == []
    on_the_day = json_rows(client, "/views/resolution.json?vorlage=V1106/21&as_of=13.10.2022")
    assert [r["point"] for r in on_the_day] == list(range(1, 8))
    summary = json_rows(
        client, "/views/actor-summary.json?actor=Oberbürgermeister&as_of=2023-01-01"
    )
    assert [(r["points"], r["offen"], r["fortlaufend"]) for r in summary] == [(1, 1, 0)]


def test_as_of_a_past_date_an_undated_report_is_not_yet_known(client) -> None:  # noqa: ANN001
    """The Beschlusskontrolle of V2620/23 carries no readable date: today it counts, but as of a
    day in the past nobody can say it had been written, so the points stand as they were decided."""
    now = json_rows(client, "/views/resolution.json?vorlage=V2620/23")
    assert [r["status"] for r in now] == ["umgesetzt", "umgesetzt", "fortlaufend", "fortlaufend"]
    past = json_rows(client, "/views/resolution.json?vorlage=V2620/23&as_of=2024-06-30")
    assert [(r["point"], r["status"]) for r in past] == [(n, "offen") for n in range(1, 5)]
    summary = json_rows(
        client, "/views/actor-summary.json?actor=Oberbürgermeister&as_of=2024-06-30"
    )
    assert [(r["points"], r["offen"], r["fortlaufend"]) for r in summary] == [(2, 2, 0)]


def test_sorting_by_any_column_either_way(client) -> None:  # noqa: ANN001
    base = "/views/open-points.json?actor=Jugendamt"
    assert [r["point"] for r in json_rows(client, base + "&_sort_desc=point")] == [7, 6, 5]
    assert [r["point"] for r in json_rows(client, base + "&_sort=point")] == [5, 6, 7]
    by_deadline = json_rows(client, base + "&_sort_desc=deadline")
    assert [r["deadline"] for r in by_deadline] == ["2023-06-30", None, None]  # empty cells last
    default = json_rows(client, "/views/actor-summary.json")
    assert [r["actor_label"] for r in default] == ["Jugendamt", "Oberbürgermeister"]  # by points
    by_count = json_rows(client, "/views/actor-summary.json?_sort=points")
    assert [(r["actor_label"], r["points"]) for r in by_count] == [
        ("Oberbürgermeister", 2),
        ("Jugendamt", 3),
    ]


def test_filtering_by_column_value_with_the_total_count(client) -> None:  # noqa: ANN001
    resp = client.get("/views/open-points.json?status__exact=fortlaufend")
    data = resp.get_json()
    assert [(r["vorlage"], r["point"]) for r in data["rows"]] == [("V2620/23", 4)]
    assert data["total"] == 1
    contains = json_rows(client, "/views/open-points.json?actor_label__contains=jugend")
    assert {r["actor_label"] for r in contains} == {"Jugendamt"}
    html = page(client, "/views/open-points?status__exact=fortlaufend")
    assert 'gefiltert: <span class="filter">status = fortlaufend' in html


def test_the_filter_form_leads_to_the_documented_url(client) -> None:  # noqa: ANN001
    resp = client.get(
        "/views/open-points?actor=Jugendamt&_filter_column=point&_filter_op=exact&_filter_value=6"
    )
    assert resp.status_code == 303
    assert resp.headers["Location"] == "/views/open-points?actor=Jugendamt&point__exact=6"


@pytest.mark.parametrize(
    ("url", "error"),
    [
        (
            "/views/overdue.json?_sort=nope",
            "view overdue cannot sort by 'nope'; its columns are as_of, vorlage, session, point, "
            "text, actor, actor_label, deadline, deadline_text, status, status_date, point_iri, "
            "resolution, body",
        ),
        (
            "/views/framework.json?x__exact=1",
            "unknown parameter 'x__exact' for view framework: no column 'x'; its columns are "
            "framework, part, part_label, report, report_title, vorlage, session, resolution, "
            "point_iri, body",
        ),
        (
            "/views/framework.json?part__like=1",
            "unknown parameter 'part__like' for view framework: a filter is COLUMN__exact=VALUE "
            "or COLUMN__contains=TEXT",
        ),
    ],
)
def test_sorting_or_filtering_by_what_is_not_there_is_a_clear_400(client, url, error) -> None:  # noqa: ANN001
    resp = client.get(url)
    assert (resp.status_code, resp.get_json()["error"]) == (400, error)


def test_pages_link_previous_and_next_with_their_place_in_the_total(client, backend: str) -> None:  # noqa: ANN001
    html = page(client, "/views/resolution?vorlage=V1106/21&_size=3&_offset=3")
    # a cached answer knows its total; of a remote store only the page is asked, so "at least"
    total = "7" if backend == "embedded" else "mindestens 7"
    assert f'<span id="row-count">Zeilen 4–6 von {total}</span>' in html
    prev = unescape(re.search(r'<a rel="prev" href="([^"]+)"', html).group(1))
    following = unescape(re.search(r'<a rel="next" href="([^"]+)"', html).group(1))
    assert (urlsplit(prev).path, parse_qsl(urlsplit(prev).query)) == (
        "/views/resolution",
        [("vorlage", "V1106/21"), ("_size", "3")],
    )
    assert parse_qsl(urlsplit(following).query) == [
        ("vorlage", "V1106/21"),
        ("_size", "3"),
        ("_offset", "6"),
    ]
    assert cells(html, "point") == ["4", "5", "6"]
    assert '<span id="row-count">Zeilen 7–7 von 7</span>' in page(client, following)


def test_format_links_keep_the_parameters(client) -> None:  # noqa: ANN001
    html = page(client, "/views/open-points?actor=Jugendamt&_sort_desc=point")
    for href in (
        "/views/open-points.json?actor=Jugendamt&amp;_sort_desc=point",
        "/views/open-points.csv?actor=Jugendamt&amp;_sort_desc=point",
        "/views/open-points.atom?actor=Jugendamt&amp;_sort_desc=point",
        "/views/open-points.csv?actor=Jugendamt&amp;_sort_desc=point&amp;excel=1",
    ):
        assert f'href="{href}"' in html, href


def test_csv_for_excel_has_a_byte_order_mark_and_semicolons(client) -> None:  # noqa: ANN001
    plain = client.get("/views/open-points.csv?actor=Oberbürgermeister").get_data()
    excel = client.get("/views/open-points.csv?actor=Oberbürgermeister&excel=1").get_data()
    assert not plain.startswith(b"\xef\xbb\xbf") and excel.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(excel.decode("utf-8-sig")), delimiter=";"))
    assert rows == list(csv.reader(io.StringIO(plain.decode("utf-8"))))
    assert rows[1][:3] == ["V1106/21", "JHA/042/2022", "4"] and "Oberbürgermeister" in rows[1]


@pytest.mark.parametrize(
    "url",
    [
        "/views/open-points?actor=Oberbürgermeister",
        "/views/overdue?as_of=2024-01-01",
        "/views/resolution?vorlage=V2620/23",
        "/views/framework",
        "/views/actor-summary",
        "/views/committee-years",
        "/views/status-reports?committee=jha",
    ],
)
def test_every_view_is_a_valid_atom_feed_linked_from_its_page(client, url: str) -> None:  # noqa: ANN001
    feedparser = pytest.importorskip("feedparser")
    html = page(client, url)
    alternate = re.search(
        r'<link rel="alternate" type="application/atom\+xml" [^>]*href="([^"]+)"', html
    )
    assert alternate, "no feed link in the page head"
    resp = client.get(unescape(alternate.group(1)))
    assert resp.mimetype == "application/atom+xml"
    feed = feedparser.parse(resp.get_data())
    rows = json_rows(client, url.replace("?", ".json?", 1) if "?" in url else url + ".json")
    assert (feed.bozo, feed.version) == (False, "atom10"), feed.get("bozo_exception")
    assert feed.feed.title and feed.feed.updated_parsed and feed.feed.author == "ratsgraph"
    assert [link.rel for link in feed.feed.links] == ["self", "alternate"]
    assert len(feed.entries) == len(rows)
    ids = [e.id for e in feed.entries]
    assert len(set(ids)) == len(ids) and all(e.title and e.updated_parsed for e in feed.entries)


def test_the_feed_of_open_points_names_each_point_and_links_its_page(client) -> None:  # noqa: ANN001
    feedparser = pytest.importorskip("feedparser")
    resp = client.get("/views/open-points.atom?actor=Oberbürgermeister")
    feed = feedparser.parse(resp.get_data())
    assert feed.feed.title == "Offene Beschlusspunkte eines Akteurs: Oberbürgermeister"
    assert [(e.id, e.title) for e in feed.entries] == [
        (POINT_4, "V1106/21 · Punkt 4 · Oberbürgermeister · offen"),
        (
            POINT_4.replace("V1106-21/JHA-042-2022", "V2620-23/JHA-061-2024"),
            "V2620/23 · Punkt 4 · Oberbürgermeister · fortlaufend",
        ),
    ]
    assert (
        feed.entries[0].link
        == "http://localhost/id/dresden/resolution/V1106-21/JHA-042-2022/point/4"
    )
    assert "Beschlusstext: Der Oberbürgermeister wird beauftragt" in feed.entries[0].summary
    english = feedparser.parse(client.get("/views/open-points.atom?actor=Jugendamt&lang=en").data)
    assert english.entries[0].title == "V1106/21 · Point 5 · Jugendamt · 30 Jun 2023 · open"


@pytest.mark.parametrize("as_of", ["", "01.01.2023"])
def test_summary_counts_link_to_the_points_they_count(client, as_of: str) -> None:  # noqa: ANN001
    html = page(client, f"/views/actor-summary?as_of={as_of}")
    followed = []
    for status in ("offen", "in_umsetzung", "fortlaufend"):
        for href, text in links(html, status):
            resp = client.get(href.replace("/views/open-points?", "/views/open-points.json?"))
            rows = resp.get_json()["rows"]
            assert len(rows) == int(text) and {r["status"] for r in rows} == {status}, href
            followed.append((rows[0]["actor_label"], status, int(text)))
    expected = {
        "": [
            ("Jugendamt", "offen", 3),
            ("Oberbürgermeister", "offen", 1),
            ("Oberbürgermeister", "fortlaufend", 1),
        ],
        "01.01.2023": [("Jugendamt", "offen", 3), ("Oberbürgermeister", "offen", 1)],
    }[as_of]
    assert sorted(followed) == sorted(expected)


def test_a_feed_of_the_status_reports_on_a_committees_resolutions(client) -> None:  # noqa: ANN001
    feedparser = pytest.importorskip("feedparser")
    feed = feedparser.parse(
        client.get("/views/status-reports.atom?committee=Jugendhilfeausschuss").data
    )
    assert feed.feed.title == "Gemeldeter Stand, neueste zuerst: Jugendhilfeausschuss"
    report = "V2620-23_Beschlusskontrolle_Hausmitteilung"
    point = "https://w3id.org/ratsgraph/id/dresden/resolution/V2620-23/JHA-061-2024/point/"
    assert [(e.id, e.title, e.link) for e in feed.entries] == [
        (
            f"{point}{n}/status/{report}",
            f"Jugendhilfeausschuss · V2620/23 · Punkt {n} · {status}",
            f"http://localhost/id/dresden/resolution/V2620-23/JHA-061-2024/point/{n}",
        )
        for n, status in (
            (1, "umgesetzt"),
            (2, "umgesetzt"),
            (3, "fortlaufend"),
            (4, "fortlaufend"),
        )
    ]
    # the report is undated: as of a past day it was not known yet
    assert json_rows(client, "/views/status-reports.json?committee=jha&as_of=2024-06-30") == []


def test_a_page_asked_for_what_does_not_exist_offers_what_does(client) -> None:  # noqa: ANN001
    resp = client.get("/views/resolution?vorlage=V9999/99")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "<p>Für „Vorlage“ passt nichts zu „V9999/99“.</p>" in html
    offered = re.findall(r'<a href="(/views/resolution\?[^"]+)">([^<]+)</a>', html)
    assert [(unescape(h), t) for h, t in offered] == [
        ("/views/resolution?vorlage=V1106%2F21", "V1106/21"),
        ("/views/resolution?vorlage=V2620%2F23", "V2620/23"),
    ]
    assert '<input name="vorlage" value="V9999/99"' in html  # the form, to try again
    assert client.get(unescape(offered[0][0])).status_code == 200
    english = client.get("/views/framework?part=teil-v&lang=en").get_data(as_text=True)
    assert "<p>Nothing matches “teil-v” for Part.</p>" in english
    assert ">Teil IV – Spezifischer Teil</a>" in english and "lang=en" in english
