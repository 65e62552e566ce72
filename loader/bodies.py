"""Which body a code read through OCR names, decided by evidence in the same text or not at all.

OCR folds letters that look alike (``l``/``I``/``i``/``1``/``|``), so ``SBR Pl`` on the page may be the
Stadtbezirksbeirat Plauen or Pieschen (``SBR Pi``), and a paper number ``V-Pl0013/19`` belongs to one of
them. Where the folded code fits one body only, it is that body. Where it fits two, the code as printed
is no evidence (the confusion is exactly what OCR does), so the text must name the body or its place
("Stadtbezirksbeirates Pieschen"); if it names neither, or both, the answer is None and the caller warns.
A wrong body (and a wrong paper number with it) misleads every later query; a missing one does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loader.reference import Committee, Reference
from loader.text import ocr_pattern


def fold(code: str) -> str:
    """A code with OCR's look-alike letters made one: ``SBR Pi``, ``SBR PI``, ``SBR P1`` -> ``sbr pl``.

    >>> fold("SBR Pi") == fold("SBR Pl") == fold("SBR P1"), fold("SBR Co") == fold("SBR Lo")
    (True, False)
    """
    return re.sub(r"[il1|!]", "l", re.sub(r"\s+", " ", code.strip()).lower())


@dataclass(frozen=True)
class Decision:
    """The body a code names (None when undecided) and, if undecided or corrected, why."""

    committee: Committee | None
    note: str | None = None
    ambiguous: bool = False  # two bodies fit the code: the code as printed is no evidence either


def _place_word(c: Committee) -> str:
    """The word that tells bodies of one kind apart: "Pieschen" of "Stadtbezirksbeirat Pieschen"."""
    return c.name.split()[-1]


def _named(text: str, candidates: list[Committee]) -> list[Committee]:
    """The candidates the text names: by a label of the body if any is named so, else by its place."""
    by_label = [c for c in candidates if any(ocr_pattern(lab).search(text) for lab in c.labels)]
    if by_label:
        return by_label
    return [
        c for c in candidates if " " in c.abbreviation and ocr_pattern(_place_word(c)).search(text)
    ]


def decide(code: str, text: str, reference: Reference) -> Decision:
    """The committee a printed code stands for, from the reference data and evidence in ``text``.

    An exact code of a body no other code folds into is taken as printed. Otherwise the candidates
    are the bodies whose code folds like it; the text must name exactly one of them.
    """
    key = fold(code)
    candidates = [c for a, c in reference.committees.items() if fold(a) == key]
    if not candidates:
        return Decision(None, f"body {code!r} is not in the reference data")
    if len(candidates) == 1:
        c = candidates[0]
        note = None if c.abbreviation == code else f"body {code!r} read as {c.abbreviation}"
        return Decision(c, note)
    named = _named(text, candidates)
    names = " or ".join(sorted(c.abbreviation for c in candidates))
    if len(named) == 1:
        c = named[0]
        note = None
        if c.abbreviation != code:
            note = f"body {code!r} read as {c.abbreviation}: the text names {c.name}"
        return Decision(c, note)
    why = "names both" if named else "names neither"
    return Decision(
        None, f"body {code!r} may be {names} (OCR confuses them) and the text {why}", True
    )


def place_code(place: str, text: str, reference: Reference) -> tuple[str | None, str | None]:
    """The place code of a paper number (``Pi`` in ``V-Pi00046/21``), decided like `decide`; with a
    note when corrected or undecided."""
    key = fold(place)
    bodies = [c for c in reference.committees.values() if " " in c.abbreviation]
    candidates = {
        c.abbreviation.split()[-1]: c for c in bodies if fold(c.abbreviation.split()[-1]) == key
    }
    if not candidates:
        return place, None  # a code the reference does not know is kept as printed
    if len(candidates) == 1:
        return next(iter(candidates)), None
    named = sorted(c.abbreviation.split()[-1] for c in _named(text, list(candidates.values())))
    if len(named) == 1:
        return named[0], None
    why = "names both" if named else "names neither"
    return None, (
        f"place code {place!r} may be {' or '.join(sorted(candidates))} (OCR confuses them) "
        f"and the text {why}"
    )
