"""Named views: reading `queries/*.rq`, parsing their headers, binding parameters as typed terms.

A view's parameters are variables of its SELECT list. A given value is validated for its type and
rendered by pyoxigraph (``NamedNode`` validates IRIs, ``Literal`` escapes strings) into a ``VALUES``
block placed at the start of the outer WHERE clause; nothing a user sends is spliced in as text.
(Measured: a VALUES block was 20x faster than pyoxigraph's ``substitutions=`` for a selective view,
and the same text runs unchanged on a remote SPARQL server.)

A parameter whose help ends in ``(constant)`` is written into the text in place of its variable
instead, as the same term pyoxigraph renders: Oxigraph tests a FILTER against a constant while it
reads an index, against a variable bound by VALUES only after every join (the second step of a
page read by its keys: 37 ms against 1.0 s at 100,000 resolutions).
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from service.errors import UserError

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"
LOOKUP_DIR = QUERIES_DIR / "lookup"  # the queries pages and the dataset description run; not views
PARAM_TYPES = ("iri", "string", "date", "integer")
MAX_VALUE_LENGTH = 2000
XSD = "http://www.w3.org/2001/XMLSchema#"

_HEADER = re.compile(
    r"^#\s*(title|title_en|description|description_en|param|column|entry|example|default)\s*:\s*(.*)$"
)
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_WHERE = re.compile(r"\bWHERE\s*\{", re.I)


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    help: str
    default: str | None = None  # "today" for date parameters means the day of the request
    lookup: str | None = None  # `iri:actor`: a lookup query that turns a label into the value
    constant: bool = False  # `(constant)`: written into the text in place of its variable


@dataclass(frozen=True)
class Column:
    """How a page shows one result column (`# column: deadline  Frist | Deadline  -> point_iri`):
    its German and English heading and the column holding the IRI its cells link to. Columns
    without such a line are left off pages (they stay in JSON, CSV and feeds)."""

    name: str
    de: str
    en: str
    link: str | None = None
    view_link: str | None = None  # `=> open-points?actor={actor}&status__exact=offen`

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.de


@dataclass(frozen=True)
class NamedQuery:
    """One `.rq` file: its name is the file stem and its URL (`/views/<name>`)."""

    name: str
    title: str  # German
    description: str
    params: tuple[Param, ...]
    example: str
    text: str
    path: Path = field(compare=False)
    title_en: str = ""
    description_en: str = ""
    columns: tuple[Column, ...] = ()
    entry: str = ""  # the column whose IRI names a row as a feed entry (`# entry: point_iri`)

    def title_in(self, lang: str) -> str:
        return (self.title_en or self.title) if lang == "en" else self.title

    def description_in(self, lang: str) -> str:
        return (self.description_en or self.description) if lang == "en" else self.description

    @property
    def param_names(self) -> list[str]:
        return [p.name for p in self.params]

    def bind(
        self, values: Mapping[str, str], many: Mapping[str, Sequence[str]] | None = None
    ) -> str:
        """The query text with the given parameter values bound; unknown or bad values are UserErrors.
        ``many``: parameters bound to a list of values each (one row per value)."""
        many = many or {}
        unknown = sorted((set(values) | set(many)) - set(self.param_names))
        if unknown:
            expected = ", ".join(self.param_names) or "no parameters"
            raise UserError(
                f"unknown parameter {unknown[0]!r} for view {self.name}; expected: {expected}"
            )
        names: list[str] = []
        terms: list[str] = []
        text = self.text
        for param in self.params:
            raw = values.get(param.name)
            if raw is None or raw == "":
                if param.constant:
                    raise UserError(f"parameter {param.name!r} of {self.name} must be given")
                if param.default is None:
                    continue
                raw = date.today().isoformat() if param.default == "today" else param.default
            term = str(to_term(param, raw, self.name))
            if param.constant:  # a term pyoxigraph rendered, never the raw text
                text = re.sub(rf"[?$]{param.name}\b", lambda _, t=term: t, text)
                continue
            names.append(f"?{param.name}")
            terms.append(term)
        blocks = [f"VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}"] if names else []
        blocks += [self._values_block(name, raws) for name, raws in many.items()]
        return self._with_values(text, blocks) if blocks else text

    def _with_values(self, text: str, blocks: Sequence[str]) -> str:
        """``text`` with the VALUES blocks placed at the start of its first WHERE clause."""
        match = _WHERE.search(text)
        if not match:
            raise ValueError(f"{self.path}: no WHERE clause to bind parameters into")
        block = "\n  ".join(blocks)
        return f"{text[: match.end()]}\n  {block}\n{text[match.end() :]}"

    def _values_block(self, name: str, values: Sequence[str]) -> str:
        """``VALUES ?name { … }``: one parameter bound to many values, each checked for its type."""
        param = next((p for p in self.params if p.name == name), None)
        if param is None:
            raise UserError(f"unknown parameter {name!r} for view {self.name}")
        terms = " ".join(str(to_term(param, v, self.name)) for v in values)
        return f"VALUES ?{name} {{ {terms} }}"

    def bind_many(self, name: str, values: list[str]) -> str:
        """The query with one parameter bound to many values (e.g. every IRI on a page for labels)."""
        return self._with_values(self.text, [self._values_block(name, values)])


def to_term(param: Param, raw: str, view: str) -> ox.NamedNode | ox.Literal:
    """A typed RDF term for a parameter value, or a UserError saying what was expected."""
    if len(raw) > MAX_VALUE_LENGTH:
        raise UserError(
            f"parameter {param.name!r} of view {view} is {len(raw)} characters long; "
            f"at most {MAX_VALUE_LENGTH} allowed"
        )
    if param.type == "iri":
        if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:[^\s<>\"{}|\\^`]*$", raw):
            raise UserError(
                f"parameter {param.name!r} of view {view} must be an absolute IRI, got {raw!r}"
            )
        try:
            return ox.NamedNode(raw)
        except ValueError as e:
            raise UserError(
                f"parameter {param.name!r} of view {view}: {raw!r} is not an IRI ({e})"
            ) from e
    if param.type == "date":
        try:
            return ox.Literal(parse_date(raw).isoformat(), datatype=ox.NamedNode(XSD + "date"))
        except ValueError as e:
            raise UserError(
                f"parameter {param.name!r} of view {view} must be a date like 2023-06-30 or "
                f"30.06.2023, got {raw!r}"
            ) from e
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d{1,18}", raw.strip()):
            raise UserError(
                f"parameter {param.name!r} of view {view} must be an integer, got {raw!r}"
            )
        return ox.Literal(str(int(raw)), datatype=ox.NamedNode(XSD + "integer"))
    if "\x00" in raw:
        raise UserError(f"parameter {param.name!r} of view {view} contains a NUL character")
    return ox.Literal(raw)


def parse_date(raw: str) -> date:
    """A date written as ISO (2023-06-30) or the German way (30.06.2023); ValueError otherwise."""
    german = _GERMAN_DATE.fullmatch(raw.strip())
    if german:
        day, month, year = (int(x) for x in german.groups())
        return date(year, month, day)
    return date.fromisoformat(raw.strip())


def _column(value: str, where: str) -> Column:
    """`name  Deutsch | English  -> link_column` of a `# column:` line, or `=> view?param={column}`
    for cells that lead to another view filtered by the row's values."""
    value, _, view_link = value.partition("=>")
    head, _, link = value.partition("->")
    name, _, labels = head.strip().partition(" ")
    de, bar, en = labels.partition("|")
    if not name or not bar or not de.strip() or not en.strip():
        raise ValueError(
            f"{where}: expected '# column: name  Deutsch | English [-> link_column | => view?p={{column}}]', "
            f"found {value!r}"
        )
    return Column(name, de.strip(), en.strip(), link.strip() or None, view_link.strip() or None)


