"""An essay as published: its article, taken from its written page.

Not an output itself: feeds (and e-books) carry exactly what readers of the
page see, so they take it from the page Sphinx wrote, not from the doctree.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html

# Parts of an essay's page that are not the essay: its title (entries have their
# own), permalinks, the byline, and what follows the essay (related essays, neighbours).
NOT_CONTENT_CLASSES = ("headerlink", "post-header", "related-essays", "essay-neighbours")
NOT_CONTENT = " | ".join(
    [".//h1"]
    + [f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]" for name in NOT_CONTENT_CLASSES]
)


def published_article(page: Path, url: str) -> str:
    """The essay as published on *page* (its article, footnotes included), without page
    furniture, with absolute links. The page's article passed the write boundary already."""
    document = lxml.html.fromstring(page.read_bytes())
    article = document.find(".//article[@role='main']")
    for element in article.xpath(NOT_CONTENT):
        element.drop_tree()
    titled = article.find("section")
    if titled is not None:
        titled.drop_tag()  # the section of the essay's title: the entry has its own title
    article.make_links_absolute(url, resolve_base_href=False)
    html = "".join(lxml.html.tostring(child, encoding="unicode") for child in article)
    return ((article.text or "").strip() + html).strip()
