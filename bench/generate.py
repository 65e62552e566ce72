"""A realistic synthetic council: N resolutions as Beschlussausfertigung and Beschlusskontrolle texts.

The texts follow the forms of the Dresden corpus (header block, numbered points, delegation clauses
with deadlines, "Dresden, <date>" and signatures; Hausmitteilungen quoting each point with a status
sentence) and carry OCR-like noise at the rates seen there: confused letters, words hyphenated over
line breaks, page markers, garbled date stamps. Proportions (per resolution 1–8 points, about 40% of
points tasking an actor, half of those with a deadline, 60% of resolutions followed by one or more
Beschlusskontrollen, interim before final) come from the corpus and Dresden's ratsinfo.

Run: ``.venv/bin/python bench/generate.py N OUT_DIR [--seed S]`` — writes ``OUT_DIR/*.txt`` and
``OUT_DIR/truth.jsonl`` (per document: kind, Vorlage, points, delegations, statuses).
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

# (abbreviation, full name, weight): the Stadtrat and the big committees decide most.
COMMITTEES = [
    ("SR", "Stadtrat", 30), ("JHA", "Jugendhilfeausschuss", 18),
    ("SW", "Ausschuss für Soziales und Wohnen", 10),
    ("SB", "Ausschuss für Stadtentwicklung, Bau, Verkehr und Liegenschaften", 12),
    ("F", "Ausschuss für Finanzen", 8), ("WF", "Ausschuss für Wirtschaftsförderung", 6),
    ("AB", "Integrations- und Ausländerbeirat", 3), ("OSR LB", "Ortschaftsrat Langebrück", 3),
    ("OSR CB", "Ortschaftsrat Cossebaude", 3), ("SBR Co", "Stadtbezirksbeirat Cotta", 3),
    ("SBR Pl", "Stadtbezirksbeirat Plauen", 2), ("SBR Leu", "Stadtbezirksbeirat Leuben", 2),
]  # fmt: skip
# (subject of a passive delegation, weight): the Oberbürgermeister is tasked most often.
ACTORS = [
    ("Der Oberbürgermeister", 45), ("Die Verwaltung", 15), ("Die Verwaltung des Jugendamtes", 14),
    ("Das Sozialamt", 8), ("Das Amt für Kindertagesbetreuung", 7),
    ("Das Schulverwaltungsamt", 6), ("Der Eigenbetrieb Kindertageseinrichtungen", 5),
]  # fmt: skip
TOPICS = [
    "Fortschreibung des Schulnetzplanes", "Sanierung der Turnhalle", "Radverkehrskonzept",
    "Planungsbericht Frühe Hilfen", "Kindertagesstättenplanung", "Wohnungsbauförderung",
    "Integrationskonzept", "Haushaltsplan", "Sportstättenentwicklung", "Spielplatzkonzeption",
    "Jugendhilfeplanung", "Sozialbericht", "Mietspiegel", "Lärmaktionsplan", "Klimaschutzkonzept",
    "Gewerbeflächenentwicklung", "Straßenbeleuchtung", "Bürgerbeteiligung", "Kulturentwicklungsplan",
]  # fmt: skip
PLACES = ["Pieschen", "Cotta", "Plauen", "Leuben", "Blasewitz", "Prohlis", "Klotzsche", "Neustadt"]
TASKS = [
    "ein Konzept zur Umsetzung zu erarbeiten und dem {c} vorzulegen",
    "die erforderlichen Haushaltsmittel in den Entwurf des Haushaltes einzustellen",
    "den Stadtrat regelmäßig über den Stand der Umsetzung zu informieren",
    "in Zusammenarbeit mit den freien Trägern die Maßnahmen umzusetzen",
    "die Ergebnisse der Prüfung dem {c} zur Beschlussfassung vorzulegen",
    "Gespräche mit dem Freistaat Sachsen über eine Förderung aufzunehmen",
]  # fmt: skip
PLAIN = [
    "Der {c} beschließt die {t} gemäß Anlage zum Beschluss.",
    "Der {c} nimmt den Bericht zur {t} zur Kenntnis.",
    "Die Maßnahmen der {t} werden in die mittelfristige Finanzplanung aufgenommen.",
    "Der {c} stimmt der Vergabe der Leistungen für die {t} im Stadtteil {p} zu.",
]  # fmt: skip
MONTHS = (
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split()
)
STAMP_MONTHS = "JAN. FEB. MRZ. APR. MAI JUNI JULI AUG. SEP. OKT. NOV. DEZ.".split()
OCR = [("ü", "u"), ("rn", "m"), ("i", "l"), ("ß", "B"), ("e", "c"), ("In", "ln"), ("ä", "a")]
SIGNERS = [("Dirk Hilbert", "Oberbürgermeister"), ("Jan Donhauser", "Erster Bürgermeister")]


@dataclass
class Point:
    number: int
    text: str
    actor: str | None = None
    deadline: date | None = None
    statuses: list[str] = field(default_factory=list)


@dataclass
class Resolution:
    vorlage: str
    abbr: str
    committee: str
    session: str
    day: date
    subject: str
    points: list[Point]


def weighted(rng: random.Random, items: list) -> object:
    return rng.choices(items, weights=[i[-1] for i in items])[0]


def noisy(text: str, rng: random.Random, rate: float) -> str:
    """OCR noise: a few confused letters and words hyphenated across a line break."""
    out = []
    for word in text.split(" "):
        if rng.random() < rate:
            a, b = rng.choice(OCR)
            word = word.replace(a, b, 1)
        if len(word) > 10 and rng.random() < rate:
            cut = rng.randint(4, len(word) - 4)
            word = f"{word[:cut]}\n{word[cut:]}"
        out.append(word)
    return " ".join(out)


def wrap(text: str, width: int = 95) -> str:
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])


def deadline_text(d: date, rng: random.Random) -> tuple[str, date]:
    """A deadline in one of the council's forms, and the day it means."""
    form = rng.random()
    if form < 0.4:
        return f"bis zum {d:%d.%m.%Y}", d
    if form < 0.7:
        q = (d.month - 1) // 3 + 1
        end = date(d.year, 3 * q, 1) + timedelta(days=31)
        return f"bis Ende {q}. Quartal {d.year}", end.replace(day=1) - timedelta(days=1)
    return f"bis zum {d.day}. {MONTHS[d.month - 1]} {d.year}", d


