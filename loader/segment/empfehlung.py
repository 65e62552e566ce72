"""The Beschlussempfehlung of a committee: the subject after "über:", points with vote lines between them."""

from __future__ import annotations

import re

from loader.segment.layout import (
    DATE_HEAD,
    PAPER_NUMBER,
    VOTE_HEAD,
    VOTE_LINE,
    Layout,
    find_session,
    fuzzy_heading,
    line_spans,
    signature_end,
)
from loader.segment.points import numbered, split_resolution

KIND_EMPFEHLUNG = re.compile(r"^[^\w\n]{0,3}BESCHLUSS\s*EMPFEHLUNG", re.M)


def segment_empfehlung(text: str, layout: Layout) -> None:
    """Fill ``layout`` for a committee's Beschlussempfehlung; the last vote ends the points."""
    m = KIND_EMPFEHLUNG.search(text)
    found = (m.start(), m.end()) if m else fuzzy_heading(text, "BESCHLUSSEMPFEHLUNG", capitals=True)
    assert found is not None
    head_start, head_end = found
    pn = PAPER_NUMBER.search(text, 0, head_start)
    if pn:
        layout.vorlage = (pn.group("id"), pn.start("id"), pn.end("id"))
    find_session(text, head_start, head_start + 400, layout)
    dm = DATE_HEAD.search(text, 0, head_start)
    zones = [(dm.end(), head_start)] if dm else []
    over = re.compile(r"^\s*über\s*:?\s*$", re.M).search(text, head_end)
    subj_start = over.end() if over else (layout.session[3] if layout.session else head_end)
    # the subject is the first paragraph after "über:", up to a point or a vote
    subj_end = subj_start
    started = False
    for s, e, line in line_spans(text, subj_start, len(text)):
        if s == subj_start and not line.strip():
            continue
        if not line.strip():
            if started:
                break
            continue
        if numbered(line) or VOTE_LINE.match(line):
            break
        started = True
        subj_end = e
    layout.subject = (subj_start, subj_end)
    votes = [m for m in VOTE_HEAD.finditer(text, subj_end)]
    body_end = votes[-1].start() if votes else len(text)
    layout.body = (subj_end, body_end)
    layout.skip = sorted(layout.skip + [(m.start(), m.end()) for m in VOTE_LINE.finditer(text)])
    layout.points = (
        split_resolution(text, subj_end, body_end, layout.skip, layout)
        if text[subj_end:body_end].strip()
        else []
    )
    sig_end = signature_end(text, body_end)
    layout.signature = (body_end, sig_end)
    layout.date_zones = zones + [layout.signature]
