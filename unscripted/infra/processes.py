"""Work on many items, in as many processes as the build has (``-j``), as Sphinx writes pages.

Used where a clean build does one thing per essay after Sphinx's own parallel
writing ends, in the main process, while the other cores idle: the e-books
(``write.epub``), the listing pages (``write.listings``). Sphinx's own
``ParallelTasks`` forks the workers (they inherit the build as it is), relays
their log messages, and fails the build if one fails.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from sphinx.application import Sphinx
from sphinx.util.parallel import ParallelTasks, make_chunks, parallel_available

Item = TypeVar("Item")
Result = TypeVar("Result")


def in_processes(
    app: Sphinx, items: Sequence[Item], work: Callable[[list[Item]], list[Result]], *, from_count: int
) -> list[Result]:
    """``work`` over *items*, in chunks, each in a forked process when there are at least
    *from_count* items and the build runs in more than one (fewer are done faster than a
    process is forked); the chunks' results, together."""
    if app.parallel <= 1 or not parallel_available or len(items) < from_count:
        return work(list(items))
    results: list[Result] = []
    tasks = ParallelTasks(app.parallel)
    for chunk in make_chunks(list(items), app.parallel):
        tasks.add_task(work, chunk, lambda _chunk, found: results.extend(found))
    tasks.join()
    return results
