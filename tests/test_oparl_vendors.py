"""Any council through OParl: real objects of other vendors' systems (the OParl specification's
examples, Somacos, CC e-gov, Sternberg; OParl 1.0 and 1.1), served over HTTP with their quirks,
several councils in one store, none under another's IRIs."""

from __future__ import annotations

import copy
import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from loader.oparl_legacy import type_name
from service.cli import cli
from service.ingest.oparl_import import ImportReport, import_oparl
from service.ingest.oparl_sources import Http
from service.store import EmbeddedStore

from .conftest import CORPUS, serving
from .oparl_server import TYPE, Council, VendorServer, vendor_objects
from .pdfs import pdf_with_text

ID = "https://w3id.org/ratsgraph/id/"
PREFIXES = (
    "PREFIX rb: <https://w3id.org/ratsgraph/ontology#>\nPREFIX dct: <http://purl.org/dc/terms/>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
)
QUICK = {"timeout": 5.0, "retries": 0, "backoff": 0.0}


def koeln() -> Council:
    """The OParl 1.1 specification's example council (github.com/OParl/spec, examples/)."""
    spec = {type_name(o): o for o in vendor_objects("spec")}
    lists = {k.lower(): [copy.deepcopy(spec[k])] for k in ("Organization", "Person", "Meeting")}
    lists |= {"paper": [copy.deepcopy(spec["Paper"])], "file": [copy.deepcopy(spec["File"])]}
    return Council("koeln", "https://oparl.example.org/", spec["Body"], lists)


def wuppertal() -> Council:
    """Somacos (oparl.wuppertal.de, OParl 1.0): a meeting whose organizations do not resolve;
    modified_since is taken only unencoded."""
    objs = {type_name(o): o for o in vendor_objects("wuppertal")}
    return Council(
        "wuppertal",
        "http://oparl.wuppertal.de/oparl/",
        objs["Body"],
        {"organization": [], "meeting": [objs["Meeting"]]},
        quirks={"raw-modified-since"},
    )


def bonn() -> Council:
    """CC e-gov (Bonn, OParl 1.1): a single auxiliaryFile object where a list was expected.
    The source gave no Body: this one is made for the test."""
    origin = "https://www.bonn.sitzung-online.de/public/"  # its downloads too: /public/doc?…
    body = {"id": origin + "oparl/bodies?id=1", "type": TYPE + "Body", "name": "Bundesstadt Bonn"}
    return Council("bonn", origin, body, {"meeting": vendor_objects("bonn")})


def krefeld() -> Council:
    """Sternberg (ris.krefeld.de, OParl 1.0): the body list answers with the Body object, a
    modified_since is answered 404, a deleted File comes without its type."""
    objs = vendor_objects("krefeld")
    body = next(o for o in objs if type_name(o) == "Body")
    deleted = next(o for o in objs if o.get("deleted"))
    return Council(
        "krefeld",
        "https://ris.krefeld.de/webservice/oparl/v1.0/",
        body,
        {"organization": [], "paper": [], "file": [deleted]},
        quirks={"object-for-list", "no-modified-since"},
    )


def braunschweig() -> Council:
    """Somacos (Braunschweig): a paper whose name holds raw control characters. The second
    paper and the Body are made for the test (so a page follows the broken one)."""
    origin = "https://ratsinfo.braunschweig.de/bi/oparl/1.0/"
    body = {"id": origin + "bodies.asp?id=1", "type": TYPE + "Body", "name": "Stadt Braunschweig"}
    second = {
        "id": origin + "papers.asp?id=1665",
        "type": TYPE + "Paper",
        "name": "Zweite Vorlage (für den Test gemacht)",
        "reference": "1665/99",
        "modified": "1999-02-08T12:00:00+01:00",
    }
    return Council(
        "braunschweig",
        origin,
        body,
        {"paper": [*vendor_objects("braunschweig"), second]},
        quirks={"control-chars"},
    )


