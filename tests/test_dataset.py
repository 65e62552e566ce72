"""Open data: dumps that parse back whole, DCAT-AP.de + VoID that pass their SHACL shapes, validators,
CORS, and `ratsgraph load`/`export` of RDF files."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
import requests
from click.testing import CliRunner
from pyshacl import validate
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from service.cli import cli
from service.store import EmbeddedStore
from service.store.derived import DERIVED_GRAPH
from service.store.witnesses import WITNESSES_GRAPH

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ROOT / "ontology" / "dcat-ap-shapes.ttl"
VOID = "http://rdfs.org/ns/void#"
DL_BY_DE = URIRef("http://dcat-ap.de/def/licenses/dl-by-de/2.0")


def distinct_triples(store: EmbeddedStore) -> int:
    q = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    return int(store.select(q).rows[0]["n"].value)


def named_quads(store: EmbeddedStore) -> int:
    """The quads of the named graphs: the data (the default graph is their merge; the derived and
    witnesses graphs and the derived index graphs are computed from the data, rebuilt by
    `ratsgraph derive`, and not dumped)."""
    q = (
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER (?g NOT IN (<{DERIVED_GRAPH}>, <{WITNESSES_GRAPH}>) "
        f'&& !STRSTARTS(STR(?g), "{DERIVED_GRAPH}/")) }}'
    )
    return int(store.select(q).rows[0]["n"].value)


def test_nquads_dump_parses_back_to_every_quad(live_server: str, store: EmbeddedStore) -> None:
    resp = requests.get(live_server + "/dumps/ratsgraph.nq.gz")
    assert (resp.status_code, resp.headers["Content-Type"]) == (200, "application/gzip")
    ds = Dataset()
    ds.parse(data=gzip.decompress(resp.content), format="nquads")
    assert len(list(ds.quads((None, None, None, None)))) == named_quads(store)


def test_turtle_dump_parses_back_to_the_union_of_graphs(
    live_server: str, store: EmbeddedStore
) -> None:
    resp = requests.get(live_server + "/dumps/ratsgraph.ttl.gz")
    g = Graph().parse(data=gzip.decompress(resp.content), format="turtle")
    assert len(g) == distinct_triples(store)


def test_dump_answers_304_to_its_etag_and_last_modified(live_server: str) -> None:
    first = requests.get(live_server + "/dumps/ratsgraph.nq.gz")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = requests.get(live_server + "/dumps/ratsgraph.nq.gz", headers={"If-None-Match": etag})
    since = requests.get(
        live_server + "/dumps/ratsgraph.nq.gz", headers={"If-Modified-Since": modified}
    )
    other = requests.get(live_server + "/dumps/ratsgraph.ttl.gz", headers={"If-None-Match": etag})
    assert (again.status_code, again.content, since.status_code, other.status_code) == (
        304,
        b"",
        304,
        200,
    )


def test_unknown_dump_is_404_naming_the_available_ones(live_server: str) -> None:
    resp = requests.get(live_server + "/dumps/all.zip", headers={"Accept": "application/json"})
    assert resp.json() == {
        "ok": False,
        "error": "no dump called 'all.zip'; available: ratsgraph.nq.gz, ratsgraph.ttl.gz",
        "status": 404,
    }


def description(live_server: str, path: str = "/dataset") -> Graph:
    resp = requests.get(live_server + path, headers={"Accept": "text/turtle"})
    assert resp.headers["Content-Type"].startswith("text/turtle")
    return Graph().parse(data=resp.text, format="turtle")


def test_dcat_description_passes_the_dcat_ap_shapes(live_server: str) -> None:
    conforms, _, report = validate(description(live_server), shacl_graph=str(SHAPES))
    assert conforms, report


def test_shapes_catch_a_distribution_without_licence(live_server: str) -> None:
    g = description(live_server)
    dist = next(g.subjects(RDF.type, DCAT.Distribution))
    g.remove((dist, DCTERMS.license, None))
    conforms, results, _ = validate(g, shacl_graph=str(SHAPES))
    sh = "http://www.w3.org/ns/shacl#"
    paths = {
        (str(r[URIRef(sh + "focusNode")]), str(r[URIRef(sh + "resultPath")]))
        for r in [
            {p: o for p, o in results.predicate_objects(v)}
            for v in results.subjects(RDF.type, URIRef(sh + "ValidationResult"))
        ]
    }
    assert (conforms, paths) == (False, {(str(dist), str(DCTERMS.license))})


def test_void_names_endpoint_dumps_counts_licence_and_vocabularies(
    live_server: str, store: EmbeddedStore
) -> None:
    g = description(live_server, "/.well-known/void")
    ds = next(g.subjects(RDF.type, URIRef(VOID + "Dataset")))
    value = lambda p: g.value(ds, URIRef(VOID + p))  # noqa: E731
    assert value("sparqlEndpoint") == URIRef(live_server + "/sparql")
    assert set(g.objects(ds, URIRef(VOID + "dataDump"))) == {
        URIRef(live_server + "/dumps/ratsgraph.nq.gz"),
        URIRef(live_server + "/dumps/ratsgraph.ttl.gz"),
    }
    assert value("triples") == Literal(distinct_triples(store))
    assert g.value(ds, DCTERMS.license) == DL_BY_DE
    vocabularies = {str(v) for v in g.objects(ds, URIRef(VOID + "vocabulary"))}
    assert {
        "https://w3id.org/ratsgraph/ontology#",
        "http://data.europa.eu/eli/ontology#",
        "http://www.w3.org/2004/02/skos/core#",
    } <= vocabularies


def test_dataset_page_for_browsers(live_server: str) -> None:
    html = requests.get(live_server + "/dataset", headers={"Accept": "text/html"}).text
    assert "ratsgraph.nq.gz" in html and "dl-by-de/2.0" in html


def test_get_answers_carry_etag_cache_control_and_cors(live_server: str) -> None:
    url = live_server + "/id/dresden/office/oberbuergermeister"
    first = requests.get(url, headers={"Accept": "text/turtle"})
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    exposed = {h.strip() for h in first.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"ETag", "Link", "X-Ratsgraph-Truncated", "X-Ratsgraph-Stale"} <= exposed
    again = requests.get(
        url, headers={"Accept": "text/turtle", "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    view = requests.get(live_server + "/views/overdue?as_of=2024-01-01&format=json")
    assert (
        requests.get(
            live_server + "/views/overdue?as_of=2024-01-01&format=json",
            headers={"If-None-Match": view.headers["ETag"]},
        ).status_code
        == 304
    )


def test_sparql_cors_preflight_allows_posting_queries(live_server: str) -> None:
    resp = requests.options(
        live_server + "/sparql",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert resp.status_code == 200
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in resp.headers["Access-Control-Allow-Methods"]


def test_export_writes_the_same_dump_and_load_reads_it_back(
    sample_store_dir: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    nq, ttl = tmp_path / "dump.nq.gz", tmp_path / "dump.ttl.gz"
    for out in (nq, ttl):
        result = runner.invoke(cli, ["export", "--store", str(sample_store_dir), "-o", str(out)])
        assert result.exit_code == 0, result.output
    source = EmbeddedStore(sample_store_dir, read_only=True)
    quads, triples = named_quads(source), distinct_triples(source)
    assert len(Graph().parse(data=gzip.decompress(ttl.read_bytes()), format="turtle")) == triples
    plain = tmp_path / "dump.nq"
    plain.write_bytes(gzip.decompress(nq.read_bytes()))
    copy = tmp_path / "copy"
    loaded = runner.invoke(cli, ["load", str(plain), "--store", str(copy)])
    assert loaded.exit_code == 0, loaded.output
    assert named_quads(EmbeddedStore(copy, read_only=True)) == quads


def test_load_puts_triples_into_the_graph_named_by_graph_option(tmp_path: Path) -> None:
    data = tmp_path / "extra.ttl"
    data.write_text("<http://example.org/a> <http://example.org/p> 1, 2 .\n", encoding="utf-8")
    store = tmp_path / "store"
    runner = CliRunner()
    result = runner.invoke(
        cli, ["load", str(data), "--graph", "http://example.org/extra", "--store", str(store)]
    )
    assert result.exit_code == 0, result.output
    assert (
        "loaded  " + str(data) + ": RDF: 2 triples into <http://example.org/extra>" in result.output
    )
    again = runner.invoke(
        cli, ["load", str(data), "--graph", "http://example.org/extra", "--store", str(store)]
    )
    assert again.exit_code == 0
    s = ox.Store.read_only(str(store))
    assert (
        len(list(s.quads_for_pattern(None, None, None, ox.NamedNode("http://example.org/extra"))))
        == 2
    )


def test_load_reports_a_bad_graph_iri_and_bad_rdf(tmp_path: Path) -> None:
    good = tmp_path / "a.nt"
    good.write_text("<http://example.org/a> <http://example.org/p> 1 .\n", encoding="utf-8")
    bad = tmp_path / "b.ttl"
    bad.write_text("<http://example.org/a> <http://example.org/p> .\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(
        cli, ["load", str(good), "--graph", "not an iri", "--store", str(tmp_path / "s")]
    )
    assert result.exit_code == 2
    assert "graph 'not an iri' is not an absolute IRI" in result.output
    result = runner.invoke(cli, ["load", str(bad), "--store", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert f"FAILED  {bad}: not valid text/turtle" in result.output
