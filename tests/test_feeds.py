"""Atom feeds: valid, absolute, distinct, dated by the essays, discoverable."""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import etree
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from unscripted.core.html_policy import sanitize
from unscripted.write.articles import published_article as page_content

from conftest import DATA, NOW, ROOT, SITE_URL, manuscript, resolve, sphinx_build
from feed_rules import json_feed_problems, rss_problems
from tools import as_typed

ESSAY_SOURCE = (ROOT / "posts/2024/the-quiet-lie.md").read_text(encoding="utf-8")

ATOM = "{http://www.w3.org/2005/Atom}"
NS = {"atom": "http://www.w3.org/2005/Atom"}
EXPECTED_FEEDS = [
    "essays/atom.xml",
    "essays/category/reflections/atom.xml",
    *(
        f"essays/tag/{slug}/atom.xml"
        for slug in ["communication", "intimacy", "performance-anxiety", "relationships", "vulnerability"]
    ),
]


@pytest.fixture(scope="module")
def relax_ng() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(DATA / "atom.rng")))


def schematron_rules() -> list[tuple[str, str, str]]:
    """(context, test, message) of every Schematron assertion in RFC 4287's grammar."""
    grammar = etree.parse(str(DATA / "atom.rng"))
    ns = {"s": "http://www.ascc.net/xml/schematron"}
    return [
        (rule.get("context"), check.get("test"), check.text)
        for rule in grammar.iterfind(".//s:rule", ns)
        for check in rule.iterfind("s:assert", ns)
    ]


FORMATS = ("atom.xml", "rss.xml", "feed.json")
LISTINGS = [path.removesuffix("/atom.xml") for path in EXPECTED_FEEDS]


def test_site_tag_and_category_feeds_exist(site):
    assert site.feeds == sorted(EXPECTED_FEEDS)
    for listing in LISTINGS:
        for name in FORMATS:
            assert site.exists(f"{listing}/{name}"), f"{listing}/{name}"


@pytest.mark.parametrize("listing", LISTINGS)
def test_rss_follows_the_rss_2_rules(site, listing):
    path = f"{listing}/rss.xml"
    raw = (site.outdir / path).read_bytes()
    assert rss_problems(raw, self_url=SITE_URL + path, now=dt.datetime.fromisoformat(NOW)) == []
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"


@pytest.mark.parametrize("listing", LISTINGS)
def test_json_feed_follows_its_schema_and_rules(site, listing):
    path = f"{listing}/feed.json"
    raw = (site.outdir / path).read_bytes()
    assert json_feed_problems(json.loads(raw), feed_url=SITE_URL + path, now=dt.datetime.fromisoformat(NOW)) == []


@pytest.mark.parametrize("listing", LISTINGS)
def test_the_three_formats_carry_the_same_entries(site, listing):
    """feedparser reads Atom and RSS; JSON Feed (which it cannot read) is compared field by field."""
    seen = {}
    for name in ("atom.xml", "rss.xml"):
        parsed = feedparser.parse((site.outdir / f"{listing}/{name}").read_bytes())
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
        seen[name] = [
            (
                e.id,
                e.link,
                e.title,
                dt.datetime(*e.published_parsed[:6], tzinfo=dt.UTC),
                # RSS keeps a short entry (an opening) in <description>, a whole essay in content:encoded.
                e.content[0].value if "content" in e else e.summary,
                sorted(t.term for t in e.tags),
            )
            for e in parsed.entries
        ]
    items = json.loads((site.outdir / f"{listing}/feed.json").read_bytes())["items"]
    seen["feed.json"] = [
        (
            i["id"],
            i["url"],
            i["title"],
            dt.datetime.fromisoformat(i["date_published"]),
            i["content_html"],
            sorted(i["tags"]),
        )
        for i in items
    ]
    assert seen["atom.xml"] == seen["rss.xml"] == seen["feed.json"]
    assert len(seen["atom.xml"]) == 1


@pytest.mark.parametrize("path", EXPECTED_FEEDS)
def test_feed_is_valid_atom(site, path, relax_ng):
    raw = (site.outdir / path).read_bytes()
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    assert parsed.version == "atom10"
    tree = etree.fromstring(raw)
    assert relax_ng.validate(tree), f"{path}: {relax_ng.error_log}"
    rules = schematron_rules()
    assert len(rules) >= 3
    for context, check, message in rules:
        for node in tree.xpath("//" + context, namespaces=NS) + ([tree] if context == "atom:feed" else []):
            assert node.xpath(f"boolean({check})", namespaces=NS), f"{path}: {message}"


