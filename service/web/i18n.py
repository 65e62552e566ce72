"""German first, English complete: the page language, the views' interface strings, dates and
plurals as people read them. ISO dates and plain numbers stay in JSON, CSV and feeds' data.

The language is `?lang=de|en`, else the browser's Accept-Language (German when it names neither),
and links keep an explicit `lang=` (`with_lang`)."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Flask, has_request_context, request

LANGS = ("de", "en")
MONTHS_EN = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()

STATUS = {  # skos:notation of the status concepts -> how people say them
    "de": {
        "offen": "offen",
        "in_umsetzung": "in Umsetzung",
        "fortlaufend": "fortlaufend",
        "umgesetzt": "umgesetzt",
    },
    "en": {
        "offen": "open",
        "in_umsetzung": "in progress",
        "fortlaufend": "ongoing",
        "umgesetzt": "implemented",
    },
}

PARAMS = {  # a view parameter's name in the form and what to type into it
    "de": {
        "actor": ("Akteur", "Amt, Einheit oder Gremium, z. B. Oberbürgermeister"),
        "as_of": ("Stichtag", "TT.MM.JJJJ, leer: heute"),
        "vorlage": ("Vorlage", "z. B. V1106/21"),
        "part": ("Teil", "z. B. Teil IV oder teil-iv"),
        "body": ("Körperschaft", "Stadt oder Gemeinde, z. B. dresden; leer: alle"),
    },
    "en": {
        "actor": ("Actor", "office, unit or committee, e.g. Oberbürgermeister"),
        "as_of": ("As of", "date (YYYY-MM-DD or DD.MM.YYYY), empty: today"),
        "vorlage": ("Paper", "e.g. V1106/21"),
        "part": ("Part", "e.g. Teil IV or teil-iv"),
        "body": ("Council", "city or municipality, e.g. dresden; empty: all"),
    },
}

TEXT = {
    "de": {
        "views": "Ansichten",
        "show": "Anzeigen",
        "apply_filter": "Filtern",
        "rows": ("{n} Zeile", "{n} Zeilen"),
        "rows_of": "Zeilen {first}–{last} von {total}",
        "rows_of_more": "Zeilen {first}–{last} von mindestens {total}",
        "next": "weitere Zeilen",
        "prev": "vorige Zeilen",
        "none": "keine Ergebnisse",
        "passed": "abgelaufen",
        "sort_asc": "aufsteigend sortieren",
        "sort_desc": "absteigend sortieren",
        "sorted_asc": "aufsteigend sortiert",
        "sorted_desc": "absteigend sortiert",
        "filtered": "gefiltert",
        "remove_filter": "Filter entfernen",
        "filter_by": "nur diese Werte",
        "comparison": "Vergleich: gleich oder enthält",
        "formats": "Formate",
        "excel": "CSV für Excel",
        "feed": "Atom-Feed",
        "chart": "Diagramm",
        "charts": "Diagramme",
        "chart_time": "Verlauf",
        "no_match": "Für „{param}“ passt nichts zu „{value}“.",
        "known_values": "Vorhanden sind",
        "parameters": "Parameter",
        "optional": "optional",
        "other_lang": "English",
        "stale": "Stand {at}: die Daten haben sich seither geändert, die neue Antwort wird "
        "berechnet. Neu laden zeigt sie, sobald sie fertig ist.",
        "as_of": "Stand am {date}",
    },
    "en": {
        "views": "Views",
        "show": "Show",
        "apply_filter": "Filter",
        "rows": ("{n} row", "{n} rows"),
        "rows_of": "rows {first}–{last} of {total}",
        "rows_of_more": "rows {first}–{last} of at least {total}",
        "next": "more rows",
        "prev": "previous rows",
        "none": "no results",
        "passed": "passed",
        "sort_asc": "sort ascending",
        "sort_desc": "sort descending",
        "sorted_asc": "sorted ascending",
        "sorted_desc": "sorted descending",
        "filtered": "filtered",
        "remove_filter": "remove filter",
        "filter_by": "only these values",
        "comparison": "comparison: equals or contains",
        "formats": "Formats",
        "excel": "CSV for Excel",
        "feed": "Atom feed",
        "chart": "Chart",
        "charts": "Charts",
        "chart_time": "Over the years",
        "no_match": "Nothing matches “{value}” for {param}.",
        "known_values": "There are",
        "parameters": "Parameters",
        "optional": "optional",
        "other_lang": "Deutsch",
        "stale": "As of {at}: the data has changed since; the new answer is being computed. "
        "Reload to see it when it is ready.",
        "as_of": "state on {date}",
    },
}


def page_lang() -> str:
    """``?lang=`` when it names a language we have, else the best of Accept-Language, else German."""
    asked = request.args.get("lang")
    if asked in LANGS:
        return asked
    return request.accept_languages.best_match(LANGS, default="de") or "de"


def count(n: int, forms: tuple[str, str], lang: str) -> str:
    """'1 Zeile', '2 Zeilen', '10.000 Zeilen' (German digit grouping), '1 row', '10,000 rows'."""
    return forms[0 if n == 1 else 1].format(n=number(n, lang))


def number(n: int, lang: str) -> str:
    grouped = f"{n:,}"
    return grouped.replace(",", ".") if lang == "de" else grouped


def show_date(iso: str, lang: str) -> str:
    """30.06.2023 (German) or 30 Jun 2023 (English); text that is no ISO date stays as it is."""
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    if lang == "en":
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def with_lang(url: str, lang: str | None = None) -> str:
    """The URL with this request's explicit ``lang=`` kept (or ``lang`` set), so a reader who chose
    a language keeps it on the next page."""
    lang = lang or request.args.get("lang")
    if lang not in LANGS:
        return url
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    query.append(("lang", lang))
    return urlunsplit(parts._replace(query=urlencode(query)))


def switch_url() -> str:
    """This page in the other language."""
    other = "en" if page_lang() == "de" else "de"
    query = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    query.append(("lang", other))
    return f"{request.path}?{urlencode(query)}"


def init_app(app: Flask) -> None:
    @app.context_processor
    def _language() -> dict[str, Any]:
        if not has_request_context():
            return {}
        lang = page_lang()
        return {
            "ui_lang": lang,
            "ui_text": TEXT[lang],
            "lang_switch_url": switch_url,
            "with_lang": with_lang,
        }
