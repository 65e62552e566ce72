"""A source document's page shows its text with the sentence of every fact read from it marked:
each mark links to its fact's page, and the fact links back to the mark (``#char=start,end``, the
fragment of the canonical evidence IRI, RFC 5147), so a reader checks a point, a task or a status
against the words it came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from service.queries import LOOKUP_DIR, get_query
from service.web import get_store
from service.web.resource_sections import Section

RB = "https://w3id.org/ratsgraph/ontology#"
KIND_ORDER = [RB + t for t in ("ResolutionPoint", "Delegation", "StatusAssertion", "Signature")]


@dataclass
class Fact:
    """One fact and the span of the text it was read from."""

    evidence: str  # the evidence IRI (document#char=start,end)
    start: int
    end: int
    fact: str
    kind: str
    number: int = 0  # its place in the list of facts: the mark links to #fact-<number>

    @property
    def anchor(self) -> str:
        return f"char={self.start},{self.end}"


@dataclass
class Piece:
    """A stretch of the text: plain, or inside one or more facts' spans (the innermost links)."""

    text: str
    facts: list[Fact] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)  # spans that begin here: ids for #char=…


def pieces(text: str, facts: list[Fact]) -> list[Piece]:
    """The text cut at every span's start and end; spans may nest (a point holds its task).

    >>> [(p.text, [f.fact for f in p.facts], p.anchors) for p in pieces("ab cd ef", [
    ...     Fact("e1", 0, 5, "p", "k"), Fact("e2", 3, 5, "d", "k")])]
    [('ab ', ['p'], ['char=0,5']), ('cd', ['d', 'p'], ['char=3,5']), (' ef', [], [])]
    """
    cuts = sorted({0, len(text), *(f.start for f in facts), *(f.end for f in facts)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a >= len(text):
            break
        covering = sorted(
            (f for f in facts if f.start <= a and b <= f.end), key=lambda f: f.end - f.start
        )
        starting = sorted({f.anchor for f in facts if f.start == a})
        out.append(Piece(text[a:b], covering, starting))
    return out


def document_section(iri: str) -> Section:
    """The text of a source document and its facts, marked."""
    rows = get_store().select(get_query("document-evidence", LOOKUP_DIR).bind({"doc": iri})).rows
    if not rows or rows[0].get("content") is None:
        return Section("document", {"pieces": [], "facts": []})
    text = rows[0]["content"].value
    found: dict[tuple[str, str], Fact] = {}
    for r in rows:
        ev, start, end, fact, kind = (
            r.get(k) for k in ("evidence", "start", "end", "fact", "type")
        )
        if ev is None or start is None or end is None or fact is None or kind is None:
            continue
        s, e = int(start.value), int(end.value)
        if 0 <= s < e <= len(text):
            found.setdefault((ev.value, fact.value), Fact(ev.value, s, e, fact.value, kind.value))
    facts = sorted(
        found.values(),
        key=lambda f: (f.start, KIND_ORDER.index(f.kind) if f.kind in KIND_ORDER else 9),
    )
    for number, f in enumerate(facts, start=1):
        f.number = number
    iris = {f.fact for f in facts} | {f.kind for f in facts}
    return Section("document", {"pieces": pieces(text, facts), "facts": facts}, iris)
