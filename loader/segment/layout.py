"""The Layout record every reader fills, and the line, header and signature helpers they share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from loader.text import GLUED_MARKER, PAGE_MARKER

# Header fields and vote lines that more than one layout carries.
PAPER_NUMBER = re.compile(r"^\s*(?:Vorlage|Antrag|Anfrage)\s*Nr\.?\s*[:;]?\s*(?P<id>\S+)", re.M)

# A session number: the body's code (joined codes of a committee sitting as Betriebsausschuss,
# "UK/FB/SE"; a place after a space, "SBR Pi"), the session (3 digits; 2 in an author's shorthand
# "SR/67/2019") and the year. OCR may read the slash before the session as "y" ("FL/SEy006/2015").
SESSION = re.compile(
    r"(?<![A-Za-z])(?P<id>(?P<abbr>[A-ZÄÖÜ][A-Za-zÄÖÜäöü]{0,5}(?:/[A-Z][A-Za-z]{0,3})*"
    r"(?: [A-ZÄÖÜ][A-Za-z]{0,4})?)(?:\s*/\s*|y)(?P<num>\d{2,3})\s*/\s*(?P<year>(?:19|20)\d\d))(?!\d)"
)
# The same in a parenthesis whose letters OCR spaced out: "( U K/F B/SE/036/202 2)".
SPACED_SESSION = re.compile(r"\((?P<inner>[A-Z0-9 /]{12,40})\)")
SUBJECT_HEAD = re.compile(r"^[ \t]*Ge\w{4,8}[ \t]*[:;][ \t]*(?P<rest>.*)$", re.M)
DATE_HEAD = re.compile(r"Datum\s*[:;]", re.M)
VOTE_HEAD = re.compile(r"^\s*Abstimmung\b.*$", re.M)
VOTE_LINE = re.compile(
    r"^\s*(?:Abstimmung\b.*|(?:Zustimmung|Ablehnung|Kenntnisnahme)(?:\s+mit\s+Änderungen?)?\s*"
    r"|(?:Ja\s+\d+|\d+\s+Ja)\b.*)$",
    re.M,
)


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


def line_spans(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Lines of [start, end) as (start, end, line), offsets into ``text``."""
    out = []
    i = start
    for line in text[start:end].split("\n"):
        out.append((i, i + len(line), line))
        i += len(line) + 1
    return out


def next_nonempty(text: str, pos: int, limit: int | None = None) -> tuple[int, int] | None:
    """The first non-blank, non-page-marker line from ``pos``, as (content_start, end)."""
    limit = len(text) if limit is None else limit
    for s, e, line in line_spans(text, pos, limit):
        if line.strip() and not PAGE_MARKER.fullmatch(line):
            return s + (len(line) - len(line.lstrip())), e
    return None


def skip_ranges(text: str) -> list[tuple[int, int]]:
    """Page markers (alone or glued to text) that no field or point should include."""
    out = [(m.start(), m.end()) for m in PAGE_MARKER.finditer(text)]
    out += [(m.start(), m.end()) for m in GLUED_MARKER.finditer(text)]
    return sorted(out)


def content_lines(text: str, start: int, end: int, skip: list[tuple[int, int]]):
    """Lines of [start, end) without skipped ranges, as (content_start, line_end, content)."""
    out = []
    for s, e, _line in line_spans(text, start, end):
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


def trim_end(text: str, start: int, end: int) -> int:
    """``end`` moved back over trailing whitespace, not before ``start``."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def paragraphs(
    text: str, start: int, end: int, skip: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Blank-line separated paragraphs of [start, end) as offsets; skipped lines break them."""
    paras: list[tuple[int, int]] = []
    cur: list[int] | None = None
    last_end = start
    for s, e, line in line_spans(text, start, end):
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


def first_content(text: str, start: int, end: int, skip) -> str:
    """The first line of [start, end) with a letter or digit, or ""."""
    for _cs, _e, content in content_lines(text, start, end, skip):
        if re.search(r"[A-Za-z0-9]", content):
            return content
    return ""


def find_session(text: str, start: int, end: int, layout: Layout) -> None:
    """Record the first session id (``SR/045/2022``) in [start, end) on ``layout``."""
    m = SESSION.search(text, start, end)
    if m:
        ident = f"{m.group('abbr')}/{int(m.group('num')):03d}/{m.group('year')}"
        layout.session = (ident, m.group("abbr"), m.start("id"), m.end("id"))
        return
    for p in SPACED_SESSION.finditer(text, start, end):
        joined = p.group("inner").replace(" ", "")
        m = SESSION.fullmatch(joined)
        if m and "/" in m.group("abbr"):
            ident = f"{m.group('abbr')}/{int(m.group('num')):03d}/{m.group('year')}"
            layout.session = (ident, m.group("abbr"), p.start("inner"), p.end("inner"))
            return


def signature_end(text: str, start: int) -> int:
    """A signature block ends at an elision or at the next prose (a long line)."""
    for s, _e, line in line_spans(text, start, len(text)):
        if s == start:
            continue
        if (
            re.fullmatch(r"\s*(?:\.{3}|…)\s*", line)
            or len(line.strip()) > 70
            or re.match(r"^\s*(?:Erläuterung|Anlage|Hinweis|Begründung)\b", line)
        ):
            return s
    return len(text)


def spaced(word: str) -> str:
    """A pattern for a heading word as letterheads print it: letter-spaced or not
    ("B E S C H L U S S A U S F E R T I G U N G")."""
    return r"[ \t]?".join(re.escape(ch) for ch in word)


def fuzzy_heading(
    text: str, word: str, limit: int = 3000, after: str = "", ratio: float = 0.84, capitals=False
) -> tuple[int, int] | None:
    """Where a line of the first ``limit`` characters opens with ``word`` read through OCR damage
    (letters confused or lost, letter-spaced), followed by ``after`` (a pattern); (start, end of the
    word). Only a word at least as long as a heading's is compared, so short words never match; with
    ``capitals`` most letters must be capitals, as a heading printed in capitals is (a Vorlage's
    "Beschlussempfehlung der Verwaltung" is no BESCHLUSSEMPFEHLUNG)."""
    for s, _e, line in line_spans(text, 0, min(len(text), limit)):
        stripped = line.lstrip(" \t-•*.,\"'")
        lead = len(line) - len(stripped)
        lo, hi = len(word) - 3, len(word) + 3
        m = re.match(rf"(?:[A-Za-zÄÖÜäöüß1|!] ?){{{lo},{hi}}}", stripped)
        if not m:
            continue
        letters = re.sub(r"\s", "", m.group(0))
        if capitals and sum(c.isupper() for c in letters) < 0.8 * len(letters):
            continue
        # the longest prefix of the letters most like the word
        best = max(
            range(len(word) - 3, min(len(letters), len(word) + 3) + 1),
            key=lambda n: SequenceMatcher(None, letters[:n].lower(), word.lower()).ratio(),
        )
        if SequenceMatcher(None, letters[:best].lower(), word.lower()).ratio() < ratio:
            continue
        # map back: the end of the best prefix in the (possibly spaced) line
        count, end = 0, 0
        for i, ch in enumerate(stripped):
            if not ch.isspace():
                count += 1
            if count == best:
                end = i + 1
                break
        if after and not re.match(after, stripped[end:]):
            continue
        return s + lead, s + lead + end
    return None
