"""The API contract: schemathesis drives a real server from its OpenAPI description.

Every operation of `/api/openapi.json` (documents, dataset, backup, health, each view) gets generated
requests, with the write token so the write paths are exercised too, against a throwaway copy of
the sample store; each answer must be documented (status, content type, schema) and none a 5xx.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings

from service.queries import QUERIES_DIR, load_queries
from service.web.openapi import spec

from .conftest import start_server, stop_server

TOKEN = "openapi-test-token"
MAX_REQUEST_LINE = 4094 - 100  # gunicorn's default limit, less some slack for the host part
# PUT takes text/plain or application/pdf; schemathesis generates no PDFs, text/plain covers the route
pytestmark = pytest.mark.filterwarnings("ignore:Skipped test cases with unsupported payload")


@pytest.fixture(scope="module")
def api_server(sample_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("openapi")
    shutil.copytree(sample_store_dir, root / "store")
    url, proc = start_server(
        root / "store",
        {"RATSGRAPH_WRITE_TOKEN": TOKEN, "RATSGRAPH_BACKUP_DIR": str(root / "backups")},
    )
    try:
        yield url
    finally:
        stop_server(proc)


# The description the server serves (checked equal below), loaded here so pytest can parametrize.
schema = schemathesis.openapi.from_dict(spec(QUERIES_DIR))


@schemathesis.check
def no_server_error_but_a_stopped_query(ctx, response, case) -> None:  # noqa: ANN001
    """Like schemathesis' own check, except that 503 is documented: a query stopped at its limit."""
    if response.status_code >= 500 and response.status_code != 503:
        raise AssertionError(f"{response.status_code}: {response.text[:500]}")


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_its_description_says(case, api_server: str) -> None:  # noqa: ANN001
    headers = {"Authorization": f"Bearer {TOKEN}"}
    response = case.call(base_url=api_server, headers=headers)
    request_line = len(response.request.method) + len(response.request.url) + 10
    if response.status_code == 414 and request_line > MAX_REQUEST_LINE:
        return  # refused by the HTTP server before the app, as the description says
    case.validate_response(
        response,
        headers=headers,
        # Schema-valid is not enough to be accepted here: an upload must be a council document and
        # an actor must exist, so "positive data acceptance" does not apply; 503 is documented.
        excluded_checks=[
            schemathesis.checks.not_a_server_error,
            schemathesis.checks.positive_data_acceptance,
        ],
        additional_checks=[no_server_error_but_a_stopped_query],
    )


def test_the_server_serves_this_description_with_every_view(api_server: str) -> None:
    served = requests.get(f"{api_server}/api/openapi.json", timeout=10).json()
    assert served == spec(QUERIES_DIR)
    views = {
        p.removeprefix("/views/").removesuffix(".json") for p in served["paths"] if "/views/" in p
    }
    assert views == set(load_queries(QUERIES_DIR))
