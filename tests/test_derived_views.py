"""open-points and actor-summary read the derived facts when no reference date is asked for: the
same columns and rows, in the same order, as the view computing every status from the assertions,
on the embedded store and on `oxigraph serve`; with `as_of` the view still computes from the
assertions. (overdue has no variant: its cost is in finding passed deadlines, not statuses.)"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

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
    if hasattr(loaded, "update"):
        loaded.update(tamper)  # type: ignore[attr-defined]
    else:
        loaded._store.update(tamper)  # type: ignore[attr-defined]
        loaded.generation += 1  # type: ignore[attr-defined]
    after = client.get(url).get_json()["rows"]
    assert (after[0]["offen"], after[0]["umgesetzt"]) == (
        before[0]["offen"] - 1,
        before[0]["umgesetzt"] + 1,
    )
    dated = client.get(url + "&as_of=2099-01-01").get_json()["rows"]
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


@pytest.mark.parametrize("actor", ["Oberbürgermeister", "Jugendamt", None])
@pytest.mark.parametrize("size", [1, 3, 7])
def test_open_points_pages_read_from_the_index_graphs_are_the_whole_answer_cut(
    loaded: Store, actor: str | None, size: int
) -> None:
    """Page after page of open-points (a page's end found in the index graphs, then only its rows
    looked up) gives the whole answer's rows, in its order, with `next` until the last."""
    app = create_app({"TESTING": True, "VIEW_WARM": False}, store=loaded)
    client = app.test_client()
    args = {"actor": actor} if actor else {}
    whole = client.get("/views/open-points.json", query_string=args).get_json()["rows"]
    assert len(whole) > 7
    paged: list[dict] = []
    offset = 0
    while True:
        answer = client.get(
            "/views/open-points.json", query_string={**args, "_size": size, "_offset": offset}
        ).get_json()
        paged += answer["rows"]
        if not answer.get("next"):
            break
        assert len(answer["rows"]) == size
        offset += size
    assert paged == whole


def test_open_points_pages_come_from_the_index_graphs(loaded: Store) -> None:
    """With the index graphs emptied behind ratsgraph's back, a page finds no task, while the
    whole answer (from the points' derived status) still has them: pages are read from the index."""
    app = create_app({"TESTING": True, "VIEW_WARM": False}, store=loaded)
    client = app.test_client()
    url = "/views/open-points.json?actor=Oberbürgermeister"
    assert len(client.get(url + "&_size=5").get_json()["rows"]) == 5
    empty = (
        f"DELETE {{ GRAPH ?g {{ ?t <{DERIVED_NS}openDeadline> ?k }} }} WHERE {{ GRAPH ?g"
        f' {{ ?t <{DERIVED_NS}openDeadline> ?k }} FILTER (STRSTARTS(STR(?g), "{DERIVED_GRAPH}/")) }}'
    )
    if hasattr(loaded, "update"):
        loaded.update(empty)  # type: ignore[attr-defined]
    else:
        loaded._store.update(empty)  # type: ignore[attr-defined]
        loaded.generation += 1  # type: ignore[attr-defined]
    assert client.get(url + "&_size=5").get_json()["rows"] == []
    assert len(client.get(url).get_json()["rows"]) > 5
