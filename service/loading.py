"""Loading files into a store: documents (text, PDF) and RDF, one transaction per file, with a report.

A file that fails is reported with its reason and leaves the store as it was; the other files of a
folder load on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from loader import LoadError, load_document
from loader.iris import DEFAULT_BASE, Minter, key
from loader.reference import load_reference, reference_turtle

from .store import Store

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
ONTOLOGY_GRAPH = "https://w3id.org/ratsgraph/ontology"
DOCUMENT_SUFFIXES = {".txt", ".pdf"}
RDF_SUFFIXES = {
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".ttl": "text/turtle",
    ".trig": "application/trig",
}


@dataclass
class FileResult:
    """What happened to one file: loaded (with its graph and triple count) or why not."""

    path: str
    ok: bool
    message: str
    graph: str | None = None
    triples: int = 0
    kind: str | None = None
    warnings: int = 0

    def line(self) -> str:
        if self.ok:
            return f"loaded  {self.path}: {self.message}"
        return f"FAILED  {self.path}: {self.message}"


def reference_graph_iri(body: str, base: str = DEFAULT_BASE) -> str:
    return f"{Minter(body, base).city()}/reference"


def reference_graph(body: str, base: str = DEFAULT_BASE) -> Graph:
    """The body's reference data (committees, offices, holders, units) with IRIs under ``base``."""
    return Graph().parse(data=reference_turtle(body, base), format="turtle")


def ensure_reference(store: Store, body: str, base: str = DEFAULT_BASE) -> None:
    """(Re)load the ontology and the body's reference data into their own named graphs."""
    ontology = Graph().parse(ONTOLOGY_DIR / "ratsgraph.ttl", format="turtle")
    store.replace_graph(ONTOLOGY_GRAPH, ontology)
    store.replace_graph(reference_graph_iri(body, base), reference_graph(body, base))


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The files named, and in folders every document or RDF file, in a stable order."""
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in DOCUMENT_SUFFIXES | set(RDF_SUFFIXES):
                    yield f
        else:
            yield p


def load_file(
    store: Store,
    path: Path,
    body: str = "dresden",
    base: str = DEFAULT_BASE,
    graph: str | None = None,
) -> FileResult:
    """Load one file in one transaction; errors become a failed FileResult, never half a document."""
    suffix = path.suffix.lower()
    try:
        if not path.exists():
            raise LoadError(str(path), "no such file")
        if suffix in RDF_SUFFIXES:
            return _load_rdf(store, path, RDF_SUFFIXES[suffix], body, base, graph)
        loaded = load_document(path, body=body, base=base, reference=load_reference(body, base))
        store.replace_graph(str(loaded.graph_iri), loaded.graph)
        ex = loaded.extraction
        delegations = sum(len(p.delegations) for p in ex.points)
        message = (
            f"{ex.kind} {ex.vorlage or '?'}"
            + (f" ({ex.session})" if ex.session else "")
            + f": {len(ex.points)} points, {delegations} delegations, {len(loaded.graph)} triples"
            + (f", {len(ex.warnings)} warnings" if ex.warnings else "")
        )
        return FileResult(
            str(path),
            True,
            message,
            str(loaded.graph_iri),
            len(loaded.graph),
            ex.kind,
            len(ex.warnings),
        )
    except LoadError as e:
        return FileResult(str(path), False, e.reason)
    except (ValueError, SyntaxError) as e:
        return FileResult(str(path), False, str(e))
    except OSError as e:
        return FileResult(str(path), False, f"store error: {e}")


def _load_rdf(
    store: Store, path: Path, media_type: str, body: str, base: str, graph: str | None
) -> FileResult:
    """RDF files: quads keep their graphs; triples go to ``graph`` or one named after the file."""
    default_target = graph or f"{Minter(body, base).city()}/dataset/{key(path.stem)}"
    try:
        ox.NamedNode(default_target)
    except ValueError as e:
        raise LoadError(str(path), f"graph {default_target!r} is not an absolute IRI ({e})") from e
    rdflib_format = {
        "application/n-triples": "nt",
        "text/turtle": "turtle",
        "application/n-quads": "nquads",
        "application/trig": "trig",
    }[media_type]
    try:
        dataset = Dataset()
        dataset.parse(path, format=rdflib_format)
    except Exception as e:  # noqa: BLE001 - any parser error is the file's fault
        raise LoadError(str(path), f"not valid {media_type}: {e}") from e
    graphs: dict[str, Graph] = {}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = default_target if g is None or g == DATASET_DEFAULT_GRAPH_ID else str(g)
        graphs.setdefault(name, Graph()).add((s, p, o))
    for name, g in graphs.items():
        store.replace_graph(name, g)
    count = sum(len(g) for g in graphs.values())
    names = ", ".join(f"<{n}>" for n in graphs) or "no graph (the file is empty)"
    return FileResult(str(path), True, f"RDF: {count} triples into {names}", None, count, "rdf")


def load_paths(
    store: Store,
    paths: Iterable[str | Path],
    body: str = "dresden",
    base: str = DEFAULT_BASE,
    graph: str | None = None,
    progress: object = None,
) -> list[FileResult]:
    """Load every file; the reference data first, so labels and actors resolve in queries."""
    ensure_reference(store, body, base)
    results = []
    for f in iter_files(paths):
        result = load_file(store, f, body, base, graph)
        results.append(result)
        if callable(progress):
            progress(result)
    if hasattr(store, "flush"):
        store.flush()  # type: ignore[attr-defined]
    return results
