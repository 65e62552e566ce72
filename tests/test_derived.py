"""Derived facts kept at write time: after every load, reload and delete, on the embedded store and
on a real `oxigraph serve`, the derived graph is exactly what a full recomputation gives, and the
check that compares the two finds a difference when there is one."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from loader import SAMPLES_DIR
from service.cli import cli
from service.ingest.bulk import bulk_load_new_store
from service.ingest.loading import load_paths
from service.queries import QUERIES_DIR, load_queries
from service.store import EmbeddedStore, Store
from service.store.derived import DERIVED_GRAPH, DERIVED_NS

from .conftest import CORPUS, ROOT

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402

DOC = "https://w3id.org/ratsgraph/id/dresden/document/"
RES = "https://w3id.org/ratsgraph/id/dresden/resolution/"
BA = SAMPLES_DIR / "JHA-042-2022_V1106-21_Beschlussausfertigung.txt"
BK = SAMPLES_DIR / "V2620-23_Beschlusskontrolle_Hausmitteilung.txt"
CHAIN = "SR-001-2024_V0001-24_Beschlusskontrolle_"  # three reports on one resolution (seed 3)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six generated resolutions, most with status reports (one with a chain of three), and the
    two real samples."""
    folder = tmp_path_factory.mktemp("derived")
    generate(6, folder / "docs", seed=3)
    (folder / "docs" / "truth.jsonl").unlink()
    for sample in (BA, BK):
        shutil.copy(sample, folder / "docs" / sample.name)
    return folder / "docs"


def derived(store: Store) -> list[tuple[str, ...]]:
    """The derived graph and its index graphs, every quad as text, sorted."""
    rows = store.select(
        "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o }"
        f' FILTER (?g = <{DERIVED_GRAPH}> || STRSTARTS(STR(?g), "{DERIVED_GRAPH}/")) }}'
    ).rows
    return sorted((r["s"].value, r["p"].value, r["o"].value, r["g"].value) for r in rows)


def statuses(store: Store, resolution: str) -> list[tuple[str, str, str | None, str | None]]:
    """(point, status, date, report) of the points of one resolution, from the derived graph."""
    rows = store.select(
        f"PREFIX rbd: <{DERIVED_NS}> SELECT ?p ?s ?d ?r WHERE {{ GRAPH <{DERIVED_GRAPH}> {{"
        f" ?p rbd:resolution <{RES}{resolution}> ; rbd:status ?s"
        " OPTIONAL { ?p rbd:statusDate ?d } OPTIONAL { ?p rbd:statusReport ?r } } } ORDER BY ?p"
    ).rows
    return [
        (
            r["p"].value.removeprefix(f"{RES}{resolution}/"),
            r["s"].value,
            r["d"].value if r["d"] else None,
            r["r"].value.removeprefix(DOC) if r["r"] else None,
        )
        for r in rows
    ]


def differences(store: Store) -> list[dict]:
    """What the two checks of the derived graph find: the points' facts, the tasks and deadlines."""
    checks = load_queries(QUERIES_DIR / "checks")
    return [
        {k: v.value if v else None for k, v in row.items()}
        for name in ("derived-facts-differ-violation", "derived-index-differs-violation")
        for row in store.select(checks[name].text).rows
    ]


def assert_equals_full_recomputation(store: Store) -> list[tuple[str, str, str]]:
    """The derived graph as kept, compared with the check and with a rebuild from scratch."""
    kept = derived(store)
    assert differences(store) == []
    store.rebuild_derived()  # type: ignore[attr-defined]
    assert derived(store) == kept
    return kept


def test_a_load_derives_each_points_latest_status(fresh_store: Store) -> None:
    load_paths(fresh_store, [BA, BK])
    assert statuses(fresh_store, "V2620-23/JHA-061-2024") == [
        ("point/1", "umgesetzt", None, "V2620-23_Beschlusskontrolle_Hausmitteilung"),
        ("point/2", "umgesetzt", None, "V2620-23_Beschlusskontrolle_Hausmitteilung"),
        ("point/3", "fortlaufend", None, "V2620-23_Beschlusskontrolle_Hausmitteilung"),
        ("point/4", "fortlaufend", None, "V2620-23_Beschlusskontrolle_Hausmitteilung"),
    ]
    assert statuses(fresh_store, "V1106-21/JHA-042-2022") == [
        (f"point/{n}", "offen", None, None) for n in range(1, 8)
    ]
    assert_equals_full_recomputation(fresh_store)
    # not data of its own: neither listed among the graphs nor in the dump
    assert DERIVED_GRAPH not in fresh_store.named_graphs()
    assert DERIVED_GRAPH.encode() not in fresh_store.dump()


