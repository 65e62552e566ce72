"""Witnesses across documents: a Beschlusskontrolle's quotes aligned with the resolution's points by
their text, on real chains of the corpus, whatever the report's own segmentation made of them;
`ratsgraph check` lists where the witnesses disagree. On the embedded store and `oxigraph serve`."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner

from service.cli import cli
from service.ingest.loading import load_paths
from service.queries import QUERIES_DIR, load_queries
from service.store import EmbeddedStore, Store
from service.store.derived import DERIVED_GRAPH, DERIVED_NS
from service.store.witnesses import (
    WITNESSES_GRAPH,
    WITNESSES_NS,
    Alignment,
    Reading,
    align,
    disagreements,
)
from service.web import create_app
from service.web.views import run_view

from .conftest import CORPUS

FILES = CORPUS / "ratsinfo" / "files"
UNLABELLED = CORPUS / "unlabelled" / "files"
DOC = "https://w3id.org/ratsgraph/id/dresden/document/"
RES = "https://w3id.org/ratsgraph/id/dresden/resolution/"
V0400 = RES + "V0400-15/SR-021-2016/"
V0660 = RES + "V0660-15/SR-019-2015/"
RB = "https://w3id.org/ratsgraph/ontology#"
ELI = "http://data.europa.eu/eli/ontology#"

CHAINS = [  # the corpus README's chains of a resolution and its Beschlusskontrollen
    ["222417", "226460"],
    ["230443", "232564"],
    ["236177", "246917"],
    ["232758", "240206"],
    ["258865", "267714"],
    ["258867", "268419", "306692", "342330", "451173", "492746", "574102", "634790"],
    ["244170", "249931", "423791"],
]


UNLABELLED_CHAINS = [  # resolutions and reports among the corpus's unlabelled texts (unlabelled.tsv)
    ["164718", "191649"],
    ["319045", "334090", "395641"],
    ["409486", "480680"],
    ["422055", "536005"],
    ["442306", "456845"],
    ["603496", "624009"],
    ["732524", "757975"],
]


def corpus(doc_id: str) -> str:
    path = FILES / f"{doc_id}.txt"
    return (path if path.exists() else UNLABELLED / f"{doc_id}.txt").read_text(encoding="utf-8")


def write(folder: Path, doc_id: str, text: str) -> Path:
    """A text under its real id, so that its graph is the document's."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{doc_id}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def witnesses(store: Store, resolution: str) -> list[tuple[str, str, str, str, str | None]]:
    """(record point, report, the report's quote, aligned by, the report's status) of one
    resolution, from the witnesses graph."""
    rows = store.select(
        f"PREFIX rbw: <{WITNESSES_NS}> SELECT ?p ?d ?q ?by ?s WHERE {{ GRAPH <{WITNESSES_GRAPH}> {{"
        f" ?w rbw:resolution <{resolution.rstrip('/')}> ; rbw:point ?p ; rbw:document ?d ;"
        " rbw:quote ?q ; rbw:by ?by OPTIONAL { ?w rbw:status ?s } } }"
    ).rows
    out = [
        (
            r["p"].value.removeprefix(resolution),
            r["d"].value.removeprefix(DOC),
            r["q"].value.removeprefix(resolution),
            r["by"].value,
            r["s"].value.removeprefix(RB) if r["s"] else None,
        )
        for r in rows
    ]
    return sorted(out, key=lambda row: (row[1], len(row[0]), row[0]))


def disagreeing(store: Store) -> list[tuple[str, str, str, str, str, str]]:
    """The rows of the check witnesses-disagree, IRIs shortened."""
    check = load_queries(QUERIES_DIR / "checks")["witnesses-disagree-violation"]
    return [
        (
            row["point"].value.removeprefix(RES),
            row["property"].value.rsplit("#", 1)[-1],
            row["document1"].value.removeprefix(DOC),
            row["value1"].value,
            row["document2"].value.removeprefix(DOC),
            row["value2"].value,
        )
        for row in store.select(check.text).rows
    ]


