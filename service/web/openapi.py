"""The OpenAPI description of the JSON API: the fixed routes from openapi.json, one path per view.

Views are files, so their paths are made from the `.rq` headers at request time: a new view is in
the API description the moment it is in `queries/`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify

from service.queries import MAX_VALUE_LENGTH, NamedQuery, load_queries

bp = Blueprint("openapi", __name__)
SPEC = Path(__file__).with_name("openapi.json")
R = "#/components/responses/"


def view_path(query: NamedQuery) -> dict[str, Any]:
    """The OpenAPI path item of one view, answered as JSON."""
    params: list[dict[str, Any]] = [
        {
            "name": p.name,
            "in": "query",
            "required": False,
            "description": f"{p.type}: {p.help}",
            "schema": {"type": "string", "maxLength": MAX_VALUE_LENGTH},
        }
        for p in query.params
    ]
    params += [
        {
            "name": name,
            "in": "query",
            "required": False,
            "description": f"{meaning}; a filter is COLUMN__exact=VALUE or COLUMN__contains=TEXT",
            "schema": {"type": "string", "maxLength": MAX_VALUE_LENGTH},
        }
        for name, meaning in (
            ("_sort", "a column to sort the rows by, ascending"),
            ("_sort_desc", "a column to sort the rows by, descending"),
        )
    ]
    params.append({"$ref": "#/components/parameters/timeout"})
    return {
        "get": {
            "summary": f"{query.title} / {query.title_en}" if query.title_en else query.title,
            "description": query.description_en or query.description,
            "parameters": params,
            "responses": {
                "200": {
                    "description": "The view's rows, columns in SELECT order.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ViewResult"}}
                    },
                },
                "400": {"$ref": R + "BadRequest"},
                "403": {"$ref": R + "Forbidden"},
                "503": {"$ref": R + "Unavailable"},
            },
        }
    }


def spec(queries_dir: Path | str, max_timeout_s: float = 600.0) -> dict[str, Any]:
    """The whole description: fixed routes plus ``/views/<name>.json`` for every view."""
    doc = json.loads(SPEC.read_text(encoding="utf-8"))
    doc["components"]["parameters"]["timeout"]["schema"]["maximum"] = max_timeout_s
    for name, query in load_queries(queries_dir).items():
        doc["paths"][f"/views/{name}.json"] = view_path(query)
    return doc


@bp.get("/api/openapi.json")
def openapi() -> Any:
    from service.web.views import queries_dir  # noqa: PLC0415

    return jsonify(spec(queries_dir(), float(current_app.config["MAX_QUERY_TIMEOUT_S"])))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
