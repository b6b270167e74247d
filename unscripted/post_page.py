"""An essay's own page: its byline under the title, and links to its neighbours.

The byline (date, author, reading time, category, tags) is part of the article,
so a phone reader sees it without opening the sidebar drawer.
"""

from __future__ import annotations

from docutils import nodes
from markupsafe import escape
from sphinx.application import Sphinx

from unscripted import __version__
from unscripted.listings import entry
from unscripted.posts import published_blog, records


def add_byline(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    record = records(app.env).get(docname)
    if record is None or app.builder.format != "html":
        return
    post = published_blog(app)[docname]
    section = next(iter(doctree.findall(nodes.section)))
    builder = app.builder
    html = builder.templates.render(
        "unscripted/post-header.html",
        {
            "entry": entry(app, post, record, docname),
            "authors": [(a.name, builder.get_relative_uri(docname, a.docname)) for a in post.author],
        },
    )
    section.insert(1, nodes.raw("", html, format="html"))


def link_neighbours(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Furo's footer links to the previous (older) and next (newer) essay."""
    if pagename not in records(app.env):
        return
    post = published_blog(app)[pagename]
    for key, neighbour in (("prev", post.prev), ("next", post.next)):
        context[key] = (
            {"link": context["pathto"](neighbour.docname), "title": escape(neighbour.title)} if neighbour else None
        )


def setup(app: Sphinx) -> dict:
    app.setup_extension("unscripted.listings")
    app.connect("doctree-resolved", add_byline)
    app.connect("html-page-context", link_neighbours)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