def shifted_423791(text: str) -> str:
    """423791 with the "2." of its second quoted point lost to OCR: the report's segmentation runs
    points 1 and 2 into one block and numbers every later point one lower (3 as 2, … 6 as 5)."""
    for old, new in [
        ("\n2.\n\nDie Prognose", "\n\nDie Prognose"),
        ("\n3.\n\n„Die", "\n2.\n\n„Die"),
        ("\n4.\n\n„Der", "\n3.\n\n„Der"),
        ("\n5.\n\n„Der", "\n4.\n\n„Der"),
        ("\n6. „Der", "\n5. „Der"),
    ]:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def test_a_renumbered_report_gives_its_statuses_to_the_points_it_quotes(
    fresh_store: Store, tmp_path: Path
) -> None:
    """244170 decided six points; the final report 423791 (OCR-damaged) reads them as five: today
    its statuses would land on points 1-5, one too low. Aligned by text, every point gets the
    status of the quote that holds its text: 1 and 2 share the block, 3-6 are the report's 2-5."""
    record = write(tmp_path, "244170", corpus("244170"))
    report = write(tmp_path, "423791", shifted_423791(corpus("423791")))
    assert all(r.ok for r in load_paths(fresh_store, [record, report]))
    done = "StatusImplemented"
    assert witnesses(fresh_store, V0400) == [
        ("point/1", "423791", "point/1", "text", None),
        ("point/2", "423791", "point/1", "text", None),
        ("point/3", "423791", "point/2", "text", done),
        ("point/4", "423791", "point/3", "text", done),
        ("point/5", "423791", "point/4", "text", done),
        ("point/6", "423791", "point/5", "text", done),
    ]
    # the numbers the report read differ from the record's: the check names each (point 2 is
    # quoted inside the block the report numbered 1)
    assert disagreeing(fresh_store) == [
        (f"V0400-15/SR-021-2016/point/{n}", "number", "244170", str(n), "423791", str(n - 1))
        for n in (2, 3, 4, 5, 6)
    ]


def current_status(store: Store) -> list[tuple[str, str, str | None]]:
    """(point, current status, report) of 244170's points, from the derived graph."""
    rows = store.select(
        f"PREFIX rbd: <{DERIVED_NS}> SELECT ?p ?s ?r WHERE {{ GRAPH <{DERIVED_GRAPH}> {{"
        f" ?p rbd:resolution <{V0400.rstrip('/')}> ; rbd:status ?s"
        " OPTIONAL { ?p rbd:statusReport ?r } } }"
    ).rows
    out = [
        (r["p"].value.removeprefix(V0400), r["s"].value,
         r["r"].value.removeprefix(DOC) if r["r"] else None)
        for r in rows
    ]  # fmt: skip
    return sorted(out)


def open_points(store: Store) -> list[tuple[str, str]]:
    """(point, status) of 244170 in the view open-points without a reference date (read from
    the derived graph), and the check comparing that graph with a full recomputation empty."""
    check = load_queries(QUERIES_DIR / "checks")["derived-facts-differ-violation"]
    assert store.select(check.text).rows == []
    app = create_app({"TESTING": True, "VIEW_WARM": False}, store=store)
    with app.app_context():
        rows = run_view("open-points", {}).rows
    return sorted(
        (r["point_iri"].value.removeprefix(V0400), r["status"].value)
        for r in rows
        if r["point_iri"].value.startswith(V0400)
    )


def test_a_points_current_status_is_the_one_the_report_gave_for_its_text(
    fresh_store: Store, tmp_path: Path
) -> None:
    """The damaged 423791 alone says "implemented" under its own numbers 2-5: without the record
    the statuses stay there. Once 244170 is loaded, each point takes the status the report gave
    for its text (3-6 implemented; 1 and 2, quoted in one block without a status, open), and
    open-points lists none of them: 244170 delegates 5 and 6 to the Oberbürgermeister, both
    implemented (by the report's numbers 6 would be open). A delete takes the statuses away."""
    report = write(tmp_path, "423791", shifted_423791(corpus("423791")))
    assert all(r.ok for r in load_paths(fresh_store, [report]))
    done = [(f"point/{n}", "umgesetzt", "423791") for n in range(2, 6)]
    assert current_status(fresh_store) == [("point/1", "offen", None), *done]
    record = write(tmp_path, "244170", corpus("244170"))
    assert all(r.ok for r in load_paths(fresh_store, [record]))
    assert current_status(fresh_store) == [
        ("point/1", "offen", None), ("point/2", "offen", None), ("point/3", "umgesetzt", "423791"),
        ("point/4", "umgesetzt", "423791"), ("point/5", "umgesetzt", "423791"),
        ("point/6", "umgesetzt", "423791"),
    ]  # fmt: skip
    assert open_points(fresh_store) == []
    assert fresh_store.drop_graph(DOC + "423791")
    assert current_status(fresh_store) == [(f"point/{n}", "offen", None) for n in range(1, 7)]
    assert open_points(fresh_store) == [("point/5", "offen"), ("point/6", "offen")]


