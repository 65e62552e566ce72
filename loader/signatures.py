"""Signature blocks -> `Signatory` list: names matched against office holders, roles as written.

Signature blocks are two columns read line by line: names and roles interleave ("Beigeordnete für
Arbeit, Soziales," / "Oberbürgermeister" / "Gesundheit und Wohnen"), scanned signatures leave
debris, and OCR garbles names (``Dir'K Hilbert``, ``lan Güldemann``). A name is matched to the person
in the reference data; the office that person holds on the document's date pairs it with its role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import permutations

from loader.model import Signatory, Span, Warning
from loader.names import (
    clean_written_name,
    compact,
    letterhead_holder,
    looks_like_name,
    match_person,
    not_names,
    ratio,
)
from loader.reference import Person, Reference

_ROLE_KEYS = (
    "vorsitz",
    "meister",
    "beigeord",
    "geordnet",
    "eordnet",
    "neter",
    "leiter",
    "vorsteher",
)


@dataclass
class _Line:
    start: int
    end: int
    text: str


@dataclass
class _Name:
    line: _Line
    person: Person | None
    written: str
    first_only: bool = False


@dataclass
class _Role:
    line: _Line
    text: str
    end: int
    open: bool


class RoleVocabulary:
    """Role labels of the reference data, for recognising and (when OCR garbled them) normalising roles."""

    def __init__(self, labels: list[str]):
        self.labels = labels
        self.compacted = [(compact(lab), lab) for lab in labels]
        self.words = {w for lab in labels for w in re.findall(r"[a-zäöüß]+", lab.lower())}
        # the same lines recur from document to document: each scored once
        self._best_of = lru_cache(maxsize=65536)(self._score)

    def best(self, text: str) -> tuple[str | None, float]:
        return self._best_of(compact(text))

    def _score(self, c: str) -> tuple[str | None, float]:
        scored = [(ratio(c, low), lab) for low, lab in self.compacted]
        if not scored:
            return None, 0.0
        s, lab = max(scored)
        return lab, s

    def is_role_start(self, text: str) -> bool:
        c = compact(text)
        if not c or len(c) < 6:
            return False
        if any(k in c for k in _ROLE_KEYS):
            return True
        return self.best(text)[1] >= 0.7

    def normalise(self, written: str) -> str:
        """The role as written when it reads cleanly, else the reference label it garbles."""
        written = re.sub(r"\s+", " ", written).strip(" ,")
        lab, score = self.best(written)
        if lab and written.lower() == lab.lower():
            return lab
        words = re.findall(r"\S+", written.lower())
        clean = all(
            re.fullmatch(r"[a-zäöüß\-]+,?", w) and w.strip(",") in self.words for w in words
        )
        if clean:
            return written
        if lab and score >= 0.6:
            return lab
        return written


# A role that goes on on the next line: "Beigeordneter für", "Arbeit, Soziales,", "… Stadt-".
_OPEN_ROLE = re.compile(r"(?:,|für|und|[a-zäöüß]-)$")


def _role_words(line: str, vocab: RoleVocabulary) -> bool:
    """Most words of ``line`` are words of roles: it can go on a role ("Verkehr und
    Liegenschaften"); a name fragment cannot ("lilbert", 395642)."""
    words = re.findall(r"[a-zäöüß]+", line.lower())
    known = [w for w in words if w in vocab.words or w in ("und", "für", "sowie", "f", "u")]
    return bool(words) and 2 * len(known) >= len(words)


def _joined(role: str, more: str) -> str:
    """A role and its next line: "Amtsleiterin Amt f. Stadt-" + "strat., …" -> "… Stadtstrat., …"."""
    if re.search(r"[a-zäöüß]-$", role) and more[:1].islower():
        return role[:-1] + more
    return f"{role} {more}"


# Roles many people hold at once (every committee has a chair, every Ortschaft a Verwaltungsstelle):
# without a legible name, the signer is recorded with the role and no name, never guessed.
_ROLES_OF_MANY = frozenset(
    {"Vorsitzender", "Vorsitzende", "Verwaltungsstellenleiter", "Verwaltungsstellenleiterin",
     "Stadtbezirksamtsleiter", "Stadtbezirksamtsleiterin", "Ortsvorsteher", "Ortsvorsteherin"}
)  # fmt: skip


@lru_cache(maxsize=8)
def _vocabulary(labels: tuple[str, ...]) -> RoleVocabulary:
    """One vocabulary per reference data (building it was half a millisecond per document)."""
    return RoleVocabulary(list(labels))


def _office_labels(person: Person, day: date | None) -> list[tuple[bool, tuple[str, ...], str]]:
    out = []
    for inc in person.incumbencies:
        if inc.covers(day):
            dated = inc.start is not None or inc.end is not None
            out.append((dated, inc.office_labels, inc.office_label))
    out.sort(key=lambda x: not x[0])
    return out


def _pair_by_office(
    names: list[_Name], roles: list[str], vocab: RoleVocabulary, day: date | None
) -> dict[int, int]:
    """Pair matched names with roles of offices they hold: most pairs, then most pairs on dated
    terms, then text order."""
    options: dict[int, dict[int, bool]] = {}
    for i, n in enumerate(names):
        if not n.person:
            continue
        offices = _office_labels(n.person, day)
        for j, r in enumerate(roles):
            lab, score = vocab.best(r)
            if score < 0.6:
                continue
            dated = [d for d, labs, _ in offices if lab in labs]
            if dated:
                options.setdefault(i, {})[j] = any(dated)
    people = sorted(options)
    best: tuple[tuple[int, int, int], dict[int, int]] = ((0, 0, 0), {})
    for perm in permutations([*range(len(roles)), *[None] * len(people)], len(people)):
        pairs = {
            i: j for i, j in zip(people, perm, strict=True) if j is not None and j in options[i]
        }
        if len(set(pairs.values())) != len(pairs):
            continue
        order = -sum(abs(i - j) for i, j in pairs.items())
        key = (len(pairs), sum(options[i][j] for i, j in pairs.items()), order)
        if key > best[0]:
            best = (key, pairs)
    return dict(best[1])


def parse_signatures(
    text: str,
    start: int,
    end: int,
    reference: Reference,
    day: date | None,
    letterhead_role: str | None = None,
) -> tuple[list[Signatory], list[Warning]]:
    """Signatories in ``text[start:end]`` in text order, with roles paired by office held or position."""
    vocab = _vocabulary(tuple(reference.role_labels))
    excluded = not_names(reference.place_names)
    warnings: list[Warning] = []
    names: list[_Name] = []
    roles: list[_Role] = []
    pos = start
    for raw in text[start:end].split("\n"):
        line = _Line(pos, pos + len(raw), raw.strip())
        pos += len(raw) + 1
        body = line.text
        if len(compact(body)) < 2 or excluded.search(body) and not vocab.is_role_start(body):
            continue
        if re.search(r"\d", body) and not re.search(r"[a-zäöü]{4}", body):
            continue
        if re.search(r"\b(?:Ja|Nein)\s+\d", body):
            continue
        opened = [r for r in roles if r.open]
        if roles and not opened and re.match(r"(?:und|sowie)\s", body):
            # "Beigeordnete für Umwelt" / "und Kommunalwirtschaft", even with another column's
            # "Oberbürgermeister" between: the role the words complete best
            gain = [
                (vocab.best(f"{r.text} {body}")[1] - vocab.best(r.text)[1], k)
                for k, r in enumerate(roles)
            ]
            best_gain, k = max(gain)
            opened = [roles[k]] if best_gain > 0 else [roles[-1]]
        if (
            opened
            and not any(k in compact(body) for k in _ROLE_KEYS)
            and re.fullmatch(r"[A-Za-zÄÖÜäöüß,.\- ]+", body)
            and not looks_like_name(body, excluded)
            and (opened[0].text.endswith("-") or _role_words(body, vocab))
        ):  # "Beigeordneter für" / "Finanzen und Liegenschaften": one role over two lines
            role = opened[0]
            role.text = _joined(role.text, body)
            role.open = bool(_OPEN_ROLE.search(body))
            role.end = line.end
            continue
        if vocab.is_role_start(body) and not match_person(body, reference)[0]:
            is_open = bool(_OPEN_ROLE.search(body))
            roles.append(_Role(line, body, line.end, is_open))
            continue
        opened = [r for r in roles if r.open]
        person, score, first_only = match_person(body, reference)
        if person:
            if names and names[-1].person is person:
                continue  # "Hartmut" / "rjohann": one name over two lines
            names.append(_Name(line, person, clean_written_name(body), first_only))
            continue
        if (
            opened
            and re.fullmatch(r"[A-Za-zÄÖÜäöüß,.\- ]+", body)
            and not looks_like_name(body, excluded)
        ):
            role = opened[0]
            role.text = _joined(role.text, body)
            role.open = bool(_OPEN_ROLE.search(body))
            role.end = line.end
            continue
        holder = letterhead_holder(body, letterhead_role, reference, day)
        if holder is not None and not any(n.person is holder for n in names):
            names.append(_Name(line, holder, body, False))  # the letterhead names the office
            continue
        cleaned = clean_written_name(body)
        if looks_like_name(cleaned, excluded) or (
            re.fullmatch(r"[A-ZÄÖÜ][a-zäöüß]+(?: [A-ZÄÖÜ][a-zäöüß\-]+){1,3}", cleaned or "")
            and len(body) - len(cleaned) <= 2
        ):
            # "Ida Ja": a surname cut to two letters is no name to publish
            whole = len(re.sub(r"[^A-Za-zÄÖÜäöüß]", "", cleaned.split()[-1])) >= 3
            names.append(_Name(line, None, cleaned if whole else ""))

    # drop first-name-only matches whose person holds no office named in the block
    role_norm = [vocab.normalise(r.text) for r in roles]
    kept = []
    for n in names:
        if n.first_only and n.person:
            offices = {lab for _, labs, _ in _office_labels(n.person, day) for lab in labs}
            if not any(vocab.best(r)[0] in offices for r in role_norm):
                continue
        kept.append(n)
    names = kept

    assigned = _pair_by_office(names, role_norm, vocab, day)
    free_roles = [j for j in range(len(roles)) if j not in assigned.values()]
    for i in range(len(names)):
        if i not in assigned and free_roles:
            # the role printed right below the name if it is free (757975: "Kerstin Zimmermann" /
            # "Amtsleiterin …", the Verwaltungsstellenleiter's role above it), else the first free
            below = [j for j in free_roles if roles[j].line.start > names[i].line.start]
            nxt = next((n.line.start for n in names[i + 1 :]), None)
            below = [j for j in below if nxt is None or roles[j].line.start < nxt]
            j = below[0] if below else free_roles[0]
            free_roles.remove(j)
            assigned[i] = j

    # a role nobody's name survived for: the office's holder on that date signed it
    extra: list[tuple[int, Person | None, int]] = []
    for j, r in enumerate(roles):
        if j in assigned.values():
            continue
        lab, score = vocab.best(role_norm[j])
        if score < 0.9:  # only a role read clearly names its holder ("Beigeordneter für" does not)
            continue
        if lab in _ROLES_OF_MANY:  # a chair or a local officer: a signer without a legible name
            extra.append((r.line.start, None, j))
            continue
        if day is None:
            continue
        holders = [
            p
            for p in reference.persons
            if any(
                inc.covers(day) and (inc.start or inc.end) and lab in inc.office_labels
                for inc in p.incumbencies
            )
        ]
        if len(holders) == 1 and all(n.person is not holders[0] for n in names):
            extra.append((r.line.start, holders[0], j))

    out: list[Signatory] = []
    used_letterhead = False
    for i, n in enumerate(names):
        role: str | None = None
        span_end = n.line.end
        if i in assigned:
            r = roles[assigned[i]]
            role = role_norm[assigned[i]]
            span_end = max(span_end, r.end)
            if role not in reference.role_labels and n.person:
                lab, score = vocab.best(role)
                offices = _office_labels(n.person, day)
                if score < 0.6 and offices:
                    role = offices[0][2]
        elif letterhead_role and not used_letterhead:
            role, used_letterhead = letterhead_role, True
        elif n.person:
            offices = _office_labels(n.person, day)
            if offices and offices[0][0]:
                role = offices[0][2]
        span = Span(
            min(n.line.start, roles[assigned[i]].line.start if i in assigned else n.line.start),
            span_end,
        )
        if n.person:
            name = n.person.name
            matched = True
        else:
            name = n.written or None
            matched = False
            warnings.append(
                Warning(
                    f"signatory {n.written!r} not found in the reference data; kept as written",
                    span,
                )
                if n.written
                else Warning(f"signatory {n.line.text!r} is no legible name; left empty", span)
            )
        out.append(
            Signatory(name, role, span, n.line.text, n.person.iri if n.person else None, matched)
        )
    for pos, person, j in extra:
        r = roles[j]
        if person is None:
            sig = Signatory(None, role_norm[j], Span(r.line.start, r.end), None, None, False)
            warnings.append(Warning(f"no legible name for role {r.text!r}; left empty", sig.span))
        else:
            sig = Signatory(
                person.name, role_norm[j], Span(r.line.start, r.end), None, person.iri, True
            )
            warnings.append(
                Warning(
                    f"no legible name for role {r.text!r}; taken as its holder {person.name}",
                    sig.span,
                )
            )
        index = next((k for k, s in enumerate(out) if s.span.start > pos), len(out))
        out.insert(index, sig)
    return out, warnings
