"""`ratsgraph import-oparl --server URL`: an OParl import through a running ratsgraph server.

While `ratsgraph serve` holds a store no other process can write it. The import runs here as
always (fetching from the council's system, mapping, the state file) and only its writes go to the
server: each object's graph is PUT to ``/api/graphs`` with the write token and replaced there in
one transaction; the few reads the import needs go to the server's ``/sparql``. The server keeps
answering while the import writes. Standard library only (urllib).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from rdflib import Graph

from service.ingest.oparl_sources import FetchError
from service.store import SelectResult, select_result_from_json


class ServiceStore:
    """The part of a `Store` an OParl import uses, served by a running ratsgraph server."""

    def __init__(self, server: str, token: str, timeout: float = 300.0) -> None:
        self.server = server.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _call(self, request: urllib.request.Request) -> bytes:
        url = request.full_url
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as e:
            try:
                reason = json.loads(e.read()).get("error") or e.reason
            except (ValueError, AttributeError):
                reason = e.reason
            raise FetchError(url, f"the server answered {e.code}: {reason}", e.code) from e
        except (urllib.error.URLError, OSError) as e:
            raise FetchError(url, f"cannot reach the server: {e}") from e

    def select(self, query: str) -> SelectResult:
        data = urllib.parse.urlencode({"query": query}).encode()
        request = urllib.request.Request(
            f"{self.server}/sparql",
            data=data,
            headers={
                "Accept": "application/sparql-results+json",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        return select_result_from_json(self._call(request))

    def replace_graph(self, graph_iri: str, graph: Graph) -> None:
        url = f"{self.server}/api/graphs?{urllib.parse.urlencode({'graph': graph_iri})}"
        request = urllib.request.Request(
            url,
            data=graph.serialize(format="nt", encoding="utf-8"),
            method="PUT",
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/n-triples",
            },
        )
        self._call(request)

    def close(self) -> None:
        """Nothing to release: every request stands on its own."""


__all__ = ["ServiceStore"]
