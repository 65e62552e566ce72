"""Validating a document graph against ontology/shapes.ttl, with ontology and reference data.

A document graph links to offices, committees, persons and framework parts that live in the
reference data (another named graph), and it types nodes with subclasses (rb:Committee) that shapes
address by their superclass (rb:DecisionBody). So validation sees one merged graph: the document
graph, the ontology (for ``rdfs:subClassOf`` and the status concepts) and the reference data.
pySHACL's ``ont_graph`` is not used: it copies only class axioms and owl:NamedIndividuals, not
reference nodes. No RDFS inference is run: pySHACL follows ``rdfs:subClassOf`` in the data for
``sh:class`` and ``sh:targetClass`` by itself, which is all the shapes need.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pyshacl import validate as _pyshacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "ratsgraph.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
REFERENCE_DIR = ONTOLOGY_DIR / "reference"


@dataclass(frozen=True)
class ValidationResult:
    """The outcome: ``conforms`` is False only for sh:Violation results, never for warnings."""

    conforms: bool
    text: str
    violations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.conforms


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """The SHACL shapes, parsed once per process."""
    return Graph().parse(SHAPES_FILE, format="turtle")


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The ontology alone, parsed once per process."""
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@lru_cache(maxsize=1)
def reference_graph() -> Graph:
    """The bundled reference data (every ``ontology/reference/*.ttl``), parsed once per process."""
    g = Graph()
    for path in sorted(REFERENCE_DIR.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


@lru_cache(maxsize=1)
def _ontology_with_reference() -> Graph:
    return _merge([ontology_graph(), reference_graph()])


def _merge(graphs: Iterable[Graph]) -> Graph:
    merged = Graph()
    for g in graphs:
        merged.addN((s, p, o, merged) for s, p, o in g.triples((None, None, None)))
        for prefix, namespace in g.namespaces():
            merged.bind(prefix, namespace, override=False)
    return merged


def validate(graph: Graph, extra: Graph | None = None) -> ValidationResult:
    """Validate one document graph; ``extra`` is the reference data (default: ontology/reference/).

    Validates a merged copy (``graph`` + ontology + reference data); ``graph`` is not changed.
    Nodes of the reference data are validated too, so a broken reference file shows up here.
    """
    base = _ontology_with_reference() if extra is None else _merge([ontology_graph(), extra])
    data = _merge([base, graph])
    _conforms, report, text = _pyshacl_validate(
        data,
        shacl_graph=shapes_graph(),
        inplace=True,
        inference="none",
        allow_warnings=True,
        allow_infos=True,
        advanced=False,
    )
    violations, warnings = _results(report)
    return ValidationResult(
        conforms=not violations, text=str(text), violations=violations, warnings=warnings
    )


def _results(report: Graph) -> tuple[list[str], list[str]]:
    """One line per result, ``focus · path: message (value: …)``; violations and warnings apart."""
    violations: list[str] = []
    warnings: list[str] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        line = _describe(report, result)
        if report.value(result, SH.resultSeverity) == SH.Violation:
            violations.append(line)
        else:
            warnings.append(line)
    return sorted(violations), sorted(warnings)


def _describe(report: Graph, result: URIRef | BNode) -> str:
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    value = report.value(result, SH.value)
    messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
    message = messages[0] if messages else "does not conform"
    line = f"{_term(report, focus)}"
    if path is not None:
        line += f" · {_term(report, path)}"
    line += f": {message}"
    if value is not None and value != focus:
        line += f" (value: {_term(report, value)})"
    return line


def _term(report: Graph, term: object) -> str:
    if isinstance(term, URIRef):
        try:
            return report.namespace_manager.normalizeUri(term)
        except Exception:  # noqa: BLE001 - a name we cannot shorten is shown in full
            return f"<{term}>"
    if isinstance(term, Literal):
        return repr(str(term))
    if isinstance(term, BNode):
        inverse = report.value(term, SH.inversePath)
        if inverse is not None:
            return f"^{_term(report, inverse)}"
        return "[]"
    return str(term)


__all__ = [
    "ValidationResult",
    "validate",
    "shapes_graph",
    "ontology_graph",
    "reference_graph",
    "ONTOLOGY_DIR",
]
