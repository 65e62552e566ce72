"""Many councils in one store (issue 13): every view, the search and the home page take an
optional `body`, and filtered by it answer with that council's rows only.

The store holds three councils: Dresden (the bundled sample documents, loaded as `ratsgraph load`
does), Pirna (the same two documents read by the real extractor for a second council, whose
reference data is Dresden's under its own IRIs: so each view's Pirna rows must be exactly the
Dresden rows under /id/pirna/) and Köln (the OParl specification's example council imported from
the test OParl server; its one file's PDF is not there, so it has a document and no resolutions).
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
import requests
from rdflib import Graph

from loader import SAMPLES_DIR, load_document
from loader.reference import parse_reference, reference_turtle
from service.ingest.loading import load_paths, reference_graph_iri
from service.store import EmbeddedStore

from .conftest import serving
from .oparl_server import VendorServer
from .test_oparl_vendors import koeln, run

ID = "https://w3id.org/ratsgraph/id/"
DRESDEN, PIRNA, KOELN = ID + "dresden", ID + "pirna", ID + "koeln"
VIEWS = ["open-points", "overdue", "resolution", "framework", "actor-summary",
         "committee-years", "status-reports"]  # fmt: skip
# each view with parameters that give rows in both councils (resolution needs its paper)
COUNTS = ("resolutions", "points", "documents")
ASKED = {"resolution": {"vorlage": "V1106/21"}}


def pirna_reference() -> str:
    """Dresden's reference data as a second council's: its IRIs under /id/pirna, its own name."""
    turtle = reference_turtle("dresden").replace(ID + "dresden", PIRNA)
    turtle = turtle.replace(
        '"Landeshauptstadt Dresden"@de , "City of Dresden"@en', '"Stadt Pirna"@de , "Pirna"@en'
    )
    return turtle.replace(
        'skos:altLabel "Dresden"@de , "LH Dresden"@de', 'skos:altLabel "Pirna"@de'
    )


@pytest.fixture(scope="module")
def councils(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server over a store with Dresden, Pirna and Köln; yields its base URL."""
    tmp = tmp_path_factory.mktemp("councils")
    store = EmbeddedStore(tmp / "store")
    loaded = load_paths(store, [SAMPLES_DIR])
    assert all(r.ok for r in loaded), [r.line() for r in loaded]
    turtle = pirna_reference()
    store.replace_graph(reference_graph_iri("pirna"), Graph().parse(data=turtle, format="turtle"))
    reference = parse_reference(turtle, "pirna")
    for path in sorted(SAMPLES_DIR.glob("*.txt")):
        doc = load_document(path, body="pirna", reference=reference)
        store.replace_graph_data(str(doc.graph_iri), doc.ntriples)
    with VendorServer([koeln()]) as server:
        report = run(store, server.system_url("koeln"), tmp, file_pattern=".*")
    assert (report.complete, report.failures) == (True, [])
    store.close()
    # no view cache: every page is asked of the store (with it, the warm-up's whole answers
    # would give the pages, and the paged path would go untested here)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("RATSGRAPH_VIEW_CACHE_SIZE", "0")
        with serving(tmp / "store") as base:
            yield base


def get_rows(base: str, view: str, **params: str) -> list[dict[str, Any]]:
    """Every row of a view's JSON answer."""
    query = urllib.parse.urlencode({"format": "json", "_size": "1000", **params})
    resp = requests.get(f"{base}/views/{view}?{query}", timeout=60)
    assert resp.status_code == 200, resp.text
    return resp.json()["rows"]


