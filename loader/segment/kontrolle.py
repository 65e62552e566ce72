"""The Beschlusskontrolle: a Hausmitteilung quoting the resolution, with the report's prose after each quote."""

from __future__ import annotations

import re

from loader.segment.layout import (
    DATE_HEAD,
    Layout,
    RawPoint,
    content_lines,
    find_session,
    fuzzy_heading,
    line_spans,
    next_nonempty,
    paragraphs,
    trim_end,
)
from loader.segment.points import (
    DELEGATING_INTRO,
    OPEN_QUOTE,
    RESOLUTION_SENTENCE,
    numbered,
    split_numbered,
    split_unnumbered,
    strip_open_quote,
    visual_paragraphs,
)

KIND_KONTROLLE = re.compile(r"^[^\w\n]{0,3}[Bß]esch[l1iI|]usskontro[l1iI|]\w*\s+zu\b", re.M | re.I)
GREETING = re.compile(
    r"^\s*Mi[tf]\s+fr.*$|^.*\bGr(?:ü|u|ii)(?:ß|ss)en\W*$|^\s*Kenntnisnah.*$"
    r"|^.{0,3}\bfreundlichen\s+Gr.*$",  # "R freundlichen Grü" (191649)
    re.M,
)
NEXT_REPORT = re.compile(r"^\s*n[äa]chste\s+Beschlusskontrol", re.M | re.I)
SALUTATION = re.compile(r"^\s*Sehr\s+geehrte", re.M)
# "… kann zu oben genanntem Beschluss gegeben werden:", "… wird folgender Stand berichtet:"
REPORT_INTRO = re.compile(r"^.*(?:gegeben|berichtet)(?:\s+werden\s*:?|\s*:)[ \t]*$", re.M)
ZU_POINT = re.compile(r"^\s*zu\s+(?P<n>\d{1,2})\.\s*$", re.M | re.I)
POINT_NOTE = re.compile(
    r"\s*Zu(?:m)?\s+Beschlusspunkt(?:en)?\s+\d{1,2}(?:\s*(?:und|,)\s*\d{1,2})*", re.I
)
ZU_BESCHLUSSPUNKT = re.compile(r"^\s*Zu(?:m)?\s+Beschlusspunkt(?:en)?\s+\d", re.I)
CLOSE_QUOTE = re.compile(r"(?:[\"“”]'?|''|/')[ \t]*(?=\n|$)")


def kontrolle_heading(text: str) -> tuple[int, int] | None:
    """The "Beschlusskontrolle zu" heading (start, end), read through OCR damage if need be."""
    m = KIND_KONTROLLE.search(text)
    if m:
        return m.start(), m.end()
    h = fuzzy_heading(text, "Beschlusskontrolle", after=r"\s*zu\b")
    if h is None:
        return None
    zu = re.match(r"\s*zu\b", text[h[1] :])
    assert zu is not None
    return h[0], h[1] + zu.end()


def segment_kontrolle(text: str, layout: Layout) -> None:
    """Fill ``layout`` for a Beschlusskontrolle: letterhead, quoted points and the report on each."""
    found = kontrolle_heading(text)
    assert found is not None
    head_start, head_end = found
    line_end = text.find("\n", head_end)
    line_end = len(text) if line_end < 0 else line_end
    # "Beschlusskontrolle zu Antrag A0625/19": the kind of paper is no part of its number
    v = re.match(r"\s*(?:(?:Antrag|Vorlage)\s+)?(\S+)", text[head_end:line_end])
    if v:
        layout.vorlage = (v.group(1), head_end + v.start(1), head_end + v.end(1))
    find_session(text, head_start, line_end + 200, layout)
    sal = SALUTATION.search(text, line_end)
    intro = REPORT_INTRO.search(text, line_end)
    subj_end = sal.start() if sal else (intro.start() if intro else line_end)
    layout.subject = (line_end + 1, subj_end)
    dm = DATE_HEAD.search(text, 0, head_start)
    if dm:
        layout.date_zones = [(dm.end(), head_start)]
    lh = re.search(r"^\s*(Beigeordnete?r?\s+für\b.*)$", text[:head_start], re.M)
    if lh:
        end = lh.end(1)
        nxt = next_nonempty(text, lh.end() + 1, head_start)
        if nxt and text[nxt[0]].islower():
            end = nxt[1]
        layout.letterhead_role = (lh.start(1), end)
    body_start = intro.end() if intro else (sal.end() if sal else line_end)
    layout.status_zone = (head_start, body_start)
    ends = [m.start() for m in (GREETING.search(text, body_start),) if m]
    body_end = min(ends) if ends else len(text)
    nxt_report = NEXT_REPORT.search(text, body_start, body_end)
    layout.body = (body_start, body_end)
    points_end = nxt_report.start() if nxt_report else body_end
    layout.signature = (body_end, _kontrolle_signature_end(text, body_end))
    layout.points = _kontrolle_points(text, body_start, points_end, layout)


