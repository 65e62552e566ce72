"""Recognising a council document's kind and splitting it into header fields, points and signatures.

Four layouts: the Beschlussausfertigung (header fields, "Beschluss:", points, "Dresden, <date>",
chair's signature), the Beschlusskontrolle (a Hausmitteilung quoting the resolution, point by point
or as a block, with the report's own prose after each quote), the Beschlussempfehlung of a committee
(points with vote lines between them) and the Vorlage/Antrag (a Beschlussvorschlag, no points).
Everything is found as offsets into the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loader.text import GLUED_MARKER, PAGE_MARKER

KIND_AUSFERTIGUNG = re.compile(r"^[^\w\n]{0,3}BESCHLUSS\s*AUS\s*FERTIGUNG", re.M)
KIND_KONTROLLE = re.compile(r"^[^\w\n]{0,3}[Bß]esch[l1iI|]usskontro[l1iI|]\w*\s+zu\b", re.M | re.I)
KIND_EMPFEHLUNG = re.compile(r"^[^\w\n]{0,3}BESCHLUSS\s*EMPFEHLUNG", re.M)
KIND_VORLAGE = re.compile(
    r"^\s*(?:Beschlussvorschlag|Beschlussempfehlung der Verwaltung)\s*:", re.M | re.I
)
PAPER_NUMBER = re.compile(r"^\s*(?:Vorlage|Antrag|Anfrage)\s*Nr\.?\s*:?\s*(?P<id>\S+)", re.M)

SESSION = re.compile(
    r"(?<![A-Za-z])(?P<id>(?P<abbr>[A-ZÄÖÜ][A-Za-zÄÖÜäöü]{0,5}(?: [A-ZÄÖÜ][A-Za-z]{0,4})?)\s*/\s*\d{3}\s*/\s*\d{4})"
)
RESOLUTION_HEAD = re.compile(
    r"^[^\w\n]{0,2}[Bß]eschluss(?:\s+[A-Z]{1,4}\s*\d+/\d+/\d{4})?\s*[:;]?\s*$", re.M
)
RESOLUTION_OF = re.compile(r"^[^\w\n]{0,2}[Bß]eschluss[ \t]*zu[ \t]*[:;]?[ \t]*(?P<rest>.*)$", re.M)
SUBJECT_HEAD = re.compile(r"^[ \t]*Ge\w{4,8}[ \t]*[:;][ \t]*(?P<rest>.*)$", re.M)
SESSION_DATE_HEAD = re.compile(r"^[ \t]*Sitzung[ \t]+am[ \t]*[:;]?[ \t]*(?P<rest>.*)$", re.M)
DATE_HEAD = re.compile(r"Datum\s*[:;]", re.M)


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


VOTE_HEAD = re.compile(r"^\s*Abstimmung\b.*$", re.M)
VOTE_LINE = re.compile(
    r"^\s*(?:Abstimmung\b.*|(?:Zustimmung|Ablehnung|Kenntnisnahme)(?:\s+mit\s+Änderungen?)?\s*"
    r"|(?:Ja\s+\d+|\d+\s+Ja)\b.*)$",
    re.M,
)
GREETING = re.compile(
    r"^\s*Mi[tf]\s+fr.*$|^.*\bGr(?:ü|u|ii)(?:ß|ss)en\W*$|^\s*Kenntnisnah.*$", re.M
)
NEXT_REPORT = re.compile(r"^\s*n[äa]chste\s+Beschlusskontrol", re.M | re.I)
SALUTATION = re.compile(r"^\s*Sehr\s+geehrte", re.M)
REPORT_INTRO = re.compile(r"^.*(?:gegeben|berichtet)\s+werden\s*:?\s*$", re.M)
STATUTE = re.compile(r"^\s*(?:Vom\s+\d{1,2}\.\s*\w+\s+\d{4}|§\s*\d+\s*)$", re.M)

NUMBERED = re.compile(r"^[ \t]*[„\"“]?[ \t]*(?P<n>\d{1,2})\.(?=[ \t]|$|[„\"“])[ \t]*[„\"“,]*[ \t]*")
ZU_POINT = re.compile(r"^\s*zu\s+(?P<n>\d{1,2})\.\s*$", re.M | re.I)
POINT_NOTE = re.compile(
    r"\s*Zu(?:m)?\s+Beschlusspunkt(?:en)?\s+\d{1,2}(?:\s*(?:und|,)\s*\d{1,2})*", re.I
)
ZU_BESCHLUSSPUNKT = re.compile(r"^\s*Zu(?:m)?\s+Beschlusspunkt(?:en)?\s+\d", re.I)
OPEN_QUOTE = re.compile(r"[ \t]*(?:„|\"|“|,,|‚)")
CLOSE_QUOTE = re.compile(r"(?:[\"“”]'?|''|/')[ \t]*(?=\n|$)")
RESOLUTION_SENTENCE = re.compile(
    r"^\s*(?:Der|Die|Das|Den)\s*[A-ZÄÖÜ][\wäöüß\-]*(?:\s+[\wäöüß\-]+){0,4}?\s+"
    r"(?:besch\w{2,5}t|stimmt|beauftragt|bittet|ermächtigt|wird\s+(?:beauftragt|gebeten|ermächtigt)"
    r"|nimmt|bestätigt|lehnt|stellt|empfiehlt|billigt|genehmigt|erhält|entscheidet)\b"
)
DELEGATING_INTRO = re.compile(r"\b(?:beauftragt|gebeten|ermächtigt)\b[^.]*[,:]\s*$")


@dataclass
class RawPoint:
    number: int | None
    start: int
    end: int
    note: tuple[int, int] | None = None


@dataclass
class Layout:
    """Where things are in one document (offsets into the original text)."""

    kind: str
    reason: str | None = None
    vorlage: tuple[str, int, int] | None = None
    session: tuple[str, str, int, int] | None = None  # id, abbreviation, start, end
    session_date: tuple[int, int] | None = None  # where to read it
    date_zones: list[tuple[int, int]] = field(
        default_factory=list
    )  # where the document date may be
    subject: tuple[int, int] | None = None
    committee_zone: tuple[int, int] | None = None  # Vorlage: Beratungsfolge
    body: tuple[int, int] | None = None
    intro: tuple[int, int] | None = (
        None  # "Der Oberbürgermeister wird beauftragt," governing points
    )
    points: list[RawPoint] = field(default_factory=list)
    signature: tuple[int, int] | None = None
    letterhead_role: tuple[int, int] | None = None
    status_zone: tuple[int, int] | None = None  # where final/interim is said
    skip: list[tuple[int, int]] = field(default_factory=list)  # page markers and vote lines


def _lines(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    out = []
    i = start
    for line in text[start:end].split("\n"):
        out.append((i, i + len(line), line))
        i += len(line) + 1
    return out


def _next_nonempty(text: str, pos: int, limit: int | None = None) -> tuple[int, int] | None:
    limit = len(text) if limit is None else limit
    for s, e, line in _lines(text, pos, limit):
        if line.strip() and not PAGE_MARKER.fullmatch(line):
            return s + (len(line) - len(line.lstrip())), e
    return None


def _first(pattern: re.Pattern[str], text: str, start: int = 0, end: int | None = None):
    return pattern.search(text, start, len(text) if end is None else end)


def skip_ranges(text: str) -> list[tuple[int, int]]:
    out = [(m.start(), m.end()) for m in PAGE_MARKER.finditer(text)]
    out += [(m.start(), m.end()) for m in GLUED_MARKER.finditer(text)]
    return sorted(out)


def detect_kind(text: str) -> tuple[str, str | None]:
    """The document kind, or "other" with the reason it was not recognised."""
    if len(re.findall(r"[A-Za-zÄÖÜäöüß]{3,}", text)) < 5:
        return "other", "no usable text (empty or garbage text layer)"
    head = text[:3000]
    if KIND_AUSFERTIGUNG.search(head):
        return "Beschlussausfertigung", None
    if KIND_KONTROLLE.search(head):
        return "Beschlusskontrolle", None
    if KIND_EMPFEHLUNG.search(head):
        return "Beschlussempfehlung", None
    if KIND_VORLAGE.search(text) and PAPER_NUMBER.search(head):
        return "Vorlage", None
    return "other", (
        "not recognised: no BESCHLUSSAUSFERTIGUNG, 'Beschlusskontrolle zu', BESCHLUSSEMPFEHLUNG "
        "or Beschlussvorschlag header found"
    )


def _content_lines(text: str, start: int, end: int, skip: list[tuple[int, int]]):
    """Lines of [start, end) without skipped ranges, as (content_start, line_end, content)."""
    out = []
    for s, e, _line in _lines(text, start, end):
        cs = s
        for a, b in skip:
            if a <= cs < b:
                cs = b
        if cs >= e:
            continue
        content = text[cs:e]
        if not content.strip():
            continue
        out.append((cs, e, content))
    return out


def _numbered(content: str) -> tuple[int, int] | None:
    m = NUMBERED.match(content)
    if not m:
        return None
    return int(m.group("n")), m.end()


def _strip_open_quote(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos] in " \t\n":
        pos += 1
    m = OPEN_QUOTE.match(text, pos)
    if m:
        pos = m.end()
    while pos < end and text[pos] in " \t\n":
        pos += 1
    return pos


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def split_numbered(
    text: str, start: int, end: int, skip: list[tuple[int, int]], first_any: bool = False
) -> list[RawPoint]:
    """Numbered points 1., 2., ... in sequence; a number out of sequence is inner text."""
    points: list[RawPoint] = []
    expected = None
    for cs, _e, content in _content_lines(text, start, end, skip):
        hit = _numbered(content)
        if not hit:
            continue
        n, off = hit
        if expected is None:
            if not (n == 1 or (first_any and n <= 30)):
                continue
        elif n != expected:
            continue
        pstart = _strip_open_quote(text, cs + off, end)
        if points:
            points[-1].end = _trim_end(text, points[-1].start, cs)
        points.append(RawPoint(n, pstart, end))
        expected = n + 1
    if points:
        points[-1].end = _trim_end(text, points[-1].start, points[-1].end)
    return points


def _paragraphs(
    text: str, start: int, end: int, skip: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    paras: list[tuple[int, int]] = []
    cur: list[int] | None = None
    last_end = start
    for s, e, line in _lines(text, start, end):
        skipped = (
            any(a <= s and e <= b for a, b in skip)
            or any(a <= s < b for a, b in skip)
            and not text[max(s, min(b for a, b in skip if a <= s < b)) : e].strip()
        )
        if not line.strip() or skipped:
            if cur:
                paras.append((cur[0], last_end))
                cur = None
            continue
        if cur is None:
            cur = [s + (len(line) - len(line.lstrip()))]
        last_end = e
    if cur:
        paras.append((cur[0], last_end))
    return paras


def split_unnumbered(
    text: str, start: int, end: int, skip: list[tuple[int, int]]
) -> list[RawPoint]:
    """Unnumbered resolution paragraphs: each starts with a decision sentence ("Der X beschließt");
    other paragraphs continue the previous one; a statute ("Vom <date>", "§ 1") ends them."""
    points: list[RawPoint] = []
    for ps, pe in _paragraphs(text, start, end, skip):
        chunk = text[ps:pe]
        if STATUTE.search(chunk):
            break
        body = text[_strip_open_quote(text, ps, pe) : pe]
        if not points or RESOLUTION_SENTENCE.match(body):
            points.append(RawPoint(None, _strip_open_quote(text, ps, pe), pe))
        else:
            points[-1].end = pe
    return points


def _first_content(text: str, start: int, end: int, skip) -> str:
    for _cs, _e, content in _content_lines(text, start, end, skip):
        if re.search(r"[A-Za-z0-9]", content):
            return content
    return ""


def split_resolution(text: str, start: int, end: int, skip, layout: Layout) -> list[RawPoint]:
    """Points of a resolution text: numbered if it opens with "1.", else unnumbered paragraphs; an
    opening delegation ending in "," or ":" followed by "1." governs the numbered points."""
    first = _first_content(text, start, end, skip)
    if _numbered(first):
        return split_numbered(text, start, end, skip)
    points = split_numbered(text, start, end, skip)
    paras = _paragraphs(text, start, end, skip)
    if (
        points
        and paras
        and DELEGATING_INTRO.search(text[paras[0][0] : points[0].start].split("\n1.")[0])
    ):
        intro_end = _trim_end(text, paras[0][0], text.rfind("\n", paras[0][0], points[0].start))
        if intro_end > paras[0][0]:
            layout.intro = (paras[0][0], intro_end)
            return points
    return split_unnumbered(text, start, end, skip)


def segment(text: str, place_names: tuple[str, ...] = ()) -> Layout:
    """Find the kind and where each part of ``text`` is; ``place_names`` from the reference data."""
    kind, reason = detect_kind(text)
    layout = Layout(kind, reason, skip=skip_ranges(text))
    if kind == "Beschlussausfertigung":
        _ausfertigung(text, layout, place_date(place_names))
    elif kind == "Beschlusskontrolle":
        _kontrolle(text, layout)
    elif kind == "Beschlussempfehlung":
        _empfehlung(text, layout)
    elif kind == "Vorlage":
        _vorlage(text, layout)
    return layout


def _session(text: str, start: int, end: int, layout: Layout) -> None:
    m = SESSION.search(text, start, end)
    if m:
        ident = re.sub(r"\s*/\s*", "/", m.group("id"))
        layout.session = (ident, m.group("abbr"), m.start("id"), m.end("id"))


def _value_after(text: str, m: re.Match[str] | None, limit: int) -> tuple[int, int] | None:
    if not m:
        return None
    if m.group("rest").strip():
        return m.start("rest"), m.end("rest")
    return _next_nonempty(text, m.end() + 1, limit)


def _ausfertigung(text: str, layout: Layout, closing: re.Pattern[str] | None) -> None:
    head = RESOLUTION_HEAD.search(text)
    body_start = head.end() if head else 0
    header_end = head.start() if head else min(len(text), 1500)
    _session(text, 0, header_end, layout)
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
    layout.body = (body_start, body_end)
    layout.skip = sorted(layout.skip + [(m.start(), m.end()) for m in VOTE_LINE.finditer(text)])
    layout.points = split_resolution(text, body_start, body_end, layout.skip, layout)
    layout.signature = (body_end, _signature_end(text, body_end))
    layout.date_zones = [layout.signature]


def _signature_end(text: str, start: int) -> int:
    """A signature block ends at an elision or at the next prose (a long line)."""
    for s, _e, line in _lines(text, start, len(text)):
        if s == start:
            continue
        if (
            re.fullmatch(r"\s*(?:\.{3}|…)\s*", line)
            or len(line.strip()) > 70
            or re.match(r"^\s*(?:Erläuterung|Anlage|Hinweis|Begründung)\b", line)
        ):
            return s
    return len(text)


def _kontrolle(text: str, layout: Layout) -> None:
    head = KIND_KONTROLLE.search(text)
    assert head is not None
    line_end = text.find("\n", head.end())
    line_end = len(text) if line_end < 0 else line_end
    v = re.match(r"\s*(\S+)", text[head.end() : line_end])
    if v:
        layout.vorlage = (v.group(1), head.end() + v.start(1), head.end() + v.end(1))
    _session(text, head.start(), line_end + 200, layout)
    sal = SALUTATION.search(text, line_end)
    intro = REPORT_INTRO.search(text, line_end)
    subj_end = sal.start() if sal else (intro.start() if intro else line_end)
    layout.subject = (line_end + 1, subj_end)
    dm = DATE_HEAD.search(text, 0, head.start())
    if dm:
        layout.date_zones = [(dm.end(), head.start())]
    lh = re.search(r"^\s*(Beigeordnete?r?\s+für\b.*)$", text[: head.start()], re.M)
    if lh:
        end = lh.end(1)
        nxt = _next_nonempty(text, lh.end() + 1, head.start())
        if nxt and text[nxt[0]].islower():
            end = nxt[1]
        layout.letterhead_role = (lh.start(1), end)
    body_start = intro.end() if intro else (sal.end() if sal else line_end)
    layout.status_zone = (head.start(), body_start)
    ends = [m.start() for m in (GREETING.search(text, body_start),) if m]
    body_end = min(ends) if ends else len(text)
    nxt_report = NEXT_REPORT.search(text, body_start, body_end)
    layout.body = (body_start, body_end)
    points_end = nxt_report.start() if nxt_report else body_end
    layout.signature = (body_end, _kontrolle_signature_end(text, body_end))
    layout.points = _kontrolle_points(text, body_start, points_end, layout.skip)


def _kontrolle_signature_end(text: str, start: int) -> int:
    m = re.search(r"^\s*(?:Anlage\b|Seite\s+\d+\s+von)", text[start:], re.M)
    return start + m.start() if m else len(text)


def _close_quote(text: str, start: int, end: int) -> re.Match[str] | None:
    return CLOSE_QUOTE.search(text, start, end)


def _kontrolle_points(text: str, start: int, end: int, skip) -> list[RawPoint]:
    """Quoted points and the report's prose after each quote (or after a block of quotes)."""
    zu = list(ZU_POINT.finditer(text, start, end))
    if zu:
        pts = []
        for i, m in enumerate(zu):
            pend = zu[i + 1].start() if i + 1 < len(zu) else end
            ps = _strip_open_quote(text, m.end(), pend)
            pe = _trim_end(text, ps, pend)
            pts.append(RawPoint(int(m.group("n")), ps, pe, (ps, pe)))
        return pts
    sections = [
        (s, e)
        for s, e, line in _lines(text, start, end)
        if ZU_BESCHLUSSPUNKT.match(line) and line.strip().endswith(":")
    ]
    quote_end = sections[0][0] if sections else end
    first = _first_content(text, start, quote_end, skip)
    if _numbered(first) or re.match(r"^\W*\d{1,2}\.", first.strip()):
        points = split_numbered(text, start, quote_end, skip, first_any=True)
        block: list[RawPoint] = []
        for p in points:
            block.append(p)
            close = _close_quote(text, p.start, p.end)
            if close:
                note_start = close.end()
                note_end = p.end
                p.end = _trim_end(text, p.start, close.start())
                if text[note_start:note_end].strip():
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
        # "Zu Beschlusspunkt N:" sections
        for i, (s, e) in enumerate(sections):
            send = sections[i + 1][0] if i + 1 < len(sections) else end
            nums = [int(n) for n in re.findall(r"\d{1,2}", text[s:e])]
            for p in points:
                if p.number in nums:
                    p.note = (e, _trim_end(text, e, send))
        return points
    # unnumbered: a quoted block of resolution paragraphs, or an unquoted decision paragraph
    content = _next_nonempty(text, start, end)
    if not content:
        return []
    qs = content[0]
    if OPEN_QUOTE.match(text, qs):
        close = _close_quote(text, qs, end)
        qend = close.start() if close else end
        points = split_unnumbered(text, qs, qend, skip)
        note_start = close.end() if close else end
    else:
        paras = _paragraphs(text, start, end, skip)
        if not paras or not RESOLUTION_SENTENCE.match(text[paras[0][0] : paras[0][1]]):
            return []
        points = [RawPoint(None, paras[0][0], paras[0][1])]
        note_start = paras[0][1]
    if text[note_start:end].strip():
        for p in points:
            p.note = (note_start, _trim_end(text, note_start, end))
    return points


