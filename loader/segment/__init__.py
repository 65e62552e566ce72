"""Recognising a council document's kind and splitting it into header fields, points and signatures.

Four layouts: the Beschlussausfertigung (header fields, "Beschluss:", points, "Dresden, <date>",
chair's signature), the Beschlusskontrolle (a Hausmitteilung quoting the resolution, point by point
or as a block, with the report's own prose after each quote), the Beschlussempfehlung of a committee
(points with vote lines between them) and the Vorlage/Antrag (a Beschlussvorschlag, no points).
Everything is found as offsets into the original text.

One module per layout (`ausfertigung`, `kontrolle`, `empfehlung`, `vorlage`); `layout` holds the
record they fill and the line and header helpers they share, `points` the splitting into points.
"""

from __future__ import annotations

import re
from itertools import islice

from loader.segment.ausfertigung import KIND_AUSFERTIGUNG, place_date, segment_ausfertigung
from loader.segment.empfehlung import KIND_EMPFEHLUNG, segment_empfehlung
from loader.segment.kontrolle import KIND_KONTROLLE, kontrolle_heading, segment_kontrolle
from loader.segment.layout import PAPER_NUMBER, Layout, RawPoint, fuzzy_heading, skip_ranges
from loader.segment.points import split_numbered, split_resolution, split_unnumbered
from loader.segment.vorlage import KIND_VORLAGE, segment_vorlage

__all__ = [
    "Layout",
    "RawPoint",
    "detect_kind",
    "place_date",
    "segment",
    "skip_ranges",
    "split_numbered",
    "split_resolution",
    "split_unnumbered",
]


def detect_kind(text: str) -> tuple[str, str | None]:
    """The document kind, or "other" with the reason it was not recognised; a kind read from a
    damaged heading comes with that reason too."""
    if len(list(islice(re.finditer(r"[A-Za-zÄÖÜäöüß]{3,}", text), 5))) < 5:  # five are enough
        return "other", "no usable text (empty or garbage text layer)"
    head = text[:3000]
    if KIND_AUSFERTIGUNG.search(head):
        return "Beschlussausfertigung", None
    if KIND_KONTROLLE.search(head):
        return "Beschlusskontrolle", None
    if KIND_EMPFEHLUNG.search(head):
        return "Beschlussempfehlung", None
    # the same headings letter-spaced or damaged by OCR ("B E S C H L U S S A U S F E R T I G U N G")
    damaged = "heading read through OCR damage or letter-spacing"
    if fuzzy_heading(text, "BESCHLUSSAUSFERTIGUNG", capitals=True):
        return "Beschlussausfertigung", damaged
    if kontrolle_heading(text):
        return "Beschlusskontrolle", damaged
    if fuzzy_heading(text, "BESCHLUSSEMPFEHLUNG", capitals=True):
        return "Beschlussempfehlung", damaged
    if KIND_VORLAGE.search(text) and PAPER_NUMBER.search(head):
        return "Vorlage", None
    return "other", (
        "not recognised: no BESCHLUSSAUSFERTIGUNG, 'Beschlusskontrolle zu', BESCHLUSSEMPFEHLUNG "
        "or Beschlussvorschlag header found"
    )


def segment(text: str, place_names: tuple[str, ...] = ()) -> Layout:
    """Find the kind and where each part of ``text`` is; ``place_names`` from the reference data."""
    kind, reason = detect_kind(text)
    layout = Layout(kind, reason, skip=skip_ranges(text))
    if kind == "Beschlussausfertigung":
        segment_ausfertigung(text, layout, place_date(place_names))
    elif kind == "Beschlusskontrolle":
        segment_kontrolle(text, layout)
    elif kind == "Beschlussempfehlung":
        segment_empfehlung(text, layout)
    elif kind == "Vorlage":
        segment_vorlage(text, layout)
    return layout
