"""Rules for Unscripted's RSS 2.0 and JSON Feed 1.1 output, as plain functions.

Each function returns human-readable problems; an empty list means the feed passes.

``rss_problems`` — where each rule comes from:

* RSS 2.0 specification (https://www.rssboard.org/rss-specification): root ``rss`` with
  ``version="2.0"`` and exactly one ``channel``; channel ``title``, ``link`` (the website, not the
  feed) and ``description`` required, once each; optional channel elements valid when present
  (``language`` a language tag, ``pubDate``/``lastBuildDate`` RFC 822 dates with four-digit years,
  ``ttl`` a whole number of minutes, ``generator``/``category`` text, ``docs`` a URL, ``image`` with
  url/title/link and width <= 144, height <= 400, ``textInput`` with title/description/name/link,
  ``cloud`` with its five attributes, ``skipHours`` 0-23, ``skipDays`` day names); an item has a
  title or a description; ``guid`` with ``isPermaLink`` missing or "true" is a URL; ``enclosure``
  needs url, length (bytes) and type; ``source`` needs url; elements not defined by the spec must be
  in a namespace.
* RSS Advisory Board / W3C feed validators and the RSS Best Practices Profile: an ``atom:link
  rel="self" type="application/rss+xml"`` naming the feed's own URL; ``guid`` on every item and
  unique; ``author``, ``managingEditor`` and ``webMaster`` are e-mail addresses, optionally followed
  by a name in parentheses (use ``dc:creator`` for bare names); the day of the week matches the
  date; numeric or named (UT, GMT, US) zones only; image title and link match the channel's; one
  enclosure per item; no relative URLs in ``description`` or ``content:encoded`` HTML; no active
  content there (script, object, embed, iframe, meta, applet, frame, frameset, base, link elements,
  ``on*`` attributes, ``javascript:`` URLs); ``content:encoded`` in the content module namespace.
* Unscripted's own: links are absolute http(s) URLs; no date later than ``now``.

``json_feed_problems`` — where each rule comes from:

* JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), through the schema
  ``tests/data/jsonfeed-1.1.schema.json``: members, types, required keys, URL fields absolute
  http(s), RFC 3339 dates with a zone, extensions (``_`` keys, custom objects), no unknown keys.
* JSON Feed 1.1 rules a schema cannot express: ``home_page_url`` (an HTML page, not the feed) and
  ``feed_url`` are required on the public web; ``next_url`` differs from ``feed_url``; item ids are
  unique; HTML only in ``content_html`` (title, summary, description and content_text are plain
  text); dates are real calendar dates.
* Unscripted's own: ``feed_url`` is the URL the feed is published at; no date later than ``now``;
  ``content_html`` follows the same HTML rules as RSS content.

Rejected although RSS 2.0 allows them: two-digit years and single-letter military zones (the
validators flag them; RFC 1123 calls the zones unreliable). Not checked, on purpose: language codes
against the ISO 639 registry and ``rating`` (PICS) content (no registry data here); whether URLs
resolve (the link checker's job); JSON Feed's "should" advice on image sizes, feed size and serving
``application/feed+json`` (not visible in the document).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from jsonschema import ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from lxml import etree

SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "jsonfeed-1.1.schema.json"

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"

# The elements RSS 2.0 defines; anything else must be in a namespace.
# fmt: off
CHANNEL_ELEMENTS = frozenset({
    "title", "link", "description", "language", "copyright", "managingEditor", "webMaster", "pubDate",
    "lastBuildDate", "category", "generator", "docs", "cloud", "ttl", "image", "rating", "textInput",
    "skipHours", "skipDays", "item",
})
ITEM_ELEMENTS = frozenset({
    "title", "link", "description", "author", "category", "comments", "enclosure", "guid", "pubDate", "source",
})
# fmt: on
REPEATABLE = {"category", "item", "enclosure"}  # more than one enclosure has its own message
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
RFC822 = re.compile(
    r"(?:(?P<day>Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?[0-9]{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r" [0-9]{4} [0-9]{2}:[0-9]{2}(?::[0-9]{2})? (?:[+-][0-9]{4}|UT|GMT|[ECMP][SD]T)"
)
LANGUAGE = re.compile(r"(?:[A-Za-z]{2,8}|[iIxX])(?:-[A-Za-z0-9]{1,8})*")
EMAIL = r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
EMAIL_WITH_NAME = re.compile(EMAIL + r"(?: \([^()]+\))?")
MIME_TYPE = re.compile(r"[A-Za-z0-9][\w!#$&^.+-]*/[A-Za-z0-9][\w!#$&^.+-]*(?: ?; ?[\w!#$&^.+-]+=\S+)*", re.ASCII)
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
MARKUP = re.compile(r"<[A-Za-z/!?][^>]*>|&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);")

ACTIVE_ELEMENTS = {"script", "object", "embed", "iframe", "meta", "applet", "frame", "frameset", "base", "link"}
URL_ATTRIBUTES = {"href", "src", "srcset", "poster", "cite", "action", "formaction"}
CONTENT_SCHEMES = {"http", "https", "mailto"}


# ---------------------------------------------------------------------------------------------- shared


def is_http_url(value: str | None) -> bool:
    """An absolute http(s) URL with a host and no whitespace."""
    if not value or re.search(r"\s", value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


def html_problems(html: str, where: str) -> list[str]:
    """Relative URLs and active content in an HTML fragment (feed content is read out of context)."""
    if not html.strip():
        return []
    try:
        document = lxml.html.document_fromstring(html)
    except etree.ParserError:  # nothing but comments or processing instructions
        return []
    problems = []
    # The whole document, not the body: the parser moves <meta>, <link>, <base> into <head>.
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag in ACTIVE_ELEMENTS:
            problems.append(f"{where}: active content <{tag}> is not allowed in feed content")
        for name, value in element.attrib.items():
            name = name.lower()
            if name.startswith("on"):
                problems.append(f"{where}: event handler attribute {name} on <{tag}> is not allowed in feed content")
            if name not in URL_ATTRIBUTES:
                continue
            urls = [c.split()[0] for c in value.split(",") if c.strip()] if name == "srcset" else [value.strip()]
            for url in urls:
                scheme = match[1].lower() if (match := SCHEME.match(url)) else ""
                if scheme in {"javascript", "vbscript"}:
                    problems.append(f"{where}: active content {name}={url!r} on <{tag}> is not allowed")
                elif not scheme:
                    problems.append(
                        f"{where}: relative URL {name}={url!r} on <{tag}>; feed content needs absolute URLs"
                    )
                elif scheme not in CONTENT_SCHEMES or (scheme != "mailto" and not is_http_url(url)):
                    problems.append(f"{where}: {name}={url!r} on <{tag}> is not an absolute http(s) or mailto: URL")
    return problems


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _future(moment: dt.datetime, now: dt.datetime, where: str, text: str) -> list[str]:
    return [f"{where}: {text!r} is in the future (now is {now.isoformat()})"] if _aware(moment) > now else []


# ---------------------------------------------------------------------------------------------- RSS 2.0


def _text(element: etree._Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def _rfc822_problems(value: str, where: str, now: dt.datetime) -> list[str]:
    match = RFC822.fullmatch(value)
    if not match:
        return [
            f"{where}: {value!r} is not an RFC 822 date like 'Thu, 14 Mar 2024 00:00:00 +0000' "
            "(four-digit year, numeric or UT/GMT/US zone)"
        ]
    try:
        moment = parsedate_to_datetime(value)
    except ValueError as error:
        return [f"{where}: {value!r} is not a real date ({error})"]
    if match["day"] and match["day"] != DAYS[moment.weekday()]:
        return [f"{where}: {value!r} has the wrong day of the week (it is a {DAYS[moment.weekday()]})"]
    return _future(moment, now, where, value)


def _person_problems(value: str, where: str) -> list[str]:
    if EMAIL_WITH_NAME.fullmatch(value):
        return []
    return [
        f"{where}: {value!r} must be an e-mail address, optionally with a name in parentheses "
        "('alex@example.org (Alex Rowan)'); use dc:creator for a name alone"
    ]


def _children_problems(parent: etree._Element, allowed: frozenset[str], where: str) -> list[str]:
    """Undefined elements must be namespaced; defined ones appear once (bar category, item, enclosure)."""
    problems = []
    counts = Counter(child.tag for child in parent if isinstance(child.tag, str))
    for tag, count in counts.items():
        name = etree.QName(tag)
        if name.localname == "encoded" and name.namespace != CONTENT:
            problems.append(f"{where}: <encoded> must be content:encoded in the namespace {CONTENT}")
        elif name.namespace is None and tag not in allowed:
            problems.append(f"{where}: <{tag}> is not an RSS 2.0 element and has no namespace")
        if count > 1 and tag in allowed - REPEATABLE:
            problems.append(f"{where}: <{tag}> appears {count} times; at most once is allowed")
    return problems


def _required_children(element: etree._Element, names: tuple[str, ...], where: str) -> list[str]:
    return [f"{where}: <{name}> is required" for name in names if not _text(element.find(name))]


def _integer(value: str, where: str, maximum: int | None = None) -> list[str]:
    if not re.fullmatch(r"[0-9]+", value):
        return [f"{where}: {value!r} is not a whole number"]
    if maximum is not None and int(value) > maximum:
        return [f"{where}: {value} is more than the maximum, {maximum}"]
    return []


def _url(value: str, where: str) -> list[str]:
    return [] if is_http_url(value) else [f"{where}: {value!r} is not an absolute http(s) URL"]


def _channel_extras(channel: etree._Element, title: str, link: str) -> list[str]:
    """Optional channel elements that have a structure of their own."""
    problems = []
    if (image := channel.find("image")) is not None:
        problems += _required_children(image, ("url", "title", "link"), "channel image")
        for name in ("url", "link"):
            if _text(image.find(name)):
                problems += _url(_text(image.find(name)), f"channel image <{name}>")
        for name, maximum in (("width", 144), ("height", 400)):
            if image.find(name) is not None:
                problems += _integer(_text(image.find(name)), f"channel image <{name}>", maximum)
        if _text(image.find("title")) and _text(image.find("title")) != title:
            problems.append("channel image: <title> should be the channel's title")
        if _text(image.find("link")) and _text(image.find("link")) != link:
            problems.append("channel image: <link> should be the channel's link")
    if (text_input := channel.find("textInput")) is not None:
        problems += _required_children(text_input, ("title", "description", "name", "link"), "channel textInput")
    if (cloud := channel.find("cloud")) is not None:
        missing = [a for a in ("domain", "port", "path", "registerProcedure", "protocol") if not cloud.get(a)]
        problems += [f"channel cloud: attribute {name} is required" for name in missing]
        if cloud.get("protocol") and cloud.get("protocol") not in {"xml-rpc", "soap", "http-post"}:
            problems.append("channel cloud: protocol must be xml-rpc, soap or http-post")
    if (skip_hours := channel.find("skipHours")) is not None:
        for hour in skip_hours.iterfind("hour"):
            problems += _integer(_text(hour), "channel skipHours <hour>", 23)
    if (skip_days := channel.find("skipDays")) is not None:
        days = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
        for day in skip_days.iterfind("day"):
            if _text(day) not in days:
                problems.append(f"channel skipDays: {_text(day)!r} is not a day name")
    return problems


def _item_problems(item: etree._Element, where: str, now: dt.datetime) -> list[str]:
    problems = _children_problems(item, ITEM_ELEMENTS, where)
    if not _text(item.find("title")) and not _text(item.find("description")):
        problems.append(f"{where}: needs a <title> or a <description>")
    for name in ("link", "comments"):
        if item.find(name) is not None:
            problems += _url(_text(item.find(name)), f"{where} <{name}>")
    if item.find("pubDate") is not None:
        problems += _rfc822_problems(_text(item.find("pubDate")), f"{where} <pubDate>", now)
    if item.find("author") is not None:
        problems += _person_problems(_text(item.find("author")), f"{where} <author>")
    if item.find(f"{{{DC}}}creator") is not None and not _text(item.find(f"{{{DC}}}creator")):
        problems.append(f"{where}: <dc:creator> is empty")
    problems += [f"{where}: <category> is empty" for c in item.iterfind("category") if not _text(c)]
    guid = item.find("guid")
    if guid is None or not _text(guid):
        problems.append(f"{where}: <guid> is required so readers can tell items apart")
    else:
        permalink = guid.get("isPermaLink", "true")
        if permalink not in {"true", "false"}:
            problems.append(f"{where} <guid>: isPermaLink must be 'true' or 'false', not {permalink!r}")
        elif permalink == "true" and not is_http_url(_text(guid)):
            problems.append(
                f"{where} <guid>: {_text(guid)!r} is a permalink (isPermaLink missing or 'true') "
                "so it must be an absolute http(s) URL"
            )
    enclosures = item.findall("enclosure")
    if len(enclosures) > 1:
        problems.append(f"{where}: has {len(enclosures)} enclosures; readers use only one")
    for enclosure in enclosures:
        for name in ("url", "length", "type"):
            if enclosure.get(name) is None:
                problems.append(f"{where} <enclosure>: attribute {name} is required")
        if enclosure.get("url") is not None:
            problems += _url(enclosure.get("url", ""), f"{where} <enclosure> url")
        if enclosure.get("length") is not None:
            problems += _integer(enclosure.get("length", ""), f"{where} <enclosure> length")
        if enclosure.get("type") is not None and not MIME_TYPE.fullmatch(enclosure.get("type", "")):
            problems.append(f"{where} <enclosure>: type {enclosure.get('type')!r} is not a MIME type")
    if (source := item.find("source")) is not None:
        problems += _url(source.get("url", ""), f"{where} <source> url")
    for element in (item.find("description"), item.find(f"{{{CONTENT}}}encoded")):
        if element is not None:
            name = "content:encoded" if element.tag == f"{{{CONTENT}}}encoded" else "description"
            if len(element):
                problems.append(f"{where} <{name}>: holds XML elements; HTML must be escaped or in CDATA")
            problems += html_problems(element.text or "", f"{where} <{name}>")
    return problems


def rss_problems(xml_bytes: bytes, *, self_url: str, now: dt.datetime | None = None) -> list[str]:
    """Problems in an RSS 2.0 feed published at ``self_url``; dates after ``now`` (default: now, UTC) are wrong."""
    now = _aware(now or dt.datetime.now(dt.UTC))
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(xml_bytes, parser)
    except etree.XMLSyntaxError as error:
        return [f"not well-formed XML: {error}"]
    if root.tag != "rss":
        return [f"root element is <{root.tag}>, not <rss>"]
    problems = [] if root.get("version") == "2.0" else [f"<rss> version is {root.get('version')!r}, not '2.0'"]
    channels = root.findall("channel")
    if len(channels) != 1:
        return [*problems, f"<rss> has {len(channels)} <channel> elements; exactly one is required"]
    channel = channels[0]
    problems += _children_problems(channel, CHANNEL_ELEMENTS, "channel")
    problems += _required_children(channel, ("title", "link", "description"), "channel")
    title, link = _text(channel.find("title")), _text(channel.find("link"))
    if link:
        problems += _url(link, "channel <link>")
    if link == self_url:
        problems.append("channel <link> is the feed itself; it must be the website's HTML page")
    if channel.find("language") is not None and not LANGUAGE.fullmatch(_text(channel.find("language"))):
        problems.append(f"channel <language>: {_text(channel.find('language'))!r} is not a language tag like 'en-gb'")
    for name in ("pubDate", "lastBuildDate"):
        if channel.find(name) is not None:
            problems += _rfc822_problems(_text(channel.find(name)), f"channel <{name}>", now)
    if channel.find("ttl") is not None:
        problems += _integer(_text(channel.find("ttl")), "channel <ttl>")
    if channel.find("docs") is not None:
        problems += _url(_text(channel.find("docs")), "channel <docs>")
    for name in ("generator", "copyright"):
        if channel.find(name) is not None and not _text(channel.find(name)):
            problems.append(f"channel <{name}> is empty")
    problems += ["channel <category> is empty" for c in channel.iterfind("category") if not _text(c)]
    for name in ("managingEditor", "webMaster"):
        if channel.find(name) is not None:
            problems += _person_problems(_text(channel.find(name)), f"channel <{name}>")
    problems += _channel_extras(channel, title, link)

    selves = [a for a in channel.iterfind(f"{{{ATOM}}}link") if a.get("rel") == "self"]
    if not selves:
        problems.append(f'channel: needs <atom:link rel="self" href="{self_url}" type="application/rss+xml"/>')
    for atom_link in selves:
        if atom_link.get("href") != self_url:
            problems.append(f"channel atom:link rel=self: href is {atom_link.get('href')!r}, not {self_url!r}")
        if atom_link.get("type") != "application/rss+xml":
            problems.append(f"channel atom:link rel=self: type is {atom_link.get('type')!r}, not application/rss+xml")

    guids = Counter(_text(item.find("guid")) for item in channel.iterfind("item") if _text(item.find("guid")))
    problems += [f"guid {g!r} is used by {n} items; guids must be unique" for g, n in guids.items() if n > 1]
    for number, item in enumerate(channel.iterfind("item"), start=1):
        problems += _item_problems(item, f"item {number}", now)
    return problems


# ---------------------------------------------------------------------------------------------- JSON Feed 1.1


@cache
def json_feed_validator() -> Validator:
    """A validator for ``tests/data/jsonfeed-1.1.schema.json`` (checked as a schema first)."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _schema_message(error: ValidationError) -> str:
    if error.validator == "pattern" and isinstance(error.schema, dict) and "title" in error.schema:
        return f"{error.instance!r} is not a valid {error.schema['title']}"
    if error.validator == "anyOf" and error.context and all(e.validator == "required" for e in error.context):
        return "needs at least one of " + ", ".join(k for e in error.context for k in e.validator_value)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known, extension = error.schema.get("properties", {}), error.schema.get("patternProperties", {})
        unknown = [k for k in error.instance if k not in known and not any(re.search(p, k) for p in extension)]
        return (
            f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}: not defined by "
            "JSON Feed 1.1, and not an extension ('_', then a letter, and no '.')"
        )
    if error.context:
        return " or ".join(sorted({e.message for e in error.context}))
    return error.message


