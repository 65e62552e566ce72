"""View answers as JSON and CSV from the packed rows give what reading every `Term` gives."""

from __future__ import annotations

import csv
import io
import json

from service.store import EmbeddedStore, SelectResult, Term
from service.web.encode import CSV_CHUNK_ROWS, csv_chunks, plain_rows, to_json

# every kind of value a view answers with, and more rows than one CSV chunk holds
NUMBERS = " ".join(str(i) for i in range(CSV_CHUNK_ROWS + 7))
QUERY = """SELECT ?n ?text ?lang ?date ?iri ?flag ?ratio ?big ?none WHERE {
  VALUES ?i { NUMBERS }
  BIND (?i AS ?n) BIND (CONCAT("Punkt ", STR(?i), ", \\"zitiert\\"\\nzweite Zeile") AS ?text)
  BIND (STRLANG("Jugendamt", "de") AS ?lang)
  BIND ("2024-06-30"^^<http://www.w3.org/2001/XMLSchema#date> AS ?date)
  BIND (IRI(CONCAT("https://example.org/p/", STR(?i))) AS ?iri)
  BIND (?i > 3 AS ?flag) BIND (?i / 4.0 AS ?ratio) BIND (123456789012345678901234567890 AS ?big)
}""".replace("NUMBERS", NUMBERS)


def result() -> SelectResult:
    return EmbeddedStore(None).select(QUERY)


def by_terms(r: SelectResult) -> list[dict]:
    def plain(t: Term | None) -> object:
        return None if t is None else t.python()

    return [{c: plain(row.get(c)) for c in r.columns} for row in r.rows]


def test_plain_rows_are_the_terms_plain_values() -> None:
    rows = plain_rows(result())
    assert rows == by_terms(result())
    assert rows[5] == {
        "n": 5,
        "text": 'Punkt 5, "zitiert"\nzweite Zeile',
        "lang": "Jugendamt",
        "date": "2024-06-30",
        "iri": "https://example.org/p/5",
        "flag": True,
        "ratio": 1.25,
        "big": 123456789012345678901234567890,
        "none": None,
    }


def test_json_reads_back_as_the_rows_even_past_64_bit_integers() -> None:
    rows = plain_rows(result())
    assert json.loads(to_json({"rows": rows})) == {"rows": by_terms(result())}


def test_csv_in_chunks_is_the_whole_csv() -> None:
    r = result()
    chunks = list(csv_chunks(r))
    assert len(chunks) == 2
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(r.columns)
    for row in by_terms(r):
        writer.writerow(["" if row[c] is None else row[c] for c in r.columns])
    assert "".join(chunks) == out.getvalue()
    excel = "".join(csv_chunks(r, excel=True))
    assert excel.startswith("\ufeffn;text;lang;date;iri;flag;ratio;big;none\r\n0;")