def test_a_point_the_renumbered_report_leaves_out_takes_no_status_from_its_number(
    fresh_store: Store, tmp_path: Path
) -> None:
    """423791 renumbered, its quote of point 3 cut out and the later ones numbered on: its
    "point/3" now holds point 5's text. Point 3, quoted by no part of the report, does not take
    that quote's status by its number: it stays open; 4-6 take the statuses given for their
    texts."""
    text = shifted_423791(corpus("423791"))
    start, end = text.index("\n2.\n\n„Die wohnungs"), text.index("\n3.\n\n„Der Maßnahmenplan")
    text = text[:start] + text[end:]
    for old, new in [("\n3.\n\n„Der", "\n2.\n\n„Der"), ("\n4.\n\n„Der", "\n3.\n\n„Der"),
                     ("\n5. „Der", "\n4. „Der")]:  # fmt: skip
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    record = write(tmp_path, "244170", corpus("244170"))
    report = write(tmp_path, "423791", text)
    assert all(r.ok for r in load_paths(fresh_store, [record, report]))
    assert [(w[0], w[2]) for w in witnesses(fresh_store, V0400)] == [
        ("point/1", "point/1"), ("point/2", "point/1"), ("point/4", "point/2"),
        ("point/5", "point/3"), ("point/6", "point/4"),
    ]  # fmt: skip
    assert current_status(fresh_store) == [
        ("point/1", "offen", None), ("point/2", "offen", None), ("point/3", "offen", None),
        ("point/4", "umgesetzt", "423791"), ("point/5", "umgesetzt", "423791"),
        ("point/6", "umgesetzt", "423791"),
    ]  # fmt: skip
    check = load_queries(QUERIES_DIR / "checks")["derived-facts-differ-violation"]
    assert fresh_store.select(check.text).rows == []


def test_the_check_lists_a_deadline_a_renumbered_quote_reads_differently(
    fresh_store: Store, tmp_path: Path
) -> None:
    """Point 6 of 244170 ("bis zum 30. Juni 2016"), quoted by the damaged 423791 as its point 5
    with the year misread: a comparison by number could not see it (point/6 against point/6)."""
    text = shifted_423791(corpus("423791")).replace("30. Juni 2016", "30. Juni 2017")
    record = write(tmp_path, "244170", corpus("244170"))
    report = write(tmp_path, "423791", text)
    assert all(r.ok for r in load_paths(fresh_store, [record, report]))
    rows = disagreeing(fresh_store)
    assert ("V0400-15/SR-021-2016/point/6", "deadline", "244170", "2016-06-30",
            "423791", "2017-06-30") in rows  # fmt: skip
    assert [row for row in rows if row[1] != "number"] == [
        ("V0400-15/SR-021-2016/point/6", "deadline", "244170", "2016-06-30", "423791", "2017-06-30")
    ]


def test_a_report_quoting_three_points_unnumbered_in_one_block_witnesses_all_three(
    fresh_store: Store, tmp_path: Path
) -> None:
    """246917 with its "1.", "2.", "3." lost: the report reads one unnumbered quote (point/u1)
    holding the three points of 236177; its status belongs to each of them, and nothing disagrees
    (a number one witness did not read is a gap, not another number)."""
    text = corpus("246917")
    for old in ("1. „Der Ober", "\n2.\n", "\n3.\n"):
        assert text.count(old) == 1, old
    text = (
        text.replace("1. „Der Ober", "„Der Ober")
        .replace("\n2.\n", "\n\n")
        .replace("\n3.\n", "\n\n")
    )
    record = write(tmp_path, "236177", corpus("236177"))
    report = write(tmp_path, "246917", text)
    assert all(r.ok for r in load_paths(fresh_store, [record, report]))
    assert witnesses(fresh_store, V0660) == [
        (f"point/{n}", "246917", "point/u1", "text", "StatusImplemented") for n in (1, 2, 3)
    ]
    assert disagreeing(fresh_store) == []


