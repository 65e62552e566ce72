"""The front door of extraction: text in, an `Extraction` record out, every fact with its span.

``extract_text`` works from the text alone; ``explain`` (from `loader.explain`) prints each fact
beside the sentence it was read from, with its confidence, then what could not be read with certainty.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from loader.actors import find_clauses
from loader.bodies import decide, fold, place_code
from loader.confidence import assess
from loader.dates import find_deadlines, find_recurrence, parse_date, parse_stamp
from loader.explain import explain
from loader.model import Delegation, Extraction, Point, Span, Warning
from loader.read import read_text
from loader.reference import Reference, load_reference
from loader.segment import Layout, RawPoint, segment
from loader.signatures import parse_signatures
from loader.status import classify, is_final, next_report_date
from loader.text import clean, collapse, dehyphenate, digits_from_ocr, fix_ocr_words, ocr_pattern

# A resolution on a Planungsbericht adopts it in one point and places it in the Planungsrahmen
# (the framework part the document names) in another. The words are read through OCR noise
# ("beschIießt den Pianungs- bericht"); the subject is matched case-sensitively, as a title names it.
__all__ = ["explain", "extract_file", "extract_text", "normalise_vorlage", "read_vorlage"]

_ABOUT_REPORT = ocr_pattern("Planungsbericht")
_ADOPTS_REPORT = ocr_pattern("beschließt den Planungsbericht", re.I)
_PLACES_IN_FRAMEWORK = ocr_pattern("Planungsrahmen", re.I)

_PAPER = re.compile(
    r"^(?P<prefix>AF|V|A)(?:-(?P<place>[A-Za-z]{1,4}))?(?P<num>[0-9OoSlI|]{4,5})(?P<suffix>-\d\d)?/(?P<year>\d\d)$"
)


def normalise_vorlage(raw: str, reference: Reference, text: str = "") -> str | None:
    """A paper number read through OCR (``\\/2620/23`` -> ``V2620/23``), or None if unreadable.

    The place code of Ortschaft/Stadtbezirk papers is checked against the committees' abbreviations;
    a code OCR may have folded (``Pl``: Plauen or Pieschen) is decided by ``text`` or left None.
    """
    return read_vorlage(raw, reference, text)[0]


_PLACE_PAPER = re.compile(
    r"^(?P<prefix>AF|V|A)-(?P<code>[A-Za-z][A-Za-z0-9|!]{4,9}?)(?P<suffix>-\d\d)?/(?P<year>\d\d)$"
)


def _place_splits(code: str, reference: Reference, text: str) -> tuple[set[str], str | None]:
    """Readings of ``Co00175`` / ``CoO0050`` as place code + number: OCR reads digits as letters
    (O for 0), so the place may have swallowed a digit; a reading whose place the reference knows
    wins. Returns the readings ("Co00175") and, when the place was undecidable, why."""
    known = {fold(c.abbreviation.split()[-1]) for c in reference.committees.values()}
    readings: dict[str, bool] = {}
    why = None
    for k in range(1, min(4, len(code) - 4) + 1):
        place, rest = code[:k], code[k:]
        num = digits_from_ocr(rest) if place.isalpha() and 4 <= len(rest) <= 5 else None
        if num is None:
            continue
        decided, note = place_code(place, text, reference)
        if decided is None:
            why = note
            continue
        readings[decided + num] = fold(place) in known
    if any(readings.values()):
        return {r for r, ok in readings.items() if ok}, None
    if why:  # a known but undecidable place beats a reading with a place nobody knows ("P1…")
        return set(), why
    return set(readings), why


def read_vorlage(raw: str, reference: Reference, text: str = "") -> tuple[str | None, str | None]:
    """`normalise_vorlage` with the reason when the number is given up on (else None)."""
    raw = raw.strip().strip(".,;:()[]{}").replace("\\/", "V")
    pm = _PLACE_PAPER.match(raw)
    if pm:
        readings, why = _place_splits(pm.group("code"), reference, text)
        if len(readings) != 1:
            if len(readings) > 1:
                why = f"it reads as {' or '.join(sorted(readings))}"
            return None, why
        tail = f"{pm.group('suffix') or ''}/{pm.group('year')}"
        return f"{pm.group('prefix')}-{readings.pop()}{tail}", None
    m = _PAPER.match(raw)
    if not m or m.group("place"):
        return None, None
    num = digits_from_ocr(m.group("num"))
    if num is None:
        return None, None
    return f"{m.group('prefix')}{num}{m.group('suffix') or ''}/{m.group('year')}", None


def _self_corrected(subject: str, rest: str) -> str:
    """Fix an OCR'd word of a title (i/l, rn/m confusions) when the corrected form occurs elsewhere
    in the same document and the garbled one does not: "Mülierbrunnenfest" -> "Müllerbrunnenfest"."""
    words = set(re.findall(r"[A-Za-zÄÖÜäöüß]{5,}", rest))

    def fix(m: re.Match[str]) -> str:
        w = m.group(0)
        if w in words:
            return w
        variants = {w.replace("ii", "il"), w.replace("rn", "m"), w.replace("m", "rn")}
        # every reading of the letters OCR confuses ("Schuisoziaiarbelt" -> "Schulsozialarbeit")
        spots = [i for i, c in enumerate(w) if c in "iIl1" and i > 0][:8]
        for bits in range(1, 2 ** len(spots)):
            chars = list(w)
            for k, i in enumerate(spots):
                if bits >> k & 1:
                    chars[i] = "i" if w[i] in "lI1" else "l"
            variants.add("".join(chars))
        variants.discard(w)
        for v in sorted(variants):
            if any(x.startswith(v) or (v.startswith(x) and len(v) - len(x) <= 2) for x in words):
                return v
        return w

    return re.sub(r"[A-Za-zÄÖÜäöüß]{6,}", fix, subject)


# A section heading that ends the subject even with its colon damaged ("Beschlussvorschlag;",
# "Beschlüss: 1. Der …", "Begründung"); a subject never runs into the resolution or a signature.
_SECTION = re.compile(
    r"^[ \t]*(?:Beschlussvorschlag|Beschl[uü]ss?|Begründung|Abstimmung|Sachverhalt)[ \t]*"
    r"(?:[:;.,]|$)"
    # a letter on two resolutions names the second after "und" (244117): the first one's subject ends
    r"|\s+und\s+(?:Antrag\s+|Vorlage\s+)?(?:[AV]|\\/)-?[A-Za-z]{0,4}\d{4,5}(?:-\d\d)?/\d\d\b",
    re.M,
)


def _subject(text: str, span: tuple[int, int]) -> str | None:
    cut = _SECTION.search(text, span[0] + 1, span[1])
    if cut:
        span = (span[0], cut.start())
    s = fix_ocr_words(dehyphenate(text[span[0] : span[1]]))
    s = _self_corrected(s, text[: span[0]] + text[span[1] :])
    s = re.sub(r"\(\s*(Sitzungsnummer[^)]*)\)", "", s).strip()
    # „…": OCR and typewriters close a German quote with a straight one; the title's own is “
    s = re.sub(r"„([^„“\"]*)\"", r"„\1“", s)
    return s or None


def _framework_parts(text: str, reference: Reference, end: int) -> list[str]:
    """Parts of the planning framework the document refers to ("(Teil IV, Spezifischer Teil)")."""
    if not reference.framework_label:
        return []
    key = reference.framework_label.split()[0][:10].lower()  # "planungsra"
    numerals = {p.number for p in reference.framework_parts}
    out: list[str] = []
    low = text[:end].lower().replace("pian", "plan")
    for m in re.finditer(re.escape(key), low):
        window = text[m.start() : m.start() + 250]
        for t in re.finditer(r"\bTeil\s+([IVX]+)\b", window):
            if t.group(1) in numerals and f"Teil {t.group(1)}" not in out:
                out.append(f"Teil {t.group(1)}")
            break
    return out


def _document_date(text: str, layout: Layout, ext: Extraction, lower_bound: date | None) -> None:
    for zs, ze in layout.date_zones:
        found: tuple[date, int, int] | None = None
        tried: tuple[int, int] | None = None
        for m in re.finditer(r"[^\n]+", text[zs:ze]):
            line = m.group(0)
            if not re.search(r"\d", line) or re.search(r"\(GB|^\s*GB|GZ", line):
                continue
            s, e = zs + m.start(), zs + m.end()
            d = parse_stamp(line)
            tried = tried or (s, e)
            if d:
                found = (d, s, e)
                break
        if not found:
            joined = collapse(text[zs:ze])
            d = parse_stamp(joined) if len(joined) < 80 else None
            if d:
                found = (d, zs, ze)
        if found:
            d, s, e = found
            if lower_bound and d < lower_bound:
                ext.warnings.append(
                    Warning(
                        f"date stamp {collapse(text[s:e])!r} reads {d.isoformat()}, before the "
                        f"session ({lower_bound.isoformat()}): not taken as the document date",
                        Span(s, e),
                    )
                )
                return
            ext.document_date = d
            ext.spans["document_date"] = Span(s, e)
            return
        if tried:
            s, e = tried
            ext.warnings.append(
                Warning(
                    f"document date {collapse(text[s:e])!r} is unreadable; left empty", Span(s, e)
                )
            )


_BODY_NAME = re.compile(
    r"(?:^|\bdes\s+)(?P<name>(?:Betriebs|Unter)?[Aa]usschuss(?:es)?\b|Ortschaftsrat(?:es)?\b"
    r"|Stadtbezirksbeirat(?:es)?\b|Beirat\b)",
    re.M,
)


def _printed_body(text: str, session_start: int) -> str | None:
    """The body's name printed before its session number in a header ("Ausschuss für Allgemeine
    Verwaltung, Ordnung und Sicherheit (AV/054/2012)"), for a body the reference does not know."""
    window_start = max(0, session_start - 250)
    paren = max(
        text.rfind("(", window_start, session_start), text.rfind("{", window_start, session_start)
    )
    between = text[paren + 1 : session_start]
    if paren < 0 or re.sub(r"Sitzungsnummer|[\s:]", "", between):
        return None
    names = list(_BODY_NAME.finditer(text, window_start, paren))
    if not names:
        return None
    raw = text[names[-1].start("name") : paren]
    if "\n\n" in raw or re.search(r"[\d/]|Beschluss", raw):  # a name, not a letter's lines
        return None
    name = dehyphenate(raw).strip(" ,;")
    name = name.replace("{", "(").replace("}", ")")
    if not 10 <= len(name) <= 200 or name.count("(") != name.count(")"):
        return None
    return name