def as_dresden(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with every Pirna IRI written as Dresden's (the same documents, another council)."""
    return json.loads(json.dumps(rows).replace(PIRNA, DRESDEN))


@pytest.mark.parametrize("view", VIEWS)
def test_a_view_filtered_by_body_answers_with_that_councils_rows_only(councils, view) -> None:
    asked = ASKED.get(view, {})
    dresden = get_rows(councils, view, body="dresden", **asked)
    pirna = get_rows(councils, view, body="pirna", **asked)
    assert dresden, f"{view}: no Dresden rows to compare"
    # the same documents read for two councils: the same rows, each under its own council's IRIs
    assert as_dresden(pirna) == dresden
    assert PIRNA not in json.dumps(dresden) and DRESDEN + "/" not in json.dumps(pirna)
    assert get_rows(councils, view, body="koeln", **asked) == []
    # without body: every council's rows, Dresden's and Pirna's alike (body, the parameter, empty)
    everything = get_rows(councils, view, **asked)
    key = lambda row: json.dumps(row, sort_keys=True)  # noqa: E731
    unfiltered = [{**row, "body": None} for row in dresden + pirna]
    assert sorted(everything, key=key) == sorted(unfiltered, key=key)


@pytest.mark.parametrize("view", ["open-points", "overdue", "status-reports"])
@pytest.mark.parametrize("body", ["dresden", "pirna", ""])
@pytest.mark.parametrize("size", [1, 2, 3])
def test_a_councils_pages_walked_to_the_end_are_its_whole_answer(
    councils, view, body, size
) -> None:
    """The pages read from the derived index graphs (their end found among this council's keys
    only, though another council holds the same deadlines) add up to the whole answer; without a
    council every entry has a twin with the same sort keys, so pages begin and end inside runs
    of equal keys."""
    asked = {"body": body} if body else {}
    whole = get_rows(councils, view, **asked, _size="10000")  # MAX_ROWS: the whole answer
    paged: list[dict[str, Any]] = []
    while True:
        query = urllib.parse.urlencode({**asked, "_size": size, "_offset": len(paged)})
        resp = requests.get(f"{councils}/views/{view}.json?{query}", timeout=60)
        assert resp.status_code == 200, resp.text
        paged += resp.json()["rows"]
        if not resp.json().get("next"):
            break
        assert len(resp.json()["rows"]) == size
    assert paged == whole and len(whole) >= 1


def test_body_is_a_slug_a_label_or_an_iri(councils) -> None:
    pirna = get_rows(councils, "open-points", body="pirna")
    assert {row["body"] for row in pirna} == {PIRNA}
    for same in ("Stadt Pirna", "PIRNA", PIRNA):
        assert get_rows(councils, "open-points", body=same) == pirna, same


def test_an_unknown_body_is_a_400_naming_the_councils_there_are(councils) -> None:
    resp = requests.get(f"{councils}/views/overdue.json?body=Atlantis", timeout=60)
    assert (resp.status_code, resp.json()["error"]) == (
        400,
        "parameter 'body' of view overdue: nothing is called 'Atlantis'; known values: "
        "Landeshauptstadt Dresden; Stadt Köln, kreisfreie Stadt; Stadt Pirna",
    )


def test_an_office_every_council_has_is_found_within_the_body_given(councils) -> None:
    # two councils have a Jugendamt: without body the name is ambiguous, with it it is theirs
    resp = requests.get(f"{councils}/views/open-points.json?actor=Jugendamt", timeout=60)
    assert (resp.status_code, resp.json()["error"]) == (
        400,
        "parameter 'actor' of view open-points: 'Jugendamt' is ambiguous; use one of these: "
        f"{DRESDEN}/unit/jugendamt, {PIRNA}/unit/jugendamt",
    )
    pirna = get_rows(councils, "open-points", actor="Jugendamt", body="pirna")
    assert {row["actor"] for row in pirna} == {PIRNA + "/unit/jugendamt"}
    dresden = get_rows(councils, "open-points", actor="jugendamt", body="Landeshauptstadt Dresden")
    assert as_dresden(pirna) == dresden and len(dresden) == 3


def search(base: str, **params: str) -> dict[str, Any]:
    resp = requests.get(f"{base}/search", params={**params, "format": "json"}, timeout=60)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_search_takes_body_as_a_facet_by_slug_label_or_iri(councils) -> None:
    everything = search(councils, q="Jugendamt")
    assert [(f["value"], f["label"]) for f in everything["facets"]["body"]] == [
        (DRESDEN, "Landeshauptstadt Dresden"),
        (PIRNA, "Stadt Pirna"),
    ]
    pirna = search(councils, q="Jugendamt", body="pirna")
    dresden = search(councils, q="Jugendamt", body="dresden")
    iris = sorted(hit["iri"] for hit in pirna["hits"])
    assert iris and all(iri.startswith(PIRNA + "/") for iri in iris)
    assert [i.replace(PIRNA, DRESDEN) for i in iris] == sorted(h["iri"] for h in dresden["hits"])
    assert (pirna["filters"], pirna["total"] + dresden["total"]) == (
        {"body": PIRNA},
        everything["total"],
    )
    for same in ("Stadt Pirna", PIRNA):
        assert search(councils, q="Jugendamt", body=same)["hits"] == pirna["hits"]


class BodyList(HTMLParser):
    """The start page's list of councils: per item its slug, name, link, counts and view links."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[dict[str, Any]] = []
        self.inside = False
        self.field: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "ul":
            self.inside = a.get("id") == "bodies"
        elif self.inside and tag == "li":
            self.items.append({"slug": a["data-body"], "links": [], "name": ""})
        elif self.inside and tag == "a":
            self.items[-1]["links"].append(a["href"])
            self.field = "name" if len(self.items[-1]["links"]) == 1 else None
        elif self.inside and tag == "span":
            self.field = (a.get("class") or "").removeprefix("count-")

    def handle_endtag(self, tag: str) -> None:
        self.field = None
        if tag == "ul":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.field == "name":
            self.items[-1]["name"] += data
        elif self.field:
            self.items[-1][self.field] = int(data)


def test_the_start_page_lists_every_council_with_its_counts_and_filtered_views(councils) -> None:
    resp = requests.get(councils + "/", timeout=60)
    assert resp.status_code == 200
    page = BodyList()
    page.feed(resp.text)
    views = ("open-points", "overdue", "actor-summary", "committee-years", "status-reports")

    def item(slug: str, name: str, resolutions: int, points: int, documents: int) -> dict:
        links = [f"/id/{slug}", *(f"/views/{v}?body={slug}" for v in views)]
        counts = {"resolutions": resolutions, "points": points, "documents": documents}
        return {"slug": slug, "name": name, "links": links, **counts}

    # Dresden and Pirna: the two sample documents (a Beschlussausfertigung of 7 points, a
    # Beschlusskontrolle of 4); Köln: one file whose PDF is missing, kept as metadata only, so
    # no source document read and no resolution (as the store-wide counts above count them)
    assert page.items == [
        item("dresden", "Landeshauptstadt Dresden", 2, 11, 2),
        item("koeln", "Stadt Köln, kreisfreie Stadt", 0, 0, 0),
        item("pirna", "Stadt Pirna", 2, 11, 2),
    ]
    store_wide = {k: int(re.findall(f'id="count-{k}">(\\d+)<', resp.text)[0]) for k in COUNTS}
    assert store_wide == {k: sum(i[k] for i in page.items) for k in COUNTS}
    for link in page.items[2]["links"][1:]:  # each link answers with that council's rows
        rows = requests.get(councils + link + "&format=json", timeout=60).json()["rows"]
        assert rows and DRESDEN + "/" not in json.dumps(rows), link


@pytest.mark.parametrize(
    "chart", ["points-by-status", "overdue-by-actor", "committee-years", "status-over-time"]
)
def test_a_chart_filtered_by_body_draws_that_councils_numbers(councils, chart) -> None:
    def numbers(**params: str) -> str:
        resp = requests.get(f"{councils}/charts/{chart}.csv", params=params, timeout=60)
        assert resp.status_code == 200, resp.text
        return resp.text

    dresden, pirna = numbers(body="dresden"), numbers(body="pirna")
    assert len(dresden.splitlines()) > 1 and PIRNA not in dresden
    assert pirna.replace(PIRNA, DRESDEN).replace("body=pirna", "body=dresden") == dresden


def test_a_councils_page_shows_its_counts_and_leads_to_its_views(councils) -> None:
    html = requests.get(councils + "/id/pirna", timeout=60).text
    section = html[
        html.index('<section class="body"') : html.index(
            "</section>", html.index('<section class="body"')
        )
    ]
    counts = re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', section)
    assert counts == [("Beschlüsse", "2"), ("Beschlusspunkte", "11"), ("Quelldokumente", "2")]
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', section)
    assert links == [
        ("/views/open-points?body=pirna", "offene Beschlusspunkte"),
        ("/views/overdue?body=pirna", "überfällige Beschlusspunkte"),
        ("/views/actor-summary?body=pirna", "Beschlusspunkte je Akteur"),
        ("/views/committee-years?body=pirna", "je Gremium und Jahr"),
        ("/views/status-reports?body=pirna", "gemeldeter Stand"),
    ]
    for link, _ in links:  # each answers with Pirna's rows only
        rows = requests.get(councils + link + "&format=json", timeout=60).json()["rows"]
        assert rows and DRESDEN + "/" not in json.dumps(rows), link
