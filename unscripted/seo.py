"""What search engines read: a meta description on every page.

Essays use their `description`, else their opening paragraph as plain text;
listing pages describe what they list; other pages may set `description` in
their front matter, else the site's description is used.
"""

from __future__ import annotations

import lxml.html
from markupsafe import escape
from sphinx.application import Sphinx

from unscripted import __version__
from unscripted.posts import records

MAX_LENGTH = 160  # what search results show


def shorten(text: str, limit: int = MAX_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—-") + "…"


def page_description(app: Sphinx, pagename: str, context: dict) -> str:
    record = records(app.env).get(pagename)
    if record is not None:
        if record.source.description:
            return record.source.description
        return lxml.html.fromstring(record.excerpt_html or "<p></p>").text_content()
    if context.get("unscripted_description"):
        return context["unscripted_description"]
    metadata = app.env.metadata.get(pagename, {})
    return metadata.get("description") or app.config.unscripted_description


def add_description(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    description = shorten(page_description(app, pagename, context))
    context["unscripted_page_description"] = description
    context["metatags"] = context.get("metatags", "") + f'\n<meta name="description" content="{escape(description)}">'


def setup(app: Sphinx) -> dict:
    app.setup_extension("unscripted.posts")
    app.add_config_value("unscripted_description", "", "html", types=frozenset({str}))
    # Before sphinxext-opengraph, which then keeps our description.
    app.connect("html-page-context", add_description, priority=400)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
