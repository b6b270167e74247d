"""The feed rules themselves: good feeds pass, and every rule can fail on its own."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import feedparser
import pytest
from jsonschema.validators import validator_for

from feed_rules import SCHEMA_PATH, json_feed_problems, rss_problems

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
SITE = "https://example.org/unscripted/"
RSS_URL = SITE + "essays/rss.xml"
JSON_URL = SITE + "essays/feed.json"
ESSAY = SITE + "essays/2024/the-quiet-lie/"

GOOD_RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"
     xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Unscripted</title>
    <link>{SITE}</link>
    <description>Essays on intimacy, honesty and what goes unsaid.</description>
    <atom:link href="{RSS_URL}" rel="self" type="application/rss+xml"/>
    <language>en-gb</language>
    <copyright>© 2024 Alex Rowan</copyright>
    <managingEditor>alex@example.org (Alex Rowan)</managingEditor>
    <webMaster>web@example.org</webMaster>
    <pubDate>Thu, 14 Mar 2024 00:00:00 +0000</pubDate>
    <lastBuildDate>Sat, 16 Mar 2024 10:00:00 GMT</lastBuildDate>
    <category>Reflections</category>
    <generator>ABlog for Sphinx</generator>
    <docs>https://www.rssboard.org/rss-specification</docs>
    <cloud domain="rpc.example.org" port="80" path="/RPC2" registerProcedure="ping" protocol="xml-rpc"/>
    <ttl>60</ttl>
    <image>
      <url>{SITE}_static/logo.png</url>
      <title>Unscripted</title>
      <link>{SITE}</link>
      <width>88</width>
      <height>31</height>
    </image>
    <textInput>
      <title>Search</title>
      <description>Search the essays</description>
      <name>q</name>
      <link>{SITE}search.html</link>
    </textInput>
    <skipHours><hour>0</hour><hour>23</hour></skipHours>
    <skipDays><day>Sunday</day></skipDays>
    <item>
      <title>The quiet lie</title>
      <link>{ESSAY}</link>
      <description>&lt;p&gt;On &lt;a href="{SITE}essays/tag/honesty/"&gt;honesty&lt;/a&gt;.&lt;/p&gt;</description>
      <content:encoded><![CDATA[<p>Read <a href="{ESSAY}#fn1">the note</a> or write to
        <a href="mailto:alex@example.org">me</a>.</p>
        <img src="{SITE}_images/door.png" srcset="{SITE}_images/door.png 1x, {SITE}_images/door@2x.png 2x" alt="">
        <!-- a comment -->]]></content:encoded>
      <author>alex@example.org (Alex Rowan)</author>
      <category>Reflections</category>
      <comments>{ESSAY}#comments</comments>
      <enclosure url="{SITE}audio/the-quiet-lie.mp3" length="1234567" type="audio/mpeg"/>
      <guid>{ESSAY}</guid>
      <pubDate>Thu, 14 Mar 2024 00:00:00 +0000</pubDate>
      <source url="{RSS_URL}">Unscripted</source>
    </item>
    <item>
      <description>A short note without a title.</description>
      <dc:creator>Alex Rowan</dc:creator>
      <guid isPermaLink="false">tag:example.org,2024:note-1</guid>
      <pubDate>16 Mar 2024 09:30 GMT</pubDate>
    </item>
  </channel>
</rss>
"""


def mutate(document: str, *changes: tuple[str, str]) -> str:
    for old, new in changes:
        assert old in document, f"mutation does not apply: {old!r}"
        document = document.replace(old, new, 1)
    return document


def test_good_rss_passes():
    assert not feedparser.parse(GOOD_RSS.encode()).bozo
    assert rss_problems(GOOD_RSS.encode(), self_url=RSS_URL, now=NOW) == []
    # The default "now" is the real clock, which is well after 2024.
    assert rss_problems(GOOD_RSS.encode(), self_url=RSS_URL) == []


def rss_case(case_id: str, expected: str, *changes: tuple[str, str]) -> Any:
    return pytest.param(changes, expected, id=case_id)


