"""The web front: `create_app(config=None)` (settings, the store, blueprints, error handlers) and
`get_store`; one module per blueprint beside it, templates/ and static/ with them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from service.config import defaults
from service.store import Store, open_store


def create_app(config: Mapping[str, Any] | None = None, store: Store | None = None) -> Flask:
    """The Flask app; settings from defaults, then RATSGRAPH_* environment variables, then ``config``."""
    app = Flask(__name__)
    app.json.sort_keys = False  # keep view columns in their SELECT order
    app.config.update(defaults())
    app.config.from_prefixed_env("RATSGRAPH")
    if config:
        app.config.update(config)
    if store is None:
        # open_store tells a directory from a SPARQL URL; the update URL matters only for the latter
        store = open_store(app.config["STORE"], update_url=app.config["UPDATE_URL"])
    app.extensions["ratsgraph"] = store

    from service.web import (  # noqa: PLC0415 - the blueprints import get_store from here
        api,
        auth,
        dataset,
        errors,
        graphs_api,
        health,
        http_headers,
        ontology,
        openapi,
        pages,
        request_limits,
        search,
        sparql,
        views,
    )

    health.init_app(app)  # first: its clock starts before the other hooks run
    request_limits.init_app(app)  # wraps the store: reads stop at the time limit, rows at the cap
    auth.init_app(app)
    errors.init_app(app)
    api.init_app(app)
    graphs_api.init_app(app)
    openapi.init_app(app)
    views.init_app(app)
    sparql.init_app(app)
    pages.init_app(app)
    search.init_app(app)
    dataset.init_app(app)
    ontology.init_app(app)
    http_headers.init_app(app)
    return app


def get_store(app: Flask | None = None) -> Store:
    from flask import current_app  # noqa: PLC0415

    return (app or current_app).extensions["ratsgraph"]
