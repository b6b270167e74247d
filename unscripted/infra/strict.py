"""Unscripted's builds are strict however they are started.

* Every warning fails the build, also for a plain ``sphinx-build`` without
  ``-W`` (as Read the Docs and most people run it): the exit status is 1, and
  the next build starts afresh, so the warnings cannot be skipped over.
* Some libraries (ABlog among them) report problems with ``logging.warning(...)``
  on Python's root logger, which bypasses Sphinx, so ``-W`` never sees them.
  During a build those records are forwarded to Sphinx as warnings.
* A problem in a writer's file stops the build with ``file:line: ERROR: ...``
  and nothing else (``stop_build``).
* Sphinx's own messages (a missing cross-reference, a duplicate label) name
  files relative to the project, like ours, not by the build machine's paths.
* No Python traceback reaches a writer: an unexpected failure while a page is
  read or written becomes one error naming the page (``guarded``), and the
  build fails without publishing.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import logging as stdlib_logging
import os
import posixpath
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import SphinxError
from sphinx.util import logging

from unscripted.core.html_policy import excerpt
from unscripted.core.problems import Problem, problems_summary

logger = logging.getLogger(__name__)


class ForwardToSphinx(stdlib_logging.Handler):
    """Re-log root-logger records (not named loggers) as Sphinx warnings."""

    def __init__(self) -> None:
        super().__init__(level=stdlib_logging.WARNING)

    def filter(self, record: stdlib_logging.LogRecord) -> bool:
        return record.name == "root"

    def emit(self, record: stdlib_logging.LogRecord) -> None:
        logger.warning("%s (logged by %s:%d)", record.getMessage(), record.pathname, record.lineno, type="root-logger")


class RelativePaths(stdlib_logging.Filter):
    """Names files relative to the project in every message Sphinx prints."""

    def __init__(self, root: str) -> None:
        super().__init__()
        self.prefix = root.rstrip(os.sep) + os.sep

    def filter(self, record: stdlib_logging.LogRecord) -> bool:
        location = getattr(record, "location", None)
        if isinstance(location, str):
            record.location = location.replace(self.prefix, "")
        if isinstance(record.args, dict):
            record.args = {key: self.relative(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(self.relative(arg) for arg in record.args)
        record.msg = self.relative(record.msg)
        return True

    def relative(self, value: object) -> object:
        return value.replace(self.prefix, "") if isinstance(value, str) else value


class Quiet(stdlib_logging.Filter):
    """Leaves out two lines of every build that tell a writer nothing: MyST's dump of its
    whole configuration, and Sphinx's "configuration has changed" when the only change is
    Furo's ``pygments_dark_style`` (registered after Sphinx compares configurations, so
    it looks new to every build; nothing is re-read for it)."""

    def filter(self, record: stdlib_logging.LogRecord) -> bool:
        message = str(record.msg)
        if record.name.startswith("sphinx.myst_parser") and "myst v" in message:
            return False
        return not (message.startswith("The configuration has changed") and record.args == ("pygments_dark_style",))


class SuggestDocuments(stdlib_logging.Filter):
    """A link to a page that does not exist ends with the existing page it most likely meant."""

    MISSING = re.compile(r"(?:cross-reference target not found|unknown document): '([^']+)'")

    def __init__(self, app: Sphinx) -> None:
        super().__init__()
        self.app = app

    def filter(self, record: stdlib_logging.LogRecord) -> bool:
        message = stdlib_logging.LogRecord.getMessage(record)  # without Sphinx's location and type
        missing = self.MISSING.search(message)
        env = getattr(self.app, "env", None)
        if missing and env is not None:
            wanted = posixpath.basename(missing[1]).removesuffix(".md").lower()
            documents = {posixpath.basename(docname): docname for docname in sorted(env.found_docs)}
            close = difflib.get_close_matches(wanted, documents, n=1, cutoff=0.6)
            if close:
                record.msg, record.args = f"{message}; did you mean {documents[close[0]]}.md?", ()
        return True


def name_files_relative_to_the_project(app: Sphinx, config: object = None) -> None:
    """Sphinx has turned locations into paths by the time our filters, added last, run."""
    relative, suggest = RelativePaths(str(app.srcdir)), SuggestDocuments(app)
    for handler in stdlib_logging.getLogger("sphinx").handlers:  # Sphinx's own namespace
        handler.addFilter(relative)
        handler.addFilter(suggest)
        handler.addFilter(Quiet())


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
    problems = list(dict.fromkeys(problems))  # one message per mistake (MyST splits <b>…</b> in two)
    for problem in problems:
        logger.error(problem.message, location=f"{problem.path}:{problem.line or 1}")
    logger.error("%s; %s.", problems_summary(problems), outcome)
    raise SystemExit(1)


# -- No traceback reaches a writer ------------------------------------------------------------

# What each event's handlers do, for the one message a failure gets.
DOING = {
    "doctree-read": "read",
    "doctree-resolved": "prepare",
    "html-page-context": "write",
    "missing-reference": "resolve a link in",
}


def guarded(event: str, handler: Callable) -> Callable:
    """*handler*, whose unexpected failure becomes one error naming the page, not a crash report.

    The build then fails like any other (nothing is published); the writer learns
    which essay was being handled and that the fault is not theirs to fix."""

    def failed(app: Sphinx, args: tuple, error: Exception) -> None:
        docname = _document(app, event, args)
        report_fault(error, f"{DOING.get(event, 'finish')} {docname or 'the site'}", docname)

    def iterate(app: Sphinx, args: tuple, results: Iterator) -> Iterator:
        try:
            yield from results
        except Exception as error:
            failed(app, args, error)

    @functools.wraps(handler)
    def run(app: Sphinx, *args):
        try:
            result = handler(app, *args)
        except (SystemExit, KeyboardInterrupt, SphinxError):
            raise
        except Exception as error:
            failed(app, args, error)
            return [] if event in {"html-collect-pages", "env-updated", "env-get-outdated"} else None
        return iterate(app, args, result) if inspect.isgenerator(result) else result

    return run


def _document(app: Sphinx, event: str, args: tuple) -> str | None:
    if event == "doctree-read":
        return app.env.docname
    if event == "doctree-resolved":
        return args[1]
    if event == "html-page-context":
        return args[0]
    return None


def report_fault(error: BaseException, doing: str, docname: str | None) -> None:
    logger.error(
        "Unscripted could not %s (%s: %s). This is a fault in Unscripted, not in the writing: "
        "please report it with this message.",
        doing,
        type(error).__name__,
        excerpt(str(error)),
        location=(docname, None) if docname else None,
    )


def guard_page_writer(app: Sphinx) -> None:
    """A page that fails to render (in Sphinx, docutils or a theme) is one error, not a crash."""
    write_doc = app.builder.write_doc

    @functools.wraps(write_doc)
    def write(docname: str, doctree) -> None:
        try:
            write_doc(docname, doctree)
        except (SystemExit, KeyboardInterrupt, SphinxError):
            raise
        except Exception as error:
            report_fault(error, f"write {docname}", docname)

    app.builder.write_doc = write