RSS_CASES = [
    # The document and the channel (RSS 2.0 specification)
    rss_case("not-xml", "not well-formed XML", ("</channel>", "</chanel>")),
    rss_case("root", "root element is <feed>, not <rss>", ("<rss version", "<feed version"), ("</rss>", "</feed>")),
    rss_case("version", "<rss> version is '0.91', not '2.0'", ('<rss version="2.0"', '<rss version="0.91"')),
    rss_case("two-channels", "has 2 <channel> elements", ("</channel>", "</channel><channel/>")),
    rss_case("no-title", "channel: <title> is required", ("<title>Unscripted</title>", "")),
    rss_case("no-link", "channel: <link> is required", (f"<link>{SITE}</link>", "")),
    rss_case(
        "no-description",
        "channel: <description> is required",
        ("<description>Essays", "<x>"),
        ("unsaid.</description>", "unsaid.</x>"),
    ),
    rss_case("two-titles", "channel: <title> appears 2 times", ("<title>Unscripted</title>", "<title>U</title>" * 2)),
    rss_case(
        "relative-link",
        "channel <link>: '/unscripted/' is not an absolute http(s) URL",
        (f"<link>{SITE}</link>", "<link>/unscripted/</link>"),
    ),
    rss_case(
        "unknown-element",
        "channel: <author> is not an RSS 2.0 element and has no namespace",
        ("<ttl>", "<author>Alex</author><ttl>"),
    ),
    rss_case(
        "link-is-feed",
        "channel <link> is the feed itself; it must be the website's HTML page",
        (f"<link>{SITE}</link>", f"<link>{RSS_URL}</link>"),
    ),
    rss_case("language", "channel <language>: 'en_GB' is not a language tag", ("en-gb", "en_GB")),
    rss_case("ttl", "channel <ttl>: 'an hour' is not a whole number", ("<ttl>60", "<ttl>an hour")),
    rss_case("generator", "channel <generator> is empty", ("ABlog for Sphinx", "")),
    rss_case("category", "channel <category> is empty", ("<category>Reflections</category>", "<category/>")),
    rss_case(
        "docs",
        "channel <docs>: 'rss-specification' is not an absolute",
        ("https://www.rssboard.org/rss-specification", "rss-specification"),
    ),
    rss_case(
        "managing-editor",
        "channel <managingEditor>: 'Alex Rowan' must be an e-mail address",
        ("alex@example.org (Alex Rowan)", "Alex Rowan"),
    ),
    rss_case(
        "webmaster",
        "channel <webMaster>: 'web at example.org' must be an e-mail address",
        ("web@example.org", "web at example.org"),
    ),
    # Dates: RFC 822 with a four-digit year, a real zone, the right weekday, not in the future
    rss_case(
        "date-iso",
        "channel <pubDate>: '2024-03-14T00:00:00Z' is not an RFC 822 date",
        ("Thu, 14 Mar 2024 00:00:00 +0000", "2024-03-14T00:00:00Z"),
    ),
    rss_case("date-two-digit-year", "is not an RFC 822 date", ("Thu, 14 Mar 2024", "Thu, 14 Mar 24")),
    rss_case("date-no-zone", "is not an RFC 822 date", ("00:00:00 +0000", "00:00:00")),
    rss_case("date-military-zone", "is not an RFC 822 date", ("00:00:00 +0000", "00:00:00 Z")),
    rss_case("date-weekday", "has the wrong day of the week (it is a Thu)", ("Thu, 14 Mar", "Wed, 14 Mar")),
    rss_case(
        "date-impossible",
        "'30 Feb 2024 00:00:00 GMT' is not a real date",
        ("Sat, 16 Mar 2024 10:00:00 GMT", "30 Feb 2024 00:00:00 GMT"),
    ),
    rss_case("date-hour", "is not a real date", ("Sat, 16 Mar 2024 10:00:00", "Sat, 16 Mar 2024 25:00:00")),
    rss_case(
        "date-future",
        "channel <lastBuildDate>: '16 Mar 2030 10:00:00 GMT' is in the future",
        ("Sat, 16 Mar 2024 10:00:00 GMT", "16 Mar 2030 10:00:00 GMT"),
    ),
    # Structured optional channel elements
    rss_case("image-url", "channel image: <url> is required", (f"<url>{SITE}_static/logo.png</url>", "")),
    rss_case(
        "image-url-relative",
        "channel image <url>: '_static/logo.png' is not an absolute",
        (f"<url>{SITE}_static/logo.png", "<url>_static/logo.png"),
    ),
    rss_case("image-width", "channel image <width>: 200 is more than the maximum, 144", ("<width>88", "<width>200")),
    rss_case("image-height", "channel image <height>: 'tall' is not a whole number", ("<height>31", "<height>tall")),
    rss_case(
        "image-title",
        "channel image: <title> should be the channel's title",
        ("<title>Unscripted</title>\n      <link>", "<title>Logo</title>\n      <link>"),
    ),
    rss_case(
        "image-link",
        "channel image: <link> should be the channel's link",
        (f"<link>{SITE}</link>\n      <width>", f"<link>{SITE}about/</link>\n      <width>"),
    ),
    rss_case("text-input", "channel textInput: <name> is required", ("<name>q</name>", "")),
    rss_case("cloud-attribute", "channel cloud: attribute port is required", ('port="80" ', "")),
    rss_case("cloud-protocol", "protocol must be xml-rpc, soap or http-post", ('"xml-rpc"', '"rest"')),
    rss_case("skip-hours", "channel skipHours <hour>: 24 is more than the maximum, 23", ("<hour>23", "<hour>24")),
    rss_case("skip-days", "channel skipDays: 'Sun' is not a day name", ("<day>Sunday", "<day>Sun")),
    # atom:link rel="self" (feed validators)
    rss_case("self-missing", 'channel: needs <atom:link rel="self"', ('rel="self"', 'rel="alternate"')),
    rss_case(
        "self-href",
        "channel atom:link rel=self: href is 'https://example.org/rss.xml'",
        (f'href="{RSS_URL}" rel="self"', 'href="https://example.org/rss.xml" rel="self"'),
    ),
    rss_case(
        "self-type",
        "channel atom:link rel=self: type is None, not application/rss+xml",
        (' type="application/rss+xml"', ""),
    ),
    # Items
    rss_case(
        "item-empty",
        "item 2: needs a <title> or a <description>",
        ("<description>A short note without a title.</description>", ""),
    ),
    rss_case(
        "item-unknown", "item 1: <summary> is not an RSS 2.0 element", ("<author>", "<summary>x</summary><author>")
    ),
    rss_case(
        "item-two-links", "item 1: <link> appears 2 times", (f"<link>{ESSAY}</link>", f"<link>{ESSAY}</link>" * 2)
    ),
    rss_case(
        "item-link",
        "item 1 <link>: '/unscripted/essays/' is not an absolute http(s) URL",
        (f"<link>{ESSAY}</link>", "<link>/unscripted/essays/</link>"),
    ),
    rss_case(
        "item-comments",
        "item 1 <comments>: '#comments' is not an absolute",
        (f"<comments>{ESSAY}#comments", "<comments>#comments"),
    ),
    rss_case("guid-missing", "item 1: <guid> is required", (f"<guid>{ESSAY}</guid>", "")),
    rss_case(
        "guid-duplicate",
        "guid 'tag:example.org,2024:note-1' is used by 2 items",
        (f"<guid>{ESSAY}</guid>", '<guid isPermaLink="false">tag:example.org,2024:note-1</guid>'),
    ),
    rss_case(
        "guid-permalink", "item 2 <guid>: 'tag:example.org,2024:note-1' is a permalink", (' isPermaLink="false"', "")
    ),
    rss_case(
        "guid-permalink-value",
        "isPermaLink must be 'true' or 'false', not 'no'",
        ('isPermaLink="false"', 'isPermaLink="no"'),
    ),
    rss_case(
        "item-date", "item 2 <pubDate>: '2024-03-16' is not an RFC 822 date", ("16 Mar 2024 09:30 GMT", "2024-03-16")
    ),
    rss_case(
        "item-date-future",
        "item 2 <pubDate>: '16 Mar 2027 09:30 GMT' is in the future",
        ("16 Mar 2024 09:30 GMT", "16 Mar 2027 09:30 GMT"),
    ),
    rss_case(
        "author-name",
        "item 1 <author>: 'Alex Rowan' must be an e-mail address",
        ("<author>alex@example.org (Alex Rowan)", "<author>Alex Rowan"),
    ),
    rss_case("dc-creator-empty", "item 2: <dc:creator> is empty", ("<dc:creator>Alex Rowan", "<dc:creator>")),
    rss_case(
        "item-category",
        "item 1: <category> is empty",
        ("<category>Reflections</category>\n      <comments>", "<category/>\n      <comments>"),
    ),
    rss_case("enclosure-length-missing", "item 1 <enclosure>: attribute length is required", ('length="1234567" ', "")),
    rss_case(
        "enclosure-length",
        "item 1 <enclosure> length: '1.2 MB' is not a whole number",
        ('length="1234567"', 'length="1.2 MB"'),
    ),
    rss_case("enclosure-type", "item 1 <enclosure>: type 'mp3' is not a MIME type", ('"audio/mpeg"', '"mp3"')),
    rss_case(
        "enclosure-url",
        "item 1 <enclosure> url: 'audio/the-quiet-lie.mp3' is not an absolute",
        (f'url="{SITE}audio/', 'url="audio/'),
    ),
    rss_case(
        "enclosure-two",
        "item 1: has 2 enclosures",
        ("<guid>", '<enclosure url="https://example.org/b.ogg" length="1" type="audio/ogg"/><guid>'),
    ),
    rss_case("source-url", "item 1 <source> url: '' is not an absolute", (f'<source url="{RSS_URL}"', "<source")),
    # HTML content: absolute URLs, no active content, escaped
    rss_case(
        "description-relative",
        "item 1 <description>: relative URL href='/unscripted/essays/tag/honesty/'",
        (f'href="{SITE}essays/tag', 'href="/unscripted/essays/tag'),
    ),
    rss_case(
        "content-fragment-link",
        "item 1 <content:encoded>: relative URL href='#fn1' on <a>",
        (f'href="{ESSAY}#fn1"', 'href="#fn1"'),
    ),
    rss_case(
        "content-protocol-relative",
        "relative URL src='//example.org/door.png' on <img>",
        (f'src="{SITE}_images/door.png"', 'src="//example.org/door.png"'),
    ),
    rss_case(
        "content-srcset", "relative URL srcset='door@2x.png' on <img>", (f"{SITE}_images/door@2x.png", "door@2x.png")
    ),
    rss_case(
        "content-other-scheme",
        "src='ftp://example.org/door.png' on <img> is not an absolute http(s) or mailto",
        (f'src="{SITE}_images/door.png"', 'src="ftp://example.org/door.png"'),
    ),
    rss_case(
        "content-script", "item 1 <content:encoded>: active content <script>", ("<!-- a", "<script>x()</script><!-- a")
    ),
    rss_case(
        "content-iframe", "active content <iframe>", ("<!-- a", '<iframe src="https://example.org/"></iframe><!-- a')
    ),
    rss_case("content-object", "active content <object>", ("<!-- a", "<object></object><!-- a")),
    rss_case("content-embed", "active content <embed>", ("<!-- a", '<embed src="https://example.org/x.swf"><!-- a')),
    rss_case(
        "content-meta", "active content <meta>", ("<![CDATA[", '<![CDATA[<meta http-equiv="refresh" content="0">')
    ),
    rss_case(
        "content-onclick",
        "event handler attribute onclick on <a>",
        ('<a href="mailto', '<a onclick="x()" href="mailto'),
    ),
    rss_case(
        "content-javascript-url",
        "active content href='javascript:alert(1)' on <a>",
        ('href="mailto:alex@example.org"', 'href="javascript:alert(1)"'),
    ),
    rss_case(
        "description-escaped",
        "item 2 <description>: holds XML elements; HTML must be escaped",
        ("<description>A short note", "<description><p>A short note</p>"),
    ),
    rss_case(
        "content-namespace",
        "<encoded> must be content:encoded in the namespace",
        ('xmlns:content="http://purl.org/rss/1.0/modules/content/"', 'xmlns:content="http://purl.org/rss/content"'),
    ),
    rss_case(
        "content-no-namespace",
        "item 1: <encoded> must be content:encoded",
        ("<content:encoded>", "<encoded>"),
        ("</content:encoded>", "</encoded>"),
    ),
]


