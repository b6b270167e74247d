"""An essay as published: its article, taken from its written page.

Not an output itself: feeds and e-books carry exactly what readers of the page
see (the page's article passed the write boundary), so they take it from the
page Sphinx wrote, not from the doctree.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html

# Parts of an essay's section that are page furniture, not the essay: its title
# (entries and chapters have their own), permalinks, the byline.
NOT_CONTENT_CLASSES = ("headerlink", "post-header")
NOT_CONTENT = " | ".join(
    [".//h1"]
    + [f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]" for name in NOT_CONTENT_CLASSES]
)


def essay_parts(page: bytes) -> list[lxml.html.HtmlElement]:
    """The essay as published on its page, without page furniture: its own section of
    the article, then the footnotes docutils writes after that section; never what
    follows them (related essays, neighbours, links to the e-books)."""
    # Only the article is parsed: the page around it (the sidebar's navigation, scripts)
    # is most of its bytes and most of the time. The theme's article is the last one closed.
    start, end = page.find(b'<article role="main"'), page.rfind(b"</article>")
    if start < 0 or end < start:
        raise ValueError("the page has no <article role='main'>")
    article = lxml.html.fragment_fromstring(page[start : end + len(b"</article>")].decode("utf-8"))
    in_language = article.find("div[@class='essay-text']")  # an essay in its own language
    article = article if in_language is None else in_language
    section = article.find("section")
    if section is None:
        parts = [article]
    else:
        parts = [section, *(s for s in section.itersiblings() if "footnote-list" in s.get("class", "").split())]
    for part in parts:
        for element in part.xpath(NOT_CONTENT):
            element.drop_tree()
    return parts


def published_article(page: Path, url: str) -> str:
    """The essay as published on *page* (``essay_parts``: its text, then its footnotes), with
    absolute links; the section of its title is unwrapped (an entry has its own title)."""
    section, *footnotes = essay_parts(page.read_bytes())
    html = (section.text or "").strip()
    for element in [*section, *footnotes]:
        element.make_links_absolute(url, resolve_base_href=False)
        html += lxml.html.tostring(element, encoding="unicode")
    return html.strip()