def _rfc3339(value: str) -> dt.datetime | None:
    """Python reads upper-case T and Z only, and no leap second (taken as :59 here)."""
    try:
        return _aware(dt.datetime.fromisoformat(re.sub(r":60(?=[.Z+-])", ":59", value.upper())))
    except ValueError:
        return None


def _plain_text(value: Any, where: str) -> list[str]:
    if isinstance(value, str) and MARKUP.search(value):
        return [f"{where}: {value!r} looks like HTML; only content_html may hold markup"]
    return []


def json_feed_problems(data: dict[str, Any], *, feed_url: str, now: dt.datetime | None = None) -> list[str]:
    """Problems in a JSON Feed 1.1 document published at ``feed_url``; dates after ``now`` are wrong."""
    now = _aware(now or dt.datetime.now(dt.UTC))
    errors = sorted(json_feed_validator().iter_errors(data), key=lambda e: (e.json_path, e.message))
    problems = [f"{error.json_path}: {_schema_message(error)}" for error in errors]
    if not isinstance(data, dict):
        return problems
    if data.get("feed_url") != feed_url:
        problems.append(f"$.feed_url: is {data.get('feed_url')!r}, not the feed's own URL {feed_url!r}")
    if "home_page_url" not in data:
        problems.append("$.home_page_url: is missing; JSON Feed 1.1 treats it as required on the public web")
    if "home_page_url" in data and data.get("home_page_url") == data.get("feed_url"):
        problems.append("$.home_page_url: is the feed itself; it must be the website's HTML page")
    if "next_url" in data and data.get("next_url") == data.get("feed_url"):
        problems.append("$.next_url: must not be the same as feed_url")
    problems += _plain_text(data.get("title"), "$.title") + _plain_text(data.get("description"), "$.description")
    items = data.get("items") if isinstance(data.get("items"), list) else []
    ids = Counter(item.get("id") for item in items if isinstance(item, dict) and isinstance(item.get("id"), str))
    problems += [f"$.items: id {i!r} is used by {n} items; ids must be unique" for i, n in ids.items() if n > 1]
    date_time = json_feed_validator().schema["$defs"]["dateTime"]["pattern"]
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        where = f"$.items[{index}]"
        for name in ("date_published", "date_modified"):
            value = item.get(name)
            if not isinstance(value, str):
                continue
            moment = _rfc3339(value)
            if moment is None and re.search(date_time, value):  # else the schema has said so
                problems.append(f"{where}.{name}: {value!r} is not a real date")
            elif moment is not None:
                problems += _future(moment, now, f"{where}.{name}", value)
        for name in ("title", "summary", "content_text"):
            problems += _plain_text(item.get(name), f"{where}.{name}")
        if isinstance(item.get("content_html"), str):
            problems += html_problems(item["content_html"], f"{where}.content_html")
    return problems
