"""The parts of a resource page that depend on what the resource is.

A resolution shows its points, delegations, deadlines and status history as a timeline; a point its
delegations and status history; a planning report its framework part, the resolutions that adopted
it and the other reports of that part; an office its holders over time and the points delegated to
it by status; a Beschlusskontrolle the resolution it reports on. Each section is one lookup query.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from service.queries import LOOKUP_DIR, get_query
from service.store import Term
from service.web import get_store
from service.web.i18n import page_lang

RB = "https://w3id.org/ratsgraph/ontology#"
STATUS_ORDER = ("offen", "in_umsetzung", "fortlaufend", "umgesetzt")


@dataclass
class Section:
    """One typed part of a page: its template name, its data and the IRIs it needs labels for."""

    name: str
    data: dict[str, Any]
    iris: set[str] = field(default_factory=set)


def _rows(name: str, values: dict[str, str]) -> list[dict[str, Term | None]]:
    return get_store().select(get_query(name, LOOKUP_DIR).bind(values)).rows


def _v(row: dict[str, Term | None], key: str) -> Term | None:
    return row.get(key)


def _iris(rows: list[dict[str, Term | None]]) -> set[str]:
    return {t.value for r in rows for t in r.values() if t is not None and t.kind == "uri"}


def _unique(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def point_history(rows: list[dict[str, Term | None]]) -> tuple[list[dict], list[dict]]:
    """Delegations (actor, task, deadline) and status reports (status, report, date) of a point."""
    delegations = _unique(
        [
            {
                "iri": r["delegation"],
                "actor": r["actor"],
                "task": r["task"],
                "deadline": r["deadline"],
            }
            for r in rows
            if r.get("delegation") is not None
        ]
    )
    statuses = _unique(
        [
            {
                "status": r["status"],
                "label": r["status_label"],
                "report": r["report"],
                "as_of": r["as_of"],
            }
            for r in rows
            if r.get("status") is not None
        ]
    )
    return delegations, statuses


def resolution_section(iri: str) -> Section:
    """Points with delegations and status history, and a timeline: the session, each deadline,
    each Beschlusskontrolle with what it reported per point (undated reports last)."""
    rows = _rows("resolution-points", {"r": iri})
    by_point: dict[str, list] = defaultdict(list)
    for r in rows:
        by_point[r["point"].value].append(r)
    points = []
    events: list[dict[str, Any]] = []
    session_date = next((r["session_date"] for r in rows if r.get("session_date")), None)
    if session_date:
        events.append({"date": session_date.value, "kind": "beschlossen"})
    reports: dict[str, dict[str, Any]] = {}
    for point_iri, prow in by_point.items():
        delegations, statuses = point_history(prow)
        first = prow[0]
        position = first.get("position")
        points.append(
            {
                "iri": point_iri,
                "position": position,
                "text": first.get("text"),
                "delegations": delegations,
                "statuses": statuses,
            }
        )
        for d in delegations:
            if d["deadline"] is not None:
                events.append(
                    {
                        "date": d["deadline"].value,
                        "kind": "Frist",
                        "point": first["point"],
                        "what": d["actor"],
                    }
                )
        for st in statuses:
            event = reports.setdefault(
                st["report"].value,
                {
                    "date": st["as_of"].value if st["as_of"] else "",
                    "kind": "Beschlusskontrolle",
                    "what": st["report"],
                    "statuses": [],
                },
            )
            event["statuses"].append((int(position.value) if position else 0, st["status"].value))
    for event in reports.values():
        event["statuses"].sort()
        events.append(event)
    points.sort(key=lambda p: int(p["position"].value) if p["position"] else 10**6)
    events.sort(key=lambda e: (e["date"] == "", e["date"]))
    return Section("resolution", {"points": points, "events": events}, _iris(rows))


def point_section(iri: str) -> Section:
    rows = _rows("point-status", {"point": iri})
    delegations, statuses = point_history(rows)
    resolution = next((r["resolution"] for r in rows if r.get("resolution")), None)
    data = {"resolution": resolution, "delegations": delegations, "statuses": statuses}
    return Section("point", data, _iris(rows))


def planning_report_section(iri: str) -> Section:
    rows = _rows("planning-report", {"report": iri})
    data = {
        "parts": _unique([r["part"] for r in rows if r.get("part")]),
        "frameworks": _unique([r["framework"] for r in rows if r.get("framework")]),
        "adopted_by": _unique(
            [(r["resolution"], r["point"]) for r in rows if r.get("resolution") and r.get("point")]
        ),
        "others": _unique([r["other"] for r in rows if r.get("other")]),
    }
    return Section("planning_report", data, _iris(rows))


def office_section(iri: str) -> Section:
    rows = _rows("office", {"office": iri})
    holders = _unique(
        [(r["person"], r.get("start"), r.get("end")) for r in rows if r.get("person")]
    )
    holders.sort(key=lambda h: h[1].value if h[1] else "")
    # One row per point and deadline, with the point's latest status as the views decide it.
    by_status: dict[str, list] = {s: [] for s in STATUS_ORDER}
    for r in rows:
        if r.get("point") is not None:
            by_status.setdefault(r["status"].value, []).append((r["point"], r.get("deadline")))
    data = {"holders": holders, "by_status": {k: v for k, v in by_status.items() if v}}
    return Section("office", data, _iris(rows))


def report_section(iri: str) -> Section:
    rows = _rows("report", {"report": iri})
    data = {
        "resolutions": _unique([r["resolution"] for r in rows if r.get("resolution")]),
        "planning_reports": _unique(
            [r["planning_report"] for r in rows if r.get("planning_report")]
        ),
        "statuses": _unique(
            [(r["point"], r["status"]) for r in rows if r.get("point") and r.get("status")]
        ),
    }
    return Section("report", data, _iris(rows))


BODY_TEXT = {  # a council's page: what it holds, and its views
    "de": {
        "heading": "Bestand dieser Körperschaft",
        "resolutions": "Beschlüsse",
        "points": "Beschlusspunkte",
        "documents": "Quelldokumente",
        "views": {
            "open-points": "offene Beschlusspunkte",
            "overdue": "überfällige Beschlusspunkte",
            "actor-summary": "Beschlusspunkte je Akteur",
            "committee-years": "je Gremium und Jahr",
            "status-reports": "gemeldeter Stand",
        },
    },
    "en": {
        "heading": "What the store holds of this council",
        "resolutions": "Resolutions",
        "points": "Points",
        "documents": "Source documents",
        "views": {
            "open-points": "open points",
            "overdue": "overdue points",
            "actor-summary": "points per actor",
            "committee-years": "per committee and year",
            "status-reports": "reported status",
        },
    },
}


def body_section(iri: str) -> Section:
    """A council (one of many in a store): its counts and every view filtered by it (`body=`)."""
    rows = _rows("bodies", {"body": iri})
    text = BODY_TEXT[page_lang()]
    counts = [
        (text[k], int(rows[0][k].value) if rows and rows[0].get(k) else 0)  # type: ignore[union-attr]
        for k in ("resolutions", "points", "documents")
    ]
    views = list(text["views"].items())
    slug = iri.rstrip("/").rsplit("/", 1)[-1]  # /id/<slug>: what the views' body= takes
    data = {"heading": text["heading"], "counts": counts, "views": views, "slug": slug}
    return Section("body", data)


SECTIONS = {
    RB + "City": body_section,
    RB + "Resolution": resolution_section,
    RB + "Recommendation": resolution_section,
    RB + "ResolutionPoint": point_section,
    RB + "PlanningReport": planning_report_section,
    RB + "Office": office_section,
    RB + "AdministrativeUnit": office_section,
    RB + "StatusReport": report_section,
}


def sections_for(iri: str, types: set[str]) -> list[Section]:
    """The typed sections of a resource's page, in a fixed order, each at most once."""
    done: set[object] = set()
    sections = []
    for type_iri, build in SECTIONS.items():
        if type_iri in types and build not in done:
            done.add(build)
            sections.append(build(iri))
    return sections
