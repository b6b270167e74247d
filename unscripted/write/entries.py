"""How an essay appears on a page: the view that listings, the byline and related essays share.

Not an output itself: outputs import this module, never each other.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from babel.dates import format_date
from markupsafe import Markup
from sphinx.application import Sphinx
from sphinx.util import logging

from unscripted.core.html_policy import source_line
from unscripted.core.model import Collection
from unscripted.infra.fragments import rebase
from unscripted.infra.state import PerBuild
from unscripted.read.state import build_state, site_of

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Entry:
    """One essay as a list or a byline shows it."""

    title: str
    url: str
    date_iso: str
    date_text: str
    minutes: int
    words: int
    summary: Markup
    categories: tuple[Link, ...]
    tags: tuple[Link, ...]
    status: str  # "published"; "draft" or "scheduled" in preview only
    elsewhere: str | None = None  # a link post's host: its title links there (ABlog's external_link)


@functools.lru_cache(maxsize=4096)
def human_date(date: dt.date, language: str) -> str:
    # Babel, not strftime: month names must not follow the build machine's locale.
    return format_date(date, "d MMMM y", locale=language)


# (page, target) -> relative URL: listings ask for the same links thousands of times.
_relative_urls: PerBuild[dict[tuple[str, str], str]] = PerBuild(dict)


def relative_url(app: Sphinx, page: str, docname: str) -> str:
    """``builder.get_relative_uri``, remembered for the build."""
    cache = _relative_urls(app)
    key = (page, docname)
    if key not in cache:
        cache[key] = app.builder.get_relative_uri(page, docname)
    return cache[key]


def links(app: Sphinx, page: str, collections: tuple[Collection, ...]) -> tuple[Link, ...]:
    return tuple(Link(c.name, relative_url(app, page, c.docname)) for c in collections)


def entry(app: Sphinx, docname: str, page: str) -> Entry:
    """Essay *docname* as shown on *page*."""
    site, builder = site_of(app), app.builder
    essay = site.essays[docname]
    if essay.source.description:
        summary = Markup("<p>{}</p>").format(essay.source.description)
    else:
        summary = Markup(rebase(essay.excerpt_html, builder.get_target_uri(docname), builder.get_target_uri(page)))
    link = essay.source.external_link
    return Entry(
        title=essay.title,
        url=link or relative_url(app, page, docname),
        date_iso=essay.date.isoformat(),
        date_text=human_date(essay.date.date(), app.config.language or "en"),
        minutes=essay.reading_minutes(app.config.unscripted_words_per_minute),
        words=essay.words,
        summary=summary,
        categories=links(app, page, site.collections_of(docname, "category")),
        tags=links(app, page, site.collections_of(docname, "tags")),
        status=essay.status(build_state(app).now),
        elsewhere=urlsplit(link).hostname if link else None,
    )


def entries(app: Sphinx, docnames, page: str) -> list[Entry]:
    return [entry(app, docname, page) for docname in docnames]


def report_removed(app: Sphinx, docname: str, removed: list[str], where: str) -> None:
    """What the write boundary would have removed from an essay: one error each, with the
    essay's file and, where the text can be found in it, its line. The build then fails."""
    path = app.env.doc2path(docname, base=False)
    text = Path(app.srcdir, path).read_text(encoding="utf-8") if removed else ""
    for snippet in removed[:3]:
        logger.error(
            "%s would carry %s, which the publication's HTML allowlist does not allow "
            "(no scripts, event handlers, styles, embeds or files from other sites); remove it",
            where,
            snippet,
            location=(docname, source_line(text, snippet)),
        )
