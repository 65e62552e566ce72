"""OCR clean-up of council texts, keeping every cleaned character's offset in the original text.

PDF text layers of Dresden's documents carry page markers (``-2-``, ``2/4``, ``Seite 1 von 3``), words
split across lines with the hyphen lost (``einzel\\nfallbezogenen``), ``\\/`` for ``V``, ``In`` for ``in``
and stamp debris. Extraction reads cleaned text; spans must still point into the original, so the
cleaners here return a `Mapped` text that knows where each character came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loader.model import Span

# A line that is only a page marker: "-2-", "- 3 -", "2/4", "Seite 1 von 4", or an elision "...".
PAGE_MARKER = re.compile(
    r"^[ \t]*(?:-[ \t]*\d{1,2}[ \t]*-?|\d{1,2}[ \t]*/[ \t]*\d{1,2}|Seite[ \t]+\d+[ \t]+von[ \t]+\d+"
    r"|\.{3}|…)[ \t]*$",
    re.M,
)
# A page marker glued to the start of the next line: "-26. Die ..." = page 2 + point 6.
GLUED_MARKER = re.compile(r"^[ \t]*-(\d)(?=\d{1,2}\.\s|[A-ZÄÖÜ])", re.M)

# Short German function words: a line break next to one of them is a real word boundary even when
# both sides are lower case ("Abfallwirtschaft\nvom" is two words, "einzel\nfallbezogenen" one).
FUNCTION_WORDS = frozenset(
    """der die das den dem des ein eine einer einem einen eines und oder sowie bzw als auch
    in im ins an am auf aus bei beim bis durch für gegen mit nach ohne seit über um unter von vom
    vor zu zum zur zwischen sich ist sind wird werden wurde wurden hat haben kann soll sollen
    nicht noch nur so wie dass daß da dabei hier ggf gem gemäß sie er es wir ihr ihre ihren ihrem
    dieser diese dieses diesem diesen jeweils entsprechend insbesondere""".split()
)


@dataclass
class Mapped:
    """Cleaned text plus, for each of its characters, the offset of its source in the original."""

    text: str = ""
    pos: list[int] = field(default_factory=list)
    end_pos: int = 0  # original offset just after the last source character

    def span(self, start: int = 0, end: int | None = None) -> Span:
        """The original span of cleaned characters ``[start:end]``."""
        end = len(self.text) if end is None else end
        if not self.pos:
            return Span(self.end_pos, self.end_pos)
        start = min(max(start, 0), len(self.pos) - 1)
        if end <= start:
            return Span(self.pos[start], self.pos[start])
        last = self.pos[min(end, len(self.pos)) - 1]
        return Span(self.pos[start], last + 1)


def marker_ranges(text: str) -> list[tuple[int, int]]:
    """Original ranges of page markers (whole lines, and the page part of glued markers)."""
    out = [(m.start(), m.end()) for m in PAGE_MARKER.finditer(text)]
    out += [(m.start(), m.end()) for m in GLUED_MARKER.finditer(text)]
    return sorted(out)


# A run of characters that are not whitespace (``\s`` of a str pattern is exactly ``str.isspace``),
# the lower-case word a line may begin with and the letters a text ends with.
_LOWER_LETTERS = "abcdefghijklmnopqrstuvwxyzäöüß"
_RUN = re.compile(r"\S+")
_LOWER_WORD = re.compile(f"[{_LOWER_LETTERS}]+")
_LAST_WORD = re.compile(r"([A-Za-zÄÖÜäöüß]+)$")
# Only a word that ends in a lower-case letter or a hyphen joins one that starts with a lower-case
# letter of `_LOWER_WORD`: a cheap test before the rules.
_LOWER = frozenset(_LOWER_LETTERS)
_LINE_END = _LOWER | {"-"}


def _joins_word(before: str, text: str, at: int, end: int) -> bool:
    """True when a line break between ``before`` and ``text[at:end]`` splits one word (hyphen lost).

    The word after is matched in place: slicing ``text[at:end]`` per line break is linear in the text.
    """
    mb = _LAST_WORD.search(before)
    ma = _LOWER_WORD.match(text, at, end)
    if not mb or not ma or not mb.group(1)[-1].islower():
        return False
    return mb.group(1).lower() not in FUNCTION_WORDS and ma.group() not in FUNCTION_WORDS


def _kept(start: int, end: int, skip: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The segments of ``[start, end)`` outside ``skip``.

    An offset is skipped when the first range of the list that ends after it starts at or before it:
    the union for a sorted list (as callers pass), and for any other list what a walk through it skips.
    """
    out = []
    at = reach = start  # `reach`: the farthest end of the ranges so far
    for s, e in skip:
        if reach >= end:
            break
        lo = max(s, reach)
        if lo < e:
            if at < lo:
                out.append((at, min(lo, end)))
            at = e
        reach = max(reach, e)
    if at < end:
        out.append((at, end))
    return out


