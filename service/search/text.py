"""Words as search sees them: German stems (Snowball), paper numbers as one token, snippets.

The index holds stems, not words, so "Öffnung" finds "Öffnungen" and "interkulturellen" finds
"Interkulturelle": the text and the query go through the same `stems`. A paper number is written
"V1106/21" in documents and "V1106-21" in every IRI; both become the one token ``v1106_21`` (and
``v1106``, so the number alone finds it too)."""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

import snowballstemmer

_stemmer = snowballstemmer.stemmer("german")  # PyStemmer's C code when it is installed
PAPER = re.compile(r"\b([A-Za-z]{1,3}) ?(\d{3,5}) ?[/-] ?(\d{2})\b")
WORD = re.compile(r"\w+")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one lower-case word (cached: a council's vocabulary repeats).

    >>> stem("öffnungen"), stem("interkulturellen")
    ('offnung', 'interkulturell')
    """
    return _stemmer.stemWord(word)


def paper_key(text: str) -> str | None:
    """The token of a paper number, whichever way it is written; None if ``text`` is none.

    >>> paper_key("V1106/21"), paper_key("v1106-21"), paper_key("Jugendamt")
    ('v1106_21', 'v1106_21', None)
    """
    m = PAPER.fullmatch(text.strip())
    return f"{m[1].lower()}{m[2]}_{m[3]}" if m else None


def stems(text: str) -> list[str]:
    """The tokens of a text for the index: stems of its words, paper numbers as one token each.

    >>> stems("Die Vorlage V1106/21 zur Öffnung der Schulen")
    ['die', 'vorlag', 'v1106_21', 'v1106', 'zur', 'offnung', 'der', 'schul']
    """
    out: list[str] = []
    pos = 0
    for m in PAPER.finditer(text):
        out += [stem(w) for w in WORD.findall(text[pos : m.start()].lower())]
        out += [f"{m[1].lower()}{m[2]}_{m[3]}", f"{m[1].lower()}{m[2]}"]
        pos = m.end()
    out += [stem(w) for w in WORD.findall(text[pos:].lower())]
    return out


def match_expression(query: str) -> tuple[str, list[str]]:
    """An FTS5 MATCH expression for what a person typed, and the stems it looks for.

    Every word must occur (AND); a word of four letters or more also finds longer words it begins
    ("Schul" finds "Schulsozialarbeit"); "quoted words" must stand together. Only stems (letters,
    digits, ``_``) reach the expression, each in double quotes, so no input is FTS5 syntax.

    >>> match_expression('Öffnung "offene Jugendarbeit" V1106-21')
    ('"offnung"* "off jugendarbeit" "v1106_21"', ['offnung', 'off', 'jugendarbeit', 'v1106_21'])
    """
    parts: list[str] = []
    looked_for: list[str] = []
    query = PAPER.sub(lambda m: f"{m[1]}{m[2]}/{m[3]}", query)  # "V 1106 / 21": one word
    for m in re.finditer(r'"([^"]*)"|(\S+)', query):
        if m[1] is not None:
            phrase = stems(m[1])
            if phrase:
                parts.append('"' + " ".join(phrase) + '"')
                looked_for += phrase
            continue
        key = paper_key(m[2])
        if key:
            parts.append(f'"{key}"')
            looked_for.append(key)
            continue
        for s in stems(m[2]):
            parts.append(f'"{s}"*' if len(s) >= 4 else f'"{s}"')
            looked_for.append(s)
    return " ".join(parts), looked_for


def snippet(text: str, looked_for: list[str], width: int = 220) -> str:
    """HTML: the passage of ``text`` around the first word that matches, matches in <mark>.

    >>> snippet("Der Stadtrat beschließt die Öffnungen der Schulhöfe.", ["offnung"])
    'Der Stadtrat beschließt die <mark>Öffnungen</mark> der Schulhöfe.'
    """
    if not text:
        return ""
    wanted = [w for w in looked_for if "_" not in w]

    def hit(word: str) -> bool:
        s = stem(word.lower())
        return any(s == w or (len(w) >= 4 and s.startswith(w)) for w in wanted)

    words = list(WORD.finditer(text))
    first = next((m for m in words if hit(m[0])), None)
    start = 0 if first is None else max(0, first.start() - width // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    out, pos = [], start
    for m in words:
        if m.start() < start or m.end() > end:
            continue
        if hit(m[0]):
            out += [escape(text[pos : m.start()]), "<mark>", escape(m[0]), "</mark>"]
            pos = m.end()
    out.append(escape(text[pos:end]))
    body = " ".join("".join(out).split())
    return ("… " if start else "") + body + (" …" if end < len(text) else "")