@pytest.mark.parametrize(("changes", "expected"), RSS_CASES)
def test_each_rss_rule_can_fail(changes: tuple[tuple[str, str], ...], expected: str):
    problems = rss_problems(mutate(GOOD_RSS, *changes).encode(), self_url=RSS_URL, now=NOW)
    assert any(expected in problem for problem in problems), problems


def test_rss_self_url_is_the_one_given():
    problems = rss_problems(GOOD_RSS.encode(), self_url=SITE + "rss.xml", now=NOW)
    assert problems == [f"channel atom:link rel=self: href is {RSS_URL!r}, not {SITE + 'rss.xml'!r}"]


# ---------------------------------------------------------------------------------------------- JSON Feed 1.1

GOOD_JSON: dict[str, Any] = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Unscripted",
    "home_page_url": SITE,
    "feed_url": JSON_URL,
    "description": "Essays on intimacy, honesty and what goes unsaid.",
    "user_comment": "Add this URL to a feed reader to follow the essays.",
    "next_url": SITE + "essays/feed-2.json",
    "icon": SITE + "_static/icon-512.png",
    "favicon": SITE + "_static/icon-64.png",
    "authors": [{"name": "Alex Rowan", "url": SITE + "about/", "avatar": SITE + "_static/alex.png"}],
    "language": "en-GB",
    "expired": False,
    "hubs": [{"type": "WebSub", "url": "https://hub.example.org/"}],
    "_unscripted": {"about": SITE + "about/", "series": "essays"},
    "items": [
        {
            "id": ESSAY,
            "url": ESSAY,
            "external_url": "https://www.example.com/a-related-piece",
            "title": "The quiet lie",
            "content_html": f'<p>Read <a href="{ESSAY}#fn1">the note</a> or <a href="mailto:alex@example.org">'
            f'write</a>.</p><img src="{SITE}_images/door.png" alt="">',
            "summary": "What we do not say in bed, and why.",
            "image": SITE + "_images/door.png",
            "banner_image": SITE + "_images/banner.png",
            "date_published": "2024-03-14T00:00:00+00:00",
            "date_modified": "2024-03-15T09:30:00.5Z",
            "authors": [{"name": "Alex Rowan"}],
            "tags": ["intimacy", "vulnerability"],
            "language": "en-GB",
            "attachments": [
                {
                    "url": SITE + "audio/the-quiet-lie.mp3",
                    "mime_type": "audio/mpeg",
                    "title": "The essay, read aloud",
                    "size_in_bytes": 1234567,
                    "duration_in_seconds": 612.5,
                    "_unscripted": {"narrator": "Alex Rowan"},
                }
            ],
            "_unscripted": {"reading_minutes": 7},
        },
        {
            "id": "tag:example.org,2024:note-1",
            "content_text": "A short note & a second thought.",
            "date_published": "2024-03-16t10:00:00z",
            "author": {"url": "mailto:alex@example.org"},
        },
    ],
}

