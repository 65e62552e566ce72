"""Beschlusskontrolle: interim or final, the status each quoted point is reported in, next report date.

A Beschlusskontrolle answers a resolution point by point (or for a block of points); the status
hangs off the point, as of the report.
"""

from __future__ import annotations

import re
from datetime import date

from loader.dates import parse_date

FINAL = re.compile(r"abschlie(?:ß|ss)ende?n?\s+(?:Information|Bericht|Mitteilung)", re.I)
INTERIM = re.compile(r"Zwischen(?:stand|information|bericht|mitteilung)", re.I)
ONGOING = re.compile(r"\bfortlaufend\b|\bkontinuierlich\s+umgesetzt", re.I)
DONE = re.compile(
    r"\b(?:wurde|wurden|ist|sind)\s+(?:\S+\s+){0,4}?(?:umgesetzt|erfolgt|abgeschlossen|erledigt)\b"
    r"|abschlie(?:ß|ss)end\s+berichtet",
    re.I,
)
NEXT_REPORT = re.compile(r"n[äa]chste\s+Beschlusskontrol\w*\s*:?", re.I)
# "Zu Beschlusspunkt 2:", "Zum Beschlusspunkt 2 wurde ...", "zu 1."
POINT_REFERENCE = re.compile(
    r"^\s*Zu(?:m)?\s+Beschlusspunkt(?:en)?\s+(\d{1,2})(?:\s*(?:und|,)\s*(\d{1,2}))*", re.I
)


def is_final(text: str) -> bool | None:
    """True for "abschließende Information", False for a Zwischenstand/-bericht, None if unsaid.

    >>> is_final("folgende abschließende Information kann ... gegeben werden"), is_final("folgender Zwischenstand")
    (True, False)
    """
    f, i = FINAL.search(text), INTERIM.search(text)
    if f and (not i or f.start() < i.start()):
        return True
    if i:
        return False
    return None


def classify(note: str | None, final: bool | None) -> str | None:
    """The status a report's own prose gives a point: umgesetzt, fortlaufend or in_umsetzung.

    A final report describes completed execution unless it says the work goes on; an interim
    report describes work in progress unless it says the point was carried out.

    >>> classify("Der Beschlusspunkt wird fortlaufend umgesetzt.", True)
    'fortlaufend'
    >>> classify("Der Beschlusspunkt wird umgesetzt.", False), classify("Der Beschlusspunkt wurde umgesetzt.", False)
    ('in_umsetzung', 'umgesetzt')
    """
    if not note or not note.strip():
        return None
    letters = re.sub(r"[^a-zäöüß]", "", note.replace("I", "l").lower())
    if ONGOING.search(note) or "fortlaufend" in letters:
        return "fortlaufend"
    if final:
        return "umgesetzt"
    if DONE.search(note):
        return "umgesetzt"
    return "in_umsetzung"


def next_report_date(text: str) -> tuple[date | None, int | None]:
    """The date after "Nächste Beschlusskontrolle:" (within the next lines) and where it was written."""
    m = NEXT_REPORT.search(text)
    if not m:
        return None, None
    window = text[m.end() : m.end() + 80]
    d = parse_date(window)
    return d, m.start()


def referenced_points(note: str) -> list[int]:
    """Point numbers a note names at its start ("Zum Beschlusspunkt 2 wurde ...").

    >>> referenced_points("Zum Beschlusspunkt 2 wurde abschließend berichtet.")
    [2]
    """
    m = POINT_REFERENCE.match(note)
    if not m:
        return []
    return [int(n) for n in re.findall(r"\d{1,2}", m.group(0))]
