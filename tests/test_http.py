"""The service over real HTTP: `ratsgraph serve` as its own process on a free port."""

from __future__ import annotations

import requests
from rdflib import Graph, URIRef

POINT4 = "https://w3id.org/ratsgraph/id/dresden/resolution/V1106-21/JHA-042-2022/point/4"


def test_open_points_for_oberbuergermeister_over_http(live_server: str) -> None:
    resp = requests.get(
        f"{live_server}/views/open-points", params={"actor": "Oberbürgermeister", "format": "json"}
    )
    assert resp.status_code == 200
    data = resp.json()
    assert data["view"] == "open-points"
    assert {"vorlage", "point", "text", "actor", "deadline", "status", "point_iri"} <= set(
        data["columns"]
    )
    assert [(r["vorlage"], r["point"], r["status"]) for r in data["rows"]] == [
        ("V1106/21", 4, "offen"),
        ("V2620/23", 4, "fortlaufend"),
    ]


def test_json_by_accept_header(live_server: str) -> None:
    resp = requests.get(
        f"{live_server}/views/open-points?actor=Jugendamt", headers={"Accept": "application/json"}
    )
    assert resp.headers["Content-Type"].startswith("application/json")
    assert [r["point"] for r in resp.json()["rows"]] == [5, 6, 7]


def test_home_page_counts_what_the_dataset_holds(live_server: str) -> None:
    html = requests.get(live_server + "/").text
    assert '<td id="count-resolutions">2</td>' in html
    assert '<td id="count-points">11</td>' in html
    assert '<td id="count-reports">1</td>' in html
    assert "/views/open-points" in html


def test_sparql_select_sees_the_union_of_document_graphs(live_server: str) -> None:
    q = "PREFIX rb: <https://w3id.org/ratsgraph/ontology#> SELECT (COUNT(*) AS ?n) WHERE { ?p a rb:ResolutionPoint }"
    resp = requests.get(
        f"{live_server}/sparql",
        params={"query": q},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert resp.status_code == 200
    assert resp.json()["results"]["bindings"][0]["n"]["value"] == "11"


def test_sparql_results_in_csv_tsv_and_xml(live_server: str) -> None:
    q = "SELECT ?x WHERE { VALUES ?x { 1 } }"
    for accept in ("text/csv", "text/tab-separated-values", "application/sparql-results+xml"):
        resp = requests.post(f"{live_server}/sparql", data={"query": q}, headers={"Accept": accept})
        assert resp.status_code == 200
        assert resp.headers["Content-Type"].startswith(accept)


def test_sparql_construct_as_turtle_and_ntriples(live_server: str) -> None:
    q = f"CONSTRUCT {{ <{POINT4}> ?p ?o }} WHERE {{ <{POINT4}> ?p ?o }}"
    for accept, fmt in (("text/turtle", "turtle"), ("application/n-triples", "nt")):
        resp = requests.post(
            f"{live_server}/sparql",
            data=q.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": accept},
        )
        assert resp.status_code == 200
        g = Graph().parse(data=resp.text, format=fmt)
        assert (URIRef(POINT4), None, None) in g


def test_sparql_update_is_refused(live_server: str) -> None:
    resp = requests.post(f"{live_server}/sparql", data={"update": "CLEAR ALL"})
    assert resp.status_code == 403
    resp = requests.post(
        f"{live_server}/sparql",
        data=b"CLEAR ALL",
        headers={"Content-Type": "application/sparql-update"},
    )
    assert resp.status_code == 403
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert (
        requests.get(f"{live_server}/sparql", params={"query": q}).json()["results"]["bindings"][0][
            "n"
        ]["value"]
        != "0"
    )


def test_sparql_syntax_error_is_400(live_server: str) -> None:
    resp = requests.get(f"{live_server}/sparql", params={"query": "SELEKT * WHERE {"})
    assert resp.status_code == 400


def test_point_page_links_resolution_and_office_both_ways(live_server: str) -> None:
    html = requests.get(f"{live_server}/id/dresden/resolution/V1106-21/JHA-042-2022/point/4").text
    assert 'href="/id/dresden/resolution/V1106-21/JHA-042-2022"' in html
    assert 'href="/id/dresden/resolution/V1106-21/JHA-042-2022/point/4/delegation/1"' in html
    office = requests.get(f"{live_server}/id/dresden/office/oberbuergermeister").text
    assert 'href="/id/dresden/resolution/V1106-21/JHA-042-2022/point/4/delegation/1"' in office
    resolution = requests.get(f"{live_server}/id/dresden/resolution/V1106-21/JHA-042-2022").text
    assert 'href="/id/dresden/resolution/V1106-21/JHA-042-2022/point/4"' in resolution


def test_resource_as_turtle(live_server: str) -> None:
    resp = requests.get(
        f"{live_server}/id/dresden/resolution/V1106-21/JHA-042-2022/point/4",
        headers={"Accept": "text/turtle"},
    )
    assert resp.headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=resp.text, format="turtle")
    assert len(g) > 5 and all(s == URIRef(POINT4) for s in g.subjects())


def test_unknown_resource_is_404(live_server: str) -> None:
    assert requests.get(f"{live_server}/id/dresden/resolution/X0000-00").status_code == 404
