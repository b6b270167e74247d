"""Every writer: essays in thirteen languages and nine scripts, every common MyST feature,
published the same in the page and in every feed (``tests/data/multilingual``)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import etree
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from conftest import sphinx_build
from tools import SITE_URL, check, page_urls, serve

CORPUS = Path(__file__).parent / "data" / "multilingual"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# docname -> (language, direction)
LANGUAGES = {
    "posts/2024/la-juste-distance": ("fr", "ltr"),
    "posts/2024/tishina-vdvoyom": ("ru", "ltr"),
    "posts/2024/kotoba-no-mae-ni": ("ja", "ltr"),
    "posts/2025/ma-la-naquluhu": ("ar", "rtl"),
    "posts/2025/lishol-lifnei": ("he", "rtl"),
    "posts/2025/oso-plisiazoume": ("el", "ltr"),
    "posts/2025/roz-ek-saval": ("hi", "ltr"),
    "posts/2025/man-man-shuo": ("zh-Hans", "ltr"),
    "posts/2025/seotun-gobaek": ("ko", "ltr"),
    "posts/2025/das-gewicht-eines-neins": ("de", "ltr"),
    "posts/2026/lo-que-el-cuerpo-recuerda": ("es", "ltr"),
    "posts/2026/saudade-de-quem-esta-perto": ("pt-BR", "ltr"),
    "posts/2026/words-we-borrow": ("en", "ltr"),
}
FEATURES = {  # what the corpus uses, as the page shows it; each must reach the feeds too
    "math": "math",
    "footnotes": "aside.footnote",
    "figures": "figure img",
    "captions": "figcaption",
    "admonitions": "div.admonition",
    "epigraphs": "blockquote.epigraph",
    "tables": "table",
    "code": "pre",
    "definition lists": "dl",
}


def essay_page(build, docname: str) -> HTMLParser:
    return build.page(f"{docname}.html")


def words(html: str) -> str:
    """The text of some HTML as a reader reads it: permalinks and bylines aside."""
    page = HTMLParser(f"<div>{html}</div>")
    for node in page.css("a.headerlink, div.post-header, annotation"):
        node.decompose()
    return " ".join(page.text(separator=" ").split())


def the_essay(build, docname: str) -> str:
    """The essay on its page, as feeds should carry it: its text (the first section, title
    aside) and its footnotes; never what follows it (related essays, neighbours)."""
    article = essay_page(build, docname).css_first("article[role=main]")
    footnotes = "".join(aside.html for aside in article.css("aside.footnote-list"))
    text = words(article.css_first("section").html + footnotes)
    return text.removeprefix(words(article.css_first("h1").html)).strip()


def test_the_corpus_builds_with_nothing_to_say(multilingual):
    assert "WARNING" not in multilingual.log and "ERROR" not in multilingual.log
    assert len(LANGUAGES) >= 10 and len({lang for lang, _ in LANGUAGES.values()}) >= 5


def test_every_tag_and_category_page_is_written_where_it_is_linked(multilingual):
    for docname in LANGUAGES:
        for link in essay_page(multilingual, docname).css("div.post-labels a"):
            path = unquote(link.attributes["href"].split("/essays/", 1)[-1])
            assert multilingual.exists(f"essays/{path}"), (docname, link.attributes["href"])
    for tag in ("близость", "つながり", "आत्मीयता", "تأملات", "친밀감", "省察"):
        assert any(name.startswith("essays/") and f"/{tag}" in name for name in multilingual.html_pages), tag


def test_every_internal_link_resolves_in_pages_feeds_and_the_sitemap(multilingual):
    problems = []
    for path, page in multilingual.parsed.items():
        problems += check(multilingual, path, page_urls(page))
    for feed in multilingual.feeds:
        tree = etree.parse(str(multilingual.outdir / feed)).getroot()
        urls = [link.get("href") for link in tree.iter(f"{ATOM}link")]
        for content in tree.iter(f"{ATOM}content"):
            urls += page_urls(HTMLParser(content.text))
        problems += check(multilingual, feed, urls)
    for feed in multilingual.outdir.rglob("feed.json"):
        document = json.loads(feed.read_text(encoding="utf-8"))
        urls = [document["feed_url"], document["home_page_url"]]
        for item in document["items"]:
            urls += [item["url"], *page_urls(HTMLParser(item["content_html"]))]
        problems += check(multilingual, str(feed.relative_to(multilingual.outdir)), urls)
    sitemap = etree.parse(str(multilingual.outdir / "sitemap.xml"))
    locations = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert not [loc for loc in locations if "%25" in loc], "percent-encoded twice"
    assert not [loc for loc in locations if not re.fullmatch(r"[\x21-\x7e]+", loc)], "IRIs, not URLs"
    problems += check(multilingual, "sitemap.xml", locations)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("docname", LANGUAGES)
def test_each_essay_carries_its_language_and_direction(multilingual, docname):
    language, direction = LANGUAGES[docname]
    page = essay_page(multilingual, docname)
    assert page.css_first("html").attributes["lang"] == "en"  # the page's; the essay's text is its own
    text = page.css_first("article div.essay-text")
    if language == "en":
        assert text is None
        return
    assert text.attributes["lang"] == language
    assert text.attributes.get("dir") == ("rtl" if direction == "rtl" else None)
    assert text.css_first("h1") and text.css_first("aside.footnote-list")  # title and footnotes alike
    byline = page.css_first("div.post-header")
    assert byline.attributes["lang"] == "en" and byline.attributes["dir"] == "ltr"


def test_feeds_and_listings_say_each_essays_language(multilingual):
    atom = etree.parse(str(multilingual.outdir / "essays/atom.xml")).getroot()
    assert atom.get(XML_LANG) == "en"
    by_url = {entry.findtext(f"{ATOM}id"): entry.get(XML_LANG) for entry in atom.iter(f"{ATOM}entry")}
    items = json.loads((multilingual.outdir / "essays/feed.json").read_text(encoding="utf-8"))["items"]
    for docname, (language, _) in LANGUAGES.items():
        url = f"{SITE_URL}{docname}.html"
        if url in by_url:
            assert by_url[url] == (None if language == "en" else language), docname
        assert next(item["language"] for item in items if item["url"] == url) == language
    tag = multilingual.text("essays/tag/الثقة.html")  # an Arabic tag's page, in an English site
    assert '<h2 lang="ar" dir="rtl">' in tag
    everything = multilingual.text("essays.html")  # excerpts: on the list of all essays
    assert '<div class="essay-excerpt" lang="ar" dir="rtl">' in everything


@pytest.mark.parametrize("docname", LANGUAGES)
def test_every_feed_entry_holds_the_whole_essay(multilingual, docname):
    """In the site's feed, in all three formats, the whole essay with every feature it uses; in
    its tags' and categories' feeds, its opening (what listings show) and a link to it."""
    essay = the_essay(multilingual, docname)
    page = essay_page(multilingual, docname)
    used = [feature for feature, selector in FEATURES.items() if page.css_first(f"article {selector}")]
    url = f"{SITE_URL}{docname}.html"
    entries: dict[str, list[tuple[str, str]]] = {}
    for path in multilingual.outdir.rglob("atom.xml"):
        for entry in etree.parse(str(path)).getroot().iter(f"{ATOM}entry"):
            if entry.findtext(f"{ATOM}id") == url:
                entries.setdefault(path.parent.name, []).append(("Atom", entry.findtext(f"{ATOM}content")))
    for path in multilingual.outdir.rglob("rss.xml"):
        for item in etree.parse(str(path)).getroot().iter("item"):
            if item.findtext("link") == url:
                content = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or item.findtext(
                    "description"
                )
                entries.setdefault(path.parent.name, []).append(("RSS", content))
    for path in multilingual.outdir.rglob("feed.json"):
        for item in json.loads(path.read_text())["items"]:
            if item["url"] == url:
                entries.setdefault(path.parent.name, []).append(("JSON", item["content_html"]))
    site_feed = entries.pop("essays")
    assert len(site_feed) == 3
    for kind, html in site_feed:
        assert words(html) == essay, kind
        entry = HTMLParser(f"<div>{html}</div>")
        assert [f for f in used if entry.css_first(FEATURES[f])] == used, kind
    assert len(used) >= 3
    title = page.css_first("article h1").text(deep=True).replace("#", "").strip()
    listed = {}  # what the list of all essays shows of each essay
    for path in [multilingual.outdir / "essays.html", *multilingual.outdir.glob("essays/page/*.html")]:
        for summary in HTMLParser(path.read_text(encoding="utf-8")).css("ol.essay-list > li"):
            listed[summary.css_first("h2 a").text()] = words(summary.css_first(".essay-excerpt").html)
    assert entries, "the essay is in no tag's or category's feed"
    for listing, found in entries.items():
        assert len(found) == 3, listing
        for kind, html in found:
            entry = HTMLParser(f"<div>{html}</div>")
            note, page_note = entry.css_first("div.content-note"), page.css_first("article div.content-note")
            assert (note is None) == (page_note is None), (listing, kind)  # a content note comes first
            if note is not None:
                assert words(note.html) == words(page_note.html), (listing, kind)
                note.decompose()
            opening, link = words(entry.css_first("div").html).rsplit(" Read “", 1)
            assert link == f"{' '.join(title.split())}”", (listing, kind)
            assert opening == listed[" ".join(title.split())], (listing, kind)
            assert HTMLParser(html).css("a")[-1].attributes["href"] == url


def test_together_the_corpus_uses_every_feature(multilingual):
    used = {f for docname in LANGUAGES for f, s in FEATURES.items() if essay_page(multilingual, docname).css_first(s)}
    assert used == set(FEATURES)


@pytest.mark.parametrize(
    ("docname", "says"),
    [
        ("posts/2024/kotoba-no-mae-ni", r"[ (]1,0\d\d characters\)"),  # not "116 words"
        ("posts/2025/man-man-shuo", r"[ (]7\d\d characters\)"),
        ("posts/2025/roz-ek-saval", r"\(4[0-4]\d words\)"),  # marks are part of words: not 675
        ("posts/2025/seotun-gobaek", r"\(2[89]\d words\)"),  # Korean spaces its words
    ],
)
def test_length_is_counted_as_its_readers_count_it(multilingual, docname, says):
    byline = essay_page(multilingual, docname).css_first("p.post-byline").text()
    assert re.search(says, byline), byline
    characters = int(re.search(r"([\d,]+) characters", byline)[1].replace(",", "")) if "char" in byline else 0
    minutes = int(re.search(r"(\d+) min read", byline)[1])
    if characters:
        assert minutes == max(1, round(characters / 300))


def test_a_revision_date_is_shown_to_readers(multilingual):
    updated = [d for d in LANGUAGES if "updated:" in (CORPUS / f"{d}.md").read_text(encoding="utf-8")]
    assert len(updated) == 5
    for docname in updated:
        byline = essay_page(multilingual, docname).css_first("p.post-byline")
        assert byline.css_first("span.post-updated time").attributes["datetime"], docname
        assert "Updated " in byline.text()


def test_anchors_links_prices_and_phrases_in_other_languages(multilingual):
    arabic = essay_page(multilingual, "posts/2025/ma-la-naquluhu")
    assert arabic.css_first('[id="الكلمات-المؤجَّلة"]'), "a heading's marks kept in its anchor"
    hindi = essay_page(multilingual, "posts/2025/roz-ek-saval")
    assert hindi.css_first('[id="एक-पुरानी-डायरी"]')
    borrowed = essay_page(multilingual, "posts/2026/words-we-borrow")
    assert "$14" in borrowed.css_first("article").text()
    assert borrowed.css_first('span[lang="he"]'), "[words]{lang=he} keeps its language"


@pytest.mark.parametrize("docname", LANGUAGES)
def test_each_essay_has_a_card(multilingual, docname):
    (card,) = Path(multilingual.outdir, "social").glob(f"{docname}.*")  # drawn, or the essay's own image
    assert card.stat().st_size > 1000


def test_code_and_footnotes_in_a_right_to_left_essay_sit_where_they_begin(sites, tmp_path, browser):
    """In a Hebrew essay a code block reads left to right from the column's left edge, and a
    footnote's label stands at the right, where its text begins."""
    essay = (
        "---\ndate: 2024-03-14\nlanguage: he\n---\n\n# קוד\n\nשורה עם הערה.[^1]\n\n"
        "```python\nprint('שלום')\n```\n\n    x = 1\n\n[^1]: הערה קצרה.\n"
    )
    build = sphinx_build(sites.make({"posts/2024/code.md": essay}), tmp_path / "out")
    assert build.returncode == 0, build.log
    page = browser.new_page()
    try:
        with serve(tmp_path / "out") as url:
            page.goto(url + "posts/2024/code.html")
            blocks = page.locator("article .essay-text pre")
            assert blocks.count() == 2
            for block in blocks.all():
                assert block.evaluate("e => getComputedStyle(e).direction") == "ltr"
                starts = block.evaluate(
                    "e => { const r = document.createRange(); r.selectNodeContents(e);"
                    " return r.getClientRects()[0].left - e.getBoundingClientRect().left; }"
                )
                assert starts < 24, f"code starts {starts:.0f} px from the left edge"
            label, text = (page.locator(f"aside.footnote > {part}").first.bounding_box() for part in ("span", "p"))
            assert label["x"] >= text["x"] + text["width"] - 1, (label, text)
    finally:
        page.close()
