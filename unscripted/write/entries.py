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
from babel.numbers import format_decimal
from markupsafe import Markup
from sphinx.application import Sphinx
from sphinx.util import logging

from unscripted.core.dates import machine_date
from unscripted.core.html_policy import source_line
from unscripted.core.languages import direction
from unscripted.core.model import Collection
from unscripted.core.text import Length
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
    updated_iso: str | None  # when the essay was revised (a later day than it was published)
    updated_text: str | None
    minutes: int
    length_text: str  # "1,200 words", "430 characters"
    summary: Markup
    language: str | None  # the essay's, where it differs from the site's (its title and summary)
    direction: str | None  # "rtl" where it is written right to left
    categories: tuple[Link, ...]
    tags: tuple[Link, ...]
    status: str  # "published"; "draft" or "scheduled" in preview only
    site_language: str  # for the byline's own words, inside an essay in another language
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


@functools.lru_cache(maxsize=8192)  # an essay's length is written on every listing it is in
def length_text(length: Length, language: str) -> str:
    """ "1,200 words", "430 characters", or both, numbers written as *language* writes them."""
    parts = []
    if length.words or not length.characters:
        parts.append(f"{format_decimal(length.words, locale=language)} word{'' if length.words == 1 else 's'}")
    if length.characters:
        plural = "" if length.characters == 1 else "s"
        parts.append(f"{format_decimal(length.characters, locale=language)} character{plural}")
    return ", ".join(parts)


def entry(app: Sphinx, docname: str, page: str) -> Entry:
    """Essay *docname* as shown on *page*."""
    site, builder, config = site_of(app), app.builder, app.config
    essay = site.essays[docname]
    site_language = config.language or "en"
    language = essay.source.language or site_language
    updated = essay.source.updated
    revised = updated is not None and updated.date() > essay.date.date()
    if essay.source.description:
        summary = Markup("<p>{}</p>").format(essay.source.description)
    else:
        summary = Markup(rebase(essay.excerpt_html, builder.get_target_uri(docname), builder.get_target_uri(page)))
    link = essay.source.external_link
    return Entry(
        title=essay.title,
        url=link or relative_url(app, page, docname),
        date_iso=machine_date(essay.date),
        date_text=human_date(essay.date.date(), site_language),
        updated_iso=machine_date(updated) if revised else None,
        updated_text=human_date(updated.date(), site_language) if revised else None,
        minutes=essay.length.minutes(config.unscripted_words_per_minute, config.unscripted_characters_per_minute),
        length_text=length_text(essay.length, site_language),
        summary=summary,
        language=language if language != site_language else None,
        direction="rtl" if direction(language) == "rtl" else None,
        categories=links(app, page, site.collections_of(docname, "category")),
        tags=links(app, page, site.collections_of(docname, "tags")),
        status=essay.status(build_state(app).now),
        site_language=site_language,
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
