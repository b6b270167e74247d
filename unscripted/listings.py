"""Listing pages (all essays, tags, categories, authors, years) and the home page's latest essays.

Replaces ABlog's page generator, which always publishes a drafts page, renders
every excerpt again for every page, writes markup that does not validate and
puts every essay on one page. The pages keep ABlog's names and URLs
(``essays/tag/<slug>`` and so on) and its template names, which
``_templates/ablog/`` owns so that they render inside Furo's layout. Long
listings are split into pages of ``unscripted_page_size`` essays; page 1 keeps
the listing's own URL, page N is ``<listing>/page/N``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ablog.blog import Blog, Catalog, Collection, Post
from babel.dates import format_date
from docutils import nodes
from docutils.parsers.rst import directives
from markupsafe import Markup
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from unscripted import __version__
from unscripted.feeds import feed_links
from unscripted.fragments import rebase
from unscripted.incremental import Fingerprints, latest_counts, site_digest
from unscripted.posts import PostRecord, published_blog, publishing, records


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Entry:
    """One essay as a list shows it."""

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


@dataclass(frozen=True)
class Pagination:
    number: int
    count: int
    newer: str | None  # URL of the previous page (newer essays)
    older: str | None  # URL of the next page (older essays)
    first: str


def human_date(app: Sphinx, record: PostRecord) -> str:
    return _human_date(record.date.date(), app.config.language or "en")


@functools.lru_cache(maxsize=4096)
def _human_date(date, language: str) -> str:
    # Babel, not strftime: month names must not follow the build machine's locale.
    return format_date(date, "d MMMM y", locale=language)


def relative_url(app: Sphinx, page: str, docname: str) -> str:
    """``builder.get_relative_uri``, remembered: listings ask for the same links thousands of times."""
    cache = app.__dict__.setdefault("unscripted_relative_urls", {})
    key = (page, docname)
    if key not in cache:
        cache[key] = app.builder.get_relative_uri(page, docname)
    return cache[key]


def entry(app: Sphinx, post: Post, record: PostRecord, page: str) -> Entry:
    builder = app.builder

    def links(collections) -> tuple[Link, ...]:
        return tuple(Link(c.name, relative_url(app, page, c.docname)) for c in collections)

    if record.source.description:
        summary = Markup("<p>{}</p>").format(record.source.description)
    else:
        summary = Markup(
            rebase(record.excerpt_html, builder.get_target_uri(post.docname), builder.get_target_uri(page))
        )
    return Entry(
        title=record.title,
        url=relative_url(app, page, post.docname),
        date_iso=record.date.isoformat(),
        date_text=human_date(app, record),
        minutes=record.reading_minutes(app.config.unscripted_words_per_minute),
        words=record.words,
        summary=summary,
        categories=links(post.category),
        tags=links(post.tags),
        status=record.status(app.unscripted_now),
    )


def entries(app: Sphinx, posts, page: str) -> list[Entry]:
    known = records(app.env)
    return [entry(app, post, known[post.docname], page) for post in posts if post.docname in known]


def count_label(count: int) -> str:
    return f"{count} essay{'' if count == 1 else 's'}"


# -- Listing pages ------------------------------------------------------------

CATALOGS = (
    # attribute of Blog, index title, index description, title of one collection's page
    ("tags", "Tags", "Every tag used in {site}’s essays, with how many essays carry it.", "Essays tagged “{}”"),
    ("category", "Categories", "The categories of {site}’s essays, with how many essays each holds.", "Essays in {}"),
    ("author", "Authors", "The writers of {site}, with how many essays each has signed.", "Essays by {}"),
    ("archive", "Archive", "{site}, year by year: how many essays each year brought.", "Essays from {}"),
)
FEEDS_FOR = {"tags", "category"}


def page_name(listing: str, number: int) -> str:
    return listing if number == 1 else f"{listing}/page/{number}"


@dataclass(frozen=True)
class ListingPage:
    """A page to generate: its context is only built if the page must be written."""

    name: str
    template: str
    inputs: tuple  # everything the page shows, for its fingerprint
    context: Callable[[], dict]


def sidebar_widgets(app: Sphinx) -> dict[str, list[tuple[str, str]]]:
    """ABlog's sidebar widgets' contents, once per build: (name, docname) of each
    tag, category and year that has essays."""
    if getattr(app, "unscripted_widgets", None) is None:
        blog = published_blog(app)
        app.unscripted_widgets = {
            key: [(str(c.name), c.docname) for c in catalog if len(c)]
            for key, catalog in (("tags", blog.tags), ("category", blog.category), ("archive", blog.archive))
        }
    return app.unscripted_widgets


def listing_page_names(app: Sphinx) -> set[str]:
    """Every listing page of this build (for the sitemap and the clean-up)."""
    return getattr(app, "unscripted_listing_pages", set())


def listing_pages(app: Sphinx):
    """Yield (pagename, context, template) for every listing page whose content changed."""
    if not publishing(app):
        return
    blog = published_blog(app)
    fingerprints = app.unscripted_page_fingerprints = Fingerprints(app, "listings")
    shared = (site_digest(app), sidebar_widgets(app))  # the widgets are on every listing page
    app.unscripted_listing_pages = set()
    for page in all_listing_pages(app, blog):
        app.unscripted_listing_pages.add(page.name)
        target = Path(app.outdir, app.builder.get_target_uri(page.name))
        if fingerprints.changed(page.name, shared, page.inputs) or not target.is_file():
            yield page.name, page.context(), page.template


def save_fingerprints(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and hasattr(app, "unscripted_page_fingerprints"):
        app.unscripted_page_fingerprints.save()


def all_listing_pages(app: Sphinx, blog: Blog):
    yield from collection_pages(app, blog.posts, "All essays", feed=True)
    site = app.config.project
    for attribute, catalog_title, description, page_title in CATALOGS:
        catalog: Catalog = getattr(blog, attribute)
        groups = [c for c in catalog if len(c)]  # the index exists even before any essay does
        inputs = (catalog_title, [(str(g.name), g.docname, len(g)) for g in groups])

        def context(catalog=catalog, catalog_title=catalog_title, groups=groups, description=description) -> dict:
            return catalog_context(app, catalog, catalog_title, groups) | {
                "unscripted_description": description.format(site=site)
            }

        yield ListingPage(catalog.docname, "ablog/catalog.html", inputs, context)
        for collection in groups:
            yield from collection_pages(
                app, collection, page_title.format(collection.name), feed=attribute in FEEDS_FOR
            )


def collection_pages(app: Sphinx, collection: Collection, title: str, *, feed: bool):
    """One listing, split into pages: newest essays first, page 1 at the listing's own URL."""
    size = app.config.unscripted_page_size
    known = records(app.env)
    appearances = app.env.unscripted_appearances
    posts = [post for post in collection if post.docname in known]
    chunks = [posts[start : start + size] for start in range(0, len(posts), size)] or [[]]
    listing = collection.docname
    for number, chunk in enumerate(chunks, start=1):
        inputs = (title, number, len(chunks), len(posts), feed, [(p.docname, appearances[p.docname]) for p in chunk])

        def context(number=number, chunk=chunk) -> dict:
            return collection_context(app, listing, title, number, chunks, chunk, len(posts), feed=feed)

        yield ListingPage(page_name(listing, number), "ablog/collection.html", inputs, context)


