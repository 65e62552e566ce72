"""Integrity rules in queries/checks: zero rows on good data, the right rule fires on bad data."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from service.store.derived import DERIVED_GRAPH, rebuild_update

ROOT = Path(__file__).resolve().parent.parent
CHECKS_DIR = ROOT / "queries" / "checks"
GOOD = ROOT / "tests" / "data" / "good-documents.trig"
CHECKS = sorted(CHECKS_DIR.glob("*-violation.rq"))

PREFIXES = """
PREFIX rb:  <https://w3id.org/ratsgraph/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX x:   <https://w3id.org/ratsgraph/id/testcity/>
"""
RES = "<https://w3id.org/ratsgraph/id/testcity/resolution/V0001-22/JHA-001-2022>"
POINT_2 = "<https://w3id.org/ratsgraph/id/testcity/resolution/V0001-22/JHA-001-2022/point/2>"
DELEGATION = POINT_2[:-1] + "/delegation/1>"
ASSERTION = POINT_2[:-1] + "/status/bk>"

# rule -> (SPARQL Update breaking the good data, IRI the rule must report)
BREAKAGES = {
    "point-without-resolution": (
        f"DELETE WHERE {{ GRAPH ?g {{ {POINT_2} eli:is_part_of ?r }} }}",
        POINT_2,
    ),
    "status-without-point": (
        f"DELETE WHERE {{ GRAPH ?g {{ {ASSERTION} rb:statusOf ?p }} }}",
        ASSERTION,
    ),
    "delegation-without-point": (
        f"DELETE WHERE {{ GRAPH ?g {{ ?p rb:delegation {DELEGATION} }} }}",
        DELEGATION,
    ),
    "resolution-without-submission": (
        f"DELETE WHERE {{ GRAPH ?g {{ {RES} rb:decidesOn ?s }} }}",
        RES,
    ),
    "status-assertion-of-unknown-status": (
        f"DELETE {{ GRAPH ?g {{ {ASSERTION} rb:status ?s }} }}"
        f" INSERT {{ GRAPH ?g {{ {ASSERTION} rb:status rb:Erledigt }} }}"
        f" WHERE {{ GRAPH ?g {{ {ASSERTION} rb:status ?s }} }}",
        ASSERTION,
    ),
    "deadline-before-1990": (
        f"DELETE {{ GRAPH ?g {{ {DELEGATION} rb:deadline ?d }} }}"
        f' INSERT {{ GRAPH ?g {{ {DELEGATION} rb:deadline "0023-06-30"^^xsd:date }} }}'
        f" WHERE {{ GRAPH ?g {{ {DELEGATION} rb:deadline ?d }} }}",
        DELEGATION,
    ),
    "deadline-before-resolution": (
        f"DELETE {{ GRAPH ?g {{ {POINT_2} rb:deadline ?d }} }}"
        f' INSERT {{ GRAPH ?g {{ {POINT_2} rb:deadline "2021-06-30"^^xsd:date }} }}'
        f" WHERE {{ GRAPH ?g {{ {POINT_2} rb:deadline ?d }} }}",
        POINT_2,
    ),
    "date-implausible": (
        f' INSERT DATA {{ GRAPH x:document\\/bk {{ {ASSERTION} rb:asOf "2204-07-04"^^xsd:date }} }}',
        ASSERTION,
    ),
    "status-conflict-same-date": (
        f"INSERT DATA {{ GRAPH x:document\\/bk2 {{ {ASSERTION[:-1]}2> a rb:StatusAssertion ;"
        f' rb:statusOf {POINT_2} ; rb:status rb:StatusOngoing ; rb:asOf "2024-07-04"^^xsd:date }} }}',
        POINT_2,
    ),
    "point-conflicting-number": (
        f'INSERT DATA {{ GRAPH x:document\\/bk {{ {POINT_2} eli:number "3" }} }}',
        POINT_2,
    ),
    "derived-facts-differ": (
        f"DELETE {{ GRAPH <{DERIVED_GRAPH}> {{ {POINT_2} <https://w3id.org/ratsgraph/derived#status> ?s }} }}"
        f' INSERT {{ GRAPH <{DERIVED_GRAPH}> {{ {POINT_2} <https://w3id.org/ratsgraph/derived#status> "umgesetzt" }} }}'
        f" WHERE {{ GRAPH <{DERIVED_GRAPH}> {{ {POINT_2} <https://w3id.org/ratsgraph/derived#status> ?s }} }}",
        POINT_2,
    ),
    "derived-index-differs": (  # the task of point 2 copied into its index graph as implemented
        "DELETE { GRAPH ?g { ?t <https://w3id.org/ratsgraph/derived#taskStatus> ?s } }"
        ' INSERT { GRAPH ?g { ?t <https://w3id.org/ratsgraph/derived#taskStatus> "umgesetzt" } }'
        " WHERE { GRAPH ?g { ?t <https://w3id.org/ratsgraph/derived#taskStatus> ?s }"
        f' FILTER (STRSTARTS(STR(?g), "{DERIVED_GRAPH}/tasks?")) }}',
        "<https://w3id.org/ratsgraph/derived/task?point="
        + quote(POINT_2[1:-1], safe="")
        + "&actor="
        + quote("https://w3id.org/ratsgraph/id/testcity/office/oberbuergermeister", safe="")
        + ">",
    ),
    "withdrawn-object-still-described": (
        "INSERT DATA { GRAPH x:oparl\\/paper\\/9 { <https://ris.example/paper/9> a rb:Withdrawn }"
        f" GRAPH x:document\\/bk {{ {RES} dct:source <https://ris.example/paper/9> }} }}",
        RES,
    ),
    "witnesses-disagree": (  # the Beschlusskontrolle reads another deadline for point 2
        f'INSERT DATA {{ GRAPH x:document\\/bk {{ {POINT_2} rb:deadline "2023-09-30"^^xsd:date }} }}',
        POINT_2,
    ),
    "evidence-span-mismatch": (
        'DELETE { GRAPH ?g { ?e rb:quote ?q } } INSERT { GRAPH ?g { ?e rb:quote "kurz" } }'
        " WHERE { GRAPH ?g { ?e rb:quote ?q ; rb:start 5 } }",
        "<https://w3id.org/ratsgraph/id/testcity/document/bk#char=5,57>",
    ),
}

# A deadline in the year 23 is also before the resolution: both rules rightly fire.
# Breakages are written behind ratsgraph's back: where they change a point's derived facts, the
# derived graph (not recomputed) rightly differs too.
# The derived tasks follow their points' status and delegations: where those change, they differ too.
ALSO_FIRES = {
    "deadline-before-1990": {"deadline-before-resolution", "derived-index-differs"},
    "point-without-resolution": {"derived-facts-differ", "derived-index-differs"},
    "delegation-without-point": {"derived-index-differs"},
    "derived-facts-differ": {"derived-index-differs"},
    "resolution-without-submission": {"derived-index-differs"},  # open-points lists it no more
}


def good_store(ontology: bool = False) -> ox.Store:
    """The good documents (and the ontology), with the derived facts ratsgraph keeps (computed over
    their merge)."""
    store = ox.Store()
    store.load(path=str(GOOD), format=ox.RdfFormat.TRIG)
    if ontology:
        store.load(
            path=str(ROOT / "ontology" / "ratsgraph.ttl"),
            format=ox.RdfFormat.TURTLE,
            to_graph=ox.NamedNode("https://w3id.org/ratsgraph/ontology"),
        )
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    store.update(rebuild_update())
    store.update("CLEAR DEFAULT")  # the checks here read the union of the named graphs
    return store


def run(store: ox.Store, rule: str) -> list[str]:
    """The rows of one check over the union of all named graphs, each row as N-Triples terms."""
    query = (CHECKS_DIR / f"{rule}-violation.rq").read_text(encoding="utf-8")
    solutions = store.query(query, use_default_graph_as_union=True)
    return [" ".join(str(value) for value in row if value is not None) for row in solutions]


def fired(store: ox.Store) -> set[str]:
    return {path.stem.removesuffix("-violation") for path in CHECKS if run(store, path.stem[:-10])}


def test_required_rules_exist() -> None:
    names = {path.stem.removesuffix("-violation") for path in CHECKS}
    assert set(BREAKAGES) <= names
    assert names <= set(BREAKAGES), "every rule needs a breaking case in BREAKAGES"


@pytest.mark.parametrize("path", CHECKS, ids=lambda p: p.stem)
def test_check_file_is_self_contained_with_title_and_description(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# title: ")
    assert "\n# description: " in text
    assert "PREFIX rb:" in text
    ox.Store().query(text)  # parses on its own, no prefixes supplied from outside


def test_no_check_fires_on_good_data() -> None:
    assert fired(good_store()) == set()


def test_no_check_fires_with_the_ontology_loaded_too() -> None:
    assert fired(good_store(ontology=True)) == set()


@pytest.mark.parametrize("rule", sorted(BREAKAGES))
def test_breaking_the_data_fires_exactly_that_rule(rule: str) -> None:
    update, reported = BREAKAGES[rule]
    store = good_store()
    store.update(PREFIXES + update)
    assert fired(store) == {rule} | ALSO_FIRES.get(rule, set())
    rows = run(store, rule)
    assert any(reported in row for row in rows), rows
