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


def essay_parts(page: bytes) -> list[lxml.html.HtmlElement]:
    """The essay as published on its page, without page furniture or anything active:
    its own section of the article, then the footnotes docutils writes after that
    section; never what follows them (related essays, neighbours)."""
    # Only the article is parsed: the page around it (the sidebar's navigation, scripts)
    # is most of its bytes and most of the time. The theme's article is the last one closed.
    start, end = page.find(b'<article role="main"'), page.rfind(b"</article>")
    if start < 0 or end < start:
        raise ValueError("the page has no <article role='main'>")
    article = lxml.html.fragment_fromstring(page[start : end + len(b"</article>")].decode("utf-8"))
    section = article.find("section")
    if section is None:
        parts = [article]
    else:
        parts = [section, *(s for s in section.itersiblings() if "footnote-list" in s.get("class", "").split())]
    for part in parts:
        for element in part.xpath(NOT_CONTENT):
            element.drop_tree()
        for element in part.iter():
            for name, value in list(element.attrib.items()):
                if name.startswith("on") or value.strip().lower().startswith("javascript:"):
                    del element.attrib[name]
    return parts


def published_article(page: Path, url: str) -> str:
    """The essay's own section as published on *page* (``essay_parts``), with absolute links."""
    article = essay_parts(page.read_bytes())[0]
    article.make_links_absolute(url, resolve_base_href=False)
    html = "".join(lxml.html.tostring(child, encoding="unicode") for child in article)
    return ((article.text or "").strip() + html).strip()
