"""`explain`: each extracted fact beside the sentence it was read from, with its confidence, then
what could not be read with certainty (the warnings). For people checking an extraction by eye."""

from __future__ import annotations

from loader.model import Extraction, Span
from loader.text import collapse


def _quote(text: str, span: Span | None, width: int = 100) -> str:
    if span is None:
        return ""
    q = collapse(text[span.start : span.end])
    return q if len(q) <= width else q[: width - 1] + "…"


def explain(extraction: Extraction) -> str:
    """Each extracted fact beside the text it was read from, with its confidence in brackets, then
    the warnings."""
    t = extraction.text
    conf = extraction.confidence

    def c(key: str) -> str:
        return f" [{conf[key]:.2f}]" if key in conf else ""

    out = [
        f"{extraction.source}: {extraction.kind}{c('kind')}"
        + (f" ({extraction.reason})" if extraction.reason else "")
    ]
    for name in (
        "vorlage",
        "session",
        "committee",
        "session_date",
        "document_date",
        "subject",
        "next_report_date",
    ):
        value = getattr(extraction, name)
        if value is None:
            continue
        quote = _quote(t, extraction.spans.get(name))
        out.append(f"  {name}: {value}{c(name)}\n      ← «{quote}»")
    if extraction.about_planning_report:
        out.append("  about_planning_report: True (the subject names a Planungsbericht)")
    if extraction.framework_parts:
        out.append(f"  framework_parts: {', '.join(extraction.framework_parts)}")
    if extraction.is_final is not None:
        out.append(f"  is_final: {extraction.is_final}")
    for i, p in enumerate(extraction.points):
        key = f"points[{i}]"
        label = f"point {p.number}" if p.number is not None else "point (unnumbered)"
        out.append(f"  {label}{c(key + '.text')}: «{_quote(t, p.span, 90)}»")
        if p.adopts_report:
            out.append("    adopts the planning report")
        if p.places_in_framework:
            out.append("    places the planning report in the Planungsrahmen")
        for k, d in enumerate(p.delegations):
            extra = f", deadline {d.deadline.isoformat()} ({d.deadline_text})" if d.deadline else ""
            extra += f", recurring ({d.recurrence_text})" if d.recurring else ""
            sure = c(key + ".delegated_to") if k == 0 else ""
            out.append(
                f"    delegated to {d.actor}{sure}{extra}\n      ← «{_quote(t, d.span, 90)}»"
            )
        if p.deadline:
            out.append(
                f"    deadline {p.deadline.isoformat()}{c(key + '.deadline')} ({p.deadline_text})"
            )
        if p.status or p.status_note:
            quote = _quote(t, p.status_span, 90)
            out.append(f"    status {p.status}{c(key + '.status')}\n      ← «{quote}»")
    for i, s in enumerate(extraction.signatories):
        mark = "" if s.matched else " (unmatched)"
        sure = c(f"signatories[{i}].name")
        out.append(f"  signed: {s.name}{sure} — {s.role}{mark}\n      ← «{_quote(t, s.span, 80)}»")
    if extraction.warnings:
        out.append("warnings:")
        for w in extraction.warnings:
            where = f" at {w.span.start}-{w.span.end}" if w.span else ""
            out.append(f"  - {w.message}{where}")
    return "\n".join(out)
