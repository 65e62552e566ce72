"""Offset pagination of view results, with an explicit signal when a page is not the whole answer.

`?_size=N&_offset=M` (Datasette's underscore keeps them apart from a view's own parameters) cut a
view's rows; one row more than asked is fetched, so the answer knows whether more follow and says so:
``"truncated": true`` and ``"next"`` in JSON, a ``Link: <…>; rel="next"`` header on every format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import current_app, request

from service.errors import UserError
from service.store import SelectResult

PARAMS = ("_size", "_offset")
_OWN_LIMIT = re.compile(r"\b(LIMIT|OFFSET)\s+\d+\s*$", re.I)


@dataclass(frozen=True)
class Page:
    offset: int
    size: int


def _number(name: str, raw: str | None, default: int, low: int, high: int) -> int:
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise UserError(
            f"parameter {name!r} must be a whole number from {low} to {high}, got {raw!r}"
        )
    return int(raw)


def requested_page() -> Page:
    """The page this request asks for; at most MAX_ROWS rows, all of them by default."""
    most = int(current_app.config["MAX_ROWS"])
    size = _number("_size", request.args.get("_size"), most, 1, most)
    offset = _number("_offset", request.args.get("_offset"), 0, 0, 10**9)
    return Page(offset, size)


def page_query(query: str, page: Page) -> str:
    """The query cut to the page plus one row (to see whether more follow). Both numbers are
    ints checked above, never text from the request; a query with its own LIMIT stays as it is."""
    if _OWN_LIMIT.search(query.strip()):
        return query
    return f"{query}\nLIMIT {int(page.size) + 1} OFFSET {int(page.offset)}"


def cut(result: SelectResult, page: Page) -> tuple[SelectResult, bool]:
    """The page's rows and whether more rows follow."""
    more = len(result.rows) > page.size
    if not more:
        return result, False
    return SelectResult(result.columns, result.rows[: page.size]), True


def next_url(page: Page) -> str:
    """This request's URL for the following page."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in PARAMS]
    args += [("_size", str(page.size)), ("_offset", str(page.offset + page.size))]
    return f"{request.base_url}?{urlencode(args)}"


def prev_url(page: Page) -> str:
    """This request's URL for the page before (the first page has no ``_offset``)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in PARAMS]
    args.append(("_size", str(page.size)))
    if page.offset > page.size:
        args.append(("_offset", str(page.offset - page.size)))
    return f"{request.base_url}?{urlencode(args)}"
