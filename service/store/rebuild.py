"""Rebuilding the derived facts in batches of resolutions (`ratsgraph derive`).

One update that drops and recomputes every derived fact holds all of them until it commits: at
100,000 resolutions `ratsgraph derive` peaked at 22.3 GB (a 24 GB machine). Here the store does
what every write does for the resolutions it touches (`derived.recompute_marked_update`), for a
batch of resolutions at a time: each batch is one transaction, so every resolution's facts are
either the old or the new ones, never half, and memory follows the batch, not the store. Before
the batches, whatever the derived graph holds that no resolution owns (a mark left by an
interrupted write, facts of an older shape) is dropped; after them, the shape marker is set, so
views read the rebuilt facts (`derived.FORMAT`, `derived.SHAPE`).
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from service.store.base import SelectResult
from service.store.derived import DERIVED_GRAPH, PREFIXES, SHAPE, recompute_marked_update
from service.store.witnesses import rebuild_witnesses_updates

BATCH = 2000  # resolutions per transaction; ~250 MB of changes at 100,000 resolutions
_D = f"<{DERIVED_GRAPH}>"

# every resolution with documents or with derived facts (those of a resolution gone are dropped)
RESOLUTIONS = (
    PREFIXES
    + f"""SELECT DISTINCT ?resolution WHERE {{
  {{ ?resolution a rb:Resolution }} UNION {{ GRAPH {_D} {{ ?node rbd:resolution ?resolution }} }}
}}"""
)
# what no resolution owns: neither an index graph's description nor the shape marker
_UNOWNED = f"""DELETE {{ GRAPH {_D} {{ ?s ?p ?o }} }} WHERE {{
  GRAPH {_D} {{ ?s ?p ?o }}
  FILTER (?s != {_D})
  FILTER NOT EXISTS {{ GRAPH {_D} {{ ?s rbd:resolution ?r }} }}
  FILTER NOT EXISTS {{ GRAPH {_D} {{ ?s a ?kind }} }}
}}"""
_SHAPE = f"""DELETE WHERE {{ GRAPH {_D} {{ {_D} rbd:format ?f }} }} ;
INSERT DATA {{ GRAPH {_D} {{ {SHAPE} }} }}"""


def batch_update(resolutions: list[str]) -> str:
    """The derived facts of these resolutions recomputed in one transaction: marked, as a write
    marks those it touches, then recomputed (IRIs validated by pyoxigraph)."""
    marks = " ".join(f"{ox.NamedNode(r)} rbd:stale true ." for r in resolutions)
    return PREFIXES + f"INSERT DATA {{ GRAPH {_D} {{ {marks} }} }} ;\n" + recompute_marked_update()


def rebuild_in_batches(
    select: Callable[[str], SelectResult],
    update: Callable[[str], None],
    batch: int = BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Rebuild the witnesses, then the derived facts ``batch`` resolutions per transaction;
    ``progress(done, total)`` after each batch. Returns how many resolutions were rebuilt."""
    for text in rebuild_witnesses_updates(select):  # first: a point's status follows them
        update(text)
    update(PREFIXES + _UNOWNED)
    resolutions = sorted(row["resolution"].value for row in select(RESOLUTIONS).rows)
    for start in range(0, len(resolutions), batch):
        update(batch_update(resolutions[start : start + batch]))
        if progress is not None:
            progress(min(start + batch, len(resolutions)), len(resolutions))
    update(PREFIXES + _SHAPE)
    return len(resolutions)
