"""Which council an OParl object belongs to, and what kind of organization it is.

Every IRI carries a body slug (``/id/koeln/...``). For OParl it comes from the source: the
reference data that names the Body's URL (``ontology/reference/<body>.ttl``, ``dct:source``), else
the Body's short name, name or the last segment of its id. So a second council never lands under
the first one's IRIs, and no council needs reference data to be imported.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from rdflib import Graph

from .iris import slug
from .reference import REFERENCE_DIR
from .vocab import DCTERMS, RB, RDF

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# What a Body's name says before the place: "Landeshauptstadt Dresden", "Stadt Köln, kreisfreie Stadt"
_TITLE = re.compile(
    r"^(?:(?:Landeshauptstadt|Bundesstadt|Universitätsstadt|Hansestadt|Kolpingstadt|Kreisstadt|"
    r"Große Kreisstadt|Stadt|Gemeinde|Markt|Verbandsgemeinde|Samtgemeinde)\s+)+",
    re.I,
)


def normal_url(url: str) -> str:
    """A URL compared without its scheme and trailing slash (systems answer on http and https).

    >>> normal_url("https://oparl.dresden.de/bodies/0001/")
    'oparl.dresden.de/bodies/0001'
    """
    return re.sub(r"^https?://", "", url.strip()).rstrip("/")


@cache
def reference_bodies() -> dict[str, str]:
    """Body URLs the reference data names (the city's ``dct:source``) -> the body's slug."""
    out: dict[str, str] = {}
    for path in sorted(REFERENCE_DIR.glob("*.ttl")):
        g = Graph().parse(path, format="turtle")
        for city in g.subjects(RDF.type, RB.City):
            for src in g.objects(city, DCTERMS.source):
                out[normal_url(str(src))] = path.stem
    return out


def reference_body_of(oparl_id: str) -> str | None:
    """The slug of the reference data whose Body this object (or Body) belongs to, by its URL."""
    url = normal_url(oparl_id)
    for body_url, body in reference_bodies().items():
        if url == body_url or url.startswith(body_url + "/"):
            return body
    return None


def body_slug(body: dict[str, Any]) -> str:
    """The slug of an OParl Body: reference data naming its URL, else its short name, its name
    (without "Stadt", "Gemeinde"…, and what follows a comma), else the last segment of its id.

    >>> body_slug({"id": "https://oparl.example.org/body/1", "shortName": "Köln", "name": "Stadt Köln, kreisfreie Stadt"})
    'koeln'
    >>> body_slug({"id": "https://ratsinfo.leipzig.de/bi/oparl/1.0/bodies.asp?id=2387", "shortName": "", "name": "Stadt Leipzig"})
    'leipzig'
    >>> body_slug({"id": "https://ris.example/oparl/body/17"})
    'body-17'
    """
    oid = str(body.get("id") or "")
    known = reference_body_of(oid) if oid else None
    if known:
        return known
    for key in ("shortName", "name"):
        value = body.get(key)
        if isinstance(value, str) and value.strip():
            text = _TITLE.sub("", value.split(",")[0].strip())
            if slug(text) != "x":
                return slug(text)
    last = oid.rstrip("/").rsplit("/", 1)[-1]
    tail = slug(last)
    # a bare number names nothing: keep the segment before it ("body/17" -> "body-17")
    if tail.isdigit() or tail == "x":
        tail = slug("/".join(oid.rstrip("/").rsplit("/", 2)[-2:]))
    return tail


def check_slug(value: str) -> str:
    """A body slug given by hand (``--body``), refused unless lower-case letters, digits, hyphens."""
    if not SLUG.match(value):
        raise ValueError(
            f"--body {value!r}: a body slug is lower-case letters, digits and hyphens (e.g. koeln)"
        )
    return value


# OParl Organization.organizationType / classification -> what the organization is.
_KINDS = (
    ("faction", re.compile(r"fraktion|gruppe|partei|wählergemeinschaft", re.I)),
    ("administration", re.compile(r"verwaltung|\bamt\b|ämter|dezernat|referat|fachbereich", re.I)),
    (
        "external",
        re.compile(r"extern|gesellschaft|gmbh|verband|institution|sonstig", re.I),
    ),
    (
        "deciding",
        re.compile(
            r"gremium|ausschuss|\brat\b|stadtrat|gemeinderat|kreistag|beirat|bezirks|ortschaft|"
            r"vertretung|kommission|hauptversammlung|ratsversammlung",
            re.I,
        ),
    ),
)


def organization_kind(obj: dict[str, Any]) -> str:
    """``deciding`` (a council, committee or advisory board), ``faction``, ``administration`` or
    ``external``, from ``organizationType`` and ``classification``; an organization that says
    neither is taken for a deciding body (older systems list only their committees).

    >>> organization_kind({"organizationType": "Gremium", "classification": "Ausschuss"})
    'deciding'
    >>> organization_kind({"organizationType": "Fraktion"})
    'faction'
    >>> organization_kind({"classification": "Amt"})
    'administration'
    """
    said = [str(obj.get(k) or "") for k in ("organizationType", "classification")]
    if not any(s.strip() for s in said):
        return "deciding"
    for text in said:  # organizationType first: it is the coarser, more reliable one
        for kind, pattern in _KINDS:
            if text and pattern.search(text):
                return kind
    return "external"


__all__ = [
    "body_slug",
    "check_slug",
    "normal_url",
    "organization_kind",
    "reference_bodies",
    "reference_body_of",
]