def make_resolution(i: int, rng: random.Random, sessions: dict[str, int]) -> Resolution:
    abbr, committee, _ = weighted(rng, COMMITTEES)
    day = date(2012, 1, 1) + timedelta(days=rng.randrange(365 * 13))  # 13 years: < 10k a year
    sessions[abbr] = sessions.get(abbr, 0) + 1
    session = f"{abbr}/{sessions[abbr] % 1000:03d}/{day.year}"
    vorlage = f"{rng.choice('VVVA')}{i % 10000:04d}/{day.year % 100:02d}"
    topic = rng.choice(TOPICS)
    subject = f"{topic} {rng.choice(PLACES)} {day.year}-{day.year + rng.randint(1, 5)}"
    points = []
    for n in range(1, min(8, max(1, int(rng.expovariate(1 / 3.2)) + 1)) + 1):
        if rng.random() < 0.4:
            actor, _ = weighted(rng, ACTORS)
            task = rng.choice(TASKS).format(c=committee)
            deadline = None
            if rng.random() < 0.5:
                phrase, deadline = deadline_text(day + timedelta(days=rng.randint(60, 900)), rng)
                task = task.replace(" zu ", f" {phrase} zu ", 1) if " zu " in task else task
            points.append(Point(n, f"{actor} wird beauftragt, {task}.", actor, deadline))
        else:
            text = rng.choice(PLAIN).format(c=committee, t=topic, p=rng.choice(PLACES))
            points.append(Point(n, text))
    return Resolution(vorlage, abbr, committee, session, day, subject, points)


def ausfertigung(r: Resolution, rng: random.Random, rate: float) -> str:
    signed = r.day + timedelta(days=rng.randint(2, 10))
    body = "\n".join(f"{p.number}. {wrap(noisy(p.text, rng, rate))}" for p in r.points)
    if len(r.points) > 3 and rng.random() < 0.5:
        body = body.replace(f"\n{r.points[3].number}. ", f"\n\n-2-\n\n{r.points[3].number}. ", 1)
    return (
        f"LANDESHAUPTSTADT DRESDEN\nBESCHLUSSAUSFERTIGUNG\n{r.committee} ({r.session})\n\n"
        f"Sitzung am:\n\n{r.day:%d.%m.%Y}\n\nBeschluss zu:\n\n{r.vorlage}\n\nGegenstand:\n"
        f"{r.subject}\nBeschluss:\n{body}\nDresden, {signed:%d.%m.%Y}\n\n"
        f"{rng.choice(['Melanie Hörenz-Pissang', 'Dirk Hilbert', 'Jan Donhauser'])}\nVorsitzende\n"
    )


