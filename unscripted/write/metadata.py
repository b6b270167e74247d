"""What search engines and social sites read: descriptions, Open Graph, JSON-LD.

* A meta description on every page: the essay's ``description``, else its
  opening paragraph as plain text; listing pages describe what they list.
* Open Graph and Twitter metadata by sphinxext-opengraph, told what it cannot
  know: each essay's description, type and social card. Pages that Sphinx
  generates (listings) have no doctree, which it skips; we call it for them.
* JSON-LD: ``BlogPosting`` on every essay, ``WebSite`` on the home page.
* ``noindex`` on Read the Docs pull-request previews.
"""

from __future__ import annotations

import contextlib
import functools
import html
import io
import json
from pathlib import Path

import lxml.html
from docutils import frontend
from docutils.utils import new_document
from markupsafe import Markup, escape
from sphinx.application import Sphinx

# sphinxext-opengraph prints that matplotlib is missing when it is imported: it is
# for its own social cards, which we replace (see write.images), so keep the log clean.
with contextlib.redirect_stdout(io.StringIO()):
    from sphinxext.opengraph import get_tags

from unscripted.core.cards import HEIGHT, WIDTH
from unscripted.core.mathml import plain_text
from unscripted.core.model import SITE_CARD, Essay, url_path
from unscripted.read.state import site_of

MAX_LENGTH = 160  # what search results show
PAGE_TITLES = {"search": "Search"}  # Sphinx gives its search page no title
# docutils adds this second viewport element to Furo's own; one is enough.
DOCUTILS_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'


def shorten(text: str, limit: int = MAX_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—-") + "…"


def card_size(app: Sphinx, essay: Essay | None) -> tuple[int, int]:
    if essay and essay.source.image:
        import imagesize  # Sphinx's own dependency

        return imagesize.get(Path(app.srcdir, essay.docname).parent / essay.source.image)
    return WIDTH, HEIGHT


def page_description(app: Sphinx, pagename: str, context: dict) -> str:
    record = site_of(app).essays.get(pagename)
    if record is not None:
        if record.source.description:
            return record.source.description
        opening = plain_text(lxml.html.fromstring(record.excerpt_html or "<p></p>"))
        return opening or app.config.unscripted_description  # `excerpt: 0`: no opening to show
    if context.get("unscripted_description"):
        return context["unscripted_description"]
    metadata = app.env.metadata.get(pagename, {})
    return metadata.get("description") or app.config.unscripted_description


@functools.cache
def empty_document():
    """What sphinxext-opengraph reads a generated page's text from: nothing (its
    description is given). Made once: docutils' settings are slow to build."""
    return new_document("generated", frontend.get_default_settings())


def page_metadata(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    config = app.config
    base = config.html_baseurl
    description = shorten(page_description(app, pagename, context))
    site = site_of(app)
    record = site.essays.get(pagename)
    tags = [f'<meta name="description" content="{escape(description)}">']
    if config.unscripted_noindex and pagename != "search":  # Furo's search page has its own
        tags.append('<meta name="robots" content="noindex, nofollow">')

    # Open Graph: sphinxext-opengraph reads per-page overrides from the page's fields
    # and escapes only quotes in them.
    size = card_size(app, record)
    fields = dict(context.get("meta") or {})
    alt = f"{record.title} — {config.project}" if record else f"{config.project}: {context.get('tagline', '')}"
    fields.update(
        {
            "og:description": html.escape(description, quote=False),
            "og:image": base + url_path(record.card_path if record else SITE_CARD),
            "og:image:width": str(size[0]),
            "og:image:height": str(size[1]),
            "og:image:alt": html.escape(alt, quote=False),
            "og:type": "article" if record else "website",
        }
    )
    context["meta"] = fields
    if record is not None:
        tags += [
            f'<meta property="article:published_time" content="{record.date.isoformat()}">',
            f'<meta property="article:modified_time" content="{record.updated.isoformat()}">',
            *(
                f'<meta property="article:author" content="{escape(author.name)}">'
                for author in site.collections_of(pagename, "author")
            ),
            *(
                f'<meta property="article:tag" content="{escape(tag.name)}">'
                for tag in site.collections_of(pagename, "tags")
            ),
        ]
    metatags = context.get("metatags", "").replace(DOCUTILS_VIEWPORT, "")
    context["metatags"] = metatags + "\n" + "\n".join(tags)
    if doctree is None:  # a generated page: sphinxext-opengraph only runs on documents
        titled = {**context, "title": context.get("title") or PAGE_TITLES.get(pagename, config.project)}
        context["metatags"] += "\n" + get_tags(
            titled,
            empty_document(),
            srcdir=app.srcdir,
            outdir=app.outdir,
            config=config,
            builder=app.builder,
            env=app.env,
        )
    context["unscripted_jsonld"] = json_ld(app, pagename, context, description)


def json_ld(app: Sphinx, pagename: str, context: dict, description: str) -> Markup | None:
    config = app.config
    base = config.html_baseurl
    about = base + app.builder.get_target_uri("about")
    site = site_of(app)
    record = site.essays.get(pagename)
    if record is not None:
        url = base + app.builder.get_target_uri(pagename)
        data = {
            "@context": "https://schema.org",
            "@type": "BlogPosting",
            "headline": record.title,
            "datePublished": record.date.isoformat(),
            "dateModified": record.updated.isoformat(),
            "author": [
                {"@type": "Person", "name": author.name, "url": about}
                for author in site.collections_of(pagename, "author")
            ],
            "image": base + url_path(record.card_path),
            "url": url,
            "keywords": [tag.name for tag in site.collections_of(pagename, "tags")],
            "articleSection": [category.name for category in site.collections_of(pagename, "category")],
            "wordCount": record.words,
            "inLanguage": config.language,
            "isPartOf": {"@type": "Blog", "name": config.project, "url": base},
        }
    elif pagename == config.root_doc:
        data = {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": config.project,
            "url": base,
            "description": description,
            "inLanguage": config.language,
            "author": {"@type": "Person", "name": config.author, "url": about},
            "potentialAction": {
                "@type": "SearchAction",
                "target": base + app.builder.get_target_uri("search") + "?q={query}",
                "query-input": "required name=query",
            },
        }
    else:
        return None
    # Nothing in a <script> element may look like markup.
    return Markup(json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c"))
