"""Unscripted's builds are strict however they are started.

* Every warning fails the build, also for a plain ``sphinx-build`` without
  ``-W`` (as Read the Docs and most people run it): the exit status is 1, and
  the next build starts afresh, so the warnings cannot be skipped over.
* Some libraries (ABlog among them) report problems with ``logging.warning(...)``
  on Python's root logger, which bypasses Sphinx, so ``-W`` never sees them.
  During a build those records are forwarded to Sphinx as warnings.
* A problem in a writer's file stops the build with ``file:line: ERROR: ...``
  and nothing else (``stop_build``).
"""

from __future__ import annotations

import logging as stdlib_logging
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from unscripted.core.problems import Problem

logger = logging.getLogger(__name__)


class ForwardToSphinx(stdlib_logging.Handler):
    """Re-log root-logger records (not named loggers) as Sphinx warnings."""

    def __init__(self) -> None:
        super().__init__(level=stdlib_logging.WARNING)

    def filter(self, record: stdlib_logging.LogRecord) -> bool:
        return record.name == "root"

    def emit(self, record: stdlib_logging.LogRecord) -> None:
        logger.warning("%s (logged by %s:%d)", record.getMessage(), record.pathname, record.lineno, type="root-logger")


FORWARDER = ForwardToSphinx()


def forward_root_logger(app: Sphinx) -> None:
    stdlib_logging.getLogger().addHandler(FORWARDER)


def stop_forwarding(app: Sphinx, exception: Exception | None) -> None:
    stdlib_logging.getLogger().removeHandler(FORWARDER)


def fail_on_warnings(app: Sphinx, exception: Exception | None) -> None:
    # Sphinx counts warnings in a private attribute; -W uses the same count
    # (and with -W, Sphinx fails the build itself).
    if exception is not None or not getattr(app, "_warncount", 0):
        return
    # Sphinx saved what it read; a rebuild would skip the pages that warned and
    # "succeed". Forget it, as Sphinx does after an exception.
    Path(app.doctreedir, "environment.pickle").unlink(missing_ok=True)
    if not getattr(app, "_fail_on_warnings", False) and app.statuscode == 0:
        logger.error("Unscripted builds are strict: the warnings above fail this build.")
        app.statuscode = 1


def stop_build(problems: list[Problem], outcome: str) -> None:
    """Report each problem as ``file:line: ERROR: ...`` and end the build before it writes.

    A raised SphinxError would bury the message under Sphinx's crash report
    (versions, traceback); a writer needs only the file, the line and the fix.
    """
    for problem in problems:
        logger.error(problem.message, location=f"{problem.path}:{problem.line or 1}")
    logger.error("%d problem(s) in the essays above; %s.", len(problems), outcome)
    raise SystemExit(1)
