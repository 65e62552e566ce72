"""N-Triples of a document's triples, written directly: the form a document travels in from the
extraction workers to the store, and the body of the SPARQL updates that write it.

rdflib's serializer spends most of its time in generic term handling; a document has few distinct
terms (the same IRIs recur on every line), so each is written once and looked up after that.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _escaped(text: str) -> str:
    """The four characters STRING_LITERAL_QUOTE must escape, the backslash first; everything else
    may stand as UTF-8. `str.replace` four times, not `str.translate` with a table, which looks up
    every character in a dict: 30 times slower on a document's text (writing the 1,810 documents
    of 1,000 generated resolutions took 0.57 s with it, 0.39 s without)."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


# characters an IRIREF may not contain (N-Triples grammar); such an IRI is refused here, by name
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_BNODE_LABEL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _iri(value: str) -> str:
    if _BAD_IRI.search(value) or not _SCHEME.match(value):
        raise ValueError(f"not an absolute IRI that RDF allows: {value!r}")
    return f"<{value}>"


def term_ntriples(t: Node) -> str:
    """One term as N-Triples writes it; ValueError for what N-Triples cannot carry."""
    if isinstance(t, URIRef):
        return _iri(str(t))
    if isinstance(t, Literal):
        value = f'"{_escaped(str(t))}"'
        if t.language:  # rdflib checked the tag when it made the literal
            return f"{value}@{t.language}"
        if t.datatype is not None and str(t.datatype) != XSD_STRING:
            return f"{value}^^{_iri(str(t.datatype))}"
        return value
    if isinstance(t, BNode):
        if not _BNODE_LABEL.match(str(t)):
            raise ValueError(f"not a blank node label N-Triples allows: {str(t)!r}")
        return f"_:{t}"
    raise ValueError(f"cannot write {type(t).__name__} {t!r} as N-Triples")


# IRIs recur across documents (predicates, classes, the body, offices): each is checked and
# written once per process; emptied when it grows past this many
_IRI_CACHE_SIZE = 100_000
_iris: dict[str, str] = {}


def ntriples_lines(triples: Iterable[tuple[Node, Node, Node]]) -> list[str]:
    """Each triple as N-Triples without its closing " .": the lines of `to_ntriples`, ready to be
    closed as triples or as quads of a named graph. A term object met again (the loader caches
    its literals) is looked up by identity, not hashed and compared as rdflib would."""
    written: dict[int, tuple[Node, str]] = {}  # id -> (term kept alive, so the id stays its own)
    if len(_iris) > _IRI_CACHE_SIZE:
        _iris.clear()

    def term(t: Node) -> str:
        seen = written.get(id(t))
        if seen is not None:
            return seen[1]
        if type(t) is URIRef:
            value = str(t)
            text = _iris.get(value)
            if text is None:
                text = _iris[value] = _iri(value)
        else:
            text = term_ntriples(t)
        written[id(t)] = (t, text)
        return text

    return [f"{term(s)} {term(p)} {term(o)}" for s, p, o in triples]


def to_ntriples(triples: Iterable[tuple[Node, Node, Node]]) -> str:
    """The triples as N-Triples text, one per line (an rdflib Graph iterates as triples too)."""
    lines = ntriples_lines(triples)
    return " .\n".join(lines) + " .\n" if lines else ""


__all__ = ["ntriples_lines", "term_ntriples", "to_ntriples"]
