"""A view's answer as JSON or CSV, cheaply: large answers are most of a cached view's time.

A cached 3,755-row answer cost 59-94 ms over HTTP, 77 ms of it turning rows into JSON (a `Term` per
cell, then Flask's json module). Here the plain values come straight from the packed rows
(`Rows.plain`) and orjson writes them; CSV is written in chunks as the client reads, so a large
export neither waits for its last row nor holds the whole text. `bench/bench_serialise.py` measures
both against the former way in one run."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import orjson

from service.store import Rows, SelectResult

CSV_CHUNK_ROWS = 500


def plain_rows(result: SelectResult) -> list[dict[str, Any]]:
    """Every row as {column: plain value} (`Term.python`), None for an unbound column."""
    if isinstance(result.rows, Rows):
        return result.rows.plain()
    columns = result.columns
    return [
        {c: None if (t := row.get(c)) is None else t.python() for c in columns}
        for row in result.rows
    ]


def to_json(body: Any) -> bytes:
    """UTF-8 JSON; orjson, or the json module for what orjson refuses (an integer past 64 bits)."""
    try:
        return orjson.dumps(body)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(body, ensure_ascii=False).encode()


def csv_chunks(result: SelectResult, excel: bool = False) -> Iterator[str]:
    """RFC 4180 CSV in chunks of `CSV_CHUNK_ROWS` rows; for Excel (``excel``) with a byte order mark
    and semicolons, which a German Excel opens as columns with its umlauts intact. (No ``sep=;``
    line: Excel then ignores the byte order mark and reads UTF-8 as ANSI.)"""
    out = io.StringIO()
    if excel:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow(result.columns)
    columns = result.columns
    for start in range(0, len(result.rows), CSV_CHUNK_ROWS):
        part = SelectResult(columns, result.rows[start : start + CSV_CHUNK_ROWS])
        writer.writerows(
            [["" if v is None else v for v in row.values()] for row in plain_rows(part)]
        )
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    if out.tell():
        yield out.getvalue()
