"""Site navigation, feed autodiscovery and the sidebar's essay widgets, the same on every page.

Furo's sidebar normally shows the toctree; a publication's navigation is a
fixed set of destinations instead, and none of them depends on the essays, so
adding an essay does not change every page. The tags, categories and years
are shown on the home page, the catalogs and the front page of each listing
only, for the same reason (and, on the numbered pages behind a listing's front
page, they were a quarter of every page).
"""

from __future__ import annotations

from sphinx.application import Sphinx

from unscripted.core.model import EPUB_MEDIA_TYPE, FEED_FORMATS, feed_path, url_path
from unscripted.read.state import site_of


def navigation_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    site = site_of(app)
    pathto = context["pathto"]
    all_essays = site.all_essays.docname
    destinations = [
        ("Home", app.config.root_doc),
        ("All essays", all_essays),
        ("Tags", site.catalogs["tags"].docname),
        ("Archive", site.catalogs["archive"].docname),
        ("About", "about"),
    ]
    context["unscripted_nav"] = [
        {"title": title, "url": pathto(docname), "current": docname == pagename} for title, docname in destinations
    ]
    site_feed = url_path(feed_path(all_essays, FEED_FORMATS[0][0]))
    context["unscripted_site_feed"] = {"url": pathto(site_feed, resource=True), "title": app.config.blog_title}
    # The collected e-book exists even before the first essay, as the feed does.
    book = pathto(url_path(site.collected_book_path), resource=True)
    context["unscripted_site_book"] = {"url": book, "type": EPUB_MEDIA_TYPE}
    feeds = site.feed_links(all_essays, "All essays") + context.get("unscripted_page_feeds", [])
    feeds = list({feed["path"]: feed for feed in feeds}.values())  # all essays' pages: the site's feeds, once
    context["unscripted_feeds"] = [{**feed, "url": pathto(feed["path"], resource=True)} for feed in feeds]
    if pagename == app.config.root_doc:
        context["unscripted_shows_widgets"] = True
    if context.get("unscripted_shows_widgets"):
        context["unscripted_widgets"] = site.widgets
