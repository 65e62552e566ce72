"""`/ontology` over real HTTP: the ontology's IRIs resolve on the serving host, one page lists every
term with its German and English labels, comment, types, superclasses, domain and range, and RDF
clients get the ontology itself in four formats."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, SKOS

from loader.shapes import ONTOLOGY_FILE

from .test_browser_walk import Walk, chromium  # noqa: F401 - the Chromium fixture

NS = "https://w3id.org/ratsgraph/ontology#"
BASE = "https://w3id.org/ratsgraph"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ARTICLE = re.compile(r'<article class="term" id="([^"]+)">(.*?)</article>', re.S)


def the_ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def terms(g: Graph) -> list[URIRef]:
    return sorted(
        {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef) and s.startswith(NS)}
    )


def articles(live_server: str) -> dict[str, str]:
    page = requests.get(live_server + "/ontology", headers={"Accept": BROWSER}, timeout=30)
    assert (page.status_code, page.headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    return dict(ARTICLE.findall(page.text))


@pytest.mark.parametrize(
    ("how", "media", "rdflib_format"),
    [
        ({"format": "ttl"}, "text/turtle", "turtle"),
        ({"format": "jsonld"}, "application/ld+json", "json-ld"),
        ({"format": "rdf"}, "application/rdf+xml", "xml"),
        ({"format": "nt"}, "application/n-triples", "nt"),
        ({"Accept": "text/turtle"}, "text/turtle", "turtle"),
        ({"Accept": "application/ld+json"}, "application/ld+json", "json-ld"),
        ({"Accept": "application/rdf+xml"}, "application/rdf+xml", "xml"),
        ({"Accept": "application/n-triples"}, "application/n-triples", "nt"),
    ],
)
def test_rdf_clients_get_the_whole_ontology(
    live_server: str, how: dict[str, str], media: str, rdflib_format: str
) -> None:
    params = {k: v for k, v in how.items() if k == "format"}
    headers = {k: v for k, v in how.items() if k == "Accept"}
    resp = requests.get(live_server + "/ontology", params=params, headers=headers, timeout=30)
    assert (resp.status_code, resp.headers["Content-Type"].split(";")[0]) == (200, media)
    assert isomorphic(Graph().parse(data=resp.content, format=rdflib_format), the_ontology())


def test_every_term_has_its_anchor_with_german_and_english_labels_and_comments(
    live_server: str,
) -> None:
    g = the_ontology()
    found = articles(live_server)
    assert sorted(found) == sorted(t[len(NS) :] for t in terms(g))
    for t in terms(g):
        shown = {
            (lang, html.unescape(text))
            for lang, text in re.findall(r'<dd lang="(\w+)">(.*?)</dd>', found[t[len(NS) :]])
        }
        for prop in (RDFS.label, SKOS.prefLabel, RDFS.comment):
            for value in g.objects(t, prop):
                assert isinstance(value, Literal)
                assert (value.language, str(value)) in shown, (t, prop, value)
        labels = {v.language for p in (RDFS.label, SKOS.prefLabel) for v in g.objects(t, p)}
        comments = {v.language for v in g.objects(t, RDFS.comment)}
        assert labels == comments == {"de", "en"}, t


def test_a_class_shows_its_superclass_and_the_properties_that_use_it(live_server: str) -> None:
    resolution = articles(live_server)["Resolution"]
    facts = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", resolution))
    assert facts['<span lang="de">Unterklasse von</span> / <span lang="en">Subclass of</span>'] == (
        '<a href="http://data.europa.eu/eli/ontology#LegalResource" rel="external">'
        "<code>eli:LegalResource</code></a>"
    )
    with_domain = facts[
        '<span lang="de">Eigenschaften mit diesem Definitionsbereich</span> / '
        '<span lang="en">Properties with this domain</span>'
    ]
    linked = re.findall(r'<a href="#(\w+)"><code>rb:\1</code></a>', with_domain)
    g = the_ontology()
    resolution_class = URIRef(NS + "Resolution")
    expected = {
        str(p)[len(NS) :]
        for p, d in g.subject_objects(RDFS.domain)
        if str(p).startswith(NS) and (d == resolution_class or resolution_class in _union(g, d))
    }
    assert set(linked) == expected and "decidesOn" in linked


def _union(g: Graph, node: object) -> set[URIRef]:
    """The members of an ``owl:unionOf`` class (none for a named class)."""
    from rdflib.collection import Collection  # noqa: PLC0415
    from rdflib.namespace import OWL  # noqa: PLC0415

    members = g.value(node, OWL.unionOf)  # type: ignore[arg-type]
    return set(Collection(g, members)) if members is not None else set()


def test_a_property_shows_its_domain_as_a_union_and_its_range(live_server: str) -> None:
    deadline = articles(live_server)["deadline"]
    facts = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", deadline))
    assert facts['<span lang="de">Definitionsbereich</span> / <span lang="en">Domain</span>'] == (
        '<span class="union">eins von / one of: <a href="#Delegation"><code>rb:Delegation</code>'
        '</a>, <a href="#ResolutionPoint"><code>rb:ResolutionPoint</code></a></span>'
    )
    assert facts['<span lang="de">Wertebereich</span> / <span lang="en">Range</span>'] == (
        '<a href="http://www.w3.org/2001/XMLSchema#date" rel="external"><code>xsd:date</code></a>'
    )


def test_the_status_concepts_have_their_anchors_labels_and_notation(live_server: str) -> None:
    implemented = articles(live_server)["StatusImplemented"]
    assert '<dd lang="de">umgesetzt</dd>' in implemented
    assert '<dd lang="en">implemented</dd>' in implemented
    facts = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", implemented))
    assert facts['<span lang="de">Kürzel</span> / <span lang="en">Notation</span>'] == (
        "<code>umgesetzt</code>"
    )
    assert facts['<span lang="de">In Schema</span> / <span lang="en">In scheme</span>'] == (
        '<a href="#ImplementationStatusScheme"><code>rb:ImplementationStatusScheme</code></a>'
    )


def test_every_term_iri_resolves_on_this_host(live_server: str) -> None:
    """``https://w3id.org/ratsgraph/ontology#X`` is /ontology here, its fragment the term's anchor;
    /ontology/X leads there too."""
    found = articles(live_server)
    for t in terms(the_ontology()):
        document, _, local = t.replace(BASE, live_server).partition("#")
        assert document == live_server + "/ontology" and local in found
    moved = requests.get(
        live_server + "/ontology/StatusOpen", allow_redirects=False, headers={"Accept": BROWSER}
    )
    assert (moved.status_code, moved.headers["Location"]) == (303, "/ontology#StatusOpen")
    missing = requests.get(live_server + "/ontology/Nothing", headers={"Accept": "text/plain"})
    assert missing.status_code == 404


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_a_term_iri_opened_in_a_browser_shows_its_term(
    live_server: str,
    chromium,  # noqa: ANN001, F811 - the fixture imported above
    tmp_path: Path,
    width: int,
) -> None:
    """The fragment lands on the term: its heading is on screen; the page fits a phone and has no
    serious accessibility violation (`test_browser_walk.Walk.check`)."""
    context = chromium.new_context(locale="de-DE", viewport={"width": width, "height": 800})
    page = context.new_page()
    walk = Walk(page, live_server, tmp_path)
    page.goto(live_server + "/ontology#StatusImplemented")
    walk.check("ontology")
    heading = page.locator("#StatusImplemented h3")
    assert heading.is_visible()
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < 800  # scrolled to it, not left at the top
    assert page.locator("#StatusImplemented dd[lang=en]").first.inner_text() == "implemented"
    context.close()
