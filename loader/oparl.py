"""OParl 1.1 objects (bodies, committees, people, meetings, papers, consultations, files) as RDF.

OParl knows the skeleton of council work (which paper was treated by which committee in which
meeting, which files belong to it) but no resolution points; those come from the documents. Every
object maps to its own named graph, so re-importing a changed object replaces exactly its triples.
Entities get the IRIs the document loader mints from official identifiers (a paper's reference, a
meeting's session number), so OParl's and the documents' facts meet on the same nodes; the OParl ids
are kept as ``dct:source``. Objects of the older export shape go through `oparl_legacy.upgrade` first.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from rdflib import Graph, Literal, URIRef

from .graph import new_graph
from .oparl_body import organization_kind
from .oparl_index import Context, Index
from .oparl_legacy import is_url, local_id, type_name
from .vocab import BESLUIT, DCAT, DCTERMS, FOAF, ORG, PROV, RB, RDF, RDFS, SKOS, TIME, XSD

_NTH_SESSION = re.compile(r"^\s*(\d{1,3})\.\s*Sitzung\b", re.I)
_SESSION_NUMBER = re.compile(r"^.+/\d{3}/\d{4}$")


class OParlError(ValueError):
    """An OParl object that cannot be mapped; the message names the object and what is wrong."""

    def __init__(self, oparl_id: str, message: str) -> None:
        self.oparl_id = oparl_id
        super().__init__(f"{oparl_id}: {message}")


def committee_sources(reference_graph: Graph) -> dict[str, str]:
    """OParl organization ids the reference data names (``dct:source``) -> the committee IRI."""
    return {
        str(src): str(c)
        for c in reference_graph.subjects(RB.abbreviation, None)
        for src in reference_graph.objects(c, DCTERMS.source)
    }


def session_number(meeting: dict[str, Any], abbreviation: str | None) -> str | None:
    """The Sitzungsnummer: the meeting's own short name, else "<abbr>/<NNN>/<year>" from its name.

    >>> session_number({"name": "42. Sitzung des Jugendhilfeausschusses", "start": "2022-10-13T17:00:00+02:00"}, "JHA")
    'JHA/042/2022'
    >>> session_number({"shortName": "JHA/026/2016", "name": "26. Sitzung"}, None)
    'JHA/026/2016'
    """
    short = meeting.get("shortName")
    if isinstance(short, str) and _SESSION_NUMBER.match(short.strip()):
        return short.strip()
    m = _NTH_SESSION.match(str(meeting.get("name") or ""))
    day = _date(meeting.get("start"))
    if m and abbreviation and day:
        return f"{abbreviation}/{int(m.group(1)):03d}/{day.year}"
    return None


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list) else [value]


def _ref(value: Any) -> str | None:
    """An id whether the link is given as a URL string or as an embedded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return str(value) if isinstance(value, str | int) and str(value) else None


_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


def iri(value: str, where: str) -> URIRef:
    """An OParl URL as an IRI, refused when it could not be written safely into N-Triples/SPARQL.

    >>> iri("https://oparl.example/files/1", "x")
    rdflib.term.URIRef('https://oparl.example/files/1')
    """
    if not _IRI.match(value):
        raise OParlError(where, f"{value!r} is not a valid http(s) IRI")
    return URIRef(value)


def _source(g: Graph, node: URIRef, oparl_id: str | None) -> None:
    if is_url(oparl_id):
        g.add((node, DCTERMS.source, iri(oparl_id, oparl_id)))


def map_object(obj: dict[str, Any], ctx: Context) -> tuple[URIRef, Graph]:
    """The named graph of one OParl object; updates ``ctx.index``. Raises OParlError on bad input."""
    if not isinstance(obj, dict):
        raise OParlError("?", f"not an OParl object but {type(obj).__name__}")
    oid, kind = obj.get("id"), type_name(obj)
    if kind is None:
        raise OParlError(str(oid or "?"), f"not an OParl object: unknown type {obj.get('type')!r}")
    if not oid:
        raise OParlError(
            "?", f"an OParl {kind} without id: {json.dumps(obj, ensure_ascii=False)[:120]}"
        )
    mapper = _MAPPERS.get(kind)
    if mapper is None:
        raise OParlError(str(oid), f"OParl type {kind} is not imported")
    g = new_graph()
    mapper(obj, ctx, g)
    return ctx.minter.oparl_graph(kind, local_id(str(oid))), g


def _body(obj: dict[str, Any], ctx: Context, g: Graph) -> None:
    city = ctx.minter.city()
    g.add((city, RDF.type, RB.City))
    g.add((city, RDF.type, ORG.FormalOrganization))
    _source(g, city, obj["id"])
    # The reference data names a city it knows; any other council is named by its Body.
    label = SKOS.altLabel if ctx.reference.committees or ctx.reference.actors else SKOS.prefLabel
    if obj.get("name"):
        g.add((city, label, Literal(obj["name"], lang="de")))
    if obj.get("shortName") and label == SKOS.prefLabel:
        g.add((city, SKOS.altLabel, Literal(obj["shortName"], lang="de")))


