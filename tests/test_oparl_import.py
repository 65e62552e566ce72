"""Importing OParl: the corpus folder, and the same corpus from a local OParl 1.1 server over HTTP."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from loader.shapes import validate
from service.cli import cli
from service.ingest.loading import reference_graph
from service.ingest.oparl_import import ImportReport, import_oparl
from service.ingest.oparl_sources import Http
from service.store import EmbeddedStore
from service.web import create_app
from service.web.views import rows_as_json, run_view

from .conftest import CORPUS
from .oparl_server import DRESDEN, OParlServer, corpus_objects
from .pdfs import pdf_with_text

RATSINFO = CORPUS / "ratsinfo"
# the test OParl server is built from the corpus dump
pytestmark = pytest.mark.skipif(not RATSINFO.is_dir(), reason=f"corpus not found at {RATSINFO}")
RB = "https://w3id.org/ratsgraph/ontology#"
PREFIXES = f"PREFIX rb: <{RB}>\nPREFIX dct: <http://purl.org/dc/terms/>\n"
QUICK = {"timeout": 0.5, "retries": 2, "backoff": 0.0}


def fresh(tmp: Path, source: str, **http: float) -> tuple[EmbeddedStore, ImportReport]:
    store = EmbeddedStore(tmp / "store")
    report = import_oparl(
        store, source, state_path=tmp / "state.json", http=Http(**{**QUICK, **http})
    )
    return store, report


def comparable(store: EmbeddedStore, base: str = DRESDEN) -> list[str]:
    """The imported quads, with the server's address as Dresden's, without load times, the Body
    (a folder has none) and the reference data (the same file, but blank nodes differ per store)."""
    lines = store.dump().decode().replace(base, DRESDEN).splitlines()
    skip = ("#loadedAt>", "/oparl/body/", "/dresden/reference> .", "/ratsgraph/ontology> .")
    return sorted(line for line in lines if line and not any(s in line for s in skip))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[EmbeddedStore, ImportReport, Path]:
    tmp = tmp_path_factory.mktemp("oparl-folder")
    store, report = fresh(tmp, str(RATSINFO))
    return store, report, tmp


def test_folder_import_of_the_corpus_stores_every_object_and_document(folder) -> None:
    _, report, _ = folder
    assert dict(report.stored) == {"File": 44, "Meeting": 14, "Organization": 8, "Paper": 26}
    assert report.failures == []
    assert report.complete
    assert sum(report.documents.values()) == 44
    assert "metadata only" not in report.documents


def test_every_document_hangs_on_its_paper_and_meeting(folder) -> None:
    store, _, _ = folder
    rows = store.select(
        PREFIXES
        + """SELECT DISTINCT ?doc ?paper ?session WHERE {
          ?doc rb:fileName ?name .
          OPTIONAL { ?doc rb:attachedToSubmission/dct:identifier ?paper }
          OPTIONAL { ?doc rb:attachedToSession/rb:sessionNumber ?session } }"""
    ).rows
    by_file = {r["doc"].value.rsplit("/", 1)[1]: (r["paper"], r["session"]) for r in rows}
    assert len(by_file) == 44 == len(rows)
    assert [f for f, (p, s) in by_file.items() if p is None or s is None] == []
    assert (by_file["258867"][0].value, by_file["258867"][1].value) == ("A0222/16", "JHA/026/2016")
    # The Vorlage number the scan reads as VUS7/22 is the paper's V1457/22.
    assert by_file["621664"][0].value == "V1457/22"


def test_sessions_carry_their_dates_from_oparl(folder) -> None:
    store, _, _ = folder
    rows = store.select(
        PREFIXES
        + """SELECT DISTINCT ?number ?date WHERE {
          GRAPH ?g { ?s a rb:Session ; rb:sessionNumber ?number ; dct:date ?date }
          FILTER(CONTAINS(STR(?g), "/oparl/meeting/")) } ORDER BY ?date"""
    ).rows
    sessions = {r["number"].value: r["date"].value for r in rows}
    assert sessions == {
        "JHA/016/2015": "2015-09-10",
        "JHA/017/2015": "2015-10-01",
        "SW/015/2015": "2015-11-03",
        "SR/018/2015": "2015-11-19",
        "SR/019/2015": "2015-12-10",
        "SR/020/2016": "2016-01-21",
        "SR/021/2016": "2016-02-25",
        "JHA/022/2016": "2016-03-03",
        "JHA/026/2016": "2016-06-09",
        "AB/018/2022": "2022-06-22",
        "OSR LB/037/2022": "2022-10-11",
        "OSR CB/041/2023": "2023-08-08",
        "SBR Co/051/2024": "2024-01-18",
        "WF/071/2024": "2024-03-13",
    }


def test_a_disagreement_between_text_and_oparl_is_a_warning_in_the_report(folder) -> None:
    _, report, _ = folder
    assert report.warnings == [
        (
            DRESDEN + "bodies/0001/files/642141",
            "session: the text reads 'OSR LB/038/2022', the OParl meeting is 'OSR LB/037/2022'; "
            "keeping the text's",
        )
    ]


def test_the_resolution_view_of_the_a0222_16_chain_shows_its_status_history(folder) -> None:
    store, _, _ = folder
    app = create_app({"TESTING": True}, store=store)
    with app.app_context():
        rows = rows_as_json(run_view("resolution", {"vorlage": "A0222/16"}))
    # The seven interim reports, each with its status; the session and its date come from OParl.
    # (Their order depends on which report dates the extraction could read.)
    history = sorted(
        (r["report"].rsplit("/", 1)[1], r["session"], r["session_date"], r["status"]) for r in rows
    )
    assert history == [
        (report, "JHA/026/2016", "2016-06-09", "in_umsetzung")
        for report in ("268419", "306692", "342330", "451173", "492746", "574102", "634790")
    ]


def test_a_second_folder_import_changes_nothing(folder) -> None:
    store, _, tmp = folder
    before = store.dump()
    report = import_oparl(store, str(RATSINFO), state_path=tmp / "state.json")
    assert (dict(report.stored), report.failures, report.complete) == ({}, [], True)
    assert sorted(store.dump().splitlines()) == sorted(before.splitlines())


@pytest.fixture(scope="module")
def objects() -> dict:
    return corpus_objects(RATSINFO)


def test_http_import_gives_the_same_graph_as_the_folder_import(folder, objects, tmp_path) -> None:
    with OParlServer(objects, page_size=10) as server:
        server.fail_once.add("/bodies/0001/papers")  # a 500, then the retry succeeds
        server.slow["/bodies/0001/meetings?page=2"] = 1.0  # longer than the 0.5 s time-out, once
        server.extra["organization"] = [{"type": "https://schema.oparl.org/1.1/Organization"}]
        store, report = fresh(tmp_path, server.system_url)
        assert report.failures == [
            (
                "?",
                'an OParl Organization without id: {"type": "https://schema.oparl.org/1.1/Organization"}',
            )
        ]
        assert server.requests.count("/bodies/0001/papers") == 2
        assert server.requests.count("/bodies/0001/meetings?page=2") == 2
        assert comparable(store, server.base) == comparable(folder[0])

        again = import_oparl(store, server.system_url, state_path=tmp_path / "state.json")
        assert (dict(again.stored), again.failures, again.complete) == ({}, [], True)
        assert comparable(store, server.base) == comparable(folder[0])
        assert all("modified_since=" in r for r in server.requests[-4:])


def test_a_changed_paper_is_updated_in_place_by_the_next_run(objects, tmp_path) -> None:
    objects = copy.deepcopy(objects)
    with OParlServer(objects, page_size=50) as server:
        store, _ = fresh(tmp_path, server.system_url)
        paper = next(p for p in objects["Paper"] if p["reference"] == "A0222/16")
        paper["name"] = "Neufassung der Rahmenregelung (geändert)"
        paper["modified"] = "2099-01-01T00:00:00+00:00"
        report = import_oparl(store, server.system_url, state_path=tmp_path / "state.json")
        titles = store.select(
            PREFIXES
            + """SELECT ?t WHERE { GRAPH ?g { ?s a rb:Submission ; dct:title ?t }
            FILTER(CONTAINS(STR(?g), "/oparl/paper/12488")) }"""
        ).rows
    assert dict(report.stored) == {"Paper": 1}
    assert [r["t"].value for r in titles] == ["Neufassung der Rahmenregelung (geändert)"]


def test_a_file_whose_paper_changed_is_fetched_again_and_relinked(objects, tmp_path) -> None:
    objects = copy.deepcopy(objects)
    with OParlServer(objects, page_size=50) as server:
        store, _ = fresh(tmp_path, server.system_url)
        # The council treats A0219/16 again in another meeting; only the paper is modified.
        paper = next(p for p in objects["Paper"] if p["reference"] == "A0219/16")
        paper["consultation"].append(
            {"meeting": DRESDEN + "bodies/0001/meetings/4987", "authoritative": False}
        )
        paper["modified"] = "2099-01-01T00:00:00+00:00"
        report = import_oparl(store, server.system_url, state_path=tmp_path / "state.json")
        refetched = sorted(r for r in server.requests if r.startswith("/bodies/0001/files/"))
    assert dict(report.stored) == {"Paper": 1, "File": 2}
    assert refetched == ["/bodies/0001/files/258865", "/bodies/0001/files/267714"]


def test_an_interrupted_import_resumes_without_losing_or_duplicating(
    folder, objects, tmp_path
) -> None:
    with OParlServer(objects, page_size=10) as server:
        broken = "/bodies/0001/files?page=3"
        server.fail_always.add(broken)
        store, first = fresh(tmp_path, server.system_url)
        assert not first.complete
        assert first.failures == [
            (server.base.rstrip("/") + broken, "HTTP 500 Internal Server Error (after 3 attempts)")
        ]
        server.fail_always.clear()
        second = import_oparl(store, server.system_url, state_path=tmp_path / "state.json")
        assert second.complete and second.failures == []
        assert second.stored["File"] == 44 - first.stored["File"]
        assert comparable(store, server.base) == comparable(folder[0])


def test_an_import_stopped_by_ctrl_c_continues_where_it_stopped(folder, objects, tmp_path) -> None:
    def stop_after_60(kind: str, count: int) -> None:
        if count == 60:
            raise KeyboardInterrupt

    with OParlServer(objects, page_size=10) as server:
        store = EmbeddedStore(tmp_path / "store")
        with pytest.raises(KeyboardInterrupt):
            import_oparl(
                store,
                server.system_url,
                state_path=tmp_path / "state.json",
                http=Http(**QUICK),
                progress=stop_after_60,
            )
        resumed = import_oparl(store, server.system_url, state_path=tmp_path / "state.json")
        assert not any("modified_since" in r for r in server.requests)  # no run was complete
        assert resumed.complete
        # Stopped at the 60th object: the body, 8 committees, 14 meetings, 26 papers and 10 files
        # were stored; the second run stores the other 34 files and finds the rest unchanged.
        assert dict(resumed.stored) == {"File": 34}
        assert comparable(store, server.base) == comparable(folder[0])


@pytest.mark.parametrize("file_list", [True, False], ids=["file-list", "files-inside-papers"])
def test_a_pdf_without_text_is_downloaded_and_its_text_layer_extracted(
    objects, tmp_path, file_list: bool
) -> None:
    text = (RATSINFO / "files" / "258867.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    paper = copy.deepcopy(next(p for p in objects["Paper"] if p["reference"] == "A0222/16"))
    pdf_file = {
        "id": DRESDEN + "bodies/0001/files/900001",
        "type": "https://schema.oparl.org/1.1/File",
        "name": "Beschlussausfertigung_JHA_A0222/16_mU",
        "mimeType": "application/pdf",
        "accessUrl": DRESDEN + "download/900001.pdf",
        "paper": [paper["id"]],
        "modified": "2020-01-01T00:00:00+00:00",
    }
    small = {
        "Organization": objects["Organization"],
        "Meeting": [m for m in objects["Meeting"] if m["id"].endswith("/meetings/4991")],
        "Paper": [paper],
        "File": [pdf_file],
    }
    paper["auxiliaryFile"] = [pdf_file]  # an OParl 1.0 body names its files only here
    with OParlServer(small, file_list=file_list) as server:
        server.downloads["/download/900001.pdf"] = pdf_with_text(lines)
        store, report = fresh(tmp_path, server.system_url)
    assert report.failures == []
    assert dict(report.documents) == {"Beschlussausfertigung": 1}
    rows = store.select(
        PREFIXES + "SELECT DISTINCT ?file ?session WHERE { ?doc rb:fileName ?file ; "
        "rb:records/rb:session/rb:sessionNumber ?session }"
    ).rows
    assert [(r["file"].value, r["session"].value) for r in rows] == [("900001.pdf", "JHA/026/2016")]


def test_an_unreachable_endpoint_is_an_error_naming_the_url(tmp_path) -> None:
    with OParlServer({}) as server:
        url = server.base + "nothing-here"
    store = EmbeddedStore(tmp_path / "store")
    report = import_oparl(store, url, state_path=tmp_path / "s.json", http=Http(**QUICK))
    assert not report.complete
    assert len(report.failures) == 1 and report.failures[0][0] == url
    assert re.match(r"cannot connect", report.failures[0][1])


def test_the_import_oparl_command_reports_and_a_second_run_stores_nothing(tmp_path) -> None:
    args = ["import-oparl", str(RATSINFO), "--store", str(tmp_path / "store")]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[0] == "stored: 44 File, 14 Meeting, 8 Organization, 26 Paper"
    assert (tmp_path / "store.oparl-state.json").is_file()
    second = CliRunner().invoke(cli, args)
    assert (second.exit_code, second.output.splitlines()[0]) == (0, "stored: nothing")


def test_the_import_oparl_command_names_a_missing_folder(tmp_path) -> None:
    missing = tmp_path / "no-such-dump"
    result = CliRunner().invoke(cli, ["import-oparl", str(missing), "--store", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert f"error: {missing}: no such folder" in result.output


def test_the_graphs_of_the_oparl_objects_satisfy_the_shapes(folder) -> None:
    store, _, _ = folder
    oparl = store.construct(
        'CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), "/oparl/")) }'
    )
    result = validate(oparl, extra=reference_graph("dresden"))
    assert [str(v) for v in result.violations] == []
    assert result.conforms


def test_a_mirror_named_like_a_council_with_reference_data_is_imported_under_it_with_a_warning(
    tmp_path,
) -> None:
    # The test server names its body "Landeshauptstadt Dresden" but is not oparl.dresden.de.
    with OParlServer({}) as server:
        store, report = fresh(tmp_path, server.system_url)
        body = server.base + "bodies/0001"
    assert (report.complete, report.bodies) == (True, {body: "dresden"})
    assert report.warnings == [
        (
            body,
            "imported as 'dresden', whose reference data names another OParl body URL: right for "
            "a mirror of that council; otherwise import it with --body SLUG into a fresh state",
        )
    ]
