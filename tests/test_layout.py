"""Every page, ABlog's generated ones included, is a real Furo page."""

from __future__ import annotations

import pytest

from conftest import resolve

NAVIGATION = {
    "Home": "index.html",
    "All essays": "essays.html",
    "Tags": "essays/tag.html",
    "Archive": "essays/archive.html",
    "About": "about.html",
    "Feed": "essays/atom.xml",
    "E-book": "books/unscripted.epub",
}


def test_every_page_has_furos_layout_and_one_main(site):
    assert len(site.html_pages) >= 15
    for path, page in site.parsed.items():
        assert "inheriting from" not in page.text(), f"{path}: Furo's error page"
        for selector in ("div.page", "aside.sidebar-drawer", "header.mobile-header", "div.main", "footer"):
            assert page.css_first(selector), f"{path}: no {selector}, so not Furo's layout"
        mains = page.css("main") + page.css('[role="main"]')
        assert len(mains) == 1, f"{path}: {len(mains)} main landmarks"
        assert mains[0].attributes.get("id") == "furo-main-content", path
        # Furo's theme switch and its script: light, dark and auto modes.
        assert page.css("button.theme-toggle"), path
        assert page.css_first('meta[name="viewport"]'), path


def test_navigation_reaches_every_destination_from_every_page(site):
    for path, page in site.parsed.items():
        nav = page.css_first('nav.site-navigation[aria-label="Site"]')
        assert nav, path
        links = {a.text().strip(): resolve(path, a.attributes["href"]) for a in nav.css("a")}
        assert links == NAVIGATION, path
        for target in links.values():
            assert site.exists(target), f"{path}: navigation links to missing {target}"
        current = [a.text() for a in nav.css('a[aria-current="page"]')]
        assert current == [t for t, p in NAVIGATION.items() if p == path], path


def test_essay_byline_sits_under_the_title_in_the_article(site):
    page = site.page("posts/2024/the-quiet-lie.html")
    header = page.css_first("article section > h1").next
    while header is not None and header.tag == "-text":
        header = header.next
    assert header is not None and "post-header" in header.attributes.get("class", "")
    assert header.css_first("time").attributes["datetime"] == "2024-03-14"  # a date, as written
    assert "14 March 2024" in header.text()
    assert "min read" in header.text()
    links = {a.text(): resolve("posts/2024/the-quiet-lie.html", a.attributes["href"]) for a in header.css("a")}
    assert links["Alex Rowan"] == "essays/author/alex-rowan.html"
    assert links["Reflections"] == "essays/category/reflections.html"
    assert links["performance anxiety"] == "essays/tag/performance-anxiety.html"
    assert [a.text() for a in header.css('a[rel="tag"]')] == [
        "intimacy",
        "relationships",
        "performance anxiety",
        "communication",
        "vulnerability",
    ]
    for target in links.values():
        assert site.exists(target)


@pytest.mark.parametrize(
    ("path", "widgets"),
    [
        ("index.html", True),
        ("essays.html", True),
        ("essays/tag/intimacy.html", True),
        ("essays/archive.html", True),
        ("posts/2024/the-quiet-lie.html", False),
        ("about.html", False),
    ],
)
def test_blog_widgets_are_furo_styled_and_only_on_listings(site, path, widgets):
    page = site.page(path)
    found = page.css("aside.sidebar-drawer nav.essay-widget")
    assert bool(found) == widgets
    for widget in found:
        # Furo's navigation markup: a heading styled as Furo's captions; no bare lists.
        assert [h.tag for h in widget.css("h1, h2, h3, h4, h5, h6")] == ["h2"]
        assert widget.css_first("h2.caption > .caption-text")
        assert all("toctree-l1" in li.attributes.get("class", "") for li in widget.css("li"))


def test_sources_and_build_cache_are_not_published(site):
    assert not (site.outdir / "_sources").exists()
    assert not (site.outdir / ".doctrees").exists()
    assert not list(site.outdir.rglob("*.pickle"))
    assert not list(site.outdir.rglob("*.doctree"))
    for path, page in site.parsed.items():
        assert not page.css('a[href*="_sources/"]'), path


