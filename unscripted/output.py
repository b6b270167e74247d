"""Keep the published directory to what readers need.

* A plain ``sphinx-build -b html . OUT`` caches doctrees in ``OUT/.doctrees``,
  which would be uploaded with the site. Whenever the cache would be inside the
  output, it moves next to it instead, as ``OUT.doctrees``.
* Sphinx creates ``_sources/`` even when ``html_copy_source`` is off; an empty
  one is removed.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from unscripted import __version__

logger = logging.getLogger(__name__)


def move_cache_out_of_output(app: Sphinx, config: Config) -> None:
    outdir, doctreedir = Path(app.outdir), Path(app.doctreedir)
    if doctreedir.is_relative_to(outdir):
        app.doctreedir = outdir.with_name(outdir.name + ".doctrees")
        logger.info("doctrees: caching in %s, outside the published %s", app.doctreedir, outdir)


def remove_empty_sources(app: Sphinx, exception: Exception | None) -> None:
    sources = Path(app.outdir, "_sources")
    if sources.is_dir() and not any(sources.iterdir()):
        sources.rmdir()


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", move_cache_out_of_output, priority=100)
    app.connect("build-finished", remove_empty_sources)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
