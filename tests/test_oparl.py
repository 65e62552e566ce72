"""Mapping OParl objects to the ontology, the older export shape, and the metadata cross-check."""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import Literal, URIRef

from loader.iris import Minter
from loader.metadata import FileLinks, reconcile
from loader.model import Extraction
from loader.oparl import Context, OParlError, committee_sources, map_object
from loader.oparl_legacy import Resolver, upgrade
from loader.reference import load_reference, reference_or_empty
from loader.vocab import BESLUIT, DCTERMS, ORG, RB, RDF, RDFS, TIME, XSD
from service.ingest.loading import reference_graph

ID = "https://ris.example/oparl/"
DD = "https://w3id.org/ratsgraph/id/dresden/"


@pytest.fixture()
def ctx() -> Context:
    return Context(
        Minter("dresden"), load_reference("dresden"), committee_sources(reference_graph("dresden"))
    )


def test_a_committee_of_the_reference_data_is_matched_by_its_short_name(ctx: Context) -> None:
    org = {
        "id": ID + "org/10",
        "type": "https://schema.oparl.org/1.1/Organization",
        "name": "Jugendhilfeausschuss",
        "shortName": "JHA",
    }
    graph_iri, g = map_object(org, ctx)
    assert graph_iri == URIRef(DD + "oparl/organization/10")
    assert set(g) == {(URIRef(DD + "committee/jha"), DCTERMS.source, URIRef(ID + "org/10"))}
    assert ctx.index.abbreviations == {ID + "org/10": "JHA"}


def test_a_meeting_becomes_a_session_numbered_from_its_name_with_its_date(ctx: Context) -> None:
    ctx.index.committees[ID + "org/10"] = DD + "committee/jha"
    ctx.index.abbreviations[ID + "org/10"] = "JHA"
    meeting = {
        "id": ID + "meetings/7",
        "type": "https://schema.oparl.org/1.1/Meeting",
        "name": "42. Sitzung des Jugendhilfeausschusses",
        "start": "2022-10-13T17:00:00+02:00",
        "organization": [ID + "org/10"],
    }
    _, g = map_object(meeting, ctx)
    session = URIRef(DD + "session/JHA-042-2022")
    assert g.value(session, RB.sessionNumber) == Literal("JHA/042/2022")
    assert g.value(session, DCTERMS.date) == Literal("2022-10-13", datatype=XSD.date)
    assert g.value(session, BESLUIT.isGehoudenDoor) == URIRef(DD + "committee/jha")
    assert g.value(session, DCTERMS.title) == Literal(
        "42. Sitzung des Jugendhilfeausschusses", lang="de"
    )
    assert g.value(session, DCTERMS.source) == URIRef(ID + "meetings/7")


def test_a_paper_becomes_a_submission_with_its_consultations(ctx: Context) -> None:
    ctx.index.committees[ID + "org/10"] = DD + "committee/jha"
    ctx.index.sessions[ID + "meetings/7"] = {
        "iri": DD + "session/JHA-042-2022",
        "number": "JHA/042/2022",
        "date": "2022-10-13",
    }
    paper = {
        "id": ID + "papers/1",
        "type": "https://schema.oparl.org/1.1/Paper",
        "name": "Planungsbericht",
        "reference": "V1106/21",
        "date": "2021-09-01",
        "paperType": "Vorlage",
        "mainFile": {"id": ID + "files/5"},
        "consultation": [
            {
                "id": ID + "consultations/3",
                "meeting": ID + "meetings/7",
                "organization": [ID + "org/10"],
                "authoritative": True,
                "role": "beschließend",
            }
        ],
    }
    _, g = map_object(paper, ctx)
    sub = URIRef(DD + "submission/V1106-21")
    c = URIRef(DD + "submission/V1106-21/consultation/JHA-042-2022")
    assert {(p, o) for p, o in g.predicate_objects(c)} == {
        (RDF.type, RB.Consultation),
        (RB.treats, sub),
        (RB.inSession, URIRef(DD + "session/JHA-042-2022")),
        (RB.consultingBody, URIRef(DD + "committee/jha")),
        (RB.authoritative, Literal(True)),
        (RB.consultationRole, Literal("beschließend", lang="de")),
        (DCTERMS.source, URIRef(ID + "consultations/3")),
        (
            URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
            Literal("Beratung V1106/21", lang="de"),
        ),
    }
    assert g.value(sub, DCTERMS.date) == Literal("2021-09-01", datatype=XSD.date)
    assert ctx.index.file_papers == {ID + "files/5": [ID + "papers/1"]}


def test_a_paper_without_reference_is_kept_under_its_oparl_id(ctx: Context) -> None:
    _, g = map_object({"id": ID + "papers/2", "type": "https://schema.oparl.org/1.1/Paper"}, ctx)
    sub = URIRef(DD + "submission/oparl-2")
    assert set(g.predicate_objects(sub)) == {
        (RDF.type, RB.Submission),
        (DCTERMS.identifier, Literal("2")),
        (RDFS.label, Literal("2")),
        (RB.body, URIRef(DD.rstrip("/"))),
        (DCTERMS.source, URIRef(ID + "papers/2")),
    }