def test_loads_reloads_and_deletes_keep_it_equal_to_a_full_recomputation(
    fresh_store: Store, generated: Path, tmp_path: Path
) -> None:
    store = fresh_store
    assert all(r.ok for r in load_paths(store, [generated]))
    assert_equals_full_recomputation(store)
    chain = "V0001-24/SR-001-2024"
    before = statuses(store, chain)
    assert before == [("point/1", "fortlaufend", "2026-06-17", f"{CHAIN}3")]

    # a reload whose report now says the point is done
    changed = tmp_path / f"{CHAIN}3.txt"
    text = (generated / changed.name).read_text(encoding="utf-8")
    changed.write_text(text.replace("wird fortlaufend umgesetzt", "wurde umgesetzt"), "utf-8")
    assert all(r.ok for r in load_paths(store, [changed]))
    assert statuses(store, chain) == [("point/1", "umgesetzt", "2026-06-17", f"{CHAIN}3")]
    assert_equals_full_recomputation(store)

    # deleting the latest report makes the one before it the latest again
    assert store.drop_graph(DOC + f"{CHAIN}3")
    second = statuses(store, chain)
    assert len(second) == 1 and second[0][3] == f"{CHAIN}2"
    assert_equals_full_recomputation(store)

    # deleting every report leaves the point open; deleting the resolution too, nothing
    for report in (f"{CHAIN}1", f"{CHAIN}2"):
        assert store.drop_graph(DOC + report)
    assert statuses(store, chain) == [("point/1", "offen", None, None)]
    assert store.drop_graph(DOC + "SR-001-2024_V0001-24_Beschlussausfertigung")
    assert statuses(store, chain) == []
    assert_equals_full_recomputation(store)

    # and the real Beschlusskontrolle deleted: its resolution's points are known from it alone
    assert store.drop_graph(DOC + BK.stem)
    assert statuses(store, "V2620-23/JHA-061-2024") == []
    assert_equals_full_recomputation(store)


def test_the_check_finds_a_stale_derived_graph_and_derive_repairs_it(tmp_path: Path) -> None:
    location = tmp_path / "store"
    store = EmbeddedStore(location)
    load_paths(store, [BA, BK])
    point = f"{RES}V2620-23/JHA-061-2024/point/3"
    store._store.update(  # written behind ratsgraph's back
        f"DELETE DATA {{ GRAPH <{DERIVED_GRAPH}> {{ <{point}> <{DERIVED_NS}status> 'fortlaufend' }} }} ;"
        f"INSERT DATA {{ GRAPH <{DERIVED_GRAPH}> {{ <{point}> <{DERIVED_NS}status> 'offen' }} }}"
    )
    report = f"{DOC}V2620-23_Beschlusskontrolle_Hausmitteilung"
    assert differences(store) == [
        {
            "point": point,
            "resolution": f"{RES}V2620-23/JHA-061-2024",
            "expected": f"fortlaufend  {report}",
            "found": f"offen  {report}",
        }
    ]
    store.close()
    runner = CliRunner()
    checked = runner.invoke(cli, ["check", "--store", str(location)])
    assert checked.exit_code == 1
    assert "FAIL derived-facts-differ-violation: 1 rows" in checked.output
    rebuilt = runner.invoke(cli, ["derive", "--store", str(location)])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert rebuilt.stdout == f"derived facts recomputed in {location}: 11 points\n"
    assert runner.invoke(cli, ["check", "--store", str(location)]).exit_code == 0
    whole = runner.invoke(cli, ["derive", "--store", str(location), "--batch", "0"])
    assert whole.stdout == rebuilt.stdout  # one transaction, as before batches
    wrong = runner.invoke(cli, ["derive", "--store", str(location), "--batch", "-1"])
    assert (wrong.exit_code, wrong.output) == (2, "error: --batch must be 0 or more, got -1\n")