def test_printing_an_essay_prints_the_essay_and_its_byline_only(site, served_site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(served_site + "posts/2024/the-quiet-lie.html", wait_until="load")

        def shown(selector: str) -> bool:
            return page.eval_on_selector(
                selector, "e => getComputedStyle(e).display !== 'none' && e.getClientRects().length > 0"
            )

        assert shown(".sidebar-drawer") and shown("nav.site-navigation")
        page.emulate_media(media="print")
        for selector in (
            ".sidebar-drawer",
            ".toc-drawer",
            ".mobile-header",
            ".theme-toggle-container",
            "nav.site-navigation",
        ):
            assert not shown(selector), selector
        for selector in ("article h1", ".post-header .post-byline", ".post-tags", "article section > p"):
            assert shown(selector), selector
        assert page.pdf(format="A4")[:4] == b"%PDF"
    finally:
        context.close()


def test_the_icons_draw_as_furos_do(site, browser):
    """Pages carry no icon sprite: the site's style sheet draws each of Furo's icons as a mask
    over its element (write/assets.py). Drawn in Chromium at 96 px from the built style sheet,
    in the element Furo's markup puts it in (the theme toggle's, in each theme and colour
    scheme), each is Furo's icon pixel for pixel, up to antialiasing; no page points to a sprite."""
    import io
    import re
    from pathlib import Path

    import furo
    from PIL import Image, ImageChops

    from unscripted.write.assets import ICON_ELEMENTS, ICON_SCHEMES

    for path in ("posts/2024/the-quiet-lie.html", "index.html", "essays.html"):
        assert "<use" not in site.text(path) and "<symbol" not in site.text(path), path
        # Furo's theme toggle holds one icon element, in the page's header and beside its content.
        assert site.text(path).count('<svg class="theme-icon"></svg>') == 2, path
        assert "theme-icon-when" not in site.text(path), path
    furos = re.sub(r"\{#.*?#\}", "", (Path(furo.__file__).parent / "theme/furo/partials/icons.html").read_text())
    style_sheet = site.text("_static/unscripted-site.css")
    fixed = "#icon{display:block!important;width:96px!important;height:96px!important;margin:0!important;"
    fixed += "color:#000!important;transform:none!important}body{background:#fff!important}"
    fixed += ".holder{display:block!important;visibility:visible!important}"  # hidden on some screens
    page = browser.new_page(viewport={"width": 200, "height": 200})

    def element(selector: str) -> str:
        """Markup that *selector* matches: '.a svg' is <div class="a"><svg id="icon"></svg></div>,
        and 'body[data-theme=dark] svg.b' is <body data-theme="dark"><svg id="icon" class="b">."""
        *outer, last = selector.split(",")[0].split()
        tag, *classes = last.split(".")
        markup = f'<{tag} id="icon" class="{" ".join(classes)}"></{tag}>'
        for part in reversed(outer):
            if part.startswith("body["):
                return f'<body data-theme="{part[len("body[data-theme=") : -1]}">{markup}</body>'
            name, *classes = part.split(".")
            markup = f'<{name or "div"} class="holder {" ".join(classes)}">{markup}</{name or "div"}>'
        return f'<body data-theme="auto">{markup}</body>'

    def drawn(content: str) -> Image.Image:
        page.set_content(content)
        return Image.open(io.BytesIO(page.locator("#icon").screenshot())).convert("L")

    try:
        for name, selector in ICON_ELEMENTS.items():
            page.emulate_media(color_scheme=ICON_SCHEMES.get(name, "light"))
            ours = drawn(f"<style>{style_sheet}</style><style>{fixed}</style>{element(selector)}")
            page.emulate_media(color_scheme="light")
            theirs = drawn(f'{furos}<svg id="icon" width="96" height="96"><use href="#{name}"></use></svg>')
            assert ours.getextrema()[0] < 64, name  # something is drawn
            difference = ImageChops.difference(ours, theirs)
            # A stroke drawn as part of one path or as its own line differs on an edge pixel or two.
            assert max(difference.getextrema()) <= 64, name
            assert sum(level * n for level, n in enumerate(difference.histogram())) / 96**2 < 0.25, name
    finally:
        page.close()


def test_every_static_file_published_is_loaded_by_some_page(site):
    """Sphinx copies every theme's static files; only what a page, its style sheets or its
    scripts load is published (write/assets.py), and the licences of the fonts published. A
    font loads only for a character in its ``unicode-range``: one no page holds is not
    published (tests/test_fonts.py checks that a page holding one gets it)."""
    import html
    import posixpath
    import re

    from test_fonts import codepoints

    static = site.outdir / "_static"
    published = {p.relative_to(site.outdir).as_posix() for p in static.rglob("*") if p.is_file()}
    loaded, shown = set(), set()
    for path in site.html_pages:
        shown |= set(html.unescape(site.text(path)))
        for link in site.page(path).css("link[href], script[src]"):
            url = (link.attributes.get("href") or link.attributes.get("src")).split("?")[0]
            target = (site.outdir / path).parent.joinpath(url).resolve()
            if target.is_relative_to(static.resolve()):
                loaded.add(target.relative_to(site.outdir.resolve()).as_posix())
    sheets = {name: (site.outdir / name).read_text(encoding="utf-8") for name in loaded if name.endswith(".css")}
    shown |= {character for text in sheets.values() for character in text}  # generated content
    drawn = {ord(character) for character in shown}
    for name, text in [*sheets.items(), *((n, (site.outdir / n).read_text()) for n in loaded if n.endswith(".js"))]:
        for face in re.findall(r"@font-face\s*{([^}]*)}", text):
            span = re.search(r"unicode-range:\s*([^;}]+)", face)
            if span is None or codepoints(span[1]) & drawn:
                loaded |= {
                    posixpath.normpath(posixpath.join(posixpath.dirname(name), u))
                    for u in re.findall(r'url\("?([^")]+)"?\)', face)
                }
        for found in re.findall(
            r'url\("?([^")]+)"?\)|sourceMappingURL=(\S+)', re.sub(r"@font-face\s*{[^}]*}", "", text)
        ):
            url = next(part for part in found if part)
            if not url.startswith("data:"):
                loaded.add(posixpath.normpath(posixpath.join(posixpath.dirname(name), url)))
    assert loaded <= published, loaded - published
    licences = {name for name in published if re.search(r"(LICENSE|OFL)[^/]*$", name)}
    assert published - licences == loaded, published - licences - loaded
    fonts = {name.rsplit("/", 1)[1] for name in loaded if name.endswith(".woff2")}
    for licence in licences - {"_static/scripts/furo.js.LICENSE.txt"}:
        family = licence.rsplit("/", 1)[1].split("OFL")[0].strip("-.").lower()
        covers = {"sourceserif4": ("sourceserif4", "unscriptedserif"), "": ("libertinusmath",)}.get(family, (family,))
        assert any(font.replace("-", "").lower().startswith(covers) for font in fonts), f"{licence} for no font"
