"""Blueprint `charts`: a few views drawn as SVG on the server (no script, nothing from a CDN), each
with its numbers as CSV beside it and as a table under it.

* `points-by-status`: per actor, its delegated points by status (from the view actor-summary);
* `overdue-by-actor`: per actor, its overdue points (from the view overdue);
* `committee-years`: per committee and year, its resolutions and their open points (from the view
  committee-years), side by side;
* `status-over-time`: the delegated points (of one actor, `actor=`, or all) by status as they stood
  at the end of each of the last ten years and today (actor-summary `as_of` each day; eleven
  computations, each cached per state of the store like any view answer).

The first two take their view's parameters (`as_of=` among them), so a chart can show a past day."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from flask import Blueprint, Flask, Response, render_template, request, url_for

from service.errors import UserError
from service.queries import get_query
from service.store import SelectResult
from service.web import i18n, view_params
from service.web.view_page import CHART_VIEWS

bp = Blueprint("charts", __name__)

STATUS_COLOURS = (  # colour-blind safe (Okabe–Ito), dark enough for white text
    ("offen", "#b35806"),
    ("in_umsetzung", "#0072b2"),
    ("fortlaufend", "#6a3d9a"),
    ("umgesetzt", "#1b7837"),
)
OVERDUE_COLOUR = "#9b1c1c"
TITLES = {
    "points-by-status": (
        "Beauftragte Beschlusspunkte je Akteur nach Stand",
        "Delegated points per actor by status",
    ),
    "overdue-by-actor": ("Überfällige Beschlusspunkte je Akteur", "Overdue points per actor"),
    "status-over-time": (
        "Stand der beauftragten Beschlusspunkte im Lauf der Jahre",
        "Delegated points by status over the years",
    ),
}
YEARS = 10  # year ends drawn before today
TITLES["committee-years"] = (
    "Beschlüsse und offene Punkte je Gremium und Jahr",
    "Resolutions and open points per committee and year",
)


@dataclass(frozen=True)
class Bar:
    label: str
    href: str | None  # the actor's page
    values: tuple[int, ...]  # one per series, stacked left to right
    key: str | None = None  # the label in CSV, where it differs (an ISO date)


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    series: tuple[tuple[str, str, str], ...]  # (key, label, colour)
    bars: tuple[Bar, ...]
    csv_head: tuple[str, str] = ("actor_label", "actor")  # what a bar's label and link are
    stacked: bool = True  # parts of one whole; False: side by side (different things)


def run_view(name: str, values: dict[str, str] | None = None) -> SelectResult:
    """The whole answer of a named view for these values, by default this request's parameters
    (but the page language)."""
    from service.web.views import queries_dir  # noqa: PLC0415 - views registers this blueprint

    query = get_query(name, queries_dir())
    if values is None:
        values = {k: v for k, v in request.args.items() if k != "lang"}
    return view_params.cached_select(query.bind(view_params.resolve(query, values)))


def points_by_status(lang: str) -> Chart:
    result = run_view("actor-summary")
    keys = [k for k, _ in STATUS_COLOURS]
    bars = []
    for row in result.rows:
        actor, label = row.get("actor"), row.get("actor_label")
        values = tuple(int(row[k].value) if row.get(k) else 0 for k in keys)
        name = label.value if label else (actor.value.rsplit("/", 1)[-1] if actor else "?")
        bars.append(Bar(name, actor.value if actor else None, values))
    series = tuple((k, i18n.STATUS[lang][k], colour) for k, colour in STATUS_COLOURS)
    return Chart("points-by-status", TITLES["points-by-status"][lang == "en"], series, tuple(bars))


def overdue_by_actor(lang: str) -> Chart:
    result = run_view("overdue")
    counts: Counter[tuple[str, str | None]] = Counter()
    for row in result.rows:
        actor, label = row.get("actor"), row.get("actor_label")
        name = label.value if label else ("–" if actor is None else actor.value.rsplit("/", 1)[-1])
        counts[(name, actor.value if actor else None)] += 1
    bars = tuple(
        Bar(name, href, (n,))
        for (name, href), n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))
    )
    label = "überfällig" if lang == "de" else "overdue"
    return Chart(
        "overdue-by-actor",
        TITLES["overdue-by-actor"][lang == "en"],
        (("overdue", label, OVERDUE_COLOUR),),
        bars,
    )


def status_over_time(lang: str) -> Chart:
    unknown = sorted(set(request.args) - {"actor", "body", "lang"})
    if unknown:
        raise UserError(
            f"unknown parameter {unknown[0]!r} for chart status-over-time; expected: actor, body"
        )
    actor = request.args.get("actor", "")
    council = {"body": request.args["body"]} if request.args.get("body") else {}
    today = date.today()
    days = [date(year, 12, 31) for year in range(today.year - YEARS, today.year)] + [today]
    keys = [k for k, _ in STATUS_COLOURS]
    bars = []
    for day in days:
        values = {"as_of": day.isoformat(), **({"actor": actor} if actor else {}), **council}
        rows = run_view("actor-summary", values).rows
        counts = tuple(sum(int(r[k].value) for r in rows if r.get(k)) for k in keys)
        if sum(counts) or bars:  # from the first year with points on
            link = url_for("views.view", name="actor-summary", **values)
            bars.append(Bar(i18n.show_date(day.isoformat(), lang), link, counts, day.isoformat()))
    series = tuple((k, i18n.STATUS[lang][k], colour) for k, colour in STATUS_COLOURS)
    title = TITLES["status-over-time"][lang == "en"] + (f": {actor}" if actor else "")
    return Chart("status-over-time", title, series, tuple(bars), ("as_of", "view"))


def committee_years(lang: str) -> Chart:
    result = run_view("committee-years")
    bars = []
    for row in result.rows:
        committee, label, year = row.get("committee"), row.get("committee_label"), row.get("year")
        name = label.value if label else (committee.value.rsplit("/", 1)[-1] if committee else "?")
        values = tuple(
            int(row[k].value) if row.get(k) else 0 for k in ("resolutions", "open_points")
        )
        key = f"{name} {year.value if year else ''}".strip()
        bars.append(Bar(key, committee.value if committee else None, values))
    de = lang == "de"
    series = (
        ("resolutions", "Beschlüsse" if de else "resolutions", "#0072b2"),
        ("open_points", "offene Punkte" if de else "open points", "#b35806"),
    )
    title = TITLES["committee-years"][not de]
    return Chart(
        "committee-years", title, series, tuple(bars), ("committee_year", "committee"), False
    )


BUILDERS = {
    "points-by-status": points_by_status,
    "overdue-by-actor": overdue_by_actor,
    "status-over-time": status_over_time,
    "committee-years": committee_years,
}


def amount(chart: Chart, n: int, label: str) -> str:
    """'3 offen' for the parts of a whole (statuses read as adjectives), 'Beschlüsse: 1' for
    things counted side by side (so no noun needs its singular)."""
    return f"{n} {label}" if chart.stacked else f"{label}: {n}"


def svg(chart: Chart, lang: str) -> str:
    """Horizontal bars, one row per actor (or day, or committee and year), labelled, with a legend:
    stacked parts of one whole, or side by side where the series are different things (resolutions
    and open points). Readable without colour (each bar carries its number) and by screen readers
    (role=img, title, desc)."""
    width, left, gap, top = 720, 230, 8, 44
    lanes = 1 if chart.stacked else len(chart.series)
    bar_h = 22 if chart.stacked else 16
    row_h = bar_h * lanes
    most = max((sum(b.values) if chart.stacked else max(b.values) for b in chart.bars), default=0)
    scale = (width - left - 50) / (most or 1)
    height = top + len(chart.bars) * (row_h + gap) + 10
    desc = "; ".join(
        f"{b.label}{': ' if chart.stacked else ' – '}"
        + ", ".join(
            amount(chart, n, s[1]) for n, s in zip(b.values, chart.series, strict=True) if n
        )
        for b in chart.bars
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="chart-title chart-desc" font-family="system-ui, sans-serif" '
        f'font-size="13">',
        f'<title id="chart-title">{escape(chart.title)}</title>',
        f'<desc id="chart-desc">{escape(desc or i18n.TEXT[lang]["none"])}</desc>',
    ]
    x = left
    for _key, label, colour in chart.series:  # legend
        out.append(f'<rect x="{x}" y="8" width="14" height="14" fill="{colour}"/>')
        out.append(f'<text x="{x + 18}" y="20">{escape(label)}</text>')
        x += 24 + 8 * len(label)
    sep = ": " if chart.stacked else " – "
    for i, bar in enumerate(chart.bars):
        y = top + i * (row_h + gap)
        name = bar.label if len(bar.label) <= 32 else bar.label[:31] + "…"
        out.append(
            f'<text x="{left - 8}" y="{y + row_h / 2 + 5:.0f}" text-anchor="end">'
            f"<title>{escape(bar.label)}</title>{escape(name)}</text>"
        )
        x = float(left)
        for lane, (n, (_key, label, colour)) in enumerate(
            zip(bar.values, chart.series, strict=True)
        ):
            y_bar = y if chart.stacked else y + lane * bar_h
            if not chart.stacked:
                x = float(left)
            w = n * scale
            if n:
                out.append(
                    f'<rect x="{x:.1f}" y="{y_bar}" width="{w:.1f}" height="{bar_h - 1}" '
                    f'fill="{colour}"><title>{escape(bar.label)}{sep}{escape(amount(chart, n, label))}'
                    f"</title></rect>"
                )
            if chart.stacked and w >= 18:
                out.append(
                    f'<text x="{x + w / 2:.1f}" y="{y_bar + bar_h - 6}" text-anchor="middle" '
                    f'fill="#fff">{n}</text>'
                )
            if not chart.stacked:
                out.append(
                    f'<text x="{x + w + 6:.1f}" y="{y_bar + bar_h - 4}" fill="#333">{n}</text>'
                )
            x += w
        if chart.stacked:
            out.append(
                f'<text x="{x + 6:.1f}" y="{y + bar_h - 6}" fill="#333">{sum(bar.values)}</text>'
            )
    if not chart.bars:
        out.append(f'<text x="{left}" y="{top + 16}">{escape(i18n.TEXT[lang]["none"])}</text>')
    out.append("</svg>")
    return "\n".join(out)


def as_csv(chart: Chart) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*chart.csv_head, *(key for key, _, _ in chart.series)])
    for bar in chart.bars:
        writer.writerow([bar.key or bar.label, bar.href or "", *bar.values])
    return out.getvalue()


def _chart(name: str) -> tuple[Chart, str]:
    if name not in BUILDERS:
        raise UserError(f"no chart named {name!r}; available: {', '.join(BUILDERS)}", status=404)
    lang = i18n.page_lang()
    return BUILDERS[name](lang), lang


@bp.get("/charts/<name>")
@bp.get("/charts/<name>.<fmt>")
def chart(name: str, fmt: str | None = None) -> Any:
    built, lang = _chart(name)
    if fmt == "svg":
        return Response(svg(built, lang), mimetype="image/svg+xml")
    if fmt == "csv":
        return Response(
            as_csv(built),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    if fmt not in (None, "html"):
        raise UserError(f"unknown format {fmt!r} for chart {name}; expected html, svg or csv")
    view = CHART_VIEWS[name]
    return render_template(
        "chart.html",
        chart=built,
        svg=svg(built, lang),
        lang=lang,
        csv_url=url_for("charts.chart", name=name, fmt="csv", **request.args),
        svg_url=url_for("charts.chart", name=name, fmt="svg", **request.args),
        view_url=url_for("views.view", name=view, **request.args),
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
