"""Full-text Atom feeds for the site and for every tag and category.

Replaces ABlog's feed writer, whose feeds share one ``<id>``, take
``<updated>`` from the clock and dates from the machine's time zone, keep
relative links inside ``<content>``, and are not written at all without
``blog_baseurl``. Entry content is taken from each essay's written page, so it
is exactly what readers of the site see, rendered once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from ablog.blog import Collection, Post
from feedgen.feed import FeedGenerator
from sphinx.application import Sphinx
from sphinx.util import logging

from unscripted import __version__
from unscripted.posts import PostRecord, published_blog, records

logger = logging.getLogger(__name__)

FEED_FILE = "atom.xml"
# Parts of an essay page that are page furniture, not the essay: the title (the
# entry has its own), permalinks, our byline, and docutils' error reports, which
# can carry paths of the build machine.
NOT_CONTENT_CLASSES = ("headerlink", "post-header", "system-message", "system-messages", "not-in-feed")
# Feed readers must never be handed active content, whatever an essay holds.
UNSAFE_ELEMENTS = ("script", "noscript", "style", "link", "meta", "base", "object", "embed", "iframe", "form")
NOT_CONTENT = " | ".join(
    [".//h1", *(f".//{name}" for name in UNSAFE_ELEMENTS)]
    + [f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]" for name in NOT_CONTENT_CLASSES]
)


@dataclass(frozen=True)
class Feed:
    path: str  # output path, relative to the site root
    title: str
    page: str  # docname of the HTML page this feed follows
    posts: tuple[Post, ...]  # newest first


def feed_path(collection: Collection) -> str:
    return f"{collection.docname}/{FEED_FILE}"


def site_feeds(app: Sphinx) -> list[Feed]:
    """Every feed the site publishes: the whole site, each tag, each category."""
    blog = published_blog(app)
    title = app.config.blog_title
    feeds = [Feed(feed_path(blog.posts), title, blog.posts.docname, tuple(blog.posts))]
    for catalog, label in ((blog.tags, "tagged"), (blog.category, "in")):
        for collection in catalog:
            if len(collection):
                feeds.append(
                    Feed(
                        feed_path(collection),
                        f"{title}: essays {label} “{collection.name}”",
                        collection.docname,
                        tuple(collection),
                    )
                )
    return feeds


def write_feeds(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    posts = records(app.env)
    for feed in site_feeds(app):
        xml = atom(app, feed, posts)
        target = Path(app.outdir, feed.path)
        if target.is_file() and target.read_bytes() == xml:
            continue  # unchanged: keep the file (and its timestamp) as it is
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(xml)


def atom(app: Sphinx, feed: Feed, posts: dict[str, PostRecord]) -> bytes:
    config = app.config
    base = config.blog_baseurl
    entries = [post for post in feed.posts if post.docname in posts][: config.blog_feed_length]

    generator = FeedGenerator()
    generator.id(base + feed.path)
    generator.title(feed.title)
    generator.subtitle(config.blog_feed_subtitle)
    generator.author({"name": config.author})
    generator.link(href=base + app.builder.get_target_uri(feed.page), rel="alternate")
    generator.link(href=base + feed.path, rel="self")
    generator.language(config.language)
    generator.generator("Sphinx with ABlog", version=__version__, uri="https://ablog.readthedocs.io/")
    generator.rights(f"© {config.copyright}")
    newest = max((posts[post.docname].updated for post in entries), default=None)
    # An empty feed has no posts to date it by; the epoch is stable across builds.
    generator.updated(newest or dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc))

    for post in entries:
        record = posts[post.docname]
        url = base + app.builder.get_target_uri(post.docname)
        entry = generator.add_entry(order="append")
        entry.id(url)
        entry.title(record.title)
        entry.link(href=url, rel="alternate")
        entry.published(record.date)
        entry.updated(record.updated)
        for author in post.author:
            entry.author({"name": author.name})
        for tag in post.tags:
            entry.category(term=tag.name, label=tag.name, scheme=base + app.builder.get_target_uri(tag.docname))
        summary = record.source.description or lxml.html.fromstring(record.excerpt_html or "<p></p>").text_content()
        if summary:
            entry.summary(summary)
        entry.content(page_content(Path(app.outdir, app.builder.get_target_uri(post.docname)), url), type="html")
    return generator.atom_str(pretty=True)


def page_content(page: Path, url: str) -> str:
    """The essay as published on *page*, without page furniture, with absolute links."""
    document = lxml.html.fromstring(page.read_bytes())
    article = document.find(".//article[@role='main']")
    for element in article.xpath(NOT_CONTENT):
        element.drop_tree()
    for element in article.iter():
        for name, value in list(element.attrib.items()):
            if name.startswith("on") or value.strip().lower().startswith("javascript:"):
                del element.attrib[name]
    article.make_links_absolute(url, resolve_base_href=False)
    sections = article.findall("section")
    container = sections[0] if len(sections) == 1 else article
    html = "".join(lxml.html.tostring(child, encoding="unicode") for child in container)
    return ((container.text or "").strip() + html).strip()


def setup(app: Sphinx) -> dict:
    app.setup_extension("unscripted.posts")
    app.connect("build-finished", write_feeds)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
