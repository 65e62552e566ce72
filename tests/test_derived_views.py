"""open-points, actor-summary, overdue and committee-years read the derived facts when no
reference date is asked for: the same columns and rows, in the same order, as the view computing
every status from the assertions, on the embedded store and on `oxigraph serve`; with `as_of` the
view still computes from the assertions. Pages are read from the derived index graphs."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from loader import SAMPLES_DIR
from service.ingest.loading import load_paths
from service.queries import QUERIES_DIR, get_query, load_queries
from service.store import SelectResult, Store
from service.store.derived import DERIVED_GRAPH, DERIVED_NS
from service.web import create_app
from service.web.view_params import cached_select
from service.web.views import bind_view, resolve_iri_params, run_view

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402

CASES = [
    ("open-points", {}),
    ("open-points", {"actor": "Oberbürgermeister"}),
    ("open-points", {"actor": "Jugendamt"}),
    ("actor-summary", {}),
    ("actor-summary", {"actor": "Jugendamt"}),
    ("overdue", {}),
    ("overdue", {"body": "dresden"}),
    ("committee-years", {}),
    ("committee-years", {"committee": "Jugendhilfeausschuss"}),
]
PAGED = [
    ("open-points", {"actor": "Oberbürgermeister"}),
    ("open-points", {"actor": "Jugendamt"}),
    ("open-points", {}),
    ("status-reports", {}),
    ("status-reports", {"committee": "Jugendhilfeausschuss"}),
    ("status-reports", {"as_of": "2024-01-01"}),
    ("status-reports", {"as_of": "31.12.2022", "committee": "Jugendhilfeausschuss"}),
    ("status-reports", {"as_of": "2099-01-01", "body": "dresden"}),  # undated reports count too
    ("resolution", {}),
    ("resolution", {"body": "dresden"}),
    ("resolution", {"as_of": "2024-01-01"}),
    ("resolution", {"as_of": "31.12.2022", "body": "dresden"}),
]


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Forty generated resolutions with their status reports, and the two real samples."""
    folder = tmp_path_factory.mktemp("views") / "docs"
    generate(40, folder, seed=5)
    (folder / "truth.jsonl").unlink()
    for sample in SAMPLES_DIR.glob("*.txt"):
        shutil.copy(sample, folder / sample.name)
    return folder


@pytest.fixture()
def loaded(fresh_store: Store, documents: Path) -> Iterator[Store]:
    assert all(r.ok for r in load_paths(fresh_store, [documents]))
    yield fresh_store


def from_assertions(name: str, values: dict[str, str]) -> SelectResult:
    """The view's own text (statuses grouped from the assertions), bound as the view binds it."""
    query = get_query(name, QUERIES_DIR)
    return cached_select(query.bind(resolve_iri_params(query, values)))


def behind_ratsgraphs_back(store: Store, update: str) -> None:
    """A SPARQL Update sent to the store itself, as another program would: no derived facts
    recomputed (the embedded store counts it as a write so its cached answers go)."""
    if hasattr(store, "update"):
        store.update(update)  # type: ignore[attr-defined]
    else:
        store._store.update(update)  # type: ignore[attr-defined]
        store.generation += 1  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "values"), CASES, ids=lambda c: str(c))
def test_without_as_of_a_view_answers_from_the_derived_facts_as_from_the_assertions(
    loaded: Store, name: str, values: dict[str, str]
) -> None:
    app = create_app({"TESTING": True, "VIEW_WARM": False}, store=loaded)
    with app.app_context():
        derived = run_view(name, values)
        expected = from_assertions(name, values)
    assert DERIVED_GRAPH in load_queries(QUERIES_DIR / "derived")[name].text
    assert derived.columns == expected.columns
    assert list(derived.rows) == list(expected.rows)
    assert len(expected.rows) > 0


