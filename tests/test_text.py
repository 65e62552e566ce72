"""OCR clean-up (loader/text.py): whitespace collapsed, page markers dropped, words split across
lines joined, and every cleaned character mapped back to its offset in the original text."""

from __future__ import annotations

import random
import re

from loader import SAMPLES_DIR
from loader.text import FUNCTION_WORDS, Mapped, clean, marker_ranges


def one_character_at_a_time(
    text: str, start: int, end: int, dehyphenate: bool, skip: list[tuple[int, int]]
) -> Mapped:
    """What `clean` means, walked one character at a time (the way it was first written): a
    skipped range or whitespace after output starts a gap; the next character closes it with one
    space placed at the gap's start, unless a line break in it splits a word ("Anla-\\nge" drops
    the hyphen; "einzel\\nfallbezogen" joins where neither side is a function word)."""
    skip = sorted((s, e) for s, e in skip if e > start and s < end)
    out: list[str] = []
    pos: list[int] = []
    i, gap, k = start, -1, 0
    while i < end:
        while k < len(skip) and skip[k][1] <= i:
            k += 1
        if k < len(skip) and skip[k][0] <= i:
            gap = i if out and gap < 0 else gap
            i = skip[k][1]
            continue
        ch = text[i]
        if ch.isspace():
            gap = i if out and gap < 0 else gap
            i += 1
            continue
        if gap >= 0:
            join = False
            if dehyphenate and "\n" in text[gap:i]:
                tail = "".join(out[-30:])
                after = re.match(r"[a-zäöüß]+", text[i:end])
                if tail.endswith("-") and len(tail) > 1 and tail[-2].islower() and ch.islower():
                    if after and after.group() not in FUNCTION_WORDS:
                        out.pop()
                        pos.pop()
                        join = True
                else:
                    before = re.search(r"[A-Za-zÄÖÜäöüß]+$", tail)
                    join = bool(
                        before
                        and after
                        and before.group()[-1].islower()
                        and before.group().lower() not in FUNCTION_WORDS
                        and after.group() not in FUNCTION_WORDS
                    )
            if not join:
                out.append(" ")
                pos.append(gap)
            gap = -1
        out.append(ch)
        pos.append(i)
        i += 1
    return Mapped("".join(out), pos, end)


def whole(m: Mapped) -> tuple[str, list[int], int]:
    return m.text, m.pos, m.end_pos


def test_page_markers_and_whitespace_go_and_each_character_keeps_its_offset() -> None:
    text = "Der Stadtrat\n  beschließt:\n-2-\n1. Den Plan\tzu  beschließen.\n"
    m = clean(text)
    assert m.text == "Der Stadtrat beschließt: 1. Den Plan zu beschließen."
    assert [text[p] for p, c in zip(m.pos, m.text, strict=True) if c != " "] == [
        c for c in m.text if c != " "
    ]
    stadtrat, point = m.span(4, 12), m.span(25, 27)
    assert (text[stadtrat.start : stadtrat.end], text[point.start : point.end]) == (
        "Stadtrat",
        "1.",
    )


def test_words_split_across_lines_are_joined_only_when_dehyphenating() -> None:
    text = "die einzel\nfallbezogenen Hilfen der Anla-\nge und\nvom Amt"
    assert clean(text).text == "die einzel fallbezogenen Hilfen der Anla- ge und vom Amt"
    assert clean(text, dehyphenate=True).text == (
        "die einzelfallbezogenen Hilfen der Anlage und vom Amt"
    )


def test_a_function_word_after_a_line_break_stays_a_word_of_its_own() -> None:
    assert clean("Abfallwirtschaft\nvom Amt", dehyphenate=True).text == "Abfallwirtschaft vom Amt"
    assert clean("Straßen-\nund Wege", dehyphenate=True).text == "Straßen- und Wege"


def test_skipped_ranges_count_as_whitespace_and_a_range_of_the_text_is_cleaned_alone() -> None:
    text = "Punkt eins STEMPEL Punkt zwei"
    stamp = (text.index("STEMPEL"), text.index("STEMPEL") + len("STEMPEL"))
    m = clean(text, 6, len(text), skip=[stamp])
    assert whole(m) == (
        "eins Punkt zwei",
        [6, 7, 8, 9, 10, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28],
        len(text),
    )


def test_clean_is_the_character_by_character_definition_on_ocr_like_text() -> None:
    rng = random.Random(17)
    pieces = ["Anla", "ge", "und", "der", "vom", "einzel", "fall", "Ä", "ß", "é", "x", ".", "-"]
    pieces += [" ", " ", "\n", "\n", "-\n", "\t", "\u00a0", "\u2003", "\x0c", "\n-2-\n", "2/4"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        n = len(text)
        skip = sorted(tuple(sorted(rng.sample(range(n + 2), 2))) for _ in range(rng.randint(0, 3)))
        start = rng.randint(0, n)
        end = rng.randint(start, n)
        for dehyphenate in (False, True):
            expected = one_character_at_a_time(text, start, end, dehyphenate, skip)
            got = clean(text, start, end, dehyphenate=dehyphenate, skip=skip)
            assert whole(got) == whole(expected), (text, start, end, skip, dehyphenate)


def test_clean_is_the_character_by_character_definition_on_the_sample_documents() -> None:
    for path in sorted(SAMPLES_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        skip = marker_ranges(text)
        for dehyphenate in (False, True):
            expected = one_character_at_a_time(text, 0, len(text), dehyphenate, skip)
            assert whole(clean(text, dehyphenate=dehyphenate)) == whole(expected), path.name
