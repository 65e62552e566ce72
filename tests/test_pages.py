"""Resource pages: every minted IRI browsable, links both ways, typed sections, paging, languages."""

from __future__ import annotations

import re

import pytest
import requests
from rdflib import Graph, URIRef

from service.store import EmbeddedStore
from service.web import create_app

ID = "https://w3id.org/ratsgraph/id/dresden/"
RESOLUTION = "/id/dresden/resolution/V2620-23/JHA-061-2024"
POINT4 = RESOLUTION + "/point/4"
REPORT = "/id/dresden/document/V2620-23_Beschlusskontrolle_Hausmitteilung"
PLANNING_REPORT = "/id/dresden/planning-report/V2620-23"
PART_IV = "/id/dresden/framework/planungsrahmen-kinder-und-jugendhilfe/teil-iv"
OB = "/id/dresden/office/oberbuergermeister"


def text_of(html: str, element_id: str) -> str:
    """The visible text of the element with this id, whitespace collapsed."""
    m = re.search(rf'<(\w+)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert m, f"no element #{element_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", m.group(2)).split())


def links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


def test_planning_report_page_shows_its_part_the_adopting_resolution_and_point(
    live_server: str,
) -> None:
    html = requests.get(live_server + PLANNING_REPORT).text
    assert text_of(html, "label") == "Planungsbericht Frühe Hilfen 2023-2028"
    assert {PART_IV, RESOLUTION, RESOLUTION + "/point/1"} <= links(html)
    assert text_of(html, "planning-report") == (
        "Teil des Planungsrahmens Teil IV – Spezifischer Teil "
        "( Planungsrahmen der Kinder- und Jugendhilfe in Dresden ) "
        "Beschlossen durch Beschluss zu V2620/23 (JHA/061/2024) ( V2620/23, Punkt 1 )"
    )


def test_resolution_page_lists_points_with_tasks_and_status(live_server: str) -> None:
    html = requests.get(live_server + RESOLUTION).text
    rows = re.findall(
        r"<tr>\s*<td><a href=\"([^\"]+)\" class=\"point-link\">(.*?)</tr>", html, re.S
    )
    assert [path for path, _ in rows] == [RESOLUTION + f"/point/{n}" for n in (1, 2, 3, 4)]
    point4 = " ".join(re.sub(r"<[^>]+>", " ", rows[3][1]).split())
    assert "Oberbürgermeister" in point4 and "fortlaufend" in point4
    assert {OB, REPORT} <= links(html)
    assert text_of(html, "timeline") == (
        "ohne Datum Beschlusskontrolle – Beschlusskontrolle V2620/23 : Punkt 1 umgesetzt · "
        "Punkt 2 umgesetzt · Punkt 3 fortlaufend · Punkt 4 fortlaufend"
    )


def test_resolution_timeline_has_session_and_deadlines_in_order(live_server: str) -> None:
    html = requests.get(live_server + "/id/dresden/resolution/V1106-21/JHA-042-2022").text
    assert text_of(html, "timeline") == (
        "13.10.2022 Beschluss gefasst 30.06.2023 Frist: V1106/21, Punkt 5 – Jugendamt"
    )


def test_status_names_follow_the_page_language(live_server: str) -> None:
    html = requests.get(live_server + POINT4, params={"lang": "en"}).text
    assert text_of(html, "status-history") == "ongoing – Beschlusskontrolle V2620/23"


def test_point_page_shows_delegation_and_status_history(live_server: str) -> None:
    html = requests.get(live_server + POINT4).text
    assert {RESOLUTION, OB, REPORT} <= links(html)
    assert text_of(html, "status-history") == "fortlaufend – Beschlusskontrolle V2620/23"


def test_office_page_shows_holders_over_time_and_points_by_status(live_server: str) -> None:
    html = requests.get(live_server + OB).text
    section = text_of(html, "office")
    assert "Helma Orosz seit 2008 bis 2015 Dirk Hilbert seit 2015" in section
    assert "offen (1) V1106/21, Punkt 4" in section
    assert "fortlaufend (1) V2620/23, Punkt 4" in section


def test_status_report_page_leads_back_to_the_resolution_and_planning_report(
    live_server: str,
) -> None:
    html = requests.get(live_server + REPORT).text
    assert {RESOLUTION, PLANNING_REPORT, POINT4} <= links(html)


def test_incoming_links_are_grouped_by_property(live_server: str) -> None:
    html = requests.get(live_server + OB).text
    incoming = html.split('id="incoming"', 1)[1].split("</table>", 1)[0]
    # headed as the link reads from here ("beauftragt in", never "beauftragt von von"); the
    # delegations and incumbencies are internal nodes, folded in with what they say
    headings = re.findall(r'<th><a href="[^"]+" title="([^"]+)">([^<]+)</a></th>', incoming)
    assert headings == [
        ("https://w3id.org/ratsgraph/ontology#actor", "beauftragt in"),
        ("https://w3id.org/ratsgraph/ontology#office", "besetzt durch"),
    ]
    assert re.findall(r'class="folded-name">([^<]+)<', incoming) == [
        "Auftrag aus V1106/21, Punkt 4",
        "Auftrag aus V2620/23, Punkt 4",
        "dirk-hilbert-oberbuergermeister",
        "helma-orosz-oberbuergermeister",
    ]
    task = "<dt>Aufgabe</dt><dd>Der Oberbürgermeister wird beauftragt, in Zusammenarbeit mit"
    assert task in incoming
    # its evidence links to the sentence on this host's page of the document
    doc = "/id/dresden/document/JHA-042-2022_V1106-21_Beschlussausfertigung"
    assert f'<dt>Beleg</dt><dd><a href="{doc}#char=912,1220">912–1220</a></dd>' in incoming


def test_english_labels_with_lang_en(live_server: str) -> None:
    html = requests.get(live_server + OB, params={"lang": "en"}).text
    assert text_of(html, "label") == "Lord Mayor"
    assert "Office holders" in text_of(html, "office")
    assert f'href="{POINT4}?lang=en"' in html  # browsing stays in English


@pytest.fixture()
def small_pages(store: EmbeddedStore):  # noqa: ANN201
    """The app with two links per property before paging, over the sample store."""
    return create_app({"TESTING": True, "PAGE_SIZE": 2}, store=store).test_client()


def test_high_degree_property_is_paged_not_dumped(small_pages) -> None:  # noqa: ANN001
    body = "https://w3id.org/ratsgraph/ontology#body"
    html = small_pages.get("/id/dresden").get_data(as_text=True)
    more = re.search(
        r'<a href="\?p=https%3A//w3id.org/ratsgraph/ontology%23body&amp;dir=in">alle (\d+) anzeigen</a>',
        html,
    )
    assert more, "the city's many incoming rb:body links should be cut with a link to the rest"
    total = int(more.group(1))
    assert total > 2
    seen: list[str] = []
    page = 1
    while True:
        resp = small_pages.get("/id/dresden", query_string={"p": body, "dir": "in", "page": page})
        assert resp.status_code == 200
        values = re.search(
            r'<ol start="\d+" class="values">(.*?)</ol>', resp.get_data(as_text=True), re.S
        )
        items = re.findall(r'<li><a href="([^"]+)">', values.group(1))
        seen += items
        if 'rel="next"' not in resp.get_data(as_text=True):
            break
        page += 1
    assert (len(seen), len(set(seen)), page) == (total, total, -(-total // 2))


def test_paging_errors_name_the_parameter(small_pages) -> None:  # noqa: ANN001
    resp = small_pages.get(
        "/id/dresden",
        query_string={"p": "https://w3id.org/ratsgraph/ontology#body", "dir": "sideways"},
    )
    assert resp.status_code == 400
    assert (
        "parameter &#39;dir&#39; must be &#39;out&#39; or &#39;in&#39;, got &#39;sideways&#39;"
        in resp.get_data(as_text=True)
    )


def test_forwarded_headers_make_absolute_urls_when_trusted(store: EmbeddedStore) -> None:
    headers = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "daten.example.org",
        "X-Forwarded-Prefix": "/ratsgraph",
        "Accept": "text/turtle",
    }
    sd = "http://www.w3.org/ns/sparql-service-description#endpoint"
    for hops, endpoint in (
        (1, "https://daten.example.org/ratsgraph/sparql"),
        (0, "http://localhost/sparql"),
    ):
        client = create_app({"TESTING": True, "PROXY_HOPS": hops}, store=store).test_client()
        g = Graph().parse(data=client.get("/sparql", headers=headers).data, format="turtle")
        assert [str(o) for o in g.objects(None, URIRef(sd))] == [endpoint]
    client = create_app({"TESTING": True, "PROXY_HOPS": 1}, store=store).test_client()
    html = client.get(POINT4, headers={**headers, "Accept": "text/html"}).get_data(as_text=True)
    assert f'href="/ratsgraph{OB}"' in html


def test_a_local_server_answers_for_a_configured_base_iri(tmp_path) -> None:  # noqa: ANN001
    """A copy under another base: its /id/… paths serve that base's IRIs, not w3id.org's."""
    from service.ingest.loading import load_paths  # noqa: PLC0415

    base = "https://daten.dresden.example"
    store = EmbeddedStore(tmp_path / "store")
    load_paths(store, [], base=base)
    client = create_app({"TESTING": True, "BASE_IRI": base}, store=store).test_client()
    resp = client.get(OB, headers={"Accept": "application/n-triples"})
    g = Graph().parse(data=resp.data, format="nt")
    assert set(g.subjects()) == {URIRef(base + OB)}
    html = client.get(OB).get_data(as_text=True)
    assert text_of(html, "label") == "Oberbürgermeister"
    store.close()


def test_reused_vocabulary_properties_have_labels_in_both_languages(live_server: str) -> None:
    de = requests.get(live_server + POINT4).text
    en = requests.get(live_server + POINT4, params={"lang": "en"}).text
    is_part_of = "http://data.europa.eu/eli/ontology#is_part_of"
    assert f'title="{is_part_of}">ist Teil von</a>' in de
    assert f'title="{is_part_of}">is part of</a>' in en


def test_a_path_that_is_no_iri_is_404(live_server: str) -> None:
    resp = requests.get(live_server + "/id/dresden/a%3Eb", headers={"Accept": "application/json"})
    assert resp.json() == {
        "ok": False,
        "error": "no resource https://w3id.org/ratsgraph/id/dresden/a>b in this dataset: not a valid IRI",
        "status": 404,
    }


def test_many_links_are_fetched_per_property_with_the_same_page(
    store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above BULK_LINKS a page queries each property capped, instead of all links at once
    (LodView#32); what the page shows must not change."""
    import service.web.resource_links  # noqa: PLC0415

    client = create_app({"TESTING": True, "PAGE_SIZE": 3}, store=store).test_client()
    pages = [client.get(p).get_data(as_text=True) for p in ("/id/dresden", OB, RESOLUTION)]
    monkeypatch.setattr(service.web.resource_links, "BULK_LINKS", 1)
    assert [client.get(p).get_data(as_text=True) for p in ("/id/dresden", OB, RESOLUTION)] == pages


def test_planning_report_page_lists_the_other_reports_of_its_part(
    sample_store_dir,
    tmp_path,  # noqa: ANN001
) -> None:
    """Another report of Teil IV, loaded as RDF beside the council data, shows up on the page."""
    import shutil  # noqa: PLC0415

    from service.ingest.loading import load_paths  # noqa: PLC0415

    copy = tmp_path / "store"
    shutil.copytree(sample_store_dir, copy)
    other = tmp_path / "other-report.ttl"
    other.write_text(
        f"""@prefix rb: <https://w3id.org/ratsgraph/ontology#> .
        <{ID}planning-report/V9999-25> a rb:PlanningReport ;
            <http://www.w3.org/2000/01/rdf-schema#label> "Planungsbericht Kindertagespflege"@de ;
            rb:frameworkPart <{ID}framework/planungsrahmen-kinder-und-jugendhilfe/teil-iv> .
        """,
        encoding="utf-8",
    )
    s = EmbeddedStore(copy)
    assert [r.ok for r in load_paths(s, [other])] == [True]
    html = (
        create_app({"TESTING": True}, store=s)
        .test_client()
        .get(PLANNING_REPORT)
        .get_data(as_text=True)
    )
    assert text_of(html, "planning-report").endswith(
        "Weitere Planungsberichte dieses Teils Planungsbericht Kindertagespflege"
    )
    assert "/id/dresden/planning-report/V9999-25" in links(html)
    s.close()


@pytest.mark.parametrize("actor", ["Oberbürgermeister", "Jugendamt"])
def test_office_page_counts_agree_with_the_actor_summary_view(live_server: str, actor: str) -> None:
    summary = requests.get(
        live_server + "/views/actor-summary", params={"actor": actor, "format": "json"}
    ).json()["rows"]
    (row,) = summary
    expected = {s: row[s] for s in ("offen", "in_umsetzung", "fortlaufend", "umgesetzt") if row[s]}
    html = requests.get(live_server + "/id/" + row["actor"].split("/id/", 1)[1]).text
    shown = dict(re.findall(r"<dt>(\w+) \((\d+)\)</dt>", html))
    assert {k: int(v) for k, v in shown.items()} == expected


LATEST_STATUS_CASES = """
@prefix rb: <https://w3id.org/ratsgraph/ontology#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix x: <https://w3id.org/ratsgraph/id/dresden/test/> .

x:amt a rb:Office ; skos:prefLabel "Testamt"@de .
x:res a rb:Resolution .
x:p1 rdfs:label "Punkt 1"@de . x:p2 rdfs:label "Punkt 2"@de . x:p3 rdfs:label "Punkt 3"@de .
x:p4 rdfs:label "Punkt 4"@de . x:p5 rdfs:label "Punkt 5"@de . x:p6 rdfs:label "Punkt 6"@de .
x:p7 rdfs:label "Punkt 7"@de .
x:p1 eli:is_part_of x:res ; rb:delegation [ a rb:Delegation ; rb:actor x:amt ] .
x:p2 eli:is_part_of x:res ; rb:delegation [ a rb:Delegation ; rb:actor x:amt ] .
x:p3 eli:is_part_of x:res ; rb:delegation [ a rb:Delegation ; rb:actor x:amt ] .
x:p4 eli:is_part_of x:res ; rb:delegation [ a rb:Delegation ; rb:actor x:amt ] .
x:p5 eli:is_part_of x:res ; rb:delegation [ a rb:Delegation ; rb:actor x:amt ] .
x:p6 eli:is_part_of x:res ; rb:delegation [ a rb:Delegation ; rb:actor x:amt ] .
x:p7 eli:is_part_of x:res ; rb:delegation [ a rb:Delegation ; rb:actor x:amt ] .

# the later report wins, whatever its IRI
[] rb:statusOf x:p1 ; rb:status rb:StatusImplemented ; rb:reportedIn x:r-b ; rb:asOf "2023-01-01"^^xsd:date .
[] rb:statusOf x:p1 ; rb:status rb:StatusOngoing ; rb:reportedIn x:r-a ; rb:asOf "2024-01-01"^^xsd:date .
# an undated report counts as the oldest
[] rb:statusOf x:p2 ; rb:status rb:StatusImplemented ; rb:reportedIn x:r-z .
[] rb:statusOf x:p2 ; rb:status rb:StatusInProgress ; rb:reportedIn x:r-a ; rb:asOf "2020-01-01"^^xsd:date .
# reports of the same date: the greater report IRI wins
[] rb:statusOf x:p3 ; rb:status rb:StatusImplemented ; rb:reportedIn x:r-a ; rb:asOf "2023-05-05"^^xsd:date .
[] rb:statusOf x:p3 ; rb:status rb:StatusOngoing ; rb:reportedIn x:r-b ; rb:asOf "2023-05-05"^^xsd:date .
# a later report may say "offen" again
[] rb:statusOf x:p4 ; rb:status rb:StatusInProgress ; rb:reportedIn x:r-a ; rb:asOf "2023-01-01"^^xsd:date .
[] rb:statusOf x:p4 ; rb:status rb:StatusOpen ; rb:reportedIn x:r-b ; rb:asOf "2024-01-01"^^xsd:date .
# p5: no report at all; p6: a status reported in no Beschlusskontrolle does not count
[] rb:statusOf x:p6 ; rb:status rb:StatusImplemented ; rb:asOf "2023-01-01"^^xsd:date .
[] rb:statusOf x:p7 ; rb:status rb:StatusImplemented ; rb:reportedIn x:r-a ; rb:asOf "2022-01-01"^^xsd:date .
"""


def test_office_page_buckets_points_by_their_latest_status_as_the_views_do(
    fresh_store,  # noqa: ANN001
    tmp_path,  # noqa: ANN001
) -> None:
    """The latest Beschlusskontrolle decides: latest date, then greater report IRI, undated oldest;
    a point no Beschlusskontrolle reports on is "offen". The actor-summary view counts the same."""
    from service.ingest.loading import load_paths  # noqa: PLC0415

    cases = tmp_path / "latest-status.ttl"
    cases.write_text(LATEST_STATUS_CASES, encoding="utf-8")
    assert [r.ok for r in load_paths(fresh_store, [cases])] == [True]
    client = create_app({"TESTING": True}, store=fresh_store).test_client()
    html = client.get("/id/dresden/test/amt").get_data(as_text=True)
    assert text_of(html, "office") == (
        "offene Beschlusspunkte · Übersicht nach Stand · überfällige Beschlusspunkte "
        "Beauftragte Beschlusspunkte nach Stand offen (3) Punkt 4 Punkt 5 Punkt 6 "
        "in Umsetzung (1) Punkt 2 fortlaufend (2) Punkt 1 Punkt 3 umgesetzt (1) Punkt 7"
    )
    summary = client.get(
        "/views/actor-summary", query_string={"actor": ID + "test/amt", "format": "json"}
    ).get_json()["rows"]
    assert [
        {k: row[k] for k in ("points", "offen", "in_umsetzung", "fortlaufend", "umgesetzt")}
        for row in summary
    ] == [{"points": 7, "offen": 3, "in_umsetzung": 1, "fortlaufend": 2, "umgesetzt": 1}]


class CountingStore:
    """The real store, counting the queries the app sends it."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store, self.queries = store, 0

    def __getattr__(self, name: str) -> object:
        attr = getattr(self.store, name)
        if name not in ("select", "ask", "construct", "query_serialized"):
            return attr

        def counted(*args: object, **kwargs: object) -> object:
            self.queries += 1
            return attr(*args, **kwargs)

        return counted


@pytest.mark.parametrize("path", ["/id/dresden", OB, RESOLUTION, POINT4, PLANNING_REPORT])
def test_a_page_costs_the_same_few_queries_however_many_links_it_shows(
    store: EmbeddedStore, path: str
) -> None:
    """Labels come in one batch, links in one query per direction: not one query per link."""
    counts = []
    for page_size in (2, 50):
        counting = CountingStore(store)
        client = create_app({"TESTING": True, "PAGE_SIZE": page_size}, store=counting).test_client()  # type: ignore[arg-type]
        assert client.get(path).status_code == 200
        counts.append(counting.queries)
    # link counts, links out, links in, sources, labels, the typed section, the internal nodes
    assert counts[0] == counts[1] <= 7
