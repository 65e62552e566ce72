"""`as_of=` on the real Dresden papers of A0222/16 (Schulsozialarbeit, JHA 2016): its point was
reported on by seven Beschlusskontrollen, three of them dated (19.12.2019, 07.08.2020, 12.09.2022).
As of a day, a point's status and status date are those of the latest report dated on or before it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from service.ingest.loading import load_paths
from service.store import EmbeddedStore
from service.web import create_app

from .conftest import CORPUS

FILES = CORPUS / "ratsinfo" / "files"
A0222_16 = ["258867", "268419", "306692", "342330", "451173", "492746", "574102", "634790"]
DOC = "https://w3id.org/ratsgraph/id/dresden/document/"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    paths = [FILES / f"{n}.txt" for n in A0222_16]
    if not all(p.exists() for p in paths):
        pytest.skip(f"the papers of A0222/16 are not in {FILES}")
    store = EmbeddedStore(Path(tmp_path_factory.mktemp("a0222")) / "store")
    results = load_paths(store, paths)
    assert all(r.ok for r in results), [r.line() for r in results]
    yield create_app({"TESTING": True, "VIEW_WARM": False}, store=store).test_client()
    store.close()


def state(client, url: str) -> list[tuple]:  # noqa: ANN001
    resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return [
        (r["actor_label"], r["status"], r["status_date"], (r["report"] or "").removeprefix(DOC))
        for r in resp.get_json()["rows"]
    ]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("", [("Jugendamt", "in_umsetzung", "2022-09-12", "634790")]),
        ("2022-09-12", [("Jugendamt", "in_umsetzung", "2022-09-12", "634790")]),
        ("11.09.2022", [("Jugendamt", "in_umsetzung", "2020-08-07", "492746")]),
        ("01.01.2020", [("Jugendamt", "in_umsetzung", "2019-12-19", "451173")]),
        ("2019-12-18", [("Jugendamt", "offen", None, "")]),  # decided in 2016, no dated report yet
        ("2015-12-31", []),  # not decided yet
    ],
)
def test_open_points_as_of_a_day_take_the_latest_report_up_to_it(client, as_of, expected) -> None:  # noqa: ANN001
    url = f"/views/open-points.json?actor=Jugendamt&vorlage__exact=A0222/16&as_of={as_of}"
    assert state(client, url) == expected


def test_the_history_as_of_a_day_holds_the_dated_reports_up_to_it(client) -> None:  # noqa: ANN001
    found = state(client, "/views/resolution.json?vorlage=a0222-16&as_of=2021-01-01")
    assert found == [
        ("Jugendamt", "in_umsetzung", "2019-12-19", "451173"),
        ("Jugendamt", "in_umsetzung", "2020-08-07", "492746"),
    ]


def test_status_reports_newest_first_up_to_a_day(client) -> None:  # noqa: ANN001
    resp = client.get("/views/status-reports.json?committee=Jugendhilfeausschuss&as_of=01.01.2021")
    found = [
        (r["status_date"], r["vorlage"], r["report"].removeprefix(DOC))
        for r in resp.get_json()["rows"]
    ]
    assert found == [("2020-08-07", "A0222/16", "492746"), ("2019-12-19", "A0222/16", "451173")]