def _committee(layout: Layout, text: str, reference: Reference, ext: Extraction) -> None:
    if layout.session:
        abbr = layout.session[1]
        where = Span(layout.session[2], layout.session[3])
        decision = decide(abbr, text, reference)
        c = decision.committee
        year = int(layout.session[0][-4:])
        if c is not None and c.founded is not None and year < c.founded.year:
            ext.warnings.append(
                Warning(
                    f"session {layout.session[0]}: {abbr} names the {c.name} only from "
                    f"{c.founded.isoformat()}; the body of {year} is not in the reference data",
                    where,
                )
            )
            return
        if c:
            ext.committee, ext.committee_iri = c.name, c.iri
            ext.spans["committee"] = where
            if c.abbreviation != abbr and ext.session:
                ext.session = c.abbreviation + ext.session[len(abbr) :]
        printed = None if c or decision.ambiguous else _printed_body(text, layout.session[2])
        if printed:
            ext.committee = printed
            ext.spans["committee"] = where
            ext.warnings.append(
                Warning(
                    f"session {layout.session[0]}: body {abbr!r} is not in the reference data; "
                    f"its name read as printed: {printed}",
                    where,
                )
            )
        elif decision.note:
            ext.warnings.append(
                Warning(f"session {layout.session[0]}: {decision.note}; left empty", where)
                if c is None
                else Warning(f"session {layout.session[0]}: {decision.note}", where)
            )
        if decision.ambiguous:
            ext.session = None
    elif layout.committee_zone:
        zs, ze = layout.committee_zone
        found = {}
        for line in text[zs:ze].split("\n"):
            c = reference.committee_by_label(line) if line.strip() else None
            if c and line.strip().lower() in [lab.lower() for lab in c.labels]:
                found[c.abbreviation] = c
        if len(found) == 1:
            c = next(iter(found.values()))
            ext.committee, ext.committee_iri = c.name, c.iri
            ext.spans["committee"] = Span(zs, ze)