def leipzig() -> Council:
    """Somacos (Leipzig, OParl 1.0): a real Body with an empty shortName, no objects."""
    return Council(
        "leipzig", "https://ratsinfo.leipzig.de/bi/oparl/1.0/", vendor_objects("leipzig")[0], {}
    )


class LoopbackHttp(Http):
    """The import's HTTP client, refusing anything but the test server: a URL the server did not
    move to itself would otherwise leave the machine."""

    def get(self, url: str) -> bytes:
        assert url.startswith("http://127.0.0.1:"), f"the import asked {url}"
        return super().get(url)


def run(store: EmbeddedStore, url: str, tmp: Path, **kw: Any) -> ImportReport:
    return import_oparl(store, url, state_path=tmp / "state.json", http=LoopbackHttp(**QUICK), **kw)


def rows(store: EmbeddedStore, query: str) -> list[tuple[str, ...]]:
    result = store.select(PREFIXES + query)
    return sorted(tuple(r[v].value for v in result.columns) for r in result.rows)


def foreign_iris(store: EmbeddedStore, base: str) -> list[str]:
    """Quads in one body's graphs that name another body's IRIs."""
    out = []
    for line in store.dump().decode().splitlines():
        parts = line.rsplit(" ", 2)
        graph = parts[-2].strip("<>") if len(parts) == 3 else ""
        if not graph.startswith(ID):
            continue
        body = graph[len(ID) :].split("/", 1)[0]
        for iri in (t.split(">", 1)[0] for t in line.split("<")[1:]):
            if iri.startswith(ID) and iri[len(ID) :].split("/", 1)[0].split("#")[0] != body:
                out.append(f"{graph}: {iri}")
    return out


@pytest.fixture(scope="module")
def vendors(tmp_path_factory: pytest.TempPathFactory):
    """Five councils of four vendors, imported one after another into one store."""
    tmp = tmp_path_factory.mktemp("vendors")
    councils = [koeln(), wuppertal(), bonn(), krefeld(), braunschweig()]
    with VendorServer(councils, page_size=1) as server:
        store = EmbeddedStore(tmp / "store")
        reports = {
            c.name: run(store, server.system_url(c.name), tmp, file_pattern=".*") for c in councils
        }
        yield store, reports, server, tmp


def test_every_council_is_imported_under_the_slug_its_body_gives(vendors) -> None:
    store, reports, server, _ = vendors
    slugs = {name: list(r.bodies.values()) for name, r in reports.items()}
    assert slugs == {
        "koeln": ["koeln"],  # shortName "Köln"
        "wuppertal": ["i0001"],  # Somacos' shortName "I0001" (--body overrides it)
        "bonn": ["bonn"],  # "Bundesstadt Bonn"
        "krefeld": ["krefeld"],  # no shortName: "Stadt Krefeld"
        "braunschweig": ["braunschweig"],
    }
    assert {name: r.failures for name, r in reports.items()} == {n: [] for n in reports}
    assert all(r.complete for r in reports.values())
    assert foreign_iris(store, ID) == []
    # one query across all of them: each body's sessions and papers
    assert rows(
        store,
        """SELECT ?body (COUNT(DISTINCT ?x) AS ?n) WHERE {
          { ?x a rb:Session } UNION { ?x a rb:Submission } ?x rb:body ?body }
        GROUP BY ?body""",
    ) == [
        (ID + "bonn", "1"),
        (ID + "braunschweig", "2"),
        (ID + "i0001", "1"),
        (ID + "koeln", "2"),
    ]
    names = rows(store, "SELECT ?city ?name WHERE { ?city a rb:City ; skos:prefLabel ?name }")
    assert names == [
        (ID + "bonn", "Bundesstadt Bonn"),
        (ID + "braunschweig", "Stadt Braunschweig"),
        (ID + "i0001", "Instance 0001"),
        (ID + "koeln", "Stadt Köln, kreisfreie Stadt"),
        (ID + "krefeld", "Stadt Krefeld"),
    ]