DROP = object()


def change(*path_and_value: Any) -> Callable[[dict[str, Any]], None]:
    """Set (or, with DROP, delete) the member at a path of keys and indexes."""
    *path, value = path_and_value

    def apply(document: dict[str, Any]) -> None:
        target = document
        for key in path[:-1]:
            target = target[key]
        if value is DROP:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return apply


def json_case(case_id: str, expected: str, *path_and_value: Any) -> Any:
    return pytest.param(change(*path_and_value), expected, id=case_id)


JSON_CASES = [
    # Top level (JSON Feed 1.1 through the schema)
    json_case(
        "version",
        "$.version: 'https://jsonfeed.org/version/1.1' was expected",
        "version",
        "https://jsonfeed.org/version/1",
    ),
    json_case("version-missing", "$: 'version' is a required property", "version", DROP),
    json_case("title-missing", "$: 'title' is a required property", "title", DROP),
    json_case("title-empty", "$.title: '' should be non-empty", "title", ""),
    json_case("title-type", "$.title: 1 is not of type 'string'", "title", 1),
    json_case("items-missing", "$: 'items' is a required property", "items", DROP),
    json_case("items-type", "$.items: {} is not of type 'array'", "items", {}),
    json_case("unknown-key", "$: unknown key 'author_name': not defined by JSON Feed 1.1", "author_name", "Alex"),
    json_case("extension-not-object", "$['_unscripted']: 'essays' is not of type 'object'", "_unscripted", "essays"),
    json_case("extension-name-digit", "$: unknown key '_2024'", "_2024", {}),
    json_case("extension-name-dot", "$: unknown key '_un.scripted'", "_un.scripted", {}),
    json_case(
        "extension-member-dot",
        "$['_unscripted']: 'reading.minutes' is not a valid extension member key",
        "_unscripted",
        {"reading.minutes": 7},
    ),
    json_case(
        "home-page-relative",
        "$.home_page_url: '/unscripted/' is not a valid absolute http(s) URL",
        "home_page_url",
        "/unscripted/",
    ),
    json_case("home-page-missing", "$.home_page_url: is missing", "home_page_url", DROP),
    json_case("home-page-is-feed", "$.home_page_url: is the feed itself", "home_page_url", JSON_URL),
    json_case(
        "feed-url-other",
        "$.feed_url: is 'https://example.org/feed.json', not the feed's own URL",
        "feed_url",
        "https://example.org/feed.json",
    ),
    json_case("feed-url-missing", "$.feed_url: is None, not the feed's own URL", "feed_url", DROP),
    json_case(
        "feed-url-newline",
        "$.feed_url: 'https://example.org/unscripted/essays/feed.json\\n' is not a valid",
        "feed_url",
        JSON_URL + "\n",
    ),
    json_case("feed-url-space", "is not a valid absolute http(s) URL", "feed_url", SITE + "essays/my feed.json"),
    json_case("next-url-loop", "$.next_url: must not be the same as feed_url", "next_url", JSON_URL),
    json_case("next-url-relative", "$.next_url: 'feed-2.json' is not a valid absolute", "next_url", "feed-2.json"),
    json_case("icon", "$.icon: 'icon.png' is not a valid absolute http(s) URL", "icon", "icon.png"),
    json_case("favicon", "$.favicon: 'ftp://example.org/f.png' is not a valid", "favicon", "ftp://example.org/f.png"),
    json_case("description-type", "$.description: None is not of type 'string'", "description", None),
    json_case("description-html", "$.description: '<p>Essays</p>' looks like HTML", "description", "<p>Essays</p>"),
    json_case("language", "$.language: 'en_GB' is not a valid RFC 5646 language tag", "language", "en_GB"),
    json_case("expired", "$.expired: 'no' is not of type 'boolean'", "expired", "no"),
    json_case("hubs-empty", "$.hubs: [] should be non-empty", "hubs", []),
    json_case("hub-url-missing", "$.hubs[0]: 'url' is a required property", "hubs", 0, "url", DROP),
    json_case("hub-url", "$.hubs[0].url: 'hub' is not a valid absolute http(s) URL", "hubs", 0, "url", "hub"),
    # Authors
    json_case("authors-empty", "$.authors: [] should be non-empty", "authors", []),
    json_case("author-empty", "$.authors[0]: needs at least one of name, url, avatar", "authors", 0, {}),
    json_case("author-unknown", "$.authors[0]: unknown key 'email'", "authors", 0, "email", "alex@example.org"),
    json_case(
        "author-url",
        "$.authors[0].url: 'alex@example.org' is not a valid absolute http(s) or mailto: URL",
        "authors",
        0,
        "url",
        "alex@example.org",
    ),
    json_case(
        "author-avatar", "$.authors[0].avatar: '/alex.png' is not a valid absolute", "authors", 0, "avatar", "/alex.png"
    ),
    json_case("author-deprecated-empty", "$.items[1].author: needs at least one of", "items", 1, "author", {}),
    # Items
    json_case("id-missing", "$.items[0]: 'id' is a required property", "items", 0, "id", DROP),
    json_case("id-number", "$.items[0].id: 1 is not of type 'string'", "items", 0, "id", 1),
    json_case("id-empty", "$.items[0].id: '' should be non-empty", "items", 0, "id", ""),
    json_case("id-duplicate", f"$.items: id {ESSAY!r} is used by 2 items", "items", 1, "id", ESSAY),
    json_case(
        "content-missing",
        "$.items[1]: needs at least one of content_html, content_text",
        "items",
        1,
        "content_text",
        DROP,
    ),
    json_case("item-unknown", "$.items[0]: unknown key 'content'", "items", 0, "content", "x"),
    json_case(
        "item-url",
        "$.items[0].url: '/unscripted/essays/' is not a valid absolute",
        "items",
        0,
        "url",
        "/unscripted/essays/",
    ),
    json_case(
        "external-url",
        "$.items[0].external_url: 'example.com' is not a valid",
        "items",
        0,
        "external_url",
        "example.com",
    ),
    json_case("image", "$.items[0].image: 'door.png' is not a valid absolute", "items", 0, "image", "door.png"),
    json_case("banner-image", "$.items[0].banner_image: 'b.png' is not a valid", "items", 0, "banner_image", "b.png"),
    json_case("tags", "$.items[0].tags[1]: 3 is not of type 'string'", "items", 0, "tags", ["intimacy", 3]),
    json_case("item-language", "$.items[0].language: 'English!' is not a valid", "items", 0, "language", "English!"),
    json_case(
        "item-title-html",
        "$.items[0].title: '<em>The</em> quiet lie' looks like HTML",
        "items",
        0,
        "title",
        "<em>The</em> quiet lie",
    ),
    json_case(
        "summary-entity", "$.items[0].summary: 'Why &amp; how' looks like HTML", "items", 0, "summary", "Why &amp; how"
    ),
    json_case(
        "content-text-html",
        "$.items[1].content_text: '<p>A note</p>' looks like HTML",
        "items",
        1,
        "content_text",
        "<p>A note</p>",
    ),
    # Dates: RFC 3339 with a zone, real, not in the future
    json_case(
        "date-no-zone",
        "$.items[0].date_published: '2024-03-14T00:00:00' is not a valid RFC 3339 date-time",
        "items",
        0,
        "date_published",
        "2024-03-14T00:00:00",
    ),
    json_case("date-only", "'2024-03-14' is not a valid RFC 3339", "items", 0, "date_published", "2024-03-14"),
    json_case("date-space", "is not a valid RFC 3339", "items", 0, "date_published", "2024-03-14 00:00:00Z"),
    json_case("date-rfc822", "is not a valid RFC 3339", "items", 0, "date_modified", "Thu, 14 Mar 2024 00:00:00 GMT"),
    json_case(
        "date-impossible",
        "$.items[0].date_published: '2024-02-30T00:00:00Z' is not a real date",
        "items",
        0,
        "date_published",
        "2024-02-30T00:00:00Z",
    ),
    json_case(
        "date-future",
        "$.items[0].date_modified: '2026-06-01T13:00:00+00:00' is in the future",
        "items",
        0,
        "date_modified",
        "2026-06-01T13:00:00+00:00",
    ),
    json_case("date-future-offset", "is in the future", "items", 1, "date_published", "2026-06-01T12:30:00-01:00"),
    # Attachments
    json_case("attachments-empty", "$.items[0].attachments: [] should be non-empty", "items", 0, "attachments", []),
    json_case(
        "attachment-mime-missing",
        "$.items[0].attachments[0]: 'mime_type' is a required property",
        "items",
        0,
        "attachments",
        0,
        "mime_type",
        DROP,
    ),
    json_case(
        "attachment-url-missing",
        "$.items[0].attachments[0]: 'url' is a required property",
        "items",
        0,
        "attachments",
        0,
        "url",
        DROP,
    ),
    json_case(
        "attachment-url",
        "$.items[0].attachments[0].url: 'a.mp3' is not a valid absolute",
        "items",
        0,
        "attachments",
        0,
        "url",
        "a.mp3",
    ),
    json_case(
        "attachment-mime",
        "$.items[0].attachments[0].mime_type: 'mp3' is not a valid MIME type",
        "items",
        0,
        "attachments",
        0,
        "mime_type",
        "mp3",
    ),
    json_case(
        "attachment-size",
        "$.items[0].attachments[0].size_in_bytes: -1 is less than the minimum of 0",
        "items",
        0,
        "attachments",
        0,
        "size_in_bytes",
        -1,
    ),
    json_case(
        "attachment-duration",
        "$.items[0].attachments[0].duration_in_seconds: '10:12' is not of type 'number'",
        "items",
        0,
        "attachments",
        0,
        "duration_in_seconds",
        "10:12",
    ),
    # content_html: the same HTML rules as RSS content
    json_case(
        "html-relative",
        "$.items[0].content_html: relative URL href='#fn1' on <a>",
        "items",
        0,
        "content_html",
        '<p><a href="#fn1">1</a></p>',
    ),
    json_case(
        "html-relative-src",
        "relative URL src='door.png' on <img>",
        "items",
        0,
        "content_html",
        '<img src="door.png" alt="">',
    ),
    json_case(
        "html-script",
        "$.items[0].content_html: active content <script>",
        "items",
        0,
        "content_html",
        "<p>x</p><script>alert(1)</script>",
    ),
    json_case("html-meta", "active content <meta>", "items", 0, "content_html", '<meta charset="utf-8"><p>x</p>'),
    json_case(
        "html-onerror",
        "event handler attribute onerror on <img>",
        "items",
        0,
        "content_html",
        f'<img src="{SITE}x.png" onerror="alert(1)" alt="">',
    ),
    json_case(
        "html-javascript",
        "active content href='javascript:void(0)'",
        "items",
        0,
        "content_html",
        '<a href="javascript:void(0)">x</a>',
    ),
]