def _point(
    text: str,
    raw: RawPoint,
    layout: Layout,
    reference: Reference,
    final: bool | None,
    intro_clauses,
) -> Point:
    mapped = clean(text, raw.start, raw.end, skip=layout.skip)
    body = mapped.text.rstrip("\"“”'/ ")
    point = Point(raw.number, body, mapped.span(0, len(body)))
    point.adopts_report = _ADOPTS_REPORT.search(body) is not None
    point.places_in_framework = _PLACES_IN_FRAMEWORK.search(body) is not None
    for c in find_clauses(body, reference):
        deadlines = [d for d in find_deadlines(body[c.start : c.end])]
        rec = find_recurrence(body[c.start : c.end])
        point.delegations.append(
            Delegation(
                actor=c.label,
                actor_iri=c.actor.iri if c.actor else None,
                actor_text=collapse(c.actor_text),
                task=body[c.start : c.end],
                span=mapped.span(c.start, c.end),
                deadline=deadlines[0].date if deadlines else None,
                deadline_text=deadlines[0].text if deadlines else None,
                recurring=rec is not None,
                recurrence_text=rec,
            )
        )
    # an intro ("Der Oberbürgermeister wird beauftragt, 1. … 2. …") tasks the numbered points after it
    after_intro = layout.intro is not None and raw.start >= layout.intro[1]
    if not point.delegations and intro_clauses and after_intro:
        c, intro_text = intro_clauses[0]
        point.delegations.append(
            Delegation(
                c.label, c.actor.iri if c.actor else None, collapse(c.actor_text), body, point.span
            )
        )
    deadlines = find_deadlines(body)
    if deadlines:
        point.deadline, point.deadline_text = deadlines[0].date, deadlines[0].text
    if layout.kind == "Beschlusskontrolle":
        if raw.note:
            note = clean(text, raw.note[0], raw.note[1], skip=layout.skip)
            if note.text:
                point.status_note = note.text
                point.status_span = note.span()
        point.status = classify(point.status_note, final)
    return point


