"""What an arbitrary query may not do before it runs: nest deeper than a parser can follow, or send
requests elsewhere with SERVICE (server-side request forgery).

pyoxigraph cannot switch SERVICE off, so a query naming an endpoint that is not on the allowlist is
refused. SERVICE is found by parsing (rdflib's SPARQL grammar), not by looking for a word: comments,
strings, IRIs, case, prefixed names, ``SERVICE SILENT``, a variable as endpoint and ``\\u`` escapes
(unescaped before parsing, as the grammar says) are what a parser sees as they are. A query that
contains the letters "service" but that rdflib cannot parse is refused too, as it cannot be checked.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from urllib.parse import urljoin

from service.errors import UserError

MAX_NESTING = 64  # brackets inside brackets; real queries stay under 10, parsers recurse per level
NEEDED_RECURSION = (
    6000  # rdflib's parser recurses ~45 frames per level (measured: 64 levels need ~3000)
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_OPEN, _CLOSE = frozenset("{([") , frozenset("})]")  # fmt: skip


class FederationFailed(UserError):
    """An allowlisted SERVICE endpoint did not answer: a bad gateway, not an unavailable store."""

    def __init__(self, endpoints: list[str], cause: Exception) -> None:
        named = ", ".join(f"<{e}>" for e in endpoints)
        super().__init__(f"the federated query to {named} failed: {cause}", 502)


def nesting_depth(query: str) -> int:
    """The deepest nesting of brackets, counted over the whole text (strings too: that errs safe).

    >>> nesting_depth("SELECT * { ?s ?p ?o FILTER((1)) }")
    3
    """
    depth = deepest = 0
    for ch in query:
        if ch in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif ch in _CLOSE and depth:
            depth -= 1
    return deepest


def check_nesting(query: str, limit: int = MAX_NESTING) -> None:
    """400 for a query nested deeper than ``limit``: parsers recurse per level and would crash."""
    depth = nesting_depth(query)
    if depth > limit:
        raise UserError(
            f"the query nests brackets {depth} deep; at most {limit} levels are accepted", 400
        )


def unescape(query: str) -> str:
    r"""The query with its ``\u``/``\U`` escapes replaced, as SPARQL does before parsing.

    >>> unescape(r"SERVIC\u0045")
    'SERVICE'
    """

    def char(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group(0)

    return _ESCAPE.sub(char, query)


def _nodes(value: object) -> Iterator[object]:
    """Every node of an rdflib parse tree (CompValue is a dict, ParseResults a list)."""
    stack = [value]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            stack.extend(list(node))  # type: ignore[call-overload]


def _endpoint(term: object, prefixes: dict[str, str], base: str) -> str | None:
    """The absolute IRI a SERVICE names, or None for a variable (any address at run time)."""
    from rdflib import URIRef, Variable  # noqa: PLC0415

    if isinstance(term, Variable):
        return None
    if isinstance(term, URIRef):
        return urljoin(base, str(term)) if base else str(term)
    if isinstance(term, dict) and getattr(term, "name", None) == "pname":
        prefix = str(term.get("prefix") or "")
        if prefix not in prefixes:
            raise UserError(f"the query uses the undeclared prefix {prefix!r}:", 400)
        return prefixes[prefix] + str(term.get("localname") or "")
    return None


def service_endpoints(query: str) -> list[str | None]:
    """The endpoints the query's SERVICE patterns name (None: a variable); [] when it has none."""
    text = unescape(query)
    if "service" not in text.lower():  # a keyword cannot be split: no letters, no SERVICE
        return []
    from rdflib.plugins.sparql.parser import parseQuery  # noqa: PLC0415

    check_nesting(text)
    if sys.getrecursionlimit() < NEEDED_RECURSION:
        sys.setrecursionlimit(NEEDED_RECURSION)
    try:
        parsed = parseQuery(text)
    except Exception as e:  # noqa: BLE001 - any parse failure: unchecked, so refused
        raise UserError(
            "the query contains 'service' and could not be checked for SERVICE patterns, which "
            f"this endpoint does not run; the parser said: {str(e)[:200]}",
            400,
        ) from None
    prefixes: dict[str, str] = {}
    base = ""
    for decl in parsed[0]:
        if getattr(decl, "name", None) == "Base":
            base = urljoin(base, str(decl["iri"]))
        elif getattr(decl, "name", None) == "PrefixDecl":
            prefixes[str(decl.get("prefix") or "")] = urljoin(base, str(decl["iri"]))
    return [
        _endpoint(node.get("term"), prefixes, base)  # type: ignore[attr-defined]
        for node in _nodes(parsed[1])
        if getattr(node, "name", None) == "ServiceGraphPattern"
    ]


def check_services(query: str, allowlist: Iterable[str]) -> list[str]:
    """The allowlisted endpoints the query asks (none: a plain query); 400 for any other SERVICE."""
    allowed = set(allowlist)
    endpoints = service_endpoints(query)
    for endpoint in endpoints:
        if endpoint is None or endpoint not in allowed:
            named = "a variable" if endpoint is None else f"<{endpoint}>"
            listed = ", ".join(f"<{a}>" for a in sorted(allowed)) or "none"
            raise UserError(
                f"SERVICE {named} is refused: this endpoint does not send requests to other "
                "servers on a client's behalf (federated query); endpoints allowed by the "
                f"operator (SERVICE_ALLOWLIST): {listed}",
                400,
            )
    return [e for e in endpoints if e is not None]


def parse_allowlist(value: object) -> list[str]:
    """The SERVICE_ALLOWLIST setting as IRIs: a list, or a string of IRIs apart by spaces or commas.

    >>> parse_allowlist("http://a.example/sparql, http://b.example/sparql")
    ['http://a.example/sparql', 'http://b.example/sparql']
    """
    if not value:
        return []
    if isinstance(value, str):
        return [v for v in re.split(r"[\s,]+", value) if v]
    return [str(v) for v in value]  # type: ignore[attr-defined]
