"""Injection: hostile values at every parameter of every view give a 4xx or correct rows, never a 500.

Parameters are validated for their type and bound as RDF terms in a VALUES block, never spliced into
the query text. Each view projects its parameters, so "correct rows" is checkable for any value:
every row carries exactly the value that was asked for (an injected UNION or a broken-out string
would bring rows with other values or none bound). Hypothesis drives a real `ratsgraph serve`.
"""

from __future__ import annotations

from datetime import date

import pyoxigraph as ox
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.errors import UserError
from service.queries import QUERIES_DIR, NamedQuery, load_queries, parse_date

VIEWS = load_queries(QUERIES_DIR)
PARAMS = [(v.name, p.name, p.type) for v in VIEWS.values() for p in v.params]
ID = "https://w3id.org/ratsgraph/id/dresden/"

HOSTILE = [
    '"',
    "'",
    '"}',
    "} UNION { ?s ?p ?o }",
    '" } UNION { GRAPH ?g { ?s ?p ?o } } #',
    "''') } UNION { ?a ?b ?c } #",
    "<http://example.org/x> } UNION { ?s ?p ?o",
    f"{ID}office/oberbuergermeister> }} UNION {{ ?s ?p ?o }} #",
    f"{ID}office/oberbuergermeister",
    "http://example.org/a b",
    "urn:x:{}",
    "?actor",
    "$actor",
    "VALUES ?actor { <x> }",
    "\n",
    "\r\n} #",
    "\\",
    '\\"',
    "\\u0022",
    "%22%7D",
    "\x00",
    "\u202eOberbürgermeister",
    "Oberbürgermeister\n} UNION {",
    "Oberbürgermeister",
    "Jugendamt",
    "jugendamt",
    "V1106/21",
    'V1106/21" || true || "',
    "2024-01-01",
    "2024-02-30",
    "2024-01-01T00:00:00",
    "-1",
    "😀" * 50,
    "a" * 1999,
    "x" * 2001,
    "{" * 5000,
    "ü" * 20_000,
]
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    TEXT,
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)).map(date.isoformat),
    st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE), TEXT),
)


def check_rows(view: str, param: str, kind: str, raw: str, data: dict, columns: list) -> None:
    """Every row of a 200 answer carries the asked value in the parameter's column."""
    assert (data["view"], data["columns"]) == (view, columns)
    assert param in data["columns"]
    got = {row[param] for row in data["rows"]}
    if raw == "":  # an empty value is no value: the view's default (all, or today)
        return
    if kind == "date":
        assert got <= {date.fromisoformat(raw).isoformat()}
    elif kind == "string":
        assert got <= {raw}
    elif ":" in raw:  # an IRI given as such
        assert got <= {raw}
    else:  # a label or slug, resolved to exactly one actor or part of this council
        assert len(got) <= 1 and all(str(v).startswith(ID) for v in got)


@pytest.fixture(scope="module")
def session() -> requests.Session:
    return requests.Session()


@pytest.fixture(scope="module")
def columns(live_server: str) -> dict[str, list[str]]:
    """Each view's columns, as it answers without parameters."""
    return {
        name: requests.get(f"{live_server}/views/{name}.json", timeout=30).json()["columns"]
        for name in VIEWS
    }


@pytest.mark.parametrize(("view", "param", "kind"), PARAMS, ids=[f"{v}-{p}" for v, p, _ in PARAMS])
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=VALUES)
def test_a_hostile_value_gets_a_4xx_or_exactly_the_rows_asked_for(
    live_server: str,
    session: requests.Session,
    columns: dict,
    view: str,
    param: str,
    kind: str,
    raw: str,
) -> None:
    r = session.get(f"{live_server}/views/{view}.json", params={param: raw}, timeout=30)
    assert r.status_code < 500, r.text[:500]
    if r.status_code == 200:
        check_rows(view, param, kind, raw, r.json(), columns[view])
    elif r.status_code != 414:  # 414: the HTTP server refused the URL before the app saw it
        assert 400 <= r.status_code < 500
        body = r.json()
        assert (body["ok"], body["status"]) == (False, r.status_code) and body["error"]


@pytest.mark.parametrize("view", sorted(VIEWS))
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=50))
def test_an_unknown_parameter_is_a_400_naming_the_expected_ones(
    live_server: str, view: str, name: str
) -> None:
    if name in VIEWS[view].param_names or name in ("format", "timeout"):
        return
    r = requests.get(f"{live_server}/views/{view}.json", params={name: "x"}, timeout=30)
    assert r.status_code == 400, r.text[:300]
    assert "unknown parameter" in r.json()["error"]


def test_an_injected_union_returns_no_rows_of_other_actors(live_server: str) -> None:
    injected = f"{ID}office/oberbuergermeister> }} UNION {{ ?d ?x ?actor }} #"
    r = requests.get(
        f"{live_server}/views/open-points.json", params={"actor": injected}, timeout=30
    )
    assert (r.status_code, r.json()["ok"]) == (400, False)
    assert "must be an absolute IRI" in r.json()["error"]


@pytest.mark.parametrize(
    ("view", "param", "value", "expected"),
    [
        ("open-points", "actor", "Jugendamt", f"{ID}unit/jugendamt"),
        ("resolution", "vorlage", "V1106/21", "V1106/21"),
        ("overdue", "as_of", "2030-01-01", "2030-01-01"),
    ],
)
def test_real_values_get_rows_carrying_them(
    live_server: str, view: str, param: str, value: str, expected: str
) -> None:
    """The oracle above is not vacuous: real values do bring rows, each with the value asked."""
    rows = requests.get(f"{live_server}/views/{view}.json", params={param: value}, timeout=30)
    values = {row[param] for row in rows.json()["rows"]}
    assert (values, len(rows.json()["rows"]) > 0) == ({expected}, True)


CONSTANTS = [
    (q, p.name)
    for q in load_queries(QUERIES_DIR / "derived").values()
    for p in q.params
    if p.constant
]


@pytest.mark.parametrize(("query", "param"), CONSTANTS, ids=[f"{q.name}-{p}" for q, p in CONSTANTS])
@pytest.mark.parametrize("raw", HOSTILE)
def test_a_constant_parameter_is_written_in_as_its_checked_term_or_refused(
    query: NamedQuery, param: str, raw: str
) -> None:
    """A `(constant)` parameter (the dates bounding a page read by its keys) is written into the
    text in place of its variable, so Oxigraph can test it while reading an index: only ever as
    the term pyoxigraph renders for a valid value; anything else is refused."""
    values = {p.name: "2024-01-01" for p in query.params if p.constant} | {param: raw}
    try:
        text = query.bind(values)
    except UserError:
        return
    assert f"?{param}" not in text and f"${param}" not in text
    day = parse_date(raw).isoformat()  # it was a date: nothing else gets through
    assert f'"{day}"^^<http://www.w3.org/2001/XMLSchema#date>' in text
    list(ox.Store().query(text))  # the text parses and runs


def test_a_constant_parameter_must_be_given() -> None:
    query = load_queries(QUERIES_DIR / "derived")["open-points-page-keys"]
    with pytest.raises(UserError, match="'low'"):
        query.bind({"high": "2024-01-01"})
