"""Every view as an Atom feed (RFC 4287, `format=atom` or `/views/<name>.atom`): a feed reader
subscribed to "open points of the Oberbürgermeister" sees a new entry when a point is added and an
updated one when a report changes its status.

An entry is a row: its id the IRI the row is about (the first IRI column whose values tell the rows
apart, e.g. the point), else a `tag:` URI of its IRIs; updated the row's status date, else when the
data last changed; its title the row's shown cells; its content the point's text."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import current_app, request, url_for

from service.queries import LOOKUP_DIR, NamedQuery, get_query
from service.store import SelectResult, Term
from service.web.i18n import TEXT, with_lang
from service.web.view_params import cached_select
from service.web.view_table import cell_text, shown_columns

ATOM = "http://www.w3.org/2005/Atom"
LONG = ("text", "status_note", "report_title")  # cells too long for an entry title
DATED = ("status_date", "session_date")  # a row's own date, first found (not a deadline: future)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def data_changed() -> datetime:
    """When a document was last loaded (feed-level `updated`); the epoch for an empty store."""
    found = cached_select(get_query("last-loaded", LOOKUP_DIR).text)
    term = found.rows[0].get("loaded") if found.rows else None
    if term is None:
        return datetime(1970, 1, 1, tzinfo=UTC)
    moment = datetime.fromisoformat(term.value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _entry_ids(result: SelectResult) -> list[str]:
    """The IRI each row is about, or a tag: URI of all its IRIs where no column tells rows apart."""
    iri_columns = [
        c
        for c in result.columns
        if any((t := r.get(c)) is not None and t.kind == "uri" for r in result.rows)
    ]
    for column in iri_columns:
        ids = [(r.get(column) or Term("literal", "")).value for r in result.rows]
        if all(ids) and len(set(ids)) == len(ids):
            return ids
    base = str(current_app.config["BASE_IRI"]).split("//", 1)[-1].split("/", 1)[0]
    out = []
    for row in result.rows:
        key = "\n".join(f"{c}={t.value}" for c in result.columns if (t := row.get(c)) is not None)
        out.append(f"tag:{base},2026:ratsgraph/row/{hashlib.sha1(key.encode()).hexdigest()}")
    return out


def local_url(iri: str) -> str:
    """A minted IRI as the URL of its page on this server (`/id/…`); other IRIs as they are."""
    prefix = str(current_app.config["BASE_IRI"]).rstrip("/") + "/id/"
    if iri.startswith(prefix) and "#" not in iri:
        return request.host_url + "id/" + iri[len(prefix) :]
    return iri


def _link(parent: ET.Element, href: str, rel: str, kind: str | None = None) -> None:
    attrs = {"rel": rel, "href": href}
    if kind:
        attrs["type"] = kind
    ET.SubElement(parent, f"{{{ATOM}}}link", attrs)


def atom(query: NamedQuery, values: dict[str, str], result: SelectResult, lang: str) -> bytes:
    """The rows as an Atom feed document."""
    ET.register_namespace("", ATOM)
    changed = data_changed()
    shown = shown_columns(query, result)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    given = ", ".join(v for v in values.values() if v)
    title = query.title_in(lang) + (f": {given}" if given else "")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}subtitle").text = query.description_in(lang)
    ET.SubElement(feed, f"{{{ATOM}}}id").text = request.url
    _link(feed, request.url, "self", "application/atom+xml")
    page = [(k, v) for k, v in request.args.items(multi=True) if k != "format"]
    html = url_for("views.view", name=query.name, _external=True)
    _link(feed, html + (f"?{urlencode(page)}" if page else ""), "alternate", "text/html")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = str(current_app.config["PUBLISHER"])
    ET.SubElement(feed, f"{{{ATOM}}}generator").text = "ratsgraph"
    entries = []
    for row, entry_id in zip(result.rows, _entry_ids(result), strict=True):
        dated = next((t.value for c in DATED if (t := row.get(c)) is not None), None)
        updated = datetime.fromisoformat(dated[:10]).replace(tzinfo=UTC) if dated else changed
        entries.append((row, entry_id, updated))
    latest = max([changed, *(u for _, _, u in entries)])
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _iso(latest)
    for row, entry_id, updated in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        parts = [
            f"{c.label(lang)} {text}" if c.name in ("point",) else text
            for c in shown
            if c.name not in LONG and (text := cell_text(c.name, row.get(c.name), lang, {}))
        ]
        ET.SubElement(entry, f"{{{ATOM}}}title").text = " · ".join(parts) or TEXT[lang]["none"]
        ET.SubElement(entry, f"{{{ATOM}}}id").text = entry_id
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _iso(updated)
        target = entry_id  # the row's subject, else what its first linked cell links to
        if not target.startswith(("http://", "https://")):
            target = next(
                (t.value for c in shown if c.link and (t := row.get(c.link)) is not None), target
            )
        if target.startswith(("http://", "https://")):
            _link(entry, with_lang(local_url(target)), "alternate", "text/html")
        body = "\n".join(
            f"{c.label(lang)}: {text}"
            for c in shown
            if (text := cell_text(c.name, row.get(c.name), lang, {}))
        )
        ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "text"}).text = body
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
