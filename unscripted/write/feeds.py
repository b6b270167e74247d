"""Feeds, in Atom, RSS 2.0 and JSON Feed 1.1: the site's in full text, every tag's and category's
with the essays' openings.

Which feeds exist and what they hold comes from the site model
(``Site.feeds``). The site's feed carries each essay whole, taken once from its
written page, so it is exactly what readers of the site see. A tag's or a
category's feed tells its readers what is new there: each entry's content is
the essay's opening as listings show it, then a link to the essay, and no
separate summary (RSS carries it as the item's description). The same essays
in full in every feed made 18 MB of feeds at 1,000 essays, 92% of them in the
tags' and categories' feeds. The three formats of a feed carry
the same entries; ids are the URLs, dates are the essays' own in the site's
time zone. A feed file is only rewritten when it changes.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from feedgen.feed import FeedGenerator
from lxml import etree
from sphinx.application import Sphinx

from unscripted.core import __version__
from unscripted.core.html_policy import sanitize
from unscripted.core.mathml import plain_text
from unscripted.core.model import FEED_FORMATS, Essay, Feed, Site, url_path
from unscripted.infra.files import Fingerprints, prune, write_if_changed
from unscripted.infra.output import page_file
from unscripted.read.state import build_state, publishing, site_fingerprint, site_of
from unscripted.write.articles import published_article
from unscripted.write.entries import report_removed

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MEDIA_TYPES = {file_name: media_type for file_name, media_type, _ in FEED_FORMATS}
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


@dataclass(frozen=True)
class Item:
    """One essay as every feed format carries it."""

    url: str
    title: str
    published: dt.datetime
    updated: dt.datetime
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    summary: str | None  # None: the content is the opening already
    content: str
    image: str
    language: str  # BCP 47: the essay's, else the site's
    external: str | None = None  # a link post's home elsewhere (ABlog's external_link)


def write_feeds(app: Sphinx, exception: Exception | None) -> None:
    """Write every feed whose entries changed; delete the feeds of vanished tags and categories."""
    if exception is not None or not publishing(app):
        return
    config, site = app.config, site_of(app)
    now = build_state(app).now
    items: dict[tuple[str, bool], Item] = {}  # each essay's entry is made once for all its feeds
    fingerprints = Fingerprints(app, "feeds")
    shared = (site_fingerprint(app), config.blog_feed_length, config.unscripted_group_feed_length)
    written: set[str] = set()

    def item_for(docname: str, full_text: bool) -> Item:
        if (docname, full_text) not in items:
            items[docname, full_text] = make_item(app, site, docname, full_text=full_text)
        return items[docname, full_text]

    for feed in site.feeds:
        full_text = feed.listing == site.all_essays.docname
        # The site's feed: its newest essays in full. A tag's or category's: fewer, and openings.
        members = feed.essays[: config.blog_feed_length if full_text else config.unscripted_group_feed_length]
        paths = [Path(app.outdir, feed.path(file_name)) for file_name, _, _ in FEED_FORMATS]
        written.update(feed.path(file_name) for file_name, _, _ in FEED_FORMATS)
        # An essay's page is rewritten when its content changes: its size and time stand for it.
        inputs = [(d, site.essays[d].appearance(now), page_stamp(app, d)) for d in members]
        if not fingerprints.changed(feed.listing, shared, feed.title, full_text, inputs) and all(
            p.is_file() for p in paths
        ):
            continue
        entries = [item_for(d, full_text) for d in members]
        for path, (file_name, _, _) in zip(paths, FEED_FORMATS, strict=True):
            write_if_changed(path, render(app, site, feed, entries, file_name))
    names = tuple(file_name for file_name, _, _ in FEED_FORMATS)
    prune(Path(app.outdir), site.all_essays.docname, written, names)
    fingerprints.save()


def page_stamp(app: Sphinx, docname: str) -> tuple[int, int]:
    status = page_file(app, docname).stat()
    return status.st_mtime_ns, status.st_size


def make_item(app: Sphinx, site: Site, docname: str, *, full_text: bool) -> Item:
    base = app.config.blog_baseurl
    essay = site.essays[docname]
    url = base + app.builder.get_target_uri(docname)
    if full_text:
        article = published_article(page_file(app, docname), url)
        summary = essay.source.description or plain_text(lxml.html.fromstring(essay.excerpt_html or "<p></p>"))
    else:  # an opening's entry is its summary already: saying it twice was a quarter of the feed
        article, summary = opening_and_link(essay, url), None
    # The write boundary again, on the entry as feed readers get it (no CSP protects them):
    # its images may only come from this site.
    content, removed = sanitize(article, site_prefix=base)
    report_removed(app, docname, removed, "its feed entry")
    return Item(
        url=url,
        title=essay.title,
        published=essay.date,
        updated=essay.updated,
        authors=tuple(c.name for c in site.collections_of(docname, "author")),
        tags=tuple(c.name for c in site.collections_of(docname, "tags")),
        summary=" ".join(summary.split()) if summary is not None else None,
        content=content,
        image=base + url_path(essay.card_path),
        language=essay.source.language or app.config.language or "en",
        external=essay.source.external_link,
    )


def opening_and_link(essay: Essay, url: str) -> str:
    """What a tag's or category's feed says of an essay: its content note (as its page has it),
    its opening as listings show it (its description, else its first words, with absolute
    links), then a link to it."""
    parts = []
    if essay.source.content_note:
        parts.append(
            '<div class="content-note" role="note" aria-label="Content note">'
            f"<p><strong>Content note:</strong> {html.escape(essay.source.content_note, quote=False)}</p></div>"
        )
    if essay.source.description:
        parts.append(f"<p>{html.escape(essay.source.description, quote=False)}</p>")
    elif essay.excerpt_html.strip():
        for part in lxml.html.fragments_fromstring(essay.excerpt_html):
            if isinstance(part, str):
                parts.append(html.escape(part, quote=False))
            else:
                part.make_links_absolute(url, resolve_base_href=False)
                parts.append(lxml.html.tostring(part, encoding="unicode"))
    parts.append(f'<p><a href="{html.escape(url)}">Read “{html.escape(essay.title, quote=False)}”</a></p>')
    return "".join(parts)


def render(app: Sphinx, site: Site, feed: Feed, items: list[Item], file_name: str) -> bytes:
    config = app.config
    base = config.blog_baseurl
    page_url = base + app.builder.get_target_uri(feed.listing)
    feed_url = base + url_path(feed.path(file_name))
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
    tag_index = base + app.builder.get_target_uri(site.catalogs["tags"].docname)
    if rss:
        generator.load_extension("dc")
    for item in items:
        entry = generator.add_entry(order="append")
        entry.id(item.url)
        entry.guid(item.url, permalink=True)
        entry.title(item.title)
        if item.external:  # a link post: readers follow the link; its page here is related
            entry.link(href=item.url, rel="related")
            entry.link(href=item.external, rel="alternate")
        else:
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
            # Plain text; RSS's <description> is HTML, so there the text is escaped once more.
            entry.summary(html.escape(item.summary, quote=False) if rss else item.summary)
        entry.content(item.content, type="html")
    if rss:
        return generator.rss_str(pretty=False)  # RSS says one language per channel
    return in_their_languages(generator.atom_str(pretty=False, extensions=False), items, config.language or "en")


def in_their_languages(atom: bytes, items: list[Item], language: str) -> bytes:
    """Each Atom entry in another language than its feed's says so (``xml:lang``)."""
    if all(item.language == language for item in items):
        return atom
    document = etree.fromstring(atom)
    for entry, item in zip(document.iterfind(f"{ATOM}entry"), items, strict=True):
        if item.language != language:
            entry.set(XML_LANG, item.language)
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8")


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
                **({"external_url": item.external} if item.external else {}),
                "title": item.title,
                "content_html": item.content,
                **({"summary": item.summary} if item.summary is not None else {}),
                "image": item.image,
                "language": item.language,
                "date_published": date(item.published),
                "date_modified": date(item.updated),
                "authors": [{"name": name} for name in item.authors],
                "tags": list(item.tags),
            }
            for item in items
        ],
    }
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
