"""What search engines, social sites and lost readers get: metadata, sitemap, 404, icons."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from lxml import etree

from conftest import ROOT, SITE_URL, resolve, sphinx_build

ESSAY = "posts/2024/the-quiet-lie.html"
TITLE = "The Quiet Lie We’re Sold About Sex (And How I’m Unlearning It)"
NEVER_INDEXED = {"search.html", "404.html"}


def meta(page, attribute: str, name: str) -> list[str]:
    return [m.attributes["content"] for m in page.css(f'meta[{attribute}="{name}"]')]


def test_every_page_has_one_description_canonical_and_social_card(site):
    for path, page in site.parsed.items():
        descriptions = meta(page, "name", "description")
        assert len(descriptions) == 1 and 40 <= len(descriptions[0]) <= 160, (path, descriptions)
        assert meta(page, "property", "og:description") == descriptions, path
        canonical = page.css('link[rel="canonical"]')
        assert len(canonical) == 1 and canonical[0].attributes["href"] == SITE_URL + path, path
        assert meta(page, "property", "og:url") == [SITE_URL + path], path
        for name in ("og:title", "og:type", "og:site_name", "og:image", "og:image:alt"):
            assert len(meta(page, "property", name)) == 1, (path, name)
        assert meta(page, "name", "twitter:card") == ["summary_large_image"], path
        image = meta(page, "property", "og:image")[0]
        assert image.startswith(SITE_URL) and image.endswith(".png"), (path, image)
        assert site.exists(image.removeprefix(SITE_URL)), (path, image)
        assert meta(page, "property", "og:image:width") == ["1200"] and meta(page, "property", "og:image:height") == [
            "630"
        ]


def test_essay_metadata_matches_what_readers_see(site):
    page = site.page(ESSAY)
    visible_title = page.css_first("article h1").text(deep=False).strip()
    visible_date = page.css_first(".post-header time").attributes["datetime"]
    assert meta(page, "property", "og:type") == ["article"]
    assert meta(page, "property", "og:title") == [visible_title]
    assert meta(page, "property", "og:image") == [SITE_URL + "social/posts/2024/the-quiet-lie.png"]
    assert visible_date == "2024-03-14"  # the date as written; machines get the moment it stands for
    assert meta(page, "property", "article:published_time") == ["2024-03-14T00:00:00+00:00"]
    assert sorted(meta(page, "property", "article:tag")) == sorted(
        a.text() for a in page.css(".post-header a[rel=tag]")
    )
    scripts = page.css('script[type="application/ld+json"]')
    assert len(scripts) == 1
    data = json.loads(scripts[0].text())
    assert data["@context"] == "https://schema.org" and data["@type"] == "BlogPosting"
    assert data["headline"] == visible_title == TITLE
    assert data["datePublished"] == "2024-03-14T00:00:00+00:00"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}", data["dateModified"])
    assert "description" not in data  # said once, in <meta name="description">
    assert data["author"] == [{"@type": "Person", "name": "Alex Rowan", "url": SITE_URL + "about.html"}]
    assert data["image"] == meta(page, "property", "og:image")[0]
    assert data["url"] == SITE_URL + ESSAY
    assert sorted(data["keywords"]) == sorted(meta(page, "property", "article:tag"))
    assert data["wordCount"] == 475


def test_home_page_describes_the_website(site):
    page = site.page("index.html")
    data = json.loads(page.css_first('script[type="application/ld+json"]').text())
    assert data["@type"] == "WebSite"
    assert data["name"] == "Unscripted" and data["url"] == SITE_URL
    assert data["potentialAction"]["target"] == SITE_URL + "search.html?q={query}"
    assert meta(page, "property", "og:type") == ["website"]
    assert meta(page, "property", "og:image") == [SITE_URL + "social/site.png"]
    for path, other in site.parsed.items():
        if path not in {"index.html", ESSAY}:
            assert not other.css('script[type="application/ld+json"]'), path


def test_sitemap_lists_every_public_page_and_nothing_else(site):
    tree = etree.parse(str(site.outdir / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = [loc.text for loc in tree.iterfind(".//s:loc", ns)]
    assert len(listed) == len(set(listed))
    public = sorted(SITE_URL + path for path in site.html_pages if path not in NEVER_INDEXED)
    assert sorted(listed) == public
    lastmod = {
        u.findtext("s:loc", namespaces=ns): u.findtext("s:lastmod", namespaces=ns) for u in tree.iterfind("s:url", ns)
    }
    assert lastmod[SITE_URL + ESSAY] == "2024-03-14T00:00:00+00:00"
    assert site.text("robots.txt") == f"User-agent: *\nAllow: /\n\nSitemap: {SITE_URL}sitemap.xml\n"
    for path in NEVER_INDEXED:
        assert 'name="robots" content="noindex' in site.text(path) or path == "404.html", path


def test_pull_request_previews_are_not_indexed(sites, tmp_path):
    build = sphinx_build(
        sites.make({}, with_essay=True), tmp_path / "out", env={"READTHEDOCS_VERSION_TYPE": "external"}
    )
    assert build.returncode == 0, build.log
    for path, page in build.parsed.items():
        robots = meta(page, "name", "robots")
        assert len(robots) == 1 and robots[0].startswith("noindex"), path
    # Crawlers must be let in to read the noindex.
    assert "Disallow" not in build.text("robots.txt")


def test_icons_exist_and_every_page_links_them(site):
    for name in ("favicon.ico", "apple-touch-icon.png", "icon-512.png"):
        assert site.exists(name), name
    assert site.files()["favicon.ico"][:4] == b"\x00\x00\x01\x00"
    for path, page in site.parsed.items():
        icons = {
            link.attributes["rel"]: resolve(path, link.attributes["href"])
            for link in page.css('link[rel="icon"], link[rel="apple-touch-icon"]')
        }
        assert icons == {"icon": "favicon.ico", "apple-touch-icon": "apple-touch-icon.png"}, path


def test_404_page_works_at_any_depth(site, served_site, browser):
    """Hosts serve 404.html for any missing URL: its styles and links must still work."""
    context = browser.new_context()
    page = context.new_page()
    failed = []
    page.on(
        "response",
        lambda r: failed.append(r.url) if r.status >= 400 and r.request.resource_type != "document" else None,
    )
    try:
        for missing in ("nope.html", "posts/2031/deep/inside/missing.html"):
            response = page.goto(served_site + missing, wait_until="load")
            assert response.status == 404
            assert page.locator("h1").first.inner_text() == "Page not found"
            # Furo's stylesheet applied: the sidebar is laid out as a sidebar.
            assert page.evaluate("getComputedStyle(document.querySelector('.sidebar-drawer')).display") != "inline"
            for href in page.eval_on_selector_all(
                "article a, nav.site-navigation a", "links => links.map(a => a.href)"
            ):
                target = urlsplit(href)
                assert target.path.startswith(urlsplit(served_site).path), href
                assert page.request.get(href).status == 200, href
        assert not failed, failed
    finally:
        context.close()


def test_pages_request_nothing_that_is_missing(site, served_site, browser):
    """No page asks for a missing favicon, font, image or stylesheet."""
    context = browser.new_context()
    page = context.new_page()
    failed = []
    page.on("response", lambda r: failed.append((page.url, r.url, r.status)) if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failed.append((page.url, r.url, r.failure)))
    try:
        for path in site.html_pages:
            if path != "404.html":
                page.goto(served_site + path, wait_until="networkidle")
    finally:
        context.close()
    assert not failed, failed


def test_content_note_is_shown_before_the_essay_and_in_feeds(sites, tmp_path):
    text = (
        (ROOT / "posts/2024/the-quiet-lie.md")
        .read_text()
        .replace("date: 2024-03-14", "date: 2024-03-14\ncontent_note: frank talk about sex and pornography")
    )
    build = sphinx_build(sites.make({"posts/2024/the-quiet-lie.md": text}), tmp_path / "out")
    assert build.returncode == 0, build.log
    page = build.page(ESSAY)
    note = page.css_first('article [role="note"][aria-label="Content note"]')
    assert note.text().strip() == "Content note: frank talk about sex and pornography"
    first_paragraph = page.css_first("article section > p")
    assert note.html and page.html.index(note.html) < page.html.index(first_paragraph.html)
    atom = etree.parse(str(tmp_path / "out/essays/atom.xml")).getroot()
    content = atom.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}content").text
    assert content.lstrip().startswith('<div class="content-note" role="note" aria-label="Content note">')
