"""The query editor as a place to share queries: a link with the query in it opens the editor with
that query and its results in a browser, while SPARQL clients get results as before; a favicon."""

from __future__ import annotations

import html
import json
import re

import requests

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
QUERY = "SELECT ?s WHERE { ?s a <https://w3id.org/ratsgraph/ontology#Resolution> } LIMIT 3"


def test_a_shared_link_opened_in_a_browser_shows_the_editor_with_its_query(
    live_server: str,
) -> None:
    resp = requests.get(f"{live_server}/sparql", params={"query": QUERY},
                        headers={"Accept": BROWSER_ACCEPT}, timeout=30)  # fmt: skip
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/html")
    textarea = re.search(
        r'<textarea name="query" id="query"[^>]*>(.*?)</textarea>', resp.text, re.S
    )
    assert html.unescape(textarea[1]) == QUERY
    data = re.search(r'<script id="editor-data" type="application/json">(.*?)</script>', resp.text)
    assert json.loads(data[1])["autorun"] is True  # the page runs it and shows the results


def test_sparql_clients_still_get_results_for_the_same_url(live_server: str) -> None:
    url = f"{live_server}/sparql"
    plain = requests.get(url, params={"query": QUERY}, timeout=30)
    assert plain.headers["Content-Type"].startswith("application/sparql-results+json")
    assert len(plain.json()["results"]["bindings"]) == 2  # the two sample resolutions
    xml = requests.get(url, params={"query": QUERY}, timeout=30,
                       headers={"Accept": "application/sparql-results+xml"})  # fmt: skip
    assert xml.headers["Content-Type"].startswith("application/sparql-results+xml")
    forced = requests.get(url, params={"query": QUERY, "format": "csv"}, timeout=30,
                          headers={"Accept": BROWSER_ACCEPT})  # fmt: skip
    assert forced.headers["Content-Type"].startswith("text/csv")  # format= wins over the browser


def test_the_editor_without_a_query_does_not_run_anything(live_server: str) -> None:
    resp = requests.get(f"{live_server}/sparql", headers={"Accept": BROWSER_ACCEPT}, timeout=30)
    data = re.search(r'<script id="editor-data" type="application/json">(.*?)</script>', resp.text)
    assert json.loads(data[1])["autorun"] is False


def test_every_page_names_a_favicon_and_the_browser_default_answers(live_server: str) -> None:
    home = requests.get(live_server + "/", timeout=30).text
    icon = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', home)[1]
    for path in (icon, "/favicon.ico"):
        resp = requests.get(live_server + path, timeout=30)
        assert resp.status_code == 200, path
        assert resp.headers["Content-Type"].startswith("image/svg+xml"), path
        assert resp.text.startswith("<svg")
