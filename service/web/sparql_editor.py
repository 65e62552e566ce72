"""What the query editor at `/sparql` needs: the dataset's own prefixes and the views as examples.

The prefixes come from the ontology's own declarations (not a public prefix service), so the editor
works offline and suggests exactly the vocabularies the data uses.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from flask import current_app

from service.ingest.loading import ONTOLOGY_DIR
from service.queries import load_queries
from service.web.views import queries_dir

_PREFIX = re.compile(r"^@prefix\s+([A-Za-z][\w-]*)?:\s*<([^>]+)>\s*\.", re.M)


@cache
def ontology_prefixes() -> dict[str, str]:
    """Every ``@prefix`` of ontology/ratsgraph.ttl, in file order.

    >>> ontology_prefixes()["rb"]
    'https://w3id.org/ratsgraph/ontology#'
    """
    text = (ONTOLOGY_DIR / "ratsgraph.ttl").read_text(encoding="utf-8")
    return {m.group(1) or "": m.group(2) for m in _PREFIX.finditer(text) if m.group(1)}


def prefixes() -> dict[str, str]:
    """The ontology's prefixes plus ``id:`` for the IRIs this service mints."""
    base = str(current_app.config["BASE_IRI"]).rstrip("/")
    return {**ontology_prefixes(), "id": f"{base}/id/"}


def editor_context() -> dict[str, Any]:
    """Template variables of sparql.html: prefixes and every named view as a ready example."""
    examples = [
        {"name": q.name, "title": q.title, "description": q.description, "query": q.text}
        for q in load_queries(queries_dir()).values()
    ]
    return {"prefixes": prefixes(), "examples": examples}