def _organization(obj: dict[str, Any], ctx: Context, g: Graph) -> None:
    """Every organization is an org:Organization typed by what OParl says it is; only deciding
    bodies (council, committees, advisory boards) are our committees and may hold sessions."""
    oid, name, short = str(obj["id"]), obj.get("name"), obj.get("shortName")
    kind = organization_kind(obj)
    iri = ctx.committee_sources.get(oid)
    if iri is None and kind == "deciding":  # a mirror of a known system: match by name
        for c in ctx.reference.committees.values():
            if (short and short == c.abbreviation) or (name and name in c.labels):
                iri = c.iri
                break
    known = next((c for c in ctx.reference.committees.values() if c.iri == iri), None)
    if iri is not None:
        node = URIRef(iri)
    elif kind == "deciding":
        node = ctx.minter.committee(short or name or local_id(oid))
        taken = {v for k, v in ctx.index.committees.items() if k != oid}
        if str(node) in taken:  # two committees with one short name stay two
            node = ctx.minter.committee(f"{short or name} {local_id(oid)}")
    else:
        node = ctx.minter.organization(local_id(oid))
    if known is None:
        g.add((node, RDF.type, ORG.Organization))
        if kind == "deciding":
            g.add((node, RDF.type, RB.Committee))
            g.add((node, RDF.type, RB.DecisionBody))
        elif kind == "faction":
            g.add((node, RDF.type, RB.Faction))
        elif kind == "administration":
            g.add((node, RDF.type, RB.AdministrativeUnit))
        g.add((node, RB.body, ctx.minter.city()))
        if name:
            g.add((node, SKOS.prefLabel, Literal(name, lang="de")))
        if short:
            g.add((node, RB.abbreviation, Literal(short)))
        for key in ("organizationType", "classification"):
            if isinstance(obj.get(key), str) and obj[key].strip():
                g.add((node, DCTERMS.type, Literal(obj[key].strip(), lang="de")))
    _source(g, node, oid)
    ctx.index.organizations[oid] = str(node)
    if kind == "deciding" or known is not None:
        ctx.index.committees[oid] = str(node)
    # Session numbers are read from meeting names only where the reference data vouches for the
    # council's numbering ("<abbreviation>/<NNN>/<year>"): elsewhere a name is just a name.
    if known is not None:
        ctx.index.abbreviations[oid] = known.abbreviation


def _person(obj: dict[str, Any], ctx: Context, g: Graph) -> None:
    name = obj.get("name") or " ".join(
        str(obj[k]) for k in ("givenName", "familyName") if obj.get(k)
    )
    if not name:
        raise OParlError(str(obj["id"]), "a Person needs a name (or givenName/familyName)")
    node = ctx.minter.person(name)
    g.add((node, RDF.type, RB.Person))
    g.add((node, FOAF.name, Literal(name)))
    _source(g, node, obj["id"])
    ctx.index.people[str(obj["id"])] = str(node)


def _membership(obj: dict[str, Any], ctx: Context, g: Graph) -> None:
    """A seat in a committee with its dates; the person is named by the Person object (same IRI)."""
    oid = str(obj["id"])
    node = ctx.minter.membership(local_id(oid))
    g.add((node, RDF.type, ORG.Membership))
    _source(g, node, oid)
    person, org = _ref(obj.get("person")), _ref(obj.get("organization"))
    if isinstance(obj.get("person"), dict) and obj["person"].get("name"):
        g.add((node, ORG.member, ctx.minter.person(obj["person"]["name"])))
    elif person in ctx.index.people:
        g.add((node, ORG.member, URIRef(ctx.index.people[person])))
    org_iri = ctx.index.organizations.get(org or "") or ctx.index.committees.get(org or "")
    if org_iri:
        g.add((node, ORG.organization, URIRef(org_iri)))
    if obj.get("role"):
        g.add((node, RB.membershipRole, Literal(obj["role"], lang="de")))
    start, end = _date(obj.get("startDate")), _date(obj.get("endDate"))
    if start or end:
        interval = URIRef(f"{node}/during")
        g.add((node, ORG.memberDuring, interval))
        g.add((interval, RDF.type, TIME.Interval))
        for prop, day, suffix in ((TIME.hasBeginning, start, "start"), (TIME.hasEnd, end, "end")):
            if day:
                instant = URIRef(f"{interval}/{suffix}")
                g.add((interval, prop, instant))
                g.add((instant, TIME.inXSDDate, Literal(day.isoformat(), datatype=XSD.date)))


