"""The remote backend against a real `oxigraph serve`: same answers as embedded, retries, errors, auth."""

from __future__ import annotations

import base64
import gzip
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from loader import SAMPLES_DIR
from service.cli import cli
from service.ingest.loading import load_paths
from service.queries import QUERIES_DIR, load_queries
from service.store import EmbeddedStore
from service.store.derived import DERIVED_GRAPH
from service.store.remote import RemoteStore, RemoteStoreError

from .conftest import OxigraphServer, free_port, start_oxigraph, stop

BA = SAMPLES_DIR / "JHA-042-2022_V1106-21_Beschlussausfertigung.txt"


@dataclass
class Proxy:
    """A real HTTP server in front of `oxigraph serve` that fails on cue and records requests."""

    target: str
    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    seen: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    url: str = ""

    def handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                path = self.path.split("?")[0]
                proxy.seen.append((self.command, path, dict(self.headers)))
                if proxy.failures:
                    status, headers = proxy.failures.pop(0)
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                forward = urllib.request.Request(
                    proxy.target + self.path,
                    data=body,
                    headers={
                        k: v
                        for k, v in self.headers.items()
                        if k in ("Content-Type", "Accept", "Content-Length")
                    },
                    method="POST",
                )
                with urllib.request.urlopen(forward) as resp:
                    data = resp.read()
                    self.send_response(resp.status)
                    self.send_header("Content-Type", resp.headers.get("Content-Type", ""))
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)

        return Handler


@pytest.fixture()
def proxy(scratch_oxigraph: OxigraphServer) -> Iterator[Proxy]:
    scratch_oxigraph.store().update("DROP ALL")
    p = Proxy(scratch_oxigraph.base)
    server = ThreadingHTTPServer(("127.0.0.1", 0), p.handler())
    p.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield p
    server.shutdown()
    server.server_close()


def remote_via(p: Proxy, **options: object) -> RemoteStore:
    """A store through the proxy; the union check is off so every request is the test's own."""
    options = {"backoff": 0.01, "check_default_graph": False, **options}
    return RemoteStore(p.url + "/query", p.url + "/update", **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(load_queries(QUERIES_DIR)))
def test_every_view_example_answers_the_same_on_both_backends(
    name: str, sample_store_dir: Path, sample_oxigraph: OxigraphServer
) -> None:
    from service.web import create_app  # noqa: PLC0415
    from service.web.views import run_view  # noqa: PLC0415

    query = load_queries(QUERIES_DIR)[name]
    values = dict(p.split("=", 1) for p in query.example.split("&")) if query.example else {}
    answers = []
    for store in (EmbeddedStore(sample_store_dir, read_only=True), sample_oxigraph.store()):
        with create_app({"TESTING": True}, store=store).app_context():
            result = run_view(name, values)
        answers.append((result.columns, result.rows))
    assert answers[0][1], f"view {name} has no rows for its example"
    assert answers[1] == answers[0]


def test_transient_503s_are_retried_until_the_server_answers(proxy: Proxy) -> None:
    proxy.failures = [(503, {}), (503, {}), (502, {})]
    assert remote_via(proxy).ask("ASK { }") is True
    assert len(proxy.seen) == 4


def test_429_waits_as_long_as_retry_after_says(proxy: Proxy) -> None:
    proxy.failures = [(429, {"Retry-After": "1"})]
    store = remote_via(proxy)
    assert store.select("SELECT (1 AS ?one) WHERE { }").rows[0]["one"].value == "1"
    assert len(proxy.seen) == 2


def test_a_server_that_keeps_failing_is_an_error_naming_url_and_status(proxy: Proxy) -> None:
    proxy.failures = [(503, {})] * 3
    with pytest.raises(RemoteStoreError) as e:
        remote_via(proxy, retries=2).ask("ASK { }")
    assert str(e.value) == (
        f"SPARQL endpoint {proxy.url}/query failed 3 times; last: 503 Service Unavailable"
    )


def test_an_unreachable_endpoint_is_an_error_naming_url_and_reason() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(RemoteStoreError) as e:
        RemoteStore(url, retries=1, backoff=0.01).select("SELECT * WHERE { ?s ?p ?o }")
    assert str(e.value).startswith(f"SPARQL endpoint {url} failed 2 times; last: cannot connect:")
    assert "Connection refused" in str(e.value)


def test_a_wrong_path_is_a_404_error_with_a_hint(scratch_oxigraph: OxigraphServer) -> None:
    url = scratch_oxigraph.base + "/sparql/nothere"
    with pytest.raises(RemoteStoreError) as e:
        RemoteStore(url).ask("ASK { }")
    assert str(e.value) == (
        f"no SPARQL endpoint at {url} (404 Not Found); for `oxigraph serve` the query URL ends "
        "in /query and the update URL in /update"
    )