def _empfehlung(text: str, layout: Layout) -> None:
    head = KIND_EMPFEHLUNG.search(text)
    assert head is not None
    pn = PAPER_NUMBER.search(text, 0, head.start())
    if pn:
        layout.vorlage = (pn.group("id"), pn.start("id"), pn.end("id"))
    _session(text, head.start(), head.start() + 400, layout)
    dm = DATE_HEAD.search(text, 0, head.start())
    zones = [(dm.end(), head.start())] if dm else []
    over = re.compile(r"^\s*über\s*:?\s*$", re.M).search(text, head.end())
    subj_start = over.end() if over else (layout.session[3] if layout.session else head.end())
    # the subject is the first paragraph after "über:", up to a point or a vote
    subj_end = subj_start
    started = False
    for s, e, line in _lines(text, subj_start, len(text)):
        if s == subj_start and not line.strip():
            continue
        if not line.strip():
            if started:
                break
            continue
        if _numbered(line) or VOTE_LINE.match(line):
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
    sig_end = _signature_end(text, body_end)
    layout.signature = (body_end, sig_end)
    layout.date_zones = zones + [layout.signature]


def _vorlage(text: str, layout: Layout) -> None:
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
    lines = [(s, e, line) for s, e, line in _lines(text, 0, len(text))]
    sig_start = len(text)
    for s, _e, line in reversed(lines):
        stripped = line.strip()
        if not stripped or any(a <= s < b for a, b in layout.skip) or PAGE_MARKER.fullmatch(line):
            continue
        if len(stripped) > 50 or stripped.endswith((".", ":")):
            break
        sig_start = s
    layout.signature = (sig_start, len(text))