def test_the_spec_council_keeps_its_committee_meeting_agenda_and_paper(vendors) -> None:
    store, _, server, _ = vendors
    k = ID + "koeln/"
    assert rows(
        store,
        """SELECT ?org ?type ?label WHERE { ?org a ?type ; skos:prefLabel ?label ; rb:body ?b .
        FILTER(?type IN (rb:Committee, rb:Faction, rb:AdministrativeUnit)) }""",
    ) == [
        (
            k + "committee/finanzausschuss",
            "https://w3id.org/ratsgraph/ontology#Committee",
            "Ausschuss für Haushalt und Finanzen",
        ),
    ]
    # "4. Sitzung des Finanzausschusses": a name, not a session number (no reference data
    # vouches for a numbering); the session is keyed by its OParl id
    assert rows(
        store,
        """SELECT ?s ?number ?title ?by WHERE { ?s a rb:Session ; rb:sessionNumber ?number ;
        dct:title ?title ; <http://data.vlaanderen.be/ns/besluit#isGehoudenDoor> ?by ;
        rb:body <https://w3id.org/ratsgraph/id/koeln> }""",
    ) == [
        (
            k + "session/Sitzung-281",
            "281",
            "4. Sitzung des Finanzausschusses",
            k + "committee/finanzausschuss",
        ),
    ]
    assert rows(
        store,
        "SELECT ?item ?number ?result WHERE { ?item a rb:AgendaItem ; dct:identifier ?number ;"
        " rb:agendaResult ?result }",
    ) == [(k + "session/Sitzung-281/agenda-item/10.1", "10.1", "Geändert beschlossen")]
    assert rows(
        store,
        "SELECT ?s ?ref ?title WHERE { ?s a rb:Submission ; dct:identifier ?ref ; dct:title ?title ;"
        " rb:body <https://w3id.org/ratsgraph/id/koeln> }",
    ) == [(k + "submission/1234-2014", "1234/2014", "Antwort auf Anfrage 1200/2014")]


def test_a_pdf_that_404s_is_stored_as_metadata_and_asked_for_again(vendors) -> None:
    store, reports, server, tmp = vendors
    file_id = server.url("koeln", "https://oparl.example.org/files/57737")
    pdf = server.url("koeln", "https://oparl.example.org/files/57737.pdf")
    assert reports["koeln"].warnings == [
        (file_id, f"text unavailable: {pdf}: HTTP 404 Not Found (asked again in the next run)")
    ]
    doc = ID + "koeln/document/57737"
    assert rows(
        store,
        f"SELECT ?name ?paper ?warning WHERE {{ <{doc}> dct:alternative ?name ;"
        f" rb:attachedToSubmission ?paper ; rb:warning ?warning }}",
    ) == [
        (
            "Anlage 1 zur Anfrage",
            ID + "koeln/submission/1234-2014",
            f"text unavailable: {pdf}: HTTP 404 Not Found",
        )
    ]
    # the watermark advanced all the same: the next run asks only for what changed, and the file
    before = len(server.requests)
    again = run(store, server.system_url("koeln"), tmp, file_pattern=".*")
    asked = server.requests[before:]
    assert again.complete and dict(again.stored) == {}
    assert all("modified_since=" in r for r in asked if "/lists/" in r)
    assert asked.count("/koeln/files/57737.pdf") == 1
    # a PDF without a usable text layer: stored with its metadata, the reason as its warning
    server.downloads["/koeln/files/57737.pdf"] = pdf_with_text(["1200/2014"])
    third = run(store, server.system_url("koeln"), tmp, file_pattern=".*")
    assert (dict(third.stored), third.complete, third.failures) == ({"File": 1}, True, [])
    assert rows(store, f"SELECT ?w WHERE {{ <{doc}> rb:warning ?w }}") == [
        ("text unavailable: no usable text: too few letters (garbage or an empty text layer)",)
    ]
    # the council replaces it with a PDF with text: read, the warning gone
    server.councils["koeln"].lists["file"][0]["modified"] = "2099-01-01T00:00:00+01:00"
    server.downloads["/koeln/files/57737.pdf"] = pdf_with_text(
        [
            "Antwort auf die Anfrage 1200/2014 zur Satzungsänderung für Ausschreibungen.",
            "Die Verwaltung beantwortet die Fragen der Fraktion wie folgt: Die Satzung",
            "wird zum ersten Januar geändert; der Ausschuss für Haushalt und Finanzen berät.",
        ]
    )
    fourth = run(store, server.system_url("koeln"), tmp, file_pattern=".*")
    assert (dict(fourth.stored), fourth.complete, fourth.failures) == ({"File": 1}, True, [])
    assert rows(store, f"SELECT ?w WHERE {{ <{doc}> rb:warning ?w }}") == []


