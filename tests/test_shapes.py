"""SHACL validation of document graphs: what the loader produces conforms, broken graphs say why."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF

from loader.shapes import ValidationResult, reference_graph, validate
from loader.vocab import ELI, RB, RB_NS

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parent.parent
DRESDEN_REFERENCE = ROOT / "ontology" / "reference" / "dresden.ttl"
X = "https://w3id.org/ratsgraph/id/testcity/"
RESOLUTION = URIRef(X + "resolution/V0001-22/JHA-001-2022")
POINT_1 = URIRef(f"{RESOLUTION}/point/1")
POINT_2 = URIRef(f"{RESOLUTION}/point/2")
ASSERTION = URIRef(f"{POINT_2}/status/bk")


def named_graph(name: str) -> Graph:
    """One graph of the fixture: 'reference', 'document/ba' (Ausfertigung), 'document/bk' (Kontrolle)."""
    ds = Dataset()
    ds.parse(DATA / "good-documents.trig", format="trig")
    g = Graph()
    for triple in ds.graph(URIRef(X + name)):
        g.add(triple)
    return g


@pytest.fixture
def reference() -> Graph:
    return named_graph("reference")


@pytest.fixture
def ausfertigung() -> Graph:
    return named_graph("document/ba")


@pytest.fixture
def kontrolle() -> Graph:
    return named_graph("document/bk")


def violation_about(result: ValidationResult, focus: URIRef, words: str) -> bool:
    return any(f"<{focus}>" in v and words in v for v in result.violations)


def test_beschlussausfertigung_graph_conforms(ausfertigung: Graph, reference: Graph) -> None:
    result = validate(ausfertigung, reference)
    assert result.conforms, result.violations
    assert result.violations == []


def test_beschlusskontrolle_graph_conforms(kontrolle: Graph, reference: Graph) -> None:
    result = validate(kontrolle, reference)
    assert result.conforms, result.violations


def test_validation_does_not_change_the_document_graph(kontrolle: Graph, reference: Graph) -> None:
    before = len(kontrolle)
    validate(kontrolle, reference)
    assert len(kontrolle) == before


def test_status_assertion_without_status_is_a_violation(kontrolle: Graph, reference: Graph) -> None:
    kontrolle.remove((ASSERTION, RB.status, None))
    result = validate(kontrolle, reference)
    assert not result.conforms
    assert violation_about(result, ASSERTION, "needs exactly one status (rb:status)")
    assert "rb:status" in next(v for v in result.violations if f"<{ASSERTION}>" in v)


def test_status_outside_the_scheme_is_a_violation(kontrolle: Graph, reference: Graph) -> None:
    kontrolle.set((ASSERTION, RB.status, URIRef(RB_NS + "Erledigt")))
    result = validate(kontrolle, reference)
    assert violation_about(result, ASSERTION, "a concept of rb:ImplementationStatusScheme")


def test_point_without_resolution_is_a_violation(ausfertigung: Graph, reference: Graph) -> None:
    ausfertigung.remove((POINT_1, ELI.is_part_of, None))
    result = validate(ausfertigung, reference)
    assert not result.conforms
    assert violation_about(result, POINT_1, "is part of exactly one resolution")


def test_evidence_starting_after_its_end_is_a_violation(kontrolle: Graph, reference: Graph) -> None:
    evidence = next(kontrolle.subjects(RDF.type, RB.Evidence))
    kontrolle.set((evidence, RB.start, Literal(10_000)))
    result = validate(kontrolle, reference)
    assert not result.conforms
    assert violation_about(result, evidence, "not after rb:end")


def test_actor_missing_from_reference_data_is_a_violation(
    ausfertigung: Graph, reference: Graph
) -> None:
    delegation = next(ausfertigung.subjects(RDF.type, RB.Delegation))
    ausfertigung.set((delegation, RB.actor, URIRef(X + "office/kaiser")))
    result = validate(ausfertigung, reference)
    assert violation_about(result, delegation, "an office, administrative unit or decision body")


def test_deadline_as_text_instead_of_date_is_a_violation(
    ausfertigung: Graph, reference: Graph
) -> None:
    ausfertigung.set((POINT_2, RB.deadline, Literal("Ende 2. Quartal 2023")))
    result = validate(ausfertigung, reference)
    assert violation_about(result, POINT_2, "at most one deadline (rb:deadline, an xsd:date)")


def test_warnings_do_not_fail_a_graph(ausfertigung: Graph, reference: Graph) -> None:
    submission = URIRef(X + "submission/V0001-22")
    ausfertigung.set(
        (submission, URIRef("http://purl.org/dc/terms/identifier"), Literal("\\/0001/22"))
    )
    result = validate(ausfertigung, reference)
    assert result.conforms
    assert any(f"<{submission}>" in w and "OCR noise" in w for w in result.warnings)


@pytest.mark.skipif(
    not DRESDEN_REFERENCE.exists(), reason="ontology/reference/dresden.ttl not written yet"
)
def test_dresden_reference_data_conforms() -> None:
    result = validate(reference_graph())
    assert result.conforms, result.violations
    assert result.warnings == []


@pytest.mark.skipif(
    not DRESDEN_REFERENCE.exists(), reason="ontology/reference/dresden.ttl not written yet"
)
def test_graph_built_by_the_loader_conforms_against_dresden_reference_data() -> None:
    """The real loader/graph.py output for a hand-made extraction, both document kinds."""
    graph_module = pytest.importorskip("loader.graph")
    from loader.iris import Minter
    from loader.model import Delegation, Extraction, Point, Signatory, Span

    text = "x" * 400
    dd = "https://w3id.org/ratsgraph/id/dresden/"
    for kind in ("Beschlussausfertigung", "Beschlusskontrolle"):
        extraction = Extraction(
            source=f"{kind}.txt",
            text=text,
            kind=kind,
            vorlage="V1106/21",
            session="JHA/042/2022",
            committee="Jugendhilfeausschuss",
            committee_iri=dd + "committee/jha",
            session_date=date(2022, 10, 13),
            document_date=date(2024, 7, 4) if kind == "Beschlusskontrolle" else None,
            subject="Planungsbericht Interkulturelle Öffnung",
            about_planning_report=True,
            framework_parts=["Teil IV"],
            is_final=True,
            points=[
                Point(
                    1,
                    "Der Jugendhilfeausschuss beschließt den Planungsbericht.",
                    Span(0, 50),
                    adopts_report=True,
                    status="umgesetzt" if kind == "Beschlusskontrolle" else None,
                    status_span=Span(200, 230),
                ),
                Point(
                    4,
                    "Der Oberbürgermeister wird beauftragt, bis 30.06.2023 …",
                    Span(51, 120),
                    delegations=[
                        Delegation(
                            "Oberbürgermeister",
                            dd + "office/oberbuergermeister",
                            "Der Oberbürgermeister",
                            "zu berichten",
                            Span(51, 120),
                            date(2023, 6, 30),
                            "bis 30.06.2023",
                        )
                    ],
                    deadline=date(2023, 6, 30),
                    status="fortlaufend" if kind == "Beschlusskontrolle" else None,
                    status_note="Der Beschlusspunkt wird fortlaufend umgesetzt.",
                ),
            ],
            signatories=[
                Signatory(
                    "Dirk Hilbert",
                    "Oberbürgermeister",
                    Span(300, 320),
                    person_iri=dd + "person/dirk-hilbert",
                    matched=True,
                )
            ],
        )
        info = graph_module.DocumentInfo(f"{kind}.txt", "0" * 64, datetime(2026, 7, 1, tzinfo=UTC))
        _doc, g = graph_module.build_graph(extraction, info, Minter("dresden"))
        result = validate(g)
        assert result.conforms, (kind, result.violations)


def test_sample_documents_conform() -> None:
    """Every bundled sample, through the whole loader, conforms (needs the extraction to exist)."""
    pytest.importorskip("loader.extract", reason="loader/extract.py not written yet")
    from loader import SAMPLES_DIR, load_document

    for path in sorted(SAMPLES_DIR.glob("*.txt")):
        result = validate(load_document(path).graph)
        assert result.conforms, (path.name, result.violations)
