"""What a view's HTML page needs beyond its rows: its title in the page language, the links that
sort and filter it, its other formats, and a reader's filter form turned into Datasette's URL form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from flask import render_template, request, url_for

from service.queries import NamedQuery, parse_date
from service.web.i18n import PARAMS, TEXT, count, number, page_lang, with_lang
from service.web.view_params import NoMatch
from service.web.view_table import TableArgs

FORMATS = ("json", "csv", "atom")
CHARTS = {  # view -> its chart
    "actor-summary": "points-by-status",
    "overdue": "overdue-by-actor",
    "committee-years": "committee-years",
}
CHART_VIEWS = {**{c: v for v, c in CHARTS.items()}, "status-over-time": "actor-summary"}


@dataclass(frozen=True)
class Heading:
    name: str
    label: str
    sort_url: str  # sorts by this column, the other way round when it is already sorted so
    sorted: str  # "", "asc" or "desc"


def args_without(*names: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.args.items(multi=True) if k not in names]


def here(args: list[tuple[str, str]], name: str, fmt: str | None = None) -> str:
    path = url_for("views.view", name=name, fmt=fmt) if fmt else url_for("views.view", name=name)
    return f"{path}?{urlencode(args)}" if args else path


def headings(name: str, columns: list, wanted: TableArgs, lang: str) -> list[Heading]:
    """Column headings that sort: ascending first, descending when already ascending."""
    keep = args_without("_sort", "_sort_desc", "_offset")
    out = []
    for c in columns:
        state = ("desc" if wanted.descending else "asc") if wanted.sort == c.name else ""
        key = "_sort_desc" if state == "asc" else "_sort"
        out.append(Heading(c.name, c.label(lang), here([*keep, (key, c.name)], name), state))
    return out


def format_links(name: str) -> dict[str, str]:
    """The same answer as JSON, CSV, Atom and CSV for Excel (`.json` … keep every parameter)."""
    keep = args_without("format", "_offset", "_size")
    links = {fmt: here(keep, name, fmt) for fmt in FORMATS}
    links["excel"] = here([*keep, ("excel", "1")], name, "csv")
    if name in CHARTS:
        chart = url_for("charts.chart", name=CHARTS[name])
        params = [(k, v) for k, v in keep if not k.startswith("_") and "__" not in k]
        links["chart"] = f"{chart}?{urlencode(params)}" if params else chart
    if name == "actor-summary":  # the same counts at the end of each year
        chart = url_for("charts.chart", name="status-over-time")
        actor = [(k, v) for k, v in keep if k == "actor"]
        links["chart_time"] = f"{chart}?{urlencode(actor)}" if actor else chart
    return links


def filter_links(name: str, wanted: TableArgs) -> list[tuple[str, str]]:
    """Each active filter as text and the URL without it."""
    out = []
    for column, op, value in wanted.filters:
        key = f"{column}__{op}"
        rest = [(k, v) for k, v in args_without("_offset") if not (k == key and v == value)]
        out.append((f"{column} {'=' if op == 'exact' else '∋'} {value}", here(rest, name)))
    return out


def filter_redirect(name: str) -> str | None:
    """The form's `_filter_column/_filter_op/_filter_value` as `COLUMN__OP=VALUE` (Datasette's
    way), so the form needs no script and the URL stays the one documented."""
    column = request.args.get("_filter_column")
    if column is None:
        return None
    op = request.args.get("_filter_op") or "exact"
    value = request.args.get("_filter_value", "")
    keep = args_without("_filter_column", "_filter_op", "_filter_value", "_offset")
    if column:
        keep.append((f"{column}__{op}", value))
    return here(keep, name)


def row_count(total: int | None, shown: int, offset: int, more: bool, lang: str) -> str:
    """'2 Zeilen', or 'Zeilen 51–100 von 230' when the answer has more pages."""
    text = TEXT[lang]
    if total is not None and offset == 0 and shown == total:
        return count(total, text["rows"], lang)
    first, last = number(offset + 1 if shown else offset, lang), number(offset + shown, lang)
    if total is None:
        return text["rows_of_more"].format(
            first=first, last=last, total=number(offset + shown + (1 if more else 0), lang)
        )
    return text["rows_of"].format(first=first, last=last, total=number(total, lang))


def reference_day(query: NamedQuery, values: dict[str, str]) -> date:
    """The day a deadline is measured against: the view's `as_of` when given, else today."""
    if "as_of" in query.param_names and values.get("as_of"):
        try:
            return parse_date(values["as_of"])
        except ValueError:
            pass
    return date.today()


def no_match_page(query: NamedQuery, values: dict[str, str], problem: NoMatch) -> str:
    """The view's page with its form, saying in the reader's language that a value names nothing
    and offering what exists, each a link to the view with that value."""
    lang = page_lang()
    keep = [
        (k, v) for k, v in request.args.items(multi=True) if k not in (problem.param, "_offset")
    ]
    known = [
        (name, with_lang(here([*keep, (problem.param, value)], query.name)))
        for name, value in problem.known
    ]
    return render_template(
        "view.html",
        query=query,
        lang=lang,
        param_names=PARAMS[lang],
        values=values,
        problem=problem,
        problem_label=PARAMS[lang].get(problem.param, (problem.param, ""))[0],
        known=known,
        formats={},
        headings=[],
        columns=[],
        table=[],
        row_count="",
        filters=[],
    )
