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
from unscripted.core.languages import direction
from unscripted.core.model import EPUB_MEDIA_TYPE, url_path
from unscripted.read.state import build_state, site_of
from unscripted.write.entries import entries, entry, report_removed


class in_language(nodes.Element):
    """An essay in another language than the site's, or written right to left: its text
    carries its language and direction, so that layout, punctuation, quotation bars and
    screen readers follow it (WCAG 3.1.2, Language of Parts)."""


def visit_in_language(translator, node: in_language) -> None:
    attributes = {"lang": node["lang"], **({"dir": node["dir"]} if node.get("dir") else {})}
    translator.body.append(translator.starttag(node, "div", CLASS="essay-text", **attributes))


def depart_in_language(translator, node: in_language) -> None:
    translator.body.append("</div>\n")


def add_byline(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """The byline under the title; the essay's own language around its text."""
    if app.builder.format != "html":
        return
    site = site_of(app)
    if docname not in site.essays:
        return
    section = next(iter(doctree.findall(nodes.section)))
    site_language = app.config.language or "en"
    language = site.essays[docname].source.language or site_language
    writing = direction(language)
    if language != site_language or writing == "rtl":  # the essay's text and its footnotes
        wrapper = in_language(lang=language, dir=writing if writing == "rtl" else None)
        wrapper.extend(doctree.children)
        doctree.children = [wrapper]
        wrapper.parent = doctree
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


def one_id_per_element(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Furo wraps each table and display formula in a scrolling container and copies the
    element's ids onto it, so a captioned table's id would appear twice on the page (invalid
    HTML, and its link would reach the wrapper). The id stays on the element itself."""
    for wrapper in doctree.findall(nodes.container):
        if {"table-wrapper", "math-wrapper"} & set(wrapper["classes"]) and wrapper.children:
            inner = set(wrapper.children[0]["ids"])
            wrapper["ids"] = [name for name in wrapper["ids"] if name not in inner]


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
            "essay": pathto(url_path(essay.book_path), resource=True),
            "collected": pathto(url_path(site.collected_book_path), resource=True),
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
