"""Access: the public service is read-only; every write needs the operator's bearer token.

Token matrix against a real `ratsgraph serve`: no token → 401, a wrong token → 403, the right
token → 2xx, for every write route; and without the right token nothing in the store changes.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from loader import SAMPLES_DIR

from .conftest import start_server, stop_server

TOKEN = "t0ken-for-the-auth-tests"
BA = SAMPLES_DIR / "JHA-042-2022_V1106-21_Beschlussausfertigung.txt"
BK = SAMPLES_DIR / "V2620-23_Beschlusskontrolle_Hausmitteilung.txt"
NEW_DOC = "Neue_Vorlage_V9999-23"


def write_requests(url: str) -> dict[str, dict]:
    """Every write route with a request that would change the store if it were let through."""
    return {
        "upload": {
            "method": "POST",
            "url": f"{url}/api/documents",
            "files": {"file": (f"{NEW_DOC}.txt", BK.read_bytes(), "text/plain")},
        },
        "reload": {
            "method": "PUT",
            "url": f"{url}/api/documents/{BA.stem}",
            "data": BA.read_bytes().replace(b"\n5. ", b"\nEnde.\n"),
            "headers": {"Content-Type": "text/plain; charset=utf-8"},
        },
        "delete": {"method": "DELETE", "url": f"{url}/api/documents/{BK.stem}"},
        "backup": {"method": "POST", "url": f"{url}/api/backup"},
    }


def send(spec: dict, token: str | None) -> requests.Response:
    spec = dict(spec)
    headers = dict(spec.pop("headers", {}))
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.request(**spec, headers=headers, timeout=30)


def state(url: str, backups: Path) -> tuple:
    """What a write would change: documents (hash, load time), counts, triples per graph, backups."""
    docs = requests.get(f"{url}/api/documents", timeout=10).json()
    dataset = requests.get(f"{url}/api/dataset", timeout=10).json()
    per_graph = requests.get(
        f"{url}/sparql",
        params={
            "query": "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        },
        headers={"Accept": "text/csv"},
        timeout=10,
    ).text
    return docs, dataset, per_graph, sorted(p.name for p in backups.glob("*"))


@pytest.fixture(scope="module")
def server(sample_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    root = tmp_path_factory.mktemp("auth")
    shutil.copytree(sample_store_dir, root / "store")
    backups = root / "backups"
    url, proc = start_server(
        root / "store",
        {"RATSGRAPH_WRITE_TOKEN": TOKEN, "RATSGRAPH_BACKUP_DIR": str(backups)},
    )
    try:
        yield url, backups
    finally:
        log = stop_server(proc)
        assert TOKEN not in log  # tokens are never logged


@pytest.mark.parametrize("route", ["upload", "reload", "delete", "backup"])
@pytest.mark.parametrize(
    ("token", "status"), [(None, 401), ("wrong-token", 403), (TOKEN[:-1], 403), ("", 401)]
)
def test_a_write_without_the_right_token_is_refused_and_changes_nothing(
    server: tuple, route: str, token: str | None, status: int
) -> None:
    url, backups = server
    before = state(url, backups)
    r = send(write_requests(url)[route], token)
    assert (r.status_code, r.json()["ok"], r.json()["status"]) == (status, False, status)
    if status == 401:
        assert r.headers["WWW-Authenticate"] == 'Bearer realm="ratsgraph"'
    assert state(url, backups) == before


def test_every_write_route_works_with_the_right_token(server: tuple) -> None:
    url, backups = server
    writes = write_requests(url)
    graph = "https://w3id.org/ratsgraph/id/dresden/document/"

    upload = send(writes["upload"], TOKEN)
    assert upload.status_code == 201, upload.text
    assert upload.json()["results"][0]["graph"] == graph + NEW_DOC
    ids = [d["id"] for d in requests.get(f"{url}/api/documents", timeout=10).json()["documents"]]
    assert NEW_DOC in ids

    reload = send(writes["reload"], TOKEN)
    assert reload.status_code == 200, reload.text
    assert "4 points" in reload.json()["results"][0]["message"]

    delete = send(writes["delete"], TOKEN)
    assert (delete.status_code, delete.json()) == (200, {"ok": True, "deleted": graph + BK.stem})
    ids = [d["id"] for d in requests.get(f"{url}/api/documents", timeout=10).json()["documents"]]
    assert sorted(ids) == sorted([NEW_DOC, BA.stem])

    backup = send(writes["backup"], TOKEN)
    assert backup.status_code == 201, backup.text
    assert Path(backup.json()["backup"]).parent == backups


def test_deleting_a_document_that_is_not_there_is_a_404(server: tuple) -> None:
    url, _ = server
    r = send({"method": "DELETE", "url": f"{url}/api/documents/no-such-document"}, TOKEN)
    assert (r.status_code, r.json()["ok"]) == (404, False)


def test_the_sparql_endpoint_takes_no_update_even_with_the_token(server: tuple) -> None:
    url, backups = server
    before = state(url, backups)
    update = "DROP ALL"
    attempts = [
        requests.post(
            f"{url}/sparql",
            data=update,
            headers={
                "Content-Type": "application/sparql-update",
                "Authorization": f"Bearer {TOKEN}",
            },
            timeout=10,
        ),
        requests.post(
            f"{url}/sparql",
            data={"update": update},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=10,
        ),
        requests.get(f"{url}/sparql", params={"update": update}, timeout=10),
    ]
    assert [r.status_code for r in attempts] == [403, 403, 403]
    assert state(url, backups) == before


def test_a_server_without_a_configured_token_takes_no_writes_at_all(live_server: str) -> None:
    none = send(write_requests(live_server)["delete"], None)
    some = send(write_requests(live_server)["delete"], "any-token")
    assert [none.status_code, some.status_code] == [401, 403]
    assert "switched off" in some.json()["error"]