def _joins_line(out: list[str], pos: list[int], text: str, at: int, end: int) -> bool:
    """True when the line break before ``text[at]`` splits a word; a hyphen ending ``out`` is dropped
    ("Anla-\\nge") from ``out`` and ``pos``."""
    tail = "".join(out[-30:])[-30:]  # no piece is empty: the last 30 characters put out
    if tail.endswith("-") and len(tail) > 1 and tail[-2].islower() and text[at].islower():
        nxt = _LOWER_WORD.match(text, at, end)
        if not nxt or nxt.group() in FUNCTION_WORDS:
            return False
        out[-1] = out[-1][:-1]
        if not out[-1]:
            out.pop()
        pos.pop()
        return True
    return _joins_word(tail, text, at, end)


def clean(
    text: str,
    start: int = 0,
    end: int | None = None,
    *,
    dehyphenate: bool = False,
    skip: list[tuple[int, int]] | None = None,
) -> Mapped:
    """``text[start:end]`` with whitespace collapsed, page markers dropped and, with ``dehyphenate``,
    words split across lines joined; leading/trailing whitespace removed."""
    end = len(text) if end is None else end
    skip = skip if skip is not None else marker_ranges(text)
    skip = [(s, e) for s, e in skip if e > start and s < end]
    segments = _kept(start, end, skip)
    if segments and segments[-1][1] > len(text):
        raise IndexError("string index out of range")  # an offset past the text, not skipped
    # Whole runs of non-whitespace at a time (skipped ranges count as whitespace); between two runs
    # one space, placed where the gap starts, unless a line break in the gap splits a word.
    out: list[str] = []
    pos: list[int] = []
    last = -1  # end of the last run put out
    for a, b in segments:
        for m in _RUN.finditer(text, a, b):
            s, e = m.span()
            if out and not (
                dehyphenate
                and text[s] in _LOWER
                and text[last - 1] in _LINE_END
                and text.find("\n", last, s) >= 0
                and _joins_line(out, pos, text, s, end)
            ):
                out.append(" ")
                pos.append(last)
            out.append(m.group())
            pos.extend(range(s, e))
            last = e
    return Mapped("".join(out), pos, end)


def collapse(text: str) -> str:
    """Whitespace runs to one space, stripped.

    >>> collapse("  Der  Plan\\n wird ")
    'Der Plan wird'
    """
    return re.sub(r"\s+", " ", text).strip()


_HYPHENS = {0x2010: "-", 0x2011: "-"}


def dehyphenate(text: str) -> str:
    """Join words split across lines and collapse whitespace (for titles).

    >>> dehyphenate("einzel\\nfallbezogenen und Anla-\\nge der Abfallwirtschaft\\nvom 27. Januar")
    'einzelfallbezogenen und Anlage der Abfallwirtschaft vom 27. Januar'
    """
    # born-digital PDFs hyphenate with U+2010/U+2011 (642421): the same hyphen for this purpose
    text = text.translate(_HYPHENS)
    return clean(text, skip=[], dehyphenate=True).text


_PREPOSITION = re.compile(r"(?<=[a-zäöüß,] )(In|Im)(?= [a-zäöüßA-ZÄÖÜ0-9„\"])")