def test_the_view_reads_the_derived_graph_and_as_of_still_reads_the_assertions(
    loaded: Store,
) -> None:
    """A derived fact changed behind ratsgraph's back shows in the view without a date only."""
    app = create_app({"TESTING": True, "VIEW_WARM": False}, store=loaded)
    client = app.test_client()
    url = "/views/actor-summary.json?actor=Jugendamt"
    before = client.get(url).get_json()["rows"]
    task = loaded.select(  # a Jugendamt task whose point is open, in its index graph
        f"SELECT ?g ?t WHERE {{ GRAPH ?g {{ ?t <{DERIVED_NS}taskStatus> 'offen' }}"
        f" GRAPH <{DERIVED_GRAPH}> {{ ?g <{DERIVED_NS}actor>"
        " <https://w3id.org/ratsgraph/id/dresden/unit/jugendamt> } } LIMIT 1"
    ).rows[0]
    graph, node = task["g"].value, task["t"].value
    tamper = (
        f"DELETE DATA {{ GRAPH <{graph}> {{ <{node}> <{DERIVED_NS}taskStatus> 'offen' }} }} ;"
        f"INSERT DATA {{ GRAPH <{graph}> {{ <{node}> <{DERIVED_NS}taskStatus> 'umgesetzt' }} }}"
    )
    behind_ratsgraphs_back(loaded, tamper)
    # the fresh answer: one that took over VIEW_STALE_AFTER_S (a busy machine) is otherwise given
    # from before the write while the new one is computed
    fresh = {"Cache-Control": "no-cache"}
    after = client.get(url, headers=fresh).get_json()["rows"]
    assert (after[0]["offen"], after[0]["umgesetzt"]) == (
        before[0]["offen"] - 1,
        before[0]["umgesetzt"] + 1,
    )
    dated = client.get(url + "&as_of=2099-01-01", headers=fresh).get_json()["rows"]
    assert (dated[0]["offen"], dated[0]["umgesetzt"]) == (
        before[0]["offen"],
        before[0]["umgesetzt"],
    )


def test_a_store_without_derived_facts_is_answered_from_the_assertions(
    tmp_path: Path, documents: Path
) -> None:
    """A store made before derived facts were kept (here: written with them switched off) still
    gets every open point; `ratsgraph derive` then adds them and the views read them."""
    from service.store import EmbeddedStore  # noqa: PLC0415

    older = EmbeddedStore(tmp_path / "older", derive=False)
    assert all(r.ok for r in load_paths(older, [documents]))
    app = create_app({"TESTING": True, "VIEW_WARM": False}, store=older)
    view = get_query("open-points", QUERIES_DIR)
    ob = {"actor": "Oberbürgermeister"}
    with app.app_context():
        assert DERIVED_GRAPH not in bind_view(view, ob)
        before = run_view("open-points", ob)
        assert list(before.rows) == list(from_assertions("open-points", ob).rows)
        assert len(before.rows) > 0
    older.rebuild_derived()
    with app.app_context():
        assert DERIVED_GRAPH in bind_view(view, ob)
        after = run_view("open-points", ob)
    assert list(after.rows) == list(before.rows)


def test_derived_facts_of_an_older_shape_are_not_read(loaded: Store) -> None:
    """Derived facts whose shape marker is not this version's (a store derived before the
    resolution index graphs were split by year) are not read: the views compute from the
    assertions, the same rows, until `ratsgraph derive` rebuilds them."""
    marker = f"<{DERIVED_GRAPH}> <{DERIVED_NS}format>"
    behind_ratsgraphs_back(
        loaded,
        f"DELETE {{ GRAPH <{DERIVED_GRAPH}> {{ {marker} ?f }} }} WHERE {{ GRAPH <{DERIVED_GRAPH}> {{ {marker} ?f }} }} ;"
        f" INSERT DATA {{ GRAPH <{DERIVED_GRAPH}> {{ {marker} 1 }} }}",
    )
    app = create_app({"TESTING": True, "VIEW_WARM": False}, store=loaded)
    view = get_query("committee-years", QUERIES_DIR)
    with app.app_context():
        assert DERIVED_GRAPH not in bind_view(view, {})
        older = run_view("committee-years", {})
        assert list(older.rows) == list(from_assertions("committee-years", {}).rows)
    loaded.rebuild_derived()  # type: ignore[attr-defined]
    with app.app_context():
        assert DERIVED_GRAPH in bind_view(view, {})
        assert list(run_view("committee-years", {}).rows) == list(older.rows)


@pytest.mark.parametrize(("name", "args"), PAGED, ids=lambda c: str(c))
@pytest.mark.parametrize(
    ("size", "cache"), [(1, 0), (3, 0), (7, 0), (3, 100)], ids=["1", "3", "7", "3-cached"]
)
def test_pages_read_from_the_index_graphs_are_the_whole_answer_cut(
    loaded: Store, name: str, args: dict[str, str], size: int, cache: int
) -> None:
    """Page after page of a view (a page's end found in the index graphs, then only its rows
    looked up) gives the whole answer's rows, in its order, with `next` until the last. Without
    a view cache every step is asked of the store on its own; with one, a page's steps are read
    at once (one child on the embedded store) and the first step's answer reused."""
    config = {"TESTING": True, "VIEW_WARM": False, "VIEW_CACHE_SIZE": cache}
    app = create_app(config, store=loaded)
    client = app.test_client()
    pages = walk(client, name, args, size)  # first: a cached whole answer would be cut instead
    whole = client.get(f"/views/{name}.json", query_string={**args, "_size": 10000}).get_json()
    whole = whole["rows"]
    assert len(whole) > 7
    assert pages == whole


