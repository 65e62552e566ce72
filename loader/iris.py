"""Minting body-scoped IRIs from official identifiers: the only place instance IRIs are built.

Identifiers such as ``V1106/21`` or ``JHA/042/2022`` repeat across cities, so every IRI carries the
body (city) slug: ``{base}/id/{body}/resolution/V1106-21/JHA-042-2022``. The same identifiers seen in a
Beschlussausfertigung and in a later Beschlusskontrolle give the same IRI, which is what joins them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rdflib import URIRef

DEFAULT_BASE = "https://w3id.org/ratsgraph"

_UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def slug(text: str) -> str:
    """A lower-case ASCII slug for names (persons, offices, file names).

    >>> slug("Oberbürgermeister")
    'oberbuergermeister'
    >>> slug("Melanie Hörenz-Pissang")
    'melanie-hoerenz-pissang'
    """
    text = unicodedata.normalize("NFKD", text.translate(_UMLAUTS))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "x"


def key(identifier: str) -> str:
    """An IRI path segment for an official identifier, case kept, readable and reversible enough.

    >>> key("V1106/21")
    'V1106-21'
    >>> key("OSR LB/038/2022")
    'OSR_LB-038-2022'
    """
    text = identifier.strip().replace("/", "-")
    text = re.sub(r"\s+", "_", text)
    text = unicodedata.normalize("NFKD", text.translate(_UMLAUTS))
    text = text.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9_.\-]+", "-", text).strip("-") or "x"


@dataclass(frozen=True)
class Minter:
    """Mints IRIs for one body under one base, e.g. ``Minter("dresden")``."""

    body: str
    base: str = DEFAULT_BASE

    def _iri(self, *parts: str) -> URIRef:
        return URIRef("/".join([self.base.rstrip("/"), "id", self.body, *parts]))

    def city(self) -> URIRef:
        return URIRef(f"{self.base.rstrip('/')}/id/{self.body}")

    def submission(self, vorlage: str) -> URIRef:
        return self._iri("submission", key(vorlage))

    def session(self, session: str) -> URIRef:
        return self._iri("session", key(session))

    def resolution(self, vorlage: str, session: str | None) -> URIRef:
        """The resolution a session took on a submission (one submission can be decided in several)."""
        if session:
            return self._iri("resolution", key(vorlage), key(session))
        return self._iri("resolution", key(vorlage))

    def point(self, resolution: URIRef, number: int | None, unnumbered_index: int = 1) -> URIRef:
        """A point by its number; unnumbered paragraphs count ``u1``, ``u2`` in document order."""
        return URIRef(
            f"{resolution}/point/{number if number is not None else f'u{unnumbered_index}'}"
        )

    def delegation(self, point: URIRef, index: int) -> URIRef:
        return URIRef(f"{point}/delegation/{index}")

    def document(self, name: str) -> URIRef:
        """The source document (and its named graph), keyed by its file name without extension."""
        return self._iri("document", key(re.sub(r"\.(txt|pdf)$", "", name, flags=re.I)))

    def status_assertion(self, point: URIRef, document: URIRef) -> URIRef:
        return URIRef(f"{point}/status/{document.rsplit('/', 1)[-1]}")

    def evidence(self, document: URIRef, start: int, end: int) -> URIRef:
        """A character span of a document, as an RFC 5147 text fragment."""
        return URIRef(f"{document}#char={start},{end}")

    def signature(self, document: URIRef, index: int) -> URIRef:
        return URIRef(f"{document}/signature/{index}")

    def planning_report(self, vorlage: str) -> URIRef:
        return self._iri("planning-report", key(vorlage))

    def framework(self, name: str = "planungsrahmen-kinder-und-jugendhilfe") -> URIRef:
        return self._iri("framework", name)

    def framework_part(self, roman: str) -> URIRef:
        return self._iri(
            "framework", "planungsrahmen-kinder-und-jugendhilfe", f"teil-{roman.lower()}"
        )

    def committee(self, abbreviation: str) -> URIRef:
        return self._iri("committee", slug(abbreviation))

    def office(self, name: str) -> URIRef:
        return self._iri("office", slug(name))

    def unit(self, name: str) -> URIRef:
        return self._iri("unit", slug(name))

    def person(self, name: str) -> URIRef:
        return self._iri("person", slug(name))

    # --- what an OParl import adds (the OParl ids themselves are kept as dct:source) ---

    def oparl_graph(self, kind: str, local_id: str) -> URIRef:
        """The named graph one OParl object (a paper, a meeting, ...) is kept in, by its local id."""
        return self._iri("oparl", slug(kind), key(local_id))

    def consultation(self, submission: URIRef, meeting_key: str) -> URIRef:
        """A Beratung: the submission treated in one meeting (keyed by session number or meeting id)."""
        return URIRef(f"{submission}/consultation/{key(meeting_key)}")

    def membership(self, local_id: str) -> URIRef:
        return self._iri("membership", key(local_id))

    def organization(self, local_id: str) -> URIRef:
        """An organization that is no committee (a Fraktion, an Amt, a company), by its OParl id."""
        return self._iri("organization", key(local_id))

    def agenda_item(self, session: URIRef, number: str) -> URIRef:
        """A Tagesordnungspunkt of a session, by its number (or its OParl id when it has none)."""
        return URIRef(f"{session}/agenda-item/{key(number)}")
