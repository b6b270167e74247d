"""Home page, all essays, tags, categories, authors and years list what they should."""

from __future__ import annotations

import pytest

from conftest import resolve

ESSAY = "posts/2024/the-quiet-lie.html"
TITLE = "The Quiet Lie We’re Sold About Sex (And How I’m Unlearning It)"
TAGS = ["communication", "intimacy", "performance-anxiety", "relationships", "vulnerability"]


def listed_essays(site, path: str) -> list[str]:
    page = site.page(path)
    return [resolve(path, a.attributes["href"]) for a in page.css("ol.essay-list > li > :first-child a")]


@pytest.mark.parametrize(
    "path",
    [
        "index.html",
        "essays.html",
        *(f"essays/tag/{slug}.html" for slug in TAGS),
        "essays/category/reflections.html",
        "essays/author/alex-rowan.html",
        "essays/2024.html",
    ],
)
def test_listing_shows_the_essay_with_its_excerpt(site, path):
    """The home page and all essays show excerpts; a tag's, category's, author's or year's list is
    titles, dates and lengths (seven lists hold each essay: at scale, excerpts would outweigh it)."""
    assert listed_essays(site, path) == [ESSAY]
    item = site.page(path).css_first("ol.essay-list > li")
    assert item.css_first("li > :first-child").text().strip() == TITLE
    assert item.css_first("time").attributes["datetime"] == "2024-03-14"
    assert "2 min read (475 words)" in item.css_first("li > p").text()
    excerpt = item.css_first(".essay-excerpt")
    if path not in ("index.html", "essays.html"):
        assert excerpt is None, path
        return
    assert excerpt.text().strip().startswith("Great sex isn’t a performance to be graded")
    # One paragraph, not ABlog's <p><p>.
    assert len(excerpt.css("p")) == 1 and not excerpt.css("p p")


def test_home_page_introduces_the_publication(site):
    page = site.page("index.html")
    assert page.css_first("article h1").text(deep=False).strip() == "Unscripted"
    intro = page.css_first("article section > p").text()
    assert "performance" in intro
    more = page.css_first(".essay-list-more a")
    assert resolve("index.html", more.attributes["href"]) == "essays.html"


@pytest.mark.parametrize(
    ("path", "links"),
    [
        ("essays/tag.html", [f"essays/tag/{slug}.html" for slug in TAGS]),
        ("essays/category.html", ["essays/category/reflections.html"]),
        ("essays/author.html", ["essays/author/alex-rowan.html"]),
        ("essays/archive.html", ["essays/2024.html"]),
    ],
)
def test_indexes_link_every_collection_with_its_count(site, path, links):
    items = site.page(path).css("ul.catalog-list li")
    assert [resolve(path, li.css_first("a").attributes["href"]) for li in items] == links
    assert all(li.css_first(".count").text() == "1 essay" for li in items)


def test_about_page_exists(site):
    page = site.page("about.html")
    assert page.css_first("article h1").text(deep=False).strip() == "About"


def test_no_drafts_page_is_published(site):
    assert not site.exists("essays/drafts.html")
    assert not any("draft" in path for path in site.html_pages)