def walk(client: Any, name: str, args: dict[str, str], size: int) -> list[dict]:
    """Every row of a view, page after page of ``size`` rows, following ``next``."""
    rows: list[dict] = []
    while True:
        answer = client.get(
            f"/views/{name}.json", query_string={**args, "_size": size, "_offset": len(rows)}
        ).get_json()
        rows += answer["rows"]
        if not answer.get("next"):
            return rows
        assert len(answer["rows"]) == size


def test_overdue_pages_read_from_the_index_graphs_are_the_whole_answer_cut(
    fresh_store: Store, tmp_path: Path
) -> None:
    """overdue's pages (up to the deadline at the page's end, from the deadline index graphs)
    cut from a larger council: 300 resolutions, so that many deadlines have passed and several
    share a day; with and without a council, whatever the page size. As of a date, from whole
    days of every deadline (open or not), the points' status as of that date deciding which of
    them the page shows."""
    folder = tmp_path / "docs"
    generate(300, folder, seed=11)
    (folder / "truth.jsonl").unlink()
    assert all(r.ok for r in load_paths(fresh_store, [folder]))
    app = create_app({"TESTING": True, "VIEW_WARM": False, "VIEW_CACHE_SIZE": 0}, store=fresh_store)
    client = app.test_client()
    as_of = ({"as_of": "2024-01-01"}, {"as_of": "31.12.2022", "body": "dresden"})
    cached = create_app({"TESTING": True, "VIEW_WARM": False}, store=fresh_store).test_client()
    for args in ({}, {"body": "dresden"}, *as_of):
        whole = client.get("/views/overdue.json", query_string={**args, "_size": 10000})
        whole = whole.get_json()["rows"]
        with app.app_context():
            assert list(run_view("overdue", args).rows) == list(
                from_assertions("overdue", args).rows
            )
        assert len(whole) > 10
        assert len({row["deadline"] for row in whole}) < len(whole)  # ties at a page's end
        for size in (1, 3, 7):
            assert walk(client, "overdue", args, size) == whole
        assert walk(cached, "overdue", args, 4) == whole  # a page's steps read at once


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("/views/open-points.json?actor=Oberbürgermeister&", "openDeadline"),
        ("/views/overdue.json?", "openDeadline"),
        ("/views/status-reports.json?", "reportDate"),
        ("/views/status-reports.json?as_of=2099-01-01&", "reportDate"),
        ("/views/resolution.json?", "sessionDate"),
        ("/views/resolution.json?as_of=2030-01-01&", "sessionDate"),
        ("/views/overdue.json?as_of=2030-01-01&", "dueDate"),
    ],
)
def test_pages_come_from_the_index_graphs(loaded: Store, url: str, key: str) -> None:
    """With the index graphs emptied behind ratsgraph's back, a page finds no row, while the
    whole answer (from the points' derived status) still has them: pages are read from the index."""
    app = create_app({"TESTING": True, "VIEW_WARM": False}, store=loaded)
    client = app.test_client()
    assert len(client.get(url + "_size=2").get_json()["rows"]) == 2
    empty = (
        f"DELETE {{ GRAPH ?g {{ ?t <{DERIVED_NS}{key}> ?k }} }} WHERE {{ GRAPH ?g"
        f' {{ ?t <{DERIVED_NS}{key}> ?k }} FILTER (STRSTARTS(STR(?g), "{DERIVED_GRAPH}/")) }}'
    )
    behind_ratsgraphs_back(loaded, empty)
    fresh = {"Cache-Control": "no-cache"}  # not the page before the write (see the next test)
    assert client.get(url + "_size=2", headers=fresh).get_json()["rows"] == []
    assert len(client.get(url, headers=fresh).get_json()["rows"]) > 2