def test_a_single_auxiliary_file_object_is_imported_and_hangs_on_its_session(vendors) -> None:
    store, reports, server, _ = vendors
    # mimeType "pdf" (CC e-gov) is a PDF, asked for; the .docx is not (its download is no text)
    origin = "https://www.bonn.sitzung-online.de/public/"
    pdf = server.url("bonn", origin + "doc?DOLFDNR=268781&DOCTYP=134&OTYP=41")
    assert reports["bonn"].warnings == [
        (
            server.url("bonn", origin + "oparl/files?id=268781&dtyp=134"),
            f"text unavailable: {pdf}: HTTP 404 Not Found (asked again in the next run)",
        )
    ]
    assert rows(
        store,
        """SELECT ?name ?format ?session WHERE { ?doc dct:alternative ?name ; dct:format ?format ;
        rb:attachedToSession ?session . FILTER(STRSTARTS(STR(?doc), "https://w3id.org/ratsgraph/id/bonn/")) }""",
    ) == [
        ("Alle Anlagen öffentlich", "pdf", ID + "bonn/session/Sitzung-meetings-id-664"),
        ("Öffentliche Tagesordnung", "docx", ID + "bonn/session/Sitzung-meetings-id-664"),
    ]


def test_control_characters_in_a_list_page_do_not_stop_the_list(vendors) -> None:
    store, reports, server, _ = vendors
    assert server.requests.count("/braunschweig/lists/paper?page=2") == 1
    titles = rows(
        store,
        "SELECT ?ref ?title WHERE { ?s dct:identifier ?ref ; dct:title ?title ;"
        " rb:body <https://w3id.org/ratsgraph/id/braunschweig> }",
    )
    assert [t[0] for t in titles] == ["1664/99", "1665/99"]
    assert titles[0][1].startswith(
        "Volkshochschule Braunschweig e. V.\r\nUmwandlung in eine Gesellschaft mit beschr„nkter"
        " Haftung (GmbH) \n @ \x04\x01"
    )


def test_a_server_refusing_modified_since_is_listed_in_full_and_the_run_completes(vendors) -> None:
    store, reports, server, tmp = vendors
    deleted = server.url(
        "krefeld", "https://ris.krefeld.de/webservice/oparl/v1.0/body/1/file/2-19309"
    )
    # the body list answered with a Body object; a deleted File without a type is a tombstone
    assert dict(reports["krefeld"].deleted) == {"File": 1}
    assert rows(store, "SELECT ?x ?type WHERE { ?x a rb:Withdrawn ; dct:type ?type }") == [
        (deleted, "File")
    ]
    again = run(store, server.system_url("krefeld"), tmp)
    lists = f"{server.base}krefeld/lists/"
    assert again.complete and again.failures == []
    # once, for the first list (asked encoded, then raw); the other lists are listed in full
    assert [w[1].split(" (")[0] for w in again.warnings if w[0].startswith(lists)] == [
        "the server refuses modified_since"
    ]
    assert dict(again.unchanged) == {"Body": 1, "File": 1}
    before = len(server.requests)
    third = run(store, server.system_url("krefeld"), tmp)
    asked = [r for r in server.requests[before:] if r.startswith("/krefeld/lists/")]
    assert (third.complete, asked) == (
        True,
        ["/krefeld/lists/organization", "/krefeld/lists/paper", "/krefeld/lists/file"],
    )


