"""Robustness: perturbed copies of corpus texts (seeded) must give the same facts back."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from loader.extract import extract_text

CORPUS = Path("/work/shared/corpus")
FILES = [
    CORPUS / "documents" / "JHA-042-2022_V1106-21_Beschlussausfertigung.txt",
    CORPUS / "documents" / "V2620-23_Beschlusskontrolle_Hausmitteilung.txt",
    CORPUS / "ratsinfo" / "files" / "244170.txt",
    CORPUS / "ratsinfo" / "files" / "249931.txt",
    CORPUS / "ratsinfo" / "files" / "258867.txt",
    CORPUS / "ratsinfo" / "files" / "226460.txt",
    # issue 12: layouts first seen on unseen documents (quoted intro, two resolutions, Pi/Pl, a
    # Betriebsausschuss, a letter-spaced heading, unnumbered decision paragraphs)
    *(
        CORPUS / "unlabelled" / "files" / f"{i}.txt"
        for i in ("334090", "244117", "586983", "409486", "436691", "603496")
    ),
]
FILES = [f for f in FILES if f.is_file()]
pytestmark = pytest.mark.skipif(not FILES, reason="corpus not found")

# Words that carry structure or identifiers are left alone; OCR noise hits running prose.
_PROTECTED = re.compile(
    r"\d|/|beauftragt|Beschluss|Oberbürgermeister|Jugendamt|Verwaltung|Sitzung|Datum"
)


def facts(text: str) -> dict:
    extraction = extract_text(text, "perturbed.txt")
    ext = extraction.to_json()
    points = [(p["number"], p["delegated_to"], p["deadline"], p["status"]) for p in ext["points"]]
    # Not in the JSON, but they decide the graph's rb:PlanningReport and what the points do with it.
    planning = [(p.adopts_report, p.places_in_framework) for p in extraction.points]
    keep = ("kind", "vorlage", "session", "committee", "session_date", "framework_parts")
    return {**{k: ext[k] for k in keep}, "points": points,
            "about_planning_report": extraction.about_planning_report, "planning": planning,
            "signatories": [s["name"] for s in ext["signatories"]]}  # fmt: skip


def confuse_letters(text: str, rng: random.Random) -> str:
    """l/I/1 and rn/m confusions inside ordinary prose words."""

    def swap(m: re.Match[str]) -> str:
        w = m.group(0)
        if _PROTECTED.search(w) or rng.random() > 0.15:
            return w
        return w.replace("rn", "m", 1) if "rn" in w else w.replace("l", "I", 1)

    return re.sub(r"(?<=[a-zäöü] )[a-zäöüß]{5,}", swap, text)


def lose_hyphens(text: str, rng: random.Random) -> str:
    """Break long prose words across lines without a hyphen, as the corpus PDFs do."""

    def split(m: re.Match[str]) -> str:
        w = m.group(0)
        if _PROTECTED.search(w) or rng.random() > 0.1:
            return w
        cut = rng.randrange(3, len(w) - 3)
        return w[:cut] + "\n" + w[cut:]

    return re.sub(r"(?<=[a-zäöü] )[a-zäöüß]{9,}(?= [a-zäöü])", split, text)


def page_markers_and_blank_lines(text: str, rng: random.Random) -> str:
    """Page-number lines, form feeds and extra blank lines between paragraphs."""
    out = []
    page = 2
    for para in text.split("\n\n"):
        out.append(para)
        r = rng.random()
        if r < 0.1:
            out.append(f"-{page}-")
            page += 1
        elif r < 0.15:
            out.append("\f")
        elif r < 0.3:
            out.append("")
    return "\n\n".join(out)


PERTURBATIONS = [confuse_letters, lose_hyphens, page_markers_and_blank_lines]


@pytest.mark.parametrize("perturb", PERTURBATIONS, ids=[p.__name__ for p in PERTURBATIONS])
@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_perturbed_text_gives_the_same_facts(path: Path, perturb, seed: int) -> None:
    text = path.read_text(encoding="utf-8")
    assert facts(perturb(text, random.Random(seed))) == facts(text)


def test_shuffled_letterhead_lines_of_a_hausmitteilung_give_the_same_facts() -> None:
    text = FILES[1].read_text(encoding="utf-8")
    head, sep, rest = text.partition("Beschlusskontrolle zu")
    lines = [ln for ln in head.split("\n") if not ln.strip().startswith("Datum")]
    random.Random(7).shuffle(lines)
    shuffled = "\n".join(lines) + "\nDatum:^ A. JULI 202^\n" + sep + rest
    assert facts(shuffled) == facts(text)
