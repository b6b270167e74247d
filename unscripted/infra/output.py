"""Keep the published directory to what readers need.

* A plain ``sphinx-build -b html . OUT`` caches doctrees in ``OUT/.doctrees``,
  which would be uploaded with the site. Whenever the cache would be inside the
  output, it moves next to it instead, as ``OUT.doctrees``.
* Sphinx creates ``_sources/`` even when ``html_copy_source`` is off; an empty
  one is removed.
* Sphinx's incremental search index keeps words that no page holds any more;
  they are dropped, so that it equals a clean build's.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

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


def drop_empty_search_terms(app: Sphinx) -> list:
    """Sphinx's incremental search index keeps words whose pages no longer contain
    them, with no pages; a clean build has no such words. Drop them before the
    index is written (html-collect-pages runs just before that). ``_mapping`` is
    private: this works around the bug in Sphinx 9.0's ``IndexBuilder.prune``."""
    indexer = getattr(app.builder, "indexer", None)
    for mapping in (getattr(indexer, "_mapping", {}), getattr(indexer, "_title_mapping", {})):
        for word in [word for word, pages in mapping.items() if not pages]:
            del mapping[word]
    return []
