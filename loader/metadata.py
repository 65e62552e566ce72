"""Cross-checking what a document's text says against what OParl says about the file.

OParl files a document under a paper (whose reference is typed, not OCR'd) and a meeting (with its
date). The text is read from a scan. So: the paper's reference corrects an OCR'd Vorlage number; the
meeting's date fills or corrects the session date; the session number printed in the document stays
(meeting names and printed numbers can differ, 642141 says OSR LB/038/2022 where the meeting is
"37. Sitzung"). Every disagreement becomes a warning that says which value was kept; nothing is
decided silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .model import Extraction, Warning

# Kinds whose documents belong to one session; a Vorlage is written before any session.
SESSION_KINDS = ("Beschlussausfertigung", "Beschlusskontrolle", "Beschlussempfehlung")


@dataclass
class FileLinks:
    """The index entries of the papers and meetings OParl links one file to."""

    papers: list[dict[str, Any]] = field(
        default_factory=list
    )  # {"iri", "reference", "meetings", ...}
    meetings: list[dict[str, Any]] = field(default_factory=list)  # {"iri", "number", "date", ...}
    candidates: list[dict[str, Any]] = field(
        default_factory=list
    )  # meetings of the papers' consultations
    known: list[dict[str, Any]] = field(
        default_factory=list
    )  # OParl meetings with the text's number


def choose_meeting(links: FileLinks, session: str | None) -> dict[str, Any] | None:
    """The meeting a file hangs on: the one whose session number the text prints, if OParl lists
    or knows it; else the one OParl lists the file in; else the paper's consultation, the latest
    authoritative one when there are several (a paper is often postponed or read first elsewhere).
    """
    for pool in (links.meetings, links.candidates, links.known):
        matching = [m for m in pool if session and m.get("number") == session]
        if matching:
            return matching[0]
    for pool in (links.meetings, links.candidates):
        if not pool:
            continue
        if len(pool) == 1:
            return pool[0]
        dated = sorted(
            (m for m in pool if m.get("date")),
            key=lambda m: (bool(m.get("authoritative")), m["date"]),
        )
        if dated:
            return dated[-1]
        return pool[0]
    return None


def reconcile(extraction: Extraction, links: FileLinks) -> tuple[dict[str, Any] | None, list[str]]:
    """Confirm or correct ``extraction`` from OParl in place; the meeting chosen and the warnings."""
    warnings: list[str] = []

    def warn(message: str) -> None:
        warnings.append(message)
        extraction.warnings.append(Warning(message))

    references = sorted({p["reference"] for p in links.papers if p.get("reference")})
    if len(references) == 1:
        ref = references[0]
        if extraction.vorlage is None:
            extraction.vorlage = ref
        elif extraction.vorlage != ref:
            warn(
                f"Vorlage: the text reads {extraction.vorlage!r}, OParl files the document under "
                f"paper {ref!r}; using {ref!r}"
            )
            extraction.vorlage = ref
    elif len(references) > 1 and extraction.vorlage not in references:
        warn(
            f"Vorlage: the text reads {extraction.vorlage!r}, OParl files the document under "
            f"papers {', '.join(references)}; keeping the text's"
        )

    meeting = choose_meeting(links, extraction.session)
    if meeting is None or extraction.kind not in SESSION_KINDS:
        return meeting, warnings
    number = meeting.get("number")
    if extraction.session is None and number:
        extraction.session = number
    elif number and extraction.session != number:
        warn(
            f"session: the text reads {extraction.session!r}, the OParl meeting is {number!r}; "
            f"keeping the text's"
        )
        return meeting, warnings
    day = date.fromisoformat(meeting["date"]) if meeting.get("date") else None
    if day is not None:
        if extraction.session_date is None:
            extraction.session_date = day
        elif extraction.session_date != day:
            warn(
                f"session date: the text reads {extraction.session_date.isoformat()}, the OParl "
                f"meeting {number or ''} took place on {day.isoformat()}; using {day.isoformat()}"
            )
            extraction.session_date = day
    if extraction.committee_iri is None and meeting.get("committee"):
        extraction.committee_iri = meeting["committee"]
    return meeting, warnings


__all__ = ["FileLinks", "SESSION_KINDS", "choose_meeting", "reconcile"]
