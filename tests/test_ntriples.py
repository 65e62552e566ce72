"""The N-Triples writer carries every term a document can hold, and refuses what RDF cannot carry."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from loader import SAMPLES_DIR, load_document
from loader.ntriples import ntriples_lines, to_ntriples
from service.store import both_copies_nquads, both_copies_of_lines

S = URIRef("https://example.org/s")
P = URIRef("https://example.org/p")


def parsed(text: str) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES)}


def test_a_documents_triples_read_back_as_rdflib_writes_them() -> None:
    for path in sorted(SAMPLES_DIR.glob("*.txt")):
        loaded = load_document(path)
        assert parsed(loaded.ntriples) == parsed(loaded.graph.serialize(format="nt"))
        assert len(parsed(loaded.ntriples)) == len(loaded.triples)


@given(st.text())
def test_any_string_literal_round_trips(value: str) -> None:
    triples = [(S, P, Literal(value)), (S, P, Literal(value, lang="de"))]
    back = {str(t.object.value) for t in parsed(to_ntriples(triples))}
    assert back == {value}


def test_typed_literals_keep_their_datatype_and_blank_nodes_their_identity() -> None:
    b = BNode()
    g = Graph()
    for t in [
        (S, P, Literal(3)),
        (S, P, Literal("2023-06-30", datatype=XSD.date)),
        (S, P, Literal(True)),
        (S, P, b),
        (b, P, Literal('say "hi"\\\n\r\t')),
    ]:
        g.add(t)
    assert parsed(to_ntriples(g)) == parsed(g.serialize(format="nt"))


@pytest.mark.parametrize(
    "bad",
    [
        (URIRef("https://example.org/a b"), P, S),
        (S, P, URIRef("https://example.org/<x>")),
        (S, P, BNode("not a label")),
    ],
)
def test_terms_n_triples_cannot_carry_are_refused_by_name(bad: tuple) -> None:
    with pytest.raises(ValueError, match="not a"):
        to_ntriples([bad])


def test_a_relative_iri_is_refused_before_it_reaches_a_store() -> None:
    with pytest.raises(ValueError, match="not an absolute IRI"):
        to_ntriples([(URIRef("committee/jha"), P, S)])


def test_a_documents_lines_closed_as_both_copies_are_its_triples_in_its_graph_and_the_merge() -> (
    None
):
    """What a bulk load streams: each triple in the document's graph and in the default graph,
    the same bytes as closing the N-Triples text line by line."""
    loaded = load_document(next(SAMPLES_DIR.glob("*Beschlusskontrolle*.txt")))
    graph = str(loaded.graph_iri)
    data = both_copies_of_lines(graph, ntriples_lines(loaded.triples))
    quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    triples = parsed(loaded.ntriples)
    assert {q.triple for q in quads if q.graph_name == ox.NamedNode(graph)} == triples
    assert {q.triple for q in quads if q.graph_name == ox.DefaultGraph()} == triples
    assert len(quads) == 2 * len(triples) == 2 * len(loaded.triples)
    assert data == both_copies_nquads(graph, loaded.ntriples)