def test_a_syntax_error_is_a_syntax_error_naming_the_endpoint(
    scratch_oxigraph: OxigraphServer,
) -> None:
    with pytest.raises(SyntaxError) as e:
        scratch_oxigraph.store().select("SELEKT * WHERE { ?s ?p ?o }")
    assert str(e.value).startswith(f"{scratch_oxigraph.query_url} rejected the query: ")


def test_credentials_from_the_environment_are_sent_as_basic_auth(
    proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RATSGRAPH_REMOTE_USER", "rat")
    monkeypatch.setenv("RATSGRAPH_REMOTE_PASSWORD", "s3cr:et")
    store = remote_via(proxy)
    store.ask("ASK { }")
    store.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }")
    expected = "Basic " + base64.b64encode(b"rat:s3cr:et").decode()
    assert [(path, headers.get("Authorization")) for _, path, headers in proxy.seen] == [
        ("/query", expected),
        ("/update", expected),
    ]


def test_a_bearer_token_from_the_environment_is_sent(
    proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RATSGRAPH_REMOTE_TOKEN", "t0ken")
    remote_via(proxy).ask("ASK { }")
    assert proxy.seen[0][2].get("Authorization") == "Bearer t0ken"


def test_401_says_which_environment_variables_to_set(proxy: Proxy) -> None:
    proxy.failures = [(401, {"WWW-Authenticate": 'Basic realm="sparql"'})]
    with pytest.raises(RemoteStoreError) as e:
        remote_via(proxy).ask("ASK { }")
    assert str(e.value) == (
        f"SPARQL endpoint {proxy.url}/query answered 401 Unauthorized; set RATSGRAPH_REMOTE_USER "
        "and RATSGRAPH_REMOTE_PASSWORD (or RATSGRAPH_REMOTE_TOKEN) for it"
    )


def test_loading_sends_one_update_request_per_document(proxy: Proxy) -> None:
    store = remote_via(proxy)
    results = load_paths(store, [SAMPLES_DIR])
    assert all(r.ok for r in results)
    updates = [path for _, path, _ in proxy.seen if path == "/update"]
    assert len(updates) == 2 + len(results)  # the ontology, the reference data, one per document
    assert store.named_graphs() == sorted(
        ["https://w3id.org/ratsgraph/ontology", "https://w3id.org/ratsgraph/id/dresden/reference"]
        + [r.graph for r in results if r.graph]
    )


def test_a_failed_update_leaves_the_previous_graph(proxy: Proxy) -> None:
    store = remote_via(proxy, retries=0)
    load_paths(store, [BA])
    before = store.triple_count()
    proxy.failures = [(503, {})]
    with pytest.raises(RemoteStoreError):
        store.replace_graph("urn:doc", Graph().parse(data="<urn:a> <urn:b> <urn:c> .", format="nt"))
    assert store.triple_count() == before


def test_data_loaded_behind_ratsgraphs_back_is_refused_with_advice(
    scratch_oxigraph: OxigraphServer,
) -> None:
    store = scratch_oxigraph.store()
    store.update("DROP ALL")
    store.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }")
    with pytest.raises(RemoteStoreError) as e:
        store.select("SELECT * WHERE { ?s ?p ?o }")
    assert str(e.value).startswith(
        f"the default graph of SPARQL endpoint {scratch_oxigraph.query_url} does not hold the "
        "merge of its named graphs"
    )


def test_dump_holds_every_named_graph_as_quads(sample_oxigraph: OxigraphServer) -> None:
    store = sample_oxigraph.store()
    quads = list(ox.parse(store.dump(), format=ox.RdfFormat.N_QUADS))
    in_graphs = store.select(  # the derived and index graphs are computed, not dumped
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER (?g != <{DERIVED_GRAPH}> && !STRSTARTS(STR(?g), "{DERIVED_GRAPH}/")) }}'
    )
    assert len(quads) == int(in_graphs.rows[0]["n"].value)
    assert sorted({q.graph_name.value for q in quads}) == store.named_graphs()


