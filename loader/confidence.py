"""How sure each extracted fact is, 0–1, so that a curator can sort the facts by doubt.

The numbers are ranks, not measured probabilities: they order how a fact was read. Highest is a value
read as printed in its labelled place ("Sitzung am: 13.10.2022"); lower, one the extractor had to
correct or decide (an OCR'd paper number, a Pi/Pl body decided by the district the text names, a
heading damaged by OCR), one taken from elsewhere (a delegation from the introduction of numbered
points, a signer taken as the holder of the office the role names), and lowest one given by default
(the status of a point a report says nothing specific about, a name kept as written). Facts that are
null have no confidence: they are not asserted.
"""

from __future__ import annotations

import re

from loader.dates import parse_date
from loader.model import Extraction, Point, Span
from loader.status import DONE, DONE_OTHERWISE, ONGOING, PENDING, WILL, ocr_letters

AS_PRINTED = 0.95  # read from its labelled place without correction
CORRECTED = 0.8  # read through OCR damage that had to be corrected or decided
INFERRED = 0.75  # taken from elsewhere in the text (an intro, an office's holder)
DEFAULT = 0.6  # what the kind of report implies when the text says nothing specific
AS_WRITTEN = 0.5  # a name kept as written, not found in the reference data


def _warned(ext: Extraction, span: Span | None, *words: str) -> bool:
    """A warning about the text at ``span`` saying one of ``words``."""
    for w in ext.warnings:
        if w.span is None or span is None:
            continue
        overlaps = w.span.start < span.end and span.start < w.span.end
        if overlaps and any(word in w.message for word in words):
            return True
    return False


def _status(point: Point) -> float:
    note = ocr_letters(point.status_note or "")
    said = any(p.search(note) for p in (DONE, DONE_OTHERWISE, ONGOING, PENDING, WILL))
    return 0.85 if said else DEFAULT


def _deadline(text: str | None) -> float:
    """A day ("bis zum 15.11.2015") is read as written; a period's end is computed."""
    return AS_PRINTED if text and parse_date(text) else 0.85


def assess(ext: Extraction) -> dict[str, float]:
    """Confidence per asserted fact, keyed like the JSON output ("committee", "points[1].status",
    "signatories[0].name")."""
    out: dict[str, float] = {}
    if ext.kind == "other":
        return out
    out["kind"] = CORRECTED if ext.reason else AS_PRINTED  # a reason: the heading was damaged
    for name in ("vorlage", "session", "committee", "session_date", "document_date", "subject"):
        if getattr(ext, name) is None:
            continue
        span = ext.spans.get(name)
        corrected = _warned(ext, span, "read as", "OCR")
        if name == "document_date" and span is not None:
            # a rubber stamp's month read through OCR ("2 0. MRL 2015") is a correction
            corrected = corrected or parse_date(ext.text[span.start : span.end]) is None
        out[name] = CORRECTED if corrected else AS_PRINTED
    if ext.framework_parts:
        out["framework_parts"] = AS_PRINTED
    for i, p in enumerate(ext.points):
        key = f"points[{i}]"
        out[f"{key}.text"] = 0.9
        if p.number is not None:
            out[f"{key}.number"] = 0.9
        if p.delegations:
            d = p.delegations[0]
            from_intro = d.span == p.span and d.task == p.text
            out[f"{key}.delegated_to"] = INFERRED if from_intro else 0.9
        if p.deadline is not None:
            out[f"{key}.deadline"] = _deadline(p.deadline_text)
        if p.status is not None:
            out[f"{key}.status"] = _status(p)
    for i, s in enumerate(ext.signatories):
        key = f"signatories[{i}]"
        if s.name is not None:
            if not s.matched:
                out[f"{key}.name"] = AS_WRITTEN
            elif s.name_as_written is None:
                out[f"{key}.name"] = INFERRED  # no legible name: the holder of the role's office
            else:
                exact = re.sub(r"\s+", " ", s.name_as_written).strip() == s.name
                out[f"{key}.name"] = AS_PRINTED if exact else CORRECTED
        if s.role is not None:
            out[f"{key}.role"] = 0.9
    return out
