"""An essay's own page: byline and content note under the title; related essays
and its older and newer neighbours after it.

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

from unscripted import __version__
from unscripted.listings import entries, entry
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
            "content_note": record.source.content_note,
        },
    )
    section.insert(1, nodes.raw("", html, format="html"))


def after_the_essay(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    posts = records(app.env)
    if pagename not in posts:
        return
    blog = published_blog(app)
    pathto = context["pathto"]
    env = app.env
    older, newer = env.unscripted_neighbours[pagename]
    context["unscripted_after_article"] = Markup(
        app.builder.templates.render(
            "unscripted/post-footer.html",
            {
                "related": entries(app, [blog[d] for d in env.unscripted_related[pagename]], pagename),
                "older": {"url": pathto(older), "title": posts[older].title} if older else None,
                "newer": {"url": pathto(newer), "title": posts[newer].title} if newer else None,
            },
        )
    )
    context["unscripted_rel_links"] = [(rel, pathto(d)) for rel, d in (("prev", older), ("next", newer)) if d]
    # Our own navigation replaces Furo's footer links for essays.
    context["prev"] = context["next"] = None


def setup(app: Sphinx) -> dict:
    app.setup_extension("unscripted.listings")
    app.setup_extension("unscripted.incremental")  # computes each essay's neighbours and related essays
    app.connect("doctree-resolved", add_byline)
    app.connect("html-page-context", after_the_essay)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
