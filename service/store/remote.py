"""The remote backend: any SPARQL 1.1 server (Oxigraph's, Virtuoso, GraphDB, QLever, Fuseki, …).

Queries go out through SPARQLWrapper (POST, URL-encoded, so long VALUES blocks fit); updates are
POSTed to the update URL. Transient failures (connection errors, 5xx, 429) are retried with
exponential backoff; everything else becomes an error that names the URL and what happened.

The named views read the default graph, which ratsgraph keeps as the set-merge of the document
graphs in the same update that writes a document (see ``service.store``): so the server must keep
its default graph as a graph of its own — Oxigraph's server as it comes, *without*
``--union-default-graph`` (whose union is a multiset: duplicated rows and exploding joins). The store
checks once, when data is there, that a named graph's triple is in the default graph, and refuses
to answer with silently empty views otherwise.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
import urllib.error
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from http.client import HTTPException

import pyoxigraph as ox
from rdflib import Graph
from SPARQLWrapper import JSON, POST, POSTDIRECTLY, TURTLE, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    Unauthorized,
    URITooLong,
)

from service.store.base import (
    GRAPH_RESULT_TYPES,
    MEDIA_GRAPH,
    MEDIA_RESULTS,
    SelectResult,
    drop_graph_update,
    graph_to_ntriples,
    replace_graph_update,
    select_result_from_json,
)
from service.store.derived import DERIVED_GRAPH, INDEX_PREFIX, around, is_computed, rebuild_update
from service.store.rebuild import BATCH, rebuild_in_batches
from service.store.server_quirks import (
    SERVICE_DESCRIPTION_GRAPHS,
    ask_answer,
    boolean_results,
    is_server_graph,
)
from service.store.skolem import skolemise_ntriples
from service.store.witnesses import WITNESSES_GRAPH, change_update, rebuild_witnesses_updates

USER_ENV = "RATSGRAPH_REMOTE_USER"
PASSWORD_ENV = "RATSGRAPH_REMOTE_PASSWORD"
TOKEN_ENV = "RATSGRAPH_REMOTE_TOKEN"
RETRIES_ENV = "RATSGRAPH_REMOTE_RETRIES"
DEFAULT_GRAPH_ENV = "RATSGRAPH_REMOTE_DEFAULT_GRAPH"
DEFAULT_GRAPH_MODES = ("merge", "server")
RETRY_STATUS = {429, 500, 502, 503, 504}
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)
_COMMENT = re.compile(r"^\s*#.*$", re.M)


class RemoteStoreError(OSError):
    """The remote endpoint could not be used; the message says which URL and what happened."""


class _Transient(Exception):
    def __init__(self, what: str, retry_after: float | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.retry_after = retry_after


class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper that does not warn on a query form it cannot guess; the server will say."""

    def _parseQueryType(self, query: str) -> str | None:  # noqa: N802 - SPARQLWrapper's name
        text = _COMMENT.sub("", query)
        if re.search(r"\b(INSERT|DELETE|DROP|CLEAR|LOAD|CREATE|COPY|MOVE|ADD)\b", text, re.I) and (
            not _FORM.search(text)
        ):
            return "INSERT"
        found = _FORM.search(text)
        return found.group(1).upper() if found else "SELECT"


