"""The published folder: updated whole or not at all, and holding only what readers need.

* Nothing half-published: Sphinx writes into ``OUT.staging``; only when the
  whole build succeeds (no error, no warning) is ``OUT`` made to hold exactly
  what the staging folder holds, copying only the files that changed. A failed
  build, however it is started (``make html``, a plain ``sphinx-build``, Read
  the Docs), leaves the published site as it was.
* A plain ``sphinx-build -b html . OUT`` caches doctrees in ``OUT/.doctrees``,
  which would be uploaded with the site. Whenever the cache would be inside the
  output, it moves next to it instead, as ``OUT.doctrees``.
* Sphinx creates ``_sources/`` even when ``html_copy_source`` is off; an empty
  one is removed.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from unscripted.infra.state import PerBuild

logger = logging.getLogger(__name__)


@dataclass
class Folders:
    published: Path | None = None  # the OUT that the build was asked for
    staging: Path | None = None  # where Sphinx writes
    changed: int | None = None  # files the published folder gained, lost or saw change; None: not published


folders = PerBuild(Folders)


def move_cache_out_of_output(app: Sphinx, config: Config) -> None:
    outdir, doctreedir = Path(app.outdir), Path(app.doctreedir)
    if doctreedir.is_relative_to(outdir):
        app.doctreedir = outdir.with_name(outdir.name + ".doctrees")
        logger.info("doctrees: caching in %s, outside the published %s", app.doctreedir, outdir)


def stage_output(app: Sphinx, config: Config) -> None:
    """Let Sphinx write into ``OUT.staging`` (kept between builds, so they stay incremental)."""
    published = Path(app.outdir)
    staging = published.with_name(published.name + ".staging")
    staging.mkdir(parents=True, exist_ok=True)
    folders(app).published, folders(app).staging = published, staging
    app.outdir = type(app.outdir)(staging)


def succeeded(app: Sphinx, exception: Exception | None) -> bool:
    return exception is None and app.statuscode == 0 and not getattr(app, "_warncount", 0)


def publish(app: Sphinx, exception: Exception | None) -> None:
    """The last step of a build: the staging folder becomes the published site, or nothing does."""
    paths = folders(app)
    if paths.published is None or paths.staging is None:
        return
    if not succeeded(app, exception):
        logger.error("Nothing was published: %s is as it was before this build.", paths.published)
        return
    paths.changed = mirror(paths.staging, paths.published)
    app.outdir = type(app.outdir)(paths.published)  # so that Sphinx's last line names it


def mirror(source: Path, target: Path) -> int:
    """Make *target* hold exactly *source*'s files; copy only those whose bytes differ
    (times are copied too), each replaced in one step. Return how many changed."""
    wanted: set[str] = set()
    changed = 0
    for directory, _, files in os.walk(source):
        relative = os.path.relpath(directory, source)
        for name in files:
            path = os.path.normpath(os.path.join(relative, name))
            wanted.add(path)
            origin, destination = os.path.join(source, path), os.path.join(target, path)
            status = os.stat(origin)
            try:
                existing = os.stat(destination)
            except FileNotFoundError:
                existing = None
            if existing and existing.st_size == status.st_size:
                if existing.st_mtime_ns == status.st_mtime_ns:
                    continue
                if _same_bytes(origin, destination):  # rewritten as it was (Sphinx's static files)
                    os.utime(destination, ns=(status.st_atime_ns, status.st_mtime_ns))
                    continue
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            partial = destination + ".unscripted-partial"
            shutil.copy2(origin, partial)
            os.replace(partial, destination)
            changed += 1
    for directory, _, files in os.walk(target, topdown=False):
        relative = os.path.relpath(directory, target)
        for name in files:
            if os.path.normpath(os.path.join(relative, name)) not in wanted:
                os.remove(os.path.join(directory, name))
                changed += 1
        if directory != str(target) and not os.listdir(directory):
            os.rmdir(directory)
    return changed


def page_file(app: Sphinx, pagename: str) -> Path:
    """The file Sphinx writes for a page: its name as written, where its URL is percent-encoded."""
    return Path(app.builder.get_outfilename(pagename))


def _same_bytes(one: str, other: str) -> bool:
    with open(one, "rb") as first, open(other, "rb") as second:
        return first.read() == second.read()


def remove_empty_sources(app: Sphinx, exception: Exception | None) -> None:
    sources = Path(app.outdir, "_sources")
    if sources.is_dir() and not any(sources.iterdir()):
        sources.rmdir()
