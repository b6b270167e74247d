"""Listing pages (all essays, tags, categories, authors, years) and the home page's latest essays.

Replaces ABlog's page generator, which always publishes a drafts page, renders
every excerpt again for every page, and writes markup that does not validate.
The pages keep ABlog's names and URLs (``essays/tag/<slug>`` and so on) and its
template names, which ``_templates/ablog/`` owns so that they render inside
Furo's layout.
"""

from __future__ import annotations

from dataclasses import dataclass

from ablog.blog import Blog, Catalog, Collection, Post
from babel.dates import format_date
from docutils import nodes
from docutils.parsers.rst import directives
from markupsafe import Markup
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from unscripted import __version__
from unscripted.feeds import feed_path
from unscripted.fragments import rebase
from unscripted.posts import PostRecord, build_now, published_blog, records


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


def human_date(app: Sphinx, record: PostRecord) -> str:
    # Babel, not strftime: month names must not follow the build machine's locale.
    return format_date(record.date.date(), "d MMMM y", locale=app.config.language or "en")


def entry(app: Sphinx, post: Post, record: PostRecord, page: str) -> Entry:
    builder = app.builder

    def links(collections) -> tuple[Link, ...]:
        return tuple(Link(c.name, builder.get_relative_uri(page, c.docname)) for c in collections)

    if record.source.description:
        summary = Markup("<p>{}</p>").format(record.source.description)
    else:
        summary = Markup(rebase(record.excerpt_html, builder.get_target_uri(post.docname), builder.get_target_uri(page)))
    return Entry(
        title=record.title,
        url=builder.get_relative_uri(page, post.docname),
        date_iso=record.date.isoformat(),
        date_text=human_date(app, record),
        minutes=record.reading_minutes(app.config.unscripted_words_per_minute),
        words=record.words,
        summary=summary,
        categories=links(post.category),
        tags=links(post.tags),
        status=record.status(build_now(app.config)),
    )


def entries(app: Sphinx, posts, page: str) -> list[Entry]:
    known = records(app.env)
    return [entry(app, post, known[post.docname], page) for post in posts if post.docname in known]


# -- Listing pages ------------------------------------------------------------

CATALOGS = (
    # attribute of Blog, index title, index description, title of one collection's page
    ("tags", "Tags", "Every tag used in {site}, with its essays.", "Essays tagged “{}”"),
    ("category", "Categories", "The categories of {site}’s essays.", "Essays in {}"),
    ("author", "Authors", "The writers of {site}.", "Essays by {}"),
    ("archive", "Archive", "Every essay in {site}, year by year.", "Essays from {}"),
)
FEEDS_FOR = {"tags", "category"}


def listing_pages(app: Sphinx):
    """Yield (pagename, context, template) for every listing page."""
    if app.builder.format != "html":
        return
    blog = published_blog(app)
    all_posts = blog.posts
    site = app.config.project
    yield (
        all_posts.docname,
        collection_context(app, all_posts, "All essays", feed=feed_path(all_posts)),
        "ablog/collection.html",
    )
    for attribute, catalog_title, description, page_title in CATALOGS:
        catalog: Catalog = getattr(blog, attribute)
        groups = [c for c in catalog if len(c)]
        if not groups:
            continue
        context = catalog_context(app, catalog, catalog_title, groups)
        context["unscripted_description"] = description.format(site=site)
        yield (catalog.docname, context, "ablog/catalog.html")
        for collection in groups:
            feed = feed_path(collection) if attribute in FEEDS_FOR else None
            yield (
                collection.docname,
                collection_context(app, collection, page_title.format(collection.name), feed=feed),
                "ablog/collection.html",
            )


def collection_context(app: Sphinx, collection: Collection, title: str, *, feed: str | None) -> dict:
    page = collection.docname
    site = app.config.project
    return {
        "title": title,
        "unscripted_description": f"{title} — {site}, newest first: {len(collection)} essay{'s' if len(collection) != 1 else ''}.",
        "entries": entries(app, collection, page),
        "unscripted_listing": True,
        "unscripted_page_feed": {"path": feed, "title": f"{app.config.blog_title}: {title}"} if feed else None,
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
                "count": len(group),
                "entries": entries(app, group, page) if catalog.name == "archive" else [],
            }
            for group in catalog
            if len(group)
        ],
        "unscripted_listing": True,
    }


# -- The home page's latest essays ---------------------------------------------


class latest_essays(nodes.General, nodes.Element):
    """Placeholder, replaced by the list once every essay has been read."""


class LatestEssays(SphinxDirective):
    """``{latest-essays}`` with ``:count:``: the newest essays with their excerpts."""

    option_spec = {"count": directives.positive_int}

    def run(self) -> list[nodes.Node]:
        node = latest_essays(count=self.options.get("count", 5))
        self.set_source_info(node)
        return [node]


def fill_latest_essays(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    placeholders = list(doctree.findall(latest_essays))
    if not placeholders:
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
    # ABlog's own generators are replaced by ours (see the module docstring).
    for listener in list(app.events.listeners["html-collect-pages"]):
        if getattr(listener.handler, "__module__", "") == "ablog.post":
            app.disconnect(listener.id)
    app.connect("html-collect-pages", listing_pages)
    app.add_directive("latest-essays", LatestEssays)
    app.add_node(latest_essays)
    app.connect("doctree-resolved", fill_latest_essays)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}