def test_after_a_write_a_page_read_by_its_keys_is_given_from_before_it_until_the_new_one_is_ready(
    loaded: Store, backend: str
) -> None:
    """A page read by its keys is kept like a whole answer: after a write, one that took longer
    than VIEW_STALE_AFTER_S is given at once from the previous state, marked stale, while the new
    one is computed; a client sending no-cache waits for the new one."""
    config = {"TESTING": True, "VIEW_WARM": False, "VIEW_REFRESH": 0, "VIEW_STALE_AFTER_S": 1e-6}
    app = create_app(config, store=loaded)
    client = app.test_client()
    url = "/views/open-points.json?actor=Oberbürgermeister&_size=2"
    before = client.get(url).get_json()
    assert (len(before["rows"]), before["stale"]) == (2, False)
    indexes = (  # every index graph emptied: the page after this write has no row
        f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }}"
        f' FILTER (STRSTARTS(STR(?g), "{DERIVED_GRAPH}/")) }}'
    )
    behind_ratsgraphs_back(loaded, indexes)
    with app.extensions["ratsgraph-cache"].background_held():  # the new page is still due
        stale = client.get(url)
    if backend == "embedded":
        assert stale.get_json()["rows"] == before["rows"]
        assert stale.get_json()["stale"] is True
        assert stale.headers["X-Ratsgraph-Stale"] == "true"
    else:  # a remote store may be written by others: nothing is kept, every page is fresh
        assert stale.get_json()["rows"] == []
    fresh = client.get(url, headers={"Cache-Control": "no-cache"}).get_json()
    assert (fresh["rows"], fresh["stale"]) == ([], False)


def test_resolution_pages_take_more_dates_when_the_first_ones_give_no_rows(
    fresh_store: Store, documents: Path, tmp_path: Path
) -> None:
    """The resolution view's pages come from whole session dates of resolutions, as many as the
    page has rows: resolutions on a paper without any point (here four, loaded as RDF, at the
    earliest sessions and at one without a date, which the view lists first) give no rows, so
    the page takes further dates until it is full; pages equal the whole answer cut."""
    lines = ["@prefix rb: <https://w3id.org/ratsgraph/ontology#> .",
             "@prefix dct: <http://purl.org/dc/terms/> .",
             "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> ."]  # fmt: skip
    base = "https://w3id.org/ratsgraph/id/dresden"
    for i, day in enumerate(["1990-01-02", "1990-01-02", "1990-01-03", None]):
        dated = f' ; dct:date "{day}"^^xsd:date' if day else ""
        lines.append(
            f"<{base}/resolution/empty{i}> a rb:Resolution ; rb:body <{base}> ;"
            f' rb:decidesOn [ dct:identifier "V{i:04d}/90" ] ;'
            f' rb:session [ rb:sessionNumber "SR/{i:03d}/1990"{dated} ] .'
        )
    rdf = tmp_path / "without-points.ttl"
    rdf.write_text("\n".join(lines), encoding="utf-8")
    assert all(r.ok for r in load_paths(fresh_store, [documents, rdf]))
    app = create_app({"TESTING": True, "VIEW_WARM": False, "VIEW_CACHE_SIZE": 0}, store=fresh_store)
    client = app.test_client()
    for args in ({}, {"body": "dresden"}):
        whole = client.get("/views/resolution.json", query_string={**args, "_size": 10000})
        whole = whole.get_json()["rows"]
        assert len(whole) > 7 and not any(row["vorlage"].endswith("/90") for row in whole)
        with app.app_context():  # the session index has them, first
            counts = load_queries(QUERIES_DIR / "derived")["resolution-page-counts"]
            first = cached_select(counts.bind({})).rows[:3]
        # (one more without a session date among the documents)
        assert [(r["key"].value, int(r["n"].value)) for r in first] == [
            ("0001-01-01", 2), ("1990-01-02", 2), ("1990-01-03", 1)
        ]  # fmt: skip
        for size in (1, 2, 5):
            assert walk(client, "resolution", args, size) == whole


