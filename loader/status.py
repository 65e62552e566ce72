"""Beschlusskontrolle: interim or final, the status each quoted point is reported in, next report date.

A Beschlusskontrolle answers a resolution point by point (or for a block of points); the status
hangs off the point, as of the report.
"""

from __future__ import annotations

import re
from datetime import date

from loader.dates import parse_date

FINAL = re.compile(
    r"abschlie(?:ß|ss)ende?n?\s+(?:Information|Bericht|Mitteilung)|Abschlussbericht", re.I
)
INTERIM = re.compile(r"Zwischen(?:stand|information|bericht|mitteilung)", re.I)
ONGOING = re.compile(r"\bfortlaufend\b|\bkontinuierlich\s+umgesetzt", re.I)
DONE = re.compile(
    r"\b(?:wurde|wurden|ist|sind)\s+(?:\S+\s+){0,4}?(?:umgesetzt|erfolgt|abgeschlossen|erledigt|erfüllt)\b"
    r"|abschlie(?:ß|ss)end\s+berichtet",
    re.I,
)
# Completed in other words: a passive in the past ("Die Abfallbehälter wurden aufgestellt") or a
# perfect ("hat das Amt … erhalten"); read only in an interim report, where "done" must be said.
DONE_OTHERWISE = re.compile(
    r"\b(?:wurde|wurden)\s+(?:[^\s.]+\s+){0,4}?(?:\w*ge\w+(?:t|en)|\w+iert)\b"
    r"|\b(?:hat|haben)\s+(?:[^\s.]+\s+){0,6}?(?:\w*ge\w+(?:t|en)|erhalten|\w+iert)\s*\.",
    re.I,
)
# Something still to come: a report that says this beside "done" describes work in progress
# (153665: "wurde umgesetzt. Die Auszahlung erfolgt im Dezember 2013").
PENDING = re.compile(
    r"\bnoch\s+nicht\b|\bsteht\s+noch\s+aus|\boffen\s+(?:sind|ist)\s+noch|\bnoch\s+offen\b"
    r"|\berst\s+(?:im|ab|nach|in)\s|\bvorgesehen\b|\bgeplant\b|\bverschieb\w*"
    r"|\berfolgt\s+(?:voraussichtlich\s+)?(?:im|bis|Ende|Anfang|Mitte|nach)\b"
    r"|\bwird\s+(?:[^\s.]+\s+){0,6}?(?:erfolgen|vorgelegt|erarbeitet|informiert)\b",
    re.I,
)
# "wird umgesetzt": present or future; in a final report it competes with "done", so no status.
WILL = re.compile(r"\bwird\s+(?:[^\s.]+\s+){0,4}?umgesetzt\b", re.I)
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


def ocr_letters(text: str) -> str:
    """A capital I between small letters read as the l it stands for ("erhaIten" -> "erhalten").

    >>> ocr_letters("hat das Amt erhaIten; Iaut Plan")
    'hat das Amt erhalten; Iaut Plan'
    """
    return re.sub(r"(?<=[a-zäöüß])I(?=[a-zäöüß])", "l", text)


def classify(note: str | None, final: bool | None) -> str | None:
    """The status a report's own prose gives a point: umgesetzt, fortlaufend or in_umsetzung.

    A final report describes completed execution unless it says the work goes on; an interim
    report describes work in progress unless it says the point was carried out.

    >>> classify("Der Beschlusspunkt wird fortlaufend umgesetzt.", True)
    'fortlaufend'
    >>> classify("Der Beschlusspunkt wird umgesetzt.", False), classify("Der Beschlusspunkt wurde umgesetzt.", False)
    ('in_umsetzung', 'umgesetzt')
    >>> classify("Die Abfallbehälter wurden aufgestellt.", False)
    'umgesetzt'
    >>> classify("Die Mittel wurden eingeordnet. Die Auszahlung erfolgt im Dezember 2013.", False)
    'in_umsetzung'
    >>> classify("Die Festlegung wird entsprechend umgesetzt.", True) is None
    True
    """
    if not note or not note.strip():
        return None
    note = ocr_letters(note)
    letters = re.sub(r"[^a-zäöüß]", "", note.replace("I", "l").lower())
    if ONGOING.search(note) or "fortlaufend" in letters:
        return "fortlaufend"
    if final:
        if WILL.search(note) and not DONE.search(note):
            return None  # "wird umgesetzt" in a final report: done, or still to do?
        return "umgesetzt"
    pending = PENDING.search(note) is not None
    if (DONE.search(note) or DONE_OTHERWISE.search(note)) and not pending:
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
