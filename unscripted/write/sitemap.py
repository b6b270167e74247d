"""``sitemap.xml`` with every public page, and the ``robots.txt`` that points to it.

sphinx-sitemap lists only the pages written in the current build, so after an
incremental build its sitemap lacks every unchanged page. This sitemap is made
from every document and every generated listing page each time, and is only
rewritten when it changes. Search, 404 and draft pages are never listed.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from sphinx.application import Sphinx

from unscripted.core.model import SPHINX_PAGES
from unscripted.infra.files import write_if_changed
from unscripted.read.state import publishing, site_of


def public_pages(app: Sphinx) -> list[str]:
    return sorted((set(app.env.found_docs) | site_of(app).generated_pages) - SPHINX_PAGES)


def write_sitemap(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not publishing(app):
        return
    base = app.config.html_baseurl
    posts = site_of(app).essays
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for page in public_pages(app):
        url = escape(base + app.builder.get_target_uri(page))  # percent-encoded by Sphinx: URLs, not IRIs
        modified = f"<lastmod>{posts[page].updated.isoformat()}</lastmod>" if page in posts else ""
        lines.append(f"  <url><loc>{url}</loc>{modified}</url>")
    lines.append("</urlset>")
    write_if_changed(Path(app.outdir, "sitemap.xml"), ("\n".join(lines) + "\n").encode())
    # Previews are kept out of search results by their noindex meta, which crawlers
    # only see if robots.txt lets them in.
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n"
    write_if_changed(Path(app.outdir, "robots.txt"), robots.encode())
