"""Front door of the loader: a council document in, its extraction and its RDF graph out.

The loader knows nothing of stores or HTTP; `service` decides where the graph goes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from rdflib import Graph, URIRef

from .errors import LoadError
from .graph import DocumentInfo, Triple, build_triples, graph_of
from .iris import DEFAULT_BASE, Minter
from .model import Extraction
from .ntriples import to_ntriples

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"


@dataclass
class LoadedDocument:
    """A document ready to store: its named graph IRI, its triples and what was extracted."""

    graph_iri: URIRef
    triples: set[Triple]
    extraction: Extraction

    @cached_property
    def graph(self) -> Graph:
        """The triples as an rdflib graph, built on first use (loading needs only `ntriples`)."""
        return graph_of(self.triples)

    @cached_property
    def ntriples(self) -> str:
        return to_ntriples(self.triples)


def load_document(
    path: str | Path,
    *,
    body: str = "dresden",
    base: str = DEFAULT_BASE,
    reference: object | None = None,
    file_name: str | None = None,
) -> LoadedDocument:
    """Read, extract and build the graph of one document; LoadError names the file and the reason."""
    from .extract import extract_text  # noqa: PLC0415 - extraction pulls in the reference data
    from .read import read_document  # noqa: PLC0415
    from .reference import load_reference  # noqa: PLC0415

    path = Path(path)
    data, text = read_document(path)  # read once, its size checked first
    if reference is None:
        reference = load_reference(body, base)
    extraction = extract_text(text, path.name, reference)  # type: ignore[arg-type]
    info = DocumentInfo(
        file_name=file_name or path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        loaded_at=datetime.now(UTC).replace(microsecond=0),
    )
    try:
        graph_iri, triples = build_triples(extraction, info, Minter(body, base))
    except ValueError as e:
        raise LoadError(str(path), str(e)) from e
    return LoadedDocument(graph_iri, triples, extraction)


__all__ = ["LoadError", "LoadedDocument", "load_document", "SAMPLES_DIR", "Minter", "DEFAULT_BASE"]