def test_two_papers_sharing_a_reference_stay_two(ctx: Context) -> None:
    paper = {"type": "https://schema.oparl.org/1.1/Paper", "reference": "1234/2014"}
    _, first = map_object({**paper, "id": ID + "paper/749", "name": "Anfrage"}, ctx)
    _, second = map_object({**paper, "id": ID + "paper/750", "name": "Antwort"}, ctx)
    titles = {
        (str(s), str(o)) for g in (first, second) for s, o in g.subject_objects(DCTERMS.title)
    }
    assert titles == {
        (DD + "submission/1234-2014", "Anfrage"),
        (DD + "submission/1234-2014-750", "Antwort"),
    }
    # each keeps its reference as printed, and the second run mints the same IRIs again
    assert {str(o) for g in (first, second) for o in g.objects(None, DCTERMS.identifier)} == {
        "1234/2014"
    }
    _, again = map_object({**paper, "id": ID + "paper/750", "name": "Antwort"}, ctx)
    assert set(again) == set(second)


def test_the_older_export_shape_is_upgraded_with_prefixes_learned_from_the_dump() -> None:
    resolve = Resolver.learn(
        [
            {"id": ID + "meetings/9", "type": "https://schema.oparl.org/1.1/Meeting"},
            {"id": ID + "papers/vo/3", "type": "https://schema.oparl.org/1.1/Paper"},
            {"id": ID + "files/1", "type": "https://schema.oparl.org/1.1/File"},
        ]
    )
    old = {
        "id": "10198",
        "type": "https://oparl.org/schema/1.0/Paper",
        "reference": "V0590/15",
        "shortName": "V0590/15",
        "publishedDate": "2015-06-26",
        "mainFile": "218705",
        "auxiliaryFile": ["222417"],
        "consultation": [{"type": "https://oparl.org/schema/1.0/Consultation", "meeting": "4018"}],
    }
    assert upgrade(old, resolve) == {
        "id": ID + "papers/vo/10198",
        "type": "https://schema.oparl.org/1.1/Paper",
        "reference": "V0590/15",
        "date": "2015-06-26",
        "mainFile": ID + "files/218705",
        "auxiliaryFile": [ID + "files/222417"],
        "consultation": [
            {
                "type": "https://schema.oparl.org/1.1/Consultation",
                "meeting": ID + "meetings/4018",
                "paper": ID + "papers/vo/10198",
            }
        ],
    }


def test_an_ocr_vorlage_number_is_corrected_from_the_paper_with_a_warning() -> None:
    ex = Extraction(
        source="621664.txt",
        text="",
        kind="Beschlussempfehlung",
        vorlage="VUS7/22",
        session="AB/018/2022",
    )
    links = FileLinks(
        papers=[{"iri": DD + "submission/V1457-22", "reference": "V1457/22"}],
        meetings=[
            {"iri": DD + "session/AB-018-2022", "number": "AB/018/2022", "date": "2022-06-22"}
        ],
    )
    meeting, warnings = reconcile(ex, links)
    assert meeting == links.meetings[0]
    assert (ex.vorlage, ex.session_date) == ("V1457/22", date(2022, 6, 22))
    assert warnings == [
        "Vorlage: the text reads 'VUS7/22', OParl files the document under paper 'V1457/22'; "
        "using 'V1457/22'"
    ]


def test_a_session_the_text_prints_differently_is_kept_and_warned_about() -> None:
    ex = Extraction(
        source="642141.txt",
        text="",
        kind="Beschlussausfertigung",
        vorlage="A-LB0007/22",
        session="OSR LB/038/2022",
    )
    links = FileLinks(meetings=[{"iri": "x", "number": "OSR LB/037/2022", "date": "2022-10-11"}])
    _, warnings = reconcile(ex, links)
    assert (ex.session, ex.session_date) == ("OSR LB/038/2022", None)
    assert warnings == [
        "session: the text reads 'OSR LB/038/2022', the OParl meeting is 'OSR LB/037/2022'; "
        "keeping the text's"
    ]


def test_an_oparl_id_that_is_no_valid_iri_is_refused_naming_the_object(ctx: Context) -> None:
    bad = {
        "id": ID + "papers/3> <x",
        "type": "https://schema.oparl.org/1.1/Paper",
        "reference": "V1/21",
    }
    with pytest.raises(OParlError, match=r"is not a valid http\(s\) IRI"):
        map_object(bad, ctx)


