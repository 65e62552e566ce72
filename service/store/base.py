"""What every store shares: the `Store` protocol, result rows and terms, and the SPARQL Update texts
that write one document's graph (its own and the merged default graph) in one transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, overload

import pyoxigraph as ox
from rdflib import Graph

from loader.ntriples import to_ntriples

MEDIA_RESULTS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
MEDIA_GRAPH = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}

GRAPH_RESULT_TYPES = ("text/turtle", "application/n-triples", "application/rdf+xml")


@dataclass(frozen=True)
class Term:
    """An RDF term in a result row, independent of the backend (the SPARQL JSON results shape)."""

    kind: str  # "uri" | "literal" | "bnode" | "triple"
    value: str
    datatype: str | None = None
    lang: str | None = None

    def python(self) -> str | int | float | bool:
        """The plain value for JSON and CSV: numbers and booleans typed, everything else a string."""
        dt = self.datatype or ""
        try:
            if dt.endswith(("#integer", "#int", "#long", "#nonNegativeInteger")):
                return int(self.value)
            if dt.endswith(("#decimal", "#double", "#float")):
                return float(self.value)
            if dt.endswith("#boolean"):
                return self.value in ("true", "1")
        except ValueError:
            pass
        return self.value


Packed = tuple[tuple[str, str, str | None, str | None] | None, ...]


class Rows(Sequence[dict[str, Term | None]]):
    """Result rows kept packed (a tuple per row, a tuple per term) and made into dicts of `Term`s
    when read, each row once. A query's answer crosses from its child process pickled; a
    10,000-row view answer unpickled as dataclasses held the GIL for 200 ms, and every request
    waited that long; packed it takes 26 ms, and of a cached answer only the pages people read
    are unpacked (and kept: the next reader of the page does not unpack it again)."""

    __slots__ = ("_columns", "_packed", "_read", "_span")

    def __init__(
        self,
        columns: list[str],
        packed: list[Packed],
        read: list[dict[str, Term | None] | None] | None = None,
        span: range | None = None,
    ) -> None:
        self._columns = columns
        self._packed = packed
        self._read = read if read is not None else [None] * len(packed)
        self._span = span if span is not None else range(len(packed))  # a slice shares the rest

    def __len__(self) -> int:
        return len(self._span)

    @overload
    def __getitem__(self, index: int) -> dict[str, Term | None]: ...

    @overload
    def __getitem__(self, index: slice) -> Rows: ...

    def __getitem__(self, index: int | slice) -> dict[str, Term | None] | Rows:
        if isinstance(index, slice):
            return Rows(self._columns, self._packed, self._read, self._span[index])
        i = self._span[index]
        row = self._read[i]
        if row is None:  # two threads may both unpack it: the same value either way
            row = self._read[i] = {
                c: None if t is None else Term(*t)
                for c, t in zip(self._columns, self._packed[i], strict=True)
            }
        return row

    def __reduce__(self) -> tuple[type[Rows], tuple[list[str], list[Packed]]]:
        # packed only (that is what crosses fast), and only the rows of this slice
        return Rows, (self._columns, [self._packed[i] for i in self._span])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a sequence compared by value, like a list

    def __repr__(self) -> str:
        return f"Rows({list(self)!r})"

    def plain(self) -> list[dict[str, str | int | float | bool | None]]:
        """Each row as plain values (`Term.python`), read straight from the packed tuples: for
        JSON and CSV, without making a `Term` per cell (a 3,755-row answer: most of its 77 ms of
        turning rows into JSON was spent there)."""
        columns = self._columns
        convert = _plain_value
        return [
            {
                c: None if t is None else convert(t[1], t[2])
                for c, t in zip(columns, self._packed[i], strict=True)
            }
            for i in self._span
        ]


def _number_kind(datatype: str) -> type | None:
    """The Python type `Term.python` gives a literal of this datatype (None: its text)."""
    if datatype.endswith(("#integer", "#int", "#long", "#nonNegativeInteger")):
        return int
    if datatype.endswith(("#decimal", "#double", "#float")):
        return float
    if datatype.endswith("#boolean"):
        return bool
    return None


_KINDS: dict[str, type | None] = {}


def _plain_value(value: str, datatype: str | None) -> str | int | float | bool:
    """`Term.python` of a packed term's value and datatype, the datatype's kind looked up once."""
    if datatype is None:
        return value
    kind = _KINDS.get(datatype, ...)
    if kind is ...:
        kind = _KINDS[datatype] = _number_kind(datatype)
    if kind is None:
        return value
    if kind is bool:
        return value in ("true", "1")
    try:
        return kind(value)  # type: ignore[no-any-return]
    except ValueError:
        return value


@dataclass(frozen=True)
class SelectResult:
    columns: list[str]
    rows: Sequence[dict[str, Term | None]]  # a list, or packed `Rows` from a store
    truncated: bool = False  # rows were cut at the row cap (service.store.limits)


class QueryForm:
    SELECT = "select"
    ASK = "ask"
    GRAPH = "graph"  # CONSTRUCT / DESCRIBE


class Store(Protocol):
    """What the service needs of a store; the embedded and the remote backend both provide it."""

    def select(self, query: str) -> SelectResult: ...

    def ask(self, query: str) -> bool: ...

    def construct(self, query: str) -> Graph: ...

    def query_serialized(
        self,
        query: str,
        results_type: str | None,
        graph_type: str | None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> tuple[bytes, str]: ...

    def replace_graph(self, graph_iri: str, graph: Graph) -> None: ...

    def replace_graph_data(self, graph_iri: str, ntriples: str) -> None: ...

    def drop_graph(self, graph_iri: str) -> bool: ...

    def named_graphs(self) -> list[str]: ...

    def dump(self, media_type: str = "application/n-quads") -> bytes: ...

    def close(self) -> None: ...


def _term(t: object) -> Term | None:
    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return Term("uri", t.value)
    if isinstance(t, ox.BlankNode):
        return Term("bnode", t.value)
    if isinstance(t, ox.Literal):
        lang = t.language
        dt = None if lang else t.datatype.value
        return Term("literal", t.value, dt, lang)
    return Term("triple", str(t))


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def select_result_from_json(body: bytes) -> SelectResult:
    """SPARQL 1.1 JSON results as packed `Rows` (a plain literal's datatype is xsd:string)."""
    data = json.loads(body)
    columns = data["head"]["vars"]
    packed: list[Packed] = []
    for binding in data["results"]["bindings"]:
        row = []
        for c in columns:
            t = binding.get(c)
            if t is None:
                row.append(None)
            elif t["type"] in ("literal", "typed-literal"):
                lang = t.get("xml:lang")
                row.append(
                    ("literal", t["value"], None if lang else t.get("datatype", XSD_STRING), lang)
                )
            elif t["type"] == "triple":  # RDF-star: written as Oxigraph writes a quoted triple
                return _select_via_oxigraph(body)
            else:  # uri, bnode
                row.append((t["type"], t["value"], None, None))
        packed.append(tuple(row))
    return SelectResult(columns, Rows(columns, packed))


def _select_via_oxigraph(body: bytes) -> SelectResult:
    result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if not isinstance(result, ox.QuerySolutions):
        raise ValueError("expected a SELECT query")
    columns = [v.value for v in result.variables]
    return SelectResult(columns, [{c: _term(sol[c]) for c in columns} for sol in result])


def graph_to_ntriples(graph: Graph) -> str:
    """N-Triples with every term escaped (`loader.ntriples`), safe inside INSERT DATA."""
    return to_ntriples(graph)


def both_copies_nquads(graph_iri: str, ntriples: str) -> bytes:
    """N-Quads of the triples in the named graph *and* in the default graph (their merge), for one
    transactional load. N-Triples has one triple per line ending in " ." (line breaks inside
    literals are escaped), so naming the graph is a suffix per line."""
    suffix = f"<{ox.NamedNode(graph_iri).value}> .\n"  # validated IRI
    lines = [line for line in ntriples.splitlines() if line.strip()]
    for line in lines:
        if not line.endswith(" ."):
            raise ValueError(f"not an N-Triples line: {line[:80]!r}")
    named = "".join(line[:-1] + suffix for line in lines)
    return (named + "\n".join(lines) + "\n").encode()


def both_copies_of_lines(graph_iri: str, lines: list[str]) -> bytes:
    """`both_copies_nquads` of N-Triples lines without their closing " ." (`ntriples_lines`):
    each line closed twice by one join, not split, checked and joined again (with
    `ntriples_lines`, the 1,810 documents of 1,000 generated resolutions took 0.39 s to write,
    0.75 s before)."""
    if not lines:
        return b""
    suffix = f" <{ox.NamedNode(graph_iri).value}> .\n"  # validated IRI
    return (suffix.join(lines) + suffix + " .\n".join(lines) + " .\n").encode()


def drop_graph_update(graph_iri: str) -> str:
    """Drop a named graph and take its triples out of the default graph unless another graph has them."""
    iri = ox.NamedNode(graph_iri)  # validates the IRI
    return (
        f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {iri} {{ ?s ?p ?o }}\n"
        f"  FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER (?other != {iri}) }} }} ;\n"
        f"DROP SILENT GRAPH {iri}"
    )


def replace_graph_update(graph_iri: str, ntriples: str) -> str:
    """One SPARQL Update that replaces a named graph, given as N-Triples (`graph_to_ntriples`),
    and keeps the default graph their merge."""
    iri = ox.NamedNode(graph_iri)
    # one INSERT DATA for both copies, so blank node labels denote the same nodes in each
    return (
        f"{drop_graph_update(graph_iri)} ;\n"
        f"INSERT DATA {{ GRAPH {iri} {{\n{ntriples}\n}}\n{ntriples}\n}}"
    )
