"""The ontology file: every RB term declared once, labelled in German and English, explained."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from loader.vocab import RB, RB_NS, STATUS_CONCEPTS

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
RB_TERMS = sorted(RB.__annotations__)
DECLARATION_TYPES = {
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    SKOS.Concept,
    SKOS.ConceptScheme,
}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "ratsgraph.ttl", format="turtle")


def test_ontology_header_names_version_title_and_license(ontology: Graph) -> None:
    header = URIRef("https://w3id.org/ratsgraph/ontology")
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionInfo) is not None
    assert ontology.value(header, URIRef("http://purl.org/dc/terms/license")) is not None
    assert not list(ontology.objects(header, OWL.imports)), "anchors are referenced, not imported"


@pytest.mark.parametrize("name", RB_TERMS)
def test_every_rb_term_is_declared_labelled_and_explained(ontology: Graph, name: str) -> None:
    term = URIRef(RB_NS + name)
    types = set(ontology.objects(term, RDF.type))
    assert types & DECLARATION_TYPES, f"rb:{name} is not declared in ratsgraph.ttl"
    labels = list(ontology.objects(term, RDFS.label))
    assert [lab.language for lab in labels if isinstance(lab, Literal)].count("de") == 1
    assert [lab.language for lab in labels if isinstance(lab, Literal)].count("en") == 1
    assert len(labels) == 2, f"rb:{name} has labels other than one @de and one @en: {labels}"
    comments = list(ontology.objects(term, RDFS.comment))
    assert comments and all(len(str(c)) > 20 for c in comments), f"rb:{name} needs a comment"


def test_ontology_declares_no_rb_term_missing_from_vocab(ontology: Graph) -> None:
    in_ttl = {
        str(s)[len(RB_NS) :]
        for s in ontology.subjects()
        if isinstance(s, URIRef) and str(s).startswith(RB_NS)
    }
    assert in_ttl - set(RB_TERMS) == set()


def test_classes_are_aligned_with_the_anchor_vocabularies(ontology: Graph) -> None:
    eli = "http://data.europa.eu/eli/ontology#"
    expected = {
        RB.Resolution: URIRef(eli + "LegalResource"),
        RB.ResolutionPoint: URIRef(eli + "LegalResourceSubdivision"),
        RB.Session: URIRef("http://data.vlaanderen.be/ns/besluit#Zitting"),
        RB.Office: URIRef("http://www.w3.org/ns/org#Post"),
        RB.Incumbency: URIRef("http://www.w3.org/ns/org#Membership"),
        RB.Delegation: URIRef(
            "http://data.europa.eu/eli/eli-draft-legislation-ontology#ForeseenActivity"
        ),
        RB.Signature: URIRef("http://www.w3.org/ns/prov#Attribution"),
        RB.ImplementationStatus: SKOS.Concept,
    }
    for cls, anchor in expected.items():
        assert (cls, RDFS.subClassOf, anchor) in ontology, f"{cls} ⊑ {anchor}"
    eli_dl = "http://data.europa.eu/eli/eli-draft-legislation-ontology#"
    assert (
        RB.actor,
        RDFS.subPropertyOf,
        URIRef(eli_dl + "had_responsible_organization"),
    ) in ontology
    assert (RB.reportsOn, RDFS.subPropertyOf, URIRef(eli_dl + "answers_to")) in ontology


def test_object_and_datatype_properties_have_ranges_where_they_are_links_or_dates(
    ontology: Graph,
) -> None:
    for prop in ontology.subjects(RDF.type, OWL.ObjectProperty):
        if str(prop).startswith(RB_NS) and prop != RB.evidence:
            assert ontology.value(prop, RDFS.domain) is not None or prop == RB.body, prop
        assert ontology.value(prop, RDFS.range) is not None, f"{prop} has no range"
    for prop in (RB.deadline, RB.asOf, RB.nextReportDate):
        assert ontology.value(prop, RDFS.range) == URIRef("http://www.w3.org/2001/XMLSchema#date")


def test_status_concepts_are_in_the_scheme_with_the_loader_notations(ontology: Graph) -> None:
    scheme = RB.ImplementationStatusScheme
    assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology
    for notation, concept in STATUS_CONCEPTS.items():
        assert (concept, RDF.type, SKOS.Concept) in ontology
        assert (concept, RDF.type, RB.ImplementationStatus) in ontology
        assert (concept, SKOS.inScheme, scheme) in ontology
        assert [str(n) for n in ontology.objects(concept, SKOS.notation)] == [notation]
        languages = sorted(lab.language for lab in ontology.objects(concept, SKOS.prefLabel))
        assert languages == ["de", "en"]
    in_scheme = set(ontology.subjects(SKOS.inScheme, scheme))
    assert {RB.StatusOpen, RB.StatusInProgress, RB.StatusOngoing, RB.StatusImplemented} <= in_scheme


def test_shapes_parse_and_every_loader_class_has_a_node_shape() -> None:
    shapes = Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    targets = set(shapes.objects(None, SH.targetClass))
    for cls in (
        RB.SourceDocument,
        RB.StatusReport,
        RB.Signature,
        RB.Submission,
        RB.Session,
        RB.Resolution,
        RB.Recommendation,
        RB.ResolutionPoint,
        RB.Delegation,
        RB.StatusAssertion,
        RB.Evidence,
        RB.PlanningReport,
        RB.City,
        RB.DecisionBody,
        RB.Office,
        RB.AdministrativeUnit,
        RB.Person,
        RB.Incumbency,
        RB.PlanningFramework,
        RB.FrameworkPart,
        RB.ImplementationStatus,
    ):
        assert cls in targets, f"no sh:NodeShape targets {cls}"
    for prop_shape in shapes.objects(None, SH.property):
        assert shapes.value(prop_shape, SH.path) is not None
