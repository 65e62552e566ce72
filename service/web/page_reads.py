"""A page of a view asked of the store by its keys in the derived index graphs, so that its cost
follows the page, not the whole answer (whose ORDER BY needs every row, whatever the LIMIT).

A view with ``<name>-page-counts``, ``-page-keys`` and ``-page`` in ``queries/derived/`` is read in
three steps. Where each entry of the index is one row of the view (a task, a deadline, a status
assertion: `read_page_by_keys`), the page's entries are found exactly; where an entry gives any
number of rows or none (a resolution and its points' history; a point's deadline, overdue or not
as of a date: `read_page_by_dates`), whole dates of entries are looked up until they hold the
page. `service.web.views` keeps the page in the view cache like a whole answer; `read_page_at_once`
asks for all steps in one read of the store (one forked child where the store's limits fork)."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from service.queries import NamedQuery
from service.store import SelectResult
from service.store.view_cache import ViewCache
from service.web import paging

Steps = tuple[NamedQuery, NamedQuery, NamedQuery]
Select = Callable[[str], SelectResult]


def _scoped(q: NamedQuery, resolved: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in resolved.items() if k in q.param_names}


def read_page_at_once(
    cache: ViewCache,
    store: Any,
    steps: Steps,
    resolved: dict[str, str],
    page: paging.Page,
    name: str,
) -> SelectResult:
    """`read_page` as one read of the store where it can take several queries at once (a store
    under limits: `LimitedStore.read_together`, one child for all steps), else step by step.
    The steps' answers are kept in the view cache as when asked one by one (the first step's,
    the same for every page of an answer, is given from it), so the next page asks less."""
    together = getattr(store, "read_together", None)
    if together is None or not cache.applies(store):
        return read_page(lambda text: cache.select(store, text), steps, resolved, page)
    counts_text = steps[0].bind(_scoped(steps[0], resolved))
    known = {counts_text: cache.peek(store, counts_text)}
    generation = getattr(store, "generation", None)  # the state read (a write may come meanwhile)
    # a function and its arguments, not a closure: a warm worker is sent it (store/workers.py)
    read = functools.partial(
        read_remembering, steps=steps, resolved=resolved, page=page, known=known
    )
    result, asked = together(read, name)
    for text, answer, cost_s in asked:
        cache.keep(store, text, answer, cost_s, generation)
    return result


def read_remembering(
    select: Select,
    steps: Steps,
    resolved: dict[str, str],
    page: paging.Page,
    known: dict[str, SelectResult | None],
) -> tuple[SelectResult, list[tuple[str, SelectResult, float]]]:
    """`read_page`, with the answers ``known`` already given from them, and the answers it asked
    for (text, answer, seconds), for the view cache."""
    asked: list[tuple[str, SelectResult, float]] = []

    def remembered(text: str) -> SelectResult:
        held = known.get(text)
        if held is not None:
            return held
        started = time.monotonic()
        result = select(text)
        asked.append((text, result, time.monotonic() - started))
        return result

    return read_page(remembered, steps, resolved, page), asked


def read_page(
    select: Select, steps: Steps, resolved: dict[str, str], page: paging.Page
) -> SelectResult:
    """The page's rows and, when more follow, the next row (as `paging.cut` expects): by its
    entries' keys where the last step binds ``entry`` (one row each), else by whole dates."""
    read = read_page_by_keys if "entry" in steps[2].param_names else read_page_by_dates
    return read(select, steps, resolved, page)


