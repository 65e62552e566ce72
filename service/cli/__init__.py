"""The `ratsgraph` command: demo, serve, load, import-oparl, extract, explain, query, validate, check, export,
reindex, search.

Exit codes: 0 done, 1 checks found violations, 2 bad input (a file that did not load, a bad argument).
"""

from __future__ import annotations

from service.cli import data, inspect, search, serving  # noqa: F401 - each registers its commands
from service.cli.common import cli

__all__ = ["cli", "main"]


def main() -> None:
    cli(prog_name="ratsgraph")