def test_writes_and_deletes_realign_the_chain(fresh_store: Store, tmp_path: Path) -> None:
    """The witnesses follow the documents: a report loaded before its resolution is aligned when
    the resolution comes; a reload replaces its alignment; a delete takes it away."""
    report = write(tmp_path / "a", "423791", shifted_423791(corpus("423791")))
    assert all(r.ok for r in load_paths(fresh_store, [report]))
    assert witnesses(fresh_store, V0400) == []  # no record to align with yet
    record = write(tmp_path / "a", "244170", corpus("244170"))
    assert all(r.ok for r in load_paths(fresh_store, [record]))
    assert [w[2] for w in witnesses(fresh_store, V0400)] == [
        "point/1", "point/1", "point/2", "point/3", "point/4", "point/5"
    ]  # fmt: skip
    repaired = write(tmp_path / "b", "423791", corpus("423791"))
    assert all(r.ok for r in load_paths(fresh_store, [repaired]))
    assert [(w[0], w[2]) for w in witnesses(fresh_store, V0400)] == [
        (f"point/{n}", f"point/{n}") for n in range(1, 7)
    ]
    assert disagreeing(fresh_store) == []
    assert fresh_store.drop_graph(DOC + "423791")
    assert witnesses(fresh_store, V0400) == []
    # computed, not data of its own: neither listed among the graphs nor in the dump
    assert WITNESSES_GRAPH not in fresh_store.named_graphs()
    assert WITNESSES_GRAPH.encode() not in fresh_store.dump()


def test_on_the_corpus_chains_every_quote_aligns_by_text_with_its_own_point(
    tmp_path: Path,
) -> None:
    """The real chains as the corpus has them (`ratsgraph load` of a new store: the bulk path):
    each report's quote aligns by text with the record's point of the same IRI, and the witnesses
    agree on every number, deadline and delegation."""
    paths = [write(tmp_path / "docs", i, corpus(i)) for chain in CHAINS for i in chain]
    store_dir = tmp_path / "store"
    loaded = CliRunner().invoke(cli, ["load", *map(str, paths), "--store", str(store_dir)])
    assert loaded.exit_code == 0, loaded.output
    store = EmbeddedStore(store_dir, read_only=True)
    rows = store.select(
        f"PREFIX rbw: <{WITNESSES_NS}> SELECT ?p ?q ?by WHERE {{ GRAPH <{WITNESSES_GRAPH}> {{"
        " ?w rbw:point ?p ; rbw:quote ?q ; rbw:by ?by } }"
    ).rows
    reports = sum(len(chain) - 1 for chain in CHAINS)
    quoted = sorted((r["p"].value == r["q"].value, r["by"].value) for r in rows)
    # 28 quotes in 14 reports: V0594/15's report quotes one of its two points
    assert (reports, quoted) == (14, [(True, "text")] * 28)
    assert disagreeing(store) == []


def test_align_prefers_the_text_over_the_number_and_falls_back_to_the_number() -> None:
    """A quote whose text matches another point goes with that point; a point whose text no quote
    matches goes with the quote of its number that no text took (a text disagreement the check
    lists); a point neither finds is not quoted. Texts from 244170, 232758 and 230443."""
    record = [
        Reading("p/1", "1", "Der Wohnungsmarktbericht 2014 (Anlage 1) wird zur Kenntnis genommen."),
        Reading("p/2", "2", "Die Deckung der Mehraufwendungen erfolgt gemäß Anlage 3 der Vorlage."),
        Reading("p/3", "3", "Beantragte Mittel in Höhe von 857.421,32 EUR werden abgelehnt."),
    ]
    quotes = [
        Reading("q/1", "1", "Die Deckung der Mehr aufwendungen erfolgt gemäß Anlage 3 derVorlage."),
        Reading("q/2", "2", "Der Wohnungsmarktbericht 2014 (Anlage 1) wird zur Kenntnis genommen."),
        Reading("q/3", "3", "Der Maßnahmenplan ist entsprechend der Vorgaben zu überarbeiten."),
    ]
    aligned = [(a.point.iri, a.quote.iri, a.by) for a in align(record, quotes)]
    assert aligned == [("p/1", "q/2", "text"), ("p/2", "q/1", "text"), ("p/3", "q/3", "number")]
    assert [(a.point.iri, a.quote.iri) for a in align(record, quotes[:2])] == [
        ("p/1", "q/2"), ("p/2", "q/1")
    ]  # fmt: skip


