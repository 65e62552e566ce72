"""The vocabulary: our own `RB` terms (checked against ontology/ratsgraph.ttl) and the reused namespaces."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    TIME,
    XSD,
    DefinedNamespace,
)

RB_NS = "https://w3id.org/ratsgraph/ontology#"

ELI = Namespace("http://data.europa.eu/eli/ontology#")
ELI_DL = Namespace("http://data.europa.eu/eli/eli-draft-legislation-ontology#")
BESLUIT = Namespace("http://data.vlaanderen.be/ns/besluit#")
OA = Namespace("http://www.w3.org/ns/oa#")
SH = Namespace("http://www.w3.org/ns/shacl#")


class RB(DefinedNamespace):
    """Terms of the ratsgraph ontology; a typo is an AttributeError, not a silent new IRI."""

    _NS = Namespace(RB_NS)
    _fail = True

    # --- bodies, posts, people ---
    City: URIRef  # Stadt / Gemeinde (the body an IRI is scoped by)
    DecisionBody: URIRef  # beschließendes oder beratendes Gremium
    CityCouncil: URIRef  # Stadtrat
    Committee: URIRef  # Ausschuss, Beirat, Ortschaftsrat, Stadtbezirksbeirat
    Office: URIRef  # Amt einer Person: Oberbürgermeister, Beigeordnete
    AdministrativeUnit: URIRef  # Jugendamt, Geschäftsbereich, die Verwaltung
    Person: URIRef
    Incumbency: URIRef  # who held an office when
    body: URIRef  # anything -> the City it belongs to
    office: URIRef  # Incumbency -> Office
    abbreviation: URIRef  # committee abbreviation as used in session numbers (JHA)
    # --- documents and decisions ---
    Submission: URIRef  # Vorlage / Antrag
    Session: URIRef  # Sitzung
    Resolution: URIRef  # Beschluss
    Recommendation: URIRef  # Beschlussempfehlung
    ResolutionPoint: URIRef  # Beschlusspunkt
    Delegation: URIRef  # one "... wird beauftragt ..." clause
    PlanningFramework: URIRef
    FrameworkPart: URIRef
    PlanningReport: URIRef
    StatusReport: URIRef  # Beschlusskontrolle
    StatusAssertion: URIRef  # status of one point as of one report
    ImplementationStatus: URIRef  # SKOS concept class
    SourceDocument: URIRef  # the file a named graph was extracted from
    Evidence: URIRef  # a character span of a source document
    Signature: URIRef  # qualified attribution of a document to a signer
    decidesOn: URIRef  # Resolution -> Submission
    session: URIRef  # Resolution -> Session
    sessionNumber: URIRef  # Session number as printed (JHA/042/2022)
    position: URIRef  # order of a point in its resolution (1-based)
    text: URIRef  # full text of a point
    delegation: URIRef  # ResolutionPoint -> Delegation
    actor: URIRef  # Delegation -> Office | AdministrativeUnit | DecisionBody
    actorText: URIRef  # the actor as written
    task: URIRef  # what the actor is to do
    deadline: URIRef  # xsd:date, end of the period named
    deadlineText: URIRef  # the deadline as written
    recurring: URIRef  # xsd:boolean: recurring duty, no deadline
    recurrenceText: URIRef
    adoptsReport: URIRef  # ResolutionPoint -> PlanningReport
    placesInFrameworkPart: URIRef  # ResolutionPoint -> FrameworkPart
    frameworkPart: URIRef  # PlanningReport -> FrameworkPart
    reportsOn: URIRef  # StatusReport -> Resolution
    isFinal: URIRef  # StatusReport: abschließende Information (true) or Zwischenstand (false)
    nextReportDate: URIRef  # StatusReport: "Nächste Beschlusskontrolle"
    statusOf: URIRef  # StatusAssertion -> ResolutionPoint
    status: URIRef  # StatusAssertion -> ImplementationStatus
    asOf: URIRef  # StatusAssertion: date of the report
    reportedIn: URIRef  # StatusAssertion -> StatusReport
    statusNote: URIRef  # the report's own text on the point
    documentKind: URIRef  # Beschlussausfertigung, Beschlusskontrolle, ...
    sha256: object
    fileName: URIRef
    content: URIRef  # SourceDocument: its text, in which Evidence spans count
    loadedAt: URIRef
    records: URIRef  # SourceDocument -> Resolution it is the Ausfertigung/Empfehlung of
    signature: URIRef  # SourceDocument -> Signature
    signer: URIRef  # Signature -> Person
    signerName: URIRef  # name as written (or recovered)
    role: URIRef  # Signature: role as written
    evidence: URIRef  # fact -> Evidence
    start: URIRef  # Evidence: first character (0-based)
    end: URIRef  # Evidence: end character (exclusive)
    quote: URIRef  # Evidence: the source text
    confidence: URIRef  # Evidence / StatusAssertion / Signature: how sure the reading is, 0-1
    warning: URIRef  # SourceDocument: extraction warning
    # --- from OParl: consultations, memberships, where a file is filed ---
    Consultation: URIRef  # Beratung: a submission treated by a body in a session
    treats: URIRef  # Consultation -> Submission
    inSession: URIRef  # Consultation -> Session
    consultingBody: URIRef  # Consultation -> DecisionBody
    authoritative: URIRef  # xsd:boolean: the body decides here (OParl Consultation.authoritative)
    consultationRole: URIRef  # "beschließend", "beratend", "Vorberatung"
    membershipRole: URIRef  # org:Membership: role as OParl gives it ("Vorsitzender")
    attachedToSubmission: URIRef  # document -> Submission it is filed under
    attachedToSession: URIRef  # document -> Session it belongs to
    Faction: URIRef  # Fraktion, Gruppe (OParl organizationType Fraktion)
    AgendaItem: URIRef  # Tagesordnungspunkt of a session (OParl AgendaItem)
    agendaResult: URIRef  # AgendaItem: the outcome as OParl writes it ("abgelehnt", "vertagt")
    Withdrawn: URIRef  # an OParl object the source deleted: what remains is when (tombstone)
    # --- status scheme ---
    ImplementationStatusScheme: URIRef
    StatusOpen: URIRef  # offen
    StatusInProgress: URIRef  # in Umsetzung
    StatusOngoing: URIRef  # fortlaufend
    StatusImplemented: URIRef  # umgesetzt


STATUS_CONCEPTS = {
    "offen": RB.StatusOpen,
    "in_umsetzung": RB.StatusInProgress,
    "fortlaufend": RB.StatusOngoing,
    "umgesetzt": RB.StatusImplemented,
}

PREFIXES: dict[str, str] = {
    "rb": RB_NS,
    "eli": str(ELI),
    "eli-dl": str(ELI_DL),
    "besluit": str(BESLUIT),
    "org": str(ORG),
    "prov": str(PROV),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "time": str(TIME),
    "oa": str(OA),
    "dcat": str(DCAT),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
}

__all__ = [
    "RB",
    "RB_NS",
    "ELI",
    "ELI_DL",
    "BESLUIT",
    "OA",
    "SH",
    "DCAT",
    "DCTERMS",
    "FOAF",
    "ORG",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SKOS",
    "TIME",
    "XSD",
    "STATUS_CONCEPTS",
    "PREFIXES",
]
