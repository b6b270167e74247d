"""Long listings are split into pages; essays show related essays and their neighbours.

Proved on a site of 45 generated essays (the publication itself has one).
"""

from __future__ import annotations

import re

from conftest import MANY, SITE_URL, resolve, sphinx_build

COUNT = MANY


def listing(build, first_page: str) -> list[tuple[str, list[str]]]:
    """Follow a listing's "older" links from page 1: [(page, [essay pages listed])]."""
    pages, page = [], first_page
    while page:
        html = build.page(page)
        pages.append((page, [resolve(page, a.attributes["href"]) for a in html.css("ol.essay-list > li > h2 a")]))
        older = html.css_first('nav.pagination a[rel="next"]')
        page = resolve(page, older.attributes["href"]) if older else None
    return pages


def dates(build, essays: list[str]) -> list[str]:
    return [build.page(e).css_first(".post-header time").attributes["datetime"] for e in essays]


PAGES = ["essays.html", "essays/page/3.html", "essays/page/2.html", "essays/page/1.html"]


def test_all_essays_in_pages_of_ten_newest_first(many):
    pages = listing(many, "essays.html")
    # Pages count from the first essay: page 1 holds essays 1-10 for good; the front page the newest 10-19.
    assert [name for name, _ in pages] == PAGES
    assert [len(listed) for _, listed in pages] == [15, 10, 10, 10]
    everything = [essay for _, listed in pages for essay in listed]
    assert len(set(everything)) == COUNT
    assert dates(many, everything) == sorted(dates(many, everything), reverse=True)
    assert not many.exists("essays/page/4.html") and not many.exists("essays/page/0.html")


def test_pagination_links_are_accessible_and_consistent(many):
    for at, path in enumerate(PAGES):
        page = many.page(path)
        number = 4 - at  # PAGES[1] is page 3
        nav = page.css_first('nav.pagination[aria-label="Pages of this list"]')
        position = nav.css_first('[aria-current="page"]').text()
        if at == 0:
            assert position == "Newest essays"
        else:
            assert position == f"Page {number}: essays {(number - 1) * 10 + 1}–{number * 10}, counted from the first"
        head = {
            link.attributes["rel"]: resolve(path, link.attributes["href"])
            for link in page.css("head link[rel=prev], head link[rel=next]")
        }
        body = {a.attributes["rel"]: resolve(path, a.attributes["href"]) for a in nav.css("a")}
        assert head == body
        assert body.get("prev") == (PAGES[at - 1] if at else None)
        assert body.get("next") == (PAGES[at + 1] if at + 1 < len(PAGES) else None)
        title = page.css_first("title").text()
        assert ("page" in title) == (at > 0), title
        assert page.css_first('link[rel="canonical"]').attributes["href"].endswith(path)


def test_the_sidebar_widgets_are_on_a_listings_front_page_not_behind_it(many):
    """Tags, categories and years on the front page of a listing; its numbered pages (most of
    a large site's listing pages) keep the site's navigation and leave the widgets out."""
    for path in PAGES:
        sidebar = many.page(path).css_first("aside.sidebar-drawer")
        widgets = [h.text() for h in sidebar.css("nav.essay-widget h2")]
        assert widgets == (["Categories", "Tags", "Archive"] if path == PAGES[0] else []), path
        assert [a.text() for a in sidebar.css("nav.site-navigation a")][:2] == ["Home", "All essays"], path


def test_tag_category_and_year_listings_list_titles_fifty_a_page(many):
    for index in ("essays/tag.html", "essays/category.html", "essays/archive.html", "essays/author.html"):
        for link in many.page(index).css("ul.catalog-list li a"):
            first = resolve(index, link.attributes["href"])
            count = int(re.match(r"\d+", link.parent.css_first(".count").text()).group())
            pages = listing(many, first)
            assert len(pages) == 1 and len(pages[0][1]) == count <= 50, first
            assert not many.page(first).css(".essay-excerpt"), f"{first}: titles only"