def test_every_cli_command_takes_a_remote_store(
    tmp_path: Path, scratch_oxigraph: OxigraphServer
) -> None:
    from click.testing import CliRunner  # noqa: PLC0415

    scratch_oxigraph.store().update("DROP ALL")
    remote = ["--store", scratch_oxigraph.query_url, "--update-url", scratch_oxigraph.update_url]
    runner = CliRunner()
    loaded = runner.invoke(cli, ["load", str(BA), *remote])
    assert loaded.exit_code == 0, loaded.output
    assert "1 of 1 files loaded, 0 failed." in loaded.output
    queried = runner.invoke(cli, ["query", "resolution", "-p", "vorlage=V1106/21", *remote])
    assert queried.exit_code == 0, queried.output
    assert queried.output.count("V1106/21") == 7
    assert runner.invoke(cli, ["check", *remote]).exit_code == 0
    dump = tmp_path / "dump.nq.gz"
    assert runner.invoke(cli, ["export", *remote, "-o", str(dump)]).exit_code == 0
    quads = list(ox.parse(gzip.decompress(dump.read_bytes()), format=ox.RdfFormat.N_QUADS))
    assert {q.graph_name.value for q in quads} == set(scratch_oxigraph.store().named_graphs())


def test_the_cli_reports_an_unreachable_store_in_one_line(tmp_path: Path) -> None:
    from click.testing import CliRunner  # noqa: PLC0415

    url = f"http://127.0.0.1:{free_port()}/query"
    result = CliRunner().invoke(
        cli, ["load", str(BA), "--store", url], env={"RATSGRAPH_REMOTE_RETRIES": "0"}
    )
    assert result.exit_code == 2
    assert f"SPARQL endpoint {url} failed" in result.output


def test_server_default_graph_mode_on_a_union_default_graph_server(
    sample_store_dir: Path,
) -> None:
    """Servers whose default graph is the union of all graphs (Virtuoso, GraphDB; Oxigraph with
    --union-default-graph): ratsgraph writes only the named graphs, the views answer the same."""
    from service.web import create_app  # noqa: PLC0415
    from service.web.views import run_view  # noqa: PLC0415

    server = start_oxigraph(union=True)
    try:
        remote = server.store(default_graph="server")
        assert all(r.ok for r in load_paths(remote, [SAMPLES_DIR]))
        plain = remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"].value
        in_graphs = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        assert plain == remote.select(in_graphs).rows[0]["n"].value  # no copy was written
        answers = []
        for store in (EmbeddedStore(sample_store_dir, read_only=True), remote):
            with create_app({"TESTING": True}, store=store).app_context():
                answers.append(run_view("open-points", {"actor": "Oberbürgermeister"}).rows)
        assert answers[1] == answers[0]
    finally:
        stop(server.proc)
        server.log.close()


def test_select_gives_the_same_terms_for_every_kind_of_value(fresh_store) -> None:  # noqa: ANN001
    """Rows come from the JSON results on both backends; every kind of term reads back alike."""
    from service.store import Term  # noqa: PLC0415

    row = fresh_store.select(
        "SELECT ?iri ?plain ?lang ?int ?date ?missing WHERE { BIND(<https://example.org/x> AS ?iri)"
        ' BIND("a" AS ?plain) BIND("b"@de AS ?lang) BIND(3 AS ?int)'
        ' BIND("2023-06-30"^^<http://www.w3.org/2001/XMLSchema#date> AS ?date) }'
    ).rows[0]
    assert row == {
        "iri": Term("uri", "https://example.org/x"),
        "plain": Term("literal", "a", "http://www.w3.org/2001/XMLSchema#string"),
        "lang": Term("literal", "b", None, "de"),
        "int": Term("literal", "3", "http://www.w3.org/2001/XMLSchema#integer"),
        "date": Term("literal", "2023-06-30", "http://www.w3.org/2001/XMLSchema#date"),
        "missing": None,
    }


def test_result_rows_read_as_a_list_and_cross_processes_packed(fresh_store) -> None:  # noqa: ANN001
    """Rows stay packed until read (see `service.store.Rows`); reading them is reading a list."""
    import pickle  # noqa: PLC0415

    from service.store import Term  # noqa: PLC0415

    result = fresh_store.select(
        "SELECT ?n ?label WHERE { VALUES (?n ?label) { (1 'eins') (2 UNDEF) (3 'drei'@de) } }"
    )
    rows = [
        {"n": Term("literal", "1", XSD_INTEGER), "label": Term("literal", "eins", XSD_STRING)},
        {"n": Term("literal", "2", XSD_INTEGER), "label": None},
        {"n": Term("literal", "3", XSD_INTEGER), "label": Term("literal", "drei", None, "de")},
    ]
    assert result.rows == rows
    assert (len(result.rows), result.rows[1], result.rows[-1]) == (3, rows[1], rows[2])
    assert result.rows[1:] == rows[1:] and list(result.rows[::2]) == rows[::2]
    assert pickle.loads(pickle.dumps(result)).rows == rows
    assert pickle.loads(pickle.dumps(result.rows[1:])) == rows[1:]
    assert result.rows[1:][0] is result.rows[1]  # a page of a cached answer is unpacked once


XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
