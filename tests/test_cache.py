"""Views are answered from the cache while the store is unchanged, and fresh after every write."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from loader import SAMPLES_DIR
from service.ingest.loading import load_paths
from service.store import EmbeddedStore, SelectResult
from service.store.view_cache import ViewCache
from service.web import create_app

BA = SAMPLES_DIR / "JHA-042-2022_V1106-21_Beschlussausfertigung.txt"
BK = SAMPLES_DIR / "V2620-23_Beschlusskontrolle_Hausmitteilung.txt"
OPEN_FOR_OB = "/views/open-points?actor=Oberbürgermeister&format=json"


def vorlagen(client, fresh: bool = False) -> list[str]:  # noqa: ANN001
    """The Vorlagen of the Oberbürgermeister's open points; ``fresh``: as a client that needs the
    answer of the store as it is now asks (a view that took longer than VIEW_STALE_AFTER_S is
    otherwise answered from its previous answer while the new one is computed)."""
    headers = {"Cache-Control": "no-cache"} if fresh else {}
    return [r["vorlage"] for r in client.get(OPEN_FOR_OB, headers=headers).get_json()["rows"]]


def test_a_view_is_recomputed_after_a_document_is_loaded(fresh_store, backend: str) -> None:  # noqa: ANN001
    load_paths(fresh_store, [BA])
    app = create_app({"TESTING": True}, store=fresh_store)
    client = app.test_client()
    cache = app.extensions["ratsgraph-cache"]
    assert vorlagen(client) == ["V1106/21"]
    assert vorlagen(client) == ["V1106/21"]
    # an embedded store counts its writes; a remote server may be written by others: never cached.
    # Two hits: the actor's label resolved to its IRI, and the view.
    assert cache.hits == (2 if backend == "embedded" else 0)
    # after each write the fresh answer, waited for: a busy machine took longer than 0.05 s
    # (VIEW_STALE_AFTER_S) for the first one, and a plain request got the previous answer
    load_paths(fresh_store, [BK])
    assert vorlagen(client, fresh=True) == ["V1106/21", "V2620/23"]
    fresh_store.drop_graph(
        "https://w3id.org/ratsgraph/id/dresden/document/JHA-042-2022_V1106-21_Beschlussausfertigung"
    )
    assert vorlagen(client, fresh=True) == ["V2620/23"]


def test_the_cache_can_be_switched_off(fresh_store) -> None:  # noqa: ANN001
    load_paths(fresh_store, [BA])
    app = create_app({"TESTING": True, "VIEW_CACHE_SIZE": 0}, store=fresh_store)
    client = app.test_client()
    assert vorlagen(client) == vorlagen(client) == ["V1106/21"]
    assert app.extensions["ratsgraph-cache"].hits == 0


def test_pages_of_a_view_are_cut_from_one_computation_of_its_answer(fresh_store, backend) -> None:  # noqa: ANN001
    load_paths(fresh_store, [BA, BK])
    app = create_app({"TESTING": True}, store=fresh_store)
    client = app.test_client()
    cache = app.extensions["ratsgraph-cache"]
    url = "/views/open-points.json?actor=Jugendamt"
    whole = client.get(url).get_json()
    pages = [client.get(f"{url}&_size=2&_offset={o}").get_json() for o in (0, 2)]
    assert [len(p["rows"]) for p in pages] == [2, 1]
    assert pages[0]["rows"] + pages[1]["rows"] == whole["rows"]
    assert [p["truncated"] for p in pages] == [True, False]
    if backend == "embedded":  # the actor's label once, the whole answer once; the rest are hits
        assert (cache.misses, cache.hits) == (2, 4)


def test_clients_asking_at_once_for_an_answer_being_computed_share_one_computation(
    tmp_path: Path,
) -> None:
    store = EmbeddedStore(tmp_path / "store")
    load_paths(store, [BA, BK], jobs=1)
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"  # a million rows: it takes time
    cache = ViewCache(8)
    answers: list[SelectResult] = []
    threads = [
        threading.Thread(target=lambda: answers.append(cache.select(store, slow))) for _ in range(5)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (cache.misses, cache.hits) == (1, 4)  # computed once, the other four waited for it
    assert len(answers) == 5 and all(a is answers[0] for a in answers)


def test_after_a_write_the_views_last_asked_for_are_computed_again_before_anyone_asks(
    store: EmbeddedStore,
) -> None:
    app = create_app({"TESTING": True, "VIEW_REFRESH": 4}, store=store)
    client = app.test_client()
    cache = app.extensions["ratsgraph-cache"]
    assert vorlagen(client) == ["V1106/21"]
    service_store = app.extensions["ratsgraph"]
    load_paths(service_store, [BK], jobs=1)  # a write through the service's store
    assert cache.wait_refreshed(service_store, timeout=120)  # the refresh of this state is done
    assert cache.refreshed >= 2  # the label lookup and the view
    misses = cache.misses
    assert vorlagen(client) == ["V1106/21", "V2620/23"]
    assert cache.misses == misses  # answered from the refreshed cache: nobody waited for it


def test_after_a_write_a_page_read_by_its_keys_is_computed_again_before_anyone_asks(
    store: EmbeddedStore,
) -> None:
    app = create_app({"TESTING": True, "VIEW_REFRESH": 8, "VIEW_WARM": False}, store=store)
    client = app.test_client()
    cache = app.extensions["ratsgraph-cache"]
    page = f"{OPEN_FOR_OB}&_size=1"
    assert [r["vorlage"] for r in client.get(page).get_json()["rows"]] == ["V1106/21"]
    service_store = app.extensions["ratsgraph"]
    load_paths(service_store, [BK], jobs=1)
    assert cache.wait_refreshed(service_store, timeout=120)
    misses = cache.misses
    answer = client.get(page).get_json()
    assert ([r["vorlage"] for r in answer["rows"]], answer["stale"]) == (["V1106/21"], False)
    assert answer["next"] is not None  # V2620/23 follows
    assert cache.misses == misses  # the page of the new state was ready: nobody waited for it


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"  # every pair of triples: ~0.2 s


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    """An on-disk store holding the sample Beschlussausfertigung."""
    store = EmbeddedStore(tmp_path / "store")
    load_paths(store, [BA], jobs=1)
    return store


def count(result: SelectResult) -> int:
    return int(result.rows[0]["n"].value)


def test_after_a_write_a_slow_view_is_answered_from_its_previous_answer_until_the_new_one_is_ready(
    store: EmbeddedStore,
) -> None:
    cache = ViewCache(8)
    before, stale_since = cache.answer(store, SLOW, stale_after_s=0.01)
    assert stale_since is None  # nothing earlier to give: computed and waited for
    load_paths(store, [BK], jobs=1)
    asked = time.time()
    with cache.background_held():  # the new answer cannot be ready before this one is given
        earlier, stale_since = cache.answer(store, SLOW, stale_after_s=0.01)
    assert count(earlier) == count(before)  # the answer before the write, at once …
    assert stale_since is not None and stale_since <= asked  # … saying when it was computed
    fresh, stale_since = cache.answer(store, SLOW, stale_after_s=None)  # waits for the new one
    assert stale_since is None and count(fresh) > count(before)
    assert (cache.misses, cache.stale) == (2, 1)  # the new answer was computed once


def test_a_quick_view_is_always_fresh_after_a_write(store: EmbeddedStore) -> None:
    cache = ViewCache(8)
    quick = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c }"
    before, _ = cache.answer(store, quick, stale_after_s=10.0)
    load_paths(store, [BK], jobs=1)
    after, stale_since = cache.answer(store, quick, stale_after_s=10.0)
    assert stale_since is None and count(after) > count(before)
    assert cache.stale == 0


def test_a_quick_view_queued_behind_the_refresh_is_computed_by_the_request_at_once(
    store: EmbeddedStore,
) -> None:
    """After a write, the refresh queues the views' new answers behind one another; a visitor of
    a quick view (no stale answer for it) does not wait for its turn in that queue: the request
    computes it, once, and the queued computation is dropped."""
    cache = ViewCache(8)
    quick = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c }"
    before, _ = cache.answer(store, quick, stale_after_s=10.0)
    load_paths(store, [BK], jobs=1)
    with cache.background_held():  # the refresh's slots are all taken: its computation waits
        queued = threading.Thread(
            target=cache.answer, args=(store, quick), kwargs={"background": True}
        )
        queued.start()
        while quick not in cache._computing:  # the refresh has queued it
            time.sleep(0.01)
        got: list[tuple[SelectResult, float | None]] = []
        asker = threading.Thread(target=lambda: got.append(cache.answer(store, quick, 10.0)))
        asker.start()
        asker.join(30)  # it does not wait for the queue (which waits for this block to end)
        assert got, "the request waited for the computation queued behind the refresh"
    after, stale_since = got[0]
    assert stale_since is None and count(after) > count(before)
    queued.join(60)
    assert cache.misses == 2  # the first answer and the request's: the queued one computed none
    assert cache.answer(store, quick)[0] is after  # kept for this state


def test_a_stale_view_answer_says_so_and_a_client_can_ask_for_the_fresh_one(
    tmp_path: Path,
) -> None:
    views = tmp_path / "queries"
    views.mkdir()
    (views / "pairs.rq").write_text(
        "# title: Paare / Pairs of triples\n# description: slow on purpose\n" + SLOW + "\n"
    )
    store = EmbeddedStore(tmp_path / "store")
    load_paths(store, [BA], jobs=1)
    # no refresh after the write: a refresh is background work too, and a request waiting for
    # one inside background_held would wait for the block it is in
    config = {"QUERIES_DIR": views, "VIEW_STALE_AFTER_S": 0.01, "VIEW_REFRESH": 0}
    app = create_app({"TESTING": True, **config}, store=store)
    client = app.test_client()
    first = client.get("/views/pairs.json")
    assert first.get_json()["stale"] is False and "X-Ratsgraph-Stale" not in first.headers
    load_paths(app.extensions["ratsgraph"], [BK], jobs=1)
    with app.extensions["ratsgraph-cache"].background_held():  # the new answer is still due
        page = client.get("/views/pairs").get_data(as_text=True)
        stale = client.get("/views/pairs.json")
    assert 'id="stale"' in page and "wird berechnet" in page
    body = stale.get_json()
    assert (body["rows"], body["stale"]) == (first.get_json()["rows"], True)
    assert body["computed_at"].endswith("+00:00")
    assert stale.headers["X-Ratsgraph-Stale"] == "true"
    assert stale.headers["Cache-Control"] == "no-cache"  # no proxy may keep it
    assert "X-Ratsgraph-Computed-At" in stale.headers
    fresh = client.get("/views/pairs.json", headers={"Cache-Control": "no-cache"})
    assert fresh.get_json()["stale"] is False
    assert fresh.get_json()["rows"] != first.get_json()["rows"]
    assert "no-cache" not in fresh.headers["Cache-Control"]


def test_a_starting_server_computes_each_views_default_and_example_answer(
    tmp_path: Path,
) -> None:
    from service.web import views  # noqa: PLC0415

    store = EmbeddedStore(tmp_path / "store")
    load_paths(store, [BA, BK], jobs=1)
    app = create_app({"TESTING": True}, store=store)
    cache = app.extensions["ratsgraph-cache"]
    warming = views.warm(app)
    assert warming is not None
    warming.join(60)
    misses = cache.misses
    client = app.test_client()
    for url in ("/views/open-points.json?actor=Oberbürgermeister", "/views/framework.json"):
        assert client.get(url).status_code == 200
    assert cache.misses == misses  # both were ready when first asked for
    off = create_app({"TESTING": True, "VIEW_WARM": False}, store=store)
    assert views.warm(off) is None


def test_a_write_stops_the_warm_up_so_the_refresh_of_what_was_asked_does_not_wait_behind_it(
    tmp_path: Path,
) -> None:
    """At 100,000 resolutions each warm-up answer takes seconds of the one background slot; a
    write makes them an earlier state's anyway, and the pages visitors asked for stayed stale
    for minutes behind them. After a write the warm-up computes nothing more."""
    from service.web import views  # noqa: PLC0415

    store = EmbeddedStore(tmp_path / "store")
    load_paths(store, [BA], jobs=1)
    app = create_app({"TESTING": True}, store=store)
    cache = app.extensions["ratsgraph-cache"]
    with cache.background_held():  # the warm-up's first answer waits for its turn
        warming = views.warm(app)  # binding the examples looks up actors: counted before
        assert warming is not None
        before = cache.misses
        time.sleep(0.2)
        load_paths(store, [BK], jobs=1)  # a write while it waits
    warming.join(60)
    assert not warming.is_alive()
    assert cache.misses - before <= 1  # the one already waiting for its turn, nothing after it


def test_writes_in_quick_succession_do_not_pile_up_computations_of_a_slow_view(
    store: EmbeddedStore,
) -> None:
    cache = ViewCache(8)
    first, _ = cache.answer(store, SLOW, stale_after_s=0.01)
    with (
        cache.background_held()
    ):  # the computation after the first write is still due at the second
        load_paths(store, [BK], jobs=1)  # a write: the answer is computed again, in the background
        assert cache.answer(store, SLOW, stale_after_s=0.01)[1] is not None
        assert store.drop_graph(  # another write before that computation is done
            "https://w3id.org/ratsgraph/id/dresden/document/V2620-23_Beschlusskontrolle_Hausmitteilung"
        )
        earlier, stale_since = cache.answer(store, SLOW, stale_after_s=0.01)
        assert stale_since is not None
        computing = [t for t in threading.enumerate() if t.name == "view-compute"]
        assert len(computing) == 1  # the second write started no second computation
    cache.wait_idle(SLOW)
    assert cache.misses == 2
    fresh, stale_since = cache.answer(store, SLOW, stale_after_s=None)
    assert stale_since is None and cache.misses == 3
    assert count(fresh) == count(first)  # the second write undid the first


def test_a_full_cache_keeps_a_slow_summary_before_a_long_list_that_is_quick_to_compute(
    store: EmbeddedStore,
) -> None:
    cache = ViewCache(8, max_rows=800)
    lists = [
        f"SELECT * WHERE {{ ?s ?p ?o }} ORDER BY ?s ?p ?o LIMIT 500 OFFSET {o}" for o in (0, 500)
    ]
    cache.select(store, SLOW)  # one row, ~0.2 s
    for query in lists:  # 500 rows each, milliseconds: the second does not fit beside the first
        assert len(cache.select(store, query).rows) == 500
    misses = cache.misses
    cache.select(store, SLOW)
    assert cache.misses == misses  # still there: one of the lists made room (LRU dropped it)
