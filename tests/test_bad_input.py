"""Bad input: each broken file fails with its name and reason, the rest loads, the store is unchanged.

`ratsgraph load` as a real process on a real on-disk store, file by file and as a folder, and the
same files uploaded to a running server.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from loader import SAMPLES_DIR
from service.cli import cli
from service.store import EmbeddedStore

from .conftest import ROOT, start_server, stop_server
from .pdfs import blank_pdf, pdf_with_text

BK = SAMPLES_DIR / "V2620-23_Beschlusskontrolle_Hausmitteilung.txt"
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def make_bad_files(folder: Path) -> dict[str, str]:
    """Each bad file, and the reason its error must give."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbage.txt").write_bytes(bytes(range(256)) * 40)
    with (folder / "huge.txt").open("wb") as fh:  # 100 MB, sparse: costs no disk
        fh.write(b"Beschlussausfertigung\n")
        fh.truncate(100 * 1024 * 1024)
    (folder / "scan.pdf").write_bytes(blank_pdf())
    (folder / "cut.pdf").write_bytes(pdf_with_text(["Der Stadtrat beschliesst die Vorlage."])[:120])
    (folder / "fake.pdf").write_bytes(b"Sehr geehrte Damen und Herren, dies ist kein PDF.\n")
    (folder / "letter.txt").write_text(
        "Sehr geehrte Damen und Herren,\n\nvielen Dank für Ihren Brief vom 3. Mai. Wir melden uns "
        "in Kürze bei Ihnen.\n\nMit freundlichen Grüßen\nIhre Stadtverwaltung\n",
        encoding="utf-8",
    )
    return {
        "empty.txt": "file is empty",
        "garbage.txt": "binary",
        "huge.txt": "over the limit",
        "scan.pdf": "PDF has no text layer",
        "cut.pdf": "PDF is truncated or corrupt",
        "fake.pdf": "does not start with %PDF",
        "letter.txt": "not recognised",
    }


