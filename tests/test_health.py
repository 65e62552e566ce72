"""Operations: /healthz, one JSON access-log line per request (never a token), backup and restore."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli import cli
from service.store import EmbeddedStore
from service.web import create_app

PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
TOKEN = "health-secret-token"


def per_graph(path: Path) -> list[tuple[str, str]]:
    store = EmbeddedStore(path, read_only=True)
    try:
        return [(r["g"].value, r["n"].value) for r in store.select(PER_GRAPH).rows]
    finally:
        store.close()


def test_healthz_says_the_store_answers(client) -> None:  # noqa: ANN001
    r = client.get("/healthz")
    assert (r.status_code, r.get_json()["ok"]) == (200, True)


def test_each_request_logs_one_json_line_without_query_string_or_token(
    store: EmbeddedStore, caplog: pytest.LogCaptureFixture
) -> None:
    client = create_app({"TESTING": True, "WRITE_TOKEN": TOKEN}, store=store).test_client()
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    with caplog.at_level(logging.INFO, logger="ratsgraph.access"):
        client.get("/sparql", query_string={"query": query, "secret": TOKEN})
        client.post("/sparql", data={"query": query}, headers={"Authorization": f"Bearer {TOKEN}"})
        client.delete("/api/documents/x", headers={"Authorization": f"Bearer {TOKEN}-wrong"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "ratsgraph.access"]
    assert [(e["method"], e["path"], e["status"]) for e in lines] == [
        ("GET", "/sparql", 200),
        ("POST", "/sparql", 200),
        ("DELETE", "/api/documents/x", 403),
    ]
    assert lines[0]["query_hash"] == lines[1]["query_hash"] and len(lines[0]["query_hash"]) == 16
    assert all(isinstance(e["ms"], float) for e in lines)
    assert TOKEN not in caplog.text


def test_a_backup_restores_to_the_same_store(sample_store_dir: Path, tmp_path: Path) -> None:
    shutil.copytree(sample_store_dir, tmp_path / "store")
    runner = CliRunner()
    made = runner.invoke(cli, ["backup", str(tmp_path / "bk"), "--store", str(tmp_path / "store")])
    assert made.exit_code == 0, made.output
    restored = runner.invoke(
        cli, ["restore", str(tmp_path / "bk"), "--store", str(tmp_path / "new")]
    )
    assert restored.exit_code == 0, restored.output
    assert per_graph(tmp_path / "new") == per_graph(tmp_path / "store") != []


def test_restore_over_a_store_with_data_needs_force(sample_store_dir: Path, tmp_path: Path) -> None:
    shutil.copytree(sample_store_dir, tmp_path / "store")
    runner = CliRunner()
    runner.invoke(cli, ["backup", str(tmp_path / "bk"), "--store", str(tmp_path / "store")])
    EmbeddedStore(tmp_path / "store").drop_graph(per_graph(tmp_path / "store")[0][0])
    refused = runner.invoke(
        cli, ["restore", str(tmp_path / "bk"), "--store", str(tmp_path / "store")]
    )
    assert refused.exit_code == 2 and "add --force" in refused.output
    forced = runner.invoke(
        cli, ["restore", str(tmp_path / "bk"), "--store", str(tmp_path / "store"), "--force"]
    )
    assert forced.exit_code == 0, forced.output
    assert per_graph(tmp_path / "store") == per_graph(sample_store_dir)


def test_restoring_a_folder_that_is_no_backup_says_so(tmp_path: Path) -> None:
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "notes.txt").write_text("hello")
    r = CliRunner().invoke(cli, ["restore", str(tmp_path / "junk"), "--store", str(tmp_path / "s")])
    assert r.exit_code == 2 and "is not a ratsgraph store backup" in r.output
    assert not (tmp_path / "s").exists()