def _kontrolle_signature_end(text: str, start: int) -> int:
    m = re.search(r"^\s*(?:Anlage\b|Seite\s+\d+\s+von)", text[start:], re.M)
    return start + m.start() if m else len(text)


def _close_quote(text: str, start: int, end: int) -> re.Match[str] | None:
    """The quote closing the resolution text: at a line's end, and not the end of an inner quote
    opened on the same line (`„Negativ-Katalog"` in 244117)."""
    for m in CLOSE_QUOTE.finditer(text, start, end):
        line_start = text.rfind("\n", start, m.start()) + 1 or start
        line = text[max(line_start, start) : m.start()]
        if line.count("„") + line.count(",,") > line.count("“") + line.count("”"):
            continue
        return m
    return None


# A line naming the paper a block of quoted points belongs to (a letter on two resolutions, 244117).
PAPER_LINE = re.compile(
    r"[ \t]*(?:[AV]|\\/)-?[A-Za-z]{0,4}[0-9OoSlI]{4,5}(?:-\d\d)?/\d\d[ \t]*:?[ \t]*"
)


# The label of an unquoted resolution in a report, and the report's first words after it.
RESOLUTION_LABEL = re.compile(r"[ \t]*[Bß]eschluss[ \t]*[:;][ \t]*(?:\n|$)")
REPORT_START = re.compile(
    r"(?:Der|Dieser|Die)\s+Beschl\w*\s+(?:ist|wurde|wird|sind|wurden)\b"
    r"|Zu(?:m|r)?\s+(?:Stand|Umsetzung|Beschluss)\b|Mit\s+(?:dem\s+)?Beschluss\b"
)


def _quoted_intro(text: str, start: int, end: int, skip) -> tuple[int, int] | None:
    """A quote opening with a delegation ("„Der Oberbürgermeister wird beauftragt,") whose next line
    is point 1: (start, end) of the delegation, which governs the quoted points."""
    lines = [
        (cs, e, c)
        for cs, e, c in content_lines(text, start, end, skip)
        if not PAPER_LINE.fullmatch(c)
    ]
    for (cs, e, c), (_ns, _ne, nxt) in zip(lines, lines[1:], strict=False):
        if numbered(c):
            return None
        hit = numbered(nxt)
        if hit and hit[0] == 1 and DELEGATING_INTRO.search(c):
            return strip_open_quote(text, cs, e), trim_end(text, cs, e)
    return None


def _quoted_only(text: str, points: list[RawPoint]) -> list[RawPoint]:
    """Once a quote has closed, a numbered line that opens no new quote is the report's own list
    (536005: "3. LED-Beleuchtung: …" after the quoted points 1 and 2); it and the rest go to the
    report on the last quoted point."""
    kept: list[RawPoint] = []
    closed = False
    for p in points:
        opened = re.search(r"(?:„|\"|“|,,)\s*$", text[max(0, p.start - 8) : p.start]) is not None
        if kept and closed and not opened:
            kept[-1].end = points[-1].end
            break
        kept.append(p)
        closed = _close_quote(text, p.start, p.end) is not None
    return kept


def _leading_quote(text: str, start: int, intro_start: int, skip) -> RawPoint | None:
    """A quoted resolution sentence that opens the report before a later intro delegation (536005:
    „Die Stadt Dresden verpflichtet sich …" then the report, then "Der Oberbürgermeister wird
    beauftragt, 1. … 2. …"): an unnumbered point, up to the first sentence ending a line; the prose
    after it, up to the intro, is the report on it."""
    content = next_nonempty(text, start, intro_start)
    if not content or not OPEN_QUOTE.match(text, content[0]):
        return None
    qs = strip_open_quote(text, content[0], intro_start)
    if not RESOLUTION_SENTENCE.match(text, qs) and not re.match(
        r"(?:Der|Die|Das)\s+\S+(?:\s+\S+){0,3}?\s+\w+t\b", text[qs:intro_start]
    ):
        return None
    end = re.search(r"[a-zäöüß]{2,}[.!][\"“”]?[ \t]*\n", text[qs:intro_start])
    if not end:
        return None
    pe = qs + end.end() - 1
    pe = trim_end(text, qs, pe)
    note_end = trim_end(text, pe, intro_start)
    return RawPoint(None, qs, pe, (pe + 1, note_end) if note_end > pe + 1 else None)


