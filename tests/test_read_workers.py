"""Warm read workers (service/store/workers.py): the reads of views and pages share a forked worker
while the store is unchanged, answer as the request thread would, and are stopped at their limits
like any child; a write retires the worker, and a server forks one before its first visitor."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import requests

from service.store import EmbeddedStore
from service.store.stoppable import QueryOutOfMemory, QueryStopped
from service.web import create_app

from .conftest import start_server, stop_server
from .test_limits import HOURS_LONG, children_of, counted_forks, descendants, new_children_left

VIEWS = [
    "/views/framework.json",
    "/views/actor-summary.json",
    "/views/open-points.json?_size=2",
    "/views/resolution.json?_size=3",
    "/views/overdue.json?as_of=2024-01-01",
]


def hours_long(select):  # noqa: ANN001, ANN201 - a read in steps whose second step never ends
    return [select("SELECT * WHERE { ?s ?p ?o } LIMIT 1"), select(HOURS_LONG)]


def two_gigabytes(select):  # noqa: ANN001, ANN201 - a read that allocates past any small limit
    return len(bytearray(2 << 30))


def one_row(select):  # noqa: ANN001, ANN201
    first = "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) } ORDER BY ?s LIMIT 1"
    return [r["s"].value for r in select(first).rows]


def retried_reads(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """The errors of worker reads that `LimitedStore._run` tries again with a new worker from now
    on: a stalled worker (`Stalled`), or one that had left (`OSError`)."""
    from service.store.stoppable import Stalled  # noqa: PLC0415
    from service.store.workers import WorkerPool  # noqa: PLC0415

    errors: list[BaseException] = []
    real_run = WorkerPool.run

    def run(self: WorkerPool, *args: object, **kwargs: object) -> object:
        try:
            return real_run(self, *args, **kwargs)  # type: ignore[arg-type]
        except (OSError, Stalled) as error:
            errors.append(error)
            raise

    monkeypatch.setattr(WorkerPool, "run", run)
    return errors


def gone(pid: int, within_s: float = 5.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if pid not in children_of(os.getpid()):
            return True
        time.sleep(0.05)
    return False


@pytest.fixture()
def sample_store(tmp_path: Path) -> EmbeddedStore:
    from loader import SAMPLES_DIR  # noqa: PLC0415
    from service.ingest.loading import load_paths  # noqa: PLC0415

    store = EmbeddedStore(tmp_path / "store")
    load_paths(store, [SAMPLES_DIR], jobs=1)
    return store


def test_reads_of_views_share_one_worker_and_answer_as_the_request_thread_would(
    sample_store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = {"TESTING": True, "VIEW_WARM": False, "VIEW_CACHE_SIZE": 0}
    inline = create_app({**settings, "STOPPABLE_QUERIES": False}, store=sample_store)
    expected = [inline.test_client().get(url).get_json() for url in VIEWS]
    # PROVEN_FAST_S 0: no read is ever run in the thread, every one goes to the worker
    app = create_app({**settings, "PROVEN_FAST_S": 0}, store=sample_store)
    forks, retried = counted_forks(monkeypatch), retried_reads(monkeypatch)
    answers = [app.test_client().get(url).get_json() for url in VIEWS]
    assert answers == expected
    # nine reads (label lookups, page steps), one worker; another only where `LimitedStore._run`
    # tried a read again because its worker made no progress for a second (`Stalled`: CI met
    # it once, on a machine busy with disk writes beside the tests)
    assert len(forks) == 1 + len(retried)
    assert len(retried) < 3
    assert all(len(a["rows"]) > 0 for a in answers)


def test_a_write_retires_the_worker_and_the_next_read_sees_it(
    sample_store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app({"TESTING": True, "VIEW_WARM": False, "PROVEN_FAST_S": 0}, store=sample_store)
    limited = app.extensions["ratsgraph"]
    forks = counted_forks(monkeypatch)
    first = limited.read_together(one_row, "one row")
    assert limited.read_together(one_row, "one row") == first
    assert len(forks) == 1
    old = forks[0]
    limited.replace_graph_data(
        "http://example.org/graph/test",
        "<http://0.example.org/first> <http://example.org/p> <http://example.org/o> .\n",
    )
    assert gone(old)  # the worker of the earlier state has left
    after = limited.read_together(one_row, "one row")
    assert (after, first != after) == (["http://0.example.org/first"], True)
    assert forks[-1] != old


def test_a_read_of_ours_past_its_limit_is_stopped_and_its_worker_killed(
    synthetic_store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = EmbeddedStore(synthetic_store_dir, read_only=True)
    app = create_app({"TESTING": True, "QUERY_TIMEOUT_S": 0.5, "VIEW_WARM": False}, store=store)
    limited = app.extensions["ratsgraph"]
    before = set(children_of(os.getpid()))
    forks = counted_forks(monkeypatch)
    started = time.monotonic()
    with app.test_request_context(), pytest.raises(QueryStopped):
        limited.read_together(hours_long, "hours")
    assert 0.5 <= time.monotonic() - started < 3.0
    assert gone(forks[0])  # killed, not left computing
    with app.test_request_context():
        assert len(limited.read_together(one_row, "one row")) == 1  # a new worker answers
    assert len(forks) == 2
    limited.close()  # the idle worker leaves with the store
    assert new_children_left(before) == set()


def test_a_read_of_ours_past_the_memory_limit_is_a_503_and_the_next_read_answers(
    synthetic_store_dir: Path,
) -> None:
    store = EmbeddedStore(synthetic_store_dir, read_only=True)
    app = create_app({"TESTING": True, "QUERY_MEMORY_MB": 64, "VIEW_WARM": False}, store=store)
    limited = app.extensions["ratsgraph"]
    with app.test_request_context():
        with pytest.raises(QueryOutOfMemory) as stopped:
            limited.read_together(two_gigabytes, "two gigabytes")
        assert stopped.value.status == 503
        assert len(limited.read_together(one_row, "one row")) == 1


def test_a_server_forks_its_worker_before_the_first_visitor_and_keeps_it(
    synthetic_store_dir: Path,
) -> None:
    url, proc = start_server(synthetic_store_dir, {"RATSGRAPH_VIEW_WARM": "false"})
    try:
        serving = descendants(proc.pid)  # gunicorn's worker and the spare read worker it forked
        assert len(serving) == 2
        answers = [requests.get(url + "/views/framework.json", timeout=10) for _ in range(3)]
        answers.append(requests.get(url + "/views/actor-summary.json", timeout=10))
        assert [r.status_code for r in answers] == [200, 200, 200, 200]
        assert descendants(proc.pid) == serving  # every read in the spare: no fork, none left
    finally:
        stop_server(proc)