def query_form(query: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``: the first form keyword outside comments.

    >>> query_form("# ask me\\nPREFIX a: <x:> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    """
    found = _FORM.search(_COMMENT.sub("", query))
    return found.group(1).upper() if found else "SELECT"


class RemoteStore:
    """A SPARQL 1.1 Query + Update endpoint pair, speaking the Store protocol."""

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        *,
        timeout: float = 60.0,
        retries: int | None = None,
        backoff: float = 0.25,
        user: str | None = None,
        password: str | None = None,
        token: str | None = None,
        check_default_graph: bool = True,
        default_graph: str | None = None,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.timeout = timeout
        self.retries = retries if retries is not None else int(os.environ.get(RETRIES_ENV, "4"))
        self.backoff = backoff
        self.user = user if user is not None else os.environ.get(USER_ENV)
        self.password = password if password is not None else os.environ.get(PASSWORD_ENV)
        self.token = token if token is not None else os.environ.get(TOKEN_ENV)
        self._default_checked = not check_default_graph
        self._calls = threading.local()  # this thread's deadline (see `deadline`)
        # "merge": ratsgraph keeps the default graph as the merge of the document graphs (Oxigraph,
        # Fuseki); "server": the server's default graph already is the union of all graphs
        # (Virtuoso, GraphDB), so ratsgraph writes the named graphs only.
        self.default_graph = default_graph or os.environ.get(DEFAULT_GRAPH_ENV, "merge")
        if self.default_graph not in DEFAULT_GRAPH_MODES:
            raise ValueError(
                f"{DEFAULT_GRAPH_ENV} must be one of {', '.join(DEFAULT_GRAPH_MODES)}, "
                f"got {self.default_graph!r}"
            )

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url}, update={self.update_url})"

    @contextmanager
    def deadline(self, limit_s: float, started: float | None = None) -> Iterator[None]:
        """Reads in this thread end by ``started + limit_s`` (monotonic clock): each request gets
        what is left as its timeout and none is retried past it; then QueryStopped (503)."""
        previous = getattr(self._calls, "deadline", None)
        self._calls.deadline = (started or time.monotonic()) + limit_s, limit_s
        try:
            yield
        finally:
            self._calls.deadline = previous

    def _left(self) -> float:
        """Seconds left for this thread's read (the configured timeout where none is set)."""
        current = getattr(self._calls, "deadline", None)
        if current is None:
            return self.timeout
        left = current[0] - time.monotonic()
        if left <= 0:
            from service.store.stoppable import QueryStopped  # noqa: PLC0415

            raise QueryStopped(current[1])
        return min(left, self.timeout)

    # -- HTTP -------------------------------------------------------------------------------

    def _wrapper(self, text: str, accept: str, update: bool = False) -> SPARQLWrapper:
        sw = _Wrapper(self.query_url, updateEndpoint=self.update_url)
        sw.setMethod(POST)
        sw.setRequestMethod(POSTDIRECTLY if update else URLENCODED)
        sw.setTimeout(max(1, int(self.timeout)))
        sw.timeout = self._left()  # SPARQLWrapper hands it to urlopen, which takes fractions
        sw.setQuery(text)
        if update:  # an update whose WHERE has a SELECT subquery is still an update
            sw.queryType = "INSERT"
        sw.setReturnFormat(TURTLE if sw.queryType in ("CONSTRUCT", "DESCRIBE") else JSON)
        # the Accept header only: no format=/output= beside it, which Virtuoso obeys over Accept
        # (format=json with Accept: text/csv is a 406 there)
        sw.setOnlyConneg(True)
        sw.addCustomHttpHeader("Accept", accept)
        if self.user and self.password:
            sw.setCredentials(self.user, self.password)
        elif self.token:
            sw.addCustomHttpHeader("Authorization", f"Bearer {self.token}")
        return sw

    def _send(
        self, text: str, accept: str, update: bool = False, params: Sequence[tuple[str, str]] = ()
    ) -> tuple[bytes, str]:
        """One request, retried on transient failures; the body and its media type."""
        url = self.update_url if update else self.query_url
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            sw = self._wrapper(text, accept, update)
            for name, value in params:
                sw.addParameter(name, value)
            try:
                return self._once(sw, url)
            except _Transient as e:
                self._left()  # past this thread's deadline: QueryStopped, not another attempt
                if attempt == attempts:
                    raise RemoteStoreError(
                        f"SPARQL endpoint {url} failed {attempts} times; last: {e.what}"
                    ) from None
                delay = self.backoff * 2 ** (attempt - 1) * (1 + random.random() / 2)
                time.sleep(min(e.retry_after if e.retry_after is not None else delay, 10.0))
        raise AssertionError("unreachable")

    def _once(self, sw: SPARQLWrapper, url: str) -> tuple[bytes, str]:
        try:
            response = sw.query().response
            with response:
                body = response.read()
                media = response.headers.get("Content-Type", "").split(";")[0].strip()
            return body, media
        except QueryBadFormed as e:
            raise SyntaxError(f"{url} rejected the query: {_detail(e)}") from None
        except Unauthorized:
            raise RemoteStoreError(
                f"SPARQL endpoint {url} answered 401 Unauthorized; set {USER_ENV} and "
                f"{PASSWORD_ENV} (or {TOKEN_ENV}) for it"
            ) from None
        except EndPointNotFound:
            raise RemoteStoreError(
                f"no SPARQL endpoint at {url} (404 Not Found); for `oxigraph serve` the query URL "
                "ends in /query and the update URL in /update"
            ) from None
        except URITooLong:
            raise RemoteStoreError(f"SPARQL endpoint {url} answered 414 URI Too Long") from None
        except EndPointInternalError as e:
            raise _Transient(f"500 Internal Server Error: {_detail(e)}") from None
        except urllib.error.HTTPError as e:
            with e:
                body = e.read().decode("utf-8", "replace")[:500]
            if e.code in RETRY_STATUS:
                retry_after = _retry_after(e.headers.get("Retry-After"))
                raise _Transient(f"{e.code} {e.reason}", retry_after) from None
            raise RemoteStoreError(
                f"SPARQL endpoint {url} answered {e.code} {e.reason}: {body}"
            ) from None
        except urllib.error.URLError as e:
            raise _Transient(f"cannot connect: {e.reason}") from None
        except (TimeoutError, ConnectionError, HTTPException) as e:
            raise _Transient(f"{type(e).__name__}: {e}") from None

    # -- queries ----------------------------------------------------------------------------

    def _read(self, query: str, accept: str, params: Sequence[tuple[str, str]] = ()) -> bytes:
        self._check_default_graph()
        return self._send(query, accept, params=params)[0]

    def select(self, query: str) -> SelectResult:
        body = self._read(query, "application/sparql-results+json")
        try:
            return select_result_from_json(body)
        except (ValueError, KeyError, TypeError) as e:  # an ASK's boolean, or no JSON results
            raise ValueError(f"expected the results of a SELECT query from {self.query_url}") from e

    def ask(self, query: str) -> bool:
        if query_form(query) != "ASK":
            raise ValueError("expected an ASK query")
        return ask_answer(self._read(query, MEDIA_JSON), self.query_url)

    def construct(self, query: str) -> Graph:
        if query_form(query) not in ("CONSTRUCT", "DESCRIBE"):
            raise ValueError("expected a CONSTRUCT or DESCRIBE query")
        body = self._read(query, "application/n-triples")
        return Graph().parse(data=body.decode("utf-8"), format="nt")

    def query_serialized(
        self,
        query: str,
        results_type: str | None,
        graph_type: str | None,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> tuple[bytes, str]:
        """Any query, answered by the server in the requested media type and passed through."""
        if query_form(query) in ("CONSTRUCT", "DESCRIBE"):
            media = graph_type if graph_type in GRAPH_RESULT_TYPES else "text/turtle"
        else:
            media = results_type if results_type in MEDIA_RESULTS else MEDIA_JSON
        params = [("default-graph-uri", ox.NamedNode(g).value) for g in default_graphs]
        params += [("named-graph-uri", ox.NamedNode(g).value) for g in named_graphs]
        if not params:
            self._check_default_graph()
        if query_form(query) == "ASK":  # read and written again: Virtuoso's is no boolean
            answer = ask_answer(self._send(query, MEDIA_JSON, params=params)[0], self.query_url)
            return boolean_results(answer, MEDIA_RESULTS[media]), media
        body, got = self._send(query, media, params=params)
        return body, got if got in (*MEDIA_RESULTS, *GRAPH_RESULT_TYPES) else media

    def _check_default_graph(self) -> None:
        """Once data is there: a triple of a named graph must be in the default graph too."""
        if self._default_checked:
            return
        probe = (  # the derived graph is not in the merge (service.store.derived)
            f"SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != <{DERIVED_GRAPH}> && "
            f'?g != <{WITNESSES_GRAPH}> && !STRSTARTS(STR(?g), "{INDEX_PREFIX}")) }} '
            "LIMIT 1"
        )
        body = self._send(probe, MEDIA_JSON)[0]
        rows = list(ox.parse_query_results(body, format=JSON_RESULTS))
        if not rows:
            return  # empty store: nothing to tell yet
        s, p, o = rows[0]["s"], rows[0]["p"], rows[0]["o"]
        if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
            self._default_checked = True  # blank nodes cannot be named in a query; trust the server
            return
        answer = self._send(f"ASK {{ {s} {p} {o} }}", MEDIA_JSON)[0]
        if not ask_answer(answer, self.query_url):
            raise RemoteStoreError(
                f"the default graph of SPARQL endpoint {self.query_url} does not hold the merge of "
                "its named graphs, which ratsgraph's views read; ratsgraph keeps it so on every "
                "load, so load the documents with `ratsgraph load --store URL` (see README, "
                "'Remote stores')"
            )
        self._default_checked = True

    # -- writes -----------------------------------------------------------------------------

    def update(self, update: str) -> None:
        """One SPARQL Update request; the server applies it as one transaction."""
        self._send(update, "*/*", update=True)

    def replace_graph(self, graph_iri: str, graph: Graph) -> None:
        self.replace_graph_data(graph_iri, graph_to_ntriples(graph))

    def replace_graph_data(self, graph_iri: str, ntriples: str) -> None:
        ntriples = skolemise_ntriples(graph_iri, ntriples)  # no server has to take blank nodes
        witnesses = change_update(self.select, graph_iri, ntriples)  # read before the change
        if self.default_graph == "server":
            iri = ox.NamedNode(graph_iri)
            change = f"DROP SILENT GRAPH {iri} ;\nINSERT DATA {{ GRAPH {iri} {{\n{ntriples}\n}} }}"
        else:
            change = replace_graph_update(graph_iri, ntriples)
        # one request: the graph replaced, the derived facts it bears on recomputed, the chain's
        # witnesses realigned (service.store.witnesses)
        self.update(around(graph_iri, change, witnesses=witnesses))

    def drop_graph(self, graph_iri: str) -> bool:
        node = ox.NamedNode(graph_iri)
        body = self._send(f"ASK {{ GRAPH {node} {{ ?s ?p ?o }} }}", MEDIA_JSON)[0]
        if not ask_answer(body, self.query_url):
            return False
        change = (  # SILENT: Virtuoso refuses to DROP a graph no CREATE GRAPH made
            f"DROP SILENT GRAPH {node}"
            if self.default_graph == "server"
            else drop_graph_update(graph_iri)
        )
        witnesses = change_update(self.select, graph_iri, None)
        self.update(around(graph_iri, change, after=False, witnesses=witnesses))
        return True

    def rebuild_derived(self) -> None:
        """Recompute the whole derived graph in one request (`ratsgraph derive`)."""
        for update in rebuild_witnesses_updates(self.select):  # first: the status follows them
            self.update(update)
        self.update(rebuild_update())

    def rebuild_derived_in_batches(
        self, batch: int = BATCH, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """`ratsgraph derive`: one request per ``batch`` resolutions (`service.store.rebuild`):
        the server holds one batch's changes at a time, not the whole derived graph's."""
        return rebuild_in_batches(self.select, self.update, batch, progress)

    # -- inspection -------------------------------------------------------------------------

    def named_graphs(self) -> list[str]:
        body = self._send("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", MEDIA_JSON)[0]
        rows = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        is_data = self._data_graph_test()
        return sorted(  # the data's graphs: not the derived one, not the server's own
            r["g"].value for r in rows if isinstance(r["g"], ox.NamedNode) and is_data(r["g"].value)
        )

    def _data_graph_test(self) -> Callable[[str], bool]:
        """Whether a graph holds data: not the derived graph, not the server's own (Virtuoso's)."""
        body = self._send(SERVICE_DESCRIPTION_GRAPHS, MEDIA_JSON)[0]
        rows = ox.parse_query_results(body, format=JSON_RESULTS)
        described = {r["g"].value for r in rows if isinstance(r["g"], ox.NamedNode)}
        return lambda g: not is_computed(g) and not is_server_graph(g, described)

    def triple_count(self) -> int:
        """Quads in the store, the default graph's included (as ``len()`` of an embedded store)."""
        q = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
        rows = list(ox.parse_query_results(self._send(q, MEDIA_JSON)[0], format=JSON_RESULTS))
        return int(rows[0]["n"].value)

    def dump(self, media_type: str = "application/n-quads") -> bytes:
        """Every named graph as N-Quads or TriG; other formats get the default graph (their merge)."""
        fmt = MEDIA_GRAPH[media_type]
        if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
            return ox.serialize(self._data_quads(), format=fmt)
        if self.default_graph == "server":  # the server's default graph has its own graphs too
            return ox.serialize(
                {ox.Triple(q.subject, q.predicate, q.object) for q in self._data_quads()},
                format=fmt,
            )
        body = self._read("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "application/n-triples")
        return ox.serialize(ox.parse(body, format=ox.RdfFormat.N_TRIPLES), format=fmt)

    def _data_quads(self) -> list[ox.Quad]:
        is_data = self._data_graph_test()
        q = f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != <{DERIVED_GRAPH}>) }}"
        rows = ox.parse_query_results(self._send(q, MEDIA_JSON)[0], format=JSON_RESULTS)
        return [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows if is_data(r["g"].value)]

    def close(self) -> None:
        """Nothing to release: every request opens its own connection."""


MEDIA_JSON = "application/sparql-results+json"
JSON_RESULTS = ox.QueryResultsFormat.JSON


def _detail(e: Exception) -> str:
    text = str(e)
    marker = "Response:\n"
    if marker in text:
        text = text.split(marker, 1)[1]
    text = text.strip().removeprefix("b'").removeprefix('b"').rstrip("'\"")
    return text.replace("\\n", " ").strip()[:500]


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (only the delta-seconds form).

    >>> _retry_after("2"), _retry_after(None), _retry_after("Wed, 21 Oct 2015 07:28:00 GMT")
    (2.0, None, None)
    """
    if value and value.strip().isdigit():
        return float(value.strip())
    return None
