"""The Vorlage or Antrag: paper number, Beratungsfolge and a Beschlussvorschlag, no points."""

from __future__ import annotations

import re

from loader.segment.layout import DATE_HEAD, PAPER_NUMBER, SUBJECT_HEAD, Layout, line_spans
from loader.text import PAGE_MARKER

KIND_VORLAGE = re.compile(
    r"^\s*(?:Beschlussvorschlag|Beschlussempfehlung der Verwaltung)\s*:", re.M | re.I
)


def segment_vorlage(text: str, layout: Layout) -> None:
    """Fill ``layout`` for a Vorlage or Antrag: subject, Beratungsfolge, signature; no points."""
    pn = PAPER_NUMBER.search(text)
    if pn:
        layout.vorlage = (pn.group("id"), pn.start("id"), pn.end("id"))
    proposal = KIND_VORLAGE.search(text)
    assert proposal is not None
    dm = DATE_HEAD.search(text)
    if dm:
        line_end = text.find("\n", dm.end())
        layout.date_zones = [(dm.end(), line_end if line_end > 0 else len(text))]
    subj = SUBJECT_HEAD.search(text, 0, proposal.start())
    if subj:
        layout.subject = (
            subj.start("rest") if subj.group("rest").strip() else subj.end() + 1,
            proposal.start(),
        )
    bf = re.search(r"^\s*Beratungsfolge\s*$", text, re.M)
    zone_end = text.find("\n\n\n", bf.end()) if bf else -1
    if bf:
        layout.committee_zone = (
            bf.end(),
            zone_end if zone_end > 0 else min(len(text), bf.end() + 800),
        )
    # the signature is the short lines at the very end
    lines = [(s, e, line) for s, e, line in line_spans(text, 0, len(text))]
    sig_start = len(text)
    for s, _e, line in reversed(lines):
        stripped = line.strip()
        if not stripped or any(a <= s < b for a, b in layout.skip) or PAGE_MARKER.fullmatch(line):
            continue
        if len(stripped) > 50 or stripped.endswith((".", ":")):
            break
        sig_start = s
    layout.signature = (sig_start, len(text))
