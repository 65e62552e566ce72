"""`import-oparl --server URL`: importing a council while `ratsgraph serve` holds the store."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from click.testing import CliRunner

from service.cli import cli
from service.store import EmbeddedStore

from .conftest import start_server, stop_server
from .oparl_server import VendorServer
from .test_oparl_vendors import ID, koeln

TOKEN = "oparl-through-server-token"


def sparql(base: str, query: str) -> list[tuple[str, ...]]:
    url = f"{base}/sparql?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request) as response:
        data = json.load(response)
    names = data["head"]["vars"]
    return sorted(tuple(b[n]["value"] for n in names) for b in data["results"]["bindings"])


def put_graph(base: str, graph: str, body: bytes, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{base}/api/graphs?{urllib.parse.urlencode({'graph': graph})}",
        data=body,
        method="PUT",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/n-triples"},
    )
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as e:
        with e:
            return e.code, json.load(e)


def test_a_council_is_imported_through_the_running_server(tmp_path) -> None:
    store_dir = tmp_path / "store"
    EmbeddedStore(store_dir).close()
    state = str(tmp_path / "state.json")
    base, proc = start_server(store_dir, {"RATSGRAPH_WRITE_TOKEN": TOKEN})
    try:
        with VendorServer([koeln()]) as oparl:
            args = ["import-oparl", oparl.system_url("koeln"), "--server", base, "--state", state]
            first = CliRunner().invoke(cli, [*args, "--token", TOKEN])
            again = CliRunner().invoke(cli, [*args, "--token", TOKEN])
            # a wrong token: nothing is written, the failure names the request and the answer
            fresh = [*args[:-1], str(tmp_path / "other-state.json"), "--body", "other"]
            wrong = CliRunner().invoke(cli, [*fresh, "--token", "wrong"])
        titles = sparql(
            base,
            "SELECT ?s ?title WHERE { ?s a <https://w3id.org/ratsgraph/ontology#Submission> ;"
            " <http://purl.org/dc/terms/title> ?title }",
        )
        others = sparql(
            base, f'SELECT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{ID}other")) }}'
        )
        outside = put_graph(base, ID + "koeln/resolution/x", b"", TOKEN)
        not_nt = put_graph(base, ID + "koeln/oparl/paper/1", b"<a> b c", TOKEN)
    finally:
        stop_server(proc)
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[0] == (
        "stored: 1 Body, 1 File, 1 Meeting, 1 Organization, 1 Paper, 1 Person"
    )
    assert titles == [(ID + "koeln/submission/1234-2014", "Antwort auf Anfrage 1200/2014")]
    assert (again.exit_code, again.output.splitlines()[0]) == (0, "stored: nothing")
    assert wrong.exit_code == 2
    assert f"FAILED  {base}/api/graphs?graph=" in wrong.output
    assert "the server answered 403" in wrong.output
    assert others == []
    assert outside[0] == 400 and "expected a graph an OParl import writes" in outside[1]["error"]
    assert not_nt[0] == 400 and not_nt[1]["error"].startswith("the body is not N-Triples")
