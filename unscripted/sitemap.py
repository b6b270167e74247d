"""``sitemap.xml`` with every public page, and the ``robots.txt`` that points to it.

sphinx-sitemap lists only the pages written in the current build, so after an
incremental build its sitemap lacks every unchanged page. This sitemap is made
from every document and every generated listing page each time, and is only
rewritten when it changes. Search, 404 and draft pages are never listed.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape

from sphinx.application import Sphinx

from unscripted import __version__
from unscripted.incremental import write_if_changed
from unscripted.listings import listing_page_names
from unscripted.posts import publishing, records

NEVER_LISTED = {"search", "genindex", "404"}


def public_pages(app: Sphinx) -> list[str]:
    return sorted((set(app.env.found_docs) | listing_page_names(app)) - NEVER_LISTED)


def write_sitemap(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not publishing(app):
        return
    base = app.config.html_baseurl
    posts = records(app.env)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for page in public_pages(app):
        url = escape(base + quote(app.builder.get_target_uri(page)))  # URLs, not IRIs
        modified = f"<lastmod>{posts[page].updated.isoformat()}</lastmod>" if page in posts else ""
        lines.append(f"  <url><loc>{url}</loc>{modified}</url>")
    lines.append("</urlset>")
    write_if_changed(Path(app.outdir, "sitemap.xml"), ("\n".join(lines) + "\n").encode())
    # Previews are kept out of search results by their noindex meta, which crawlers
    # only see if robots.txt lets them in.
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n"
    write_if_changed(Path(app.outdir, "robots.txt"), robots.encode())


def setup(app: Sphinx) -> dict:
    app.setup_extension("unscripted.listings")
    app.connect("build-finished", write_sitemap, priority=600)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
