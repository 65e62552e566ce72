"""Forgiving view parameters: a label, slug or IRI where an IRI is expected (`actor=Jugendamt`,
`part=teil-iv`), paper numbers as people type them (`V1106-21`, `v1106/21`), and when a value
matches nothing, an error that lists the values that exist instead of a silent empty table.

A parameter declared `iri:NAME` or `string:NAME` in its `.rq` header is looked up with
`queries/lookup/NAME.rq`, which takes `?label` (bound through service/queries.py, never spliced)
and answers `?value ?name`; without `?label` it lists every value."""

from __future__ import annotations

from flask import current_app

from service.errors import UserError
from service.queries import LOOKUP_DIR, MAX_VALUE_LENGTH, NamedQuery, Param, get_query
from service.store import SelectResult
from service.web import get_store, paging

CHOICES_SHOWN = 20  # values an error lists before "…"


def cached_select(query: str) -> SelectResult:
    """A view's answer, from the cache while the store has not changed (service/store/view_cache.py)."""
    return current_app.extensions["ratsgraph-cache"].select(get_store(), query)


def spellings(param: Param, raw: str) -> list[str]:
    """The values a typed parameter may mean: for paper numbers upper case and `-` read as `/`
    (the form of every `/id/` URL); labels as given (the lookup ignores case)."""
    raw = raw.strip()
    if param.lookup != "vorlage":
        return [raw]
    upper = raw.upper()
    return list(dict.fromkeys([raw, upper, upper.replace("-", "/")]))


class NoMatch(UserError):
    """A parameter value that names nothing, with what exists instead (a page offers those as
    links; JSON and CSV clients get them in the message)."""

    def __init__(
        self, message: str, param: str, raw: str, known: list[tuple[str, str]], more: bool
    ) -> None:
        super().__init__(message)
        self.param, self.raw, self.known, self.more = param, raw, known, more


def choices(lookup: NamedQuery) -> tuple[list[tuple[str, str]], bool]:
    """What a lookup knows as (name, value) pairs, the first CHOICES_SHOWN, and whether more exist."""
    found = cached_select(paging.page_query(lookup.text, paging.Page(0, CHOICES_SHOWN)))
    pairs = [
        ((r.get("name") or r["value"]).value, r["value"].value)  # type: ignore[union-attr]
        for r in found.rows
        if r.get("value")
    ]
    return pairs[:CHOICES_SHOWN], len(pairs) > CHOICES_SHOWN


def resolve(query: NamedQuery, values: dict[str, str]) -> dict[str, str]:
    """The parameter values with every looked-up one replaced by what it names. ``body`` (the
    council) is resolved first: a label other councils use too (every city has a Jugendamt) then
    means the one under that council's IRIs (`/id/<body>/…`, loader/iris.py)."""
    resolved = dict(values)
    for param in sorted(query.params, key=lambda p: p.name != "body"):
        raw = values.get(param.name)
        if not raw or param.lookup is None:
            continue
        if param.type == "iri" and ":" in raw:
            continue  # an IRI: bound as it is, and checked as an IRI by service/queries.py
        within = resolved.get("body") if param.name != "body" else None
        resolved[param.name] = look_up(param, raw, f"view {query.name}", within)
    return resolved


def look_up(param: Param, raw: str, where: str, within: str | None = None) -> str:
    """The one value a label, slug or paper number names (``where``: the view or search asking,
    for the messages); of several, the one under the council ``within`` (an IRI) if given."""
    if len(raw) > MAX_VALUE_LENGTH:  # say so in the view's terms, not the lookup's
        raise UserError(
            f"parameter {param.name!r} of {where} is {len(raw)} characters long; "
            f"at most {MAX_VALUE_LENGTH} allowed"
        )
    lookup = get_query(param.lookup or param.name, LOOKUP_DIR)
    found = cached_select(lookup.bind_many("label", spellings(param, raw)))
    matches = sorted({r["value"].value for r in found.rows if r.get("value")})
    if within and len(matches) > 1:
        matches = [m for m in matches if m.startswith(within + "/")] or matches
    if not matches:
        known, more = choices(lookup)
        listed = "; ".join([name for name, _ in known] + (["…"] if more else [])) or "none"
        raise NoMatch(
            f"parameter {param.name!r} of {where}: nothing is called {raw!r}; "
            f"known values: {listed}",
            param.name,
            raw,
            known,
            more,
        )
    if len(matches) > 1:
        raise UserError(
            f"parameter {param.name!r} of {where}: {raw!r} is ambiguous; "
            f"use one of these: {', '.join(matches)}"
        )
    return matches[0]