def test_tag_category_and_year_listings_paginate_too(many, tmp_path):
    build = sphinx_build(many.srcdir, tmp_path / "out", options=("-D", "unscripted_group_page_size=4"))
    assert build.returncode == 0, build.log
    assert [len(listed) for _, listed in listing(build, "essays.html")] == [15, 10, 10, 10]  # not a group
    for index in ("essays/tag.html", "essays/category.html", "essays/archive.html", "essays/author.html"):
        for link in build.page(index).css("ul.catalog-list li a"):
            first = resolve(index, link.attributes["href"])
            count = int(re.match(r"\d+", link.parent.css_first(".count").text()).group())
            pages = listing(build, first)
            listed = [essay for _, names in pages for essay in names]
            assert len(listed) == len(set(listed)) == count, first
            assert len(pages) == max(1, count // 4), first
            assert all(len(names) == 4 for _, names in pages[1:]), first
            assert 4 <= len(pages[0][1]) < 8 or count < 4, first


def test_page_size_is_configurable(many, tmp_path):
    build = sphinx_build(many.srcdir, tmp_path / "out", options=("-D", "unscripted_page_size=20"))
    assert build.returncode == 0, build.log
    assert [len(listed) for _, listed in listing(build, "essays.html")] == [25, 20]


def test_related_essays_share_tags_never_the_essay_itself(many):
    essays = [p for p in many.html_pages if p.startswith("posts/")]
    assert len(essays) == COUNT
    with_related = 0
    for path in essays:
        page = many.page(path)
        tags = {a.text() for a in page.css(".post-header a[rel=tag]")}
        related = page.css(".related-essays li > h3 a")
        assert len(related) <= 3
        with_related += bool(related)
        targets = [resolve(path, a.attributes["href"]) for a in related]
        assert path not in targets
        shared = []
        for target in targets:
            other = {a.text() for a in many.page(target).css(".post-header a[rel=tag]")}
            assert tags & other, f"{target} shares no tag with {path}"
            shared.append(len(tags & other))
        assert shared == sorted(shared, reverse=True), path
    assert with_related > COUNT // 2


def test_every_essay_links_its_older_and_newer_neighbour(many):
    essays = listing(many, "essays.html")
    newest_first = [essay for _, listed in essays for essay in listed]
    for position, path in enumerate(newest_first):
        nav = many.page(path).css_first('nav.essay-neighbours[aria-label="Older and newer essays"]')
        links = {a.attributes["rel"]: resolve(path, a.attributes["href"]) for a in nav.css("a")}
        newer = newest_first[position - 1] if position else None
        older = newest_first[position + 1] if position + 1 < len(newest_first) else None
        assert links.get("next") == newer and links.get("prev") == older, path
        assert nav.css_first(".context").text() in {"Newer essay", "Older essay"}


def test_listing_excerpts_stop_after_a_few_lines(many):
    excerpts = many.page("essays.html").css(".essay-excerpt")
    assert len(excerpts) == 15
    for excerpt in excerpts:
        text = excerpt.text().strip()
        assert len(text.split()) <= 45 and text.endswith("…"), text


def test_feed_entries_hold_the_essay_and_nothing_after_it(many):
    """Related essays and neighbours change whenever another essay is published: never in feeds."""
    import json

    items = json.loads(many.text("essays/feed.json"))["items"]
    assert len(items) == 20
    for item in items:
        assert "related-essays" not in item["content_html"] and "essay-neighbours" not in item["content_html"]
        assert "<svg" not in item["content_html"] and "Older essay" not in item["content_html"]
        essay = item["url"].removeprefix(SITE_URL)
        paragraphs = many.page(essay).css("article section > p")
        assert item["content_html"].count("<p>") == len(paragraphs), essay


def test_tag_and_category_feeds_carry_each_essays_opening_and_a_link(many):
    """The site's feed carries every essay whole; a tag's or category's feed says what is new
    there, with the opening that listings show and a link to the essay (in all three formats)."""
    import json

    from lxml import html as lxml_html

    site_items = {i["url"]: i for i in json.loads(many.text("essays/feed.json"))["items"]}
    for index in ("essays/tag.html", "essays/category.html"):
        for link in many.page(index).css("ul.catalog-list li a"):
            listing = resolve(index, link.attributes["href"]).removesuffix(".html")
            items = json.loads(many.text(f"{listing}/feed.json"))["items"]
            # Its newest ten (unscripted_group_feed_length), as its listing's front page begins.
            newest = [
                SITE_URL + resolve(f"{listing}.html", a.attributes["href"])
                for a in many.page(f"{listing}.html").css("ol.essay-list > li > h2 a")
            ]
            assert [item["url"] for item in items] == newest[:10], listing
            for item in items:
                essay = item["url"].removeprefix(SITE_URL)
                content = lxml_html.fragment_fromstring(item["content_html"], create_parent="div")
                opening = many.page(essay).css("article section > p")[0].text()
                *paragraphs, read = content.findall("p")
                assert " ".join(paragraphs[0].text_content().split())[:-1] in " ".join(opening.split()), essay
                assert read.text_content() == f"Read “{item['title']}”"
                assert read.find("a").get("href") == item["url"]
                if item["url"] in site_items:
                    assert len(site_items[item["url"]]["content_html"]) > 2 * len(item["content_html"])


def test_a_page_size_below_one_stops_the_build_naming_the_setting(many, tmp_path):
    for setting in ("unscripted_page_size=0", "unscripted_group_page_size=-2", "unscripted_group_feed_length=0"):
        build = sphinx_build(many.srcdir, tmp_path / setting, options=("-D", setting))
        name, value = setting.split("=")
        assert build.returncode == 1, build.log
        assert f"conf.py:1: ERROR: {name} = {value}: the " in build.log
        assert "; write a whole number from 1" in build.log
        assert "ERROR: 1 problem in conf.py; nothing was built." in build.log
        assert "Traceback" not in build.log and "fault in Unscripted" not in build.log
        assert not any((tmp_path / setting).rglob("*.html"))