def collection_context(
    app, listing: str, title: str, number: int, chunks: list, chunk: list, total: int, *, feed: bool
):
    builder = app.builder
    page = page_name(listing, number)

    def url(n: int) -> str | None:
        return builder.get_relative_uri(page, page_name(listing, n)) if 1 <= n <= len(chunks) else None

    heading = title if number == 1 else f"{title}, page {number} of {len(chunks)}"
    newer, older = url(number - 1), url(number + 1)
    return {
        "title": heading,
        "unscripted_description": f"{heading}: {count_label(total)} in {app.config.project}, newest first.",
        "entries": entries(app, chunk, page),
        "unscripted_pagination": Pagination(number, len(chunks), newer, older, url(1)) if len(chunks) > 1 else None,
        "unscripted_rel_links": [(rel, u) for rel, u in (("prev", newer), ("next", older)) if u],
        "unscripted_listing": True,
        "unscripted_page_feeds": feed_links(app, listing, title) if feed else [],
    }


def catalog_context(app: Sphinx, catalog: Catalog, title: str, groups: list[Collection]) -> dict:
    page = catalog.docname
    builder = app.builder
    return {
        "title": title,
        "groups": [
            {
                "name": str(group.name),
                "url": builder.get_relative_uri(page, group.docname),
                "count": count_label(len(group)),
            }
            for group in groups
        ],
        "unscripted_listing": True,
    }


# -- The home page's latest essays ---------------------------------------------


class latest_essays(nodes.General, nodes.Element):
    """Placeholder, replaced by the list once every essay has been read."""


class LatestEssays(SphinxDirective):
    """``{latest-essays}`` with ``:count:``: the newest essays with their excerpts."""

    option_spec: ClassVar[dict] = {"count": directives.positive_int}

    def run(self) -> list[nodes.Node]:
        node = latest_essays(count=self.options.get("count", 5))
        self.set_source_info(node)
        counts = latest_counts(self.env)  # this page must be rewritten when those essays change
        counts[self.env.docname] = max(counts.get(self.env.docname, 0), node["count"])
        return [node]


def fill_latest_essays(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    placeholders = list(doctree.findall(latest_essays))
    if not placeholders:
        return
    if not publishing(app):
        for node in placeholders:
            node.replace_self([])
        return
    blog: Blog = published_blog(app)
    for node in placeholders:
        html = app.builder.templates.render(
            "unscripted/essay-list.html",
            {
                "entries": entries(app, list(blog.posts)[: node["count"]], docname),
                "heading_level": 3,
                "all_url": app.builder.get_relative_uri(docname, blog.posts.docname),
            },
        )
        node.replace_self(nodes.raw("", html, format="html"))


def setup(app: Sphinx) -> dict:
    app.setup_extension("unscripted.posts")
    app.add_config_value("unscripted_page_size", 10, "html", types=frozenset({int}))
    # ABlog's own generators are replaced by ours (see the module docstring).
    for listener in list(app.events.listeners["html-collect-pages"]):
        if getattr(listener.handler, "__module__", "") == "ablog.post":
            app.disconnect(listener.id)
    app.connect("html-collect-pages", listing_pages)
    app.connect("build-finished", save_fingerprints)
    app.add_directive("latest-essays", LatestEssays)
    app.add_node(latest_essays)
    app.connect("doctree-resolved", fill_latest_essays)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