def _kontrolle_points(text: str, start: int, end: int, layout: Layout) -> list[RawPoint]:
    """Quoted points and the report's prose after each quote (or after a block of quotes)."""
    skip = layout.skip
    zu = list(ZU_POINT.finditer(text, start, end))
    if zu:
        pts = []
        for i, m in enumerate(zu):
            pend = zu[i + 1].start() if i + 1 < len(zu) else end
            ps = strip_open_quote(text, m.end(), pend)
            pe = trim_end(text, ps, pend)
            pts.append(RawPoint(int(m.group("n")), ps, pe, (ps, pe)))
        return pts
    sections = [
        (s, e)
        for s, e, line in line_spans(text, start, end)
        if ZU_BESCHLUSSPUNKT.match(line) and line.strip().endswith(":")
    ]
    quote_end = sections[0][0] if sections else end
    first = next(
        (
            c
            for _s, _e, c in content_lines(text, start, quote_end, skip)
            if re.search(r"[A-Za-z0-9]", c) and not PAPER_LINE.fullmatch(c)
        ),
        "",
    )
    intro = _quoted_intro(text, start, quote_end, skip)
    if intro:
        layout.intro = intro
    if intro or numbered(first) or re.match(r"^\W*\d{1,2}\.", first.strip()):
        points = _quoted_only(
            text, split_numbered(text, start, quote_end, skip, first_any=True, restart=PAPER_LINE)
        )
        lead = _leading_quote(text, start, intro[0], skip) if intro else None
        block: list[RawPoint] = []
        for p in points:
            block.append(p)
            close = _close_quote(text, p.start, p.end)
            if close:
                note_start = close.end()
                note_end = p.end
                p.end = trim_end(text, p.start, close.start())
                # a paper number alone opens the next resolution's quotes; it says nothing
                if text[note_start:note_end].strip() and not PAPER_LINE.fullmatch(
                    text[note_start:note_end].strip()
                ):
                    # "Zum Beschlusspunkt 2 wurde ..." speaks of point 2 only
                    named = [
                        int(n)
                        for n in re.findall(
                            r"\d{1,2}", (POINT_NOTE.match(text, note_start) or [""])[0]
                        )
                    ]
                    for b in block:
                        if not named or b.number in named:
                            b.note = (note_start, note_end)
                    block = []
        if lead:  # the unnumbered quoted point before the intro, the report on it after it
            points.insert(0, lead)
        # "Zu Beschlusspunkt N:" sections
        for i, (s, e) in enumerate(sections):
            send = sections[i + 1][0] if i + 1 < len(sections) else end
            nums = [int(n) for n in re.findall(r"\d{1,2}", text[s:e])]
            for p in points:
                if p.number in nums:
                    p.note = (e, trim_end(text, e, send))
        return points
    # unnumbered: a quoted block of resolution paragraphs, or an unquoted decision paragraph
    content = next_nonempty(text, start, end)
    if not content:
        return []
    head = RESOLUTION_LABEL.match(text, content[0], content[1])
    if head:  # "Beschluss:" over an unquoted resolution (217258)
        start = head.end()
        content = next_nonempty(text, start, end)
        if not content:
            return []
    qs = content[0]
    if OPEN_QUOTE.match(text, qs):
        close = _close_quote(text, qs, end)
        qend = close.start() if close else end
        points = split_unnumbered(text, qs, qend, skip)
        note_start = close.end() if close else end
    else:
        paras = paragraphs(text, start, end, skip)
        if not paras or not RESOLUTION_SENTENCE.match(text[paras[0][0] : paras[0][1]]):
            return []
        points = [RawPoint(None, paras[0][0], paras[0][1])]
        note_start = paras[0][1]
        if head:  # the resolution runs on until the report's first sentence about it
            vis = visual_paragraphs(text, start, end, skip)
            report = next((ps for ps, pe in vis if REPORT_START.match(text, ps, pe)), None)
            if report is not None and report > paras[0][0]:
                points = split_unnumbered(text, paras[0][0], report, skip)
                note_start = report
    if text[note_start:end].strip():
        for p in points:
            p.note = (note_start, trim_end(text, note_start, end))
    return points