def read_page_by_keys(
    select: Select, steps: Steps, resolved: dict[str, str], page: paging.Page
) -> SelectResult:
    """The page's rows and, when more follow, the next row (as `paging.cut` expects), in three
    steps whose cost follows the page, not the answer:

    1. ``-page-counts``: how many entries (tasks, deadlines, status assertions) in scope have each
       date, in the view's order: one scan of the dates in the derived index graphs (stored
       inline), the same for every page of one answer (and cached with it). From it, the dates
       of the page's first entry and of the one after its last, and how many entries come before
       the first date.
    2. ``-page-keys``: the entries with a date between those two and their sort keys (date, paper
       number, point number), in the view's order; the date tested first, so only these entries'
       paper and number are read (for every entry: 1.1 s at 100,000 resolutions for all actors).
    3. ``-page``: the page's entries looked up and sorted as the view sorts. Entries with the same
       sort keys (a point tasking two actors) are ordered by the view's further columns, so where
       such a run crosses the page's first or last row, the whole run is looked up and the page
       cut from it.
    """
    counts_q, keys_q, rows_q = steps

    def key(row: Any) -> tuple[str, str, str]:
        return (row["key"].value, row["paper"].value, row["number"].value)

    def rows(entries: list[str], skip: int) -> SelectResult:
        text = rows_q.bind(_scoped(rows_q, resolved), many={"entry": entries})
        return select(f"{text}\nOFFSET {int(skip)} LIMIT {int(page.size) + 1}")

    # 1. where the page lies: its first row and the one after it (which tells that more follow)
    counts = select(counts_q.bind(_scoped(counts_q, resolved))).rows
    first_row, last_row = page.offset, page.offset + page.size
    before, seen, first_date, last_date = 0, 0, None, None
    for row in counts:
        n = int(row["n"].value)
        if seen + n > first_row and seen <= last_row:
            if first_date is None:
                first_date, before = row["key"].value, seen
            last_date = row["key"].value
        seen += n
    if first_date is None or last_date is None:  # past the last row
        return rows([], 0)
    # 2. the entries of those dates; the page starts at ``at`` among them
    low, high = sorted((first_date, last_date))
    listed = select(keys_q.bind({**_scoped(keys_q, resolved), "low": low, "high": high})).rows
    at = first_row - before
    inside = listed[at : at + page.size]
    after = listed[at + page.size] if at + page.size < len(listed) else None
    if not inside:  # the index changed between the two steps (a write): nothing to show
        return rows([], 0)
    # 3. the page's entries, widened to whole runs of equal keys at either end
    start, end = at, at + len(inside)
    while start > 0 and key(listed[start - 1]) == key(inside[0]):
        start -= 1
    while end < len(listed) and key(listed[end]) == key(inside[-1]):
        end += 1
    entries = [row["entry"].value for row in listed[start:end]]
    if after is not None and key(after) != key(inside[-1]):
        entries.append(after["entry"].value)  # sorts after the page: tells that more follow
    return rows(entries, at - start)


def read_page_by_dates(
    select: Select, steps: Steps, resolved: dict[str, str], page: paging.Page
) -> SelectResult:
    """A page of a view whose index entries (a resolution, a point's deadline) give any number of
    rows each (none where a filter of the view drops them), all of them after the rows of every
    entry with an earlier date (the view sorts by that date first):

    1. ``-page-counts``: how many entries have each date, in the view's order (cached, the same
       for every page);
    2. ``-page-keys``: the entries of the first dates, as many dates as hold at least as many
       entries as the page's last row is from the start, with what the last step binds (a
       column named as its one parameter the other steps do not take: resolution, due);
    3. ``-page``: their rows, sorted as the view sorts, cut at the page's OFFSET and LIMIT.
       These are the answer's first rows, since every entry of those dates is in. Where they are
       fewer than the page needs (entries without rows), twice as many entries' dates are
       taken, until the page is full or every date is in.

    The cost follows the page's offset and how many entries the view drops, not the answer."""
    counts_q, keys_q, rows_q = steps
    counts = select(counts_q.bind(_scoped(counts_q, resolved))).rows
    dates = [(row["key"].value, int(row["n"].value)) for row in counts]
    reach = page.offset + page.size + 1  # entries to take: the page, and the row after it
    # what the keys name and the last step binds: its one parameter the others do not take
    given = set(counts_q.param_names) | set(keys_q.param_names)
    name = next(p for p in rows_q.param_names if p not in given)
    while True:
        taken, last = 0, -1  # entries of the dates taken; the last date's place
        for i, (_, n) in enumerate(dates):
            taken, last = taken + n, i
            if taken >= reach:
                break
        named: list[str] = []
        if taken:
            low, high = dates[0][0], dates[last][0]
            listed = keys_q.bind({**_scoped(keys_q, resolved), "low": low, "high": high})
            named = [row[name].value for row in select(listed).rows]
        once = list(dict.fromkeys(named))
        text = rows_q.bind(_scoped(rows_q, resolved), many={name: once})
        result = select(f"{text}\nOFFSET {int(page.offset)} LIMIT {int(page.size) + 1}")
        if len(result.rows) >= page.size + 1 or last >= len(dates) - 1:
            return result
        reach *= 2  # entries with fewer rows than one each: more dates