def test_ratsgraph_check_lists_a_report_quoting_another_deadline(tmp_path: Path) -> None:
    """`ratsgraph load` of 244170 (a new store), then of 423791 renumbered by OCR and quoting point
    6's deadline a year later (into the store it made): `ratsgraph check` fails and names the
    point, the property, the record and the report with their readings, one line each."""
    record = write(tmp_path, "244170", corpus("244170"))
    text = shifted_423791(corpus("423791")).replace("30. Juni 2016", "30. Juni 2017")
    report = write(tmp_path, "423791", text)
    store = str(tmp_path / "store")
    runner = CliRunner()
    for path in (record, report):
        loaded = runner.invoke(cli, ["load", str(path), "--store", store])
        assert loaded.exit_code == 0, loaded.output
    checked = runner.invoke(cli, ["check", "--store", store])
    assert checked.exit_code == 1
    lines = checked.output.splitlines()
    at = lines.index("FAIL witnesses-disagree-violation: 6 rows")
    point, property_, document, reading, other, other_reading = (
        f"point={V0400}point/6",
        f"property={RB}deadline",
        f"document1={DOC}244170",
        "value1=2016-06-30",
        f"document2={DOC}423791",
        "value2=2017-06-30",
    )
    rows = [line.split() for line in lines[at + 1 : at + 7]]
    assert [point, property_, document, reading, other, other_reading] in rows
    assert sorted(row[1] for row in rows) == [f"property={ELI}number"] * 5 + [property_]


def test_on_the_unlabelled_chains_a_real_report_quoting_two_paragraphs_as_one_witnesses_both(
    tmp_path: Path,
) -> None:
    """The seven chains among the unlabelled texts, not seen when the alignment was written: every
    quote aligns by text with its own point, except that 757975 quotes the two paragraphs of
    732524 (point/u1, point/u2) as one block, which witnesses both; nothing disagrees."""
    paths = [write(tmp_path / "docs", i, corpus(i)) for chain in UNLABELLED_CHAINS for i in chain]
    store = EmbeddedStore(None)
    assert all(r.ok for r in load_paths(store, paths))
    rows = store.select(
        f"PREFIX rbw: <{WITNESSES_NS}> SELECT ?p ?q ?by WHERE {{ GRAPH <{WITNESSES_GRAPH}> {{"
        " ?w rbw:point ?p ; rbw:quote ?q ; rbw:by ?by } }"
    ).rows
    own = [r for r in rows if r["p"].value == r["q"].value]
    other = [(r["p"].value.removeprefix(RES), r["q"].value.removeprefix(RES)) for r in rows
             if r["p"].value != r["q"].value]  # fmt: skip
    assert {r["by"].value for r in rows} == {"text"}
    assert (len(own), other) == (
        17,
        [("V-MB0145-23/OSR_MB-049-2024/point/u2", "V-MB0145-23/OSR_MB-049-2024/point/u1")],
    )
    assert disagreeing(store) == []


def test_ratsgraph_derive_rebuilds_the_witnesses_graph(tmp_path: Path) -> None:
    """The witnesses graph dropped behind ratsgraph's back (or a store made by an older version):
    `ratsgraph derive` recomputes it, the same as the writes kept it."""
    record = write(tmp_path, "244170", corpus("244170"))
    report = write(tmp_path, "423791", shifted_423791(corpus("423791")))
    store_dir = tmp_path / "store"
    store = EmbeddedStore(store_dir)
    assert all(r.ok for r in load_paths(store, [record, report]))
    kept = witnesses(store, V0400)
    assert len(kept) == 6
    store.close()
    behind = ox.Store(str(store_dir))
    behind.update(f"DROP GRAPH <{WITNESSES_GRAPH}>")
    del behind
    assert witnesses(EmbeddedStore(store_dir, read_only=True), V0400) == []
    derived = CliRunner().invoke(cli, ["derive", "--store", str(store_dir)])
    assert derived.exit_code == 0, derived.output
    assert witnesses(EmbeddedStore(store_dir, read_only=True), V0400) == kept