def parse(path: Path) -> NamedQuery:
    """Read one `.rq` file and its header; a malformed header names the file and line."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {
        "title": "",
        "title_en": "",
        "description": "",
        "description_en": "",
        "example": "",
        "entry": "",
    }
    params: list[Param] = []
    columns: list[Column] = []
    last = ""
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if m:
            key, value = m.group(1), m.group(2).strip()
            last = key
            if key == "param":
                parts = value.split(None, 2)
                kind, _, lookup = parts[1].partition(":") if len(parts) > 1 else ("", "", "")
                if len(parts) < 2 or kind not in PARAM_TYPES:
                    raise ValueError(
                        f"{path}:{lineno}: expected '# param: name type[:lookup] meaning' with type "
                        f"one of {', '.join(PARAM_TYPES)}, found {value!r}"
                    )
                help_text = parts[2] if len(parts) > 2 else ""
                default = None
                dm = re.search(r"\(default:\s*([^)]+)\)", help_text)
                if dm:
                    default = dm.group(1).strip()
                constant = help_text.rstrip().endswith("(constant)")
                params.append(Param(parts[0], kind, help_text, default, lookup or None, constant))
            elif key == "column":
                columns.append(_column(value, f"{path}:{lineno}"))
            else:
                fields[key] = value
        elif last in ("description", "title", "description_en", "title_en") and line.startswith(
            "#  "
        ):
            fields[last] += " " + line[1:].strip()
    return NamedQuery(
        name=path.stem,
        title=fields["title"] or path.stem,
        description=fields["description"],
        params=tuple(params),
        example=fields["example"],
        text=text,
        path=path,
        title_en=fields["title_en"],
        description_en=fields["description_en"],
        columns=tuple(columns),
        entry=fields["entry"],
    )


@cache
def _load_dir(directory: Path, mtime_key: tuple[tuple[str, float], ...]) -> dict[str, NamedQuery]:
    return {p.stem: parse(p) for p in sorted(directory.glob("*.rq"))}


RECHECK_S = 1.0  # how often a folder's files are looked at again for changes
_checked: dict[Path, tuple[float, dict[str, NamedQuery]]] = {}


def load_queries(directory: Path | str = QUERIES_DIR) -> dict[str, NamedQuery]:
    """All named views of a folder, re-read when a file changes (seen within `RECHECK_S`: a
    request asks for them several times, and listing and stating every file each time was
    0.1-0.3 ms a call)."""
    directory = Path(directory)
    now = time.monotonic()
    seen = _checked.get(directory)
    if seen is not None and now - seen[0] < RECHECK_S:
        return seen[1]
    key = tuple((p.name, p.stat().st_mtime) for p in sorted(directory.glob("*.rq")))
    queries = _load_dir(directory, key)
    _checked[directory] = (now, queries)
    return queries


def get_query(name: str, directory: Path | str = QUERIES_DIR) -> NamedQuery:
    queries = load_queries(directory)
    if name not in queries:
        raise UserError(
            f"no view named {name!r}; available: {', '.join(sorted(queries))}", status=404
        )
    return queries[name]