@pytest.mark.parametrize("as_of", [None, "2030-01-01"])
def test_overdue_lists_each_point_and_deadline_once_also_where_no_actor_is_known(
    loaded: Store, tmp_path: Path, as_of: str | None
) -> None:
    """A deadline that is the point's own, or whose delegation names no known actor (the OCR'd
    name matched nobody), is one row with neither actor nor label: not one row per labelled thing
    in the store (an unbound actor joined with every label). The whole answer and its pages."""
    sample = SAMPLES_DIR / "JHA-042-2022_V1106-21_Beschlussausfertigung.txt"
    text = sample.read_text(encoding="utf-8").replace("V1106/21", "V1107/21")
    unknown = "5. Der Amtsleiter des Amtes für Sonderaufgaben"  # in no council's reference data
    text = text.replace("5. Die Verwaltung des Jugendamtes", unknown)
    variant = tmp_path / "JHA-042-2022_V1107-21_Beschlussausfertigung.txt"
    variant.write_text(text, encoding="utf-8")
    assert all(r.ok for r in load_paths(loaded, [variant]))
    args = {"as_of": as_of} if as_of else {}
    app = create_app({"TESTING": True, "VIEW_WARM": False, "VIEW_CACHE_SIZE": 0}, store=loaded)
    client = app.test_client()
    whole = client.get("/views/overdue.json", query_string={**args, "_size": 10000})
    whole = whole.get_json()["rows"]
    keys = [(row["point_iri"], row["deadline"]) for row in whole]
    assert len(keys) == len(set(keys))
    assert [row for row in whole if bool(row["actor"]) != bool(row["actor_label"])] == []
    point_5 = "https://w3id.org/ratsgraph/id/dresden/resolution/V1107-21/JHA-042-2022/point/5"
    assert [
        (r["deadline"], r["actor"], r["actor_label"]) for r in whole if r["point_iri"] == point_5
    ] == [("2023-06-30", None, None)]
    assert walk(client, "overdue", args, 3) == whole


OB = "https://w3id.org/ratsgraph/id/dresden/office/oberbuergermeister"
JUGENDAMT = "https://w3id.org/ratsgraph/id/dresden/unit/jugendamt"


@pytest.mark.parametrize("unlabelled", [OB, JUGENDAMT])
def test_resolution_shows_a_point_of_two_actors_with_the_label_of_the_actor_it_names(
    loaded: Store, tmp_path: Path, unlabelled: str
) -> None:
    """A point tasking two actors is one row per report, naming one of them: always the same
    one, with that actor's own German label, or none where it has none (here taken away behind
    ratsgraph's back), never the other actor's. Two independent SAMPLEs of actor and label gave
    the Jugendamt's IRI with the Oberbürgermeister's name. The whole answer and its pages."""
    sample = SAMPLES_DIR / "JHA-042-2022_V1106-21_Beschlussausfertigung.txt"
    text = sample.read_text(encoding="utf-8").replace("V1106/21", "V1108/21")
    ob_sentence = "und durch konkrete Maßnahmen zu untersetzen."
    second = (
        " Die Verwaltung des Jugendamtes wird beauftragt, bis Ende 2. Quartal 2023 zu berichten."
    )
    assert ob_sentence in text
    variant = tmp_path / "JHA-042-2022_V1108-21_Beschlussausfertigung.txt"
    variant.write_text(text.replace(ob_sentence, ob_sentence + second, 1), encoding="utf-8")
    assert all(r.ok for r in load_paths(loaded, [variant]))
    skos = "http://www.w3.org/2004/02/skos/core#prefLabel"
    behind_ratsgraphs_back(
        loaded,
        f"DELETE {{ GRAPH ?g {{ <{unlabelled}> <{skos}> ?l }} }} WHERE {{ GRAPH ?g"
        f" {{ <{unlabelled}> <{skos}> ?l }} FILTER (LANG(?l) = 'de') }} ;"
        f"DELETE {{ <{unlabelled}> <{skos}> ?l }} WHERE {{ <{unlabelled}> <{skos}> ?l"
        " FILTER (LANG(?l) = 'de') }",
    )
    found = loaded.select(f"SELECT ?a ?l {{ ?a <{skos}> ?l FILTER (LANG(?l) = 'de') }}").rows
    labels: dict[str, str | None] = {r["a"].value: r["l"].value for r in found}
    assert len(labels) == len(found)  # one German label each
    assert (labels.get(OB), labels.get(JUGENDAMT)) == {
        OB: (None, "Jugendamt"),
        JUGENDAMT: ("Oberbürgermeister", None),
    }[unlabelled]
    app = create_app({"TESTING": True, "VIEW_WARM": False, "VIEW_CACHE_SIZE": 0}, store=loaded)
    client = app.test_client()
    point_4 = "https://w3id.org/ratsgraph/id/dresden/resolution/V1108-21/JHA-042-2022/point/4"
    one = client.get("/views/resolution.json", query_string={"vorlage": "V1108/21"}).get_json()
    everything = client.get("/views/resolution.json", query_string={"_size": 10000}).get_json()
    for rows in (one["rows"], everything["rows"], walk(client, "resolution", {}, 3)):
        named = [(r["actor"], r["actor_label"]) for r in rows if r["point_iri"] == point_4]
        assert len(named) == 1
        assert named[0][0] in (OB, JUGENDAMT)
        assert named == [(named[0][0], labels.get(named[0][0]))]
        assert [r for r in rows if r["actor"] and r["actor_label"] != labels.get(r["actor"])] == []
