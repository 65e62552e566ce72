"""Content negotiation: a real `Accept` parser (q-values, wildcards, specificity), `format=`, 406.

Werkzeug's `best_match` treats a list like ``application/ld+json, application/trig`` well enough but
cannot say *why* a type won, and the rules here are the service's own (trifid#362, trifid-ld#25):

* a type the client names (``text/turtle``) beats one it only reaches through ``*/*`` or ``text/*``;
* ``q=0`` excludes a type, even when a wildcard would admit it;
* among equally good types the server's order decides (RDF before HTML on resource pages), except
  that a client naming no type at all (no header, or only ``*/*``) gets the endpoint's default;
* ``?format=`` overrides the header, so a page can link to its own Turtle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask import Response, request

from service.errors import UserError

# The RDF serialisations rdflib writes, by media type: one table for every blueprint answering with
# RDF. Each offers them in an order of its own (a tuple beside it), which breaks ties in `negotiate`.
RDFLIB_FORMAT = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
# `format=` names on the pages that answer with RDF (resource pages, the ontology)
RDF_FORMAT_ALIASES = {
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "xml": "application/rdf+xml",
    "html": "text/html",
}


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header: ``type/subtype;params;q=…``."""

    type: str
    subtype: str
    q: float = 1.0
    params: tuple[tuple[str, str], ...] = ()

    def specificity(self) -> int:
        """0 for ``*/*``, 1 for ``text/*``, 2 for ``text/turtle``, 3 with parameters."""
        if self.type == "*":
            return 0
        if self.subtype == "*":
            return 1
        return 3 if self.params else 2

    def matches(self, media_type: str) -> bool:
        t, _, s = media_type.lower().partition("/")
        return self.type in ("*", t) and self.subtype in ("*", s)


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed entries are skipped, as RFC 9110 allows.

    >>> [(r.type, r.subtype, r.q) for r in parse_accept("text/html;q=0.5, */*;q=0.1, bad")]
    [('text', 'html', 0.5), ('*', '*', 0.1)]
    """
    ranges: list[MediaRange] = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        kind = fields[0].lower()
        t, slash, s = kind.partition("/")
        if not slash or not t or not s or (t == "*" and s != "*"):
            continue
        q = 1.0
        params: list[tuple[str, str]] = []
        ok = True
        for f in fields[1:]:
            name, eq, value = f.partition("=")
            name, value = name.strip().lower(), value.strip().strip('"')
            if not eq:
                continue
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    ok = False
                    break
                if not 0.0 <= q <= 1.0:
                    ok = False
                    break
            else:
                params.append((name, value))
        if ok:
            ranges.append(MediaRange(t, s, q, tuple(params)))
    return ranges


def quality(media_type: str, ranges: Sequence[MediaRange]) -> tuple[float, int]:
    """The q-value the client gives ``media_type`` (from its most specific matching range) and
    that range's specificity; ``(0.0, -1)`` when no range admits it.

    >>> quality("text/turtle", parse_accept("text/*;q=0.3, text/turtle;q=0"))
    (0.0, 2)
    """
    best: MediaRange | None = None
    for r in ranges:
        if r.matches(media_type) and (best is None or r.specificity() > best.specificity()):
            best = r
    if best is None:
        return 0.0, -1
    return best.q, best.specificity()


def choose(offered: Sequence[str], header: str | None, default: str | None = None) -> str | None:
    """The offered media type the client prefers, or None when none is acceptable (a 406).

    ``offered`` is in the server's order of preference; ``default`` (one of ``offered``) answers a
    client that names no type.

    >>> choose(["text/turtle", "text/html"], "text/html;q=0.9, text/turtle")
    'text/turtle'
    >>> choose(["text/turtle", "text/html"], "*/*", default="text/html")
    'text/html'
    >>> choose(["text/turtle"], "application/json") is None
    True
    """
    default = default or (offered[0] if offered else None)
    ranges = parse_accept(header)
    if not header or not header.strip() or not ranges:
        return default
    scored = [(m, *quality(m, ranges)) for m in offered]
    top = max((q for _, q, _ in scored), default=0.0)
    if top <= 0.0:
        return None
    tied = [(m, spec) for m, q, spec in scored if q == top]
    most_specific = max(spec for _, spec in tied)
    if most_specific == 0 and default in {m for m, _ in tied}:
        return default
    return next(m for m, spec in tied if spec == most_specific)


def negotiate(
    offered: Sequence[str],
    default: str | None = None,
    formats: Mapping[str, str] | None = None,
    param: str = "format",
) -> str:
    """The media type for this request: ``?format=`` if given, else the Accept header; a 406
    UserError names what the client asked for and what is on offer."""
    wanted = request.args.get(param) if formats is not None else None
    if wanted:
        media = formats.get(wanted.lower()) if formats else None
        if media is None or media not in offered:
            names = ", ".join(k for k, v in (formats or {}).items() if v in offered)
            raise UserError(f"unknown {param} {wanted!r}; expected one of: {names}", 400)
        return media
    header = request.headers.get("Accept")
    chosen = choose(offered, header, default)
    if chosen is None:
        raise UserError(
            f"none of the formats in Accept: {header} is available here; "
            f"available: {', '.join(offered)}",
            406,
        )
    return chosen


def vary(resp: Response) -> Response:
    """Mark a negotiated response so caches keep one copy per Accept header."""
    resp.vary.add("Accept")
    return resp