def _meeting(obj: dict[str, Any], ctx: Context, g: Graph) -> None:
    oid = str(obj["id"])
    orgs = [o for o in (_ref(v) for v in _list(obj.get("organization"))) if o]
    abbreviation = next(
        (ctx.index.abbreviations[o] for o in orgs if o in ctx.index.abbreviations), None
    )
    number = session_number(obj, abbreviation)
    node = ctx.minter.session(number or f"{abbreviation or 'Sitzung'}/{local_id(oid)}")
    day = _date(obj.get("start"))
    identifier = number or local_id(oid)
    g.add((node, RDF.type, RB.Session))
    g.add((node, RB.sessionNumber, Literal(identifier)))
    g.add((node, DCTERMS.identifier, Literal(identifier)))
    label = f"Sitzung {number}" if number else str(obj.get("name") or f"Sitzung {identifier}")
    g.add((node, RDFS.label, Literal(label, lang="de")))
    g.add((node, RB.body, ctx.minter.city()))
    if obj.get("name"):
        g.add((node, DCTERMS.title, Literal(obj["name"], lang="de")))
    if day:
        g.add((node, DCTERMS.date, Literal(day.isoformat(), datatype=XSD.date)))
        g.add((node, PROV.startedAtTime, Literal(obj["start"], datatype=XSD.dateTime)))
    committee = next((ctx.index.committees[o] for o in orgs if o in ctx.index.committees), None)
    if committee:
        g.add((node, BESLUIT.isGehoudenDoor, URIRef(committee)))
    _source(g, node, oid)
    ctx.index.sessions[oid] = {
        "iri": str(node),
        "number": number,
        "date": day.isoformat() if day else None,
        "committee": committee,
    }
    # Files of the meeting: invitation, protocols, and per agenda item the resolution and annexes.
    # Only indexed: the file's own graph says which one meeting it hangs on (see loader.metadata).
    files = [obj.get(k) for k in ("invitation", "resultsProtocol", "verbatimProtocol")]
    files += _list(obj.get("auxiliaryFile"))
    for position, item in enumerate(_list(obj.get("agendaItem")), 1):
        if isinstance(item, dict):
            files += [item.get("resolutionFile"), *_list(item.get("auxiliaryFile"))]
            _agenda_item(item, node, position, ctx, g)
    for f in files:
        fid = _ref(f)
        if fid:
            ctx.index.link_file(fid, meeting=oid)


def _agenda_item(
    item: dict[str, Any], session: URIRef, position: int, ctx: Context, g: Graph
) -> None:
    """A Tagesordnungspunkt with its result (the outcome of its resolution). Its paper is not
    linked here: papers are read after meetings, and the link would differ between runs."""
    if item.get("deleted") is True:
        return
    number = str(item.get("number") or "").strip()
    node = ctx.minter.agenda_item(session, number or local_id(str(item.get("id") or position)))
    g.add((node, RDF.type, RB.AgendaItem))
    g.add((node, DCTERMS.isPartOf, session))
    if number:
        g.add((node, DCTERMS.identifier, Literal(number)))
    if item.get("name"):
        g.add((node, RDFS.label, Literal(" ".join(str(item["name"]).split()), lang="de")))
    if isinstance(item.get("result"), str) and item["result"].strip():
        g.add((node, RB.agendaResult, Literal(" ".join(item["result"].split()), lang="de")))
    _source(g, node, _ref(item))


def _submission(oid: str, reference: str | None, ctx: Context) -> URIRef:
    """A paper's IRI: by its reference, as the documents mint it, unless another paper already
    holds that reference (a Vorlage and an Anfrage may share one): identity is the OParl id."""
    if not reference:
        return ctx.minter.submission(f"oparl/{local_id(oid)}")
    node = ctx.minter.submission(reference)
    if ctx.index.submissions.get(str(node), oid) != oid:
        return ctx.minter.submission(f"{reference}/{local_id(oid)}")
    return node


