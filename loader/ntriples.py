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
# STRING_LITERAL_QUOTE must escape these four; everything else may stand as UTF-8
_LITERAL_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
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
        value = f'"{str(t).translate(_LITERAL_ESCAPES)}"'
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


def to_ntriples(triples: Iterable[tuple[Node, Node, Node]]) -> str:
    """The triples as N-Triples text, one per line (an rdflib Graph iterates as triples too)."""
    written: dict[Node, str] = {}

    def term(t: Node) -> str:
        text = written.get(t)
        if text is None:
            text = written[t] = term_ntriples(t)
        return text

    return "".join(f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in triples)


__all__ = ["term_ntriples", "to_ntriples"]