def ratsgraph(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def per_graph(store_dir: Path) -> list[tuple[str, str]]:
    store = EmbeddedStore(store_dir, read_only=True)
    try:
        return [(r["g"].value, r["n"].value) for r in store.select(PER_GRAPH).rows]
    finally:
        store.close()


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("bad") / "in"
    return folder, make_bad_files(folder)


@pytest.fixture()
def loaded_store(sample_store_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(sample_store_dir, copy)
    return copy


@pytest.mark.parametrize(
    "name",
    ["empty.txt", "garbage.txt", "huge.txt", "scan.pdf", "cut.pdf", "fake.pdf", "letter.txt"],
)
def test_a_bad_file_fails_with_its_name_and_reason_and_leaves_the_store_unchanged(
    bad_files: tuple[Path, dict[str, str]], loaded_store: Path, name: str
) -> None:
    folder, reasons = bad_files
    before = per_graph(loaded_store)
    result = CliRunner().invoke(cli, ["load", str(folder / name), "--store", str(loaded_store)])
    assert result.exit_code == 2
    failure = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
    assert len(failure) == 1 and str(folder / name) in failure[0], result.stdout
    assert reasons[name] in failure[0]
    assert "0 of 1 files loaded, 1 failed." in result.stdout
    assert per_graph(loaded_store) == before


def test_a_folder_load_goes_on_past_bad_files_and_summarises_the_failures(
    bad_files: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    folder, reasons = bad_files
    store = tmp_path / "store"
    result = ratsgraph("load", str(folder), str(BK), "--store", str(store))
    assert result.returncode == 2
    assert f"1 of {len(reasons) + 1} files loaded, {len(reasons)} failed." in result.stdout
    summary = sorted(line.strip() for line in result.stderr.splitlines() if "failed:" in line)
    assert [s.split(": ")[1].rsplit("/", 1)[-1] for s in summary] == sorted(reasons)
    for line in summary:
        name = line.split(": ")[1].rsplit("/", 1)[-1]
        assert reasons[name] in line, line
    documents = [g for g, _ in per_graph(store) if "/document/" in g]
    assert documents == [f"https://w3id.org/ratsgraph/id/dresden/document/{BK.stem}"]


def test_a_latin1_council_document_loads_like_its_utf8_original(tmp_path: Path) -> None:
    utf8, latin1 = tmp_path / "utf8", tmp_path / "latin1"
    utf8.mkdir()
    latin1.mkdir()
    # the same text in both files: characters Latin-1 lacks („ “ ☐) become "?"
    text = BK.read_text(encoding="utf-8").encode("latin-1", "replace").decode("latin-1")
    (utf8 / BK.name).write_text(text, encoding="utf-8")
    (latin1 / BK.name).write_bytes(text.encode("latin-1"))
    assert "ü".encode("latin-1") in (latin1 / BK.name).read_bytes()
    for folder in (utf8, latin1):
        result = CliRunner().invoke(cli, ["load", str(folder), "--store", str(folder / "store")])
        assert result.exit_code == 0, result.output
    # The same facts; only the recorded hash and load time of the source file differ.
    query = (
        "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), '/document/')"
        " && ?p NOT IN (<https://w3id.org/ratsgraph/ontology#sha256>,"
        " <https://w3id.org/ratsgraph/ontology#loadedAt>)) } ORDER BY ?s ?p ?o"
    )
    rows = []
    for folder in (utf8, latin1):
        store = EmbeddedStore(folder / "store", read_only=True)
        rows.append(store.select(query).rows)
        store.close()
    assert rows[0] == rows[1]


def test_a_bad_upload_is_refused_with_its_reason_and_changes_nothing(
    bad_files: tuple[Path, dict[str, str]], loaded_store: Path
) -> None:
    folder, reasons = bad_files
    token = "bad-input-token"
    url, proc = start_server(
        loaded_store, {"RATSGRAPH_WRITE_TOKEN": token, "RATSGRAPH_MAX_UPLOAD_BYTES": "1000000"}
    )
    try:
        before = requests.get(url + "/sparql", params={"query": PER_GRAPH}, timeout=10).json()
        for name in sorted(set(reasons) - {"huge.txt"}):
            r = requests.post(
                url + "/api/documents",
                files={"file": (name, (folder / name).read_bytes())},
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
            report = r.json()["results"][0]
            assert (r.status_code, report["file"], report["ok"]) == (422, name, False)
            assert reasons[name] in report["message"]
            assert str(loaded_store) not in report["message"]  # no server paths leak out
        huge = requests.post(
            url + "/api/documents",
            files={"file": ("huge.txt", b"x" * 2_000_000)},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert huge.status_code == 413
        after = requests.get(url + "/sparql", params={"query": PER_GRAPH}, timeout=10).json()
        assert after == before
    finally:
        stop_server(proc)


def test_an_upload_whose_reading_runs_past_its_time_limit_is_stopped_and_refused(
    tmp_path: Path,
) -> None:
    from service.ingest.loading import load_paths  # noqa: PLC0415
    from service.web import create_app  # noqa: PLC0415

    store = EmbeddedStore(tmp_path / "store")
    load_paths(store, [SAMPLES_DIR], jobs=1)
    token = "slow-upload-token"
    # a limit no reading can meet on any machine: the deadline is set before the child is forked
    # (a fork alone takes longer than a microsecond), so the child is stopped before it answers
    config = {"TESTING": True, "WRITE_TOKEN": token, "EXTRACT_TIMEOUT_S": 1e-6}
    client = create_app(config, store=store).test_client()
    before = store.named_graphs()
    ba = next(SAMPLES_DIR.glob("*Beschlussausfertigung.txt")).read_bytes()
    r = client.post(
        "/api/documents",
        data={"file": (io.BytesIO(ba), "another-Beschlussausfertigung.txt")},
        headers={"Authorization": f"Bearer {token}"},
    )
    report = r.get_json()["results"][0]
    assert (r.status_code, report["ok"]) == (422, False)
    assert report["message"] == (
        "extraction took longer than the limit of 1e-06 s (EXTRACT_TIMEOUT_S) and was stopped; "
        "nothing was loaded"
    )
    assert store.named_graphs() == before
    # the same document within the real limit loads (so the refusal above was the limit's)
    config["EXTRACT_TIMEOUT_S"] = 120.0
    client = create_app(config, store=store).test_client()
    r = client.post(
        "/api/documents",
        data={"file": (io.BytesIO(ba), "another-Beschlussausfertigung.txt")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert (r.status_code, r.get_json()["results"][0]["ok"]) == (201, True)