def extract_text(text: str, source: str, reference: Reference | None = None) -> Extraction:
    """Read one council document's text into an `Extraction` (kind "other" with a reason if unknown)."""
    reference = reference or load_reference()
    layout = segment(text, reference.place_names)
    ext = Extraction(source=source, text=text, kind=layout.kind, reason=layout.reason)
    if layout.kind == "other":
        ext.warnings.append(Warning(f"nothing extracted: {layout.reason}"))
        return ext

    if layout.vorlage:
        raw, s, e = layout.vorlage
        ext.vorlage, why = read_vorlage(raw, reference, text)
        ext.spans["vorlage"] = Span(s, e)
        if ext.vorlage is None:
            ext.warnings.append(
                Warning(
                    f"paper number {raw!r} is unreadable{': ' + why if why else ''}", Span(s, e)
                )
            )
        elif ext.vorlage != raw:
            ext.warnings.append(Warning(f"paper number {raw!r} read as {ext.vorlage}", Span(s, e)))
    if layout.session and layout.kind != "Vorlage":
        ext.session = layout.session[0]
        ext.spans["session"] = Span(layout.session[2], layout.session[3])
    _committee(layout, text, reference, ext)
    if layout.session_date:
        s, e = layout.session_date
        ext.session_date = parse_date(text[s:e])
        ext.spans["session_date"] = Span(s, e)
        if ext.session_date is None:
            ext.warnings.append(Warning(f"session date {text[s:e]!r} is unreadable", Span(s, e)))
    if layout.subject:
        ext.subject = _subject(text, layout.subject)
        ext.spans["subject"] = Span(*layout.subject)
        ext.about_planning_report = _ABOUT_REPORT.search(ext.subject or "") is not None
    lower = ext.session_date
    if lower is None and ext.session:
        year = int(ext.session[-4:])
        lower = date(year, 1, 1)
    _document_date(text, layout, ext, lower)

    sig_start = layout.signature[0] if layout.signature else len(text)
    ext.framework_parts = _framework_parts(text, reference, sig_start)

    final = None
    if layout.kind == "Beschlusskontrolle":
        zone = layout.status_zone or (0, len(text))
        final = is_final(text[zone[0] : zone[1]])
        ext.is_final = final
        if layout.body:
            d, pos = next_report_date(text[layout.body[0] : sig_start + 200])
            ext.next_report_date = d
            if pos is not None:
                ext.spans["next_report_date"] = Span(
                    layout.body[0] + pos, layout.body[0] + pos + 60
                )

    intro_clauses = []
    if layout.intro:
        m = clean(text, *layout.intro, skip=layout.skip)
        intro_clauses = [(c, m.text) for c in find_clauses(m.text, reference)]
    if layout.kind in ("Beschlussausfertigung", "Beschlusskontrolle", "Beschlussempfehlung"):
        ext.points = [
            _point(text, p, layout, reference, final, intro_clauses) for p in layout.points
        ]

    if layout.signature:
        letterhead = None
        if layout.letterhead_role:
            letterhead = dehyphenate(text[layout.letterhead_role[0] : layout.letterhead_role[1]])
        day = ext.document_date or ext.session_date or lower
        sigs, warns = parse_signatures(text, *layout.signature, reference, day, letterhead)
        ext.signatories = sigs
        ext.warnings.extend(warns)
    ext.confidence = assess(ext)
    return ext


def extract_file(path: str | Path, reference: Reference | None = None) -> Extraction:
    """`extract_text` on a file read with `read_text` (plain text or PDF text layer)."""
    path = Path(path)
    return extract_text(read_text(path), path.name, reference)
