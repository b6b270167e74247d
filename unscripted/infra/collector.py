"""The cycle collector and the processes Sphinx forks to write pages.

Sphinx's parallel write forks a process for each chunk of pages. A forked
process shares its parent's memory until it writes to a page of it, and
Python's cycle collector writes to every object it walks: each full pass in a
writer made private copies of the whole inherited environment. Frozen
(``gc.freeze``) once writing starts, after one full collection, the objects
the main process holds are left out of every pass, in the main process and in
the writers alike; they are unfrozen when the build ends, for whatever runs
Sphinx in its own process (tests, ``sphinx-autobuild``).
"""

from __future__ import annotations

import gc

from sphinx.application import Sphinx
from sphinx.builders import Builder


def freeze_for_writers(app: Sphinx, builder: Builder) -> None:
    if app.parallel > 1:
        gc.collect()
        gc.freeze()


def unfreeze(app: Sphinx, exception: Exception | None) -> None:
    gc.unfreeze()
