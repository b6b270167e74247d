"""Old addresses of moved essays: a small page at each, sending readers and crawlers to the essay.

Every alias of every essay (``Site.alias_targets``; ``core.model.alias_pages``
names the pages) gets a page from its own template (``unscripted/alias.html``,
not the theme's: nothing else belongs on it) with:

* a meta refresh to the essay, always a relative URL made by the builder: it
  can only ever lead to a page of this site;
* a canonical link to the essay and ``noindex``, so that search engines keep
  the essay's own address;
* a visible link, for readers whose browsers do not follow refreshes;
* the site's Content-Security-Policy, like every page.

An alias page is never in the sitemap (made from documents and listings only)
nor in the search index. It is rewritten only when what it says changes, and
removed when no essay lists it any more (``rebuild.remove_stale_pages``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from sphinx.application import Sphinx

from unscripted.infra.files import Fingerprints
from unscripted.infra.state import PerBuild
from unscripted.read.state import publishing, site_fingerprint, site_of

TEMPLATE = "unscripted/alias.html"

_fingerprints: PerBuild[list[Fingerprints]] = PerBuild(list)


def alias_pages(app: Sphinx) -> Iterator[tuple[str, dict, str]]:
    """Yield (pagename, context, template) for every alias page whose content changed."""
    if not publishing(app):
        return
    site, builder = site_of(app), app.builder
    fingerprints = Fingerprints(app, "aliases")
    _fingerprints(app).append(fingerprints)
    for page, docname in sorted(site.alias_targets.items()):
        target = builder.get_relative_uri(page, docname)
        if urlsplit(target).scheme or urlsplit(target).netloc or target.startswith(("/", "\\")):
            raise ValueError(f"the alias page {page} would send readers off the site ({target})")
        canonical = app.config.html_baseurl + builder.get_target_uri(docname)
        title = site.essays[docname].title
        written = Path(app.outdir, builder.get_target_uri(page))
        if fingerprints.changed(page, site_fingerprint(app), target, canonical, title) or not written.is_file():
            yield page, {"title": title, "unscripted_alias": {"url": target, "canonical": canonical}}, TEMPLATE


def save_fingerprints(app: Sphinx, exception: Exception | None) -> None:
    if exception is None:
        for fingerprints in _fingerprints(app):
            fingerprints.save()