def test_a_server_taking_modified_since_only_unencoded_is_asked_so_from_then_on(vendors) -> None:
    store, _, server, tmp = vendors
    before = len(server.requests)
    second = run(store, server.system_url("wuppertal"), tmp)
    third = run(store, server.system_url("wuppertal"), tmp)
    asked = [
        (r.split("?")[0].rsplit("/", 1)[1], "encoded" if "%3A" in r else "raw")
        for r in server.requests[before:]
        if "/wuppertal/lists/" in r
    ]
    assert (second.complete, third.complete, second.warnings, third.warnings) == (
        True,
        True,
        [],
        [],
    )
    # the first list: the encoded form refused, the raw one taken; after that raw at once
    assert asked == [
        ("organization", "encoded"),
        ("organization", "raw"),
        ("meeting", "raw"),
        ("organization", "raw"),
        ("meeting", "raw"),
    ]


def test_a_deleted_paper_vanishes_from_the_graph_and_its_page(tmp_path) -> None:
    council = koeln()
    with VendorServer([council]) as server:
        store = EmbeddedStore(tmp_path / "store")
        run(store, server.system_url("koeln"), tmp_path)
        paper = council.lists["paper"][0]
        council.lists["paper"] = [
            {
                "id": paper["id"],
                "type": paper["type"],
                "deleted": True,
                "modified": "2099-01-01T00:00:00+01:00",
            }
        ]
        report = run(store, server.system_url("koeln"), tmp_path)
        url = server.url("koeln", paper["id"])
    assert report.complete and report.failures == [] and dict(report.deleted) == {"Paper": 1}
    assert rows(
        store, "SELECT ?x ?when WHERE { ?x a rb:Withdrawn ; prov:invalidatedAtTime ?when }"
    ) == [(url, "2099-01-01T00:00:00+01:00")]
    sub = ID + "koeln/submission/1234-2014"
    assert rows(store, f"SELECT ?p ?o WHERE {{ <{sub}> ?p ?o }}") == []
    # its file, fetched again because its paper changed, no longer hangs on it
    assert rows(store, f"SELECT ?doc WHERE {{ ?doc rb:attachedToSubmission <{sub}> }}") == []
    store.close()
    with serving(tmp_path / "store") as base:
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "/id/koeln/submission/1234-2014")
        page = urllib.request.urlopen(base + "/id/koeln/session/Sitzung-281").read().decode()
    missing.value.close()
    assert missing.value.code == 404
    assert "4. Sitzung des Finanzausschusses" in page and "1234/2014" not in page


def test_a_body_whose_slug_is_taken_is_refused_and_an_override_goes_through(tmp_path) -> None:
    with VendorServer([koeln(), leipzig()]) as server:
        store_dir = str(tmp_path / "store")
        first = CliRunner().invoke(
            cli, ["import-oparl", server.system_url("koeln"), "--store", store_dir]
        )
        assert first.exit_code == 0, first.output
        taken = CliRunner().invoke(
            cli,
            ["import-oparl", server.system_url("leipzig"), "--store", store_dir, "--body", "koeln"],
        )
        own = CliRunner().invoke(
            cli, ["import-oparl", server.system_url("leipzig"), "--store", store_dir]
        )
        leipzig_body = server.url(
            "leipzig", "https://ratsinfo.leipzig.de/bi/oparl/1.0/bodies.asp?id=2387"
        )
        koeln_body = server.url("koeln", "https://oparl.example.org/body/0")
    assert taken.exit_code == 2
    assert taken.output.strip() == (
        f"error: body 'koeln' of {leipzig_body} is already taken in this store by {koeln_body}: "
        "give this body its own slug with --body SLUG"
    )
    assert own.exit_code == 0, own.output
    assert f"body leipzig: {leipzig_body}" in own.output.splitlines()
    store = EmbeddedStore(tmp_path / "store")
    assert rows(store, "SELECT ?city ?src WHERE { ?city a rb:City ; dct:source ?src }") == [
        (ID + "koeln", koeln_body),
        (ID + "leipzig", leipzig_body),
    ]


