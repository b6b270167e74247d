"""Listing pages (all essays, tags, categories, authors, years) and the home page's latest essays.

The pages and their names come from the site model (``core.model``: ABlog's
names and URLs, ``essays/tag/<slug>`` and so on); each long listing is split
into pages of ``unscripted_page_size`` essays (``unscripted_group_page_size``
titles for a tag, category, author or year), numbered from the oldest
(``core.model.paginated``): page N at ``<listing>/page/N`` never changes when
an essay is added, only the listing's front page does.
A page is rendered only when what it shows changed (its fingerprint), and
every excerpt was rendered once, at reading (``read.essays``). Many pages to
render (a clean build: 2,131 at ten thousand essays) are rendered in the
build's processes (``infra.processes``): Sphinx renders the pages an extension
collects one after another in its main process, after its parallel writing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from docutils import nodes
from sphinx.application import Sphinx

from unscripted.core.model import EPUB_MEDIA_TYPE, FRONT, Catalog, Collection, Site, page_name, paginated, url_path
from unscripted.infra.files import Fingerprints
from unscripted.infra.output import page_file
from unscripted.infra.processes import in_processes
from unscripted.infra.state import PerBuild
from unscripted.read.directives import latest_essays
from unscripted.read.state import build_state, publishing, site_fingerprint, site_of
from unscripted.write.entries import entries


@dataclass(frozen=True)
class Pagination:
    position: str  # where this page is, said without the number of pages (which grows)
    newer: str | None  # URL of the previous page (newer essays)
    older: str | None  # URL of the next page (older essays)


@dataclass(frozen=True)
class ListingPage:
    """A page to generate: its context is only built if the page must be written."""

    name: str
    template: str
    inputs: tuple  # everything the page shows, for its fingerprint
    context: Callable[[], dict]


def count_label(count: int) -> str:
    return f"{count} essay{'' if count == 1 else 's'}"


# The listing pages' fingerprints, saved when the build succeeds.
_fingerprints: PerBuild[list[Fingerprints]] = PerBuild(list)


PARALLEL_FROM = 100  # pages: fewer are rendered faster than a process is forked


def listing_pages(app: Sphinx) -> list:
    """Render every listing page whose content changed (``html-collect-pages``: Sphinx is
    handed none, they are written here)."""
    if not publishing(app):
        return []
    site = site_of(app)
    fingerprints = Fingerprints(app, "listings")
    _fingerprints(app).append(fingerprints)
    stale = [
        page
        for page in all_listing_pages(app, site)
        if fingerprints.changed(page.name, site_fingerprint(app), page.inputs)
        or not page_file(app, page.name).is_file()
    ]

    def render(chunk: list[ListingPage]) -> list:
        for page in chunk:
            app.builder.handle_page(page.name, page.context(), page.template)
        return []

    return in_processes(app, stale, render, from_count=PARALLEL_FROM)


def save_fingerprints(app: Sphinx, exception: Exception | None) -> None:
    if exception is None:
        for fingerprints in _fingerprints(app):
            fingerprints.save()


def all_listing_pages(app: Sphinx, site: Site) -> Iterator[ListingPage]:
    yield from collection_pages(app, site, site.all_essays, "All essays", feed=True)
    name = app.config.project
    for catalog in site.catalogs.values():
        kind = catalog.kind
        inputs = (kind.index_title, [(c.name, c.docname, len(c.essays)) for c in catalog.collections], site.widgets)

        def context(catalog=catalog) -> dict:
            description = catalog.kind.index_description.format(site=name)
            return catalog_context(app, catalog) | {"unscripted_description": description}

        yield ListingPage(catalog.docname, "unscripted/catalog.html", inputs, context)
        for collection in catalog.collections:
            title = kind.listing_title.format(collection.name)
            yield from collection_pages(app, site, collection, title, feed=kind.has_feeds)


def collection_pages(app: Sphinx, site: Site, collection: Collection, title: str, *, feed: bool):
    """One listing, split into pages: the newest essays at the listing's own URL, then
    pages numbered from the oldest (each fingerprinted by what it shows, which an added
    essay leaves alone except on the front page)."""
    now = build_state(app).now
    pages = paginated(collection.essays, site.page_size_of(collection))
    names = [page_name(collection.docname, number) for number, _ in pages]
    book = site.collected_book_path if collection == site.all_essays else None
    for at, (number, chunk) in enumerate(pages):
        shown = [(docname, site.essays[docname].appearance(now)) for docname in chunk]
        newer = names[at - 1] if at > 0 else None
        older = names[at + 1] if at + 1 < len(names) else None
        count = len(collection.essays) if number == FRONT else None  # only the front page says it
        widgets = site.widgets if number == FRONT else None  # only the front page shows them
        inputs = (title, number, newer, older, count, feed, book, shown, widgets)

        def context(name=names[at], number=number, chunk=chunk, newer=newer, older=older) -> dict:
            return collection_context(app, site, collection, title, name, number, chunk, newer, older, feed=feed)

        yield ListingPage(names[at], "unscripted/listing.html", inputs, context)


def collection_context(
    app: Sphinx,
    site: Site,
    collection: Collection,
    title: str,
    page: str,
    number: int,
    chunk: tuple[str, ...],
    newer: str | None,
    older: str | None,
    *,
    feed: bool,
) -> dict:
    builder = app.builder
    listing = collection.docname

    def url(name: str | None) -> str | None:
        return builder.get_relative_uri(page, name) if name else None

    size = site.page_size_of(collection)
    if number == FRONT:
        heading, position = title, "Newest essays"
        description = f"{title}: {count_label(len(collection.essays))} in {app.config.project}, newest first."
    else:
        span = f"essays {(number - 1) * size + 1}–{number * size}"
        heading, position = f"{title}, page {number}", f"Page {number}: {span}, counted from the first"
        description = f"{title}, page {number}: {span} of {app.config.project}, counted from the first."
    return {
        "title": heading,
        "unscripted_description": description,
        "entries": entries(app, chunk, page),
        "unscripted_pagination": Pagination(position, url(newer), url(older)) if newer or older else None,
        "unscripted_rel_links": [(rel, u) for rel, u in (("prev", url(newer)), ("next", url(older))) if u],
        # The sidebar's tags, categories and years on a listing's front page only: on the
        # numbered pages behind it (most listing pages) they were 11 of each page's 42 KB.
        "unscripted_shows_widgets": number == FRONT,
        "compact": collection != site.all_essays,  # titles only: see Site.page_size_of
        "unscripted_page_feeds": site.feed_links(listing, title) if feed else [],
        # All essays also come as one e-book.
        "unscripted_page_book": (
            {"path": url_path(site.collected_book_path), "type": EPUB_MEDIA_TYPE}
            if collection == site.all_essays
            else None
        ),
    }


def catalog_context(app: Sphinx, catalog: Catalog) -> dict:
    page = catalog.docname
    builder = app.builder
    return {
        "title": catalog.kind.index_title,
        "groups": [
            {
                "name": collection.name,
                "url": builder.get_relative_uri(page, collection.docname),
                "count": count_label(len(collection.essays)),
            }
            for collection in catalog.collections
        ],
        "unscripted_shows_widgets": True,
    }


# -- The home page's latest essays ---------------------------------------------


def fill_latest_essays(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    placeholders = list(doctree.findall(latest_essays))
    if not placeholders:
        return
    if not publishing(app):
        for node in placeholders:
            node.replace_self([])
        return
    site = site_of(app)
    for node in placeholders:
        html = app.builder.templates.render(
            "unscripted/essay-list.html",
            {
                "entries": entries(app, site.newest_first[: node["count"]], docname),
                "heading_level": 3,
                "all_url": app.builder.get_relative_uri(docname, site.all_essays.docname),
            },
        )
        node.replace_self(nodes.raw("", html, format="html"))