def kontrolle(
    r: Resolution, k: int, final: bool, day: date, rng: random.Random, rate: float
) -> str:
    stamp = f"{day.day:02d}. {STAMP_MONTHS[day.month - 1]} {day.year}"
    if rng.random() < rate * 3:
        stamp = stamp.replace(str(day.year), f"{str(day.year)[:3]}^")  # an unreadable stamp
    intro = "abschließende Information" if final else "Zwischeninformation"
    parts = []
    for p in r.points:
        status = p.statuses[k] if k < len(p.statuses) else p.statuses[-1]
        sentence = {
            "umgesetzt": "Der Beschlusspunkt wurde umgesetzt.",
            "fortlaufend": "Der Beschlusspunkt wird fortlaufend umgesetzt.",
            "in_umsetzung": "Der Beschlusspunkt befindet sich in Umsetzung.",
        }[status]
        quoted = wrap(noisy(p.text, rng, rate))
        parts.append(f"{p.number}. „{quoted}“\n{sentence}")
    signer, role = rng.choice(SIGNERS)
    return (
        f"Hausmitteilung\n\nLandeshauptstadt Dresden\n\nGeschäftsbereich\n\nAn alle\n\n"
        f"Fraktionen sowie Mitglieder\ndes Stadtrates der Landeshauptstadt Dresden\n\n"
        f"Datum: {stamp}\nBeschlusskontrolle zu {r.vorlage} (Sitzungsnummer: {r.session})\n"
        f"{r.subject}\n\nSehr geehrte Fraktionen und Mitglieder des Stadtrates,\n\n"
        f"folgende {intro} kann zu o. g. Beschluss gegeben werden:\n\n"
        + "\n\n".join(parts)
        + f"\n\nMit freundlichen Grüßen\n\n{signer}\n{role}\n"
    )


def status_chain(rng: random.Random, reports: int, final: bool) -> list[str]:
    """Per report, a point's status: in Umsetzung first, then fortlaufend or umgesetzt."""
    chain, state = [], "in_umsetzung"
    for k in range(reports):
        last = k == reports - 1
        if last and final:
            state = "umgesetzt" if rng.random() < 0.8 else "fortlaufend"
        elif state == "in_umsetzung" and rng.random() < 0.35:
            state = rng.choice(["umgesetzt", "fortlaufend"])
        chain.append(state)
    return chain


def generate(n: int, out: Path, seed: int = 1, rate: float = 0.02) -> dict[str, int]:
    """Write N resolutions and their reports to ``out``; return counts of what was written."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    sessions: dict[str, int] = {}
    per_year: dict[int, int] = {}
    counts = {"resolutions": 0, "reports": 0, "points": 0, "delegations": 0}
    with (out / "truth.jsonl").open("w", encoding="utf-8") as truth:
        for i in range(1, n + 1):
            r = make_resolution(i, rng, sessions)
            per_year[r.day.year] = per_year.get(r.day.year, 0) + 1  # Vorlage numbers count per year
            r.vorlage = f"{r.vorlage[0]}{per_year[r.day.year]:04d}/{r.day.year % 100:02d}"
            stem = f"{r.session.replace('/', '-').replace(' ', '')}_{r.vorlage.replace('/', '-')}"
            (out / f"{stem}_Beschlussausfertigung.txt").write_text(
                ausfertigung(r, rng, rate), encoding="utf-8"
            )
            reports = 0 if rng.random() < 0.4 else min(7, 1 + int(rng.expovariate(1 / 0.8)))
            final = rng.random() < 0.7
            for p in r.points:
                p.statuses = status_chain(rng, reports, final)
            day = r.day
            for k in range(reports):
                day += timedelta(days=rng.randint(90, 400))
                text = kontrolle(r, k, final and k == reports - 1, day, rng, rate)
                (out / f"{stem}_Beschlusskontrolle_{k + 1}.txt").write_text(text, encoding="utf-8")
            truth.write(
                json.dumps(
                    {
                        "vorlage": r.vorlage,
                        "session": r.session,
                        "points": len(r.points),
                        "delegations": sum(p.actor is not None for p in r.points),
                        "reports": reports,
                        "statuses": [p.statuses for p in r.points],
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
            counts["resolutions"] += 1
            counts["reports"] += reports
            counts["points"] += len(r.points)
            counts["delegations"] += sum(p.actor is not None for p in r.points)
    return counts


def big_resolution(points: int, vorlage: str = "V9999/26") -> str:
    """A Beschlussausfertigung as the sample has it, with ``points`` delegated points (2,000:
    440 KB, 29,000 triples, a write of a few seconds)."""
    from loader import SAMPLES_DIR  # noqa: PLC0415 - only this document needs the package

    sample = (SAMPLES_DIR / "JHA-042-2022_V1106-21_Beschlussausfertigung.txt").read_text("utf-8")
    head = sample.split("Beschluss:\n")[0].replace("V1106/21", vorlage) + "Beschluss:\n"
    body = "".join(
        f"{i}. Die Verwaltung des Jugendamtes wird beauftragt, in einen Erfahrungsaustausch mit "
        f"Städten in Sachsen zum Thema {i} zu treten und dem Jugendhilfeausschuss bis Ende "
        "2. Quartal 2023 Best-Practice-Beispiele vorzulegen.\n"
        for i in range(1, points + 1)
    )
    return head + body + "Dresden, 17.10.2022\n\nMelanie Hörenz-Pissang\nVorsitzende\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, help="number of resolutions")
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--noise", type=float, default=0.02, help="OCR noise rate per word")
    args = parser.parse_args()
    print(json.dumps(generate(args.n, args.out, args.seed, args.noise)))


if __name__ == "__main__":
    main()
