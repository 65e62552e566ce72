"""The extraction record: what one document says, each fact with the character span it came from.

This is the contract between extraction (text -> `Extraction`) and graph building
(`Extraction` -> RDF). ``to_json()`` gives the schema of ``shared/corpus/expected/*.json`` with the
whole point text in ``text``, plus ``confidence``: how sure each asserted fact is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

KINDS = ("Beschlussausfertigung", "Beschlusskontrolle", "Beschlussempfehlung", "Vorlage", "other")
STATUSES = ("umgesetzt", "fortlaufend", "in_umsetzung")


@dataclass(frozen=True)
class Span:
    """Characters ``text[start:end]`` of the document text the extraction read."""

    start: int
    end: int


@dataclass
class Delegation:
    """One "... wird beauftragt ..." clause: who is tasked, with what, by when."""

    actor: (
        str | None
    )  # reference-data label: "Oberbürgermeister", "Jugendamt", "Verwaltung"; None if unresolved
    actor_iri: str | None  # IRI of the office / unit / committee in the reference data
    actor_text: str  # the actor as written ("Die Verwaltung des Jugendamtes")
    task: str  # the clause's text
    span: Span
    deadline: date | None = None  # normalised to the end of the period named
    deadline_text: str | None = None  # "bis Ende 2. Quartal 2023"
    recurring: bool = False  # "in jeder Sitzung", "jährlich": a duty, not a deadline
    recurrence_text: str | None = None


@dataclass
class Point:
    """A Beschlusspunkt; in a Beschlusskontrolle the quoted point plus what the report says about it."""

    number: int | None  # None for an unnumbered resolution paragraph
    text: str  # whole point text, whitespace collapsed, number and opening quote removed
    span: Span
    delegations: list[Delegation] = field(default_factory=list)
    deadline: date | None = None  # the due date of the point's task (first delegation's or passive)
    deadline_text: str | None = None
    status: str | None = None  # one of STATUSES, Beschlusskontrolle only
    status_note: str | None = None  # the report's own prose on the point
    status_span: Span | None = None
    adopts_report: bool = False  # "beschließt den Planungsbericht": adopts the document's report
    places_in_framework: bool = False  # names the Planungsrahmen: places the report in its part

    @property
    def delegated_to(self) -> str | None:
        return self.delegations[0].actor if self.delegations else None


@dataclass
class Signatory:
    name: str | None  # true name when recovered from OCR, else None
    role: str | None  # as written, joined across line breaks
    span: Span
    name_as_written: str | None = None
    person_iri: str | None = None  # matched person in the reference data
    matched: bool = False  # False: kept as written and flagged with a warning


@dataclass
class Warning:
    """Something the extraction could not read with certainty, with where it is."""

    message: str
    span: Span | None = None

    def __str__(self) -> str:
        return self.message


@dataclass
class Extraction:
    source: str  # file name (or path) the text came from
    text: str  # the text all spans index into
    kind: str  # one of KINDS
    vorlage: str | None = None
    session: str | None = None
    committee: str | None = None  # full German name of the body of that session
    committee_iri: str | None = None
    session_date: date | None = None
    document_date: date | None = None
    subject: str | None = None
    framework_parts: list[str] = field(default_factory=list)  # ["Teil II"]
    about_planning_report: bool = False  # the subject names a Planungsbericht
    points: list[Point] = field(default_factory=list)
    signatories: list[Signatory] = field(default_factory=list)
    is_final: bool | None = None  # Beschlusskontrolle: abschließende Information vs Zwischenstand
    next_report_date: date | None = None  # "Nächste Beschlusskontrolle: <date>"
    reason: str | None = None  # why the kind is "other" (not recognised, no usable text)
    spans: dict[str, Span] = field(default_factory=dict)  # field name -> where it was read
    warnings: list[Warning] = field(default_factory=list)
    # how sure each asserted fact is, 0–1, keyed like to_json ("points[1].status"): loader.confidence
    confidence: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The extraction in the schema of the corpus' expected files (``text`` for the whole point)."""

        def iso(d: date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "kind": self.kind,
            "vorlage": self.vorlage,
            "session": self.session,
            "committee": self.committee,
            "session_date": iso(self.session_date),
            "document_date": iso(self.document_date),
            "subject": self.subject,
            "framework_parts": list(self.framework_parts),
            "points": [
                {
                    "number": p.number,
                    "text": p.text,
                    "delegated_to": p.delegated_to,
                    "deadline": iso(p.deadline),
                    "status": p.status,
                }
                for p in self.points
            ],
            "signatories": [{"name": s.name, "role": s.role} for s in self.signatories],
            "confidence": {k: round(v, 2) for k, v in self.confidence.items()},
        }
