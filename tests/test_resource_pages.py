"""Resource pages read as pages for people, not as RDF: labels of the ontology for types and
properties, one language, internal nodes folded in, a resolution titled by its subject, German dates,
offices leading to their views, a "query this" link, and a document's text with its evidence marked."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from .test_pages import OB, text_of

DOC = "/id/dresden/document/JHA-042-2022_V1106-21_Beschlussausfertigung"
V1106 = "/id/dresden/resolution/V1106-21/JHA-042-2022"
CANONICAL = "https://w3id.org/ratsgraph/id/"


def page(client, path: str) -> str:  # noqa: ANN001
    resp = client.get(path)
    assert resp.status_code == 200, path
    return resp.get_data(as_text=True)


def test_types_and_properties_are_named_by_their_labels_in_the_page_language(client) -> None:  # noqa: ANN001
    german = page(client, OB)
    assert text_of(german, "types") == "Stelle · Amt (Funktion)"
    english = page(client, OB + "?lang=en")
    assert text_of(english, "types") == "post · Office"
    # one language: the German page names the office in German only, without "@en" tags
    assert "Lord Mayor" not in german and "@en" not in german
    assert text_of(english, "label") == "Lord Mayor"
    headings = re.findall(r'<th><a href="[^"]+" title="[^"]+">([^<]+)</a></th>', german)
    assert headings[:5] == ["Typ", "anderer Name", "Name", "Stelle in", "beauftragt in"]


def test_a_resolution_is_titled_by_its_subject_and_dates_are_written_as_people_write_them(
    client,  # noqa: ANN001
) -> None:
    html = page(client, V1106)
    assert text_of(html, "label") == (
        "Planungsbericht Interkulturelle Öffnung aller Leistungsfelder und Leistungsarten der "
        "Kinder- und Jugendhilfe sowie Integration von Migrant*innen"
    )
    assert text_of(html, "subtitle") == "Beschluss zu V1106/21 (JHA/042/2022)"
    assert '<time datetime="2023-06-30">30.06.2023</time>' in html
    assert "30 June 2023" in page(client, V1106 + "?lang=en")
    assert "T00:00" not in page(client, DOC)


def test_an_office_page_leads_to_its_views(client) -> None:  # noqa: ANN001
    html = page(client, OB)
    nav = html.split('id="office-views"', 1)[1].split("</nav>", 1)[0]
    hrefs = dict(re.findall(r'href="([^"]+)" id="([^"]+)"', nav))
    assert sorted(hrefs.values()) == ["open-points-link", "overdue-link", "summary-link"]
    open_points = next(h for h, i in hrefs.items() if i == "open-points-link").replace("&amp;", "&")
    rows = client.get(open_points + "&format=json").get_json()["rows"]
    point4 = "https://w3id.org/ratsgraph/id/dresden/resolution/V1106-21/JHA-042-2022/point/4"
    assert any(point4 in row.values() for row in rows), rows
    for href in hrefs:
        assert client.get(href.replace("&amp;", "&")).status_code == 200, href


def test_query_this_opens_the_editor_with_a_query_that_describes_the_resource(client) -> None:  # noqa: ANN001
    html = page(client, V1106)
    href = re.search(r'<a href="([^"]+)" id="query-this">', html)[1].replace("&amp;", "&")
    assert urlsplit(href).path == "/sparql"
    query = parse_qs(urlsplit(href).query)["query"][0]
    answer = client.get("/sparql", query_string={"query": query},
                        headers={"Accept": "application/sparql-results+json"})  # fmt: skip
    rows = answer.get_json()["results"]["bindings"]
    found = {(r["direction"]["value"], r["property"]["value"]) for r in rows}
    assert ("out", "http://purl.org/dc/terms/title") in found
    assert ("in", "http://data.europa.eu/eli/ontology#is_part_of") in found  # its points


def test_a_document_shows_its_text_with_every_fact_marked_and_linked_both_ways(client) -> None:  # noqa: ANN001
    html = page(client, DOC)
    text = html.split('id="text"', 1)[1].split("</pre>", 1)[0]
    # the delegation of point 4 (characters 912-1220) as the store quotes it
    quote = client.get(
        "/sparql",
        query_string={
            "query": "SELECT ?q WHERE { ?e <https://w3id.org/ratsgraph/ontology#quote> ?q ; "
            "<https://w3id.org/ratsgraph/ontology#start> 912 ; "
            "<https://w3id.org/ratsgraph/ontology#end> 1220 }"
        },
        headers={"Accept": "application/sparql-results+json"},
    ).get_json()["results"]["bindings"][0]["q"]["value"]
    mark = re.search(
        r'<span class="anchor" id="char=912,1220"></span><a class="evidence" href="#(fact-\d+)" '
        r'title="([^"]+)" data-char="char=912,1220"><mark>([^<]+)</mark></a>',
        text,
    )
    assert mark is not None
    assert mark[3] == quote
    # sentence -> fact: the list item the mark points to names the fact and leads back
    item = re.search(rf'<li id="{mark[1]}">(.*?)</li>', html, re.S)[1]
    assert 'href="#char=912,1220"' in item
    assert f'href="{V1106}/point/4"' in item or f'href="{V1106}/point/4/delegation/1"' in item
    facts = text_of(html, "facts")
    assert facts.startswith(
        "Gelesene Angaben 69–81 Sitzung : Sitzung JHA/042/2022 124–132 Vorlage : Planungsbericht"
    )


def test_evidence_links_stay_on_this_host(client) -> None:  # noqa: ANN001
    for path in (OB, V1106 + "/point/4", DOC, V1106):
        html = page(client, path)
        off_site = [h for h in re.findall(r'href="([^"]+)"', html) if h.startswith(CANONICAL)]
        assert off_site == [], path
    # the local form of an evidence IRI is the document's page, which has the anchor
    assert 'id="char=912,1220"' in page(client, DOC)
