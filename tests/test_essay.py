"""The first essay is published verbatim from the writer's manuscript: the same words, with
typographic quotes, dashes and ellipses (``tests/test_typography.py``)."""

from __future__ import annotations

import re

import yaml

from conftest import ROOT, manuscript
from tools import as_typed

ESSAY = "posts/2024/the-quiet-lie.html"


def front_matter() -> dict:
    text = (ROOT / "posts/2024/the-quiet-lie.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def test_title_is_the_pages_only_h1(site):
    title, _ = manuscript()
    page = site.page(ESSAY)
    headings = page.css("article h1")
    assert [h.text(deep=False).strip() for h in headings] == [title]
    assert page.css_first("title").text().startswith(title)


def test_every_paragraph_in_order_word_for_word(site):
    _, paragraphs = manuscript()
    section = site.page(ESSAY).css_first("article section")
    published = [p.text() for p in section.css("section > p")]
    assert [as_typed(p) for p in published] == [as_typed(p) for p in paragraphs]
    everything = "".join(published)
    assert '"' not in everything and "'" not in everything, "every quote and apostrophe typeset"
    assert "“" in everything and "…" in everything and "—" in everything and "’" in everything


def test_delivery_note_is_not_published(site):
    page = site.text(ESSAY)
    assert "Here is a reflective blog post" not in page
    assert "***" not in page


def test_front_matter_is_honest_and_complete():
    meta = front_matter()
    assert str(meta["date"]).startswith("2024-")
    assert meta["category"] == "Reflections"
    assert 4 <= len(meta["tags"]) <= 6
    assert {"intimacy", "performance anxiety", "communication", "vulnerability"} <= set(meta["tags"])
    description = meta["description"]
    assert description.count(". ") == 0 and description.endswith("."), "one sentence"
    assert 50 <= len(description) <= 160, "fits a search result snippet"


def test_signed_by_the_configured_author(site):
    byline = site.page(ESSAY).css_first("article .post-header .post-byline")
    conf = (ROOT / "conf.py").read_text()
    author = re.search(r'^author = "([^"]+)"', conf, re.M).group(1)
    assert author in byline.text()
