"""Commands that read: extract and explain a document; query, validate and check a store."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from loader import LoadError
from service.cli.common import (
    base_option,
    body_option,
    cli,
    open_for,
    store_option,
    update_option,
)

if TYPE_CHECKING:
    from service.store import Store


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["json", "turtle"]), default="json", show_default=True
)
@base_option
@body_option
def extract(file: str, fmt: str, base_iri: str, body: str) -> None:
    """Print what a document says: JSON in the corpus schema, or the Turtle it would load."""
    from loader import load_document  # noqa: PLC0415
    from loader.extract import extract_file  # noqa: PLC0415
    from loader.graph import with_prefixes  # noqa: PLC0415
    from loader.reference import load_reference  # noqa: PLC0415

    try:
        if fmt == "turtle":
            loaded = load_document(file, body=body, base=base_iri)
            click.echo(with_prefixes(loaded.graph).serialize(format="turtle"))
            extraction = loaded.extraction
        else:
            extraction = extract_file(file, load_reference(body, base_iri))
            click.echo(json.dumps(extraction.to_json(), ensure_ascii=False, indent=2))
    except LoadError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    for w in extraction.warnings:
        click.echo(f"warning: {file}: {w}", err=True)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@body_option
def explain(file: str, body: str) -> None:
    """Print each extracted fact beside the sentence it came from, then the warnings."""
    from loader.extract import explain as explain_extraction  # noqa: PLC0415
    from loader.extract import extract_file  # noqa: PLC0415
    from loader.reference import load_reference  # noqa: PLC0415

    try:
        click.echo(explain_extraction(extract_file(file, load_reference(body))))
    except LoadError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)


@cli.command()
@click.argument("view")
@click.option("--param", "-p", "params", multiple=True, help="name=value (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
@store_option
@update_option
def query(view: str, params: tuple[str, ...], fmt: str, store: str, update_url: str | None) -> None:
    """Run a named view (by name, e.g. open-points) with parameters."""
    from service.errors import UserError  # noqa: PLC0415
    from service.web import create_app  # noqa: PLC0415
    from service.web.views import as_csv, rows_as_json, run_view  # noqa: PLC0415

    values = {}
    for p in params:
        if "=" not in p:
            raise click.BadParameter(f"expected name=value, got {p!r}", param_hint="--param")
        k, v = p.split("=", 1)
        values[k] = v
    name = Path(view).stem
    app = create_app(store=open_for(store, update_url, read_only=True))
    with app.app_context():
        try:
            result = run_view(name, values)
        except UserError as e:
            click.echo(f"error: {e.message}", err=True)
            sys.exit(2)
    if fmt == "json":
        click.echo(
            json.dumps(
                {"view": name, "columns": result.columns, "rows": rows_as_json(result)},
                ensure_ascii=False,
                indent=2,
            )
        )
    elif fmt == "csv":
        click.echo(as_csv(result), nl=False)
    else:
        rows = rows_as_json(result)
        click.echo("\t".join(result.columns))
        for r in rows:
            click.echo("\t".join("" if r[c] is None else str(r[c]) for c in result.columns))
        click.echo(f"({len(rows)} rows)", err=True)


@cli.command()
@store_option
@update_option
@body_option
@base_option
def validate(store: str, update_url: str | None, body: str, base_iri: str) -> None:
    """Check every document graph in the store against the SHACL shapes."""
    from loader.shapes import validate as shacl_validate  # noqa: PLC0415
    from service.ingest.loading import reference_graph  # noqa: PLC0415
    from service.queries import LOOKUP_DIR, get_query  # noqa: PLC0415

    s = open_for(store, update_url, read_only=True)
    docs = s.select(get_query("documents", LOOKUP_DIR).text)
    graph_query = get_query("graph", LOOKUP_DIR)
    ref = reference_graph(body, base_iri)
    failed = 0
    for row in docs.rows:
        g = row["g"].value
        result = shacl_validate(s.construct(graph_query.bind({"g": g})), extra=ref)
        if result.conforms:
            click.echo(f"ok      {row['file'].value}")
        else:
            failed += 1
            click.echo(f"INVALID {row['file'].value}")
            for v in result.violations:
                click.echo(f"    {v}")
    bodies, bad_bodies = _validate_oparl(s, base_iri)
    click.echo(
        f"{len(docs.rows) - failed} of {len(docs.rows)} document graphs conform to the shapes."
    )
    if bodies:
        click.echo(f"{bodies - bad_bodies} of {bodies} bodies' OParl graphs conform to the shapes.")
    sys.exit(1 if failed or bad_bodies else 0)


def _validate_oparl(s: Store, base_iri: str) -> tuple[int, int]:
    """The graphs an OParl import wrote, validated together per body (a meeting's committee is
    typed in the committee's graph), with the body's reference data when it has any; returns the
    number of bodies and of bodies with violations."""
    from rdflib import Graph  # noqa: PLC0415

    from loader.reference import has_reference  # noqa: PLC0415
    from loader.shapes import validate as shacl_validate  # noqa: PLC0415
    from service.ingest.loading import reference_graph  # noqa: PLC0415
    from service.queries import LOOKUP_DIR, get_query  # noqa: PLC0415

    prefix = base_iri.rstrip("/") + "/id/"
    by_body: dict[str, list[str]] = {}
    for row in s.select(get_query("oparl-graphs", LOOKUP_DIR).text).rows:
        g = row["g"].value
        if g.startswith(prefix):
            by_body.setdefault(g[len(prefix) :].split("/", 1)[0], []).append(g)
    graph_query = get_query("graph", LOOKUP_DIR)
    failed = 0
    for body, graphs in sorted(by_body.items()):
        union = Graph()
        for g in graphs:
            union += s.construct(graph_query.bind({"g": g}))
        extra = reference_graph(body, base_iri) if has_reference(body) else Graph()
        result = shacl_validate(union, extra=extra)
        click.echo(
            f"{'ok     ' if result.conforms else 'INVALID'} OParl {body} ({len(graphs)} graphs)"
        )
        for v in result.violations:
            click.echo(f"    {v}")
        failed += not result.conforms
    return len(by_body), failed


@cli.command()
@store_option
@update_option
def check(store: str, update_url: str | None) -> None:
    """Run the integrity rules of queries/checks/ (zero rows = pass)."""
    from service.queries import QUERIES_DIR, load_queries  # noqa: PLC0415

    s = open_for(store, update_url, read_only=True)
    failed = 0
    for name, q in load_queries(QUERIES_DIR / "checks").items():
        rows = s.select(q.text).rows
        click.echo(f"{'ok  ' if not rows else 'FAIL'} {name}: {len(rows)} rows")
        # what a failing rule found (which point, which documents disagree), the first 20 rows
        for row in rows[:20]:
            click.echo(
                "     " + " ".join(f"{k}={v.value}" for k, v in row.items() if v is not None)
            )
        if len(rows) > 20:
            click.echo(f"     … and {len(rows) - 20} more")
        failed += bool(rows)
    sys.exit(1 if failed else 0)
