"""An essay's own page: byline and content note under the title; links to its
e-books, related essays and its older and newer neighbours after it.

The byline (date, author, reading time, category, tags) and the content note
are part of the essay, so a phone reader sees them without opening the drawer,
and feed readers get the note too. What follows the essay depends on other
essays, so it sits outside the essay's section, out of its feed entry and out
of the search index.
"""

from __future__ import annotations

from docutils import nodes
from markupsafe import Markup
from sphinx.application import Sphinx

from unscripted.core.html_policy import sanitize
from unscripted.core.model import EPUB_MEDIA_TYPE
from unscripted.read.state import build_state, site_of
from unscripted.write.entries import entries, entry, report_removed


def add_byline(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html":
        return
    site = site_of(app)
    if docname not in site.essays:
        return
    section = next(iter(doctree.findall(nodes.section)))
    builder = app.builder
    html = builder.templates.render(
        "unscripted/post-header.html",
        {
            "entry": entry(app, docname, docname),
            "authors": [
                (author.name, builder.get_relative_uri(docname, author.docname))
                for author in site.collections_of(docname, "author")
            ],
            "content_note": site.essays[docname].source.content_note,
            "places": site.places_of(docname),
            "external_link": site.essays[docname].source.external_link,
        },
    )
    section.insert(1, nodes.raw("", html, format="html"))


def after_the_essay(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    site = site_of(app)
    if pagename not in site.essays:
        return
    pathto = context["pathto"]
    older, newer = site.neighbours[pagename]
    essay = site.essays[pagename]
    books = None
    if essay.status(build_state(app).now) == "published":  # drafts and scheduled essays have none
        books = {
            "essay": pathto(essay.book_path, resource=True),
            "collected": pathto(site.collected_book_path, resource=True),
            "type": EPUB_MEDIA_TYPE,
        }
    context["unscripted_after_article"] = Markup(
        app.builder.templates.render(
            "unscripted/post-footer.html",
            {
                "books": books,
                "related": entries(app, site.related[pagename], pagename),
                "older": {"url": pathto(older), "title": site.essays[older].title} if older else None,
                "newer": {"url": pathto(newer), "title": site.essays[newer].title} if newer else None,
            },
        )
    )
    context["unscripted_rel_links"] = [(rel, pathto(d)) for rel, d in (("prev", older), ("next", newer)) if d]
    # Our own navigation replaces Furo's footer links for essays.
    context["prev"] = context["next"] = None


def sanitize_article(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The write boundary for an essay's page: its article, as serialized, through the allowlist.

    Readers get the allowlisted HTML; anything the allowlist would remove fails the build."""
    if pagename not in site_of(app).essays or "body" not in context:
        return
    context["body"], removed = sanitize(context["body"])
    report_removed(app, pagename, removed, "its page")
