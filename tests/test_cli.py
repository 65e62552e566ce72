"""The `ratsgraph` command: extract reproduces the expected results; load, validate, query, export."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset

from loader import SAMPLES_DIR
from service.cli import cli

SAMPLES = sorted(SAMPLES_DIR.glob("*.txt"))
# the expected extractions of the two bundled samples, copied from shared/corpus/expected/
EXPECTED = Path(__file__).resolve().parent / "data" / "expected"


def normal(text: str) -> str:
    return " ".join(text.split()).lower()


@pytest.mark.parametrize("doc", SAMPLES, ids=lambda p: p.stem)
def test_extract_reproduces_the_expected_result_field_by_field(doc: Path) -> None:
    result = CliRunner().invoke(cli, ["extract", str(doc), "--format", "json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    expected = json.loads((EXPECTED / f"{doc.stem}.json").read_text(encoding="utf-8"))
    points_got, points_expected = got.pop("points"), expected.pop("points")
    confidence = got.pop("confidence")  # not in the corpus schema; loader.confidence
    assert {"kind", "vorlage", "session", "committee"} <= set(confidence)
    assert all(0 < v <= 1 for v in confidence.values())
    assert got == expected
    assert len(points_got) == len(points_expected)
    for g, e in zip(points_got, points_expected, strict=True):
        assert normal(g.pop("text")).startswith(normal(e.pop("text_start")))
        assert g == e


def test_extract_turtle_prints_the_graph_it_would_load() -> None:
    result = CliRunner().invoke(cli, ["extract", str(SAMPLES[0]), "--format", "turtle"])
    assert result.exit_code == 0
    assert "rb:ResolutionPoint" in result.stdout


def test_extract_of_a_missing_file_exits_2_naming_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["extract", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert "nope.txt" in result.output


def test_load_validate_check_query_export(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    runner = CliRunner()
    loaded = runner.invoke(cli, ["load", str(SAMPLES_DIR), "--store", store])
    assert loaded.exit_code == 0, loaded.output
    assert "2 of 2 files loaded, 0 failed." in loaded.output
    validated = runner.invoke(cli, ["validate", "--store", store])
    assert validated.exit_code == 0, validated.output
    assert "2 of 2 document graphs conform" in validated.output
    checked = runner.invoke(cli, ["check", "--store", store])
    assert checked.exit_code == 0, checked.output
    queried = runner.invoke(
        cli,
        [
            "query",
            "open-points",
            "-p",
            "actor=Oberbürgermeister",
            "--format",
            "json",
            "--store",
            store,
        ],
    )
    assert queried.exit_code == 0, queried.output
    assert [r["vorlage"] for r in json.loads(queried.stdout)["rows"]] == ["V1106/21", "V2620/23"]
    dump = tmp_path / "dump.nq.gz"
    exported = runner.invoke(cli, ["export", "--store", store, "-o", str(dump)])
    assert exported.exit_code == 0, exported.output
    ds = Dataset()
    ds.parse(data=gzip.decompress(dump.read_bytes()), format="nquads")
    assert len(ds) > 100


def test_load_with_a_bad_file_exits_2_and_reports_it(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    result = CliRunner().invoke(
        cli, ["load", str(bad), str(SAMPLES[0]), "--store", str(tmp_path / "s")]
    )
    assert result.exit_code == 2
    assert "1 of 2 files loaded, 1 failed." in result.output
    assert "bad.txt" in result.output