def _paper(obj: dict[str, Any], ctx: Context, g: Graph) -> None:
    oid = str(obj["id"])
    reference = obj.get("reference")
    reference = reference.strip() if isinstance(reference, str) and reference.strip() else None
    identifier = reference or local_id(oid)
    prior = ctx.index.papers.get(oid)
    if prior and prior["reference"] == identifier:  # stable across runs once minted
        node = URIRef(prior["iri"])
    else:  # new, or its reference corrected: the IRI follows the reference
        if prior and ctx.index.submissions.get(prior["iri"]) == oid:
            del ctx.index.submissions[prior["iri"]]
        node = _submission(oid, reference, ctx)
    g.add((node, RDF.type, RB.Submission))
    g.add((node, DCTERMS.identifier, Literal(identifier)))
    g.add((node, RDFS.label, Literal(identifier)))
    g.add((node, RB.body, ctx.minter.city()))
    if obj.get("name"):
        g.add((node, DCTERMS.title, Literal(obj["name"], lang="de")))
    if obj.get("paperType"):
        g.add((node, DCTERMS.type, Literal(obj["paperType"], lang="de")))
    day = _date(obj.get("date"))
    if day:
        g.add((node, DCTERMS.date, Literal(day.isoformat(), datatype=XSD.date)))
    _source(g, node, oid)
    meetings: list[str] = []
    authoritative: list[str] = []
    for c in _list(obj.get("consultation")):
        if not isinstance(c, dict) or c.get("deleted") is True:
            continue
        meeting = _consultation(c, node, identifier, ctx, g)
        if meeting:
            meetings.append(meeting)
            if c.get("authoritative"):
                authoritative.append(meeting)
    ctx.index.submissions.setdefault(str(node), oid)
    ctx.index.papers[oid] = {
        "iri": str(node),
        "reference": identifier,
        "meetings": meetings,
        "authoritative": authoritative,
    }
    for f in [obj.get("mainFile"), *_list(obj.get("auxiliaryFile"))]:
        fid = _ref(f)
        if fid:
            ctx.index.link_file(fid, paper=oid)


def _consultation(
    c: dict[str, Any], submission: URIRef, identifier: str, ctx: Context, g: Graph
) -> str | None:
    """A Beratung: the submission in one meeting; returns the meeting's id (None: not scheduled)."""
    meeting = _ref(c.get("meeting"))
    if not meeting:
        return None
    session = ctx.index.sessions.get(meeting)
    cnode = ctx.minter.consultation(submission, (session or {}).get("number") or local_id(meeting))
    g.add((cnode, RDF.type, RB.Consultation))
    g.add((cnode, RB.treats, submission))
    g.add((cnode, RDFS.label, Literal(f"Beratung {identifier}", lang="de")))
    if session:
        g.add((cnode, RB.inSession, URIRef(session["iri"])))
    for org in (_ref(o) for o in _list(c.get("organization"))):
        if org and org in ctx.index.committees:
            g.add((cnode, RB.consultingBody, URIRef(ctx.index.committees[org])))
    if isinstance(c.get("authoritative"), bool):
        g.add((cnode, RB.authoritative, Literal(c["authoritative"])))
    if c.get("role"):
        g.add((cnode, RB.consultationRole, Literal(" ".join(str(c["role"]).split()), lang="de")))
    _source(g, cnode, _ref(c))
    return meeting


def _standalone_consultation(obj: dict[str, Any], ctx: Context, g: Graph) -> None:
    """A Consultation given as its own object (dumps that do not embed them in their paper)."""
    paper = _ref(obj.get("paper"))
    if not paper or paper not in ctx.index.papers:
        raise OParlError(str(obj["id"]), f"the consultation's paper {paper!r} was not imported")
    entry = ctx.index.papers[paper]
    meeting = _consultation(obj, URIRef(entry["iri"]), entry["reference"], ctx, g)
    if meeting and meeting not in entry["meetings"]:
        entry["meetings"].append(meeting)
        if obj.get("authoritative"):
            entry["authoritative"].append(meeting)


def tombstone(oparl_id: str, kind: str, when: str | None) -> Graph:
    """What is left of an object the source deleted: that it was withdrawn, and when."""
    g = new_graph()
    node = iri(oparl_id, oparl_id)
    g.add((node, RDF.type, RB.Withdrawn))
    g.add((node, DCTERMS.type, Literal(kind)))
    if isinstance(when, str) and len(when) >= 19:
        g.add((node, PROV.invalidatedAtTime, Literal(when, datatype=XSD.dateTime)))
    return g


def file_metadata(obj: dict[str, Any], doc: URIRef, g: Graph) -> None:
    """What OParl says about a file itself: its id, name, format and where to download it."""
    _source(g, doc, str(obj.get("id")))
    if obj.get("name"):
        g.add((doc, DCTERMS.alternative, Literal(obj["name"])))
    if obj.get("mimeType"):
        g.add((doc, DCTERMS.format, Literal(obj["mimeType"])))
    for key in ("accessUrl", "downloadUrl"):
        if is_url(obj.get(key)):
            g.add((doc, DCAT.downloadURL, iri(obj[key], str(obj.get("id")))))
            break


_MAPPERS = {
    "Body": _body,
    "Organization": _organization,
    "Person": _person,
    "Membership": _membership,
    "Meeting": _meeting,
    "Paper": _paper,
    "Consultation": _standalone_consultation,
}

__all__ = [
    "Context",
    "Index",
    "OParlError",
    "committee_sources",
    "file_metadata",
    "map_object",
    "session_number",
    "tombstone",
]
