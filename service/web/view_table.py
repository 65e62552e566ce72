"""A view's answer as a table people read, and Datasette's table controls over it.

Pages show the columns the `.rq` header declares (`# column: deadline  Frist | Deadline`), in its
order and language, each cell as text (dates German, statuses in words, IRIs by their labels) linking
where its header says; a deadline that passed for a point not implemented is marked.

Sorting (`_sort=col`, `_sort_desc=col`) and filtering (`col__exact=value`, `col__contains=text`)
work on the computed rows in Python, so nothing of them reaches SPARQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from service.errors import UserError
from service.queries import Column, NamedQuery
from service.store import SelectResult, Term
from service.web.i18n import STATUS, show_date

FILTER_OPS = ("exact", "contains")
DATE = "http://www.w3.org/2001/XMLSchema#date"


@dataclass(frozen=True)
class TableArgs:
    """What the request asks of the table: one sort column (and direction), filters by value."""

    sort: str | None = None
    descending: bool = False
    filters: tuple[tuple[str, str, str], ...] = ()  # (column, op, value)

    @property
    def active(self) -> bool:
        return bool(self.sort or self.filters)


def is_table_arg(name: str) -> bool:
    return name in ("_sort", "_sort_desc") or "__" in name


def table_args(args: Mapping[str, str], view: str) -> TableArgs:
    """The sort and filters asked for (their columns are checked against the answer by `check`)."""
    filters: list[tuple[str, str, str]] = []
    for name, value in args.items():
        if "__" not in name:
            continue
        column, _, op = name.rpartition("__")
        if not column or op not in FILTER_OPS:
            raise UserError(
                f"unknown parameter {name!r} for view {view}: a filter is COLUMN__exact=VALUE or "
                f"COLUMN__contains=TEXT"
            )
        filters.append((column, op, value))
    if args.get("_sort") and args.get("_sort_desc"):
        raise UserError(f"view {view}: give _sort or _sort_desc, not both")
    sort = args.get("_sort") or args.get("_sort_desc") or None
    return TableArgs(sort, bool(args.get("_sort_desc")), tuple(filters))


def check(wanted: TableArgs, view: str, columns: Sequence[str]) -> None:
    """A sort or filter on a column the answer does not have is a UserError naming those it has."""
    known = ", ".join(columns)
    for column, op, _ in wanted.filters:
        if column not in columns:
            raise UserError(
                f"unknown parameter '{column}__{op}' for view {view}: no column {column!r}; "
                f"its columns are {known}"
            )
    if wanted.sort is not None and wanted.sort not in columns:
        raise UserError(f"view {view} cannot sort by {wanted.sort!r}; its columns are {known}")


def _sort_key(term: Term | None) -> tuple[int, Any]:
    """Numbers as numbers, everything else by its text; empty cells last either way."""
    if term is None:
        return (2, "")
    value = term.python()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value)
    return (1, str(value).casefold())


def apply(result: SelectResult, wanted: TableArgs) -> SelectResult:
    """The rows that pass the filters, in the order asked for (stable: ties keep the view's order)."""
    rows: list[dict[str, Term | None]] = list(result.rows)
    for column, op, value in wanted.filters:
        if op == "exact":
            rows = [r for r in rows if (t := r.get(column)) is not None and t.value == value]
        else:
            needle = value.casefold()
            rows = [
                r for r in rows if (t := r.get(column)) is not None and needle in t.value.casefold()
            ]
    if wanted.sort:
        key = wanted.sort
        present = [r for r in rows if r.get(key) is not None]
        empty = [r for r in rows if r.get(key) is None]
        present.sort(key=lambda r: _sort_key(r.get(key)), reverse=wanted.descending)
        rows = present + empty
    return SelectResult(result.columns, rows, result.truncated)


def view_url(template: str, row: Mapping[str, Term | None], given: Mapping[str, str]) -> str:
    """`open-points?actor={actor}&as_of={as_of}` filled from the row (else the page's parameters),
    values URL-encoded; a parameter left empty is left out."""
    name, _, query = template.partition("?")
    pairs = []
    for key, _, value in (part.partition("=") for part in query.split("&") if part):
        if value.startswith("{") and value.endswith("}"):
            term = row.get(value[1:-1])
            value = term.value if term is not None else given.get(value[1:-1], "")
        if value:
            pairs.append((key, value))
    return f"/views/{name}" + (f"?{urlencode(pairs)}" if pairs else "")


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None  # an IRI; the template makes it a local link
    passed: bool = False  # a deadline that passed, point not implemented
    label: str = ""  # the column heading, for the stacked layout on narrow screens
    url: str | None = None  # another view filtered by this row (`=>` in the column's header line)


def shown_columns(query: NamedQuery, result: SelectResult) -> list[Column]:
    """The header's columns that the answer has; a view without `# column:` lines shows them all."""
    if query.columns:
        return [c for c in query.columns if c.name in result.columns]
    return [Column(c, c, c) for c in result.columns]


def cell_text(column: str, term: Term | None, lang: str, labels: Mapping[str, str]) -> str:
    if term is None:
        return ""
    if term.kind == "uri":
        return labels.get(term.value) or term.value.rstrip("/").rsplit("/", 1)[-1]
    if term.datatype == DATE:
        return show_date(term.value, lang)
    if column == "status":
        return STATUS[lang].get(term.value, term.value)
    return term.value


def labelled_by_target(column: Column) -> bool:
    """A `*_label` column linking to what it labels shows that thing's label in the page language."""
    return column.name.endswith("_label") and column.link is not None


def iris_to_label(result: SelectResult, columns: Sequence[Column]) -> set[str]:
    """IRIs whose labels the page shows: cells of IRI columns, targets of `*_label` columns."""
    return {
        t.value
        for row in result.rows
        for c in columns
        for t in (row.get(c.name), row.get(c.link) if labelled_by_target(c) else None)
        if t is not None and t.kind == "uri"
    }


def cells(
    result: SelectResult,
    columns: Sequence[Column],
    lang: str,
    labels: Mapping[str, str],
    as_of: date,
    given: Mapping[str, str] | None = None,
) -> list[list[Cell]]:
    """Each row's cells as the page shows them (``given``: the view's parameters, for `=>` links)."""
    given = given or {}
    table: list[list[Cell]] = []
    for row in result.rows:
        line: list[Cell] = []
        status = row.get("status")
        open_point = status is None or status.value != "umgesetzt"
        for c in columns:
            term = row.get(c.name)
            target = row.get(c.link) if c.link else term
            href = target.value if target is not None and target.kind == "uri" else None
            passed = (
                c.name == "deadline"
                and term is not None
                and open_point
                and term.datatype == DATE
                and term.value < as_of.isoformat()
            )
            text = cell_text(c.name, term, lang, labels)
            if text and href and labelled_by_target(c):
                text = labels.get(href, text)
            url = (
                view_url(c.view_link, row, given) if c.view_link and text not in ("", "0") else None
            )
            line.append(Cell(text, href if text else None, passed, c.label(lang), url))
        table.append(line)
    return table
