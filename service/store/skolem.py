"""Blank nodes made into IRIs before a remote write (RDF 1.1 skolemisation).

Some servers refuse blank nodes in ``INSERT DATA`` (Virtuoso 7.2: "Blank node … is not allowed in
a constant clause"), and the ones that take them hand back labels of their own (``nodeID://…``)
that no later request can name. So a remote write replaces each blank node by an IRI under the
document's graph, ``<graph>/.well-known/genid/<label>``. The label is rdflib's canonical one (a
SHA-256 of the node's surroundings), so the same document gives the same IRIs on every load: a
reload replaces them instead of adding a second copy, and a link to one keeps working.
"""

from __future__ import annotations

from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from loader.ntriples import to_ntriples

GENID = "/.well-known/genid/"

Triple = tuple[Node, Node, Node]


def skolem_prefix(graph_iri: str) -> str:
    """Where the skolem IRIs of a graph live.

    >>> skolem_prefix("https://w3id.org/ratsgraph/ontology")
    'https://w3id.org/ratsgraph/ontology/.well-known/genid/'
    """
    return graph_iri.rstrip("/") + GENID


def skolemise(graph_iri: str, triples: Graph) -> list[Triple]:
    """The triples with every blank node replaced by a stable IRI scoped by ``graph_iri``."""
    plain: list[Triple] = []
    with_blanks = Graph()
    for t in triples:
        if any(isinstance(x, BNode) for x in t):
            with_blanks.add(t)
        else:
            plain.append(t)
    if not with_blanks:
        return plain
    # a blank node's canonical label depends only on the triples it is in, so canonicalising
    # those alone gives the labels the whole graph would
    prefix = skolem_prefix(graph_iri)

    def iri(x: Node) -> Node:
        return URIRef(prefix + str(x)) if isinstance(x, BNode) else x

    canonical = to_canonical_graph(with_blanks)
    return plain + [(iri(s), iri(p), iri(o)) for s, p, o in canonical]


def skolemise_ntriples(graph_iri: str, ntriples: str) -> str:
    """N-Triples with stable IRIs for their blank nodes; unchanged when there are none."""
    if "_:" not in ntriples:  # N-Triples writes every blank node as _:label
        return ntriples
    graph = Graph().parse(data=ntriples, format="nt")
    if not any(isinstance(x, BNode) for t in graph for x in t):
        return ntriples  # the "_:" was inside a literal
    return to_ntriples(skolemise(graph_iri, graph))
