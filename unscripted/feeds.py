"""Full-text feeds, in Atom, RSS 2.0 and JSON Feed 1.1, for the site and every tag and category.

Replaces ABlog's feed writer, whose feeds share one ``<id>``, take
``<updated>`` from the clock and dates from the machine's time zone, keep
relative links inside ``<content>``, and are not written at all without
``blog_baseurl``. Each entry's content is taken once from the essay's written
page, so it is exactly what readers of the site see; the three formats of a
feed carry the same entries. A feed file is only rewritten when it changes.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from ablog.blog import Post
from feedgen.feed import FeedGenerator
from sphinx.application import Sphinx

from unscripted import __version__
from unscripted.brand_images import preview_path
from unscripted.incremental import Fingerprints, prune, site_digest, write_if_changed
from unscripted.posts import PostRecord, published_blog, publishing, records

# (file name, media type, name readers know it by)
FORMATS = (
    ("atom.xml", "application/atom+xml", "Atom"),
    ("rss.xml", "application/rss+xml", "RSS"),
    ("feed.json", "application/feed+json", "JSON Feed"),
)
MEDIA_TYPES = {file_name: media_type for file_name, media_type, _ in FORMATS}
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
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


@dataclass(frozen=True)
class Feed:
    listing: str  # docname of the page the feed follows; its files live under it
    title: str
    posts: tuple[Post, ...]  # newest first

    def path(self, file_name: str) -> str:
        return f"{self.listing}/{file_name}"


@dataclass(frozen=True)
class Item:
    """One essay as every feed format carries it."""

    url: str
    title: str
    published: dt.datetime
    updated: dt.datetime
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    summary: str
    content: str
    image: str


def feed_links(app: Sphinx, listing: str, title: str) -> list[dict[str, str]]:
    """The feeds of a listing page, for ``<link rel="alternate">`` and visible links."""
    site = app.config.blog_title
    name = site if listing == published_blog(app).posts.docname else f"{site}: {title}"
    return [
        {"path": f"{listing}/{file_name}", "type": media_type, "title": f"{name} ({label})", "label": label}
        for file_name, media_type, label in FORMATS
    ]


def site_feeds(app: Sphinx) -> list[Feed]:
    """Every feed the site publishes: the whole site, each tag, each category."""
    blog = published_blog(app)
    title = app.config.blog_title
    feeds = [Feed(blog.posts.docname, title, tuple(blog.posts))]
    for catalog, label in ((blog.tags, "tagged"), (blog.category, "in")):
        for collection in catalog:
            if len(collection):
                feeds.append(
                    Feed(collection.docname, f"{title}: essays {label} “{collection.name}”", tuple(collection))
                )
    return feeds


def write_feeds(app: Sphinx, exception: Exception | None) -> None:
    """Write every feed whose entries changed; delete the feeds of vanished tags and categories."""
    if exception is not None or not publishing(app):
        return
    config = app.config
    posts = records(app.env)
    appearances = app.env.unscripted_appearances
    items: dict[str, Item] = {}  # each essay's page is read once for all its feeds
    fingerprints = Fingerprints(app, "feeds")
    shared = (site_digest(app), config.blog_feed_length)
    written: set[str] = set()

    def item_for(post: Post) -> Item:
        if post.docname not in items:
            items[post.docname] = make_item(app, post, posts[post.docname])
        return items[post.docname]

    for feed in site_feeds(app):
        members = [p for p in feed.posts if p.docname in posts][: config.blog_feed_length]
        paths = [Path(app.outdir, feed.path(file_name)) for file_name, _, _ in FORMATS]
        written.update(feed.path(file_name) for file_name, _, _ in FORMATS)
        # An essay's page is rewritten when its content changes: its size and time stand for it.
        inputs = [(p.docname, appearances[p.docname], page_stamp(app, p.docname)) for p in members]
        if not fingerprints.changed(feed.listing, shared, feed.title, inputs) and all(p.is_file() for p in paths):
            continue
        entries = [item_for(p) for p in members]
        for path, (file_name, _, _) in zip(paths, FORMATS, strict=True):
            write_if_changed(path, render(app, feed, entries, file_name))
    names = tuple(file_name for file_name, _, _ in FORMATS)
    prune(Path(app.outdir), published_blog(app).posts.docname, written, names)
    fingerprints.save()


def page_stamp(app: Sphinx, docname: str) -> tuple[int, int]:
    status = Path(app.outdir, app.builder.get_target_uri(docname)).stat()
    return status.st_mtime_ns, status.st_size


def make_item(app: Sphinx, post: Post, record: PostRecord) -> Item:
    base = app.config.blog_baseurl
    url = base + app.builder.get_target_uri(post.docname)
    summary = record.source.description or lxml.html.fromstring(record.excerpt_html or "<p></p>").text_content()
    return Item(
        url=url,
        title=record.title,
        published=record.date,
        updated=record.updated,
        authors=tuple(author.name for author in post.author),
        tags=tuple(tag.name for tag in post.tags),
        summary=" ".join(summary.split()),
        content=page_content(Path(app.outdir, app.builder.get_target_uri(post.docname)), url),
        image=base + preview_path(app, post.docname),
    )


def render(app: Sphinx, feed: Feed, items: list[Item], file_name: str) -> bytes:
    config = app.config
    base = config.blog_baseurl
    page_url = base + app.builder.get_target_uri(feed.listing)
    feed_url = base + feed.path(file_name)
    # An empty feed has no essays to date it by; the epoch is stable across builds.
    updated = max((item.updated for item in items), default=dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    if file_name == "feed.json":
        return json_feed(app, feed, items, page_url, feed_url)

    generator = FeedGenerator()
    generator.id(feed_url)
    generator.title(feed.title)
    generator.subtitle(config.blog_feed_subtitle)
    generator.description(config.blog_feed_subtitle)
    generator.author({"name": config.author, "uri": base + app.builder.get_target_uri("about")})
    # feedgen takes RSS's <link> from the last link given: the page, not the feed.
    generator.link(href=feed_url, rel="self", type=MEDIA_TYPES[file_name])
    generator.link(href=page_url, rel="alternate")
    generator.language(config.language)
    generator.generator("Unscripted (Sphinx, ABlog, feedgen)", version=__version__)
    generator.rights(f"© {config.copyright}")
    generator.logo(base + "apple-touch-icon.png")
    generator.updated(updated)
    rss = file_name == "rss.xml"
    tag_index = base + app.builder.get_target_uri(published_blog(app).tags.docname)
    if rss:
        generator.load_extension("dc")
    for item in items:
        entry = generator.add_entry(order="append")
        entry.id(item.url)
        entry.guid(item.url, permalink=True)
        entry.title(item.title)
        entry.link(href=item.url, rel="alternate")
        entry.published(item.published)
        entry.updated(item.updated)
        for author in item.authors:
            if rss:
                entry.dc.dc_creator(author)  # RSS's <author> must be an e-mail address
            else:
                entry.author({"name": author})
        for name in item.tags:
            entry.category(term=name, label=name, scheme=tag_index)
        if item.summary:
            entry.summary(item.summary)
        entry.content(item.content, type="html")
    if rss:
        return generator.rss_str(pretty=True)
    return generator.atom_str(pretty=True, extensions=False)


def json_feed(app: Sphinx, feed: Feed, items: list[Item], page_url: str, feed_url: str) -> bytes:
    config = app.config
    base = config.blog_baseurl

    def date(value: dt.datetime) -> str:
        return value.isoformat(timespec="seconds")

    document = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": page_url,
        "feed_url": feed_url,
        "description": config.blog_feed_subtitle,
        "icon": base + "icon-512.png",
        "favicon": base + "apple-touch-icon.png",
        "authors": [{"name": config.author, "url": base + app.builder.get_target_uri("about")}],
        "language": config.language,
        "items": [
            {
                "id": item.url,
                "url": item.url,
                "title": item.title,
                "content_html": item.content,
                "summary": item.summary,
                "image": item.image,
                "date_published": date(item.published),
                "date_modified": date(item.updated),
                "authors": [{"name": name} for name in item.authors],
                "tags": list(item.tags),
            }
            for item in items
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def page_content(page: Path, url: str) -> str:
    """The essay as published on *page*, without page furniture, with absolute links:
    its own section of the article, not what follows it (related essays, neighbours)."""
    document = lxml.html.fromstring(page.read_bytes())
    article = document.find(".//article[@role='main']")
    article = article.find("section") if article.find("section") is not None else article
    for element in article.xpath(NOT_CONTENT):
        element.drop_tree()
    for element in article.iter():
        for name, value in list(element.attrib.items()):
            if name.startswith("on") or value.strip().lower().startswith("javascript:"):
                del element.attrib[name]
    article.make_links_absolute(url, resolve_base_href=False)
    html = "".join(lxml.html.tostring(child, encoding="unicode") for child in article)
    return ((article.text or "").strip() + html).strip()


def setup(app: Sphinx) -> dict:
    app.setup_extension("unscripted.posts")
    app.setup_extension("unscripted.brand_images")
    app.connect("build-finished", write_feeds)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
