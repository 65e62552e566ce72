"""`SETTINGS`: every setting of the service with its default and what it is for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from loader.iris import DEFAULT_BASE


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "STORE",
        "data/store",
        "Store location: a directory (embedded pyoxigraph) or a SPARQL query URL",
    ),
    Setting("UPDATE_URL", None, "SPARQL Update URL of a remote store (default: the query URL)"),
    Setting(
        "BASE_IRI", DEFAULT_BASE, "Base of every minted IRI; /id/… paths of this server serve it"
    ),
    Setting("BODY", "dresden", "Slug of the council (body) documents are loaded for"),
    Setting("QUERIES_DIR", None, "Folder of named views (*.rq); default: the project's queries/"),
    Setting("QUERY_TIMEOUT_S", 20.0, "Time limit of one SPARQL query or view, in seconds"),
    Setting(
        "MAX_ROWS", 10000, "Most rows a view or SPARQL SELECT returns; more is cut and flagged"
    ),
    Setting(
        "WRITE_TOKEN", None, "Bearer token for write requests (uploads); unset: no writes over HTTP"
    ),
    Setting(
        "MAX_QUERY_TIMEOUT_S",
        600.0,
        "Highest time limit a token holder may ask for with 'timeout=' (others may only lower it)",
    ),
    Setting(
        "MAX_CONCURRENT_QUERIES",
        4,
        "SPARQL queries running at once (each in its own process); views and pages have as many "
        "slots of their own, so runaway queries cannot take theirs",
    ),
    Setting(
        "QUERY_QUEUE",
        16,
        "SPARQL queries waiting for a slot (each within its time limit); more are refused at once "
        "(503, Retry-After); keep `serve --threads` above MAX_CONCURRENT_QUERIES + this",
    ),
    Setting(
        "STOPPABLE_QUERIES",
        True,
        "Run each query in a child process killed at its time limit; false: in the request thread, "
        "where a query past its limit cannot be stopped (only for comparison or without fork)",
    ),
    Setting(
        "READ_WORKERS",
        True,
        "Run the reads of views and pages in a warm worker process, kept until the data changes "
        "and stopped like a child at the time limit; false: each read in a child of its own",
    ),
    Setting(
        "PROVEN_FAST_S",
        1.0,
        "A read that finished within this many seconds in a child process runs in the request "
        "thread the next time, until the data changes (saves the fork; 0: always a child)",
    ),
    Setting(
        "QUERY_MEMORY_MB",
        1024,
        "Memory a query's child process may allocate beyond what it inherited, in MB; past it the "
        "query is stopped (503); 0: no limit",
    ),
    Setting(
        "SERVICE_ALLOWLIST",
        "",
        "SPARQL endpoints (IRIs apart by spaces or commas) a /sparql query may ask with SERVICE; "
        "empty: SERVICE is refused (400), so the endpoint sends no requests elsewhere",
    ),
    Setting("MAX_QUERY_LENGTH", 100_000, "Longest SPARQL query accepted, in characters"),
    Setting(
        "MAX_UPLOAD_BYTES", 50_000_000, "Largest request body (document upload) accepted, in bytes"
    ),
    Setting("BACKUP_DIR", None, "Folder for backups made with POST /api/backup; unset: disabled"),
    Setting("PAGE_SIZE", 50, "Links per property shown on a resource page before paging"),
    Setting(
        "PROXY_HOPS",
        0,
        "Reverse proxies in front of the service whose X-Forwarded-* headers are trusted (0: none)",
    ),
    Setting(
        "CACHE_MAX_AGE", 300, "Seconds clients and proxies may reuse a GET answer (Cache-Control)"
    ),
    Setting(
        "DATASET_TITLE",
        "Ratsbeschlüsse Dresden",
        "Title of the dataset in its DCAT/VoID description",
    ),
    Setting("PUBLISHER", "ratsgraph", "Publisher named in the dataset description (dct:publisher)"),
    Setting(
        "LICENSE",
        "http://dcat-ap.de/def/licenses/dl-by-de/2.0",
        "Licence IRI of the data (default: Datenlizenz Deutschland Namensnennung 2.0)",
    ),
    Setting(
        "VIEW_CACHE_SIZE",
        128,
        "Answers of views kept per state of the store (0: off); never for a remote store",
    ),
    Setting(
        "VIEW_CACHE_ROWS",
        50_000,
        "Rows of view answers kept in all (about 3 KB each); an answer the size of the row cap "
        "is kept whole, so its pages cost a slice",
    ),
    Setting(
        "VIEW_REFRESH",
        16,
        "After a write, this many of the most recently asked view answers are computed again in "
        "the background (0: none), so the next visitor does not wait for them",
    ),
    Setting(
        "VIEW_STALE_AFTER_S",
        0.05,
        "After a write, a view whose last computation took longer than this many seconds is "
        "answered at once from its previous answer, marked stale, while the new one is computed "
        "(0: always wait; a request with Cache-Control: no-cache waits)",
    ),
    Setting(
        "VIEW_WARM",
        True,
        "When a server starts, compute every view's answer without parameters and for its "
        "example in the background, so its first visitors do not wait for them",
    ),
    Setting(
        "EXTRACT_TIMEOUT_S",
        120.0,
        "Time limit for reading one uploaded document, in seconds; it runs in a child process "
        "stopped at the limit, and the upload is refused (422)",
    ),
)


def defaults() -> dict[str, Any]:
    return {s.name: s.default for s in SETTINGS}