@pytest.mark.parametrize("path", EXPECTED_FEEDS)
def test_feed_identity_links_and_dates(site, path):
    tree = etree.fromstring((site.outdir / path).read_bytes())
    assert tree.findtext(f"{ATOM}id") == SITE_URL + path
    links = {link.get("rel"): link.get("href") for link in tree.findall(f"{ATOM}link")}
    assert links["self"] == SITE_URL + path
    alternate = links["alternate"]
    assert alternate.startswith(SITE_URL) and site.exists(alternate.removeprefix(SITE_URL))
    assert tree.findtext(f"{ATOM}author/{ATOM}name") == "Alex Rowan"
    entries = tree.findall(f"{ATOM}entry")
    assert len(entries) == 1
    # Dated by the essays, in the configured zone (Europe/London), never the clock.
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert tree.findtext(f"{ATOM}updated") == max(updated) == "2024-03-14T00:00:00+00:00"
    assert entries[0].findtext(f"{ATOM}published") == "2024-03-14T00:00:00+00:00"


def test_feed_ids_are_unique(site):
    ids = [etree.parse(str(site.outdir / path)).getroot().findtext(f"{ATOM}id") for path in site.feeds]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("path", EXPECTED_FEEDS)
def test_every_url_in_the_feed_is_absolute(site, path):
    tree = etree.fromstring((site.outdir / path).read_bytes())
    urls = [tree.findtext(f"{ATOM}id"), *(link.get("href") for link in tree.iter(f"{ATOM}link"))]
    urls += [e.findtext(f"{ATOM}id") for e in tree.iter(f"{ATOM}entry")]
    urls += [c.get("scheme") for c in tree.iter(f"{ATOM}category")]
    for content in tree.iter(f"{ATOM}content"):
        html = HTMLParser(content.text)
        urls += [node.attributes[a] for a in ("href", "src") for node in html.css(f"[{a}]")]
    assert urls
    for url in urls:
        assert url.startswith(SITE_URL), f"{path}: {url!r} is not absolute on {SITE_URL}"
        assert site.exists(urlsplit(url.removeprefix(SITE_URL)).path) or url.endswith("/")


def test_entry_is_the_full_essay_without_page_furniture(site):
    tree = etree.parse(str(site.outdir / "essays/atom.xml")).getroot()
    entry = tree.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}id") == SITE_URL + "posts/2024/the-quiet-lie.html"
    assert entry.findtext(f"{ATOM}title") == "The Quiet Lie We’re Sold About Sex (And How I’m Unlearning It)"
    assert entry.findtext(f"{ATOM}summary").startswith("Great sex isn’t a performance")
    assert sorted(c.get("term") for c in entry.iter(f"{ATOM}category")) == [
        "communication",
        "intimacy",
        "performance anxiety",
        "relationships",
        "vulnerability",
    ]
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    html = HTMLParser(content.text)
    assert [as_typed(p.text()) for p in html.css("p")] == [as_typed(p) for p in manuscript()[1]]
    assert not html.css("h1, .headerlink, .post-header, .system-message, script")
    assert str(ROOT) not in content.text


DISCOVERY = {"atom.xml": "application/atom+xml", "rss.xml": "application/rss+xml", "feed.json": "application/feed+json"}


def test_every_page_links_its_feeds_for_autodiscovery(site):
    for path, page in site.parsed.items():
        feeds = {
            resolve(path, link.attributes["href"]): link.attributes["type"]
            for link in page.css('head link[rel="alternate"]')
        }
        expected = {f"essays/{name}": kind for name, kind in DISCOVERY.items()}
        if path.startswith(("essays/tag/", "essays/category/")):
            expected |= {path.removesuffix(".html") + f"/{name}": kind for name, kind in DISCOVERY.items()}
        assert feeds == expected, path
        for feed in feeds:
            assert site.exists(feed), f"{path}: {feed}"


RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


@pytest.mark.parametrize("path", EXPECTED_FEEDS)
def test_dates_are_rfc3339_with_a_zone_and_never_in_the_future(site, path):
    tree = etree.fromstring((site.outdir / path).read_bytes())
    dates = [node.text for node in tree.iter(f"{ATOM}updated", f"{ATOM}published")]
    assert len(dates) >= 3
    for text in dates:
        assert RFC3339.fullmatch(text), f"{path}: {text!r}"
        assert dt.datetime.fromisoformat(text) <= dt.datetime.fromisoformat(NOW), f"{path}: {text} is in the future"


