"""Splitting a resolution text into its points: numbered 1., 2., ... or decision paragraphs."""

from __future__ import annotations

import re

from loader.segment.layout import (
    Layout,
    RawPoint,
    content_lines,
    first_content,
    line_spans,
    paragraphs,
    trim_end,
)
from loader.text import PAGE_MARKER, dehyphenate

STATUTE = re.compile(r"^\s*(?:Vom\s+\d{1,2}\.\s*\w+\s+\d{4}|§\s*\d+\s*)$", re.M)
NUMBERED = re.compile(r"^[ \t]*[„\"“]?[ \t]*(?P<n>\d{1,2})\.(?=[ \t]|$|[„\"“])[ \t]*[„\"“,]*[ \t]*")
OPEN_QUOTE = re.compile(r"[ \t]*(?:„|\"|“|,,|‚)")
RESOLUTION_SENTENCE = re.compile(
    r"^\s*(?:Der|Die|Das|Den)\s*[A-ZÄÖÜ][\wäöüß\-]*(?:\s+[\wäöüß\-]+){0,4}?\s+"
    r"(?:besch\w{2,5}t|stimmt|beauftragt|bittet|ermächtigt|wird\s+(?:beauftragt|gebeten|ermächtigt)"
    r"|nimmt|bestätigt|lehnt|stellt|empfiehlt|billigt|genehmigt|erhält|entscheidet"
    r"|beruft|bestimmt|wählt|bestellt|benennt|verpflichtet)\b"
)
DELEGATING_INTRO = re.compile(r"\b(?:beauftragt|gebeten|ermächtigt)\b[^.]*[,:]\s*$")


def numbered(content: str) -> tuple[int, int] | None:
    """The point number a line opens with and where its text starts, or None."""
    m = NUMBERED.match(content)
    if not m:
        return None
    return int(m.group("n")), m.end()


def strip_open_quote(text: str, pos: int, end: int) -> int:
    """``pos`` moved past leading whitespace, page markers ("3.", "-5-", "„Der …") and one opening
    quote."""
    while pos < end:
        while pos < end and text[pos] in " \t\n\f\r":
            pos += 1
        marker = PAGE_MARKER.match(text, pos)
        if not marker or marker.end() == pos or marker.end() > end:
            break
        pos = marker.end()
    m = OPEN_QUOTE.match(text, pos)
    if m:
        pos = m.end()
    while pos < end and text[pos] in " \t\n":
        pos += 1
    return pos


def split_numbered(
    text: str,
    start: int,
    end: int,
    skip: list[tuple[int, int]],
    first_any: bool = False,
    restart: re.Pattern[str] | None = None,
) -> list[RawPoint]:
    """Numbered points 1., 2., ... in sequence; a number out of sequence is inner text. After a line
    matching ``restart`` (the paper number heading a second resolution's quotes) numbering may
    begin again at 1."""
    points: list[RawPoint] = []
    expected = None
    lines = content_lines(text, start, end, skip)
    for k, (cs, _e, content) in enumerate(lines):
        if restart is not None and points and restart.fullmatch(content):
            points[-1].end = trim_end(text, points[-1].start, cs)
            expected = 1
            continue
        hit = numbered(content)
        if not hit:
            continue
        n, off = hit
        if expected == 1 and n == 1 and points:
            pass
        elif expected is None:
            if not (n == 1 or (first_any and n <= 30)):
                continue
        elif n != expected:
            continue
        elif _repeated_later(text, lines, k, n, end):
            continue  # "2. Stellvertreter des Mitglieds …" inside point 1, then "2. Der Stadtrat …"
        pstart = strip_open_quote(text, cs + off, end)
        if points and points[-1].end > cs:
            points[-1].end = trim_end(text, points[-1].start, cs)
        points.append(RawPoint(n, pstart, end))
        expected = n + 1
    if points:
        points[-1].end = trim_end(text, points[-1].start, points[-1].end)
    return points


def _repeated_later(text: str, lines: list, k: int, n: int, end: int) -> bool:
    """The same number opens a later line before the next number, and there (not here) a
    resolution sentence begins: this line continues the point before (692310)."""
    here = text[strip_open_quote(text, lines[k][0] + numbered(lines[k][2])[1], end) : end]
    if RESOLUTION_SENTENCE.match(here):
        return False
    for cs, _e, content in lines[k + 1 :]:
        hit = numbered(content)
        if hit and hit[0] == n + 1:
            return False
        if hit and hit[0] == n:
            return (
                RESOLUTION_SENTENCE.match(text[strip_open_quote(text, cs + hit[1], end) : end])
                is not None
            )
    return False


