"""An essay as published: its article, taken from its written page.

Not an output itself: feeds (and e-books) carry exactly what readers of the
page see, so they take it from the page Sphinx wrote, not from the doctree.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html

# Parts of an essay page that are page furniture, not the essay: the title (the
# entry has its own), permalinks, our byline, and docutils' error reports, which
# can carry paths of the build machine.
NOT_CONTENT_CLASSES = ("headerlink", "post-header", "system-message", "system-messages")
# Feed readers must never be handed active content, whatever an essay holds.
UNSAFE_ELEMENTS = ("script", "noscript", "style", "link", "meta", "base", "object", "embed", "iframe", "form")
NOT_CONTENT = " | ".join(
    [".//h1", *(f".//{name}" for name in UNSAFE_ELEMENTS)]
    + [f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]" for name in NOT_CONTENT_CLASSES]
)


def published_article(page: Path, url: str) -> str:
    """The essay as published on *page*, without page furniture, with absolute links:
    its own section of the article, not what follows it (related essays, neighbours)."""
    document = lxml.html.fromstring(page.read_bytes())
    article = document.find(".//article[@role='main']")
    article = article.find("section") if article.find("section") is not None else article
    for element in article.xpath(NOT_CONTENT):
        element.drop_tree()
    for element in article.iter():
        for name, value in list(element.attrib.items()):
            if name.startswith("on") or value.strip().lower().startswith("javascript:"):
                del element.attrib[name]
    article.make_links_absolute(url, resolve_base_href=False)
    html = "".join(lxml.html.tostring(child, encoding="unicode") for child in article)
    return ((article.text or "").strip() + html).strip()
