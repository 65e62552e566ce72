"""A hostile reader cannot turn the public endpoint against its host (issue 14): every arbitrary
query runs under its time and memory limits however often it was fast, over a real server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from .conftest import start_server, stop_server
from .test_limits import descendants

XSD_DATETIME = "<http://www.w3.org/2001/XMLSchema#dateTime>"
# every pair of triples, sorted: the sort keeps all nine million rows in memory
MEMORY_HUNGRY = "SELECT ?a ?c ?f WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"


def time_bomb(at: datetime) -> str:
    """Nothing to count while NOW() is before ``at``; after it, the store's triples cubed (hours)."""
    now_past = f'FILTER(NOW() > "{at.isoformat()}"^^{XSD_DATETIME})'
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c {now_past} ?d ?e ?f . ?g ?h ?i }}"


@pytest.fixture(params=["1024"])
def hostile_server(
    synthetic_store_dir: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[str, int]]:
    """A real server over 3,000 triples: 3 s time limit, the parameter's MB per query, no warm-up."""
    env = {
        "RATSGRAPH_QUERY_TIMEOUT_S": "3",
        "RATSGRAPH_QUERY_MEMORY_MB": request.param,
        "RATSGRAPH_VIEW_WARM": "false",
    }
    url, proc = start_server(synthetic_store_dir, env)
    try:
        yield url, proc.pid
    finally:
        stop_server(proc)


def test_a_query_fast_the_first_time_is_stopped_at_its_limit_when_it_runs_long_later(
    hostile_server: tuple[str, int],
) -> None:
    url, pid = hostile_server
    serving = descendants(pid)
    bomb = time_bomb(datetime.now(UTC) + timedelta(seconds=2))
    first = requests.get(url + "/sparql", params={"query": bomb}, timeout=30)
    count = first.json()["results"]["bindings"][0]["n"]["value"]
    assert (first.status_code, count) == (200, "0")
    time.sleep(2.5)  # NOW() is past the moment: the same query text is now a cross product
    second = requests.get(url + "/sparql", params={"query": bomb}, timeout=30)
    assert second.status_code == 503
    assert "stopped after the time limit of 3 s" in second.text
    assert descendants(pid) == serving  # its process is gone, not left running


@pytest.mark.parametrize("hostile_server", ["64"], indirect=True)
def test_a_query_past_its_memory_limit_is_stopped_with_a_message_and_the_server_answers_on(
    hostile_server: tuple[str, int],
) -> None:
    url, pid = hostile_server
    hungry = requests.get(url + "/sparql", params={"query": MEMORY_HUNGRY}, timeout=30)
    assert hungry.status_code == 503
    assert "needed more than the memory limit of 64 MB" in hungry.text
    after = requests.get(url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    health = requests.get(url + "/healthz", timeout=30)
    assert (after.status_code, after.json()["boolean"], health.status_code) == (200, True, 200)