def test_derive_in_batches_gives_what_one_whole_recomputation_gives(
    fresh_store: Store, generated: Path
) -> None:
    """`ratsgraph derive` rebuilds a few resolutions per transaction: the same derived graph and
    index graphs, quad for quad, as dropping and recomputing them all in one, also where the store
    held what no resolution owns (a write's mark left behind, a stray fact), facts of a resolution
    gone, and index graphs of the older shape (one per committee for every year)."""
    assert all(r.ok for r in load_paths(fresh_store, [generated]))
    whole = derived(fresh_store)
    gone = f"{RES}V9999-99/JHA-999-2099"
    old_index = f"{DERIVED_GRAPH}/resolutions?committee=x"
    node = "https://w3id.org/ratsgraph/derived/resolution?resolution=gone"
    rbd = f"PREFIX rbd: <{DERIVED_NS}> "
    behind_ratsgraphs_back(
        fresh_store,
        rbd + f"INSERT DATA {{ GRAPH <{DERIVED_GRAPH}> {{"
        f" <{RES}V1106-21/JHA-042-2022> rbd:stale true . <urn:x:stray> rbd:status 'offen' ."
        f" <{gone}/point/1> rbd:resolution <{gone}> ; rbd:status 'offen' ."
        f" {ox_iri(node)} rbd:resolution <{gone}> ; rbd:index <{old_index}> ; rbd:taskedPoints 1 ."
        f" <{old_index}> a rbd:ResolutionIndex ; rbd:committee <urn:x:jha> }}"
        f" GRAPH <{old_index}> {{ {ox_iri(node)} rbd:taskedPoints 1 }} }}",
    )
    assert differences(fresh_store) != []
    seen: list[tuple[int, int]] = []
    total = fresh_store.rebuild_derived_in_batches(2, lambda d, t: seen.append((d, t)))  # type: ignore[attr-defined]
    assert derived(fresh_store) == whole
    assert differences(fresh_store) == []
    assert total == 9  # eight resolutions and the one gone
    assert seen == [(n, total) for n in (2, 4, 6, 8, 9)]


def ox_iri(iri: str) -> str:
    import pyoxigraph as ox  # noqa: PLC0415

    return str(ox.NamedNode(iri))


def behind_ratsgraphs_back(store: Store, update: str) -> None:
    """An update sent to the store itself, as another program would (no derived facts kept)."""
    if hasattr(store, "update"):
        store.update(update)  # type: ignore[attr-defined]
    else:
        store._store.update(update)  # type: ignore[attr-defined]
        store.generation += 1  # type: ignore[attr-defined]


def test_a_bulk_load_derives_what_loading_one_by_one_derives(
    generated: Path, tmp_path: Path
) -> None:
    one = EmbeddedStore(tmp_path / "one")
    load_paths(one, [generated])
    bulk_load_new_store(tmp_path / "bulk", [generated])
    bulk = EmbeddedStore(tmp_path / "bulk")
    assert derived(bulk) == derived(one)
    assert differences(bulk) == []
    assert len(derived(bulk)) > 60


def test_an_oparl_import_keeps_it_equal_to_a_full_recomputation(tmp_path: Path) -> None:
    from service.ingest.oparl_import import import_oparl  # noqa: PLC0415

    store = EmbeddedStore(tmp_path / "store")
    ratsinfo = CORPUS / "ratsinfo"  # the development corpus's OParl dump (real Dresden papers)
    report = import_oparl(store, str(ratsinfo), state_path=tmp_path / "state.json")
    assert not report.failures
    kept = assert_equals_full_recomputation(store)
    assert len({q[0] for q in kept if q[1] == DERIVED_NS + "status"}) > 20


