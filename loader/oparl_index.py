"""What mapping one OParl object needs to know about the others (the index, kept between
incremental runs in the import's state) and about its body (minter, reference data)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .iris import Minter
from .reference import Reference


@dataclass
class Index:
    """What one object's mapping needs to know about others, kept between (incremental) runs."""

    committees: dict[str, str] = field(default_factory=dict)  # organization id -> committee IRI
    organizations: dict[str, str] = field(default_factory=dict)  # any organization id -> IRI
    abbreviations: dict[str, str] = field(default_factory=dict)  # organization id -> "JHA"
    people: dict[str, str] = field(default_factory=dict)  # person id -> person IRI
    sessions: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # meeting id -> number, iri, date
    papers: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # paper id -> reference, iri, meetings
    submissions: dict[str, str] = field(default_factory=dict)  # submission IRI -> paper id
    file_papers: dict[str, list[str]] = field(default_factory=dict)  # file id -> papers listing it
    file_meetings: dict[str, list[str]] = field(
        default_factory=dict
    )  # file id -> meetings listing it

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Index:
        return cls(**(data or {}))

    def forget(self, oparl_id: str) -> None:
        """An object the source deleted: nothing may link to it any more."""
        for table in (self.committees, self.organizations, self.abbreviations, self.people):
            table.pop(oparl_id, None)
        self.sessions.pop(oparl_id, None)
        paper = self.papers.pop(oparl_id, None)
        if paper and self.submissions.get(paper["iri"]) == oparl_id:
            del self.submissions[paper["iri"]]
        self.file_papers.pop(oparl_id, None)
        self.file_meetings.pop(oparl_id, None)

    def link_file(
        self, file_id: str, *, paper: str | None = None, meeting: str | None = None
    ) -> None:
        for table, value in ((self.file_papers, paper), (self.file_meetings, meeting)):
            if value and value not in table.setdefault(file_id, []):
                table[file_id].append(value)


@dataclass
class Context:
    """The body the objects belong to: its minter, reference data and the index built so far."""

    minter: Minter
    reference: Reference
    committee_sources: dict[str, str] = field(default_factory=dict)  # OParl id -> reference IRI
    index: Index = field(default_factory=Index)


__all__ = ["Context", "Index"]
