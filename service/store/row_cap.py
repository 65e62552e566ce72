"""Cutting serialised SPARQL results at the row cap, in whichever results format they were written.

The store serialises a whole result; when it holds more solutions than the cap, the first ``cap`` are
kept and the response says so (X-Ratsgraph-Truncated), so a cut answer is never mistaken for a complete
one (datasette#1379). Graph results (CONSTRUCT/DESCRIBE) and booleans pass through unchanged.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

SRX = "http://www.w3.org/2005/sparql-results#"


def cut_results(body: bytes, media_type: str, cap: int) -> tuple[bytes, bool]:
    """The first ``cap`` solutions of a serialised SELECT result, and whether any were dropped.

    >>> cut_results(b'{"head":{"vars":["x"]},"results":{"bindings":[{},{},{}]}}',
    ...             "application/sparql-results+json", 2)
    (b'{"head": {"vars": ["x"]}, "results": {"bindings": [{}, {}]}}', True)
    >>> cut_results(b"x\\r\\n1\\r\\n", "text/csv", 5)
    (b'x\\r\\n1\\r\\n', False)
    """
    if media_type == "application/sparql-results+json":
        return _cut_json(body, cap)
    if media_type == "application/sparql-results+xml":
        return _cut_xml(body, cap)
    if media_type == "text/csv":
        return _cut_csv(body, cap)
    if media_type == "text/tab-separated-values":
        return _cut_tsv(body, cap)
    return body, False


def _cut_json(body: bytes, cap: int) -> tuple[bytes, bool]:
    data = json.loads(body)
    bindings = data.get("results", {}).get("bindings")
    if bindings is None or len(bindings) <= cap:
        return body, False
    data["results"]["bindings"] = bindings[:cap]
    return json.dumps(data, ensure_ascii=False).encode("utf-8"), True


def _cut_xml(body: bytes, cap: int) -> tuple[bytes, bool]:
    if body.count(b"<result>") + body.count(b"<result ") <= cap:
        return body, False
    ET.register_namespace("", SRX)
    root = ET.fromstring(body)
    results = root.find(f"{{{SRX}}}results")
    if results is None:
        return body, False
    for extra in list(results)[cap:]:
        results.remove(extra)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True), True


def _cut_csv(body: bytes, cap: int) -> tuple[bytes, bool]:
    text = body.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if len(rows) - 1 <= cap:
        return body, False
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows[: cap + 1])
    return out.getvalue().encode("utf-8"), True


def _cut_tsv(body: bytes, cap: int) -> tuple[bytes, bool]:
    # TSV results escape newlines inside terms, so one line is one solution.
    lines = body.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if len(lines) - 1 <= cap:
        return body, False
    return b"\n".join(lines[: cap + 1]) + b"\n", True