@pytest.mark.parametrize(("mutation", "expected"), JSON_CASES)
def test_each_json_feed_rule_can_fail(mutation: Callable[[dict[str, Any]], None], expected: str):
    document = copy.deepcopy(GOOD_JSON)
    mutation(document)
    problems = json_feed_problems(document, feed_url=JSON_URL, now=NOW)
    assert any(expected in problem for problem in problems), problems


def test_good_json_feed_passes():
    document = json.loads(json.dumps(GOOD_JSON))  # exactly what a reader would decode
    assert json_feed_problems(document, feed_url=JSON_URL, now=NOW) == []
    assert json_feed_problems(document, feed_url=JSON_URL) == []


def test_minimal_json_feed_from_the_spec_passes():
    minimal = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "My Example Feed",
        "home_page_url": "https://example.org/",
        "feed_url": "https://example.org/feed.json",
        "items": [
            {"id": "2", "content_text": "This is a second item.", "url": "https://example.org/second-item"},
            {"id": "1", "content_html": "<p>Hello, world!</p>", "url": "https://example.org/initial-post"},
        ],
    }
    assert json_feed_problems(minimal, feed_url="https://example.org/feed.json", now=NOW) == []


def test_json_feed_that_is_not_an_object():
    problems = json_feed_problems([], feed_url=JSON_URL, now=NOW)  # type: ignore[arg-type]
    assert problems == ["$: [] is not of type 'object'"]


def test_schema_is_a_valid_json_schema():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator_for(schema).check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "written by hand" in schema["$comment"].lower()
    assert "jsonfeed.org/version/1.1" in schema["$comment"]