@pytest.mark.parametrize("path", EXPECTED_FEEDS)
def test_entries_are_unique_and_content_is_inert(site, path):
    tree = etree.fromstring((site.outdir / path).read_bytes())
    entry_ids = [entry.findtext(f"{ATOM}id") for entry in tree.iter(f"{ATOM}entry")]
    assert len(entry_ids) == len(set(entry_ids))
    for content in tree.iter(f"{ATOM}content", f"{ATOM}summary"):
        html = HTMLParser(content.text)
        assert not html.css("script, object, embed, meta, iframe, style, form, base"), path
        assert not [n for n in html.css("*") if any(a.startswith("on") for a in n.attributes)], path
        for leak in ("system-message", "System Message", str(ROOT), "/tmp/", "Traceback", ".md:"):
            assert leak not in content.text, f"{path}: {leak!r} leaked into the feed"


def test_feed_and_entry_ids_stay_the_same_when_the_site_changes(site, sites, tmp_path):
    """Readers key entries by id: adding an essay must not change existing ids."""
    other = ESSAY_SOURCE.replace("# The Quiet Lie", "# Another Lie").replace("date: 2024-03-14", "date: 2024-05-02")
    build = sphinx_build(sites.make({"posts/2024/another.md": other}, with_essay=True), tmp_path / "out")
    assert build.returncode == 0, build.log

    def ids(root, feed):
        tree = etree.parse(str(root / feed)).getroot()
        return tree.findtext(f"{ATOM}id"), {
            e.findtext(f"{ATOM}title"): e.findtext(f"{ATOM}id") for e in tree.iter(f"{ATOM}entry")
        }

    for feed in EXPECTED_FEEDS:
        before_id, before = ids(site.outdir, feed)
        after_id, after = ids(build.outdir, feed)
        assert after_id == before_id
        assert before.items() <= after.items()


def test_feed_entry_is_the_whole_article_without_furniture_and_then_the_allowlist(tmp_path):
    """The entry is the essay as its page has it (footnotes too), minus page furniture; then the
    write boundary applies again, with the site's own address as the only source of images."""
    page = tmp_path / "essay.html"
    page.write_text(
        '<html><body><article role="main"><section id="s"><h1>T<a class="headerlink" href="#s">#</a></h1>'
        '<div class="post-header">by me</div><p>Kept<a class="footnote-reference" href="#n">1</a> '
        '<img src="../../_images/x.png" alt="x"></p><p><a href="other.html#f">more</a></p></section>'
        '<aside class="footnote-list"><aside class="footnote" id="n"><p>A note.</p></aside></aside>'
        '<section class="related-essays"><h2>Related essays</h2></section></article></body></html>'
    )
    html = page_content(page, SITE_URL + "posts/2024/essay.html")
    assert html == (
        '<p>Kept<a class="footnote-reference" href="https://example.org/unscripted/posts/2024/'
        'essay.html#n">1</a> <img src="https://example.org/unscripted/_images/x.png" alt="x"></p>'
        '<p><a href="https://example.org/unscripted/posts/2024/other.html#f">more</a></p>'
        '<aside class="footnote-list"><aside class="footnote" id="n"><p>A note.</p></aside></aside>'
    )
    assert sanitize(html, site_prefix=SITE_URL) == (html, [])
    hostile = html.replace("<p>A note.</p>", '<p onclick="steal()">A note.<script>steal()</script></p>')
    delivered, removed = sanitize(hostile, site_prefix=SITE_URL)
    assert removed and "onclick" not in delivered and "<script" not in delivered


def test_entry_dates_use_the_configured_zone_not_the_machines(sites, tmp_path):
    summer = ESSAY_SOURCE.replace("date: 2024-03-14", "date: 2024-07-01")
    srcdir = sites.make({"posts/2024/the-quiet-lie.md": summer})
    build = sphinx_build(srcdir, tmp_path / "out", doctreedir=tmp_path / "dt", env={"TZ": "Pacific/Auckland"})
    assert build.returncode == 0, build.log
    tree = etree.parse(str(tmp_path / "out/essays/atom.xml")).getroot()
    assert tree.find(f"{ATOM}entry").findtext(f"{ATOM}published") == "2024-07-01T00:00:00+01:00"
