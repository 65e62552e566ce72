"""View pagination: `_size`/`_offset`, and an explicit signal when a page is not the whole answer."""

from __future__ import annotations

import requests


def test_paging_through_a_view_gives_every_row_once(live_server: str) -> None:
    url = live_server + "/views/open-points?format=json"
    whole = requests.get(url).json()
    assert (whole["truncated"], whole["next"]) == (False, None)
    rows, pages, following = [], 0, url + "&_size=2"
    while following:
        page = requests.get(following)
        data = page.json()
        assert data["truncated"] is (data["next"] is not None)
        if data["next"]:
            assert page.headers["Link"] == f'<{data["next"]}>; rel="next"'
        rows += data["rows"]
        pages += 1
        following = data["next"]
    assert (rows, pages) == (whole["rows"], -(-len(whole["rows"]) // 2))


def test_csv_pages_carry_a_next_link(live_server: str) -> None:
    resp = requests.get(live_server + "/views/open-points", params={"format": "csv", "_size": 1})
    assert resp.text.count("\r\n") == 2  # header and one row
    assert resp.headers["Link"].endswith('_size=1&_offset=1>; rel="next"')


def test_html_view_links_the_next_page(live_server: str) -> None:
    html = requests.get(live_server + "/views/open-points", params={"_size": 1}).text
    assert 'id="next-page">weitere Zeilen</a>' in html


def test_bad_page_size_names_the_parameter(live_server: str) -> None:
    resp = requests.get(live_server + "/views/open-points", params={"format": "json", "_size": "x"})
    assert resp.json() == {
        "ok": False,
        "error": "parameter '_size' must be a whole number from 1 to 10000, got 'x'",
        "status": 400,
    }
