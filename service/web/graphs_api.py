"""Blueprint `graphs_api`: ``PUT /api/graphs?graph=IRI`` replaces one named graph an OParl import
writes, so `ratsgraph import-oparl --server URL` can import while the server holds the store.

Only the graphs an import writes may be replaced: one OParl object's (``/id/<body>/oparl/…``), a
file's (``/id/<body>/document/…``), a body's reference data and the ontology. The body is parsed
as N-Triples here and written as parsed, never passed on as text, and replaces the graph in one
transaction.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Flask, current_app, request
from rdflib import Graph

from service.errors import UserError
from service.ingest.loading import ONTOLOGY_GRAPH
from service.web import get_store
from service.web.auth import write_route

bp = Blueprint("graphs_api", __name__, url_prefix="/api")

NTRIPLES = ("application/n-triples", "text/plain")


def writable_graph(iri: str, base: str) -> bool:
    """Whether ``iri`` names a graph an OParl import writes (under ``base``).

    >>> writable_graph("https://w3id.org/ratsgraph/id/koeln/oparl/paper/749", "https://w3id.org/ratsgraph")
    True
    >>> writable_graph("https://w3id.org/ratsgraph/id/koeln/resolution/V1", "https://w3id.org/ratsgraph")
    False
    """
    if iri == ONTOLOGY_GRAPH:
        return True
    pattern = (
        re.escape(base.rstrip("/") + "/id/")
        + r"[a-z0-9]+(?:-[a-z0-9]+)*/(?:reference|(?:oparl|document)/[A-Za-z0-9_.\-/]{1,400})"
    )
    return re.fullmatch(pattern, iri) is not None


@bp.put("/graphs")
@write_route
def replace() -> Any:
    iri = request.args.get("graph", "")
    base = current_app.config["BASE_IRI"]
    if not writable_graph(iri, base):
        raise UserError(
            f"graph={iri[:200]!r}: expected a graph an OParl import writes: {base}/id/<body>/"
            "oparl/…, …/document/…, …/reference, or the ontology",
            400,
        )
    if request.mimetype not in NTRIPLES:
        raise UserError(
            f"expected the graph as application/n-triples, found {request.mimetype or 'none'!r}",
            415,
        )
    try:
        graph = Graph().parse(data=request.get_data(as_text=True), format="nt")
    except Exception as e:  # noqa: BLE001 - rdflib raises several kinds for bad N-Triples
        raise UserError(f"the body is not N-Triples: {str(e)[:300]}", 400) from e
    get_store().replace_graph(iri, graph)
    return {"ok": True, "graph": iri, "triples": len(graph)}, 200


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