def test_the_index_graphs_hold_each_task_and_open_deadline_of_the_sample(
    fresh_store: Store,
) -> None:
    """V1106/21 tasks the Oberbürgermeister with point 4 and the Jugendamt's Verwaltung with points
    5-7, point 5 "bis Ende 2. Quartal 2023"; nothing is reported yet, so every task is open, and
    each open entry is kept with its sort keys (date, paper number, point number), the
    resolution with its counts for committee-years and by its session's date, and point 5's
    deadline among all deadlines."""
    load_paths(fresh_store, [BA])
    rows = fresh_store.select(
        "SELECT ?g ?t ?p ?o WHERE { GRAPH ?g { ?t ?p ?o }"
        f' FILTER (STRSTARTS(STR(?g), "{DERIVED_GRAPH}/")) }}'
    ).rows
    point = quote(RES + "V1106-21/JHA-042-2022/point/", safe="")
    ob = quote("https://w3id.org/ratsgraph/id/dresden/office/oberbuergermeister", safe="")
    ja = quote("https://w3id.org/ratsgraph/id/dresden/unit/jugendamt", safe="")
    body = quote("https://w3id.org/ratsgraph/id/dresden", safe="")
    tasks = f"{DERIVED_GRAPH}/tasks?actor="
    task = "https://w3id.org/ratsgraph/derived/task?point="
    expected = {
        (f"{DERIVED_GRAPH}/deadlines?body={body}",
         f"https://w3id.org/ratsgraph/derived/deadline?point={point}5&date=2023-06-30",
         "openDeadline", "2023-06-30"),
        (f"{DERIVED_GRAPH}/deadlines?body={body}",
         f"https://w3id.org/ratsgraph/derived/deadline?point={point}5&date=2023-06-30",
         "paper", "V1106/21"),
        (f"{DERIVED_GRAPH}/deadlines?body={body}",
         f"https://w3id.org/ratsgraph/derived/deadline?point={point}5&date=2023-06-30",
         "number", "5"),
        (f"{tasks}{ob}&body={body}", f"{task}{point}4&actor={ob}", "openDeadline", "9999-12-31"),
        (f"{tasks}{ob}&body={body}", f"{task}{point}4&actor={ob}", "paper", "V1106/21"),
        (f"{tasks}{ob}&body={body}", f"{task}{point}4&actor={ob}", "number", "4"),
        (f"{tasks}{ob}&body={body}", f"{task}{point}4&actor={ob}", "taskStatus", "offen"),
    }  # fmt: skip
    # the resolution's counts for committee-years: 4 points task someone, all 4 open
    jha = quote("https://w3id.org/ratsgraph/id/dresden/committee/jha", safe="")
    resolution = quote(RES + "V1106-21/JHA-042-2022", safe="")
    node = f"https://w3id.org/ratsgraph/derived/resolution?resolution={resolution}&committee={jha}"
    for predicate, value in (("year", "2022"), ("taskedPoints", "4"), ("openPoints", "4")):
        expected.add(
            (f"{DERIVED_GRAPH}/resolutions?committee={jha}&body={body}&year=2022",
             f"{node}&year=2022",
             predicate, value)
        )  # fmt: skip
    # point 5's deadline among every deadline, open or not, for overdue as of a date
    expected.add(
        (f"{DERIVED_GRAPH}/due?body={body}",
         f"https://w3id.org/ratsgraph/derived/due?point={point}5&date=2023-06-30",
         "dueDate", "2023-06-30")
    )  # fmt: skip
    # the resolution by its session's date, for the resolution view's pages
    expected.add(
        (f"{DERIVED_GRAPH}/sessions?body={body}",
         f"https://w3id.org/ratsgraph/derived/session?resolution={resolution}",
         "sessionDate", "2022-10-13")
    )  # fmt: skip
    for n, deadline in ((5, "2023-06-30"), (6, "9999-12-31"), (7, "9999-12-31")):
        node = f"{task}{point}{n}&actor={ja}"
        expected |= {
            (f"{tasks}{ja}&body={body}", node, "openDeadline", deadline),
            (f"{tasks}{ja}&body={body}", node, "paper", "V1106/21"),
            (f"{tasks}{ja}&body={body}", node, "number", str(n)),
            (f"{tasks}{ja}&body={body}", node, "taskStatus", "offen"),
        }
    found = {
        (r["g"].value, r["t"].value, r["p"].value.removeprefix(DERIVED_NS), r["o"].value)
        for r in rows
    }
    assert found == expected
    assert_equals_full_recomputation(fresh_store)
