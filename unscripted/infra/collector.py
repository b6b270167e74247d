"""Python's cycle collector, paced for reading a site of thousands of documents.

By default the collector runs every 700 new objects, and every hundred runs it
walks every object alive. With ``-j``, Sphinx's main process unpickles a whole
environment back from each child that read a chunk (45 times at 10,000
essays), millions of objects each time: each took 3.3 s, 2.4 of them in the
collector walking the same long-lived environment over and over. Run every
10,000 new objects, it takes 0.9 s (at 3,000 essays the main process spent
9.7 s unpickling instead of 20.6). Cycles are still collected, a little later.

Only the main process, and only while the sources are read: a forked worker
goes back to Python's own pace, since it makes and drops one doctree after
another, and there cycles must go soon (at the slower pace a reading worker
held 355 MB instead of 115); and writing, where the main process resolves a
doctree after another too, was slower at the slower pace (61 s instead of 43
at 3,000 essays). Put back after reading, and at the end of a build that stops
while reading, for whatever runs Sphinx in its own process (tests, ``sphinx-autobuild``).
"""

from __future__ import annotations

import gc
import os

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

THRESHOLDS = (10_000, 10, 10)  # new objects before a young pass; young passes before an older one, twice
_outside: tuple[int, ...] | None = None  # Python's pace, while the main process reads at ours


def _forked_child() -> None:
    if _outside is not None:
        gc.set_threshold(*_outside)


os.register_at_fork(after_in_child=_forked_child)


def pace_for_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Only when the documents are read in workers (as Sphinx decides: ``-j``, more than 5)."""
    global _outside
    if app.parallel > 1 and len(docnames) > 5 and _outside is None:
        _outside = gc.get_threshold()
        gc.set_threshold(*THRESHOLDS)


def restore_pace(app: Sphinx, *_) -> None:
    """After reading (``env-updated``), or at the end of a build that stopped before."""
    global _outside
    if _outside is not None:
        gc.set_threshold(*_outside)
        _outside = None