def visual_paragraphs(
    text: str, start: int, end: int, skip: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Paragraphs as printed: blank-line separated, and also where a sentence ends on a line clearly
    shorter than the paragraph's others and the next line opens a new sentence (a PDF's text layer
    often loses the space between paragraphs, 436691, 603496)."""
    out: list[tuple[int, int]] = []
    for ps, pe in paragraphs(text, start, end, skip):
        lines = line_spans(text, ps, pe)
        width = max(len(line.strip()) for _s, _e, line in lines)
        cur = ps
        for (_s, e, line), (ns, _ne, nxt) in zip(lines, lines[1:], strict=False):
            ends = re.search(r"[.!]\s*$", line) is not None
            short = len(line.strip()) < 0.8 * width and width >= 50
            opens = re.match(r"\s*(?:Der|Die|Das|Den|Dem|Über|Für|Mit|Im|In|Zur|Zum|Es)\s", nxt)
            if ends and short and opens:
                out.append((cur, e))
                cur = ns + (len(nxt) - len(nxt.lstrip()))
        out.append((cur, pe))
    return out


def split_unnumbered(
    text: str, start: int, end: int, skip: list[tuple[int, int]]
) -> list[RawPoint]:
    """Unnumbered resolution paragraphs: each starts with a decision sentence ("Der X beschließt");
    other paragraphs continue the previous one (they explain it: 258867); a statute ("Vom <date>",
    "§ 1") ends them. Paragraphs are the printed ones (`visual_paragraphs`)."""
    points: list[RawPoint] = []
    for ps, pe in visual_paragraphs(text, start, end, skip):
        chunk = text[ps:pe]
        if STATUTE.search(chunk):
            break
        body = text[strip_open_quote(text, ps, pe) : pe]
        prev_ended = bool(points) and re.search(
            r"[a-zäöüß)][.!][\"“”]?$", text[points[-1].start : points[-1].end].rstrip()
        )
        if not points or RESOLUTION_SENTENCE.match(body) or (prev_ended and normative(body)):
            points.append(RawPoint(None, strip_open_quote(text, ps, pe), pe))
        else:
            points[-1].end = pe
    return points


# A sentence that decides something of its own: an obligation ("… sind … einzuordnen", "… ist …
# vorzulegen"), a "soll", or a body deciding ("Über … entscheidet der Ortschaftsrat").
_SENTENCE = r"(?:[^.:;]|\.(?=\d))*"  # within one sentence ("175.000 Euro" does not end it)
_NORMATIVE = re.compile(
    rf"\b(?:ist|sind)\b{_SENTENCE}\b(?:zu\s+\w+en|\w+zu\w+en)\s*[.!]"
    rf"|\b(?:soll|sollen)\b{_SENTENCE}\b\w+(?:en|t)\s*[.!]"
    r"|^Über\b[^.:;]*\bentscheidet\b",
    re.S,
)
# Words that tie a paragraph to the one before it: it explains that one, it decides nothing new.
_BACK_REFERENCE = re.compile(r"\b(?:dabei|hierbei|hierzu|dazu|diese[rsmn]?|folgende[n]?)\b", re.I)


def normative(paragraph: str) -> bool:
    """A paragraph of one or two sentences deciding something of its own, not explaining the one
    before ("Die notwendigen Haushaltsmittel … sind … einzuordnen." is a point; "Die Rahmenregelung
    bezieht sich auf …" and "Folgende Eckpunkte … sind dabei zu prüfen:" are not, 258867).

    >>> normative("Die Variantenuntersuchung ist innerhalb von 4 Wochen vorzulegen.")
    True
    >>> normative("Folgende Eckpunkte sind dabei zu prüfen und zu berücksichtigen:")
    False
    """
    flat = dehyphenate(paragraph)  # "einzuord\nnen" is one word
    if len(re.findall(r"[.!](?:\s|$)", flat)) > 2 or _BACK_REFERENCE.search(flat):
        return False
    return _NORMATIVE.search(flat) is not None


# "Der Stadtrat beschließt:" alone: it opens the resolution and is no point of it.
PREAMBLE = re.compile(
    r"\s*(?:Der|Die|Das)\s[^\n]{0,90}?\bbesch[lI1|i][iIl1|!]e(?:ß|ss|B)t\s*:[ \t]*(?:\n|\Z)"
)
_NUMBER_BEFORE = re.compile(r"(?:^|\n)[ \t]*[„\"“]?[ \t]*\d{1,2}\.[ \t„\"“,]*\s*\Z")


def delegating_intro(text: str, start: int, point_start: int) -> tuple[int, int] | None:
    """The sentence before point 1 that tasks someone and ends in "," or ":" ("Der Oberbürgermeister
    wird beauftragt,"): it governs every numbered point after it. (start, end) or None."""
    pre = text[start:point_start]
    number = _NUMBER_BEFORE.search(pre)
    if not number:
        return None
    pre = pre[: number.start()].rstrip()
    m = DELEGATING_INTRO.search(pre)
    if not m:
        return None
    # the sentence starts after the last sentence end, colon or blank line before the verb
    bounds = [pre.rfind(sep, 0, m.start()) for sep in (". ", ".\n", ":\n", ": ", "\n\n")]
    cut = max(bounds)
    sentence_start = start + (cut + 2 if cut >= 0 else 0)
    while sentence_start < start + len(pre) and text[sentence_start] in ' \t\n„"“':
        sentence_start += 1
    return sentence_start, start + len(pre)


def split_resolution(text: str, start: int, end: int, skip, layout: Layout) -> list[RawPoint]:
    """Points of a resolution text: numbered if it opens with "1.", else unnumbered paragraphs. A
    delegation ending in "," or ":" right before "1." governs the numbered points (it is recorded
    as the layout's intro, no point); resolution paragraphs before it are unnumbered points."""
    first = first_content(text, start, end, skip)
    if numbered(first):
        return split_numbered(text, start, end, skip)
    points = split_numbered(text, start, end, skip)
    intro = delegating_intro(text, start, points[0].start) if points else None
    if intro:
        layout.intro = intro
        head = start
        pre = PREAMBLE.match(text, strip_open_quote(text, start, intro[0]), intro[0])
        if pre:
            head = pre.end()
        before = (
            split_unnumbered(text, head, intro[0], skip) if text[head : intro[0]].strip() else []
        )
        return before + points
    return split_unnumbered(text, start, end, skip)
