"""Search: a person types what they know — a word in any form, a paper number as printed or as in
a URL, a name — and lands on the page; facets narrow it; the index follows every write."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from loader import SAMPLES_DIR
from service.ingest.loading import load_paths
from service.search import SearchService, index_path
from service.store import EmbeddedStore
from service.web import create_app, get_store

from .conftest import CORPUS, ROOT

ID = "https://w3id.org/ratsgraph/id/dresden/"
FOLDERS = [CORPUS / "ratsinfo" / "files", CORPUS / "unlabelled" / "files", CORPUS / "documents"]
V1106 = ID + "resolution/V1106-21/JHA-042-2022"
SAMPLE_BA = next(SAMPLES_DIR.glob("*Beschlussausfertigung.txt"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """The whole development corpus (three folders of real council documents) in an on-disk store."""
    if not all(f.is_dir() for f in FOLDERS):
        pytest.skip(f"corpus not found at {CORPUS}")
    path = tmp_path_factory.mktemp("search") / "store"
    store = EmbeddedStore(path)
    load_paths(store, FOLDERS)
    app = create_app({"TESTING": True}, store=store)
    yield app.test_client()
    store.close()


def search(client, q: str, **params: str) -> dict:  # noqa: ANN001
    resp = client.get("/search", query_string={"q": q, "format": "json", **params})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()


def test_schulsozialarbeit_lands_on_the_one_resolution_about_it(corpus) -> None:  # noqa: ANN001
    # A0224/16 (document 258868) funds Schulsozialarbeit at five schools; no other text names it
    found = search(corpus, "Schulsozialarbeit")
    # best first: the point that says it, then its resolution, then the document's full text
    assert [(h["kind"], h["url"]) for h in found["hits"]] == [
        ("Beschlusspunkt", "/id/dresden/resolution/A0224-16/JHA-026-2016/point/u1"),
        ("Beschluss", "/id/dresden/resolution/A0224-16/JHA-026-2016"),
        ("Beschlussausfertigung", "/id/dresden/document/258868"),
    ]
    assert "<mark>" not in found["hits"][0]["snippet"]  # JSON snippets are plain text
    assert "Angebot der Schulsozialarbeit an der 64. Ober" in found["hits"][0]["snippet"]


@pytest.mark.parametrize("q", ["V1106/21", "V1106-21", "v1106/21", "V 1106/21"])
def test_a_paper_number_in_any_form_puts_its_resolution_first(corpus, q: str) -> None:  # noqa: ANN001
    hits = search(corpus, q)["hits"]
    assert hits[0]["iri"] == V1106
    assert hits[0]["title"].startswith("Planungsbericht Interkulturelle Öffnung aller")
    # then its planning report, its documents and its seven points, nothing of other papers
    assert {h["kind"] for h in hits[1:]} == {
        "Planungsbericht",
        "Beschlussausfertigung",
        "Beschlusspunkt",
    }
    assert all("V1106" in h["iri"] for h in hits)
    assert len([h for h in hits if h["kind"] == "Beschlusspunkt"]) == 7


def test_words_are_found_in_any_form(corpus) -> None:  # noqa: ANN001
    interkulturellen = {h["iri"] for h in search(corpus, "interkulturellen")["hits"]}
    interkulturelle = {h["iri"] for h in search(corpus, "Interkulturelle")["hits"]}
    assert V1106 in interkulturellen
    assert interkulturellen == interkulturelle
    oeffnung = {h["iri"] for h in search(corpus, "Öffnung")["hits"]}
    oeffnungen = {h["iri"] for h in search(corpus, "Öffnungen")["hits"]}
    assert oeffnung == oeffnungen
    assert V1106 in oeffnung


def test_facets_count_the_hits_and_narrow_them(corpus) -> None:  # noqa: ANN001
    whole = search(corpus, "Jugendamt")
    kinds = {f["value"]: f["count"] for f in whole["facets"]["kind"]}
    assert sum(kinds.values()) == whole["total"]  # every hit has exactly one kind
    committees = {f["label"] for f in whole["facets"]["committee"]}
    assert "Jugendhilfeausschuss" in committees
    points = search(corpus, "Jugendamt", kind="Beschlusspunkt")
    assert points["total"] == kinds["Beschlusspunkt"]
    assert {h["kind"] for h in points["hits"]} == {"Beschlusspunkt"}
    actor = ID + "unit/jugendamt"
    tasked = search(corpus, "Jugendamt", kind="Beschlusspunkt", actor=actor)
    assert 0 < tasked["total"] <= points["total"]
    assert all("Jugendamt" in h["facets"]["actor"] for h in tasked["hits"])
    years = {f["value"] for f in whole["facets"]["year"]}
    assert all(y.isdigit() and len(y) == 4 for y in years)
    statuses = {f["label"] for f in search(corpus, "Kita")["facets"]["status"]}
    assert statuses <= {"offen", "in Umsetzung", "fortlaufend", "umgesetzt"}


def test_search_answers_as_a_page_with_a_box_on_every_page_and_as_csv(corpus) -> None:  # noqa: ANN001
    page = corpus.get("/search?q=Schulsozialarbeit").get_data(as_text=True)
    assert "3 Treffer" in page
    assert 'href="/id/dresden/resolution/A0224-16/JHA-026-2016"' in page
    assert "<mark>Schulsozialarbeit</mark>" in page
    assert 'id="facet-committee"' in page
    for url in ("/", "/views/", "/id/dresden/resolution/V1106-21/JHA-042-2022", "/dataset"):
        assert 'class="search-box" role="search"' in corpus.get(url).get_data(as_text=True), url
    english = corpus.get("/search?q=Schulsozialarbeit&lang=en").get_data(as_text=True)
    assert "3 results" in english and "resolution point" in english
    table = list(csv.reader(io.StringIO(corpus.get("/search?q=V1106/21&format=csv").text)))
    assert table[0] == ["iri", "kind", "title", "snippet", "body", "committee", "year", "actor",
                        "status"]  # fmt: skip
    assert table[1][:2] == [V1106, "Beschluss"]
    assert table[1][4:7] == ["Landeshauptstadt Dresden", "Jugendhilfeausschuss", "2022"]


def test_bad_search_parameters_say_what_is_wrong(corpus) -> None:  # noqa: ANN001
    resp = corpus.get("/search", query_string={"q": "x" * 501, "format": "json"})
    assert resp.status_code == 400
    assert resp.get_json()["error"] == "the search 'q' is 501 characters long; at most 500 allowed"
    resp = corpus.get("/search?q=Kita&page=0&format=json")
    assert resp.get_json()["error"] == "'page' must be a whole number from 1 up, got '0'"
    # FTS5 syntax in a search is taken as words, never as syntax
    assert search(corpus, 'Kita NEAR(" OR *')["hits"] == search(corpus, "Kita near or")["hits"]
    assert search(corpus, "Kita")["total"] > 0


def test_the_index_follows_load_reload_and_delete(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    service = SearchService.of(store)
    assert service.current().search("Öffnung").total == 0
    load_paths(store, [SAMPLE_BA])
    assert V1106 in {h.iri for h in service.current().search("Öffnung").hits}
    doc = ID + "document/JHA-042-2022_V1106-21_Beschlussausfertigung"
    changed = tmp_path / SAMPLE_BA.name
    changed.write_text(
        SAMPLE_BA.read_text(encoding="utf-8").replace("Interkulturelle", "Weltoffene"),
        encoding="utf-8",
    )
    load_paths(store, [changed])  # a reload: the same graph, a new text
    assert (
        service.current().search("Öffnung").hits[0].title.startswith("Planungsbericht Weltoffene")
    )
    assert V1106 not in {h.iri for h in service.current().search("interkulturell").hits}
    assert store.drop_graph(doc)
    assert service.current().search("Weltoffene").total == 0
    store.close()
    assert index_path(tmp_path / "store") == tmp_path / "store.search.sqlite"
    assert (tmp_path / "store.search.sqlite").is_file()


def test_a_write_through_the_server_is_indexed_at_once(tmp_path: Path) -> None:
    """An upload or delete over the API indexes its graph right away (no search has to compare
    every graph of the store afterwards)."""
    store = EmbeddedStore(tmp_path / "store")
    kontrolle = next(SAMPLES_DIR.glob("*Beschlusskontrolle*.txt"))
    load_paths(store, [kontrolle])
    app = create_app({"TESTING": True, "WRITE_TOKEN": "secret"}, store=store)
    client = app.test_client()
    assert search(client, "Öffnung")["total"] == 0  # the first search syncs
    with app.app_context():
        service = SearchService.of(get_store())
    auth = {"Authorization": "Bearer secret"}
    upload = client.post("/api/documents", headers=auth,
                         data={"file": (io.BytesIO(SAMPLE_BA.read_bytes()), SAMPLE_BA.name)})  # fmt: skip
    assert upload.status_code == 201, upload.get_json()
    # the index itself, before any search could sync it
    assert V1106 in {h.iri for h in service.index.search("Öffnung").hits}
    assert client.delete("/api/documents/JHA-042-2022_V1106-21_Beschlussausfertigung",
                         headers=auth).status_code == 200  # fmt: skip
    assert service.index.search("Öffnung").total == 0
    assert search(client, "Frühe Hilfen")["total"] > 0  # the other document stays
    store.close()


def test_a_store_written_by_another_process_is_synced_and_reindex_rebuilds(tmp_path: Path) -> None:
    target = tmp_path / "store"
    run = [sys.executable, "-c", "from service.cli import main; main()"]
    subprocess.run([*run, "load", str(SAMPLES_DIR), "--store", str(target)], check=True,
                   cwd=ROOT, capture_output=True)  # fmt: skip
    found = subprocess.run([*run, "search", "Frühe", "Hilfen", "--store", str(target), "--format",
                            "json"], check=True, cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    assert '"title": "Planungsbericht Frühe Hilfen 2023-2028"' in found.stdout
    shutil.copy(SAMPLE_BA, tmp_path / "other.txt")
    index_path(target).write_bytes(b"")  # an empty file: the index is rebuilt whole
    out = subprocess.run([*run, "reindex", "--store", str(target)], check=True, cwd=ROOT,
                         capture_output=True, text=True).stdout  # fmt: skip
    assert out.startswith("indexed 4 graphs in ")  # ontology, reference data, two documents
    assert out.rstrip().endswith(f"s: {index_path(target)}")


def test_search_over_http_on_the_embedded_and_a_remote_store(live_server: str) -> None:
    resp = requests.get(f"{live_server}/search", params={"q": "V1106-21"}, timeout=30,
                        headers={"Accept": "application/json"})  # fmt: skip
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/json"
    assert resp.json()["hits"][0]["iri"] == V1106
    page = requests.get(f"{live_server}/search", params={"q": "Frühe Hilfen"}, timeout=30).text
    assert '<a href="/id/dresden/planning-report/V2620-23">' in page
