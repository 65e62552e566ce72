"""The Beschlussausfertigung: header fields, "Beschluss:", points, "<place>, <date>", the chair's signature."""

from __future__ import annotations

import re

from loader.segment.layout import (
    SUBJECT_HEAD,
    VOTE_HEAD,
    VOTE_LINE,
    Layout,
    find_session,
    next_nonempty,
    signature_end,
)
from loader.segment.points import split_resolution

KIND_AUSFERTIGUNG = re.compile(r"^[^\w\n]{0,3}BESCHLUSS\s*AUS\s*FERTIGUNG", re.M)
RESOLUTION_HEAD = re.compile(
    r"^[^\w\n]{0,2}[Bß]eschluss(?:\s+[A-Z]{1,4}\s*\d+/\d+/\d{4})?\s*[:;]?\s*$", re.M
)
RESOLUTION_OF = re.compile(r"^[^\w\n]{0,2}[Bß]eschluss[ \t]*zu[ \t]*[:;]?[ \t]*(?P<rest>.*)$", re.M)
SESSION_DATE_HEAD = re.compile(r"^[ \t]*Sitzung[ \t]+am[ \t]*[:;]?[ \t]*(?P<rest>.*)$", re.M)


def place_date(place_names: tuple[str, ...]) -> re.Pattern[str] | None:
    """The "<place>, <date>" line that closes a resolution; OCR may lose the name's last letter.

    >>> bool(place_date(("Dresden",)).search("Dresden, 17.10.2022"))
    True
    >>> bool(place_date(("Dresden",)).search("Dresde"))
    True
    >>> place_date(()) is None
    True
    """
    names = [n for n in place_names if len(n) >= 3]
    if not names:
        return None
    alternatives = "|".join(
        rf"{re.escape(n[:-1])}(?:{re.escape(n[-1])}?\s*,.{{0,20}}|\s*)" for n in names
    )
    return re.compile(rf"^\s*(?:{alternatives})$", re.M)


def _value_after(text: str, m: re.Match[str] | None, limit: int) -> tuple[int, int] | None:
    if not m:
        return None
    if m.group("rest").strip():
        return m.start("rest"), m.end("rest")
    return next_nonempty(text, m.end() + 1, limit)


CHAIR = re.compile(r"^[ \t]*Vorsitzende[r]?[ \t]*$", re.M)


def _unannounced_signature(text: str, start: int, end: int) -> int:
    """Where the chair's signature starts when no "<place>, <date>" line announces it (651553,
    732524): the short lines after the last sentence before the last "Vorsitzende(r)"."""
    chairs = list(CHAIR.finditer(text, start, end))
    if not chairs:
        return end
    last_sentence = None
    # a sentence ends in a word ("einzufordern."), not in a stamp's digits ("95. miWL")
    for m in re.finditer(r"[a-zäöüß]{3,}[.!][ \t]*\n", text[start : chairs[-1].start()]):
        last_sentence = start + m.end()
    if last_sentence is None:
        return end
    return last_sentence


def segment_ausfertigung(text: str, layout: Layout, closing: re.Pattern[str] | None) -> None:
    """Fill ``layout`` for a Beschlussausfertigung; ``closing`` is the "<place>, <date>" line."""
    head = RESOLUTION_HEAD.search(text)
    body_start = head.end() if head else 0
    header_end = head.start() if head else min(len(text), 1500)
    find_session(text, 0, header_end, layout)
    v = _value_after(text, RESOLUTION_OF.search(text, 0, header_end), header_end)
    if v:
        layout.vorlage = (text[v[0] : v[1]].strip(), v[0], v[1])
    sd = _value_after(text, SESSION_DATE_HEAD.search(text, 0, header_end), header_end)
    layout.session_date = sd
    subj = SUBJECT_HEAD.search(text, 0, header_end)
    if subj:
        layout.subject = (
            subj.start("rest") if subj.group("rest").strip() else subj.end() + 1,
            header_end,
        )
    ends = [
        m.start()
        for m in (
            closing.search(text, body_start) if closing else None,
            VOTE_HEAD.search(text, body_start),
        )
        if m
    ]
    body_end = min(ends) if ends else len(text)
    if not (closing and closing.search(text, body_start)):
        body_end = min(body_end, _unannounced_signature(text, body_start, body_end))
    layout.body = (body_start, body_end)
    layout.skip = sorted(layout.skip + [(m.start(), m.end()) for m in VOTE_LINE.finditer(text)])
    layout.points = split_resolution(text, body_start, body_end, layout.skip, layout)
    layout.signature = (body_end, signature_end(text, body_end))
    layout.date_zones = [layout.signature]
