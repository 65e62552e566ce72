"""Delegation clauses ("X wird beauftragt", "beauftragt den Oberbürgermeister", "wird gebeten") and
the actor they task, resolved against the reference data (office, unit or committee)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from loader.reference import Actor, Reference

# A resolution tasks someone when it asks (beauftragt), requests (bittet / wird gebeten), calls on
# (wird aufgefordert, 132046) or empowers (ermächtigt) them; "Der Stadtrat beauftragt den
# Oberbürgermeister" names the actor after the verb, "Die Verwaltung wird beauftragt" before it.
_VERB = r"(?:beauftragt|gebeten|aufgefordert|ermächtigt|ermachtigt)"
PASSIVE = re.compile(
    rf"(?P<actor>(?:Der|Die|Das)\s*[A-ZÄÖÜ][^.;:]{{0,80}}?)\s+(?:wird|werden)\s+(?:weiterhin\s+|hiermit\s+)?"
    rf"(?P<verb>{_VERB})",
)
ACTIVE = re.compile(
    r"\b(?P<verb>beauftragt|bittet|ermächtigt)\s+(?:weiterhin\s+)?(?P<actor>(?:den|die|das)\s+"
    r"[A-ZÄÖÜ][\wäöüß\-]*(?:\s+(?:der|des)\s+[A-ZÄÖÜ][\wäöüß\-]*){0,3})",
)
# "Die Verwaltung unterbreitet dem Stadtrat bis Februar 2014 einen Organisationsvorschlag"
# (244117): the administration or its head as the subject of a point's first sentence, doing
# what a resolution tasks it with. Only these verbs, and only the point's opening sentence.
SUBJECT = re.compile(
    r"^(?P<actor>(?:Der|Die)\s+(?:Oberbürgermeister(?:in)?|(?:Stadt)?[Vv]erwaltung(?:\s+des\s+"
    r"Jugendamte?s)?))\s+(?P<verb>unterbreitet|legt|erarbeitet|prüft|berichtet|informiert|"
    r"erstellt|entwickelt|stellt)\b"
)
_ARTICLE = re.compile(r"^(?:der|die|das|den|dem|des)\s*", re.I)


@dataclass(frozen=True)
class Clause:
    """One delegation found in a point's cleaned text."""

    actor_text: str  # as written, e.g. "Die Verwaltung des Jugendamtes"
    actor: Actor | None
    label: str | None  # reference label, or a normalised label from the text when unresolved
    start: int  # offsets of the whole clause in the searched text
    end: int
    actor_start: int
    actor_end: int


def resolve_actor(text: str, reference: Reference) -> Actor | None:
    """The actor whose longest label occurs in ``text`` (case-insensitive, whole words).

    Longest wins, so "Verwaltung des Jugendamtes" is the Jugendamt, not the Verwaltung.
    """
    text = re.sub(r"\b(Der|Die|Das|Den|Dem|Des)(?=[A-ZÄÖÜ])", r"\1 ", text)  # "DieVerwaltung"
    low = " " + re.sub(r"\s+", " ", text.lower()) + " "
    best: tuple[int, Actor] | None = None
    for actor in reference.actors:
        for label in actor.labels:
            lab = label.lower()
            if lab in low and _whole_words(lab).search(low):  # substring first: most are absent
                if best is None or len(lab) > best[0]:
                    best = (len(lab), actor)
    return best[1] if best else None


@lru_cache(maxsize=4096)
def _whole_words(label: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\wäöüß]){re.escape(label)}(?![\wäöüß])")


def normalise_label(actor_text: str) -> str:
    """An unresolved actor as a label: article dropped, whitespace collapsed.

    >>> normalise_label("die  Streitvertretung")
    'Streitvertretung'
    """
    text = re.sub(r"\s+", " ", actor_text).strip()
    text = re.sub(r"^(Der|Die|Das|Den)(?=[A-ZÄÖÜ])", r"\1 ", text)
    return _ARTICLE.sub("", text).strip()


_SENTENCE_END = re.compile(r"(?:(?<=[a-zäöüß]{3})|(?<=[)\"“”]))\.(?=\s|$)")


def sentence_end(text: str, pos: int) -> int:
    """End of the sentence running at ``pos``: a full stop after a word, not after "2." or "z. B.".

    >>> t = "X wird beauftragt, bis Ende 2. Quartal 2023 zu berichten. Danach"
    >>> t[: sentence_end(t, 5)]
    'X wird beauftragt, bis Ende 2. Quartal 2023 zu berichten.'
    """
    m = _SENTENCE_END.search(text, pos)
    return m.end() if m else len(text)


def find_clauses(text: str, reference: Reference) -> list[Clause]:
    """Every delegation clause of a point's text, in order; a clause runs to the end of its sentence."""
    out: list[Clause] = []
    for pattern in (PASSIVE, ACTIVE, SUBJECT):
        for m in pattern.finditer(text):
            actor_text = m.group("actor")
            if pattern is PASSIVE:
                # keep the subject closest to the verb: "... beschließt X. Die Verwaltung wird ..."
                inner = list(re.finditer(r"(?:Der|Die|Das)\s*[A-ZÄÖÜ]", actor_text))
                if inner:
                    cut = inner[-1].start()
                    # but keep "Leiter der Verwaltung des Jugendamtes" together
                    for cand in inner:
                        if resolve_actor(actor_text[cand.start() :], reference):
                            cut = cand.start()
                            break
                    actor_text = actor_text[cut:]
            astart = m.start("actor") + (len(m.group("actor")) - len(actor_text))
            actor = resolve_actor(actor_text, reference)
            if actor is None and m.group("verb") == "aufgefordert":
                continue  # "Die Organisationseinheiten werden aufgefordert" (250486): an appeal
            label = actor.label if actor else normalise_label(actor_text)
            end = sentence_end(text, m.end())
            out.append(
                Clause(
                    actor_text,
                    actor,
                    label,
                    astart,
                    end,
                    astart,
                    m.start("actor") + len(m.group("actor")),
                )
            )
    out.sort(key=lambda c: c.start)
    # drop overlapping duplicates (a passive and an active reading of one clause)
    kept: list[Clause] = []
    for c in out:
        if kept and c.start < kept[-1].end and c.actor_start < kept[-1].actor_end:
            continue
        kept.append(c)
    return kept
