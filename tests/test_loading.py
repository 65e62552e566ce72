"""Loading into a store (embedded and remote): one named graph per document, provenance, idempotent,
atomic."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from loader import SAMPLES_DIR
from service.ingest.loading import load_paths
from service.store import Store

BA = SAMPLES_DIR / "JHA-042-2022_V1106-21_Beschlussausfertigung.txt"
BK = SAMPLES_DIR / "V2620-23_Beschlusskontrolle_Hausmitteilung.txt"
DOC = "https://w3id.org/ratsgraph/id/dresden/document/"


def count(store: Store) -> int:
    return store.triple_count()  # type: ignore[attr-defined]


def test_each_document_gets_its_own_named_graph_with_provenance(fresh_store: Store) -> None:
    store = fresh_store
    load_paths(store, [BA, BK])
    graphs = store.named_graphs()
    assert DOC + "JHA-042-2022_V1106-21_Beschlussausfertigung" in graphs
    assert DOC + "V2620-23_Beschlusskontrolle_Hausmitteilung" in graphs
    rows = store.select(
        "PREFIX rb: <https://w3id.org/ratsgraph/ontology#> SELECT ?file ?sha WHERE { GRAPH ?g {"
        " ?g rb:fileName ?file ; rb:sha256 ?sha ; rb:loadedAt ?t } } ORDER BY ?file"
    ).rows
    assert [(r["file"].value, r["sha"].value) for r in rows] == [
        (BA.name, hashlib.sha256(BA.read_bytes()).hexdigest()),
        (BK.name, hashlib.sha256(BK.read_bytes()).hexdigest()),
    ]


def test_loading_the_same_documents_twice_leaves_the_triple_count_unchanged(
    fresh_store: Store,
) -> None:
    store = fresh_store
    load_paths(store, [SAMPLES_DIR])
    first = count(store)
    load_paths(store, [SAMPLES_DIR])
    assert count(store) == first


def test_a_reloaded_changed_document_replaces_its_graph(tmp_path: Path, fresh_store: Store) -> None:
    doc = tmp_path / BA.name
    shutil.copy(BA, doc)
    store = fresh_store
    load_paths(store, [doc])
    q = (
        "PREFIX rb: <https://w3id.org/ratsgraph/ontology#> "
        "SELECT (COUNT(?p) AS ?n) WHERE { ?p a rb:ResolutionPoint }"
    )
    assert store.select(q).rows[0]["n"].value == "7"
    text = doc.read_text(encoding="utf-8")
    doc.write_text(text.split("\n5. ")[0] + "\nDresden, 17.10.2022\n", encoding="utf-8")
    load_paths(store, [doc])
    assert store.select(q).rows[0]["n"].value == "4"


def test_bad_files_are_reported_and_change_nothing(tmp_path: Path, fresh_store: Store) -> None:
    store = fresh_store
    load_paths(store, [BA])
    before = count(store)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    garbage = tmp_path / "garbage.txt"
    garbage.write_bytes(bytes(range(256)) * 20)
    letter = tmp_path / "letter.txt"
    letter.write_text(
        "Sehr geehrte Damen und Herren,\nvielen Dank für Ihren Brief.\n", encoding="utf-8"
    )
    results = load_paths(store, [empty, garbage, letter, BK])
    assert [(Path(r.path).name, r.ok) for r in results] == [
        ("empty.txt", False),
        ("garbage.txt", False),
        ("letter.txt", False),
        (BK.name, True),
    ]
    assert all(r.message for r in results)
    assert count(store) > before
    graphs = store.named_graphs()
    assert not any(g.endswith(("/empty", "/garbage", "/letter")) for g in graphs)


def test_rdf_files_load_beside_council_data(tmp_path: Path, fresh_store: Store) -> None:
    store = fresh_store
    nt = tmp_path / "extra.nt"
    nt.write_text('<http://example.org/a> <http://example.org/p> "x" .\n', encoding="utf-8")
    nq = tmp_path / "more.nq"
    nq.write_text('<http://example.org/b> <http://example.org/p> "y" <http://example.org/g> .\n')
    results = load_paths(store, [nt, nq], graph=None)
    assert all(r.ok for r in results), [r.line() for r in results]
    graphs = store.named_graphs()
    assert "https://w3id.org/ratsgraph/id/dresden/dataset/extra" in graphs
    assert "http://example.org/g" in graphs


def test_the_default_graph_is_the_merge_of_the_document_graphs(fresh_store: Store) -> None:
    from rdflib import Graph, Literal, URIRef

    store = fresh_store
    shared = (URIRef("http://example.org/r"), URIRef("http://example.org/p"), Literal("x"))
    only_b = (URIRef("http://example.org/r"), URIRef("http://example.org/q"), Literal("y"))
    a, b = Graph(), Graph()
    a.add(shared)
    b.add(shared)
    b.add(only_b)
    store.replace_graph("http://example.org/a", a)
    store.replace_graph("http://example.org/b", b)
    everything = "SELECT ?p ?o WHERE { <http://example.org/r> ?p ?o } ORDER BY ?p"
    assert [(r["p"].value, r["o"].value) for r in store.select(everything).rows] == [
        ("http://example.org/p", "x"),
        ("http://example.org/q", "y"),
    ]
    assert store.drop_graph("http://example.org/b") is True
    assert [(r["p"].value, r["o"].value) for r in store.select(everything).rows] == [
        ("http://example.org/p", "x")
    ]
    store.replace_graph("http://example.org/a", Graph())
    assert store.select(everything).rows == []
    assert store.drop_graph("http://example.org/nothing") is False