@pytest.mark.skipif(not (CORPUS / "ratsinfo").is_dir(), reason="corpus not found")
def test_dresden_and_another_council_share_a_store_without_touching_each_other(tmp_path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    dresden = import_oparl(store, str(CORPUS / "ratsinfo"), state_path=tmp_path / "state.json")
    # another council with a JHA of its own
    council = koeln()
    council.lists["organization"][0] |= {"shortName": "JHA", "name": "Jugendhilfeausschuss"}
    with VendorServer([council]) as server:
        other = run(store, server.system_url("koeln"), tmp_path)
    assert (dresden.bodies, dresden.complete, other.complete) == (
        {"folder:" + str((CORPUS / "ratsinfo").resolve()): "dresden"},
        True,
        True,
    )
    assert foreign_iris(store, ID) == []
    jha = rows(
        store,
        """SELECT ?jha (COUNT(DISTINCT ?s) AS ?sessions) WHERE {
        ?s <http://data.vlaanderen.be/ns/besluit#isGehoudenDoor> ?jha . ?jha rb:abbreviation "JHA" }
        GROUP BY ?jha""",
    )
    assert jha == [(ID + "dresden/committee/jha", "4"), (ID + "koeln/committee/jha", "1")]
    labels = rows(store, f"SELECT ?l WHERE {{ <{ID}dresden> skos:prefLabel|skos:altLabel ?l }}")
    assert "Stadt Köln, kreisfreie Stadt" not in [label for (label,) in labels]
    # a second run of each fetches nothing new and writes nothing
    again = import_oparl(store, str(CORPUS / "ratsinfo"), state_path=tmp_path / "state.json")
    assert dict(again.stored) == {}


def test_a_folder_dump_with_arrays_embedded_files_and_standalone_consultations(tmp_path) -> None:
    spec = {type_name(o): o for o in vendor_objects("spec")}
    dump = tmp_path / "dump"
    dump.mkdir()
    for kind in ("Body", "Organization", "Meeting"):
        (dump / f"{kind}.json").write_text(json.dumps(spec[kind]), encoding="utf-8")
    paper = {k: v for k, v in spec["Paper"].items() if k != "consultation"}
    consultation = {
        "id": "https://oparl.example.org/consultation/1034",
        "type": TYPE + "Consultation",
        "paper": paper["id"],
        "meeting": spec["Meeting"]["id"],
        "organization": [spec["Organization"]["id"]],
        "authoritative": True,
        "role": "Beschlussfassung",
    }
    (dump / "papers.json").write_text(json.dumps([paper]), encoding="utf-8")  # a list as an array
    (dump / "consultations.json").write_text(json.dumps({"data": [consultation]}), encoding="utf-8")
    store = EmbeddedStore(tmp_path / "store")
    report = import_oparl(store, str(dump), state_path=tmp_path / "state.json")
    assert (report.failures, report.complete) == ([], True)
    assert dict(report.stored) == {
        "Body": 1,
        "Consultation": 1,
        "File": 2,
        "Meeting": 1,
        "Organization": 1,
        "Paper": 1,
    }
    k = ID + "koeln/"
    assert rows(
        store,
        "SELECT ?c ?session ?by WHERE { ?c a rb:Consultation ; rb:inSession ?session ;"
        " rb:consultingBody ?by ; rb:authoritative true }",
    ) == [
        (
            k + "submission/1234-2014/consultation/281",
            k + "session/Sitzung-281",
            k + "committee/finanzausschuss",
        )
    ]
    # the paper's files exist only inside it: both are imported, filed under the paper
    assert rows(
        store, "SELECT ?doc ?name WHERE { ?doc rb:attachedToSubmission ?s ; dct:alternative ?name }"
    ) == [
        (k + "document/57737", "Anlage 1 zur Anfrage"),
        (k + "document/57739", "Anlage 1 zur Anfrage"),  # the example names both so
    ]


def test_validate_and_check_cover_the_imported_graphs(tmp_path) -> None:
    store_dir = str(tmp_path / "store")
    with VendorServer([koeln(), bonn()]) as server:
        for name in ("koeln", "bonn"):
            done = CliRunner().invoke(
                cli, ["import-oparl", server.system_url(name), "--store", store_dir]
            )
            assert done.exit_code == 0, done.output
    valid = CliRunner().invoke(cli, ["validate", "--store", store_dir])
    assert (valid.exit_code, valid.output.splitlines()) == (
        0,
        [
            "ok      OParl bonn (4 graphs)",
            "ok      OParl koeln (6 graphs)",
            "0 of 0 document graphs conform to the shapes.",
            "2 of 2 bodies' OParl graphs conform to the shapes.",
        ],
    )
    checked = CliRunner().invoke(cli, ["check", "--store", store_dir])
    assert checked.exit_code == 0, checked.output
    # a meeting graph without its session number is found
    store = EmbeddedStore(tmp_path / "store")
    broken = store.construct(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ID}koeln/oparl/meeting/281> {{ ?s ?p ?o "
        "FILTER(?p != <https://w3id.org/ratsgraph/ontology#sessionNumber>) } }"
    )
    store.replace_graph(f"{ID}koeln/oparl/meeting/281", broken)
    store.close()
    invalid = CliRunner().invoke(cli, ["validate", "--store", store_dir])
    assert invalid.exit_code == 1
    assert invalid.output.splitlines()[1:3] == [
        "INVALID OParl koeln (6 graphs)",
        f"    <{ID}koeln/session/Sitzung-281> · rb:sessionNumber: A session has exactly one session"
        ' number (rb:sessionNumber, e.g. "JHA/042/2022").',
    ]


def test_a_system_of_several_bodies_keeps_each_body_apart_and_incremental(tmp_path) -> None:
    councils = [koeln(), braunschweig(), leipzig()]
    councils[0].siblings = ("braunschweig", "leipzig")  # one System listing three Bodies
    with VendorServer(councils) as server:
        store = EmbeddedStore(tmp_path / "store")
        first = run(store, server.system_url("koeln"), tmp_path)
        paper = councils[1].lists["paper"][1]
        paper |= {"name": "Zweite Vorlage (geändert)", "modified": "2099-01-01T00:00:00+01:00"}
        second = run(store, server.system_url("koeln"), tmp_path)
    assert first.complete and first.failures == []
    assert sorted(first.bodies.values()) == ["braunschweig", "koeln", "leipzig"]
    state = json.loads((tmp_path / "state.json").read_text(encoding="utf-8"))
    assert sorted(b["slug"] for b in state["bodies"].values()) == [
        "braunschweig",
        "koeln",
        "leipzig",
    ]
    assert (dict(second.stored), second.complete) == ({"Paper": 1}, True)
    assert foreign_iris(store, ID) == []
    assert rows(
        store,
        'SELECT ?title WHERE { ?s dct:identifier "1665/99" ; dct:title ?title }',
    ) == [("Zweite Vorlage (geändert)",)]
