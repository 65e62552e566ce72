"""Every view as an Atom feed (RFC 4287, `format=atom` or `/views/<name>.atom`): a feed reader
subscribed to "open points of the Oberbürgermeister" sees a new entry when a point is added and an
updated one when a report changes its status.

An entry is a row: its id the IRI of the view's `# entry:` column (the point, the status report),
else a `tag:` URI of the row; updated the row's status date, else when the data last changed; its
title the row's shown cells; its content every shown cell, the point's text among them."""

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


def _row_hash(row: dict, columns: list[str]) -> str:
    key = "\n".join(f"{c}={t.value}" for c in columns if (t := row.get(c)) is not None)
    return hashlib.sha1(key.encode()).hexdigest()


def _entry_ids(query: NamedQuery, result: SelectResult) -> list[str]:
    """A permanent id per row: the IRI in the view's `# entry:` column (a point, a status
    report), with `#row-…` (a hash of the row) where that IRI repeats; for views without one, a
    `tag:` URI of the row's values (a row whose numbers change is then a new entry)."""
    if query.entry in result.columns:
        ids = [(r.get(query.entry) or Term("literal", "")).value for r in result.rows]
        repeated = {i for i in ids if ids.count(i) > 1}
        return [
            f"{i}#row-{_row_hash(r, result.columns)[:12]}" if i in repeated or not i else i
            for i, r in zip(ids, result.rows, strict=True)
        ]
    host = str(current_app.config["BASE_IRI"]).split("//", 1)[-1].split("/", 1)[0]
    return [
        f"tag:{host},2026:ratsgraph/{query.name}/{_row_hash(r, result.columns)}"
        for r in result.rows
    ]


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
    for row, entry_id in zip(result.rows, _entry_ids(query, result), strict=True):
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
        # the point the row is about, else what its first linked cell links to
        point = row.get("point_iri")
        target = point.value if point is not None else entry_id
        if not target.startswith(("http://", "https://")) or "#" in target:
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