def test_disagreements_are_numbers_texts_deadlines_and_actors_both_witnesses_read() -> None:
    """What two readings of one point can disagree on; a value only one of them read is a gap."""
    jugendamt = "https://w3id.org/ratsgraph/id/dresden/unit/jugendamt"
    ob = "https://w3id.org/ratsgraph/id/dresden/office/oberbuergermeister"
    point = Reading("p/3", "3", "Der Oberbürgermeister wird beauftragt, bis zum 30. Juni 2016 …",
                    "2016-06-30", {ob})  # fmt: skip
    quote = Reading("q/2", "2", "Die Verwaltung des Jugendamtes wird beauftragt, …",
                    "2017-06-30", {jugendamt})  # fmt: skip
    assert disagreements(Alignment(point, quote, "number", 40.0)) == [
        (ELI + "number", "3", "2"),
        (RB + "text", point.text, quote.text),
        (RB + "deadline", "2016-06-30", "2017-06-30"),
        (RB + "actor", ob, jugendamt),
    ]
    gaps = Reading("q/u1", None, point.text)
    assert disagreements(Alignment(point, gaps, "text", 100.0)) == []


def test_on_virtuoso_the_witnesses_are_kept_and_checked_as_on_the_embedded_store(
    virtuoso: str, tmp_path: Path
) -> None:
    """The renumbered 423791 and its resolution written to Virtuoso (its default graph the union
    of its graphs): the same alignment, the same disagreements; dropped, they leave no witness."""
    from service.store.remote import RemoteStore

    remote = RemoteStore(virtuoso, default_graph="server")
    embedded = EmbeddedStore(None)
    text = shifted_423791(corpus("423791")).replace("30. Juni 2016", "30. Juni 2017")
    paths = [write(tmp_path, "244170", corpus("244170")), write(tmp_path, "423791", text)]
    for store in (embedded, remote):
        assert all(r.ok for r in load_paths(store, paths))
    try:
        assert witnesses(remote, V0400) == witnesses(embedded, V0400)
        assert len(witnesses(remote, V0400)) == 6
        assert disagreeing(remote) == disagreeing(embedded)
        assert len(disagreeing(remote)) == 6
    finally:
        for doc in ("423791", "244170"):
            remote.drop_graph(DOC + doc)
    assert witnesses(remote, V0400) == []


def test_the_check_lists_a_point_a_report_quotes_with_another_text(
    fresh_store: Store, tmp_path: Path
) -> None:
    """240206 quoting, under point 2 of 232758, a sentence the resolution does not contain: no
    text matches it, so it is compared by its number, and the check lists both texts."""
    text = corpus("240206")
    quoted = "2. Die Deckung der Mehraufwendungen erfolgt gemäß Anlage 3 der Vorlage."
    assert text.count(quoted) == 1
    other = "2. Die Mittel werden der allgemeinen Rücklage entnommen."
    record = write(tmp_path, "232758", corpus("232758"))
    report = write(tmp_path, "240206", text.replace(quoted, other))
    assert all(r.ok for r in load_paths(fresh_store, [record, report]))
    assert witnesses(fresh_store, RES + "V0621-15/SR-018-2015/") == [
        ("point/1", "240206", "point/1", "text", "StatusImplemented"),
        ("point/2", "240206", "point/2", "number", "StatusImplemented"),
    ]
    assert disagreeing(fresh_store) == [
        ("V0621-15/SR-018-2015/point/2", "text", "232758",
         "Die Deckung der Mehraufwendungen erfolgt gemäß Anlage 3 der Vorlage.",
         "240206", "Die Mittel werden der allgemeinen Rücklage entnommen."),
    ]  # fmt: skip


def test_two_reports_aligned_with_the_record_are_not_compared_point_iri_by_point_iri(
    fresh_store: Store, tmp_path: Path
) -> None:
    """249931 reading a deadline into point 5 that 244170 lacks (a gap, not a disagreement), and
    423791 renumbered (its point/5 is the resolution's point 6, "bis zum 30. Juni 2016"): the two
    reports are each compared with the record, not with each other by IRI, where point/5 names
    two different points; only 423791's numbers are listed."""
    interim = corpus("249931").replace(
        "Mietwohnungsbau zu vereinbaren", "Mietwohnungsbau bis zum 31. Dezember 2016 zu vereinbaren"
    )
    paths = [
        write(tmp_path, "244170", corpus("244170")),
        write(tmp_path, "249931", interim),
        write(tmp_path, "423791", shifted_423791(corpus("423791"))),
    ]
    assert all(r.ok for r in load_paths(fresh_store, paths))
    assert disagreeing(fresh_store) == [
        (f"V0400-15/SR-021-2016/point/{n}", "number", "244170", str(n), "423791", str(n - 1))
        for n in (2, 3, 4, 5, 6)
    ]