def test_a_membership_names_person_committee_role_and_dates(ctx: Context) -> None:
    ctx.index.committees[ID + "org/10"] = DD + "committee/jha"
    map_object(
        {
            "id": ID + "people/4",
            "type": "https://schema.oparl.org/1.1/Person",
            "givenName": "Melanie",
            "familyName": "Hörenz-Pissang",
        },
        ctx,
    )
    membership = {
        "id": ID + "memberships/8",
        "type": "https://schema.oparl.org/1.1/Membership",
        "person": ID + "people/4",
        "organization": ID + "org/10",
        "role": "Vorsitzende",
        "startDate": "2019-09-01",
    }
    _, g = map_object(membership, ctx)
    m = URIRef(DD + "membership/8")
    rows = g.query(
        """SELECT ?person ?org ?role ?start WHERE { ?m org:member ?person ; org:organization ?org ;
        rb:membershipRole ?role ; org:memberDuring/time:hasBeginning/time:inXSDDate ?start }""",
        initNs={"org": ORG, "rb": RB, "time": TIME},
        initBindings={"m": m},
    )
    assert [tuple(r) for r in rows] == [
        (
            URIRef(DD + "person/melanie-hoerenz-pissang"),
            URIRef(DD + "committee/jha"),
            Literal("Vorsitzende", lang="de"),
            Literal("2019-09-01", datatype=XSD.date),
        )
    ]


@pytest.fixture()
def other() -> Context:
    """A council without reference data."""
    return Context(Minter("koeln"), reference_or_empty("koeln"))


KOELN = "https://w3id.org/ratsgraph/id/koeln/"


@pytest.mark.parametrize(
    ("said", "types"),
    [
        (
            {"organizationType": "Gremium", "classification": "Ausschuss"},
            {RB.Committee, RB.DecisionBody},
        ),
        ({"organizationType": "Fraktion"}, {RB.Faction}),
        (
            {"organizationType": "Verwaltungsbereich", "classification": "Amt"},
            {RB.AdministrativeUnit},
        ),
        ({"organizationType": "externes Gremium"}, set()),
        ({"organizationType": "Institution", "classification": "GmbH"}, set()),
    ],
)
def test_organizations_are_typed_by_what_oparl_says_they_are(other: Context, said, types) -> None:
    org = {
        "id": ID + "org/7",
        "type": "https://schema.oparl.org/1.1/Organization",
        "name": "X",
        **said,
    }
    _, g = map_object(org, other)
    node = next(iter(g.subjects(DCTERMS.source, URIRef(ID + "org/7"))))
    assert set(g.objects(node, RDF.type)) == {ORG.Organization, *types}
    # only deciding bodies can hold sessions and treat papers
    assert (ID + "org/7" in other.index.committees) == (RB.DecisionBody in types)
    assert other.index.organizations == {ID + "org/7": str(node)}


def test_two_committees_with_one_short_name_stay_two(other: Context) -> None:
    org = {"type": "https://schema.oparl.org/1.1/Organization", "shortName": "JHA"}
    map_object({**org, "id": ID + "org/1", "name": "Jugendhilfeausschuss"}, other)
    map_object({**org, "id": ID + "org/2", "name": "Jugendhilfeausschuss (alt)"}, other)
    assert other.index.committees == {
        ID + "org/1": KOELN + "committee/jha",
        ID + "org/2": KOELN + "committee/jha-2",
    }


def test_without_reference_data_a_meeting_name_is_no_session_number(other: Context) -> None:
    map_object(
        {
            "id": ID + "org/10",
            "type": "https://schema.oparl.org/1.1/Organization",
            "shortName": "JHA",
        },
        other,
    )
    meeting = {
        "id": ID + "meetings/7",
        "type": "https://schema.oparl.org/1.1/Meeting",
        "name": "42. Sitzung des Jugendhilfeausschusses",
        "start": "2022-10-13T17:00:00+02:00",
        "organization": [ID + "org/10"],
        "agendaItem": [
            {"id": ID + "items/1", "number": "3", "name": "Haushalt", "result": "vertagt"},
        ],
    }
    _, g = map_object(meeting, other)
    session = URIRef(KOELN + "session/Sitzung-7")
    assert g.value(session, RB.sessionNumber) == Literal("7")
    assert g.value(session, BESLUIT.isGehoudenDoor) == URIRef(KOELN + "committee/jha")
    item = URIRef(KOELN + "session/Sitzung-7/agenda-item/3")
    assert g.value(item, RB.agendaResult) == Literal("vertagt", lang="de")
    assert g.value(item, DCTERMS.isPartOf) == session


def test_a_corrected_reference_moves_the_paper_and_frees_the_old_one(ctx: Context) -> None:
    paper = {"type": "https://schema.oparl.org/1.1/Paper", "id": ID + "paper/1"}
    map_object({**paper, "reference": "V1106/12"}, ctx)  # a typo, corrected later
    _, fixed = map_object({**paper, "reference": "V1106/21"}, ctx)
    _, other = map_object({**paper, "id": ID + "paper/2", "reference": "V1106/12"}, ctx)
    assert {str(s) for s in fixed.subjects(RDF.type, RB.Submission)} == {DD + "submission/V1106-21"}
    assert {str(s) for s in other.subjects(RDF.type, RB.Submission)} == {DD + "submission/V1106-12"}
