"""What a resource page shows: its links grouped by property both ways, paged, with labels in one query.

High-degree properties are not dumped (LodView#32): a page counts every property's links first
(one GROUP BY query), fetches the values of the properties it shows, and offers the rest of a long
list as its own paged page (Pubby). Every IRI on the page gets its label from one batched query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import get_store
from .queries import get_query
from .store import Term
from .views import LOOKUP_DIR

LANGS = ("de", "en")
UI = {
    "de": {
        "properties": "Eigenschaften",
        "incoming": "Verweise hierher",
        "of": "von",
        "more": "alle {n} anzeigen",
        "page": "Seite {page} von {pages}",
        "back": "zurück zur Übersicht",
        "prev": "vorige Seite",
        "next": "nächste Seite",
        "sources": "Quellen",
        "formats": "Formate",
        "points": "Beschlusspunkte",
        "timeline": "Zeitleiste",
        "point": "Punkt",
        "delegations": "Aufträge",
        "status_history": "Stand laut Beschlusskontrollen",
        "no_status": "noch keine Beschlusskontrolle",
        "deadline": "Frist",
        "resolution": "Beschluss",
        "framework_part": "Teil des Planungsrahmens",
        "adopted_by": "Beschlossen durch",
        "other_reports": "Weitere Planungsberichte dieses Teils",
        "holders": "Amtsinhaber",
        "delegated_points": "Beauftragte Beschlusspunkte nach Stand",
        "reports_on": "Berichtet über",
        "planning_reports": "Planungsberichte",
        "reported_status": "Gemeldeter Stand je Punkt",
        "since": "seit",
        "until": "bis",
        "beschlossen": "Beschluss gefasst",
        "Frist": "Frist",
        "Beschlusskontrolle": "Beschlusskontrolle",
    },
    "en": {
        "properties": "Properties",
        "incoming": "Links to this resource",
        "of": "of",
        "more": "show all {n}",
        "page": "page {page} of {pages}",
        "back": "back to the overview",
        "prev": "previous page",
        "next": "next page",
        "sources": "Sources",
        "formats": "Formats",
        "points": "Resolution points",
        "timeline": "Timeline",
        "point": "Point",
        "delegations": "Tasks",
        "status_history": "Status according to the status reports",
        "no_status": "no status report yet",
        "deadline": "Deadline",
        "resolution": "Resolution",
        "framework_part": "Part of the planning framework",
        "adopted_by": "Adopted by",
        "other_reports": "Other planning reports of this part",
        "holders": "Office holders",
        "delegated_points": "Delegated points by status",
        "reports_on": "Reports on",
        "planning_reports": "Planning reports",
        "reported_status": "Reported status per point",
        "since": "since",
        "until": "until",
        "beschlossen": "Resolution passed",
        "Frist": "Deadline",
        "Beschlusskontrolle": "Status report",
    },
}


@dataclass
class LinkGroup:
    """The values of one property of a resource (``out``), or the resources pointing at it (``in``)."""

    property: str
    direction: str  # "out" | "in"
    total: int
    values: list[Term] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return self.total > len(self.values)


def label_lang(requested: str | None) -> str:
    """The page language: ``?lang=en`` for English, German otherwise."""
    return requested if requested in LANGS else "de"


def labels_for(iris: Iterable[str], lang: str = "de") -> dict[str, str]:
    """Labels of many IRIs from one query: the language asked for first, then German, English, any;
    within a language skos:prefLabel before rdfs:label, foaf:name, dct:title."""
    wanted = sorted(set(iris))
    if not wanted:
        return {}
    order = [lang, *[x for x in LANGS if x != lang], ""]
    query = get_query("labels", LOOKUP_DIR)
    result = get_store().select(query.bind_many("x", wanted))
    best: dict[str, tuple[int, int, str]] = {}
    for row in result.rows:
        x, label, kind = row.get("x"), row.get("label"), row.get("kind")
        if x is None or label is None:
            continue
        tag = label.lang or ""
        lang_rank = order.index(tag) if tag in order else len(order)
        rank = (lang_rank, int(kind.value) if kind else 9, label.value)
        if x.value not in best or rank < best[x.value]:
            best[x.value] = rank
    return {k: v[2] for k, v in best.items()}


def link_counts(iri: str) -> dict[tuple[str, str], int]:
    """``(direction, property) -> number of links``; empty when the IRI is not in the dataset."""
    rows = get_store().select(get_query("link-counts", LOOKUP_DIR).bind({"s": iri})).rows
    return {
        (r["direction"].value, r["p"].value): int(r["n"].value)
        for r in rows
        if r.get("direction") and r.get("p") and r.get("n")
    }


def property_values(iri: str, prop: str, direction: str, limit: int, offset: int = 0) -> list[Term]:
    """One page of the values of ``prop`` (out) or of the resources linking by it (in)."""
    query = get_query("links-out" if direction == "out" else "links-in", LOOKUP_DIR)
    text = paged(query.bind({"s": iri, "p": prop}), limit, offset)
    return [r["x"] for r in get_store().select(text).rows if r.get("x") is not None]


def paged(query: str, limit: int, offset: int) -> str:
    """A query cut to one page. Both numbers are ints checked here, never text from a request."""
    if not isinstance(limit, int) or not isinstance(offset, int) or limit < 1 or offset < 0:
        raise ValueError(f"a page needs a positive limit and an offset >= 0, got {limit}, {offset}")
    return f"{query}\nLIMIT {limit} OFFSET {offset}"


def link_groups(
    iri: str, counts: dict[tuple[str, str], int], page_size: int
) -> tuple[list[LinkGroup], list[str]]:
    """Every property of the resource both ways with its first ``page_size`` values (two queries,
    plus one per property the capped queries came short on), and the graphs its statements are in."""
    store = get_store()
    out = store.select(get_query("resource-out", LOOKUP_DIR).bind({"s": iri})).rows
    incoming = store.select(get_query("resource-in", LOOKUP_DIR).bind({"o": iri})).rows
    found: dict[tuple[str, str], list[Term]] = defaultdict(list)
    seen: set[tuple[str, str, str]] = set()
    sources: set[str] = set()
    for direction, rows, var in (("out", out, "o"), ("in", incoming, "s")):
        for row in rows:
            p, x, g = row.get("p"), row.get(var), row.get("g")
            if g is not None:
                sources.add(g.value)
            if p is None or x is None or (direction, p.value, x.value) in seen:
                continue
            seen.add((direction, p.value, x.value))
            found[(direction, p.value)].append(x)
    groups = []
    for (direction, prop), total in sorted(counts.items()):
        values = found.get((direction, prop), [])[:page_size]
        if len(values) < min(total, page_size):
            values = property_values(iri, prop, direction, page_size)
        groups.append(LinkGroup(prop, direction, total, values))
    return groups, sorted(sources)


def iris_of(terms: Iterable[Term | None]) -> set[str]:
    return {t.value for t in terms if t is not None and t.kind == "uri"}
