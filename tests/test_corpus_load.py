"""The whole development corpus loads in one command, and reports join the resolutions they report on."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.ingest.loading import load_paths
from service.store import EmbeddedStore
from service.web import create_app

from .conftest import CORPUS

FILES = CORPUS / "ratsinfo" / "files"
pytestmark = pytest.mark.skipif(not FILES.is_dir(), reason=f"corpus not found at {FILES}")


@pytest.fixture(scope="module")
def corpus_client(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    store = EmbeddedStore(tmp_path_factory.mktemp("corpus") / "store")
    results = load_paths(store, [FILES])
    app = create_app({"TESTING": True}, store=store)
    return results, app.test_client()


def test_every_corpus_text_loads_except_the_one_without_a_readable_vorlage(corpus_client) -> None:  # noqa: ANN001
    results, _ = corpus_client
    failed = {Path(r.path).name: r.message for r in results if not r.ok}
    assert len(results) == 44
    # 621664 prints its Vorlage as "VUS7/22": from the text alone it cannot be named (OParl fills it)
    assert failed == {
        "621664.txt": "no Vorlage number found: cannot name the resolution this document is about"
    }


def test_chain_of_a0222_16_shows_seven_interim_reports_in_the_resolution_view(
    corpus_client,
) -> None:  # noqa: ANN001
    _, client = corpus_client
    rows = client.get("/views/resolution?vorlage=A0222/16&format=json").get_json()["rows"]
    assert {r["resolution"] for r in rows} == {
        "https://w3id.org/ratsgraph/id/dresden/resolution/A0222-16/JHA-026-2016"
    }
    reports = [r["report"].rsplit("/", 1)[1] for r in rows]
    assert sorted(reports) == ["268419", "306692", "342330", "451173", "492746", "574102", "634790"]
    assert {(r["status"], r["deadline"]) for r in rows} == {("in_umsetzung", "2016-09-15")}
    dated = [r["status_date"] for r in rows if r["status_date"]]
    assert dated == sorted(dated)  # oldest first


def test_each_beschlusskontrolle_joins_its_beschlussausfertigung(corpus_client) -> None:  # noqa: ANN001
    _, client = corpus_client
    for vorlage, points in {
        "V0590/15": 1,
        "V0594/15": 2,
        "V0660/15": 3,
        "V0621/15": 2,
        "A0219/16": 2,
        "V0400/15": 6,
    }.items():
        rows = client.get(f"/views/resolution?vorlage={vorlage}&format=json").get_json()["rows"]
        assert len({r["resolution"] for r in rows}) == 1, vorlage
        assert len({r["point_iri"] for r in rows}) == points, vorlage
        assert any(r["report"] for r in rows), vorlage


def test_a_triple_asserted_by_many_documents_is_in_the_default_graph_once(corpus_client) -> None:  # noqa: ANN001
    _, client = corpus_client
    q = (
        "SELECT (COUNT(*) AS ?n) WHERE { "
        "<https://w3id.org/ratsgraph/id/dresden/resolution/A0222-16/JHA-026-2016> a ?t }"
    )
    resp = client.get(
        "/sparql", query_string={"query": q}, headers={"Accept": "application/sparql-results+json"}
    )
    assert resp.get_json()["results"]["bindings"][0]["n"]["value"] == "1"
