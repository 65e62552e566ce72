"""German dates, deadlines and noisy date stamps -> `date`; never a guessed date.

Council texts name deadlines as a day ("bis zum 15.11.2015", "bis zum 15.September 2016") or as a
period ("bis Ende 2. Quartal 2023", "im Jahr 2016 zu erarbeiten", "bis Mai 2018"); a period means its
last day. Stamps on Hausmitteilungen are OCR'd rubber stamps ("1 5. SEP. 2015", "2 0. MRL 2015"):
what cannot be read with certainty gives None, never a wrong date.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

MONTHS: dict[str, int] = {
    "januar": 1, "jänner": 1, "jan": 1,
    "februar": 2, "feb": 2, "febr": 2,
    "märz": 3, "maerz": 3, "mär": 3, "mrz": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mai": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10,
    "november": 11, "nov": 11,
    "dezember": 12, "dez": 12,
}  # fmt: skip

# Month names as a regex alternative (longest first so "Juni" wins over "Jun").
MONTH_RE = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U"})
_ABBREVIATIONS = {k.translate(_FOLD).upper(): v for k, v in MONTHS.items() if len(k) in (3, 4)}


def month_number(token: str, fuzzy: bool = False) -> int | None:
    """The month a German name or abbreviation means; with ``fuzzy``, one wrong letter if unambiguous.

    >>> month_number("September"), month_number("DEZ.")
    (9, 12)
    >>> month_number("BEZ", fuzzy=True), month_number("MRL", fuzzy=True), month_number("AÜB", fuzzy=True)
    (12, 3, 8)
    >>> month_number("MV", fuzzy=True) is None
    True
    """
    word = token.strip(" .,").lower()
    if word in MONTHS:
        return MONTHS[word]
    if not fuzzy or len(word) < 3:
        return None
    folded = word.replace("ß", "B").translate(_FOLD).upper()
    if folded.lower() in MONTHS:
        return MONTHS[folded.lower()]
    hits = {
        v
        for k, v in _ABBREVIATIONS.items()
        if len(k) == len(folded) and sum(a != b for a, b in zip(k, folded, strict=True)) == 1
    }
    return hits.pop() if len(hits) == 1 else None


def end_of_month(year: int, month: int) -> date:
    """
    >>> end_of_month(2016, 2)
    datetime.date(2016, 2, 29)
    """
    return date(year, month, calendar.monthrange(year, month)[1])


def end_of_quarter(year: int, quarter: int) -> date:
    """
    >>> end_of_quarter(2023, 2)
    datetime.date(2023, 6, 30)
    """
    return end_of_month(year, 3 * quarter)


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


_NUMERIC = re.compile(r"(?<!\d)(?<!\d )(\d{1,2})\s?[.\-]\s?(\d{1,2})\s?\.\s?(\d{4})(?!\d)")
_WRITTEN = re.compile(
    rf"(?<!\d)(?<!\d )(\d{{1,2}})\s?[.\-]\s*({MONTH_RE})\.?\s*(\d{{4}})(?!\d)", re.I
)


def parse_date(text: str) -> date | None:
    """The first clean German date in ``text`` ("17.10.2022", "13. August 2018", "18.Januar2024").

    >>> parse_date("Dresden, 18.Januar2024")
    datetime.date(2024, 1, 18)
    >>> parse_date("bis zum 15- September 2016")
    datetime.date(2016, 9, 15)
    >>> parse_date("Dresden, d3") is None
    True
    """
    found: list[tuple[int, date]] = []
    for m in _NUMERIC.finditer(text):
        d = _safe(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if d:
            found.append((m.start(), d))
    for m in _WRITTEN.finditer(text):
        month = month_number(m.group(2))
        d = _safe(int(m.group(3)), month, int(m.group(1))) if month else None
        if d:
            found.append((m.start(), d))
    return min(found)[1] if found else None


# A rubber stamp: day, month (name, abbreviation or number), year. The dot after the day may be
# lost ("1 5 fEß 2019"), a mark may follow the month ("JOL! 2022"), ß stands for B ("fEß" = FEB).
_STAMP = re.compile(
    r"(?<!\d)(?P<day>\d ?\d|\d)\s*[.,<]?\s*(?P<mon>[A-Za-zÄÖÜäöüß]{2,9}|\d{1,2})\s*[.,!|]?\s*"
    r"(?P<year>\S{1,5})"
)


def parse_stamp(text: str) -> date | None:
    """A date stamp read through OCR noise, or None when any part of it is uncertain.

    >>> parse_stamp("1 5. SEP. 2015"), parse_stamp("0 8< MAI 2019"), parse_stamp("-7, AÜB.2020")
    (datetime.date(2015, 9, 15), datetime.date(2019, 5, 8), datetime.date(2020, 8, 7))
    >>> [parse_stamp(s) for s in ("25. MV. 2015", "JAN. 2016", "2 i. JULI 2019", "- 7. SEP. ?WB")]
    [None, None, None, None]
    >>> parse_stamp("13, Juni 2022")
    datetime.date(2022, 6, 13)
    """
    clean = parse_date(text)
    if clean:
        return clean
    for m in _STAMP.finditer(text):
        pre = text[m.start() - 1] if m.start() else ""
        if pre and not (pre.isspace() or pre in "-–(:,"):
            continue  # "2 �.9. MRL": a day after debris ("�.", "?", a letter) is half a day
        year_text = m.group("year").rstrip(".,")
        if not re.fullmatch(r"(19|20)\d\d", year_text):
            continue
        mon = m.group("mon")
        month = int(mon) if mon.isdigit() else month_number(mon, fuzzy=True)
        if not month or month > 12:
            continue
        d = _safe(int(year_text), month, int(m.group("day").replace(" ", "")))
        if d:
            return d
    return None


@dataclass(frozen=True)
class Deadline:
    """A due date as written and normalised to the end of the period it names."""

    date: date
    text: str
    start: int  # offsets in the text searched
    end: int


_D = rf"(\d{{1,2}})\s?[.\-]\s*(?:(\d{{1,2}})\s?\.\s?|({MONTH_RE})\.?\s*)(\d{{4}})"
_DEADLINE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\bbis\s*(?:zum\s+|spätestens\s+(?:zum\s+)?)?{_D}", re.I), "day"),
    (
        re.compile(
            r"\bbis\s+(?:zum\s+)?Ende\s+(?:des\s+)?(\d)\.\s*(Quartal|Halbjahr)(?:e?s)?\s+(\d{4})",
            re.I,
        ),
        "period",
    ),
    (re.compile(r"\bim\s+(\d)\.\s*(Quartal|Halbjahr)\s+(\d{4})", re.I), "period"),
    (re.compile(rf"\bbis\s+(?:zum\s+)?(?:Ende\s+)?({MONTH_RE})\s+(\d{{4}})", re.I), "month"),
    (re.compile(r"\bbis\s+(?:zum\s+)?Ende\s+(?:des\s+Jahres\s+)?(\d{4})", re.I), "year"),
    # "spätestens im Jahr 2021 ... auszurichten": "spätestens" makes the year a due date by itself
    (
        re.compile(r"\bspätestens\s+(?:im\s+Jahr(?:e)?\s+|bis\s+(?:Ende\s+)?)(\d{4})\b", re.I),
        "year",
    ),
    (re.compile(r"\bim\s+Jahr(?:e)?\s+(\d{4})", re.I), "year"),
]
_YEAR = re.compile(r"\d{4}")
# A task governed by the year: "zu erarbeiten", "auszurichten", or the zu-participle "noch im Jahr
# 2018 umzusetzende Verbesserung" (something that is to be done).
_TASK_AFTER = re.compile(r"^[^.;:]{0,60}?\b(?:zu\s+\w+en|\w+zu\w+en|\w+zu\w+ende[nrs]?)\b", re.I)
_PERIOD_BEFORE = re.compile(rf"\bab\s+(?:dem\s+)?{_D}\s*$|\bab\s+\d{{4}}\s*$", re.I)


def find_deadlines(text: str) -> list[Deadline]:
    """Task deadlines in a point's text, normalised to the end of the named period.

    Funding or validity periods ("ab 1. Juni 2016 bis 31. Dezember 2016") are not deadlines; a
    year or quarter ("im Jahr 2016") counts only when it governs a task ("... zu erarbeiten").

    >>> [d.date.isoformat() for d in find_deadlines("dem JHA bis Ende 2. Quartal 2023 vorzulegen")]
    ['2023-06-30']
    >>> find_deadlines("ab 1. Juni 2016 bis 31. Dezember 2016 auf 0,75 VK")
    []
    >>> [d.date.isoformat() for d in find_deadlines("ist im Jahr 2016 zu erarbeiten")]
    ['2016-12-31']
    >>> [d.date.isoformat() for d in find_deadlines("eine noch im Jahr 2018 umzusetzende Lösung")]
    ['2018-12-31']
    >>> [d.date.isoformat() for d in find_deadlines("spätestens im Jahr 2021 in Kooperation mit "
    ...     "den in Dresden angesiedelten Forschungseinrichtungen eine Konferenz auszurichten")]
    ['2021-12-31']
    """
    if not _YEAR.search(text):  # every pattern names a year: most texts need no further look
        return []
    found: list[Deadline] = []
    taken: list[tuple[int, int]] = []
    for pattern, kind in _DEADLINE_PATTERNS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            d: date | None = None
            if kind == "day":
                day, mnum, mname, year = m.groups()
                month = int(mnum) if mnum else month_number(mname)
                d = _safe(int(year), month, int(day)) if month else None
                if d and _PERIOD_BEFORE.search(text[max(0, m.start() - 40) : m.start()]):
                    d = None
            elif kind == "period":
                n, unit, year = int(m.group(1)), m.group(2).lower(), int(m.group(3))
                if unit.startswith("quartal") and 1 <= n <= 4:
                    d = end_of_quarter(year, n)
                elif unit.startswith("halbjahr") and n in (1, 2):
                    d = end_of_month(year, 6 * n)
                if (
                    d
                    and m.group(0).lower().startswith("im")
                    and not _TASK_AFTER.search(text[m.end() :])
                ):
                    d = None
            elif kind == "month":
                month = month_number(m.group(1))
                d = end_of_month(int(m.group(2)), month) if month else None
            elif kind == "year":
                d = date(int(m.group(1)), 12, 31)
                if m.group(0).lower().startswith("im") and not _TASK_AFTER.search(text[m.end() :]):
                    d = None
            if d:
                found.append(Deadline(d, m.group(0), m.start(), m.end()))
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda x: x.start)


_RECURRING = re.compile(
    r"\b(in\s+jeder\s+Sitzung|jährlich|halbjährlich|vierteljährlich|quartalsweise|monatlich)\b",
    re.I,
)


def find_recurrence(text: str) -> str | None:
    """The wording of a recurring duty ("in jeder Sitzung", "jährlich"), which is not a deadline.

    >>> find_recurrence("ist in jeder Sitzung der Sachstand zu berichten")
    'in jeder Sitzung'
    """
    m = _RECURRING.search(text)
    return m.group(1) if m else None


def fold(text: str) -> str:
    """Lower-case, umlauts folded, for comparisons that OCR must not break."""
    text = unicodedata.normalize("NFC", text).translate(_FOLD)
    return text.lower()
