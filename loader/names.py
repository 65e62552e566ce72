"""Signers' names read through OCR, matched to the persons of the reference data.

A name line of a signature block is garbled by OCR and stamps (``Dir'K Hilbert``, ``Detlefsittel``,
``Eva Ja``, ``Jörr``); `match_person` finds the reference person it most likely is, `looks_like_name`
tells a plainly written name not in the reference from debris, and `letterhead_holder` takes a lone
first-name fragment for the holder of the office the letterhead names.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from rapidfuzz import fuzz

from loader.reference import Person, Reference

_LETTERS = re.compile(r"[^a-zäöüß]+")
_NOT_NAMES_PATTERN = (
    r"grüßen|freundl|kenntnis|seite|anlage|zustimmung|ablehnung|enthaltung|abstimmung|"
    r"erläuterung|hausmitteilung|vertraulich|datum|befangen|fraktion\b|stadtrat\b"
)
_NOT_NAMES = re.compile(_NOT_NAMES_PATTERN, re.I)


def not_names(place_names: tuple[str, ...]) -> re.Pattern[str]:
    """Words that mark a line as no signer's name; the council's place ("Dresden, …") among them."""
    places = "".join(f"|{re.escape(p)}" for p in place_names if p)
    return re.compile(_NOT_NAMES_PATTERN + places, re.I)


_NAME_TOKEN = re.compile(r"^(?:Dr\.|Prof\.|[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?)$")


def compact(text: str) -> str:
    return _LETTERS.sub("", text.lower())


@lru_cache(maxsize=65536)
def ratio(a: str, b: str) -> float:
    """difflib similarity, memoised: the same lines are scored against every label and person."""
    if not a or not b:
        return 0.0
    return fuzz.ratio(a, b) / 100.0


@lru_cache(maxsize=4096)
def name_parts(person: Person) -> tuple[str, list[str], str]:
    """(first name, surnames, full name) compacted; memoised: every name line is compared with
    every person of the reference data."""
    tokens = [
        t for t in re.split(r"\s+", person.name) if t.rstrip(".").lower() not in ("dr", "prof")
    ]
    first = compact(tokens[0]) if tokens else ""
    surname = compact(tokens[-1]) if tokens else ""
    parts = [compact(p) for p in tokens[-1].split("-")] if tokens else []
    return first, [surname, *parts], compact(" ".join(tokens))


def _plain(word: str) -> str:
    """Umlauts as OCR often reads them: "jähnigen" -> "jahnigen"."""
    return word.translate(str.maketrans("äöü", "aou"))


def _first_name_unique(first: str, reference: Reference) -> bool:
    return sum(name_parts(p)[0] == first for p in reference.persons) == 1


def match_person(text: str, reference: Reference) -> tuple[Person | None, float, bool]:
    """The reference person a garbled name line most likely is: (person, score, first_name_only).
    Remembered per reference data: the same signature lines recur from document to document."""
    known = reference.person_matches.get(text)
    if known is None:
        if len(reference.person_matches) > 65536:
            reference.person_matches.clear()
        known = reference.person_matches[text] = _match_person(text, reference)
    return known


def _match_person(text: str, reference: Reference) -> tuple[Person | None, float, bool]:
    line_c = compact(text)
    tokens = [compact(t) for t in re.split(r"[^A-Za-zÄÖÜäöüß]+", text) if len(compact(t)) >= 2]
    if not line_c:
        return None, 0.0, False
    best: tuple[float, Person | None, bool] = (0.0, None, False)
    for person in reference.persons:
        first, surnames, full = name_parts(person)
        score = ratio(line_c, full)
        first_only = False
        for k, tok in enumerate(tokens):
            if len(tok) < 4:
                continue
            if k > 0 and len(tokens[0]) >= 3 and first and ratio(tokens[0], first) < 0.5:
                continue  # "Jörg Kaufmann" is not Kristin Kaufmann: another first name is written
            for sur in surnames:
                if len(sur) < 4:
                    continue
                s = max(
                    ratio(tok, sur),
                    ratio(tok, sur[: len(tok)]) if len(tok) >= 5 else 0.0,
                    ratio(tok, sur[-len(tok) :]) if len(tok) >= 5 else 0.0,
                )
                if s >= 0.8:
                    score = max(score, 0.75 + 0.2 * s)
        if first and tokens and tokens[0] == first:
            rest = tokens[1:]
            if rest and any(
                surnames[0].startswith(r[:1]) and ratio(r, surnames[0]) >= 0.7 for r in rest
            ):  # "Dirk Hi1bert"; but "Jörg Lammersdorf" is no Jörg Lämmerhirt
                score = max(score, 0.8)
            elif (
                rest
                and len(rest[0]) >= 2
                and _plain(surnames[0]).startswith(_plain(rest[0]))
                and _first_name_unique(first, reference)
            ):  # "Eva Ja" (409486): the surname cut off, the first name the only Eva
                score = max(score, 0.76)
            elif rest and score >= 0.7 and _first_name_unique(first, reference):
                # "Dirk FUloert": the first name read right, the surname half read, no other Dirk
                score = 0.76
            elif not rest:
                first_only = True
                score = max(score, 0.7)
        elif (
            first
            and len(tokens) == 1
            and tokens[0].startswith(first)
            and len(tokens[0]) > len(first)
        ):
            if tokens[0][len(first)] == surnames[0][:1]:
                score = max(score, 0.8)
        if score > best[0]:
            best = (score, person, first_only)
    if best[0] >= 0.75:
        return best[1], best[0], best[2]
    if best[2] and best[1] is not None:
        first = name_parts(best[1])[0]
        if sum(name_parts(p)[0] == first for p in reference.persons) == 1:
            return best[1], best[0], True
    return None, best[0], False


def looks_like_name(text: str, excluded: re.Pattern[str] = _NOT_NAMES) -> bool:
    """Two to four capitalised words, possibly with an academic title: "Dr. Kristin Klaudia Kaufmann"."""
    tokens = text.split()
    if not 2 <= len(tokens) <= 5 or excluded.search(text):
        return False
    return (
        all(_NAME_TOKEN.match(t) for t in tokens) and sum(not t.endswith(".") for t in tokens) >= 2
    )


def clean_written_name(text: str) -> str:
    """A name as written, minus stray apostrophes and stamp debris: "Robe'rto Bäcker" -> "Roberto Bäcker"."""
    text = re.sub(r"(?<=[A-Za-zäöüß])['`´^](?=[a-zäöüß])", "", text)
    text = re.sub(r"^[^A-Za-zÄÖÜ]+|[^A-Za-zäöüß.]+$", "", text.strip())
    return re.sub(r"\s+", " ", text)


def letterhead_holder(
    body: str, letterhead_role: str | None, reference: Reference, day: date | None
) -> Person | None:
    """A lone first name read through OCR ("Jörr", 153665) under a letterhead naming an office:
    the one holder of that office on the day, if the first name is theirs."""
    token = compact(body)
    if not letterhead_role or day is None or " " in body.strip() or len(token) < 3:
        return None
    role = compact(letterhead_role)
    holders = [
        p
        for p in reference.persons
        if any(
            inc.covers(day)
            and (inc.start or inc.end)
            and role in {compact(x) for x in inc.office_labels}
            for inc in p.incumbencies
        )
    ]
    if len(holders) != 1:
        return None
    first = name_parts(holders[0])[0]
    return holders[0] if first and ratio(token, first) >= 0.75 else None
