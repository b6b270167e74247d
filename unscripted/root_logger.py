"""Make warnings logged on Python's root logger count as Sphinx warnings.

ABlog reports some problems with ``logging.warning(...)``, which bypasses
Sphinx's logging, so ``-W`` never sees them. During a build we forward those
records to Sphinx, where ``-W`` turns them into a failed build.
"""

from __future__ import annotations

import logging as stdlib_logging

from sphinx.application import Sphinx
from sphinx.util import logging

from unscripted import __version__

logger = logging.getLogger("root-logger")


class ForwardToSphinx(stdlib_logging.Handler):
    """Re-log root-logger records (not named loggers) as Sphinx warnings."""

    def __init__(self) -> None:
        super().__init__(level=stdlib_logging.WARNING)

    def filter(self, record: stdlib_logging.LogRecord) -> bool:
        return record.name == "root"

    def emit(self, record: stdlib_logging.LogRecord) -> None:
        logger.warning("%s (logged by %s:%d)", record.getMessage(), record.pathname, record.lineno, type="root-logger")


def install(app: Sphinx) -> None:
    handler = ForwardToSphinx()
    stdlib_logging.getLogger().addHandler(handler)
    app.connect("build-finished", lambda app, exc: stdlib_logging.getLogger().removeHandler(handler), priority=900)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", install)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
