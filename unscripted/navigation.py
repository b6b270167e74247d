"""Site navigation and feed autodiscovery, the same on every page.

Furo's sidebar normally shows the toctree; a publication's navigation is a
fixed set of destinations instead, and none of them depends on the essays, so
adding an essay does not change every page.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from unscripted import __version__
from unscripted.feeds import FORMATS, feed_links
from unscripted.listings import sidebar_widgets
from unscripted.posts import published_blog


def navigation_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    blog = published_blog(app)
    pathto = context["pathto"]
    site_feed = f"{blog.posts.docname}/{FORMATS[0][0]}"
    destinations = [
        ("Home", app.config.root_doc),
        ("All essays", blog.posts.docname),
        ("Tags", blog.tags.docname),
        ("Archive", blog.archive.docname),
        ("About", "about"),
    ]
    context["unscripted_nav"] = [
        {"title": title, "url": pathto(docname), "current": docname == pagename} for title, docname in destinations
    ]
    context["unscripted_site_feed"] = {"url": pathto(site_feed, resource=True), "title": app.config.blog_title}
    feeds = feed_links(app, blog.posts.docname, "All essays") + context.get("unscripted_page_feeds", [])
    context["unscripted_feeds"] = [{**feed, "url": pathto(feed["path"], resource=True)} for feed in feeds]
    if pagename == app.config.root_doc:
        context["unscripted_listing"] = True
    if context.get("unscripted_listing"):
        context["unscripted_widgets"] = sidebar_widgets(app)


def setup(app: Sphinx) -> dict:
    app.setup_extension("unscripted.listings")
    app.connect("html-page-context", navigation_context)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