def fix_ocr_words(text: str) -> str:
    """Known OCR confusions in running text: ``\\/`` -> ``V``, ``In``/``Im`` mid-sentence -> ``in``/
    ``im``, a ``}`` closing a ``(``, ``§77`` -> ``§ 77``, ``SGBVIII`` -> ``SGB VIII``.

    >>> fix_ocr_words("Der Bericht wird In den Planungsrahmen (VIII} nach §77 SGBVIII")
    'Der Bericht wird in den Planungsrahmen (VIII) nach § 77 SGB VIII'
    """
    text = text.replace("\\/", "V")
    text = _PREPOSITION.sub(lambda m: m.group(1).lower(), text)
    text = re.sub(r"\(([^(){}]*)\}", r"(\1)", text)
    text = re.sub(r"\{([^(){}]*)\)", r"(\1)", text)
    text = re.sub(r"§(?=\d)", "§ ", text)
    text = re.sub(r"\b(SGB)(?=[IVX]+\b)", r"\1 ", text)
    text = re.sub(r"(?<=§ )(\d+)(?=[A-Z]{2,})", r"\1 ", text)
    return text


# What OCR reads for a letter of running text: l/i/I/1/| stand in for each other
# ("beschIießt", "Pianungsrahmen", "Planungsberlcht", "P1anungsbericht"), ß comes out as ss or B, and
# "m" and "rn" are read for each other ("Trägem" for "Trägern", "Planungsrahrnen").
_READ_AS = {"l": "[lIi1|!]", "i": "[lIi1|!]", "I": "[lIi1|!]", "ß": "(?:ß|ss|B)",
            "m": "(?:m|rn)", "rn": "(?:rn|m)"}  # fmt: skip
# Where a line break split a word, the hyphen may be kept or lost; either way a space is left in
# cleaned text ("Planungs- bericht", "Planungs bericht"). Like German hyphenation, a break leaves at
# least two letters on each side, so a short word does not match across two words ("und enden").
_BREAK = r"(?:-?\s*)"


def _word_pattern(word: str) -> str:
    out = []
    at = 0
    for unit in re.findall(r"rn|.", word):
        if 2 <= at <= len(word) - 2:
            out.append(_BREAK)
        out.append(_READ_AS.get(unit, re.escape(unit)))
        at += len(unit)
    return "".join(out)


def ocr_pattern(phrase: str, flags: int = 0) -> re.Pattern[str]:
    """A pattern that finds ``phrase`` as OCR reads it: confusable letters, a word broken at a line
    (hyphen kept or lost) or an extra space; words of the phrase are apart by any whitespace.

    >>> p = ocr_pattern("beschließt den Planungsrahmen", re.I)
    >>> [bool(p.search(s)) for s in ("beschIießt den\\nPianungsrahrnen", "beschliesst den Planungs- rahmen")]
    [True, True]
    >>> bool(p.search("beschließt den Planungsrat")), bool(p.search("beschließt d en Planungsrahmen"))
    (False, False)
    """
    return re.compile(r"\s+".join(_word_pattern(w) for w in phrase.split()), flags)


# Character confusions of OCR in identifiers (letters read for digits).
_DIGIT_FOR = {"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "i": "1", "|": "1", "!": "1",
              "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2", "G": "6", "b": "6", "g": "9"}  # fmt: skip


def digits_from_ocr(text: str) -> str | None:
    """Digits read through letter/digit confusions, or None when a character is no known confusion.

    >>> digits_from_ocr("O59O"), digits_from_ocr("S7"), digits_from_ocr("U7")
    ('0590', '57', None)
    """
    out = []
    for ch in text:
        if ch.isdigit():
            out.append(ch)
        elif ch in _DIGIT_FOR:
            out.append(_DIGIT_FOR[ch])
        else:
            return None
    return "".join(out)


def lines_with_offsets(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, str]]:
    """The lines of ``text[start:end]`` with the offset each starts at."""
    end = len(text) if end is None else end
    out = []
    i = start
    for line in text[start:end].split("\n"):
        out.append((i, line))
        i += len(line) + 1
    return out
