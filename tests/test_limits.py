"""Query limits: a query past its time limit is really stopped (503), others still answer; row cap."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
import requests

from service.store import EmbeddedStore
from service.web import create_app

from .conftest import start_server, stop_server

HOURS_LONG = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TOKEN = "limits-test-token"


def children_of(pid: int) -> list[int]:
    """Child processes of ``pid`` (Linux lists them per thread; queries fork from request threads)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass  # the thread ended meanwhile
    return found


def new_children_left(before: set[int], within_s: float = 5.0) -> set[int]:
    """Children of this process not in ``before`` that are still there after ``within_s``: a child
    that sent its whole answer is waited for by a thread (its exit takes milliseconds), one
    stopped at its limit by the request; neither may stay."""
    deadline = time.monotonic() + within_s
    while (left := set(children_of(os.getpid())) - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def counted_forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the children this test's thread forks from now on (background threads of
    earlier tests' apps may fork beside it)."""
    forks: list[int] = []
    real_fork, here = os.fork, threading.current_thread()

    def counting_fork() -> int:
        pid = real_fork()
        if pid and threading.current_thread() is here:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counting_fork)
    return forks


def reads_away(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The answers of the reads this test's thread sends out of the thread from now on, to a
    child of their own or to a warm worker (background threads of earlier tests' apps read too)."""
    import service.store.limits as limits  # noqa: PLC0415
    from service.store.workers import WorkerPool  # noqa: PLC0415

    answered: list[object] = []
    here = threading.current_thread()

    def counted(real):  # noqa: ANN001, ANN202
        def counting(*args: object, **kwargs: object) -> object:
            result = real(*args, **kwargs)
            if threading.current_thread() is here:
                answered.append(result)
            return result

        return counting

    monkeypatch.setattr(limits, "run_stoppable", counted(limits.run_stoppable))
    monkeypatch.setattr(WorkerPool, "run", counted(WorkerPool.run))
    return answered


def descendants(pid: int) -> set[int]:
    found = set(children_of(pid))
    for child in list(found):
        found |= descendants(child)
    return found


@pytest.fixture()
def limited_app(synthetic_store_dir: Path, tmp_path: Path):  # noqa: ANN201
    views = tmp_path / "views"
    views.mkdir()
    (views / "everything.rq").write_text(
        "# title: Everything\n# param: o string  an object\n"
        "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s\n",
        encoding="utf-8",
    )
    store = EmbeddedStore(synthetic_store_dir, read_only=True)
    return create_app(
        {
            "TESTING": True,
            "QUERY_TIMEOUT_S": 3.0,
            "MAX_ROWS": 5,
            "WRITE_TOKEN": TOKEN,
            "QUERIES_DIR": str(views),
            "MAX_QUERY_LENGTH": 500,
            "MAX_UPLOAD_BYTES": 10_000,
        },
        store=store,
    )


def test_a_query_for_hours_is_stopped_at_the_limit_while_another_client_still_answers(
    synthetic_store_dir: Path, tmp_path: Path
) -> None:
    # no warm-up of the views at start: this test counts the server's query processes
    env = {"RATSGRAPH_QUERY_TIMEOUT_S": "3", "RATSGRAPH_VIEW_WARM": "false"}
    url, proc = start_server(synthetic_store_dir, env)
    try:
        outcome: dict[str, object] = {}

        def expensive() -> None:
            started = time.monotonic()
            r = requests.get(url + "/sparql", params={"query": HOURS_LONG}, timeout=60)
            outcome.update(status=r.status_code, text=r.text, seconds=time.monotonic() - started)

        serving = descendants(proc.pid)  # gunicorn's worker(s)
        thread = threading.Thread(target=expensive)
        thread.start()
        time.sleep(1.0)
        assert len(descendants(proc.pid) - serving) == 1  # the query runs, in its own process
        started = time.monotonic()
        cheap = requests.get(url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=5)
        health = requests.get(url + "/healthz", timeout=5)
        cheap_seconds = time.monotonic() - started
        thread.join(timeout=30)
        assert (cheap.status_code, cheap.json()["boolean"], health.status_code) == (200, True, 200)
        assert cheap_seconds < 1.0
        assert outcome["status"] == 503
        assert "stopped after the time limit of 3 s" in str(outcome["text"])
        assert 3.0 <= float(outcome["seconds"]) < 8.0  # type: ignore[arg-type]
        assert descendants(proc.pid) == serving  # the work is gone, not left running somewhere
    finally:
        stop_server(proc)


def test_a_client_may_lower_the_time_limit(limited_app) -> None:  # noqa: ANN001
    started = time.monotonic()
    r = limited_app.test_client().get(
        "/sparql", query_string={"query": HOURS_LONG, "timeout": "0.5"}
    )
    assert (r.status_code, time.monotonic() - started < 3.0) == (503, True)
    assert "time limit of 0.5 s" in r.get_data(as_text=True)


def test_only_a_token_holder_may_raise_the_time_limit(limited_app) -> None:  # noqa: ANN001
    client = limited_app.test_client()
    query = {"query": "ASK { }", "timeout": "60"}
    anonymous = client.get("/sparql", query_string=query)
    wrong = client.get("/sparql", query_string=query, headers={"Authorization": "Bearer nope"})
    holder = client.get("/sparql", query_string=query, headers={"Authorization": f"Bearer {TOKEN}"})
    assert [anonymous.status_code, wrong.status_code, holder.status_code] == [403, 403, 200]
    assert "raising it needs the write token" in anonymous.get_data(as_text=True)


@pytest.mark.parametrize("bad", ["", "soon", "-1", "0", "0.05", "nan", "inf", "1e999"])
def test_a_time_limit_that_is_no_number_from_a_tenth_of_a_second_up_is_a_400(
    limited_app, bad: str
) -> None:  # noqa: ANN001
    r = limited_app.test_client().get("/sparql", query_string={"query": "ASK {}", "timeout": bad})
    assert r.status_code == 400


@pytest.mark.parametrize(
    ("accept", "count"),
    [
        ("application/sparql-results+json", lambda body: body.count('"s":')),
        ("application/sparql-results+xml", lambda body: body.count("<result>")),
        ("text/csv", lambda body: len(body.strip().splitlines()) - 1),
        ("text/tab-separated-values", lambda body: len(body.strip().splitlines()) - 1),
    ],
)
def test_sparql_results_beyond_the_row_cap_are_cut_and_flagged(limited_app, accept, count) -> None:  # noqa: ANN001
    r = limited_app.test_client().get(
        "/sparql",
        query_string={"query": "SELECT ?s ?o WHERE { ?s ?p ?o }"},
        headers={"Accept": accept},
    )
    assert (r.status_code, r.headers.get("X-Ratsgraph-Truncated")) == (200, "true")
    assert count(r.get_data(as_text=True)) == 5


def test_a_result_within_the_row_cap_is_not_flagged(limited_app) -> None:  # noqa: ANN001
    r = limited_app.test_client().get(
        "/sparql", query_string={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 5"}
    )
    assert (r.status_code, r.headers.get("X-Ratsgraph-Truncated")) == (200, None)
    assert len(r.get_json()["results"]["bindings"]) == 5


def test_a_view_beyond_the_row_cap_says_it_was_truncated(limited_app) -> None:  # noqa: ANN001
    r = limited_app.test_client().get("/views/everything.json")
    data = r.get_json()
    assert (len(data["rows"]), data["truncated"], r.headers["X-Ratsgraph-Truncated"]) == (
        5,
        True,
        "true",
    )
    assert data["rows"][0] == {"s": "http://example.org/s0", "o": "value 0"}


def test_a_query_longer_than_the_limit_is_refused_with_413(limited_app) -> None:  # noqa: ANN001
    long_query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 600
    client = limited_app.test_client()
    by_get = client.get("/sparql", query_string={"query": long_query})
    by_post = client.post(
        "/sparql", data=long_query, headers={"Content-Type": "application/sparql-query"}
    )
    assert [by_get.status_code, by_post.status_code] == [413, 413]
    assert "at most 500 allowed" in by_get.get_data(as_text=True)


def test_a_body_larger_than_the_upload_limit_is_refused_with_413(limited_app) -> None:  # noqa: ANN001
    r = limited_app.test_client().post(
        "/api/documents",
        data={"file": (__import__("io").BytesIO(b"x" * 20_000), "big.txt")},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert r.status_code == 413


@pytest.mark.parametrize(
    ("path", "ctype"),
    [
        ("/sparql", "application/sparql-query"),
        ("/sparql", "application/x-www-form-urlencoded"),
        ("/api/documents", "application/x-www-form-urlencoded"),
        ("/views/everything.json", "application/x-www-form-urlencoded"),
    ],
)
def test_a_body_over_the_limit_is_a_413_on_every_route(limited_app, path: str, ctype: str) -> None:  # noqa: ANN001
    # with the token: an anonymous write is a 401 before its size counts (test_hostile_reads)
    headers = {"Content-Type": ctype, "Authorization": f"Bearer {TOKEN}"}
    r = limited_app.test_client().post(path, data="query=" + "x" * 20_000, headers=headers)
    assert r.status_code == 413


def test_no_query_process_outlives_its_request(limited_app) -> None:  # noqa: ANN001
    client = limited_app.test_client()
    before = set(children_of(os.getpid()))  # e.g. live servers of other tests
    client.get("/sparql", query_string={"query": HOURS_LONG, "timeout": "0.3"})
    client.get("/sparql", query_string={"query": "ASK {}"})
    assert new_children_left(before) == set()


def test_a_view_that_proved_fast_runs_in_the_request_thread_until_the_data_changes_sparql_never(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from loader import SAMPLES_DIR  # noqa: PLC0415
    from service.ingest.loading import load_paths  # noqa: PLC0415

    store = EmbeddedStore(tmp_path / "store")
    load_paths(store, [SAMPLES_DIR], jobs=1)
    app = create_app({"TESTING": True, "VIEW_CACHE_SIZE": 0, "VIEW_WARM": False}, store=store)
    client = app.test_client()
    away = reads_away(monkeypatch)
    answers = [client.get("/views/framework.json").json for _ in range(3)]
    assert len(away) == 1  # the first run proved it fast; the next two ran in the thread
    assert answers[0] == answers[1] == answers[2]
    load_paths(store, [SAMPLES_DIR], jobs=1)  # a write: the data may have changed
    before = len(away)
    client.get("/views/framework.json")
    assert len(away) == before + 1  # proven again out of the thread
    client.get("/views/framework.json")
    assert len(away) == before + 1  # and then in the thread again
    client.get("/views/actor-summary.json")
    assert len(away) == before + 2  # proof is per query text
    forks = counted_forks(monkeypatch)
    # arbitrary SPARQL is never proven: its cost may change (NOW(), RAND()), so always a child
    query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}
    sparql = [client.get("/sparql", query_string=query) for _ in range(3)]
    assert [r.status_code for r in sparql] == [200, 200, 200]
    assert len(forks) == 3


def test_a_remote_query_past_the_limit_is_a_503_without_a_child_process(tmp_path: Path) -> None:
    from loader import SAMPLES_DIR  # noqa: PLC0415
    from service.ingest.loading import load_paths  # noqa: PLC0415

    from .conftest import start_oxigraph, stop  # noqa: PLC0415

    server = start_oxigraph(tmp_path / "oxigraph")  # its own: the query keeps it busy until stopped
    try:
        load_paths(server.store(), [SAMPLES_DIR], jobs=1)
        app = create_app(
            {"TESTING": True, "STORE": server.query_url, "UPDATE_URL": server.update_url}
        )
        before = set(children_of(os.getpid()))
        started = time.monotonic()
        r = app.test_client().get("/sparql", query_string={"query": HOURS_LONG, "timeout": "1"})
        seconds = time.monotonic() - started
        assert r.status_code == 503
        assert "stopped after the time limit of 1 s" in r.text
        assert 1.0 <= seconds < 5.0
        assert new_children_left(before) == set()
    finally:
        stop(server.proc)
        server.log.close()


def test_a_child_that_neither_computes_nor_reads_is_stalled_and_one_that_reads_is_not() -> None:
    from service.store.stoppable import Stalled, run_stoppable  # noqa: PLC0415

    def waits() -> str:  # like a child blocked on a lock it inherited: no CPU, no reads
        time.sleep(3)
        return "never"

    def reads_slowly() -> str:  # like a query over a cold store: waiting on the disk
        with open("/dev/zero", "rb", buffering=0) as f:
            for _ in range(25):
                f.read(4096)
                time.sleep(0.1)
        return "done"

    started = time.monotonic()
    with pytest.raises(Stalled):
        run_stoppable(waits, 10, stall_s=0.5)
    assert time.monotonic() - started < 2.5
    assert run_stoppable(reads_slowly, 10, stall_s=0.5) == "done"


def test_a_page_read_in_steps_is_one_read_whose_first_step_the_next_page_reuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page of a view read from the derived index in three or four queries is one read of a
    worker (or child), not one per query; the steps' answers come back to the view cache (the next
    page asks the store two queries, in one read again); the pages are the whole answer cut."""
    from loader import SAMPLES_DIR  # noqa: PLC0415
    from service.ingest.loading import load_paths  # noqa: PLC0415
    from service.queries import QUERIES_DIR, load_queries  # noqa: PLC0415

    store = EmbeddedStore(tmp_path / "store")
    load_paths(store, [SAMPLES_DIR], jobs=1)
    app = create_app({"TESTING": True, "VIEW_WARM": False, "PROVEN_FAST_S": 0}, store=store)
    client = app.test_client()
    answered = reads_away(monkeypatch)
    first = client.get("/views/open-points.json", query_string={"_size": 2}).get_json()
    assert len(answered) == 1  # counts, keys and rows in one read; the format probe is a lookup
    counts = load_queries(QUERIES_DIR / "derived")["open-points-page-counts"].bind({})
    cache = app.extensions["ratsgraph-cache"]
    assert cache.peek(app.extensions["ratsgraph"], counts) is not None
    second = client.get(
        "/views/open-points.json", query_string={"_size": 2, "_offset": 2}
    ).get_json()
    assert len(answered) == 2
    whole = client.get("/views/open-points.json", query_string={"_size": 1000}).get_json()
    assert first["rows"] + second["rows"] == whole["rows"][:4]
    assert len(whole["rows"]) > 4


def test_a_read_in_steps_is_stopped_at_the_limit_like_one_query(synthetic_store_dir: Path) -> None:
    from service.store.stoppable import QueryStopped  # noqa: PLC0415

    store = EmbeddedStore(synthetic_store_dir, read_only=True)
    app = create_app({"TESTING": True, "QUERY_TIMEOUT_S": 0.5, "VIEW_WARM": False}, store=store)
    limited = app.extensions["ratsgraph"]
    before = set(children_of(os.getpid()))
    started = time.monotonic()
    with app.test_request_context(), pytest.raises(QueryStopped):
        limited.read_together(
            lambda select: [select("SELECT * {} LIMIT 1"), select(HOURS_LONG)], "x"
        )
    assert 0.5 <= time.monotonic() - started < 3.0
    assert new_children_left(before) == set()
