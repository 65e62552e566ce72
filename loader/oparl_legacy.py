"""The older OParl export shape (bare ids, ``oparl.org/schema/1.0`` types) brought to OParl 1.1 form.

Dumps of council information systems (e.g. offenesdresden's) keep objects whose ids are bare numbers
("222417") and whose links are bare numbers too. OParl 1.1 ids are URLs. The URL prefix of each kind is
learned from the 1.1 objects of the same dump (``papers/vo/12488`` -> prefix of every paper), so a bare
id becomes the URL the live system gives the same object, and nothing about one council is hard-coded.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

OPARL_TYPES = (
    "System",
    "Body",
    "LegislativeTerm",
    "Organization",
    "Person",
    "Membership",
    "Meeting",
    "AgendaItem",
    "Paper",
    "Consultation",
    "File",
    "Location",
)
TYPE_URL = "https://schema.oparl.org/1.1/"


def type_name(obj: Any) -> str | None:
    """The OParl type of an object in either shape, or None.

    >>> type_name({"type": "https://oparl.org/schema/1.0/File"})
    'File'
    >>> type_name({"type": "https://schema.oparl.org/1.1/Paper"})
    'Paper'
    """
    if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
        return None
    name = obj["type"].rstrip("/").rsplit("/", 1)[-1]
    return name if name in OPARL_TYPES else None


def local_id(oparl_id: str) -> str:
    """The last path segment of an OParl id (``.../files/258867`` -> ``258867``); bare ids as they are.

    >>> local_id("http://oparl.dresden.de/bodies/0001/papers/vo/12488")
    '12488'
    """
    return str(oparl_id).rstrip("/").rsplit("/", 1)[-1]


def is_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


class Resolver:
    """Turns bare ids into URLs, per kind, with the prefixes the 1.1 objects of a dump show."""

    def __init__(self, prefixes: dict[str, str] | None = None) -> None:
        self.prefixes: dict[str, str] = dict(prefixes or {})

    @classmethod
    def learn(cls, objects: Iterable[dict[str, Any]]) -> Resolver:
        prefixes: dict[str, str] = {}
        for obj in objects:
            kind = type_name(obj)
            oid = obj.get("id") if isinstance(obj, dict) else None
            if kind and is_url(oid):
                prefixes.setdefault(kind, oid.rstrip("/").rsplit("/", 1)[0])
            for key, kind_of in (
                ("paper", "Paper"),
                ("meeting", "Meeting"),
                ("organization", "Organization"),
            ):
                for value in _as_list(obj.get(key) if isinstance(obj, dict) else None):
                    if is_url(value) and "/" in value:
                        prefixes.setdefault(kind_of, value.rstrip("/").rsplit("/", 1)[0])
        return cls(prefixes)

    def __call__(self, value: Any, kind: str) -> Any:
        if value is None or is_url(value) or kind not in self.prefixes:
            return value
        return f"{self.prefixes[kind]}/{value}"


def _as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list) else [value]


def upgrade(obj: dict[str, Any], resolve: Resolver) -> dict[str, Any]:
    """An object of the older export as OParl 1.1 JSON (1.1 objects come back with bare ids resolved)."""
    kind = type_name(obj)
    if kind is None:
        return obj
    out = dict(obj)
    out["type"] = TYPE_URL + kind
    out["id"] = resolve(obj.get("id"), kind)
    if kind == "File":
        for key in ("paper", "meeting"):
            if key in out:
                out[key] = [resolve(v, key.capitalize()) for v in _as_list(out[key])]
        out.pop("sha1Checksum", None)  # not an OParl 1.1 property
    elif kind == "Paper":
        if "publishedDate" in out and "date" not in out:
            out["date"] = out.pop("publishedDate")
        out.pop("shortName", None)
        if isinstance(out.get("mainFile"), str):
            out["mainFile"] = resolve(out["mainFile"], "File")
        out["auxiliaryFile"] = [
            v if isinstance(v, dict) else resolve(v, "File")
            for v in _as_list(out.get("auxiliaryFile"))
        ]
        out["consultation"] = [
            _consultation(c, out["id"], resolve) for c in _as_list(out.get("consultation"))
        ]
    elif kind == "Meeting":
        out["organization"] = [
            resolve(v, "Organization") for v in _as_list(out.get("organization"))
        ]
        if "locality" in out and "location" not in out:
            out["location"] = {"type": TYPE_URL + "Location", "description": out.pop("locality")}
        for key in ("invitation", "resultsProtocol", "verbatimProtocol"):
            if isinstance(out.get(key), str):
                out[key] = resolve(out[key], "File")
        out["auxiliaryFile"] = [
            v if isinstance(v, dict) else resolve(v, "File")
            for v in _as_list(out.get("auxiliaryFile"))
        ]
        out["agendaItem"] = [
            _agenda_item(a, out["id"], resolve) for a in _as_list(out.get("agendaItem"))
        ]
    return out


def _consultation(c: Any, paper: str, resolve: Resolver) -> Any:
    if not isinstance(c, dict):
        return c
    out = dict(c)
    out["type"] = TYPE_URL + "Consultation"
    out.setdefault("paper", paper)
    if "meeting" in out:
        out["meeting"] = resolve(out["meeting"], "Meeting")
    if "organization" in out:
        out["organization"] = [resolve(v, "Organization") for v in _as_list(out["organization"])]
    return out


def _agenda_item(a: Any, meeting: str, resolve: Resolver) -> Any:
    if not isinstance(a, dict):
        return a
    out = dict(a)
    out["type"] = TYPE_URL + "AgendaItem"
    out.setdefault("meeting", meeting)
    consultation = out.get("consultation")
    if isinstance(consultation, dict):
        # The older export names the paper of an agenda item as consultation.parentID.
        paper = consultation.get("paper") or consultation.get("parentID")
        out["consultation"] = {
            "type": TYPE_URL + "Consultation",
            "paper": resolve(paper, "Paper"),
            "meeting": meeting,
        }
    if isinstance(out.get("resolutionFile"), str):
        out["resolutionFile"] = resolve(out["resolutionFile"], "File")
    out["auxiliaryFile"] = [
        v if isinstance(v, dict) else resolve(v, "File") for v in _as_list(out.get("auxiliaryFile"))
    ]
    return out


__all__ = ["OPARL_TYPES", "Resolver", "is_url", "local_id", "type_name", "upgrade"]
